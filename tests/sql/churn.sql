-- Churn in SQL: train_churn_model, predict_churn (jsonb and whole table), explain_churn,
-- versions, drop, and every bad input. A deterministic 600-customer fixture: churn risk falls
-- with tenure, rises on month-to-month contracts and with the monthly charge, plus noise.
SET search_path = shopml, public;
-- (the seeded split walks the rows in an order of their values, so it picks the same rows
-- whatever order the heap keeps them in: tabular.sql checks that after an UPDATE)
CREATE TABLE public.customers AS
SELECT c.*, 1.0 - tenure / 24.0 + CASE contract WHEN 'month-to-month' THEN 1.5 ELSE -1.0 END + monthly / 60.0
            + coalesce(support_calls, 2) * 0.3 + ((abs(hashint4(id + 6000)) % 1000) / 1000.0 - 0.5) * 2.5 > 1.0 AS churned
FROM (SELECT i AS id,
             (abs(hashint4(i)) % 72) AS tenure,
             (ARRAY['month-to-month', 'one year', 'two year'])[1 + abs(hashint4(i + 1000)) % 3] AS contract,
             round((20 + abs(hashint4(i + 2000)) % 100)::numeric, 2) AS monthly,
             (abs(hashint4(i + 3000)) % 2 = 0) AS paperless,
             DATE '2020-01-01' + (abs(hashint4(i + 4000)) % 1000) AS signup,
             CASE WHEN i % 11 = 0 THEN NULL ELSE (abs(hashint4(i + 5000)) % 5) END AS support_calls
      FROM generate_series(1, 600) i) c;
SELECT count(*) AS customers, count(*) FILTER (WHERE churned) AS churned FROM public.customers;

-- train (default: both algorithms, the better on a validation split of the training rows)
SELECT model, version, algorithm, rows_train, rows_test, round(auc::numeric, 3) AS auc,
       round(accuracy::numeric, 3) AS accuracy, round(log_loss::numeric, 3) AS log_loss, train_seconds < 60 AS fast
FROM train_churn_model('fixture', 'public.customers', 'churned', '{"exclude": ["id"]}');
-- retraining adds a version; each algorithm on request
SELECT model, version, algorithm, round(auc::numeric, 3) AS auc
FROM train_churn_model('fixture', 'public.customers', 'churned', '{"exclude": ["id"], "algorithm": "logistic"}');
SELECT model, version, algorithm, round(auc::numeric, 3) AS auc
FROM train_churn_model('fixture', 'public.customers', 'churned', '{"exclude": ["id"], "algorithm": "gbdt", "seed": 7}');
SELECT name, version, task, algorithm, options, jsonb_typeof(features) AS features, metrics ? 'auc' AS has_auc,
       trained_by = current_user AS mine
FROM shopml.trained_models ORDER BY version;

-- predict: the latest version by default, name@version picks one
SELECT id, round(predict_churn('fixture', to_jsonb(c))::numeric, 4) AS latest,
       round(predict_churn('fixture@2', to_jsonb(c))::numeric, 4) AS logistic
FROM public.customers c WHERE id IN (1, 2, 3) ORDER BY id;
-- missing keys are NULL, unknown keys ignored, an unseen category goes to "other"
SELECT round(predict_churn('fixture@2', '{"tenure": 3, "contract": "weekly", "shoe_size": 44}')::numeric, 4) AS sparse;
-- the whole table in one call equals row by row
SELECT count(*) AS rows, max(abs(t.probability - predict_churn('fixture', to_jsonb(c)))) < 1e-12 AS same
FROM predict_churn('fixture', 'public.customers', 'id') t JOIN public.customers c ON c.id::text = t.id;

-- explain: contributions plus the base value sum to the log-odds, for both algorithms (to 1e-6:
-- perpetual keeps its leaf weights in single precision)
SELECT feature, value, round(contribution::numeric, 3) AS contribution
FROM explain_churn('fixture@2', (SELECT to_jsonb(c) FROM public.customers c WHERE id = 1));
SELECT m AS model, abs(sum(e.contribution) - ln(p / (1 - p))) < 1e-6 AS sums_to_log_odds
FROM (VALUES ('fixture@1'), ('fixture@2'), ('fixture@3')) v(m),
     LATERAL (SELECT to_jsonb(c) AS j FROM public.customers c WHERE id = 5) c,
     LATERAL (SELECT predict_churn(m, c.j) AS p) pr,
     LATERAL explain_churn(m, c.j) e
GROUP BY m, p ORDER BY m;

-- honest volatility: retraining changes the answer, so STABLE
SELECT proname, provolatile FROM pg_proc WHERE proname IN ('predict_churn', 'explain_churn', 'train_churn_model') ORDER BY 1, 2;

