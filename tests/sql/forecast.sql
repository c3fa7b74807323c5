-- Demand forecasting in SQL: train_forecaster, forecast (with a future table of planned prices
-- and promotions, and a price what-if), backtest_forecaster, versions, privileges, cancellation
-- and every bad input. A deterministic fixture: 3 stores x 2 products, 80 weeks of Mondays;
-- sales fall with the price (elasticity -2), rise 40% in promotion weeks, follow the season and
-- carry noise from hashint4. Week 50 of store 3's yoghurt is missing (a gap).
SET search_path = shopml, public;
CREATE TABLE public.weekly_sales AS
SELECT store, product, DATE '2024-01-01' + 7 * w AS week,
       round(base * power(price / 2.0, -2) * CASE WHEN promo THEN 1.4 ELSE 1 END
             * (1 + 0.25 * sin(2 * pi() * w / 52.0)) * (0.85 + 0.3 * (abs(hashint4(w * 10 + store * 3 + length(product))) % 1000) / 1000.0))::int AS units,
       price, promo
FROM (SELECT s AS store, p AS product, w, 20.0 * s + CASE p WHEN 'milk' THEN 40 ELSE 10 END AS base,
             round((1.6 + 0.8 * (abs(hashint4(w * 7 + s + length(p))) % 100) / 100.0)::numeric, 2) AS price,
             abs(hashint4(w * 13 + s * 5 + length(p))) % 6 = 0 AS promo
      FROM generate_series(1, 3) s, unnest(ARRAY['milk', 'yoghurt']) p, generate_series(0, 79) w) g
WHERE NOT (store = 3 AND product = 'yoghurt' AND w = 50);
SELECT count(*) AS rows, count(DISTINCT (store, product)) AS series, min(week), max(week), sum(units) AS units FROM public.weekly_sales;

-- train: two weeks ahead after a one-week gap, price and promo planned in advance
SELECT model, version, series, rows, round(mape::numeric, 3) AS mape, round(wape::numeric, 3) AS wape,
       round(mase::numeric, 3) AS mase, round(coverage::numeric, 2) AS coverage, train_seconds < 60 AS fast
FROM train_forecaster('sales', 'public.weekly_sales', '{store,product}', 'week', 'units',
                      '{"horizon": 2, "gap": 1, "known_columns": ["price", "promo"]}');
SELECT name, version, task, algorithm, options, features->'layout'->'frequency' AS frequency,
       jsonb_array_length(features->'features') AS features, metrics->'series' AS series
FROM shopml.trained_models WHERE name = 'sales';

-- the next two weeks after the gap (prices carried forward), whole units, lower <= value <= upper
SELECT series, time, value, lower, upper FROM forecast('sales') ORDER BY series->>'store', series->>'product', time;
SELECT count(*) AS rows, bool_and(lower <= value AND value <= upper) AS within, bool_and(value = round(value)) AS whole_units,
       bool_and(time::date IN ('2025-07-21', '2025-07-28')) AS after_the_gap
FROM forecast('sales');
SELECT count(*) AS one_week FROM forecast('sales', 1);

-- planned inputs: a future table gives next weeks' prices and promotions; a what-if on price
CREATE TABLE public.plan AS
SELECT store, product, week, 2.0 AS price, false AS promo
FROM (SELECT DISTINCT store, product FROM public.weekly_sales) s, (VALUES (DATE '2025-07-21'), (DATE '2025-07-28')) w(week);
CREATE TABLE public.plan_dear AS SELECT store, product, week, price * 1.3 AS price, promo FROM public.plan;
CREATE TABLE public.plan_promo AS SELECT store, product, week, price, true AS promo FROM public.plan;
SELECT b.series, b.time, b.value AS at_2_00, d.value AS at_2_60, p.value AS promoted
FROM forecast('sales', future => 'public.plan') b
JOIN forecast('sales', future => 'public.plan_dear') d USING (series, time)
JOIN forecast('sales', future => 'public.plan_promo') p USING (series, time)
ORDER BY b.series->>'store', b.series->>'product', b.time;
SELECT count(*) FILTER (WHERE d.value < b.value) AS dearer_sells_less, count(*) AS cells
FROM forecast('sales', future => 'public.plan') b JOIN forecast('sales', future => 'public.plan_dear') d USING (series, time);

