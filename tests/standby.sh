#!/usr/bin/env bash
# A hot standby (issue 35): a primary and a streaming standby (pg_basebackup -R) on this machine.
# On the primary: products embedded with embed_text, HNSW indexes on a vector and a halfvec
# column, inserts, updates, deletes and VACUUM, and one model of every kind trained in SQL. The
# standby must answer every read exactly as the primary does (top-k of both indexes, predictions,
# explanations, recommendations, classifications, forecasts, segments, embeddings), refuse
# training with a clean error (nothing on a prediction path writes), and, once promoted, take
# writes and training again. Needs `make install data`.
set -euo pipefail
cd "$(dirname "$0")/.."
P=/tmp/shopml-primary PP=${SHOPML_STANDBY_PORT:-54343}
S=/tmp/shopml-standby SP=$((PP + 1))
PGBIN=$("${PG_CONFIG:-pg_config}" --bindir)
RUN_AS=${SHOPML_PG_USER:-postgres}
as_user() { if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi; }
[ -s data/products.csv ] || { echo "standby: run make data first" >&2; exit 1; }
bash tests/pg_cluster.sh start "$P" "$PP"
trap 'bash tests/pg_cluster.sh stop "$S" "$SP"; bash tests/pg_cluster.sh stop "$P" "$PP"' EXIT
primary() { psql -X -q -v ON_ERROR_STOP=1 -h "$P" -p "$PP" -U postgres -d postgres "$@"; }
standby() { psql -X -q -v ON_ERROR_STOP=1 -h "$S" -p "$SP" -U postgres -d postgres "$@"; }

echo "standby: primary with shopml, indexes and trained models"
primary -o /dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION shopml;
SET search_path = public, shopml;
CREATE TABLE products (id int PRIMARY KEY, title text, description text, category text, price numeric);
\copy products FROM 'data/products.csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE products ADD COLUMN emb shopml.vector(384), ADD COLUMN half shopml.halfvec(384);
UPDATE products SET emb = shopml.embed_text(title);
UPDATE products SET half = emb::shopml.halfvec;
CREATE INDEX ON products USING shopml_hnsw (emb shopml.vector_cosine_ops);
CREATE INDEX ON products USING shopml_hnsw (half shopml.halfvec_cosine_ops);
-- the index changes after its build: inserts, updates, deletes, VACUUM
INSERT INTO products (id, title, category, price)
SELECT 1000 + id, 'refurbished ' || title, category, price * 0.7 FROM products WHERE id % 4 = 0;
UPDATE products SET emb = shopml.embed_text(title), half = shopml.embed_text(title)::shopml.halfvec WHERE id >= 1000;
UPDATE products SET title = title || ' (new colour)', emb = shopml.embed_text(title || ' (new colour)') WHERE id % 10 = 3;
UPDATE products SET half = emb::shopml.halfvec WHERE id % 10 = 3;
DELETE FROM products WHERE id % 7 = 0;
VACUUM products;
CREATE TABLE queries AS SELECT q, shopml.embed_text(q) AS v
FROM unnest(ARRAY['running shoes', 'warm winter coat', 'coffee beans', 'kitchen knife', 'wireless headphones',
                  'black leather bag', 'green tea', 'yoga mat', 'phone case', 'wool socks']) q;

-- one model of every kind
CREATE TABLE orders (id int, customer_id int, product_id int, order_date date, quantity int, amount numeric);
\copy orders FROM 'data/orders.csv' WITH (FORMAT csv, HEADER true)
SELECT model FROM shopml.train_model('price', 'products', 'price', '{"features": ["category", "title"]}');
SELECT model FROM shopml.train_recommender('recs', 'orders', 'customer_id', 'product_id', '{"factors": 8, "regularization": 1, "alpha": 2}');
SELECT model FROM shopml.train_text_classifier('category', 'products', 'title', 'category', '{"embedding": false}');
CREATE TABLE weekly AS
SELECT category, date_trunc('week', order_date)::date AS week, sum(quantity)::int AS units
FROM orders JOIN products p ON p.id = orders.product_id GROUP BY 1, 2;
SELECT model FROM shopml.train_forecaster('demand', 'weekly', '{category}', 'week', 'units', '{"horizon": 2}');
CREATE TABLE rfm AS SELECT customer_id, count(*) AS orders, sum(amount) AS spent, max(order_date) - min(order_date) AS days FROM orders GROUP BY 1;
SELECT model FROM shopml.train_segments('rfm', 'rfm', '{"exclude": ["customer_id"], "k": 3}');
CREATE TABLE churn AS SELECT c.*, c.customer_id % 3 = 0 AS churned FROM rfm c;
SELECT model FROM shopml.train_churn_model('churn', 'churn', 'churned', '{"exclude": ["customer_id"]}');
CHECKPOINT;
SQL

