-- The HNSW index: both access method names, every operator class against exact search, rescans,
-- inserts, updates, deletes + VACUUM, filtered and iterative scans, builds beyond
-- maintenance_work_mem, REINDEX, unlogged tables, and the errors.
SET search_path = shopml, public;
SELECT amname, amtype FROM pg_am WHERE amname IN ('hnsw', 'shopml_hnsw') ORDER BY amname;
-- 3000 rows in 20 clusters of 16 dimensions (a deterministic hash for the noise), 50 queries.
CREATE FUNCTION pg_temp.point(i int, c int) RETURNS vector AS $$
  SELECT array_agg(sin(c * j * 1.7 + j) + 0.45 * sin(i * j * 12.9898 + i * 0.7) ORDER BY j)::vector(16)
  FROM generate_series(1, 16) j $$ LANGUAGE sql IMMUTABLE;
CREATE TABLE items (id int PRIMARY KEY, category int, embedding vector(16));
INSERT INTO items SELECT i, i % 20, pg_temp.point(i, i % 20) FROM generate_series(1, 3000) i;
CREATE TABLE queries AS SELECT i AS qid, pg_temp.point(i, i % 20) AS q FROM generate_series(100001, 100050) i;
ANALYZE items;
-- exact answers per operator, then the index's recall@10 over the 50 queries (lateral: one
-- rescan per query)
CREATE FUNCTION pg_temp.truth(op text) RETURNS TABLE (qid int, id int) AS $$
BEGIN
  -- exact: a sequential scan and a sort (with both scans disabled, the planner would pick the
  -- index, and recall would compare the index with itself)
  SET LOCAL enable_indexscan = off;
  SET LOCAL enable_seqscan = on;
  RETURN QUERY EXECUTE format('SELECT qid, t.id FROM queries, LATERAL (SELECT id FROM items ORDER BY embedding %s q LIMIT 10) t', op);
END $$ LANGUAGE plpgsql;
CREATE FUNCTION pg_temp.recall(op text) RETURNS numeric AS $$
DECLARE r numeric;
BEGIN
  SET LOCAL enable_seqscan = off;
  EXECUTE format('SELECT count(*) / 500.0 FROM queries, LATERAL (SELECT id FROM items ORDER BY embedding %s q LIMIT 10) t
                   WHERE (qid, t.id) IN (SELECT * FROM pg_temp.truth(%L))', op, op) INTO r;
  RETURN r;
END $$ LANGUAGE plpgsql;
CREATE INDEX items_l2 ON items USING shopml_hnsw (embedding vector_l2_ops);
SHOW shopml.hnsw_ef_search;
SHOW shopml.hnsw_iterative_scan;
SHOW shopml.hnsw_max_scan_tuples;
SET enable_seqscan = off;
SELECT * FROM regress.plan($q$SELECT id FROM items ORDER BY embedding <-> '[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]' LIMIT 5$q$);
SELECT pg_temp.recall('<->') >= 0.95 AS l2_recall_ok;
-- the nearest row to a stored vector is itself, at distance 0
SELECT id, embedding <-> (SELECT embedding FROM items WHERE id = 1234) AS d
  FROM items ORDER BY embedding <-> (SELECT embedding FROM items WHERE id = 1234) LIMIT 1;
DROP INDEX items_l2;
CREATE INDEX items_cos ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 32);
SELECT pg_temp.recall('<=>') >= 0.95 AS cosine_recall_ok;
-- the index answers only its own operator
SELECT * FROM regress.plan($q$SELECT id FROM items ORDER BY embedding <-> '[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]' LIMIT 5$q$);
DROP INDEX items_cos;
CREATE INDEX items_ip ON items USING hnsw (embedding vector_ip_ops);
SELECT pg_temp.recall('<#>') >= 0.90 AS ip_recall_ok;
DROP INDEX items_ip;
CREATE INDEX items_l1 ON items USING shopml_hnsw (embedding vector_l1_ops);
SELECT pg_temp.recall('<+>') >= 0.95 AS l1_recall_ok;
DROP INDEX items_l1;

