#!/usr/bin/env bash
# Set up everything sopbaku needs on Debian/Ubuntu, installing only what is missing:
#   1. system tools (tesseract with Indonesian data, poppler, ghostscript,
#      LibreOffice Writer, DejaVu fonts), via apt, each only if absent;
#   2. the virtualenv .venv with the pinned Python dependencies.
# Idempotent and fast on a second run: step 2 is skipped while the stamp in
# .venv/ matches the hash of pyproject.toml and requirements.lock.
# Works without a TTY or stdin (CI): apt and pip never ask questions.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# --------------------------------------------------------------------------- apt
# The Debian packages whose programs (or data) are missing, one per line.
missing_packages() {
  command -v python3 >/dev/null || echo python3
  # Debian splits venv/ensurepip out of python3; a python3 built elsewhere has them.
  python3 -c 'import ensurepip, venv' 2>/dev/null || echo python3-venv
  command -v tesseract >/dev/null || echo tesseract-ocr
  { command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx ind; } || echo tesseract-ocr-ind
  command -v pdftoppm >/dev/null || echo poppler-utils
  command -v gs >/dev/null || echo ghostscript
  command -v soffice >/dev/null || command -v libreoffice >/dev/null || echo libreoffice-writer-nogui
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || echo fonts-dejavu-core
}

install_packages() {
  local -a pkgs=("$@") sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      say "not root and no sudo: cannot install ${pkgs[*]}"
      return 1
    fi
    sudo=(sudo -n)  # -n: fail instead of waiting for a password nobody can type
  fi
  say "installing ${pkgs[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${pkgs[@]}" </dev/null
}

mapfile -t wanted < <(missing_packages)
if [ "${#wanted[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    say "no apt-get here; please install yourself: ${wanted[*]}"
  elif ! install_packages "${wanted[@]}"; then
    # Text inputs, JSON and DOCX still work; scans (OCR) and --pdf will not.
    say "WARNING: could not install ${wanted[*]}; scanned inputs and --pdf will fail"
  fi
fi
command -v python3 >/dev/null || { say "python3 is required"; exit 1; }

# --------------------------------------------------------------------------- venv
stamp=.venv/.bootstrap-stamp
want=$(cat pyproject.toml requirements.lock 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
[ -x .venv/bin/python ] || { say "creating .venv"; python3 -m venv .venv; }
constraints=()
[ -f requirements.lock ] && constraints=(-c requirements.lock)
say "installing Python dependencies into .venv"
PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
  .venv/bin/python -m pip install -q -e '.[dev]' "${constraints[@]}" </dev/null
echo "$want" >"$stamp"
say "ready"
