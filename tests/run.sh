#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs every dependency and validator, then runs
# ruff and pytest. This is the README's test command and the only thing .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-tools.sh
python3 -m ruff check .
python3 -m pytest -n 2 -q "$@"
