#!/usr/bin/env bash
# Quick start, command 1: set up what is missing, then render the default explainer end to end.
# Extra arguments go to `explainer-anim render all` (e.g. --quality preview).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/explainer-anim render all "$@"
