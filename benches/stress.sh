#!/usr/bin/env bash
# Stress run (a benchmark, not CI): pgbench mixing embed_text, embed_texts, hostile batch
# settings and vector search at 8 and 32 clients, then the same under a per-process memory
# cap. Reports tps, p99 latency, failed transactions and backend crashes (must be 0).
# Needs the extension installed (`make install models`). Usage: benches/stress.sh [seconds]
# Writes docs/stress.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-stress PORT=54333 SECS=${1:-30}
CAP_KB=${SHOPML_STRESS_CAP_KB:-3000000}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$BASE" -p "$PORT" -U postgres -d postgres)
scripts=$BASE-scripts
rm -rf "$scripts" && mkdir -p "$scripts"

cat > "$scripts/embed_one.sql" <<'SQL'
\set n random(1, 100000)
SELECT shopml.vector_dims(shopml.embed_text('red running shoes size ' || :n));
SQL
cat > "$scripts/embed_batch.sql" <<'SQL'
\set n random(1, 100000)
SELECT cardinality(shopml.embed_texts(ARRAY['great shoes ' || :n, 'fast delivery, well packed',
  'the sole came off after a week', 'comfortable and light', 'too small, ordered a size up',
  'nice colour', 'would buy again', 'arrived late but fine']));
SQL
# A user who sets the largest batch and sends long texts: bounded by shopml.max_batch_tokens.
cat > "$scripts/embed_hostile.sql" <<'SQL'
SET shopml.batch_size = 4096;
SELECT cardinality(shopml.embed_texts(array_fill(repeat('word ', 300), ARRAY[64])));
SQL
cat > "$scripts/search.sql" <<'SQL'
\set id random(1, 10000)
SELECT id FROM items ORDER BY emb OPERATOR(shopml.<=>) (SELECT emb FROM items WHERE id = :id) LIMIT 10;
SQL

start_cluster() {  # $1: ulimit -v in kB, or "unlimited"
  SHOPML_PG_ULIMIT_KB=$1 bash tests/pg_cluster.sh start "$BASE" "$PORT" -c max_connections=100
  "${PSQL[@]}" -c "CREATE EXTENSION shopml" \
    -c "CREATE TABLE items AS SELECT i AS id, array_agg(random()::real)::shopml.vector(384) AS emb
        FROM generate_series(1, 10000) i, generate_series(1, 384) d GROUP BY i" \
    -c "ALTER TABLE items ADD PRIMARY KEY (id)"
}

run() {  # $1: label, $2: clients, $3...: pgbench -f weights
  local label=$1 clients=$2; shift 2
  rm -f "$BASE"/pgbench_log.*
  local out
  out=$(cd "$BASE" && pgbench -n -h "$BASE" -p "$PORT" -U postgres -c "$clients" -j 2 -T "$SECS" -l "$@" postgres 2>&1 || true)
  local tps failed crashes p99
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | head -1)
  failed=$(grep -cE "aborted|ERROR" <<<"$out" || true)
  crashes=$(grep -cE "terminated by signal|was terminated" "$BASE/server.log" || true)
  p99=$(cat "$BASE"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.0f", a[int(NR*0.99)]/1000; else print "n/a"}')
  printf "| %s | %s | %.1f | %s | %s | %s |\n" "$label" "$clients" "${tps:-0}" "$p99" "$failed" "$crashes" | tee -a "$BASE.md"
}

: > "$BASE.md"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
mix=(-f "$scripts/embed_one.sql@4" -f "$scripts/embed_batch.sql@1" -f "$scripts/search.sql@10")
start_cluster unlimited
run "embed_text + embed_texts + search" 8 "${mix[@]}"
run "embed_text + embed_texts + search" 32 "${mix[@]}"
start_cluster "$CAP_KB"
run "same, + hostile batch, ulimit -v $((CAP_KB / 1000)) MB" 8 "${mix[@]}" -f "$scripts/embed_hostile.sql@1"
run "same, + hostile batch, ulimit -v $((CAP_KB / 1000)) MB" 32 "${mix[@]}" -f "$scripts/embed_hostile.sql@1"
{
  echo "# Stress: pgbench, $SECS s per row, 2 cores (benches/stress.sh)"
  echo
  echo "| mix | clients | tps | p99 ms | failed | backend crashes |"
  echo "|---|---:|---:|---:|---:|---:|"
  cat "$BASE.md"
} > docs/stress.md
cat docs/stress.md
