-- Upgrades: installing the previous release's SQL (0.1.0) and running ALTER EXTENSION shopml
-- UPDATE must give exactly what a fresh install gives, object by object: every function's full
-- definition (arguments, defaults, volatility, strictness, cost, C symbol), every table's
-- columns, constraints and privileges, views, comments, configuration tables.
\set describe 'SELECT replace(pg_describe_object(d.classid, d.objid, 0) || coalesce(\' | \' || CASE WHEN d.classid = \'pg_proc\'::regclass THEN (SELECT CASE WHEN p.prokind = \'f\' THEN pg_get_functiondef(p.oid) ELSE p.prokind::text || \' \' || pg_get_function_arguments(p.oid) END FROM pg_proc p WHERE p.oid = d.objid) WHEN d.classid = \'pg_class\'::regclass THEN (SELECT c.relkind::text || \' acl \' || coalesce(c.relacl::text, \'-\') || \' columns \' || (SELECT string_agg(a.attname || \' \' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN \' not null\' ELSE \'\' END || coalesce(\' default \' || pg_get_expr(ad.adbin, ad.adrelid), \'\') || coalesce(\' acl \' || a.attacl::text, \'\'), \', \' ORDER BY a.attnum) FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) || coalesce(\' constraints \' || (SELECT string_agg(pg_get_constraintdef(k.oid), \', \' ORDER BY pg_get_constraintdef(k.oid)) FROM pg_constraint k WHERE k.conrelid = c.oid), \'\') || coalesce(\' view \' || pg_get_viewdef(c.oid), \'\') FROM pg_class c WHERE c.oid = d.objid) WHEN d.classid = \'pg_namespace\'::regclass THEN (SELECT coalesce(nspacl::text, \'-\') FROM pg_namespace WHERE oid = d.objid) END, \'\') || coalesce(\' -- \' || obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)), \'\'), E\'\\n\', \' \') AS object FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid AND d.refclassid = \'pg_extension\'::regclass WHERE e.extname = \'shopml\' AND d.deptype = \'e\' UNION ALL SELECT \'extconfig \' || extconfig::regclass[]::text FROM pg_extension WHERE extname = \'shopml\''

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
SELECT count(*) AS objects_compared, count(*) FILTER (WHERE object LIKE '%wrapper%') AS pgrx_functions FROM (:describe) o;
\c shopml_regress
-- the regress database holds a fresh install (tests/sql/setup.sql): no object differs
SELECT object AS only_in_fresh_install FROM (:describe) o
EXCEPT SELECT unnest(string_to_array(:'upgraded', E'\n'));
SELECT unnest(string_to_array(:'upgraded', E'\n')) AS only_in_upgraded
EXCEPT SELECT object FROM (:describe) o;
DROP DATABASE shopml_upgrade;
