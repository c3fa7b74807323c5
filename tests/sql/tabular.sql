-- Models of any column in SQL: train_model (regression, two and three classes), predict (jsonb
-- and whole table), predict_class, predict_proba, explain, versions and deploy_model /
-- deploy-if-better, privileges, cancellation and every bad input. A deterministic 600-home
-- fixture: the price follows size, area, age and a garage, plus noise.
SET search_path = shopml, public;
CREATE TABLE public.homes AS
SELECT h.*,
       round((1000 * size + CASE area WHEN 'north' THEN 30000 WHEN 'centre' THEN 60000 ELSE 0 END
              - 400 * (2024 - extract(year FROM built)) + CASE WHEN garage THEN 15000 ELSE 0 END
              + ((abs(hashint4(id + 7000)) % 1000) - 500) * 20)::numeric, 0) AS price,
       CASE WHEN size > 150 THEN 'large' WHEN area = 'centre' THEN 'central' ELSE 'basic' END AS segment,
       (abs(hashint4(id + 8000)) % 100) < 30 + size / 10 AS sold_fast
FROM (SELECT i AS id,
             60 + abs(hashint4(i)) % 140 AS size,
             (ARRAY['north', 'south', 'centre'])[1 + abs(hashint4(i + 1000)) % 3] AS area,
             DATE '1960-01-01' + (abs(hashint4(i + 2000)) % 20000) AS built,
             abs(hashint4(i + 3000)) % 2 = 0 AS garage,
             CASE WHEN i % 13 = 0 THEN NULL ELSE 1 + abs(hashint4(i + 4000)) % 6 END AS rooms
      FROM generate_series(1, 600) i) h;
SELECT count(*) AS homes, round(avg(price)) AS mean_price FROM public.homes;

-- regression: both algorithms, the better on a validation split; the test RMSE beside the mean's
SELECT model, version, task, algorithm, deployed, rows_train, rows_test, metric, score < baseline / 3 AS beats_the_mean,
       train_seconds < 60 AS fast
FROM train_model('price', 'public.homes', 'price', '{"exclude": ["id", "segment", "sold_fast"]}');
SELECT model, version, algorithm, round(score::numeric, -2) AS rmse, round(baseline::numeric, -2) AS baseline
FROM train_model('price', 'public.homes', 'price', '{"exclude": ["id", "segment", "sold_fast"], "algorithm": "linear"}');
SELECT model, version, algorithm, score < baseline / 3 AS beats_the_mean
FROM train_model('price', 'public.homes', 'price', '{"exclude": ["id", "segment", "sold_fast"], "algorithm": "gbdt"}');
SELECT name, version, task, algorithm, deployed, metrics->'test' ? 'r2' AS has_r2, metrics->'deploy'->>'policy' AS policy
FROM shopml.trained_models WHERE name = 'price' ORDER BY version;
-- predict one row; the whole table in one call equals row by row
SELECT id, round(predict('price@2', to_jsonb(h))::numeric, -1) AS linear, round(predict('price@3', to_jsonb(h))::numeric, -4) AS gbdt FROM public.homes h WHERE id IN (1, 2) ORDER BY id;
SELECT count(*) AS rows, max(abs(t.prediction - predict('price', to_jsonb(h)))) < 1e-6 AS same, count(t.class) AS classes
FROM predict('price', 'public.homes', 'id') t JOIN public.homes h ON h.id::text = t.key;
-- explain: contributions plus the base value sum to the prediction, for both algorithms
SELECT feature, value, round(contribution::numeric, -2) AS contribution
FROM explain('price@2', (SELECT to_jsonb(h) FROM public.homes h WHERE id = 1));
SELECT m AS model, abs(sum(e.contribution) - predict(m, c.j)) < 1e-3 AS sums_to_prediction
FROM (VALUES ('price@2'), ('price@3')) v(m),
     LATERAL (SELECT to_jsonb(h) AS j FROM public.homes h WHERE id = 5) c,
     LATERAL explain(m, c.j) e
GROUP BY m, c.j ORDER BY m;

-- two classes (a boolean target: the positive class is true)
SELECT model, task, algorithm, metric, score > baseline AS beats_chance
FROM train_model('fast', 'public.homes', 'sold_fast', '{"exclude": ["id", "price", "segment"], "algorithm": "linear"}');
SELECT predict_class('fast', '{"size": 190}') AS big, predict_class('fast', '{"size": 60}') AS small,
       round(predict('fast', '{"size": 190}')::numeric, 3) = round((predict_proba('fast', '{"size": 190}')->>'true')::numeric, 3) AS proba_agrees;
