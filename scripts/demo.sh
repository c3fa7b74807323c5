#!/usr/bin/env bash
# `make demo`: a private cluster, a small shop, semantic search with embed_text.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-demo
PORT=${SHOPML_DEMO_PORT:-54330}
echo "demo: starting a Postgres 15 cluster in $BASE (as the unprivileged user postgres, port $PORT)"
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
psql -X -q -h "$BASE" -p "$PORT" -U postgres -d postgres -f scripts/demo.sql
echo "demo: done (the cluster is stopped; tests/pg_cluster.sh start $BASE $PORT starts a fresh one)"
