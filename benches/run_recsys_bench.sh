#!/usr/bin/env bash
# Recommender quality and training time vs the implicit library (benches/recsys_bench.py), and
# recommend_for_user latency over 100k items (benches/recsys_latency.sql). Needs `make install data`.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for m in implicit scipy threadpoolctl matplotlib numpy; do python3 -c "import $m" 2>/dev/null || missing+=("$m"); done
if [ ${#missing[@]} -gt 0 ]; then python3 -m pip install -q "${missing[@]/implicit/implicit==0.7.3}"; fi
BASE=/tmp/shopml-rbench PORT=54336
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
psql -X -q -h "$BASE" -p "$PORT" -U postgres -d postgres -c "CREATE EXTENSION IF NOT EXISTS shopml"
PGHOST=$BASE PGPORT=$PORT python3 benches/recsys_bench.py "$@"
