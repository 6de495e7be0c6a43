#!/usr/bin/env bash
# Regenerate docs/benchmarks.md: sopbaku against camelot (lattice, stream),
# pdfplumber extract_tables, img2table + tesseract and plain tesseract, on the
# committed corpus, with the machine it ran on. Takes a few minutes.
#   1. .venv as bootstrap.sh makes it, plus the `bench` extra (camelot-py);
#   2. .venv-bench, a venv of its own for img2table (its opencv-contrib-python
#      would overwrite .venv's opencv-python-headless), from
#      benchmarks/baselines-requirements.txt, redone when that file changes;
#   3. benchmarks/baselines.py, which writes the page.
# Extra arguments go to benchmarks/baselines.py (e.g. --format image --no-scan-speed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'benchmarks: %s\n' "$*" >&2; }

bash scripts/bootstrap.sh
if ! .venv/bin/python -c 'import camelot' 2>/dev/null; then
  say "installing the bench extra (camelot-py) into .venv"
  constraints=()
  [ -f requirements.lock ] && constraints=(-c requirements.lock)
  PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    .venv/bin/python -m pip install -q -e '.[dev,bench]' "${constraints[@]}" </dev/null
fi

stamp=.venv-bench/.bench-stamp
want=$(sha256sum benchmarks/baselines-requirements.txt | cut -d' ' -f1)
if [ ! -x .venv-bench/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "setting up .venv-bench (img2table)"
  [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
  PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    .venv-bench/bin/python -m pip install -q -r benchmarks/baselines-requirements.txt </dev/null
  echo "$want" >"$stamp"
fi

exec .venv/bin/python -m benchmarks.baselines --out docs/benchmarks.md "$@"
