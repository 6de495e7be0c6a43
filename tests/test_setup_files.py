"""The set-up files keep their promises: the README's two commands exist and
agree with make and CI, the scripts are strict bash, the README names only
options the CLI has, and the lock file cannot fight pyproject.toml's pins.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPTS = [*sorted((ROOT / "scripts").glob("*.sh")), ROOT / ".ci" / "run"]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    """The commands in the first code block under "## Quick start"."""
    section = README.split("## Quick start", 1)[1]
    block = section.split("```", 2)[1]
    return [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.split("#")[0].strip()]


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_scripts_are_strict_bash_that_parses(script: Path) -> None:
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    proc = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_readme_quick_start_is_two_commands_that_make_and_ci_share() -> None:
    commands = quick_start_commands()
    assert commands == ["bash scripts/run.sh", "bash scripts/test.sh"]
    assert all((ROOT / c.split()[1]).is_file() for c in commands)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:.*\n\tbash scripts/run\.sh$", makefile, re.M)
    assert re.search(r"^test:.*\n\tbash scripts/test\.sh$", makefile, re.M)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "bash scripts/test.sh" in ci


def test_every_option_in_the_readme_exists_in_the_cli() -> None:
    import typer

    from sopbaku.cli import app

    cli = Path(sys.executable).with_name("sopbaku")
    commands = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    helps = "".join(
        subprocess.run([str(cli), *cmd, "--help"], capture_output=True, text=True, check=True,
                       env={**os.environ, "COLUMNS": "200"}).stdout
        for cmd in ([], *([c] for c in commands))
    )
    documented = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", README))
    assert documented, "the README documents the CLI options"
    assert {opt for opt in documented if opt not in helps} == set()


def test_the_lock_pins_only_indirect_dependencies() -> None:
    """pyproject.toml pins the direct ones; pinning them twice would make a version bump unresolvable."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *(d for ds in project["optional-dependencies"].values() for d in ds)]

    def canon(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    direct = {canon(re.split(r"[\s\[=<>!~;]", d, maxsplit=1)[0]) for d in declared}
    lines = [ln for ln in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9._-]+==[\w.+!-]+", ln) for ln in lines)
    assert {canon(ln.split("==")[0]) for ln in lines} & direct == set()
