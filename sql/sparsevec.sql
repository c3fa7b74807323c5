-- sparsevec: pgvector's sparse vector (src/types/sparsevec.rs). Every function is IMMUTABLE STRICT
-- PARALLEL SAFE and commented. The HNSW issue adds its operator classes.

CREATE TYPE @extschema@.sparsevec;
CREATE FUNCTION @extschema@.sparsevec_in(cstring, oid, integer) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'sparsevec_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_in(cstring, oid, integer) IS 'text input: {index:value,...}/dimensions, 1-based indices';
CREATE FUNCTION @extschema@.sparsevec_out(@extschema@.sparsevec) RETURNS cstring
    AS 'MODULE_PATHNAME', 'sparsevec_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_out(@extschema@.sparsevec) IS 'text output';
CREATE FUNCTION @extschema@.sparsevec_typmod_in(cstring[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'sparsevec_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_typmod_in(cstring[]) IS 'typmod input: sparsevec(n)';
CREATE FUNCTION @extschema@.sparsevec_recv(internal, oid, integer) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'sparsevec_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_recv(internal, oid, integer) IS 'binary input (pgvector layout)';
CREATE FUNCTION @extschema@.sparsevec_send(@extschema@.sparsevec) RETURNS bytea
    AS 'MODULE_PATHNAME', 'sparsevec_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_send(@extschema@.sparsevec) IS 'binary output (pgvector layout)';
CREATE TYPE @extschema@.sparsevec (
    INPUT = @extschema@.sparsevec_in, OUTPUT = @extschema@.sparsevec_out,
    TYPMOD_IN = @extschema@.sparsevec_typmod_in, TYPMOD_OUT = @extschema@.vector_typmod_out,
    RECEIVE = @extschema@.sparsevec_recv, SEND = @extschema@.sparsevec_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE @extschema@.sparsevec IS 'sparse single-precision vector: up to 1000000000 dimensions and 16000 non-zero elements; text form {1:1.5,3:2}/5; pgvector-compatible binary form';

CREATE FUNCTION @extschema@.l2_distance(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_l2_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l2_distance(@extschema@.sparsevec, @extschema@.sparsevec) IS 'Euclidean distance (operator <->)';
CREATE FUNCTION @extschema@.sparsevec_l2_squared_distance(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_l2_squared_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_l2_squared_distance(@extschema@.sparsevec, @extschema@.sparsevec) IS 'squared Euclidean distance';
CREATE FUNCTION @extschema@.inner_product(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.inner_product(@extschema@.sparsevec, @extschema@.sparsevec) IS 'inner product; <#> is its negation';
CREATE FUNCTION @extschema@.sparsevec_negative_inner_product(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_negative_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_negative_inner_product(@extschema@.sparsevec, @extschema@.sparsevec) IS 'negative inner product (operator <#>)';
CREATE FUNCTION @extschema@.cosine_distance(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cosine_distance(@extschema@.sparsevec, @extschema@.sparsevec) IS '1 - cosine similarity (operator <=>); NaN when either vector is zero';
CREATE FUNCTION @extschema@.l1_distance(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_l1_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l1_distance(@extschema@.sparsevec, @extschema@.sparsevec) IS 'taxicab distance (operator <+>)';
CREATE FUNCTION @extschema@.l2_norm(@extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_l2_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l2_norm(@extschema@.sparsevec) IS 'Euclidean norm';
CREATE FUNCTION @extschema@.l2_normalize(@extschema@.sparsevec) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'sparsevec_l2_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l2_normalize(@extschema@.sparsevec) IS 'unit length with the Euclidean norm (a zero vector stays zero)';
CREATE OPERATOR @extschema@.<-> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec,
    FUNCTION = @extschema@.l2_distance, COMMUTATOR = OPERATOR(@extschema@.<->));
COMMENT ON OPERATOR @extschema@.<->(@extschema@.sparsevec, @extschema@.sparsevec) IS 'Euclidean distance';
CREATE OPERATOR @extschema@.<#> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec,
    FUNCTION = @extschema@.sparsevec_negative_inner_product, COMMUTATOR = OPERATOR(@extschema@.<#>));
COMMENT ON OPERATOR @extschema@.<#>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'negative inner product';
CREATE OPERATOR @extschema@.<=> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec,
    FUNCTION = @extschema@.cosine_distance, COMMUTATOR = OPERATOR(@extschema@.<=>));
COMMENT ON OPERATOR @extschema@.<=>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'cosine distance';
CREATE OPERATOR @extschema@.<+> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec,
    FUNCTION = @extschema@.l1_distance, COMMUTATOR = OPERATOR(@extschema@.<+>));
COMMENT ON OPERATOR @extschema@.<+>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'taxicab distance';

-- casts: from vector and halfvec on assignment, to vector and halfvec on assignment, as in pgvector
CREATE FUNCTION @extschema@.sparsevec(@extschema@.sparsevec, integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec(@extschema@.sparsevec, integer, boolean) IS 'typmod coercion to sparsevec(n)';
CREATE FUNCTION @extschema@.vector_to_sparsevec(@extschema@.vector, integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'vector_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.vector_to_sparsevec(@extschema@.vector, integer, boolean) IS 'the non-zero elements of a vector';
CREATE FUNCTION @extschema@.sparsevec_to_vector(@extschema@.sparsevec, integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'sparsevec_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_to_vector(@extschema@.sparsevec, integer, boolean) IS 'the dense vector (at most 16000 dimensions)';
CREATE FUNCTION @extschema@.halfvec_to_sparsevec(@extschema@.halfvec, integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'halfvec_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec_to_sparsevec(@extschema@.halfvec, integer, boolean) IS 'the non-zero elements of a halfvec';
CREATE FUNCTION @extschema@.sparsevec_to_halfvec(@extschema@.sparsevec, integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'sparsevec_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_to_halfvec(@extschema@.sparsevec, integer, boolean) IS 'the dense halfvec (at most 16000 dimensions)';
CREATE FUNCTION @extschema@.array_to_sparsevec(integer[], integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'array_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_sparsevec(integer[], integer, boolean) IS 'the non-zero elements of an array';
CREATE FUNCTION @extschema@.array_to_sparsevec(real[], integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'array_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_sparsevec(real[], integer, boolean) IS 'the non-zero elements of an array';
CREATE FUNCTION @extschema@.array_to_sparsevec(double precision[], integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'array_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_sparsevec(double precision[], integer, boolean) IS 'the non-zero elements of an array';
CREATE FUNCTION @extschema@.array_to_sparsevec(numeric[], integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'array_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_sparsevec(numeric[], integer, boolean) IS 'the non-zero elements of an array';
CREATE CAST (@extschema@.sparsevec AS @extschema@.sparsevec) WITH FUNCTION @extschema@.sparsevec(@extschema@.sparsevec, integer, boolean) AS IMPLICIT;
COMMENT ON CAST (@extschema@.sparsevec AS @extschema@.sparsevec) IS 'typmod coercion to sparsevec(n)';
CREATE CAST (@extschema@.vector AS @extschema@.sparsevec) WITH FUNCTION @extschema@.vector_to_sparsevec(@extschema@.vector, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.vector AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (@extschema@.halfvec AS @extschema@.sparsevec) WITH FUNCTION @extschema@.halfvec_to_sparsevec(@extschema@.halfvec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.halfvec AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (@extschema@.sparsevec AS @extschema@.vector) WITH FUNCTION @extschema@.sparsevec_to_vector(@extschema@.sparsevec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.sparsevec AS @extschema@.vector) IS 'the dense vector';
CREATE CAST (@extschema@.sparsevec AS @extschema@.halfvec) WITH FUNCTION @extschema@.sparsevec_to_halfvec(@extschema@.sparsevec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.sparsevec AS @extschema@.halfvec) IS 'the dense halfvec';
CREATE CAST (integer[] AS @extschema@.sparsevec) WITH FUNCTION @extschema@.array_to_sparsevec(integer[], integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (integer[] AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (real[] AS @extschema@.sparsevec) WITH FUNCTION @extschema@.array_to_sparsevec(real[], integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (real[] AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (double precision[] AS @extschema@.sparsevec) WITH FUNCTION @extschema@.array_to_sparsevec(double precision[], integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (double precision[] AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (numeric[] AS @extschema@.sparsevec) WITH FUNCTION @extschema@.array_to_sparsevec(numeric[], integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (numeric[] AS @extschema@.sparsevec) IS 'keeps the non-zero elements';

-- btree: the order of the dense vectors (element by element), then the dimensions
CREATE FUNCTION @extschema@.sparsevec_lt(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_lt(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of <';
CREATE FUNCTION @extschema@.sparsevec_le(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_le(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of <=';
CREATE FUNCTION @extschema@.sparsevec_eq(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_eq(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of =';
CREATE FUNCTION @extschema@.sparsevec_ne(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_ne(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of <>';
CREATE FUNCTION @extschema@.sparsevec_ge(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_ge(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of >=';
CREATE FUNCTION @extschema@.sparsevec_gt(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_gt(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of >';
CREATE FUNCTION @extschema@.sparsevec_cmp(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS integer
    AS 'MODULE_PATHNAME', 'sparsevec_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_cmp(@extschema@.sparsevec, @extschema@.sparsevec) IS 'btree comparison: -1, 0 or 1';
CREATE OPERATOR @extschema@.< (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=), RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
COMMENT ON OPERATOR @extschema@.<(@extschema@.sparsevec, @extschema@.sparsevec) IS 'less than (btree order)';
CREATE OPERATOR @extschema@.<= (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>), RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
COMMENT ON OPERATOR @extschema@.<=(@extschema@.sparsevec, @extschema@.sparsevec) IS 'less than or equal (btree order)';
CREATE OPERATOR @extschema@.= (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>), RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
COMMENT ON OPERATOR @extschema@.=(@extschema@.sparsevec, @extschema@.sparsevec) IS 'equal';
CREATE OPERATOR @extschema@.<> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=), RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
COMMENT ON OPERATOR @extschema@.<>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'not equal';
CREATE OPERATOR @extschema@.>= (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<), RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
COMMENT ON OPERATOR @extschema@.>=(@extschema@.sparsevec, @extschema@.sparsevec) IS 'greater than or equal (btree order)';
CREATE OPERATOR @extschema@.> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=), RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR @extschema@.>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'greater than (btree order)';
CREATE OPERATOR CLASS @extschema@.sparsevec_ops DEFAULT FOR TYPE @extschema@.sparsevec USING btree AS
    OPERATOR 1 @extschema@.<, OPERATOR 2 @extschema@.<=, OPERATOR 3 @extschema@.=, OPERATOR 4 @extschema@.>=, OPERATOR 5 @extschema@.>,
    FUNCTION 1 @extschema@.sparsevec_cmp(@extschema@.sparsevec, @extschema@.sparsevec);
COMMENT ON OPERATOR CLASS @extschema@.sparsevec_ops USING btree IS 'btree order of sparsevec (ORDER BY, DISTINCT, UNIQUE)';