-- three classes, one head each; class weights
SELECT model, task, algorithm, metric, round(score::numeric, 2) AS macro_auc, baseline
FROM train_model('segment', 'public.homes', 'segment', '{"exclude": ["id", "price", "sold_fast"], "class_weight": "balanced"}');
SELECT metrics->'classes' AS classes, (metrics->'test'->>'accuracy')::float8 > 0.9 AS accurate FROM shopml.trained_models WHERE name = 'segment';
SELECT predict_class('segment', '{"size": 190, "area": "north"}') AS big, predict_class('segment', '{"size": 80, "area": "centre"}') AS central,
       jsonb_object_keys(predict_proba('segment', '{"size": 80}')) AS classes;
SELECT round(sum(value::float8)::numeric, 6) AS sums_to_1 FROM jsonb_each_text(predict_proba('segment', '{"size": 80, "area": "centre"}'));
-- unseen categories go to "other", missing keys are NULL
SELECT predict_class('segment', '{"size": 190, "area": "harbour", "shoe_size": 44}') AS unseen;
-- explain a class: the predicted one by default, or the one named
SELECT count(*) AS features_and_base FROM explain('segment', '{"size": 80, "area": "centre"}');
SELECT feature FROM explain('segment', '{"size": 190, "area": "north"}', 'large') LIMIT 1;
SELECT t.class, count(*) FROM predict('segment', 'public.homes', 'id') t GROUP BY 1 ORDER BY 1;

-- deployment: unpinned references use the deployed version (the latest by default)
SELECT deploy_model('price', 1) AS deployed;
SELECT round(predict('price', '{"size": 100}')::numeric, 6) = round(predict('price@1', '{"size": 100}')::numeric, 6) AS uses_version_1;
SELECT version, deployed FROM shopml.trained_models WHERE name = 'price' ORDER BY version;
-- deploy never: stored, not used
SELECT version, deployed FROM train_model('price', 'public.homes', 'price', '{"exclude": ["id", "segment", "sold_fast"], "deploy": "never"}');
-- deploy if_better: a model of the number of rooms alone does not replace version 1 (scored on
-- the same test rows); one as good does
SELECT version, deployed FROM train_model('price', 'public.homes', 'price', '{"features": ["rooms"], "deploy": "if_better"}');
SELECT (metrics->'deploy'->>'previous_version')::int AS compared_with, (metrics->'deploy'->>'previous_score')::float8 < score AS previous_was_better
FROM shopml.trained_models t, LATERAL (SELECT (t.metrics->>'score')::float8 AS score) s WHERE name = 'price' AND version = 5;
SELECT version, deployed FROM train_model('price', 'public.homes', 'price', '{"exclude": ["id", "segment", "sold_fast"], "deploy": "if_better", "algorithm": "linear"}');
SELECT version, deployed FROM shopml.trained_models WHERE name = 'price' ORDER BY version;

-- honest volatility: deploying another version changes the answer, so STABLE
SELECT proname, provolatile, count(*) AS forms FROM pg_proc
WHERE proname IN ('train_model', 'predict', 'predict_class', 'predict_proba', 'explain', 'deploy_model')
  AND pronamespace = 'shopml'::regnamespace GROUP BY 1, 2 ORDER BY 1, 2;

-- the same rows in another physical order give the same model (the split and the fits walk the
-- rows in an order of their values): an UPDATE moves every row to the end of the heap
CREATE TABLE public.homes_moved AS SELECT * FROM public.homes ORDER BY id DESC;
SELECT round(a.score::numeric, 6) = round(b.score::numeric, 6) AS same_score
FROM train_model('order_a', 'public.homes', 'price', '{"exclude": ["id", "segment", "sold_fast"], "algorithm": "gbdt"}') a,
     train_model('order_b', 'public.homes_moved', 'price', '{"exclude": ["id", "segment", "sold_fast"], "algorithm": "gbdt"}') b;
SELECT round(predict('order_a', '{"size": 120, "area": "north"}')::numeric, 6) = round(predict('order_b', '{"size": 120, "area": "north"}')::numeric, 6) AS same_model;
SELECT drop_model('order_a') + drop_model('order_b') AS dropped;
DROP TABLE public.homes_moved;

-- the churn preset's models are read by these functions too
SELECT model, algorithm FROM train_churn_model('churny', 'public.homes', 'sold_fast', '{"features": ["size"], "algorithm": "logistic"}');
SELECT round(predict('churny', '{"size": 150}')::numeric, 6) = round(predict_churn('churny', '{"size": 150}')::numeric, 6) AS same_probability;

