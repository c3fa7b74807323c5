#!/usr/bin/env bash
# shopml on Citus, by hand (issue 35): a coordinator and two workers on this machine, Citus
# installed beforehand into the server this runs with (not by this repository: build Citus's
# public source yourself, e.g. v13.2.2 for PostgreSQL 15: ./configure --without-libcurl && make
# && make install). Measures, beside one node holding the same rows:
#   - CREATE EXTENSION shopml on the coordinator reaching the workers;
#   - UPDATE ... SET emb = embed_text(text) on a distributed table (runs on the workers' shards)
#     against the same UPDATE on one node, N texts of the airline tweets (make data);
#   - an HNSW index per shard; top-10 kNN across shards: recall@10 against exact search and
#     queries per second, against one node with the same index;
#   - train_model from the coordinator on a distributed table.
# Usage: bash benches/run_citus_bench.sh [N (default 4000)]   Needs `make install data`.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4000}
PG_CONFIG=${PG_CONFIG:-/usr/bin/pg_config}
export PG_CONFIG
[ -f "$($PG_CONFIG --pkglibdir)/citus.so" ] || { echo "citus: install Citus into $($PG_CONFIG --pkglibdir) first" >&2; exit 1; }
C=/tmp/shopml-citus-c CP=54350 W1=/tmp/shopml-citus-w1 W1P=54351 W2=/tmp/shopml-citus-w2 W2P=54352 ONE=/tmp/shopml-citus-one OP=54353
nodes=("$C:$CP" "$W1:$W1P" "$W2:$W2P")
for n in "${nodes[@]}"; do bash tests/pg_cluster.sh start "${n%%:*}" "${n##*:}" -c shared_preload_libraries=citus -c max_worker_processes=32; done
bash tests/pg_cluster.sh start "$ONE" "$OP"
trap 'for n in "${nodes[@]}" "$ONE:$OP"; do bash tests/pg_cluster.sh stop "${n%%:*}" "${n##*:}"; done' EXIT
on() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U postgres -d postgres "${@:3}"; }
secs() { local t=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $t" | bc; }

python3 - "$N" > /tmp/shopml-citus-texts.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open("data/airline_tweets.csv", newline="")))
w = csv.writer(sys.stdout)
for i, r in enumerate(rows[: int(sys.argv[1]) + 200]):
    w.writerow([i + 1, r["text"]])
PY
chmod a+r /tmp/shopml-citus-texts.csv

