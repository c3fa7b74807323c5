#!/usr/bin/env bash
# Memory and cancellation (issue 29, problems 1 and 2), as an ordinary login role would try them:
# - memory: a backend whose address space is capped (prlimit --as) a little above its size
#   survives the largest inputs a user can pass to every set- or array-returning function and
#   every trainer: each call either answers or fails with a clean error (54000, or Postgres's
#   own 53200 when the input itself does not fit), the backend keeps its pid and the server
#   never restarts;
# - cancellation: after a cancelled training of each kind (statement_timeout), the backend's
#   thread count and resident memory are back where they were within 1 s.
# Needs `make install` and `make models`.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-limits PORT=${SHOPML_LIMITS_PORT:-54335}
BUDGET_MB=64   # shopml.max_training_memory for the test
CAP_MB=768     # address space allowed above the backend's size when capped
bash tests/pg_cluster.sh start "$BASE" "$PORT" -c shopml.max_training_memory=${BUDGET_MB}MB -c work_mem=16MB
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
sql() { psql -X -q -v ON_ERROR_STOP=1 -h "$BASE" -p "$PORT" -U postgres -d postgres "$@"; }
fail() { echo "limits: FAIL: $*"; tail -20 "$BASE/server.log"; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "limits: ok $passed - $*"; }

echo "limits: making the data (as the superuser), then everything as role mallory"
sql <<'SQL'
CREATE EXTENSION shopml;
CREATE ROLE mallory LOGIN;
CREATE SCHEMA mallory AUTHORIZATION mallory;
SET shopml.max_training_memory = '2GB';  -- the models the attacks use are trained with room
SET ROLE mallory;
-- 5,000 users x 2,000 items; 60,000 interactions
CREATE TABLE mallory.orders AS
SELECT (abs(hashint4(g)) % 5000)::bigint AS customer, (abs(hashint4(g * 7 + 1)) % 2000)::bigint AS item
FROM generate_series(1, 60000) g;
-- 140,000 customers, 10 numeric features and a 400-level category
CREATE TABLE mallory.customers AS
SELECT g AS id, 'segment' || (abs(hashint4(g)) % 400) AS segment,
       (abs(hashint4(g * 3)) % 1000) / 10.0 AS f1, (abs(hashint4(g * 5)) % 1000) / 10.0 AS f2,
       (abs(hashint4(g * 11)) % 1000) / 10.0 AS f3, (abs(hashint4(g * 13)) % 1000) / 10.0 AS f4,
       (abs(hashint4(g * 17)) % 1000) / 10.0 AS f5, (abs(hashint4(g * 19)) % 1000) / 10.0 AS f6,
       (abs(hashint4(g * 23)) % 2) = 1 OR (abs(hashint4(g * 3)) % 1000) > 700 AS churned
FROM generate_series(1, 140000) g;
CREATE TABLE mallory.reviews AS
SELECT 'review number ' || g || ' of product ' || (g % 97) || CASE WHEN g % 2 = 0 THEN ' great value' ELSE ' broke quickly' END AS body,
       CASE WHEN g % 2 = 0 THEN 'good' ELSE 'bad' END AS label
