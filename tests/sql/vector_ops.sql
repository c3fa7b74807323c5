-- vector operators, functions, casts and aggregates, with their bad inputs.
SET search_path = shopml, public;

-- distances
SELECT '[1,2,3]'::vector <-> '[4,6,3]' AS l2, '[1,2,3]'::vector <#> '[4,5,6]' AS neg_ip,
       '[1,0]'::vector <=> '[0,1]' AS cos_orth, '[1,1]'::vector <=> '[2,2]' AS cos_same,
       '[1,2]'::vector <=> '[-1,-2]' AS cos_opposite, '[1,2,3]'::vector <+> '[4,0,3]' AS l1;
SELECT l2_distance('[0,0]'::vector, '[3,4]'), inner_product('[1,2,3]'::vector, '[4,5,6]'),
       cosine_distance('[1,2]'::vector, '[2,4]'), l1_distance('[1,2]'::vector, '[0,0]'),
       vector_l2_squared_distance('[0,0]', '[3,4]');
-- a zero vector has no direction: cosine distance is NaN, as in pgvector
SELECT '[0,0]'::vector <=> '[1,1]' AS cos_zero;
-- 1536 dimensions (toasted, SIMD with tail): compare with a plain SQL computation
WITH v AS (SELECT array_agg(sin(i)::real) a, array_agg(cos(i * 0.5)::real) b FROM generate_series(1, 1537) i)
SELECT round((a::vector <-> b::vector)::numeric, 3) = round(sqrt((SELECT sum((x - y)::float8 ^ 2) FROM unnest(a, b) t(x, y)))::numeric, 3) AS l2_ok,
       round((a::vector <#> b::vector)::numeric, 3) = round(-(SELECT sum(x::float8 * y) FROM unnest(a, b) t(x, y))::numeric, 3) AS ip_ok
FROM v;

-- TOAST: 2000-dimension vectors (8 KB) are stored out of line; 100 dimensions stay inline
CREATE TABLE toasty (small vector(100), large vector(2000));
INSERT INTO toasty SELECT array_fill(i, ARRAY[100]), (SELECT array_agg(random()) FROM generate_series(1, 2000) WHERE i > 0)
FROM generate_series(1, 20) i;
SELECT pg_relation_size(reltoastrelid) > 0 AS large_toasted FROM pg_class WHERE relname = 'toasty';
SELECT min(pg_column_size(small)) AS small_bytes, sum(vector_dims(large)) AS dims,
       bool_and(large <-> large = 0 AND vector_norm(large) > 0) AS detoasted_ok
FROM toasty;
DROP TABLE toasty;

-- functions
SELECT vector_dims('[1,2,3]'::vector), vector_norm('[3,4]'), l2_normalize('[3,4]'::vector), l2_normalize('[0,0]'::vector),
       subvector('[1,2,3,4,5]'::vector, 2, 3), subvector('[1,2,3]'::vector, 0, 2), subvector('[1,2,3]'::vector, 3, 10);

-- arithmetic
SELECT '[1,2,3]'::vector + '[4,5,6]' AS add, '[1,2,3]'::vector - '[4,5,6]' AS sub, '[1,2,3]'::vector * '[4,5,6]' AS mul;

-- comparisons, ORDER BY, DISTINCT, btree index
SELECT '[1,2]'::vector < '[1,3]' AS lt, '[1,2]'::vector <= '[1,2]' AS le, '[1,2]'::vector = '[1,2]' AS eq,
       '[1,2]'::vector <> '[1,2,0]' AS ne, '[2]'::vector > '[1,9]' AS gt, '[1,2]'::vector >= '[1]' AS ge,
       vector_cmp('[1,2]', '[1,2]') AS cmp;
SELECT DISTINCT v FROM (VALUES ('[2,1]'::vector), ('[1,2]'), ('[1,2]'), ('[1]'), ('[1,2,0]')) t(v) ORDER BY v;
CREATE TABLE bt (v vector);
INSERT INTO bt SELECT ARRAY[i % 10, i / 10]::vector FROM generate_series(0, 999) i;
CREATE INDEX ON bt (v);
SET enable_seqscan = off;
SELECT v FROM bt WHERE v = '[3,7]';
RESET enable_seqscan;
DROP TABLE bt;

-- nearest neighbours by each distance
CREATE TABLE items (id int, embedding vector(3));
INSERT INTO items VALUES (1, '[1,1,1]'), (2, '[2,2,2]'), (3, '[1,1,2]'), (4, '[-1,0,0]'), (5, NULL);
SELECT id FROM items ORDER BY embedding <-> '[1,1,1.5]' LIMIT 3;
SELECT id FROM items ORDER BY embedding <=> '[1,1,1]' LIMIT 3;
SELECT id FROM items ORDER BY embedding <#> '[1,1,1]' LIMIT 3;
SELECT id FROM items ORDER BY embedding <+> '[0,0,0]' LIMIT 3;

-- aggregates (NULLs skipped; empty input gives NULL)
SELECT avg(embedding), sum(embedding) FROM items;
SELECT avg(embedding), sum(embedding) FROM items WHERE false;
-- parallel aggregation gives the same answer
CREATE TABLE big AS SELECT ARRAY[i % 7, i % 11, 1]::vector(3) v FROM generate_series(1, 200000) i;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT avg(v), sum(v) FROM big;
SELECT avg(v), sum(v) FROM big;
RESET ALL;
SET search_path = shopml, public;
DROP TABLE big;

-- casts
SELECT ARRAY[1,2,3]::vector, ARRAY[1.5,2.5]::real[]::vector, ARRAY[1.25,2]::float8[]::vector,
       ARRAY[1.5,2.25]::numeric[]::vector, '[1,2.5]'::vector::real[];
SELECT ARRAY[1,2,3]::vector(3), ('[1,2,3]'::vector)::vector(3);
INSERT INTO items (id, embedding) VALUES (6, ARRAY[1,2,3]), (7, ARRAY[0.5,0.25,1]::real[]);
SELECT id, embedding FROM items WHERE id > 5;
DROP TABLE items;

-- bad input
SELECT '[1,2]'::vector <-> '[1,2,3]';
SELECT '[1,2]'::vector <=> '[1,2,3]';
SELECT '[1,2]'::vector <#> '[1,2,3]';
SELECT '[1,2]'::vector <+> '[1,2,3]';
SELECT '[1,2]'::vector + '[1,2,3]';
SELECT '[3e38]'::vector + '[3e38]';
SELECT '[-3e38]'::vector - '[3e38]';
SELECT '[1e30]'::vector * '[1e30]';
SELECT '[1e-30]'::vector * '[1e-30]';
SELECT subvector('[1,2,3]'::vector, 1, 0);
SELECT subvector('[1,2,3]'::vector, 4, 1);
SELECT ARRAY[[1,2],[3,4]]::vector;
SELECT ARRAY[1,NULL,3]::vector;
SELECT ARRAY[]::integer[]::vector;
SELECT ARRAY['NaN']::float8[]::vector;
SELECT ARRAY[1e300]::float8[]::vector;
SELECT ARRAY[1,2]::vector(3);
SELECT avg(v) FROM (VALUES ('[1,2]'::vector), ('[1,2,3]')) t(v);
SELECT sum(v) FROM (VALUES ('[1,2]'::vector), ('[1,2,3]')) t(v);
SELECT ('[1,2,3]'::vector)::vector(2);

-- the SQLSTATE of each class of bad input
SELECT q, regress.sqlstate_of(q) FROM unnest(ARRAY[
  $q$SELECT '[1,2]'::vector <-> '[1,2,3]'$q$, $q$SELECT '[3e38]'::vector + '[3e38]'$q$,
  $q$SELECT '[1e-30]'::vector * '[1e-30]'$q$, $q$SELECT subvector('[1,2,3]'::vector, 1, 0)$q$,
  $q$SELECT ARRAY[[1,2],[3,4]]::vector$q$, $q$SELECT ARRAY[1,NULL,3]::vector$q$,
  $q$SELECT ARRAY['NaN']::float8[]::vector$q$, $q$SELECT ('[1,2,3]'::vector)::vector(2)$q$]) q;

-- every function, operator, aggregate and cast of the extension is documented
SELECT count(*) AS undocumented_functions FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'shopml' WHERE obj_description(p.oid, 'pg_proc') IS NULL;
SELECT count(*) AS undocumented_operators FROM pg_operator o JOIN pg_depend d ON d.objid = o.oid AND d.classid = 'pg_operator'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'shopml' WHERE obj_description(o.oid, 'pg_operator') IS NULL;
SELECT count(*) AS undocumented_casts FROM pg_cast c JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_cast'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'shopml' WHERE obj_description(c.oid, 'pg_cast') IS NULL;
SELECT count(*) AS undocumented_operator_classes FROM pg_opclass c JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_opclass'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'shopml' WHERE obj_description(c.oid, 'pg_opclass') IS NULL;
SELECT count(*) AS undocumented_access_methods FROM pg_am a JOIN pg_depend d ON d.objid = a.oid AND d.classid = 'pg_am'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'shopml' WHERE obj_description(a.oid, 'pg_am') IS NULL;
-- all IMMUTABLE STRICT PARALLEL SAFE except the aggregates (avg, sum: not strict by nature)
-- model_status (volatile: it reads the model directory), drop_model (volatile: it writes the
-- catalog) and table_profile (stable, not strict: it reads a table; NULL is an error), and the churn
-- and recommender functions (trained models change when retrained: stable; training writes: volatile)
-- and the index access method's handler (called only by Postgres, declared like pgvector's)
SELECT p.proname FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'shopml'
WHERE p.provolatile <> 'i' OR NOT p.proisstrict OR p.proparallel <> 's' ORDER BY 1;