-- bad inputs
CREATE TABLE public.tab_empty (id int, x int, y float8);
CREATE TABLE public.tab_constant AS SELECT i AS x, 5.5 AS y, 'a' AS c FROM generate_series(1, 10) i;
CREATE TABLE public.tab_many AS SELECT i AS x, 'class ' || i AS y FROM generate_series(1, 10000) i;
CREATE TABLE public.tab_null_feature AS SELECT i AS id, NULL::int AS x, i * 1.5 AS y FROM generate_series(1, 20) i;
CREATE TABLE public.tab_vector AS SELECT i * 1.5 AS x, '[1,2]'::vector AS y FROM generate_series(1, 20) i;
CREATE ROLE tab_outsider;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'nope')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.tab_empty', 'y')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.tab_constant', 'y', '{"exclude": ["c"]}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.tab_constant', 'c')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.tab_many', 'y')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.tab_null_feature', 'y')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.tab_vector', 'y')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'area', '{"task": "regression"}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"task": "clustering"}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"algorithm": "forest"}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"depth": 3}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"exclude": "id"}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"budget": "high"}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"max_levels": 0}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"deploy": "sometimes"}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"class_weight": "even"}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '{"features": ["price"]}')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', 'price', '[1]')$q$,
  $q$SELECT * FROM shopml.train_model('churny', 'public.homes', 'price')$q$,
  $q$SELECT * FROM shopml.train_model('m@2', 'public.homes', 'price')$q$,
  $q$SELECT * FROM shopml.train_model(NULL, 'public.homes', 'price')$q$,
  $q$SELECT * FROM shopml.train_model('m', 'public.homes', NULL)$q$,
  $q$SELECT shopml.predict('nope', '{}')$q$,
  $q$SELECT shopml.predict('price@99', '{}')$q$,
  $q$SELECT shopml.predict('segment', '{"size": 1}')$q$,
  $q$SELECT shopml.predict('price', '{"size": "big"}')$q$,
  $q$SELECT shopml.predict('price', '{"built": "yesterday-ish"}')$q$,
  $q$SELECT shopml.predict('price', '[1, 2]')$q$,
  $q$SELECT shopml.predict('price', NULL::jsonb)$q$,
  $q$SELECT shopml.predict_class('price', '{}')$q$,
  $q$SELECT shopml.predict_proba('price', '{}')$q$,
  $q$SELECT * FROM shopml.explain('price', '{}', 'large')$q$,
  $q$SELECT * FROM shopml.explain('segment', '{}', 'tiny')$q$,
  $q$SELECT * FROM shopml.explain('fast', '{}', 'false')$q$,
  $q$SELECT * FROM shopml.predict('price', 'public.homes', 'nope')$q$,
  $q$SELECT * FROM shopml.predict('price', 'public.tab_empty', 'id')$q$,
  $q$SELECT shopml.deploy_model('price', 99)$q$,
  $q$SELECT shopml.deploy_model('price@2', 1)$q$,
  $q$SELECT shopml.deploy_model('nope', 1)$q$,
  $q$SELECT shopml.deploy_model('price', NULL)$q$]) q;
-- the table is read with the caller's privileges; another role's model is not theirs to use
-- or deploy
SET ROLE tab_outsider;
SELECT regress.error_of($q$SELECT * FROM shopml.train_model('theirs', 'public.homes', 'price')$q$);
SELECT regress.error_of($q$SELECT shopml.predict('postgres.price', '{"size": 100}')$q$);
SELECT regress.error_of($q$SELECT * FROM shopml.explain('postgres.price', '{"size": 100}')$q$);
SELECT regress.error_of($q$SELECT shopml.deploy_model('postgres.price', 1)$q$);
RESET ROLE;
SELECT grant_model('price', 'tab_outsider') AS granted;
SET ROLE tab_outsider;
SELECT round(predict('postgres.price', '{"size": 100}')::numeric, 6) = round(predict('postgres.price@6', '{"size": 100}')::numeric, 6) AS granted_uses_deployed;
SELECT regress.error_of($q$SELECT shopml.deploy_model('postgres.price', 1)$q$);
RESET ROLE;

-- training is cancellable inside the gradient-boosting fit: a timeout stores nothing
CREATE TABLE public.tab_big AS SELECT i AS x, (i * 7919) % 1000 AS z, ((i * 7919) % 1000) * 1.5 + i % 7 AS y FROM generate_series(1, 200000) i;
SET statement_timeout = '300ms';
SELECT algorithm FROM shopml.train_model('cancelled', 'public.tab_big', 'y', '{"algorithm": "gbdt"}');
RESET statement_timeout;
SELECT count(*) AS cancelled_versions FROM shopml.trained_models WHERE name = 'cancelled';

SELECT drop_model('price') + drop_model('fast') + drop_model('segment') + drop_model('churny') AS versions_dropped;
DROP TABLE public.homes, public.tab_empty, public.tab_constant, public.tab_many, public.tab_null_feature,
  public.tab_vector, public.tab_big;
DROP ROLE tab_outsider;