-- halfvec columns (pgvector's halfvec_*_ops), under both names, against the exact halfvec scan
CREATE TABLE items_h (id int PRIMARY KEY, embedding halfvec(16));
INSERT INTO items_h SELECT id, embedding FROM items;
CREATE FUNCTION pg_temp.truth_h(op text) RETURNS TABLE (qid int, id int) AS $$
BEGIN
  -- exact: a sequential scan and a sort (with both scans disabled, the planner would pick the
  -- index, and recall would compare the index with itself)
  SET LOCAL enable_indexscan = off;
  SET LOCAL enable_seqscan = on;
  RETURN QUERY EXECUTE format('SELECT qid, t.id FROM queries, LATERAL (SELECT id FROM items_h ORDER BY embedding %s q::halfvec LIMIT 10) t', op);
END $$ LANGUAGE plpgsql;
CREATE FUNCTION pg_temp.recall_h(op text) RETURNS numeric AS $$
DECLARE r numeric;
BEGIN
  SET LOCAL enable_seqscan = off;
  EXECUTE format('SELECT count(*) / 500.0 FROM queries, LATERAL (SELECT id FROM items_h ORDER BY embedding %s q::halfvec LIMIT 10) t
                   WHERE (qid, t.id) IN (SELECT * FROM pg_temp.truth_h(%L))', op, op) INTO r;
  RETURN r;
END $$ LANGUAGE plpgsql;
CREATE INDEX items_h_l2 ON items_h USING hnsw (embedding halfvec_l2_ops);
SELECT * FROM regress.plan($q$SELECT id FROM items_h ORDER BY embedding <-> '[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]' LIMIT 5$q$);
SELECT pg_temp.recall_h('<->') >= 0.95 AS halfvec_l2_recall_ok;
-- the nearest row to a stored value is itself, at distance 0
SELECT id, embedding <-> (SELECT embedding FROM items_h WHERE id = 1234) AS d
  FROM items_h ORDER BY embedding <-> (SELECT embedding FROM items_h WHERE id = 1234) LIMIT 1;
DROP INDEX items_h_l2;
CREATE INDEX items_h_cos ON items_h USING shopml_hnsw (embedding halfvec_cosine_ops);
SELECT pg_temp.recall_h('<=>') >= 0.95 AS halfvec_cosine_recall_ok;
-- a vector query (embed_text's type) is cast to halfvec and uses the index too
SELECT * FROM regress.plan($q$SELECT id FROM items_h ORDER BY embedding <=> '[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]'::vector LIMIT 5$q$);
DROP INDEX items_h_cos;
CREATE INDEX items_h_ip ON items_h USING hnsw (embedding halfvec_ip_ops);
SELECT pg_temp.recall_h('<#>') >= 0.90 AS halfvec_ip_recall_ok;
DROP INDEX items_h_ip;
CREATE INDEX items_h_l1 ON items_h USING hnsw (embedding halfvec_l1_ops);
INSERT INTO items_h SELECT i, pg_temp.point(i, i % 20) FROM generate_series(5001, 5500) i;
SELECT pg_temp.recall_h('<+>') >= 0.95 AS halfvec_l1_recall_after_inserts;
-- an index on a halfvec column without dimensions, and a query of other dimensions
CREATE TABLE items_h_any (embedding halfvec);
CREATE INDEX ON items_h_any USING hnsw (embedding halfvec_l2_ops);
SELECT id FROM items_h ORDER BY embedding <+> '[1,2,3]'::halfvec LIMIT 1;
DROP TABLE items_h, items_h_any;

-- inserts, updates and deletes after the build
CREATE INDEX items_l2 ON items USING shopml_hnsw (embedding vector_l2_ops);
INSERT INTO items SELECT i, i % 20, pg_temp.point(i, i % 20) FROM generate_series(3001, 4000) i;
UPDATE items SET embedding = pg_temp.point(id + 50000, category) WHERE id % 10 = 0;
SELECT pg_temp.recall('<->') >= 0.95 AS recall_after_inserts_and_updates;
SELECT id FROM items ORDER BY embedding <-> pg_temp.point(3500, 0) LIMIT 1;
SELECT id FROM items ORDER BY embedding <-> pg_temp.point(50020, 0) LIMIT 1;
DELETE FROM items WHERE id % 3 = 0;
VACUUM items;
SELECT count(*) AS deleted_rows_returned FROM queries, LATERAL (SELECT id FROM items ORDER BY embedding <-> q LIMIT 10) t WHERE t.id % 3 = 0;
SELECT pg_temp.recall('<->') >= 0.95 AS recall_after_vacuum;
-- deleting everything but a few rows, then vacuuming, leaves a searchable graph
CREATE TABLE few AS SELECT * FROM items;
CREATE INDEX few_l2 ON few USING shopml_hnsw (embedding vector_l2_ops);
DELETE FROM few WHERE id > 12;
VACUUM few;
SELECT array_agg(id ORDER BY id) AS remaining FROM (SELECT id FROM few ORDER BY embedding <-> pg_temp.point(1, 1) LIMIT 20) t;
INSERT INTO few SELECT i, i % 20, pg_temp.point(i, i % 20) FROM generate_series(90001, 90005) i;
SELECT count(*) AS rows_found FROM (SELECT id FROM few ORDER BY embedding <-> pg_temp.point(1, 1) LIMIT 20) t;
DELETE FROM few;
VACUUM few;
SELECT count(*) AS rows_in_empty_graph FROM (SELECT id FROM few ORDER BY embedding <-> pg_temp.point(1, 1) LIMIT 20) t;
INSERT INTO few VALUES (1, 1, pg_temp.point(1, 1));
SELECT id FROM few ORDER BY embedding <-> pg_temp.point(1, 1) LIMIT 20;

-- filtered queries: a category far from the query is found by searching on
SELECT count(*) AS filtered_rows FROM (SELECT id FROM items WHERE category = 7 ORDER BY embedding <-> pg_temp.point(5, 3) LIMIT 10) t;
SET shopml.hnsw_iterative_scan = off;
SELECT count(*) AS filtered_rows_without_iterative_scan FROM (SELECT id FROM items WHERE category = 7 ORDER BY embedding <-> pg_temp.point(5, 3) LIMIT 10) t;
SELECT count(*) AS rows_beyond_ef_search FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(5, 3) LIMIT 100) t;
SET shopml.hnsw_iterative_scan = strict_order;
SELECT count(*) AS strict_rows_beyond_ef_search FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(5, 3) LIMIT 100) t;
SELECT bool_and(d >= prev) AS strict_order_is_sorted FROM (
  SELECT d, lag(d, 1, 0) OVER (ORDER BY n) AS prev FROM (
    SELECT row_number() OVER () AS n, embedding <-> pg_temp.point(5, 3) AS d
      FROM (SELECT embedding FROM items ORDER BY embedding <-> pg_temp.point(5, 3) LIMIT 300) s) t) u;
RESET shopml.hnsw_iterative_scan;
SET shopml.hnsw_max_scan_tuples = 40;
SELECT count(*) AS rows_within_max_scan_tuples FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(5, 3) LIMIT 100) t;
RESET shopml.hnsw_max_scan_tuples;
-- the filtered rows are the exact filtered answer
SELECT count(*) AS filtered_matches_exact FROM (SELECT id FROM items WHERE category = 7 ORDER BY embedding <-> pg_temp.point(5, 3) LIMIT 10) a
 WHERE id IN (SELECT id FROM (SELECT id, embedding <-> pg_temp.point(5, 3) AS d FROM items WHERE category = 7) e ORDER BY d LIMIT 10);