-- backtest: three origins two weeks apart, each trained on the weeks up to it; then the whole
SELECT round, origin, cells, round(mape::numeric, 3) AS mape, round(wape::numeric, 3) AS wape,
       round(mase::numeric, 3) AS mase, round(coverage::numeric, 2) AS coverage
FROM backtest_forecaster('public.weekly_sales', '{store,product}', 'week', 'units',
                         '{"horizon": 2, "gap": 1, "known_columns": ["price", "promo"]}', rounds => 3);
-- nothing stored by a backtest
SELECT count(*) AS models FROM shopml.trained_models;

-- integer times, one series (no series columns), a median point and a 50% interval
CREATE TABLE public.one_series AS SELECT week, units FROM public.weekly_sales WHERE store = 1 AND product = 'milk';
CREATE TABLE public.int_weeks AS SELECT (week - DATE '2024-01-01') / 7 AS w, store, product, units FROM public.weekly_sales;
SELECT model, version, series, rows FROM train_forecaster('single', 'public.one_series', '{}', 'week', 'units', '{"interval": 0.5}');
SELECT series, time, value, lower, upper FROM forecast('single');
SELECT model, series, round(mape::numeric, 3) AS mape FROM train_forecaster('int', 'public.int_weeks', '{store,product}', 'w', 'units', '{"horizon": 3}');
SELECT series, time, value FROM forecast('int') WHERE series = '{"store": 1, "product": "milk"}' ORDER BY time::int;
-- retraining adds a version; name@version forecasts with an old one
SELECT model, version FROM train_forecaster('int', 'public.int_weeks', '{store,product}', 'w', 'units', '{"horizon": 1, "seed": 7}');
SELECT (SELECT count(*) FROM forecast('int@1')) AS v1_rows, (SELECT count(*) FROM forecast('int')) AS v2_rows;

-- privileges: the table is read as the caller; models belong to their trainer
CREATE ROLE forecast_outsider;
SET ROLE forecast_outsider;
SELECT regress.error_of($q$SELECT * FROM shopml.train_forecaster('mine', 'public.weekly_sales', '{store,product}', 'week', 'units')$q$);
SELECT regress.error_of($q$SELECT * FROM shopml.backtest_forecaster('public.weekly_sales', '{store,product}', 'week', 'units')$q$);
SELECT regress.error_of($q$SELECT * FROM shopml.forecast('sales')$q$);
RESET ROLE;
GRANT SELECT ON public.weekly_sales TO forecast_outsider;
SET ROLE forecast_outsider;
SELECT model, version, series FROM shopml.train_forecaster('mine', 'public.weekly_sales', '{store,product}', 'week', 'units');
-- a future table the caller may not read
SELECT regress.error_of($q$SELECT * FROM shopml.forecast('mine', future => 'public.plan')$q$);
SELECT shopml.drop_model('mine');
RESET ROLE;

-- cancellation: a statement timeout ends training (the boosting runs in a child process,
-- killed at once) and stores nothing
CREATE TABLE public.many_sales AS
SELECT s, w, (50 + abs(hashint4(s * 1000 + w)) % 50) AS units FROM generate_series(1, 400) s, generate_series(1, 150) w;
SET statement_timeout = '500ms';
SELECT version FROM train_forecaster('cancelled', 'public.many_sales', '{s}', 'w', 'units', '{"horizon": 4}');
RESET statement_timeout;
SELECT count(*) AS cancelled_versions FROM shopml.trained_models WHERE name = 'cancelled';

