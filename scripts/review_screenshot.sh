#!/usr/bin/env bash
# Screenshots of the reviewers' pages in headless Chromium, to look at by eye (not part of the test suite).
#
#   scripts/review_screenshot.sh [SCANNED_FILE]
#
# Writes docs/img/review.png: `sopbaku review` of a crooked scanned PDF from the
# synthetic corpus (each step beside the crop of its row), and
# docs/img/review_diff.png: `sopbaku diff` of a gold JSON against a copy with a
# step edited, one inserted, one deleted and one moved. Needs `chromium`
# (Debian: apt-get install -y chromium); runs offline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source_file="${1:-corpus/synthetic/synth_s7_02_scan.pdf}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p docs/img

shoot() {  # shoot HTML PNG HEIGHT
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
        --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$work/profile" \
        --screenshot="$2" --window-size="1400,$3" "file://$(realpath "$1")" 2>/dev/null
    echo "$2"
}

.venv/bin/sopbaku review "$source_file" --out "$work" >/dev/null
shoot "$work/$(basename "${source_file%.*}").review.html" docs/img/review.png 1800

gold=corpus/004_487b0fd81a30745f.gold.json
.venv/bin/python - "$gold" "$work/edited.json" <<'PY'
import json, sys
sops = json.load(open(sys.argv[1], encoding="utf-8"))
steps = sops[0]["steps"]
steps[1]["output"] = "Disposisi tertulis"                       # an edited cell
steps[3]["waktu"] = {"raw": "45 menit", "value": 45, "unit": "menit", "minutes": 45}
steps.insert(5, dict(steps[5], kegiatan="Memverifikasi data capaian kinerja", output="Data terverifikasi"))
del steps[9]                                                   # a deleted step
steps.insert(2, steps.pop(11))                                 # a moved step
for i, step in enumerate(steps, start=1):
    step["no"], step["next"] = i, ([i + 1] if i < len(steps) else [])
json.dump(sops, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
.venv/bin/sopbaku diff "$gold" "$work/edited.json" --html "$work/diff.html" >/dev/null || [ $? -eq 1 ]
shoot "$work/diff.html" docs/img/review_diff.png 1800