FROM generate_series(1, 20000) g;
-- a table over the budget: 100,000 rows of 1 kB text
CREATE TABLE mallory.big AS SELECT g AS id, repeat('x', 1000) AS t, g % 2 = 0 AS churned, now() - g * interval '1 hour' AS at, g::float8 AS amount FROM generate_series(1, 100000) g;
-- 400 weekly series x 150 weeks; and 1,000 series whose integer times lie 100,000 apart (the
-- dense series would take 1000 x 2,000,000,000 periods)
CREATE TABLE mallory.sales AS
SELECT s, w, (50 + abs(hashint4(s * 1000 + w)) % 50) AS units FROM generate_series(1, 400) s, generate_series(1, 150) w;
CREATE VIEW mallory.huge_future AS SELECT g % 400 + 1 AS s, 151 + g / 400 AS w FROM generate_series(1, 10000000) g;
CREATE TABLE mallory.sparse_times AS SELECT g % 1000 AS s, g::bigint * 100000 AS t, 1 AS units FROM generate_series(1, 20000) g;
SELECT version FROM shopml.train_forecaster('fc', 'mallory.sales', '{s}', 'w', 'units', '{"horizon": 2}');
-- 2,000 series of 3 weeks, trained 1000 weeks ahead: cheap to train, 2 million rows to forecast
CREATE TABLE mallory.short AS SELECT s, w, 10 + (s + w) % 7 AS units FROM generate_series(1, 2000) s, generate_series(1, 3) w;
SELECT version FROM shopml.train_forecaster('short', 'mallory.short', '{s}', 'w', 'units', '{"horizon": 1000}');
SELECT version FROM shopml.train_recommender('recs', 'mallory.orders', 'customer', 'item', '{"test_fraction": 0, "factors": 16, "iterations": 3}');
SELECT version FROM shopml.train_churn_model('churn', 'mallory.customers', 'churned', '{"algorithm": "logistic", "exclude": ["id"]}');
SELECT version FROM shopml.train_text_classifier('tc', 'mallory.reviews', 'body', 'label', '{"embedding": false}');
SQL

# --- memory -------------------------------------------------------------------------------------
# One psql session as mallory, reading statements from a FIFO so that its backend can be capped
# between statements.
fifo=$BASE/in.fifo out=$BASE/session.out
mkfifo "$fifo"; chmod a+rw "$fifo"
psql -X -h "$BASE" -p "$PORT" -U mallory -d postgres -At -v VERBOSITY=verbose <"$fifo" >"$out" 2>&1 &
session=$!
exec 3>"$fifo"
send() { echo "$1" >&3; }
wait_for() { for _ in $(seq 1 1200); do grep -q "$1" "$out" && return 0; kill -0 $session 2>/dev/null || return 1; sleep 0.25; done; return 1; }
send "SELECT 'pid=' || pg_backend_pid();"
wait_for 'pid=' || fail "no session"
pid=$(grep -o 'pid=[0-9]*' "$out" | head -1 | cut -d= -f2)
size_kb=$(awk '/VmSize/ {print $2}' /proc/$pid/status)
runuser -u postgres -- prlimit --pid "$pid" --as=$(( (size_kb + CAP_MB * 1024) * 1024 ))
echo "limits: backend $pid capped at $(( size_kb / 1024 + CAP_MB )) MB of address space (it has $(( size_kb / 1024 )) MB)"
postmaster=$(head -1 "$BASE/data/postmaster.pid")

n=0
attack() {  # attack NAME SQL: must answer or fail cleanly, and the backend must live on
  n=$((n + 1))
  send "SELECT 'start $n';"
  send "$2"
  send "SELECT 'done $n';"
  wait_for "done $n" || fail "$1: the backend died (see $out)"
  result=$(sed -n "/start $n/,/done $n/p" "$out" | sed '1d;$d' | head -3 | tr '\n' ' ')
  if echo "$result" | grep -q 'ERROR'; then
    echo "$result" | grep -qE 'ERROR: +(54000|53200|57014)' || fail "$1: not a clean error: $result"
  fi
  [ "$(head -1 "$BASE/data/postmaster.pid")" = "$postmaster" ] || fail "$1: the server restarted"
  ok "$1: ${result:0:160}"
}
attack "recommend_for_users 20,000 ids x k 2000" \
  "SELECT count(*) FROM shopml.recommend_for_users('recs', (SELECT array_agg(g::bigint) FROM generate_series(1, 20000) g), 2000);"
attack "recommend_for_users 2,000 text ids x k 2000, in the select list (no tuplestore)" \
  "SELECT count(*) FROM (SELECT shopml.recommend_for_users('recs', (SELECT array_agg(g::text) FROM generate_series(1, 2000) g), 2000)) s;"
