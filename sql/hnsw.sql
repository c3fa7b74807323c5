-- The HNSW index (src/index/hnsw): access method shopml_hnsw, and hnsw when no other extension
-- (pgvector) owns that name, so that pgvector's DDL works unchanged:
--   CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops);
-- Access method names are global: README, "HNSW index", says how to hand the name hnsw over to
-- pgvector installed later (shopml_hnsw indexes keep working).

CREATE FUNCTION @extschema@.shopml_hnsw_handler(internal) RETURNS index_am_handler
    AS 'MODULE_PATHNAME', 'shopml_hnsw_handler' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.shopml_hnsw_handler(internal) IS 'index access method handler of shopml_hnsw (and hnsw)';
CREATE ACCESS METHOD shopml_hnsw TYPE INDEX HANDLER @extschema@.shopml_hnsw_handler;
COMMENT ON ACCESS METHOD shopml_hnsw IS 'HNSW approximate nearest-neighbour index for ORDER BY vector <op> query LIMIT k; options m (16), ef_construction (64); setting shopml.hnsw_ef_search';

CREATE FUNCTION @extschema@.hnsw_l2_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_l2_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_l2_support(internal) IS 'support function of vector_l2_ops for HNSW indexes: the index orders by L2 distance';
CREATE FUNCTION @extschema@.hnsw_ip_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_ip_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_ip_support(internal) IS 'support function of vector_ip_ops for HNSW indexes: the index orders by negative inner product';
CREATE FUNCTION @extschema@.hnsw_cosine_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_cosine_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_cosine_support(internal) IS 'support function of vector_cosine_ops for HNSW indexes: the index orders by cosine distance (zero vectors are not indexed)';
CREATE FUNCTION @extschema@.hnsw_l1_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_l1_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_l1_support(internal) IS 'support function of vector_l1_ops for HNSW indexes: the index orders by L1 distance';

CREATE OPERATOR CLASS @extschema@.vector_l2_ops FOR TYPE @extschema@.vector USING shopml_hnsw AS
    OPERATOR 1 @extschema@.<-> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 @extschema@.hnsw_l2_support(internal);
COMMENT ON OPERATOR CLASS @extschema@.vector_l2_ops USING shopml_hnsw IS 'HNSW index for ORDER BY vector <-> query';
CREATE OPERATOR CLASS @extschema@.vector_ip_ops FOR TYPE @extschema@.vector USING shopml_hnsw AS
    OPERATOR 1 @extschema@.<#> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 @extschema@.hnsw_ip_support(internal);
COMMENT ON OPERATOR CLASS @extschema@.vector_ip_ops USING shopml_hnsw IS 'HNSW index for ORDER BY vector <#> query';
CREATE OPERATOR CLASS @extschema@.vector_cosine_ops FOR TYPE @extschema@.vector USING shopml_hnsw AS
    OPERATOR 1 @extschema@.<=> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 @extschema@.hnsw_cosine_support(internal);
COMMENT ON OPERATOR CLASS @extschema@.vector_cosine_ops USING shopml_hnsw IS 'HNSW index for ORDER BY vector <=> query';
CREATE OPERATOR CLASS @extschema@.vector_l1_ops FOR TYPE @extschema@.vector USING shopml_hnsw AS
    OPERATOR 1 @extschema@.<+> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 @extschema@.hnsw_l1_support(internal);
COMMENT ON OPERATOR CLASS @extschema@.vector_l1_ops USING shopml_hnsw IS 'HNSW index for ORDER BY vector <+> query';

