-- The forecasting data of `make data` as a shop would hold it (tests/sql/forecast_real.sql and
-- benches/forecast_bench.py): public.oj, Dominick's orange juice per store, brand and week
-- (units = round(exp(logmove)), the brand's own price, its ratio to the mean of the 11 brands'
-- prices that week, deal, feat), and public.drinks, modeldata's monthly beverage sales.
CREATE TABLE public.oj_raw (store int, brand int, week int, logmove float8, price1 float8, price2 float8, price3 float8,
  price4 float8, price5 float8, price6 float8, price7 float8, price8 float8, price9 float8, price10 float8, price11 float8,
  deal int, feat float8, profit float8);
\copy public.oj_raw FROM 'data/oj_sales.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE public.oj AS
SELECT store, brand, week, round(exp(logmove))::int AS units, p[brand] AS price,
       p[brand] / ((SELECT sum(x) FROM unnest(p) x) / 11) AS price_ratio, deal, feat
FROM (SELECT *, ARRAY[price1, price2, price3, price4, price5, price6, price7, price8, price9, price10, price11] AS p FROM public.oj_raw) r;
DROP TABLE public.oj_raw;
CREATE TABLE public.drinks (month date, sales float8);
\copy public.drinks FROM 'data/drinks.csv' WITH (FORMAT csv, HEADER true)
