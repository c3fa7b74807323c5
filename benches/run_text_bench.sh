#!/usr/bin/env bash
# Sentiment and text classification from SQL beside scikit-learn and sentence-transformers peers
# (benches/text_bench.py). Needs `make install models data`. The peers live in a throw-away venv:
# $PEERS_VENV, /tmp/shopml-peers by default (the same one benches/run_embed_bench.sh makes).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${PEERS_VENV:-/tmp/shopml-peers}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import torch, sentence_transformers, sklearn, psycopg, matplotlib" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch sentence-transformers scikit-learn "psycopg[binary]" matplotlib
fi
BASE=/tmp/shopml-tbench PORT=54333
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
"$VENV/bin/python" benches/text_bench.py "$@"