echo "standby: pg_basebackup, then catch up"
rm -rf "$S" && mkdir -p "$S"
[ "$(id -u)" = 0 ] && chown "$RUN_AS" "$S"
as_user "$PGBIN/pg_basebackup" -h "$P" -p "$PP" -U postgres -D "$S/data" -R -X stream >/dev/null
# -R writes every option its libpq knows (sslcertmode from 16 on), which an older libpq in the
# server's path refuses (met before tests/pg_cluster.sh put the server's own libpq first): the
# standby gets the plain settings.
echo "primary_conninfo = 'host=$P port=$PP user=postgres'" | as_user tee "$S/data/postgresql.auto.conf" >/dev/null
bash tests/pg_cluster.sh resume "$S" "$SP"
# A write after the backup, so the standby also replays WAL (not only the copied files).
primary -c "INSERT INTO products (id, title, category, price, emb, half)
            SELECT 5000 + i, 'streamed item ' || i, 'misc', i, shopml.embed_text('streamed item ' || i),
                   shopml.embed_text('streamed item ' || i)::shopml.halfvec FROM generate_series(1, 20) i"
lsn=$(primary -At -c "SELECT pg_current_wal_lsn()")
caught_up=f
for _ in $(seq 1 150); do
  caught_up=$(standby -At -c "SELECT coalesce(pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn, false)")
  [ "$caught_up" = t ] && break
  sleep 0.2
done
[ "$caught_up" = t ] || { echo "standby: did not replay the primary's WAL in 30 s" >&2; tail -5 "$S/server.log" >&2; exit 1; }
[ "$(standby -At -c "SELECT pg_is_in_recovery()")" = t ] || { echo "standby: not in recovery" >&2; exit 1; }

# Every read, on both servers; the outputs must be identical.
reads=$(cat <<'SQL'
SET search_path = public, shopml;
SET enable_seqscan = off;
SELECT count(*) AS rows FROM products;
SELECT q, array_agg(id ORDER BY d, id) AS top10 FROM queries,
  LATERAL (SELECT id, emb <=> v AS d FROM products ORDER BY emb <=> v LIMIT 10) t GROUP BY q ORDER BY q;
SELECT q, array_agg(id ORDER BY d, id) AS top10 FROM queries,
  LATERAL (SELECT id, half <=> v::shopml.halfvec AS d FROM products ORDER BY half <=> v::shopml.halfvec LIMIT 10) t GROUP BY q ORDER BY q;
SELECT id FROM products ORDER BY emb <=> shopml.embed_text('streamed item 7') LIMIT 1;
SELECT md5(shopml.embed_text('red running shoes')::text) AS embedding;
SELECT shopml.predict('price', '{"category": "shoes", "title": "black mesh running shoes"}') AS price;
SELECT feature, value, contribution FROM shopml.explain('price', '{"category": "shoes", "title": "black mesh running shoes"}') ORDER BY 1;
SELECT count(*), sum(prediction) FROM shopml.predict('price', 'products', 'id');
SELECT * FROM shopml.recommend_for_user('recs', 1, 5);
SELECT * FROM shopml.similar_items('recs', 146, 3);
SELECT * FROM shopml.classify_text('category', 'warm wool socks', 2);
SELECT * FROM shopml.forecast('demand') ORDER BY 1, 2;
SELECT * FROM shopml.assign_segment('rfm', '{"orders": 3, "spent": 250, "days": 40}');
SELECT * FROM shopml.segment_profile('rfm') ORDER BY 1, 4;
SELECT round(shopml.predict_churn('churn', '{"orders": 2, "spent": 90, "days": 10}')::numeric, 12) AS churn_probability;
SELECT name, version, deployed FROM shopml.trained_models ORDER BY 1, 2;
SQL
)
primary -c "$reads" > "$P/reads.out"
standby -c "$reads" > "$S/reads.out"
if ! diff -u "$P/reads.out" "$S/reads.out"; then echo "standby: reads differ from the primary" >&2; exit 1; fi
echo "standby: $(grep -c . "$P/reads.out") lines of reads identical on the standby"

# Training needs writes: a clean error on the standby (shopml checks for recovery before it
# reads anything), and the server keeps serving.
err=$(standby -c "SELECT * FROM shopml.train_model('price2', 'products', 'price', '{\"features\": [\"category\"]}')" 2>&1 >/dev/null || true)
echo "standby: training on the standby: $err"
case $err in *"cannot train a model during recovery"*) ;; *) echo "standby: expected the recovery error" >&2; exit 1 ;; esac
[ "$(standby -At -c "SELECT count(*) FROM shopml.recommend_for_user('recs', 1, 5)")" = 5 ] || exit 1

echo "standby: promote, then write and train on it"
as_user "$PGBIN/pg_ctl" -D "$S/data" promote -w >/dev/null
standby <<'SQL'
SET client_min_messages = warning;
SET search_path = public, shopml;
INSERT INTO products (id, title, category, price, emb) VALUES (9001, 'promoted lamp', 'home', 20, shopml.embed_text('promoted lamp'));
SELECT id AS nearest FROM products ORDER BY emb <=> shopml.embed_text('promoted lamp') LIMIT 1 \gset
SELECT :nearest = 9001 AS found_new_row \gset
\if :found_new_row
\else
  \echo 'standby: the index of the promoted server misses the new row'
  SELECT 1/0;
\endif
SELECT version FROM shopml.train_model('price', 'products', 'price', '{"features": ["category", "title"]}') \gset
SELECT :version = 2 AS new_version \gset
\if :new_version
\else
  SELECT 1/0;
\endif
SQL
echo "standby: passed (reads identical, training refused read-only, promoted server writes and trains)"
