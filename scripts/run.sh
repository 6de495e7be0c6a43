#!/usr/bin/env bash
# The main job: set up what is missing, then turn every document of the bundled
# corpus into JSON, CSV, XLSX and DOCX in output/: the five real seed exports
# (corpus/*.txt) and the synthetic set in every input format (corpus/synthetic:
# digital and scanned PDFs, images, DOCX, text exports, OCR dumps). The gold
# JSON files and the manifest are the answers, not inputs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
inputs=(corpus/*.txt)
for f in corpus/synthetic/*; do
  case "$f" in *.gold.json | */manifest.json) ;; *) inputs+=("$f") ;; esac
done
exec .venv/bin/sopbaku run "${inputs[@]}" --out output/ "$@"