-- bad inputs
CREATE TABLE public.churn_empty (id int, x int, churned boolean);
CREATE TABLE public.churn_one_class AS SELECT i AS id, i AS x, true AS churned FROM generate_series(1, 10) i;
CREATE TABLE public.churn_null_feature AS SELECT i AS id, NULL::int AS x, i AS y, i % 2 = 0 AS churned FROM generate_series(1, 20) i;
CREATE TABLE public.churn_three AS SELECT i AS x, (ARRAY['a', 'b', 'c'])[1 + i % 3] AS churned FROM generate_series(1, 30) i;
CREATE TABLE public.churn_numeric AS SELECT i AS x, i % 3 AS churned FROM generate_series(1, 30) i;
CREATE TABLE public.churn_json AS SELECT i AS x, '{}'::jsonb AS j, i % 2 = 0 AS churned FROM generate_series(1, 30) i;
CREATE ROLE churn_outsider;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.customers', 'nope')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.churn_empty', 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.churn_one_class', 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.churn_null_feature', 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.churn_three', 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.churn_numeric', 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.churn_json', 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.customers', 'churned', '{"exclude": ["nope"]}')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.customers', 'churned', '{"algorithm": "forest"}')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.customers', 'churned', '{"test_fraction": 0.95}')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.customers', 'churned', '{"depth": 3}')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.customers', 'churned', '{"budget": 0}')$q$,
  $q$SELECT * FROM shopml.train_churn_model('bad name', 'public.customers', 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model(NULL, 'public.customers', 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', NULL, 'churned')$q$,
  $q$SELECT * FROM shopml.train_churn_model('m', 'public.customers', NULL)$q$,
  $q$SELECT shopml.predict_churn('nope', '{}')$q$,
  $q$SELECT shopml.predict_churn('fixture@9', '{}')$q$,
  $q$SELECT shopml.predict_churn('fixture@x', '{}')$q$,
  $q$SELECT shopml.predict_churn('fixture', '{"tenure": "long"}')$q$,
  $q$SELECT shopml.predict_churn('fixture', '{"paperless": 1}')$q$,
  $q$SELECT shopml.predict_churn('fixture', '{"signup": "not a date"}')$q$,
  $q$SELECT shopml.predict_churn('fixture', '[1, 2]')$q$,
  $q$SELECT shopml.predict_churn(NULL, '{}')$q$,
  $q$SELECT shopml.predict_churn('fixture', NULL::jsonb)$q$,
  $q$SELECT * FROM shopml.predict_churn('fixture', 'public.churn_empty', 'id')$q$,
  $q$SELECT * FROM shopml.explain_churn('nope', '{}')$q$]) q;
-- the table is read with the caller's privileges
SET ROLE churn_outsider;
SELECT regress.error_of($q$SELECT * FROM shopml.train_churn_model('theirs', 'public.customers', 'churned')$q$);
-- another role's model is not theirs to retrain or use (ownership.sql has the rest): the same
-- name makes a model of their own
RESET ROLE;
GRANT SELECT ON public.customers TO churn_outsider;
SET ROLE churn_outsider;
SELECT regress.error_of($q$SELECT * FROM shopml.train_churn_model('postgres.fixture', 'public.customers', 'churned')$q$);
SELECT regress.error_of($q$SELECT shopml.predict_churn('postgres.fixture', '{"tenure": 1}')$q$);
SELECT model, version FROM shopml.train_churn_model('fixture', 'public.customers', 'churned', '{"algorithm": "logistic"}');
SELECT round(predict_churn('fixture', '{"tenure": 1}')::numeric, 4) > 0 AS predicts_its_own;
SELECT shopml.drop_model('fixture') AS own_dropped;
RESET ROLE;

-- dates given as jsonb text predict as the table's dates trained
SELECT round(predict_churn('fixture@2', jsonb_build_object('signup', '2021-06-01'))::numeric, 6) =
       round(predict_churn('fixture@2', jsonb_build_object('signup', '2021-06-01T00:00:00+00:00'))::numeric, 6) AS dates_agree;

-- predictions run in parallel workers too (their catalog reads take no transaction id)
CREATE TABLE public.many_customers AS SELECT c.* FROM public.customers c, generate_series(1, 20);
ANALYZE public.many_customers;
CREATE TEMP TABLE serial_sum AS SELECT sum(predict_churn('fixture', to_jsonb(c))) AS s FROM public.many_customers c;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT sum(predict_churn('fixture', to_jsonb(c))) FROM public.many_customers c;
SELECT abs(sum(predict_churn('fixture', to_jsonb(c))) - (SELECT s FROM serial_sum)) < 1e-6 AS parallel_equals_serial
FROM public.many_customers c;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
DROP TABLE public.many_customers;

SELECT drop_model('fixture') AS versions_dropped;
DROP TABLE public.customers, public.churn_empty, public.churn_one_class, public.churn_null_feature,
  public.churn_three, public.churn_numeric, public.churn_json;
DROP ROLE churn_outsider;

-- customer_features: recency, frequency, monetary from an orders table, as of a time
CREATE TABLE public.shop_orders (id int, "Customer" text, placed timestamptz, amount numeric);
INSERT INTO public.shop_orders VALUES
  (1, 'ann', '2024-01-01 10:00+00', 10), (2, 'ann', '2024-03-01 10:00+00', 30), (3, 'ann', '2024-06-20 10:00+00', 20),
  (4, 'bob', '2023-06-01 10:00+00', 100), (5, 'bob', '2024-07-01 10:00+00', 999), (6, NULL, '2024-01-01', 5);
SELECT customer_id, round(recency_days::numeric, 2) AS recency_days, frequency, monetary, round(tenure_days::numeric, 2) AS tenure_days,
       avg_order_value, orders_last_30d, orders_last_90d
FROM customer_features('public.shop_orders', 'Customer', 'placed', 'amount', '2024-06-30 10:00+00');
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM shopml.customer_features('public.shop_orders', 'nope', 'placed', 'amount')$q$,
  $q$SELECT * FROM shopml.customer_features('public.shop_orders', 'Customer', 'placed', NULL)$q$,
  $q$SELECT * FROM shopml.customer_features(NULL, 'Customer', 'placed', 'amount')$q$]) q;
DROP TABLE public.shop_orders;
