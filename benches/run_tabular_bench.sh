#!/usr/bin/env bash
# Tabular models from SQL beside scikit-learn and LightGBM, in one run (issue 32):
# benches/tabular_bench.py. Needs `make install data`; installs the peers from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for m in sklearn lightgbm threadpoolctl pandas matplotlib numpy; do python3 -c "import $m" 2>/dev/null || missing+=("$m"); done
if [ ${#missing[@]} -gt 0 ]; then python3 -m pip install -q "${missing[@]/sklearn/scikit-learn}"; fi
BASE=/tmp/shopml-tbench PORT=54337
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
psql -X -q -h "$BASE" -p "$PORT" -U postgres -d postgres -c "CREATE EXTENSION shopml"
PGHOST=$BASE PGPORT=$PORT python3 benches/tabular_bench.py "$@"