attack "recommend_for_user k = 2^31-1" "SELECT count(*) FROM shopml.recommend_for_user('recs', 1, 2147483647, false);"
attack "similar_items k = 2^31-1" "SELECT count(*) FROM shopml.similar_items('recs', 1, 2147483647);"
attack "recommender factors" "SELECT count(*) FROM shopml.recommender_user_factors('recs'), shopml.recommender_item_factors('recs') LIMIT 1;"
attack "embed_texts of 800,000 texts" "SELECT cardinality(shopml.embed_texts(array_fill('a'::text, ARRAY[800000])));"
attack "embed_texts of one 300 MB text" "SELECT shopml.vector_dims(shopml.embed_text(repeat('word ', 60000000)));"
attack "classify_sentiments of 800,000 texts" "SELECT cardinality(shopml.classify_sentiments(array_fill('ok'::text, ARRAY[800000])));"
attack "classify_texts of 2,000,000 texts" "SELECT count(*) FROM shopml.classify_texts('tc', array_fill('great value'::text, ARRAY[2000000]));"
attack "classify_text k = 2^31-1" "SELECT count(*) FROM shopml.classify_text('tc', 'great value', 2147483647);"
attack "table_profile of a table over the budget" "SELECT count(*) FROM shopml.table_profile('mallory.big');"
attack "customer_features of 100,000 customers" "SELECT count(*) FROM shopml.customer_features('mallory.big', 'id', 'at', 'amount');"
attack "predict_churn of a whole table" "SELECT count(*) FROM shopml.predict_churn('churn', 'mallory.customers', 'id');"
attack "train_churn_model over the budget" "SELECT * FROM shopml.train_churn_model('big', 'mallory.big', 'churned');"
attack "train_churn_model gbdt on 140,000 rows" "SELECT algorithm FROM shopml.train_churn_model('gb', 'mallory.customers', 'churned', '{\"algorithm\": \"gbdt\", \"threads\": 4, \"exclude\": [\"id\"]}');"
attack "train_recommender over the budget" "SELECT * FROM shopml.train_recommender('big', 'mallory.big', 'id', 't');"
attack "train_model over the budget (140,000 rows x 1000 one-hot levels)" "SELECT * FROM shopml.train_model('wide', 'mallory.customers', 'churned', '{\"max_levels\": 1000, \"exclude\": [\"id\"]}');"
attack "train_segments over the budget" "SELECT * FROM shopml.train_segments('segs', 'mallory.customers', '{\"exclude\": [\"id\"]}');"
attack "train_text_classifier over the budget" "SELECT * FROM shopml.train_text_classifier('big', 'mallory.big', 't', 'churned');"
attack "train_forecaster of series too sparse to hold" "SELECT * FROM shopml.train_forecaster('sparse', 'mallory.sparse_times', '{s}', 't', 'units');"
attack "train_forecaster horizon 1000 (training rows in the child)" "SELECT version FROM shopml.train_forecaster('h1000', 'mallory.sales', '{s}', 'w', 'units', '{\"horizon\": 1000, \"calibration\": 0}');"
attack "forecast with a future table of 10 million rows" "SELECT count(*) FROM shopml.forecast('fc', future => 'mallory.huge_future');"
attack "forecast of 2,000 series 1000 periods ahead" "SELECT count(*) FROM shopml.forecast('short');"
attack "backtest_forecaster 100 rounds" "SELECT count(*) FROM shopml.backtest_forecaster('mallory.sparse_times', '{s}', 't', 'units', rounds => 100);"
attack "avg of 10,000 vectors of 16,000 dims" "SELECT shopml.vector_dims(shopml.avg(v)) FROM (SELECT array_fill(1.0::real, ARRAY[16000])::shopml.vector AS v FROM generate_series(1, 10000)) s;"
send "SELECT 'alive=' || pg_backend_pid();"
wait_for "alive=$pid" || fail "the capped backend did not survive"
ok "the capped backend $pid answered every call and is still alive"
exec 3>&-
wait $session || true

