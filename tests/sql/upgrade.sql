-- Upgrades: installing an earlier release's SQL (0.1.0, 0.2.0) and running ALTER EXTENSION
-- shopml UPDATE must give exactly what a fresh install gives, object by object: every function's
-- full definition (arguments, defaults, volatility, strictness, cost, C symbol), every table's
-- columns, constraints and privileges, views, comments, configuration tables, row security
-- policies. Models trained under 0.2.0 keep serving, owned by the role that trained them.
\set describe 'SELECT replace(pg_describe_object(d.classid, d.objid, 0) || coalesce(\' | \' || CASE WHEN d.classid = \'pg_proc\'::regclass THEN (SELECT CASE WHEN p.prokind = \'f\' THEN pg_get_functiondef(p.oid) ELSE p.prokind::text || \' \' || pg_get_function_arguments(p.oid) END FROM pg_proc p WHERE p.oid = d.objid) WHEN d.classid = \'pg_class\'::regclass THEN (SELECT c.relkind::text || \' acl \' || coalesce(c.relacl::text, \'-\') || \' columns \' || (SELECT string_agg(a.attname || \' \' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN \' not null\' ELSE \'\' END || coalesce(\' default \' || pg_get_expr(ad.adbin, ad.adrelid), \'\') || coalesce(\' acl \' || a.attacl::text, \'\'), \', \' ORDER BY a.attnum) FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) || coalesce(\' constraints \' || (SELECT string_agg(pg_get_constraintdef(k.oid), \', \' ORDER BY pg_get_constraintdef(k.oid)) FROM pg_constraint k WHERE k.conrelid = c.oid), \'\') || coalesce(\' view \' || pg_get_viewdef(c.oid), \'\') FROM pg_class c WHERE c.oid = d.objid) WHEN d.classid = \'pg_namespace\'::regclass THEN (SELECT coalesce(nspacl::text, \'-\') FROM pg_namespace WHERE oid = d.objid) END, \'\') || coalesce(\' -- \' || obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)), \'\'), E\'\\n\', \' \') AS object FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid AND d.refclassid = \'pg_extension\'::regclass WHERE e.extname = \'shopml\' AND d.deptype = \'e\' UNION ALL SELECT \'extconfig \' || extconfig::regclass[]::text FROM pg_extension WHERE extname = \'shopml\' UNION ALL SELECT \'policy \' || policyname || \' \' || cmd || \' \' || qual FROM pg_policies WHERE schemaname = \'shopml\' UNION ALL SELECT \'rls \' || relname || \' \' || relrowsecurity FROM pg_class WHERE relnamespace = \'shopml\'::regnamespace AND relkind = \'r\''

CREATE DATABASE shopml_upgrade;
\c shopml_upgrade
CREATE EXTENSION shopml VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'shopml';
-- the 0.1.0 functions work with this library before the update (their C symbols are kept)
SELECT shopml.vector_dims(shopml.embed_text('red shoes')) AS dims, shopml.l2_normalize('[3,4]');
ALTER EXTENSION shopml UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'shopml';
SELECT shopml.vector_dims(shopml.embed_text('red shoes')) AS dims, shopml.l2_normalize('[3,4]'::shopml.vector),
       shopml.subvector('[1,2,3]'::shopml.vector, 2, 2), cardinality(shopml.embed_texts(ARRAY['a', NULL]));
SELECT string_agg(object, E'\n' ORDER BY object) AS upgraded FROM (:describe) o \gset
-- (PostgreSQL 16 and later record a few more objects per extension than 15: the count is a floor)
SELECT count(*) >= 250 AS objects_compared, count(*) FILTER (WHERE object LIKE '%wrapper%') AS pgrx_functions FROM (:describe) o;

-- from 0.2.0, with a model trained by an ordinary role (its row written as 0.2.0 wrote it, with
-- weights trained here): after the update it serves its trainer as before, now its owner, and
-- is hidden from others until granted
CREATE TABLE public.upgrade_buys AS SELECT 'u' || (g % 30) AS u, 'i' || (g % 7 + (g % 30) % 3) AS i FROM generate_series(1, 300) g;
SELECT version FROM shopml.train_recommender('upgrade_legacy', 'public.upgrade_buys', 'u', 'i', '{"test_fraction": 0}');
SELECT encode(payload, 'hex') AS legacy_payload FROM shopml.trained_models WHERE name = 'upgrade_legacy' \gset
SELECT array_agg(item_id ORDER BY score DESC)::text AS before_update FROM shopml.recommend_for_user('upgrade_legacy', 'u1', 3) \gset
SELECT shopml.drop_model('upgrade_legacy');
DROP TABLE public.upgrade_buys;
CREATE DATABASE shopml_upgrade2;
\c shopml_upgrade2
CREATE ROLE upgrade_trainer;
CREATE ROLE upgrade_other;
CREATE EXTENSION shopml VERSION '0.2.0';
INSERT INTO shopml.trained_models (name, version, task, algorithm, options, features, metrics, payload, trained_by)
VALUES ('legacy', 1, 'recommender', 'als-cg', '{}', '{}', '{}', decode(:'legacy_payload', 'hex'), 'upgrade_trainer');
ALTER EXTENSION shopml UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'shopml';
SELECT owner, name, version, trained_by, grantees, checksum = sha256(payload) AS checksum_ok FROM shopml.trained_models;
SET ROLE upgrade_trainer;
SELECT array_agg(item_id ORDER BY score DESC)::text = :'before_update' AS same_recommendations FROM shopml.recommend_for_user('legacy', 'u1', 3);
RESET ROLE;
SET ROLE upgrade_other;
SELECT count(*) AS others_see FROM shopml.trained_models;
DO $$ BEGIN PERFORM count(*) FROM shopml.recommend_for_user('upgrade_trainer.legacy', 'u1');
EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE 'denied: %', SQLERRM; END $$;
RESET ROLE;
SELECT string_agg(object, E'\n' ORDER BY object) AS upgraded2 FROM (:describe) o \gset
SELECT :'upgraded2' = :'upgraded' AS same_as_from_010;

\c shopml_regress
-- the regress database holds a fresh install (tests/sql/setup.sql): no object differs
SELECT object AS only_in_fresh_install FROM (:describe) o
EXCEPT SELECT unnest(string_to_array(:'upgraded', E'\n'));
SELECT unnest(string_to_array(:'upgraded', E'\n')) AS only_in_upgraded
EXCEPT SELECT object FROM (:describe) o;
DROP DATABASE shopml_upgrade;
DROP DATABASE shopml_upgrade2;
DROP ROLE upgrade_trainer;
DROP ROLE upgrade_other;
