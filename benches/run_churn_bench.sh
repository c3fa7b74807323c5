#!/usr/bin/env bash
# Churn quality vs scikit-learn (benches/churn_bench.py). Needs `make install data`.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for m in sklearn threadpoolctl matplotlib numpy; do python3 -c "import $m" 2>/dev/null || missing+=("$m"); done
if [ ${#missing[@]} -gt 0 ]; then python3 -m pip install -q "${missing[@]/sklearn/scikit-learn}"; fi
BASE=/tmp/shopml-cbench PORT=54335
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
psql -X -q -h "$BASE" -p "$PORT" -U postgres -d postgres -c "CREATE EXTENSION shopml"
PGHOST=$BASE PGPORT=$PORT python3 benches/churn_bench.py "$@"
