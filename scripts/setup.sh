#!/usr/bin/env bash
# Installs what this project needs on Debian 12 and nothing twice: Debian packages that are
# missing, a .venv, the package itself (editable) and, with --test, the test tools.
# Safe to run again: every step first checks whether its work is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
for arg in "$@"; do
  case "$arg" in
    --test) WITH_TEST=1 ;;
    *) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
  esac
done

# Cairo/Pango headers and pkg-config: pycairo and manimpango build from source.
# texlive + dvisvgm: MathTex. ffmpeg: encode/probe. espeak-ng: fallback voice (Piper also
# phonemizes with its own copy). festival + slt: the third voice. fonts: the theme's faces.
DEB_PACKAGES=(
  build-essential pkg-config libcairo2-dev libpango1.0-dev
  texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm
  ffmpeg sox espeak-ng festival festvox-us-slt-hts
  fonts-noto-core fonts-dejavu-core fontconfig
  python3-venv python3-dev
)
if [ "$WITH_TEST" = 1 ]; then
  DEB_PACKAGES+=(chromium)
fi

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi

# Reinstall only when pyproject.toml changed since the last install of that flavour.
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
install() {  # $1: stamp file, $2: pip target
  if [ ! -f "$1" ] || [ "$(cat "$1")" != "$want" ]; then
    echo "setup: installing $2 into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e "$2"
    echo "$want" > "$1"
  fi
}
if [ "$WITH_TEST" = 1 ]; then
  install .venv/.installed-test ".[test]"
  cp .venv/.installed-test .venv/.installed-base
else
  install .venv/.installed-base "."
fi
echo "setup: ready ($(.venv/bin/explainer-anim --version))"