SET shopml.hnsw_ef_search = 200;
SELECT pg_temp.recall('<->') >= 0.98 AS recall_at_ef_200;
RESET shopml.hnsw_ef_search;

-- REINDEX, a build beyond maintenance_work_mem, NULLs and zero vectors, unlogged tables
REINDEX INDEX items_l2;
SELECT pg_temp.recall('<->') >= 0.95 AS recall_after_reindex;
DROP INDEX items_l2;
SET maintenance_work_mem = '1MB';
CREATE INDEX items_small_memory ON items USING shopml_hnsw (embedding vector_l2_ops) WITH (m = 48, ef_construction = 96);
RESET maintenance_work_mem;
SELECT pg_temp.recall('<->') >= 0.95 AS recall_after_spilled_build;
CREATE TABLE sparse_rows (id int, v vector(2));
INSERT INTO sparse_rows VALUES (1, '[1,0]'), (2, NULL), (3, '[0,0]'), (4, '[0,1]'), (5, '[1,1]');
CREATE INDEX ON sparse_rows USING shopml_hnsw (v vector_cosine_ops);
INSERT INTO sparse_rows VALUES (6, '[0,0]'), (7, NULL), (8, '[2,1]');
SELECT id FROM sparse_rows ORDER BY v <=> '[1,0]' LIMIT 10;
-- a NULL query returns every row the index holds, as the scan it replaces returns every row
-- (NULL distances tie); before, it returned none. Rows whose vector is NULL, or zero under
-- cosine, are not in the index (as in pgvector), so the sequential scan returns them too.
-- (A query the planner cannot fold: a constant NULL drops the ORDER BY and scans the table.)
SELECT bool_or(line LIKE '%Index Scan using sparse_rows_v_idx%') AS uses_index
FROM regress.plan($q$SELECT id FROM sparse_rows ORDER BY v <=> (SELECT NULL::vector) LIMIT 10$q$) line;
SELECT array_agg(id ORDER BY id) AS null_query FROM (SELECT id FROM sparse_rows ORDER BY v <=> (SELECT NULL::vector) LIMIT 10) s;
SET enable_indexscan = off;
SET enable_seqscan = on;
SELECT array_agg(id ORDER BY id) AS seq_scan_null_query FROM (SELECT id FROM sparse_rows ORDER BY v <=> (SELECT NULL::vector) LIMIT 10) s;
RESET enable_indexscan;
SET enable_seqscan = off;
-- without pgvector, pgvector's settings apply to shopml's index when a session sets them and
-- shopml's own are at their defaults (shopml never defines those names, so pgvector can still
-- load beside it; where it does, they are pgvector's alone: pgvector.sql)
SELECT count(*) AS default_rows FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(7, 7) LIMIT 30) s;
SET hnsw.ef_search = 5;
SET hnsw.iterative_scan = off;
SELECT count(*) AS pgvector_ef_5_no_iteration FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(7, 7) LIMIT 30) s;
SET shopml.hnsw_ef_search = 12;
SELECT count(*) AS shopml_setting_wins FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(7, 7) LIMIT 30) s;
RESET shopml.hnsw_ef_search;
SET hnsw.iterative_scan = strict_order;
SET hnsw.max_scan_tuples = 20;
SELECT count(*) AS pgvector_max_scan_tuples_20 FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(7, 7) LIMIT 30) s;
SET hnsw.ef_search = 'many';
SELECT count(*) FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(7, 7) LIMIT 30) s;
SET hnsw.iterative_scan = sometimes;
SET hnsw.ef_search = 5;
SELECT count(*) FROM (SELECT id FROM items ORDER BY embedding <-> pg_temp.point(7, 7) LIMIT 30) s;
RESET hnsw.ef_search;
RESET hnsw.iterative_scan;
RESET hnsw.max_scan_tuples;
CREATE UNLOGGED TABLE scratch (id int, v vector(2));
CREATE INDEX ON scratch USING shopml_hnsw (v vector_l2_ops);
INSERT INTO scratch SELECT i, ARRAY[i, i * 2]::real[]::vector FROM generate_series(1, 100) i;
SELECT id FROM scratch ORDER BY v <-> '[10,20]' LIMIT 3;
SELECT * FROM regress.plan($q$SELECT id FROM scratch WHERE id = 3$q$);
SELECT count(*) AS rows_without_order_by FROM scratch;

