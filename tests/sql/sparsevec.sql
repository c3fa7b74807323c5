-- sparsevec: pgvector's sparse vector. Text and binary forms, typmod, every operator, function
-- and cast, btree, and one bad literal per line with its error.
SET search_path = shopml, public;
SELECT '{1:1.5,3:2}/5'::sparsevec AS sv, ' { 3 : 2 , 1 : 1.5 , 2 : 0 } / 5 '::sparsevec AS sorted_zero_dropped,
       '{}/3'::sparsevec AS empty, '{1:-0.000001,1000000000:1e+20}/1000000000'::sparsevec AS wide;
SELECT '{1:1}/3'::sparsevec(3) AS typmod_ok;
-- bad literals
\set VERBOSITY default
SELECT ''::sparsevec;
SELECT '[1,2]'::sparsevec;
SELECT '{1:2}'::sparsevec;
SELECT '{1:2}/'::sparsevec;
SELECT '{1:2}/3 x'::sparsevec;
SELECT '{1 2}/3'::sparsevec;
SELECT '{a:2}/3'::sparsevec;
SELECT '{1:}/3'::sparsevec;
SELECT '{1:2,}/3'::sparsevec;
SELECT '{}/0'::sparsevec;
SELECT '{}/1000000001'::sparsevec;
SELECT '{0:1}/3'::sparsevec;
SELECT '{4:1}/3'::sparsevec;
SELECT '{1:1,1:2}/3'::sparsevec;
SELECT '{1:NaN}/3'::sparsevec;
SELECT '{1:inf}/3'::sparsevec;
SELECT '{1:1e39}/3'::sparsevec;
SELECT '{1:1}/3'::sparsevec(4);
SELECT ('{' || (SELECT string_agg(i || ':1', ',') FROM generate_series(1, 16001) i) || '}/20000')::sparsevec;
SELECT '{1:1}/3'::sparsevec(0);
SELECT '{1:1}/3'::sparsevec(1000000001);
SELECT '{1:1}/3'::sparsevec(2, 3);
\set VERBOSITY terse
-- distances and functions (operands of different dimensions are an error)
SELECT '{1:1,3:2,6:-1}/6'::sparsevec <-> '{2:4,3:1,6:2}/6' AS l2,
       '{1:1,3:2,6:-1}/6'::sparsevec <#> '{2:4,3:1,6:2}/6' AS neg_ip,
       round(('{1:1,3:2,6:-1}/6'::sparsevec <=> '{2:4,3:1,6:2}/6')::numeric, 6) AS cosine,
       '{1:1,3:2,6:-1}/6'::sparsevec <+> '{2:4,3:1,6:2}/6' AS l1,
       inner_product('{1:1,3:2,6:-1}/6'::sparsevec, '{2:4,3:1,6:2}/6') AS ip,
       sparsevec_l2_squared_distance('{1:1,3:2,6:-1}/6', '{2:4,3:1,6:2}/6') AS l2_squared;
SELECT l2_norm('{1:3,2:4}/2'::sparsevec) AS norm, l2_normalize('{1:3,2:4}/2'::sparsevec) AS unit,
       l2_normalize('{}/2'::sparsevec) AS zero_stays, ('{1:1}/2'::sparsevec <=> '{}/2') AS cosine_with_zero;
SELECT '{1:1}/2'::sparsevec <-> '{1:1}/3';
-- the same distances as the dense vectors
SELECT ('{1:1,3:2,6:-1}/6'::sparsevec <-> '{2:4,3:1,6:2}/6') = ('{1:1,3:2,6:-1}/6'::sparsevec::vector <-> '{2:4,3:1,6:2}/6'::sparsevec::vector) AS l2_same,
       ('{1:1,3:2,6:-1}/6'::sparsevec <+> '{2:4,3:1,6:2}/6') = ('{1:1,3:2,6:-1}/6'::sparsevec::vector <+> '{2:4,3:1,6:2}/6'::sparsevec::vector) AS l1_same;
-- casts
SELECT '[0,1.5,0,-2]'::vector::sparsevec AS from_vector, '{2:1.5,4:-2}/4'::sparsevec::vector AS to_vector,
       '[0,1.5,0]'::halfvec::sparsevec AS from_halfvec, '{2:1.5}/3'::sparsevec::halfvec AS to_halfvec,
       ARRAY[0,3,0]::sparsevec AS from_int, ARRAY[0,0.5,0]::real[]::sparsevec AS from_real,
       ARRAY[1.25,0]::double precision[]::sparsevec AS from_float8, ARRAY[0,2.5]::numeric[]::sparsevec AS from_numeric;
SELECT '{1:1}/16001'::sparsevec::vector;
SELECT '[1,2]'::vector::sparsevec(3);
SELECT ARRAY[1,NULL]::integer[]::sparsevec;
-- btree: the dense order, then the dimensions; equality, DISTINCT, ORDER BY, an index
SELECT s FROM unnest(ARRAY['{2:1}/3', '{1:-1}/3', '{}/3', '{1:1}/3', '{1:1,3:1}/3', '{}/2', '{3:5}/4']::sparsevec[]) s ORDER BY s;
SELECT '{1:1}/3'::sparsevec = '{1:1}/3' AS eq, '{1:1}/3'::sparsevec < '{1:2}/3' AS lt, '{}/3'::sparsevec < '{1:1}/3' AS zero_lt,
       '{1:-1}/3'::sparsevec < '{}/3' AS negative_first, sparsevec_cmp('{}/2', '{}/3') AS shorter_first;
CREATE TEMP TABLE st (id int, v sparsevec(5));
INSERT INTO st VALUES (1, '{1:1}/5'), (2, '{5:2}/5'), (3, '{1:1}/5');
INSERT INTO st VALUES (4, '{1:1}/4');
CREATE INDEX ON st (v);
SELECT count(DISTINCT v) AS distinct_values, (SELECT id FROM st ORDER BY v <-> '{5:2}/5' LIMIT 1) AS nearest FROM st;
-- binary COPY round trip is exact
CREATE TEMP TABLE st2 (LIKE st);
COPY st TO '/tmp/shopml-regress/sparsevec.bin' WITH (FORMAT binary);
COPY st2 FROM '/tmp/shopml-regress/sparsevec.bin' WITH (FORMAT binary);
SELECT count(*) FILTER (WHERE st.v = st2.v) AS same, count(*) AS total FROM st JOIN st2 USING (id);
SELECT sparsevec_send('{2:1.5,7:-3}/9') AS wire;
-- IMMUTABLE STRICT PARALLEL SAFE, every one
SELECT count(*) AS functions, bool_and(provolatile = 'i' AND proisstrict AND proparallel = 's') AS all_immutable_strict_safe
FROM pg_proc p WHERE pronamespace = 'shopml'::regnamespace
  AND (pg_get_function_arguments(p.oid) LIKE '%sparsevec%' OR pg_get_function_result(p.oid) LIKE '%sparsevec%');
