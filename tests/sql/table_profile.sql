-- table_profile: what the SPI table reader that training uses makes of a table, read with the
-- caller's privileges; every column kind, NULLs, quoted identifiers, and its errors.
SET search_path = shopml, public;
CREATE TYPE public.tier AS ENUM ('bronze', 'gold');
CREATE TABLE public."x""; DROP TABLE y; --" (
    id bigint, small smallint, price numeric(10,2), score real, ratio double precision,
    active boolean, city text, code varchar(8), grade char(2), tier public.tier,
    since date, seen timestamptz, at timestamp, emb vector(2), "Odd ""Name""" integer);
INSERT INTO public."x""; DROP TABLE y; --" VALUES
    (1, 1, 10.50, 0.5, 0.25, true, 'Lyon', 'A1', 'x', 'gold', '2024-01-01', '2024-01-01 00:00:00+00', '2024-01-02', '[1,2]', 7),
    (2, 2, NULL, 'NaN', 'Infinity', false, 'Köln', NULL, 'y', 'bronze', '1970-01-02', NULL, 'infinity', '[3,4]', NULL),
    (3, NULL, 'NaN', -1, NULL, NULL, NULL, 'A1', NULL, NULL, NULL, '1970-01-01 00:00:01+00', NULL, NULL, 7);
SELECT * FROM table_profile('public."x""; DROP TABLE y; --"');
-- a chosen subset, in the order asked
SELECT column_name, kind, rows, nulls FROM table_profile('public."x""; DROP TABLE y; --"', ARRAY['Odd "Name"', 'city']);
-- an empty table
CREATE TABLE public.empty_t (a int, b text);
SELECT column_name, kind, rows, nulls, distinct_values, min FROM table_profile('public.empty_t');

-- errors
CREATE TABLE public.odd_types (a int, j jsonb);
CREATE ROLE profile_reader;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM shopml.table_profile('public.odd_types')$q$,
  $q$SELECT * FROM shopml.table_profile('public.odd_types', ARRAY['a', 'nope'])$q$,
  $q$SELECT * FROM shopml.table_profile('public.odd_types', ARRAY[]::text[])$q$,
  $q$SELECT * FROM shopml.table_profile(NULL)$q$,
  $q$SELECT * FROM shopml.table_profile('public.no_such_table')$q$]) q;
SELECT column_name, kind, rows FROM table_profile('public.odd_types', ARRAY['a']);
-- the reader reads as the caller: no SELECT privilege, Postgres's own error
SET ROLE profile_reader;
SELECT regress.error_of($q$SELECT * FROM shopml.table_profile('public.odd_types', ARRAY['a'])$q$);
RESET ROLE;
GRANT SELECT (a) ON public.odd_types TO profile_reader;
SET ROLE profile_reader;
SELECT column_name, rows FROM shopml.table_profile('public.odd_types', ARRAY['a']);
RESET ROLE;
-- memory is bounded by shopml.max_training_memory (superuser only)
SET shopml.max_training_memory = '1MB';
CREATE TABLE public.wide AS SELECT repeat('x', 200) AS t FROM generate_series(1, 20000);
SELECT regress.error_of($q$SELECT * FROM shopml.table_profile('public.wide')$q$);
RESET shopml.max_training_memory;
SET ROLE profile_reader;
SELECT regress.error_of($q$SET shopml.max_training_memory = '100GB'$q$);
RESET ROLE;

DROP TABLE public."x""; DROP TABLE y; --", public.empty_t, public.odd_types, public.wide;
DROP TYPE public.tier;
DROP ROLE profile_reader;