-- The pgvector name, when it is free. The same handler and operator classes under it.
DO LANGUAGE plpgsql $hnsw$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_am WHERE amname OPERATOR(pg_catalog.=) 'hnsw') THEN
        CREATE ACCESS METHOD hnsw TYPE INDEX HANDLER @extschema@.shopml_hnsw_handler;
        COMMENT ON ACCESS METHOD hnsw IS 'shopml''s HNSW index under pgvector''s name (created because no other extension owned it); same as shopml_hnsw';
        CREATE OPERATOR CLASS @extschema@.vector_l2_ops FOR TYPE @extschema@.vector USING hnsw AS
            OPERATOR 1 @extschema@.<-> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
            FUNCTION 1 @extschema@.hnsw_l2_support(internal);
        COMMENT ON OPERATOR CLASS @extschema@.vector_l2_ops USING hnsw IS 'HNSW index for ORDER BY vector <-> query';
        CREATE OPERATOR CLASS @extschema@.vector_ip_ops FOR TYPE @extschema@.vector USING hnsw AS
            OPERATOR 1 @extschema@.<#> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
            FUNCTION 1 @extschema@.hnsw_ip_support(internal);
        COMMENT ON OPERATOR CLASS @extschema@.vector_ip_ops USING hnsw IS 'HNSW index for ORDER BY vector <#> query';
        CREATE OPERATOR CLASS @extschema@.vector_cosine_ops FOR TYPE @extschema@.vector USING hnsw AS
            OPERATOR 1 @extschema@.<=> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
            FUNCTION 1 @extschema@.hnsw_cosine_support(internal);
        COMMENT ON OPERATOR CLASS @extschema@.vector_cosine_ops USING hnsw IS 'HNSW index for ORDER BY vector <=> query';
        CREATE OPERATOR CLASS @extschema@.vector_l1_ops FOR TYPE @extschema@.vector USING hnsw AS
            OPERATOR 1 @extschema@.<+> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
            FUNCTION 1 @extschema@.hnsw_l1_support(internal);
        COMMENT ON OPERATOR CLASS @extschema@.vector_l1_ops USING hnsw IS 'HNSW index for ORDER BY vector <+> query';
    ELSE
        RAISE WARNING 'access method "hnsw" exists already (pgvector?): shopml''s HNSW index is available as shopml_hnsw';
    END IF;
END
$hnsw$;

-- halfvec columns (pgvector's halfvec_*_ops): the index widens the values to f32, exactly, so its
-- distances are the halfvec operators' own. Under shopml_hnsw, and under hnsw when that is ours.
CREATE FUNCTION @extschema@.hnsw_halfvec_l2_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_halfvec_l2_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_halfvec_l2_support(internal) IS 'support function of halfvec_l2_ops for HNSW indexes: the index orders by L2 distance';
CREATE FUNCTION @extschema@.hnsw_halfvec_ip_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_halfvec_ip_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_halfvec_ip_support(internal) IS 'support function of halfvec_ip_ops for HNSW indexes: the index orders by negative inner product';
CREATE FUNCTION @extschema@.hnsw_halfvec_cosine_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_halfvec_cosine_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_halfvec_cosine_support(internal) IS 'support function of halfvec_cosine_ops for HNSW indexes: the index orders by cosine distance (zero vectors are not indexed)';
CREATE FUNCTION @extschema@.hnsw_halfvec_l1_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_halfvec_l1_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_halfvec_l1_support(internal) IS 'support function of halfvec_l1_ops for HNSW indexes: the index orders by L1 distance';

DO LANGUAGE plpgsql $halfvec_hnsw$
DECLARE
    am pg_catalog.name;
    c record;
BEGIN
    FOR am IN SELECT amname FROM pg_catalog.pg_am
              WHERE amname OPERATOR(pg_catalog.=) ANY (ARRAY['shopml_hnsw', 'hnsw']::pg_catalog.name[])
                AND amhandler::pg_catalog.oid OPERATOR(pg_catalog.=) '@extschema@.shopml_hnsw_handler(internal)'::pg_catalog.regprocedure::pg_catalog.oid
    LOOP
        FOR c IN SELECT * FROM (VALUES ('halfvec_l2_ops', '<->', 'hnsw_halfvec_l2_support'),
                                       ('halfvec_ip_ops', '<#>', 'hnsw_halfvec_ip_support'),
                                       ('halfvec_cosine_ops', '<=>', 'hnsw_halfvec_cosine_support'),
                                       ('halfvec_l1_ops', '<+>', 'hnsw_halfvec_l1_support')) v(opclass, op, support)
        LOOP
            EXECUTE pg_catalog.format(
                'CREATE OPERATOR CLASS @extschema@.%I FOR TYPE @extschema@.halfvec USING %I AS '
                'OPERATOR 1 @extschema@.%s (@extschema@.halfvec, @extschema@.halfvec) FOR ORDER BY pg_catalog.float_ops, '
                'FUNCTION 1 @extschema@.%I(internal)', c.opclass, am, c.op, c.support);
            EXECUTE pg_catalog.format('COMMENT ON OPERATOR CLASS @extschema@.%I USING %I IS %L',
                c.opclass, am, pg_catalog.format('HNSW index for ORDER BY halfvec %s query', c.op));
        END LOOP;
    END LOOP;
END
$halfvec_hnsw$;
