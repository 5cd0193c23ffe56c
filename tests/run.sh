#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs every dependency and validator, then runs
# ruff and pytest. This is the README's test command and the only thing .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-tools.sh
python3 -m ruff check .
# strict on parasol_gitops/pipeline and spec.py, default elsewhere (pyproject.toml); 0 errors or the run fails
python3 -m mypy parasol_gitops
python3 -m pytest -n 2 -q "$@"
