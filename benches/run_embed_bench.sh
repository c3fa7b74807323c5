#!/usr/bin/env bash
# Embedding speed and memory from SQL (see benches/embed_bench.py). Needs `make install models data`.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import psycopg" 2>/dev/null || python3 -m pip install -q "psycopg[binary]"
BASE=/tmp/shopml-ebench PORT=54332
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
python3 benches/embed_bench.py "$@"
