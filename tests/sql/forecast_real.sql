-- Forecasting on real data. Dominick's orange juice (bayesm, via make data) on Microsoft TSPerf's
-- OrangeJuice_Pt_3Weeks_Weekly protocol, entirely in SQL: 913 store-brand series, 12 rounds,
-- each trained on weeks 40..135+2(r-1) and forecasting the two weeks after a one-week gap with
-- their planned prices, deal and feat. Units = round(exp(logmove)), forecasts in whole units,
-- MAPE pooled over the 21,054 cells with an actual (TSPerf's metric). Thresholds: just above
-- what docs/forecast.md measured; the published board's best is LightGBM at 36.28%.
-- Then modeldata's monthly drinks: 24 months held out, MASE against the seasonal naive scale.
\set oj_mape 0.355
\set oj_mase 0.475
\set drinks_mase 1.60
\set QUIET on
\i scripts/load_forecast_data.sql
\set QUIET off
SELECT count(*) AS rows, count(DISTINCT (store, brand)) AS series, min(week), max(week) FROM public.oj;

-- the full protocol: 12 origins (135, 137, ..., 157), 2 threads as the LightGBM peer
SET client_min_messages = warning;  -- progress NOTICEs depend on timing
CREATE TEMP TABLE oj_backtest AS
SELECT * FROM shopml.backtest_forecaster('public.oj', '{store,brand}', 'week', 'units',
    '{"horizon": 2, "gap": 1, "known_columns": ["price", "price_ratio", "deal", "feat"], "point": "mape", "threads": 2}',
    rounds => 12, every => 2);
RESET client_min_messages;
SELECT count(*) FILTER (WHERE round IS NOT NULL) AS rounds, string_agg(origin, ',' ORDER BY round) AS origins,
       sum(cells) FILTER (WHERE round IS NOT NULL) AS cells FROM oj_backtest;
SELECT cells, mape < :oj_mape AS mape_ok, mase < :oj_mase AS mase_ok, coverage BETWEEN 0.75 AND 0.85 AS coverage_80,
       mape < 0.7074 AS beats_mean_forecast FROM oj_backtest WHERE round IS NULL;

-- drinks: one monthly series, the last 24 months held out
CREATE VIEW public.drinks_train AS SELECT * FROM public.drinks WHERE month <= DATE '1992-01-01' + interval '284 months';
SELECT model, series, rows FROM shopml.train_forecaster('drinks', 'public.drinks_train', '{}', 'month', 'sales', '{"horizon": 24}');
WITH f AS (SELECT time::date AS month, value FROM shopml.forecast('drinks')),
     scale AS (SELECT avg(abs(sales - last_year)) AS s
               FROM (SELECT sales, lag(sales, 12) OVER (ORDER BY month) AS last_year FROM public.drinks_train) x)
SELECT count(*) AS months, min(month), max(month), avg(abs(f.value - d.sales)) / (SELECT s FROM scale) < :drinks_mase AS mase_ok
FROM f JOIN public.drinks d USING (month);
SELECT shopml.drop_model('drinks');
DROP VIEW public.drinks_train;
DROP TABLE public.oj, public.drinks;
