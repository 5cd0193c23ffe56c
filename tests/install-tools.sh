#!/usr/bin/env bash
# Installs every consumer the tests prove output with (../shared/TOOLCHAIN.md).
# Idempotent: a second run on a prepared machine only checks.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tools="$here/.tools"
mkdir -p "$tools"

need_apt=()
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
command -v rsync >/dev/null 2>&1 || need_apt+=(rsync)
command -v git >/dev/null 2>&1 || need_apt+=(git)
# promtool proves alert rules; a real Prometheus server answers the verify step in the field test
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
# the field test's Rust sample service: its generated lint_and_test job runs cargo clippy and cargo test
command -v cargo >/dev/null 2>&1 || need_apt+=(cargo)
cargo clippy --version >/dev/null 2>&1 || need_apt+=(rust-clippy)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e "$here[test]"
# the field test's Python sample service: its generated lint_and_test job runs ruff and pytest --cov, and
# installs them from here (the job's venv sees these site-packages), so the test needs no index
python3 -m pip install -q --disable-pip-version-check pytest-cov

if [ ! -x "$tools/node_modules/.bin/gitlab-ci-local" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools" gitlab-ci-local@4.70.0 >/dev/null
fi

if ! command -v kubectl >/dev/null 2>&1 && ! command -v kustomize >/dev/null 2>&1; then
  echo "install-tools: neither kubectl nor kustomize is on PATH" >&2
  exit 1
fi
