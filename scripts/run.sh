#!/usr/bin/env bash
# The main job: set up what is missing, then turn every seed document of
# corpus/ into JSON, CSV and DOCX in output/ (the gold JSON files are not inputs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
exec .venv/bin/sopbaku run corpus/*.txt --out output/ "$@"
