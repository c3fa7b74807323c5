#!/usr/bin/env bash
# Scheduled retraining with pg_cron (issue 35; Debian's postgresql-15-cron, so PostgreSQL 15
# only): a job retrains a model with deploy = if_better and rescores a table in one
# transaction. It runs every minute here (1.4.2 has no seconds schedule) where a shop would
# write '0 3 * * *'. A run that fails (the table lost the target column) leaves the previous
# model serving and the old scores in place, and cron.job_run_details shows both runs with
# their outcome, message and duration. Needs `make install data`; about two minutes, mostly
# waiting for the minute to turn.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-cron PORT=${SHOPML_CRON_PORT:-54345}
[ -f "$("${PG_CONFIG:-pg_config}" --pkglibdir)/pg_cron.so" ] || { echo "cron: pg_cron is not installed (make setup)" >&2; exit 1; }
bash tests/pg_cluster.sh start "$BASE" "$PORT" -c shared_preload_libraries=pg_cron -c cron.database_name=postgres \
  -c cron.use_background_workers=on -c max_worker_processes=16
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$BASE" -p "$PORT" -U postgres -d postgres "$@"; }

sql -o /dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION pg_cron;
CREATE EXTENSION shopml;
CREATE TABLE products (id int PRIMARY KEY, title text, description text, category text, price numeric);
\copy products FROM 'data/products.csv' WITH (FORMAT csv, HEADER true)
SELECT shopml.train_model('price', 'public.products', 'price', '{"features": ["category", "title"]}');
CREATE TABLE price_scores (id text, predicted double precision, scored_at timestamptz DEFAULT now());
INSERT INTO price_scores (id, predicted) SELECT key, prediction FROM shopml.predict('price', 'public.products', 'id');
-- The nightly job: retrain (deployed only if at least as good on the same test rows), then rescore
-- with whatever version is deployed. One command string: one transaction.
SELECT cron.schedule('nightly_price', '* * * * *', $job$
  SELECT shopml.train_model('price', 'public.products', 'price', '{"features": ["category", "title"], "deploy": "if_better"}');
  TRUNCATE price_scores;
  INSERT INTO price_scores (id, predicted) SELECT key, prediction FROM shopml.predict('price', 'public.products', 'id');
$job$);
SQL
before=$(sql -c "SELECT min(scored_at) FROM price_scores")

# Waits until the job has `n` finished runs (at most 150 s).
runs() { sql -c "SELECT count(*) FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE j.jobname = 'nightly_price' AND d.status IN ('succeeded', 'failed')"; }
wait_runs() {
  for _ in $(seq 1 150); do [ "$(runs)" -ge "$1" ] && return 0; sleep 1; done
  echo "cron: the job did not run" >&2; sql -c "SELECT * FROM cron.job_run_details" >&2; exit 1
}
echo "cron: waiting for the first run"
wait_runs 1
sql -c "SELECT status, return_message FROM cron.job_run_details ORDER BY runid DESC LIMIT 1"
[ "$(sql -c "SELECT status FROM cron.job_run_details ORDER BY runid DESC LIMIT 1")" = succeeded ] || exit 1
# Version 2 exists and serves (the same rows tie, and a tie deploys); the scores were rewritten.
[ "$(sql -c "SELECT string_agg(version || ':' || deployed, ',' ORDER BY version) FROM shopml.trained_models WHERE name = 'price'")" = "1:false,2:true" ] || {
  sql -c "SELECT version, deployed, metrics->'deploy' FROM shopml.trained_models" >&2; exit 1; }
[ "$(sql -c "SELECT min(scored_at) > '$before' AND count(*) = 216 FROM price_scores")" = t ] || exit 1
serving=$(sql -c "SELECT md5(string_agg(id || ':' || predicted, ',' ORDER BY id)) FROM price_scores")

echo "cron: breaking the table, waiting for the failed run"
sql -c "ALTER TABLE products RENAME COLUMN price TO list_price"
wait_runs 2
sql -c "SELECT status, return_message FROM cron.job_run_details ORDER BY runid DESC LIMIT 1"
[ "$(sql -c "SELECT status FROM cron.job_run_details ORDER BY runid DESC LIMIT 1")" = failed ] || exit 1
# Nothing changed: no version 3, version 2 still serves, the scores are those of the last good run.
[ "$(sql -c "SELECT max(version) || ':' || bool_and(deployed = (version = 2)) FROM shopml.trained_models WHERE name = 'price'")" = "2:true" ] || exit 1
[ "$(sql -c "SELECT md5(string_agg(id || ':' || predicted, ',' ORDER BY id)) FROM price_scores")" = "$serving" ] || exit 1
sql -c "SELECT round(shopml.predict('price', '{\"category\": \"shoes\", \"title\": \"black mesh running shoes\"}')::numeric, 2) > 0" | grep -qx t
sql -c "SELECT status, round(extract(epoch FROM end_time - start_time)::numeric, 1) AS seconds FROM cron.job_run_details ORDER BY runid"
sql -c "SELECT cron.unschedule('nightly_price')" >/dev/null
echo "cron: passed (a scheduled retrain deployed and rescored; a failed one left version 2 and its scores serving)"