for n in "${nodes[@]}"; do on "${n%%:*}" "${n##*:}" -c "CREATE EXTENSION citus"; done
on "$C" "$CP" -c "SELECT citus_set_coordinator_host('$C', $CP)" >/dev/null
on "$C" "$CP" -c "SELECT citus_add_node('$W1', $W1P)" >/dev/null
on "$C" "$CP" -c "SELECT citus_add_node('$W2', $W2P)" >/dev/null
echo "citus: $(on "$C" "$CP" -c "SELECT 'Citus ' || extversion FROM pg_extension WHERE extname = 'citus'"), workers: $(on "$C" "$CP" -c "SELECT count(*) FROM citus_get_active_worker_nodes()")"
on "$C" "$CP" -c "SET client_min_messages = warning; CREATE EXTENSION shopml"
for w in "$W1:$W1P" "$W2:$W2P"; do echo "citus: worker ${w##*:} has shopml $(on "${w%%:*}" "${w##*:}" -c "SELECT extversion FROM pg_extension WHERE extname = 'shopml'")"; done
on "$ONE" "$OP" -c "SET client_min_messages = warning; CREATE EXTENSION shopml"

setup="CREATE TABLE texts (id int PRIMARY KEY, body text, emb shopml.vector(384));
\\copy texts (id, body) FROM '/tmp/shopml-citus-texts.csv' WITH (FORMAT csv)
CREATE TABLE queries AS SELECT id, body FROM texts WHERE id > $N;
DELETE FROM texts WHERE id > $N;"
on "$ONE" "$OP" <<< "$setup"
on "$C" "$CP" <<< "$setup
SELECT create_distributed_table('texts', 'id', shard_count => 4);
SELECT truncate_local_data_after_distributing_table('public.texts');" >/dev/null 2>&1

one=$(secs on "$ONE" "$OP" -c "UPDATE texts SET emb = shopml.embed_text(body)")
dist=$(secs on "$C" "$CP" -c "UPDATE texts SET emb = shopml.embed_text(body)")
printf "citus: embed_text UPDATE of %d texts: one node %.1f s (%.0f texts/s), Citus 2 workers x 2 shards %.1f s (%.0f texts/s)\n" \
  "$N" "$one" "$(echo "$N / $one" | bc -l)" "$dist" "$(echo "$N / $dist" | bc -l)"
echo "citus: plan of the UPDATE: $(on "$C" "$CP" -c "EXPLAIN (COSTS OFF) UPDATE texts SET emb = shopml.embed_text(body)" | grep -E 'Task Count|Custom Scan' | tr -s ' ' | tr '\n' ';')"

# One statement a command: Citus refuses several in one string it has to send to the workers.
idx="CREATE INDEX ON texts USING shopml_hnsw (emb shopml.vector_cosine_ops)"
build_one=$(secs on "$ONE" "$OP" -c "$idx")
build_dist=$(secs on "$C" "$CP" -c "$idx")
on "$ONE" "$OP" -c "ANALYZE texts"; on "$C" "$CP" -c "ANALYZE texts"
printf "citus: HNSW build: one node %.2f s, Citus (one index per shard) %.2f s\n" "$build_one" "$build_dist"
# Query vectors as literals, so the timed loop measures the search, not embedding.
on "$ONE" "$OP" -c "COPY (SELECT id, shopml.embed_text(body)::text FROM queries ORDER BY id) TO STDOUT" > /tmp/shopml-citus-q.tsv
truth=$(mktemp) got_one=$(mktemp) got_dist=$(mktemp)
knn() { while IFS=$'\t' read -r qid v; do echo "SELECT '$qid', array_agg(id ORDER BY d, id) FROM (SELECT id, emb OPERATOR(shopml.<=>) '$v' AS d FROM texts ORDER BY emb OPERATOR(shopml.<=>) '$v' LIMIT 10) t;"; done < /tmp/shopml-citus-q.tsv; }
knn > /tmp/shopml-citus-knn.sql
on "$ONE" "$OP" -c "SET enable_indexscan = off" -f /tmp/shopml-citus-knn.sql > "$truth"
t_one=$(secs on "$ONE" "$OP" -f /tmp/shopml-citus-knn.sql); on "$ONE" "$OP" -f /tmp/shopml-citus-knn.sql > "$got_one"
t_dist=$(secs on "$C" "$CP" -f /tmp/shopml-citus-knn.sql); on "$C" "$CP" -f /tmp/shopml-citus-knn.sql > "$got_dist"
recall() { python3 - "$truth" "$1" <<'PY'
import sys
def read(p):
    return {l.split("|")[0]: set(l.split("|")[1].strip("{}").split(",")) for l in open(p) if "|" in l}
t, g = read(sys.argv[1]), read(sys.argv[2])
print(f"{sum(len(t[q] & g.get(q, set())) for q in t) / sum(len(t[q]) for q in t):.4f}")
PY
}
q=$(wc -l < /tmp/shopml-citus-q.tsv)
printf "citus: top-10 kNN, %d queries: one node recall %s, %.0f q/s; Citus recall %s, %.0f q/s\n" \
  "$q" "$(recall "$got_one")" "$(echo "$q / $t_one" | bc -l)" "$(recall "$got_dist")" "$(echo "$q / $t_dist" | bc -l)"
echo "citus: plan of a kNN query: $(on "$C" "$CP" -c "EXPLAIN (COSTS OFF) SELECT id FROM texts ORDER BY emb OPERATOR(shopml.<=>) shopml.embed_text('late flight') LIMIT 10" | grep -E 'Task Count|Limit|Sort|Index Scan' | sed -E "s/'\[[^]]*\]'/'[...]'/g" | tr -s ' ' | tr '\n' ';')"

train="SELECT task, round(score::numeric, 4), round(train_seconds::numeric, 2) FROM shopml.train_model('len', 'texts', 'long', '{\"features\": [\"emb_norm\", \"words\"]}')"
for n in "$ONE:$OP" "$C:$CP"; do
  on "${n%%:*}" "${n##*:}" -c "ALTER TABLE texts ADD COLUMN long boolean, ADD COLUMN emb_norm float8, ADD COLUMN words int"
  on "${n%%:*}" "${n##*:}" -c "UPDATE texts SET words = array_length(regexp_split_to_array(body, ' '), 1), long = length(body) > 100, emb_norm = shopml.vector_norm(emb)"
done
echo "citus: train_model on the table: one node $(on "$ONE" "$OP" -c "$train" | tr '\n' ' '), Citus $(on "$C" "$CP" -c "$train" | tr '\n' ' ')"
rm -f "$truth" "$got_one" "$got_dist"
