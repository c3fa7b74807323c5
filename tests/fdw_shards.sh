#!/usr/bin/env bash
# Sharding without Citus (issue 35): a coordinator whose table is hash-partitioned over foreign
# tables on two worker clusters (postgres_fdw, server option extensions 'shopml', so shopml's
# functions and operators are shipped to the workers). Checks, with the plans printed: the
# embedding UPDATE runs on the workers, a kNN query over both shards returns what one server
# with all the rows returns, and a recommender trains from the coordinator on the partitioned
# table. Needs `make install data`.
set -euo pipefail
cd "$(dirname "$0")/.."
C=/tmp/shopml-coord CP=${SHOPML_FDW_PORT:-54347}
W1=/tmp/shopml-w1 W1P=$((CP + 1)) W2=/tmp/shopml-w2 W2P=$((CP + 2))
[ -s data/products.csv ] || { echo "fdw_shards: run make data first" >&2; exit 1; }
for c in "$C:$CP" "$W1:$W1P" "$W2:$W2P"; do bash tests/pg_cluster.sh start "${c%%:*}" "${c##*:}"; done
trap 'for c in "$C:$CP" "$W1:$W1P" "$W2:$W2P"; do bash tests/pg_cluster.sh stop "${c%%:*}" "${c##*:}"; done' EXIT
on() { psql -X -q -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U postgres -d postgres "${@:3}"; }

for w in "$W1:$W1P" "$W2:$W2P"; do
  on "${w%%:*}" "${w##*:}" -o /dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION shopml;
CREATE TABLE products_shard (id int PRIMARY KEY, title text, category text, price numeric, emb shopml.vector(384));
CREATE INDEX ON products_shard USING shopml_hnsw (emb shopml.vector_cosine_ops);
CREATE TABLE orders_shard (customer_id int, product_id int, quantity int);
SQL
done

on "$C" "$CP" -o /dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION shopml;
CREATE EXTENSION postgres_fdw;
CREATE SERVER w1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$W1', port '$W1P', dbname 'postgres', extensions 'shopml');
CREATE SERVER w2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$W2', port '$W2P', dbname 'postgres', extensions 'shopml');
CREATE USER MAPPING FOR postgres SERVER w1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER w2 OPTIONS (user 'postgres');
CREATE TABLE products (id int, title text, category text, price numeric, emb shopml.vector(384)) PARTITION BY HASH (id);
CREATE FOREIGN TABLE products_0 PARTITION OF products FOR VALUES WITH (MODULUS 2, REMAINDER 0) SERVER w1 OPTIONS (table_name 'products_shard');
CREATE FOREIGN TABLE products_1 PARTITION OF products FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER w2 OPTIONS (table_name 'products_shard');
CREATE TABLE orders (customer_id int, product_id int, quantity int) PARTITION BY HASH (customer_id);
CREATE FOREIGN TABLE orders_0 PARTITION OF orders FOR VALUES WITH (MODULUS 2, REMAINDER 0) SERVER w1 OPTIONS (table_name 'orders_shard');
CREATE FOREIGN TABLE orders_1 PARTITION OF orders FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER w2 OPTIONS (table_name 'orders_shard');
-- The same rows on one server, for the answers to compare with.
CREATE TABLE products_local (id int PRIMARY KEY, title text, description text, category text, price numeric);
\copy products_local FROM 'data/products.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO products (id, title, category, price) SELECT id, title, category, price FROM products_local;
CREATE TEMP TABLE o (id int, customer_id int, product_id int, order_date date, quantity int, amount numeric);
\copy o FROM 'data/orders.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO orders SELECT customer_id, product_id, quantity FROM o;
SQL

echo "fdw_shards: the embedding UPDATE, shipped to the workers"
on "$C" "$CP" -c "EXPLAIN (VERBOSE, COSTS OFF) UPDATE products SET emb = shopml.embed_text(title)"
on "$C" "$CP" -c "UPDATE products SET emb = shopml.embed_text(title)"
for w in "$W1:$W1P" "$W2:$W2P"; do
  echo "fdw_shards: worker ${w##*:}: $(on "${w%%:*}" "${w##*:}" -At -c "SELECT count(*) || ' rows, ' || count(emb) || ' embedded' FROM products_shard")"
done
[ "$(on "$C" "$CP" -At -c "SELECT count(*) = 216 AND count(emb) = 216 FROM products")" = t ] || exit 1

echo "fdw_shards: kNN over both shards"
# Plans without the 384 numbers of the query vector.
plan() { on "$C" "$CP" -At -c "SET search_path = public, shopml; EXPLAIN (VERBOSE, COSTS OFF) $1" | grep -E 'Limit|Append|Sort|Foreign Scan|Remote SQL' | sed -E "s/'\[[^]]*\]'/'[...]'/g; s/^ +/  /"; }
on "$C" "$CP" -o /dev/null -c "CREATE TABLE products_all AS SELECT l.id, shopml.embed_text(l.title) AS emb FROM products_local l"
q="shopml.embed_text('running shoes')"
# 1. The partitioned table: each worker sorts by distance (ORDER BY shipped), the coordinator
#    merges; LIMIT is not shipped through the partitioned table, rows come in fetch_size batches.
knn="SELECT id FROM products ORDER BY emb <=> $q LIMIT 10"
plan "$knn"
plan "$knn" | grep -q "Remote SQL: SELECT id, emb FROM public.products_shard ORDER BY (emb OPERATOR(shopml.<=>)" || { echo "fdw_shards: ORDER BY not shipped" >&2; exit 1; }
# 2. One subquery per shard: LIMIT is shipped too, so each worker's HNSW index answers its top 10.
per_shard="SELECT id FROM ((SELECT id, emb <=> $q AS d FROM products_0 ORDER BY emb <=> $q LIMIT 10)
                        UNION ALL (SELECT id, emb <=> $q AS d FROM products_1 ORDER BY emb <=> $q LIMIT 10)) t ORDER BY d LIMIT 10"
plan "$per_shard"
plan "$per_shard" | grep -q "LIMIT 10::bigint" || { echo "fdw_shards: LIMIT not shipped per shard" >&2; exit 1; }
sharded=$(on "$C" "$CP" -At -c "SET search_path = public, shopml; $knn" | tr '\n' ' ')
per=$(on "$C" "$CP" -At -c "SET search_path = public, shopml; $per_shard" | tr '\n' ' ')
single=$(on "$C" "$CP" -At -c "SET search_path = public, shopml; SELECT id FROM products_all ORDER BY emb <=> $q LIMIT 10" | tr '\n' ' ')
echo "fdw_shards: top 10, partitioned table: $sharded"
echo "fdw_shards: top 10, one query a shard: $per"
echo "fdw_shards: top 10, one server:        $single"
[ "$sharded" = "$single" ] && [ "$per" = "$single" ] || { echo "fdw_shards: the sharded kNN differs from one server's" >&2; exit 1; }

echo "fdw_shards: a recommender trained from the coordinator on the partitioned orders"
on "$C" "$CP" -At -c "SELECT users, items, interactions FROM shopml.train_recommender('recs', 'orders', 'customer_id', 'product_id', '{\"factors\": 8, \"regularization\": 1, \"alpha\": 2, \"test_fraction\": 0}')"
[ "$(on "$C" "$CP" -At -c "SELECT count(*) FROM shopml.recommend_for_user('recs', 1, 5)")" = 5 ] || exit 1
echo "fdw_shards: passed"
