#!/usr/bin/env bash
# Quick start, command 2: set up what is missing (with the test tools), then run every test.
# Extra arguments go to pytest (e.g. -m "not render" for the fast half).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
