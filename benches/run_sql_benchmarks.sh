#!/usr/bin/env bash
# Exact top-10 search benchmark (see benches/exact_search.py): shopml SQL vs NumPy vs faiss.
# Needs the extension installed (`make install`). Arguments go to exact_search.py, e.g. --rows 100000.
# Writes docs/exact_search.md and docs/exact_search.png.
#
# shared_buffers: raised to 8GB (SHOPML_BENCH_SHARED_BUFFERS) at start. A seq scan of a table
# larger than shared_buffers/4 reads through a 256 kB ring buffer, i.e. every query re-copies
# each page from the OS page cache; 8GB keeps the 1M-row table (~1.6 GB) under that limit, so after
# the warm-up query it is served from shared buffers, as a dedicated search server would be.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-bench PORT=54331
SHARED_BUFFERS=${SHOPML_BENCH_SHARED_BUFFERS:-8GB}

missing=()
python3 -c "import numpy" 2>/dev/null || missing+=(numpy)
python3 -c "import faiss" 2>/dev/null || missing+=(faiss-cpu)
python3 -c "import matplotlib" 2>/dev/null || missing+=(matplotlib)
python3 -c "import psycopg" 2>/dev/null || missing+=("psycopg[binary]")
python3 -c "import threadpoolctl" 2>/dev/null || missing+=(threadpoolctl)
if [ ${#missing[@]} -gt 0 ]; then python3 -m pip install -q "${missing[@]}"; fi

bash tests/pg_cluster.sh start "$BASE" "$PORT" -c shared_buffers="$SHARED_BUFFERS"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
echo "cluster on $BASE:$PORT, shared_buffers=$(psql -X -At -h "$BASE" -p "$PORT" -U postgres -d postgres -c 'SHOW shared_buffers')"

python3 benches/exact_search.py "$@"
