"""The one place that runs LibreOffice: DOCX -> PDF for checking and printing renders.

Each conversion gets its own throw-away user profile: LibreOffice refuses to
start a second instance on a profile in use, so without this two conversions
(or a desktop session of the same user) would block each other, and a profile
broken by a killed run would break every later one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from sopbaku.errors import ExternalToolError, MissingDependencyError

#: Names the LibreOffice binary goes by (Debian installs both; some builds only one).
BINARIES = ("soffice", "libreoffice")


def find_soffice() -> Path:
    """The LibreOffice binary on PATH, or :class:`MissingDependencyError`."""
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise MissingDependencyError("LibreOffice not found: install it (soffice) to convert DOCX to PDF")


def convert_to_pdf(docx: Path, outdir: Path, timeout: float = 120) -> Path:
    """Convert ``docx`` to ``outdir/<stem>.pdf`` with headless LibreOffice and return the PDF path.

    Raises :class:`MissingDependencyError` when LibreOffice is absent and
    :class:`ExternalToolError` when it fails, times out or writes no PDF.
    """
    docx, outdir = Path(docx), Path(outdir)
    if not docx.is_file():
        raise ExternalToolError(f"{docx.name}: cannot convert to PDF, file not found")
    soffice = find_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    pdf = outdir / f"{docx.stem}.pdf"
    pdf.unlink(missing_ok=True)  # a stale PDF must not pass for this run's result
    with tempfile.TemporaryDirectory(prefix="sopbaku-lo-") as profile:
        cmd = [str(soffice), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--norestore", "--convert-to", "pdf", "--outdir", str(outdir), str(docx)]
        stderr = _run(cmd, timeout, docx.name)
    if not pdf.is_file():
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else "no PDF written"
        raise ExternalToolError(f"{docx.name}: LibreOffice did not convert it: {detail}")
    return pdf


def _run(cmd: list[str], timeout: float, name: str) -> str:
    """Run LibreOffice in its own process group; on timeout kill the whole group, not just the launcher.

    ``soffice`` is a launcher that starts ``soffice.bin``: killing only the
    launcher would leave the real converter running and holding the profile.
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ExternalToolError(f"{name}: LibreOffice ran past {timeout:g} s and was stopped") from exc
    if proc.returncode != 0:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {proc.returncode}"
        raise ExternalToolError(f"{name}: LibreOffice failed: {last}")
    return stderr