# --- cancellation -------------------------------------------------------------------------------
# With the default budget, so that each training runs long enough to be cancelled.
sql -c "ALTER ROLE mallory SET shopml.max_training_memory = '2GB'"
threads_rss() { awk '/^Threads/ {t=$2} /^VmRSS/ {r=$2} END {print t, r}' /proc/$1/status; }
cancel_check() {  # cancel_check NAME SQL
  rm -f "$fifo"; mkfifo "$fifo"; chmod a+rw "$fifo"; : >"$out"
  psql -X -h "$BASE" -p "$PORT" -U mallory -d postgres -At <"$fifo" >"$out" 2>&1 &
  session=$!
  exec 3>"$fifo"
  # warm up: load the models and start the thread pools a first call starts, then measure
  send "SELECT 'pid=' || pg_backend_pid();"
  send "SELECT count(*) FROM shopml.classify_texts('tc', ARRAY['warm up']);"
  send "SELECT shopml.vector_dims(shopml.embed_text('warm up'));"
  send "SELECT 'warm';"
  wait_for 'warm' || fail "$1: no session"
  pid=$(grep -o 'pid=[0-9]*' "$out" | head -1 | cut -d= -f2)
  sleep 0.5
  read -r t0 r0 < <(threads_rss "$pid")
  send "SET statement_timeout = '1s';"
  send "$2"
  send "SELECT 'after';"
  wait_for 'after' || fail "$1: the backend died"
  grep -q 'canceling statement due to statement timeout' "$out" || fail "$1: the training was not cancelled (it finished within 1 s?): $(tail -3 "$out")"
  sleep 1
  read -r t1 r1 < <(threads_rss "$pid")
  exec 3>&-
  wait $session || true
  local slack=$(( r0 / 10 > 32768 ? r0 / 10 : 32768 ))
  [ "$t1" -le "$t0" ] || fail "$1: $t1 threads 1 s after the cancel, $t0 before"
  [ "$r1" -le $(( r0 + slack )) ] || fail "$1: RSS $((r1 / 1024)) MB 1 s after the cancel, $((r0 / 1024)) MB before"
  ok "$1 cancelled: threads $t0 -> $t1, RSS $((r0 / 1024)) -> $((r1 / 1024)) MB"
}
cancel_check "train_churn_model gbdt (4 threads)" \
  "SELECT * FROM shopml.train_churn_model('c1', 'mallory.customers', 'churned', '{\"algorithm\": \"gbdt\", \"threads\": 4, \"exclude\": [\"id\"]}');"
cancel_check "train_churn_model logistic" \
  "SELECT * FROM shopml.train_churn_model('c2', 'mallory.customers', 'churned', '{\"algorithm\": \"logistic\", \"exclude\": [\"id\"]}');"
cancel_check "train_model gbdt (4 threads)" \
  "SELECT * FROM shopml.train_model('t1', 'mallory.customers', 'churned', '{\"algorithm\": \"gbdt\", \"threads\": 4, \"exclude\": [\"id\"]}');"
cancel_check "train_segments" \
  "SELECT * FROM shopml.train_segments('s1', 'mallory.customers', '{\"features\": [\"f1\", \"f2\", \"f3\"], \"k\": 50}');"
cancel_check "train_recommender (2 threads)" \
  "SELECT * FROM shopml.train_recommender('r1', 'mallory.orders', 'customer', 'item', '{\"factors\": 256, \"iterations\": 50, \"threads\": 2}');"
cancel_check "train_text_classifier (embeddings)" \
  "SELECT * FROM shopml.train_text_classifier('t1', 'mallory.reviews', 'body', 'label');"
cancel_check "train_forecaster (2 threads)" \
  "SELECT * FROM shopml.train_forecaster('f1', 'mallory.sales', '{s}', 'w', 'units', '{\"horizon\": 4, \"threads\": 2}');"
cancel_check "backtest_forecaster" \
  "SELECT * FROM shopml.backtest_forecaster('mallory.sales', '{s}', 'w', 'units', '{\"horizon\": 4}', rounds => 5);"
sql -c "SELECT count(*) AS stored_after_cancels FROM shopml.trained_models WHERE name IN ('c1', 'c2', 'r1', 't1', 'f1')" -At | grep -qx 0 || fail "a cancelled training stored a model"
ok "no cancelled training stored a model"
echo "$passed passed, 0 failed"