-- bad inputs
CREATE TABLE public.fc_dup AS SELECT * FROM public.weekly_sales UNION ALL SELECT * FROM public.weekly_sales WHERE store = 2 AND week = DATE '2024-03-04';
CREATE TABLE public.fc_offgrid AS SELECT * FROM public.weekly_sales UNION ALL SELECT 9, 'milk', DATE '2024-03-06', 5, 2.0, false;
CREATE TABLE public.fc_one (store int, week int, units int);
INSERT INTO public.fc_one VALUES (1, 1, 10);
CREATE TABLE public.fc_empty (store int, week int, units int);
CREATE TABLE public.fc_nulls AS SELECT store, product, week, CASE WHEN week < DATE '2024-03-01' THEN NULL ELSE units END AS units FROM public.weekly_sales;
CREATE TABLE public.fc_null_key AS SELECT NULLIF(store, 2) AS store, product, week, units FROM public.weekly_sales;
CREATE TABLE public.fc_null_time AS SELECT store, product, CASE WHEN units > 150 THEN NULL ELSE week END AS week, units FROM public.weekly_sales;
CREATE TABLE public.fc_text AS SELECT store, product, week, units::text AS units FROM public.weekly_sales;
CREATE TABLE public.fc_negative AS SELECT store, product, week, units - 100 AS units FROM public.weekly_sales;
CREATE TABLE public.fc_daily_gap AS SELECT store, product, DATE '2024-01-01' + 3 * (row_number() OVER (PARTITION BY store, product ORDER BY week))::int AS day, units FROM public.weekly_sales;
CREATE TABLE public.fc_future_no_price AS SELECT store, product, week FROM public.plan;
CREATE TABLE public.fc_future_int AS SELECT store, product, 82 AS week, price, promo FROM public.plan;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,nope}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"known_columns": ["discount"]}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"known_columns": ["units"]}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_dup', '{store,product}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_offgrid', '{store,product}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_offgrid', '{store,product}', 'week', 'units', '{"frequency": "week"}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_one', '{store}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_empty', '{store}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_null_key', '{store,product}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_null_time', '{store,product}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_text', '{store,product}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_negative', '{store,product}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.fc_daily_gap', '{store,product}', 'day', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'product', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"horizon": 0}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"horizon": 10000000}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"horizon": -1}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"interval": 1.5}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"frequency": "hour"}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.int_weeks', '{store,product}', 'w', 'units', '{"frequency": "week"}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"depth": 3}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"threads": 0}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"budget": 0}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"max_trees": 0}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"lags": 5000}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"gap": 100}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '[1]')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', 'week', 'units', '{"known_columns": "price"}')$q$,
  $q$SELECT * FROM shopml.train_forecaster('bad name', 'public.weekly_sales', '{store,product}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster(NULL, 'public.weekly_sales', '{store,product}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', NULL, 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,NULL}', 'week', 'units')$q$,
  $q$SELECT * FROM shopml.train_forecaster('m', 'public.weekly_sales', '{store,product}', NULL, 'units')$q$,
  $q$SELECT * FROM shopml.forecast('sales', 0)$q$,
  $q$SELECT * FROM shopml.forecast('sales', 10000000)$q$,
  $q$SELECT * FROM shopml.forecast('sales', future => 'public.fc_future_no_price')$q$,
  $q$SELECT * FROM shopml.forecast('sales', future => 'public.fc_future_int')$q$,
  $q$SELECT * FROM shopml.forecast('nope')$q$,
  $q$SELECT * FROM shopml.forecast(NULL)$q$,
  $q$SELECT * FROM shopml.backtest_forecaster('public.weekly_sales', '{store,product}', 'week', 'units', rounds => 0)$q$,
  $q$SELECT * FROM shopml.backtest_forecaster('public.weekly_sales', '{store,product}', 'week', 'units', rounds => 1000)$q$,
  $q$SELECT * FROM shopml.backtest_forecaster('public.weekly_sales', '{store,product}', 'week', 'units', every => 0)$q$,
  $q$SELECT * FROM shopml.backtest_forecaster('public.weekly_sales', '{store,product}', 'week', 'units', rounds => 3, every => 1000)$q$
]) q;
-- NULL values are missing weeks, not an error: the series still forecasts
SELECT model, series, rows FROM train_forecaster('nulls', 'public.fc_nulls', '{store,product}', 'week', 'units');

SELECT drop_model(n) FROM unnest(ARRAY['sales', 'single', 'int', 'nulls']) n;
DROP TABLE public.weekly_sales, public.plan, public.plan_dear, public.plan_promo, public.one_series, public.int_weeks, public.many_sales,
  public.fc_dup, public.fc_offgrid, public.fc_one, public.fc_empty, public.fc_nulls, public.fc_null_key, public.fc_null_time,
  public.fc_text, public.fc_negative, public.fc_daily_gap, public.fc_future_no_price, public.fc_future_int;
DROP ROLE forecast_outsider;
