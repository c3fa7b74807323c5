#!/usr/bin/env bash
# Embedding speed and memory from SQL beside PyTorch (sentence-transformers) and ONNX Runtime on
# the same reviews, 2 threads (benches/embed_peers.py). Needs `make install models data`. The peers
# live in a throw-away venv (PyTorch from PyPI is several GB): $PEERS_VENV, /tmp/shopml-peers by default.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${PEERS_VENV:-/tmp/shopml-peers}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import torch, sentence_transformers, onnxruntime, onnx, psycopg, matplotlib" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch sentence-transformers onnxruntime onnx "psycopg[binary]" matplotlib
fi
BASE=/tmp/shopml-ebench PORT=54332
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
psql -X -q -h "$BASE" -p "$PORT" -U postgres -d postgres -c "CREATE EXTENSION IF NOT EXISTS shopml"
"$VENV/bin/python" benches/embed_peers.py "$@"