-- errors
\set VERBOSITY default
SELECT id FROM items ORDER BY embedding <-> '[1,2,3]' LIMIT 1;
RESET enable_seqscan;
CREATE TABLE no_dims (v vector);
CREATE INDEX ON no_dims USING shopml_hnsw (v vector_l2_ops);
CREATE TABLE wide (v vector(2000));
CREATE INDEX ON wide USING shopml_hnsw (v vector_l2_ops);
CREATE INDEX ON wide USING shopml_hnsw (v vector_l2_ops) WITH (m = 2);
CREATE INDEX ON items USING shopml_hnsw (embedding vector_l2_ops) WITH (m = 1);
CREATE INDEX ON items USING shopml_hnsw (embedding vector_l2_ops) WITH (ef_construction = 1001);
CREATE INDEX ON items USING shopml_hnsw (embedding vector_l2_ops) WITH (m = 64, ef_construction = 64);
CREATE INDEX ON items USING shopml_hnsw (embedding vector_l2_ops) WITH (lists = 100);
CREATE INDEX ON items USING shopml_hnsw (embedding vector_ops);
CREATE INDEX ON items USING shopml_hnsw (embedding);
CREATE INDEX ON items USING shopml_hnsw (embedding vector_l2_ops, category);
CREATE UNIQUE INDEX ON items USING shopml_hnsw (embedding vector_l2_ops);
SET shopml.hnsw_ef_search = 0;
SET shopml.hnsw_iterative_scan = sometimes;
\set VERBOSITY terse
DROP TABLE items, queries, few, sparse_rows, scratch, no_dims, wide;
