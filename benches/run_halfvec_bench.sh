#!/usr/bin/env bash
# vector vs halfvec vs binary-quantized exact scans (benches/halfvec_scan.py). Needs `make install`.
# Same cluster settings as benches/run_sql_benchmarks.sh (8 GB shared buffers: tables stay warm).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-bench PORT=54331
# Python with numpy, psycopg, matplotlib and threadpoolctl: $PEERS_VENV (as the other benches), made if missing.
VENV=${PEERS_VENV:-/tmp/shopml-peers}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import numpy, psycopg, matplotlib, threadpoolctl" 2>/dev/null; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q numpy "psycopg[binary]" matplotlib threadpoolctl
fi
bash tests/pg_cluster.sh start "$BASE" "$PORT" -c shared_buffers="${SHOPML_BENCH_SHARED_BUFFERS:-8GB}"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
"$VENV/bin/python" benches/halfvec_scan.py "$@"
