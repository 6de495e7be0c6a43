#!/usr/bin/env bash
# The checks CI runs: set up what is missing, then lint and the test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
