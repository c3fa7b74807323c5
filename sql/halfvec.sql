-- halfvec: pgvector's half-precision vector (src/types/halfvec.rs). Every function is
-- IMMUTABLE STRICT PARALLEL SAFE and commented. The HNSW issue adds its operator classes.

CREATE TYPE @extschema@.halfvec;
CREATE FUNCTION @extschema@.halfvec_in(cstring, oid, integer) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_out(@extschema@.halfvec) RETURNS cstring
    AS 'MODULE_PATHNAME', 'halfvec_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_typmod_in(cstring[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'halfvec_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_recv(internal, oid, integer) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_send(@extschema@.halfvec) RETURNS bytea
    AS 'MODULE_PATHNAME', 'halfvec_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.halfvec (
    INPUT = @extschema@.halfvec_in, OUTPUT = @extschema@.halfvec_out,
    TYPMOD_IN = @extschema@.halfvec_typmod_in, TYPMOD_OUT = @extschema@.vector_typmod_out,
    RECEIVE = @extschema@.halfvec_recv, SEND = @extschema@.halfvec_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE @extschema@.halfvec IS 'half-precision (binary16) vector of 1 to 16000 dimensions; text form [1,2,3]; pgvector-compatible binary form';
COMMENT ON FUNCTION @extschema@.halfvec_in(cstring, oid, integer) IS 'text input';
COMMENT ON FUNCTION @extschema@.halfvec_out(@extschema@.halfvec) IS 'text output';
COMMENT ON FUNCTION @extschema@.halfvec_typmod_in(cstring[]) IS 'typmod input: halfvec(n)';
COMMENT ON FUNCTION @extschema@.halfvec_recv(internal, oid, integer) IS 'binary input (pgvector layout)';
COMMENT ON FUNCTION @extschema@.halfvec_send(@extschema@.halfvec) IS 'binary output (pgvector layout)';

CREATE FUNCTION @extschema@.l2_distance(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_l2_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_l2_squared_distance(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_l2_squared_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.inner_product(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_negative_inner_product(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_negative_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cosine_distance(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.l1_distance(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_l1_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_dims(@extschema@.halfvec) RETURNS integer
    AS 'MODULE_PATHNAME', 'halfvec_vector_dims' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.l2_norm(@extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_l2_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l2_distance(@extschema@.halfvec, @extschema@.halfvec) IS 'Euclidean distance (operator <->)';
COMMENT ON FUNCTION @extschema@.halfvec_l2_squared_distance(@extschema@.halfvec, @extschema@.halfvec) IS 'squared Euclidean distance';
COMMENT ON FUNCTION @extschema@.inner_product(@extschema@.halfvec, @extschema@.halfvec) IS 'inner product; <#> is its negation';
COMMENT ON FUNCTION @extschema@.halfvec_negative_inner_product(@extschema@.halfvec, @extschema@.halfvec) IS 'negative inner product (operator <#>)';
COMMENT ON FUNCTION @extschema@.cosine_distance(@extschema@.halfvec, @extschema@.halfvec) IS '1 - cosine similarity (operator <=>); NaN when either vector is zero';
COMMENT ON FUNCTION @extschema@.l1_distance(@extschema@.halfvec, @extschema@.halfvec) IS 'taxicab distance (operator <+>)';
COMMENT ON FUNCTION @extschema@.vector_dims(@extschema@.halfvec) IS 'number of dimensions';
COMMENT ON FUNCTION @extschema@.l2_norm(@extschema@.halfvec) IS 'Euclidean norm';

-- casts: vector -> halfvec is implicit (so embed_text(...) fills halfvec columns and compares
-- with them), halfvec -> vector on assignment, as in pgvector
CREATE FUNCTION @extschema@.halfvec(@extschema@.halfvec, integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_to_halfvec(@extschema@.vector, integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'vector_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_to_vector(@extschema@.halfvec, integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'halfvec_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec(@extschema@.halfvec, integer, boolean) IS 'typmod coercion: checks the dimensions of halfvec(n)';
COMMENT ON FUNCTION @extschema@.vector_to_halfvec(@extschema@.vector, integer, boolean) IS 'cast vector to halfvec (rounds to binary16; beyond 65504 is an error)';
COMMENT ON FUNCTION @extschema@.halfvec_to_vector(@extschema@.halfvec, integer, boolean) IS 'cast halfvec to vector (exact)';
CREATE CAST (@extschema@.halfvec AS @extschema@.halfvec) WITH FUNCTION @extschema@.halfvec(@extschema@.halfvec, integer, boolean) AS IMPLICIT;
CREATE CAST (@extschema@.vector AS @extschema@.halfvec) WITH FUNCTION @extschema@.vector_to_halfvec(@extschema@.vector, integer, boolean) AS IMPLICIT;
CREATE CAST (@extschema@.halfvec AS @extschema@.vector) WITH FUNCTION @extschema@.halfvec_to_vector(@extschema@.halfvec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.halfvec AS @extschema@.halfvec) IS 'typmod coercion to halfvec(n)';
COMMENT ON CAST (@extschema@.vector AS @extschema@.halfvec) IS 'rounds each element to binary16 (implicit: embed_text fills halfvec columns)';
COMMENT ON CAST (@extschema@.halfvec AS @extschema@.vector) IS 'exact widening to float4 (on assignment)';

CREATE OPERATOR @extschema@.<-> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.l2_distance, COMMUTATOR = OPERATOR(@extschema@.<->));
CREATE OPERATOR @extschema@.<#> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.halfvec_negative_inner_product, COMMUTATOR = OPERATOR(@extschema@.<#>));
CREATE OPERATOR @extschema@.<=> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.cosine_distance, COMMUTATOR = OPERATOR(@extschema@.<=>));
CREATE OPERATOR @extschema@.<+> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.l1_distance, COMMUTATOR = OPERATOR(@extschema@.<+>));
COMMENT ON OPERATOR @extschema@.<->(@extschema@.halfvec, @extschema@.halfvec) IS 'Euclidean distance';
COMMENT ON OPERATOR @extschema@.<#>(@extschema@.halfvec, @extschema@.halfvec) IS 'negative inner product';
COMMENT ON OPERATOR @extschema@.<=>(@extschema@.halfvec, @extschema@.halfvec) IS 'cosine distance';
COMMENT ON OPERATOR @extschema@.<+>(@extschema@.halfvec, @extschema@.halfvec) IS 'taxicab distance';

-- arithmetic, concatenation, normalisation, subvector, binary quantisation
CREATE FUNCTION @extschema@.halfvec_add(@extschema@.halfvec, @extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_sub(@extschema@.halfvec, @extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_sub' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_mul(@extschema@.halfvec, @extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_mul' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_concat(@extschema@.halfvec, @extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_concat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.l2_normalize(@extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_l2_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.subvector(@extschema@.halfvec, integer, integer) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_subvector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.binary_quantize(@extschema@.halfvec) RETURNS bit
    AS 'MODULE_PATHNAME', 'halfvec_binary_quantize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec_add(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise sum (operator +)';
COMMENT ON FUNCTION @extschema@.halfvec_sub(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise difference (operator -)';
COMMENT ON FUNCTION @extschema@.halfvec_mul(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise product (operator *)';
COMMENT ON FUNCTION @extschema@.halfvec_concat(@extschema@.halfvec, @extschema@.halfvec) IS 'concatenation (operator ||)';
COMMENT ON FUNCTION @extschema@.l2_normalize(@extschema@.halfvec) IS 'unit vector in the same direction; a zero vector stays zero';
COMMENT ON FUNCTION @extschema@.subvector(@extschema@.halfvec, integer, integer) IS 'subvector(v, start, count): elements start (1-based) to start + count - 1';
COMMENT ON FUNCTION @extschema@.binary_quantize(@extschema@.halfvec) IS 'bit i is set when element i is positive';
CREATE OPERATOR @extschema@.+ (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.halfvec_add, COMMUTATOR = OPERATOR(@extschema@.+));
CREATE OPERATOR @extschema@.- (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_sub);
CREATE OPERATOR @extschema@.* (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.halfvec_mul, COMMUTATOR = OPERATOR(@extschema@.*));
CREATE OPERATOR @extschema@.|| (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_concat);
COMMENT ON OPERATOR @extschema@.+(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise sum';
COMMENT ON OPERATOR @extschema@.-(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise difference';
COMMENT ON OPERATOR @extschema@.*(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise product';
COMMENT ON OPERATOR @extschema@.||(@extschema@.halfvec, @extschema@.halfvec) IS 'concatenation';

-- btree: element by element, then the shorter first
CREATE FUNCTION @extschema@.halfvec_lt(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_le(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_eq(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_ne(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_ge(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_gt(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_cmp(@extschema@.halfvec, @extschema@.halfvec) RETURNS integer
    AS 'MODULE_PATHNAME', 'halfvec_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec_lt(@extschema@.halfvec, @extschema@.halfvec) IS 'operator <';
COMMENT ON FUNCTION @extschema@.halfvec_le(@extschema@.halfvec, @extschema@.halfvec) IS 'operator <=';
COMMENT ON FUNCTION @extschema@.halfvec_eq(@extschema@.halfvec, @extschema@.halfvec) IS 'operator =';
COMMENT ON FUNCTION @extschema@.halfvec_ne(@extschema@.halfvec, @extschema@.halfvec) IS 'operator <>';
COMMENT ON FUNCTION @extschema@.halfvec_ge(@extschema@.halfvec, @extschema@.halfvec) IS 'operator >=';
COMMENT ON FUNCTION @extschema@.halfvec_gt(@extschema@.halfvec, @extschema@.halfvec) IS 'operator >';
COMMENT ON FUNCTION @extschema@.halfvec_cmp(@extschema@.halfvec, @extschema@.halfvec) IS 'btree comparison: element by element, then the shorter vector first';
CREATE OPERATOR @extschema@.< (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=), RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>), RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.= (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>), RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.<> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=), RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR @extschema@.>= (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<), RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
CREATE OPERATOR @extschema@.> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=), RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR @extschema@.<(@extschema@.halfvec, @extschema@.halfvec) IS 'less than (btree order)';
COMMENT ON OPERATOR @extschema@.<=(@extschema@.halfvec, @extschema@.halfvec) IS 'less than or equal (btree order)';
COMMENT ON OPERATOR @extschema@.=(@extschema@.halfvec, @extschema@.halfvec) IS 'equal, element by element';
COMMENT ON OPERATOR @extschema@.<>(@extschema@.halfvec, @extschema@.halfvec) IS 'not equal';
COMMENT ON OPERATOR @extschema@.>=(@extschema@.halfvec, @extschema@.halfvec) IS 'greater than or equal (btree order)';
COMMENT ON OPERATOR @extschema@.>(@extschema@.halfvec, @extschema@.halfvec) IS 'greater than (btree order)';
CREATE OPERATOR CLASS @extschema@.halfvec_ops DEFAULT FOR TYPE @extschema@.halfvec USING btree AS
    OPERATOR 1 @extschema@.<, OPERATOR 2 @extschema@.<=, OPERATOR 3 @extschema@.=, OPERATOR 4 @extschema@.>=, OPERATOR 5 @extschema@.>,
    FUNCTION 1 @extschema@.halfvec_cmp(@extschema@.halfvec, @extschema@.halfvec);
COMMENT ON OPERATOR CLASS @extschema@.halfvec_ops USING btree IS 'btree order of halfvec (ORDER BY, DISTINCT, UNIQUE)';

-- aggregates (the avg state is avg(vector)'s: [count, sums...] in float8) and array casts
CREATE FUNCTION @extschema@.halfvec_accum(double precision[], @extschema@.halfvec) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'halfvec_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_avg(double precision[]) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_avg' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec_accum(double precision[], @extschema@.halfvec) IS 'avg(halfvec) transition: [count, sums...]';
COMMENT ON FUNCTION @extschema@.halfvec_avg(double precision[]) IS 'avg(halfvec) final function';
CREATE AGGREGATE @extschema@.avg(@extschema@.halfvec) (
    SFUNC = @extschema@.halfvec_accum, STYPE = double precision[], FINALFUNC = @extschema@.halfvec_avg,
    COMBINEFUNC = @extschema@.vector_combine, INITCOND = '{0}', PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.sum(@extschema@.halfvec) (
    SFUNC = @extschema@.halfvec_add, STYPE = @extschema@.halfvec, COMBINEFUNC = @extschema@.halfvec_add, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.avg(@extschema@.halfvec) IS 'element-wise mean (accumulated in double precision)';
COMMENT ON AGGREGATE @extschema@.sum(@extschema@.halfvec) IS 'element-wise sum';
CREATE FUNCTION @extschema@.array_to_halfvec(integer[], integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'array_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_halfvec(real[], integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'array_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_halfvec(double precision[], integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'array_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_halfvec(numeric[], integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'array_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_to_float4(@extschema@.halfvec, integer, boolean) RETURNS real[]
    AS 'MODULE_PATHNAME', 'halfvec_to_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_halfvec(integer[], integer, boolean) IS 'cast integer[] to halfvec';
COMMENT ON FUNCTION @extschema@.array_to_halfvec(real[], integer, boolean) IS 'cast real[] to halfvec';
COMMENT ON FUNCTION @extschema@.array_to_halfvec(double precision[], integer, boolean) IS 'cast double precision[] to halfvec';
COMMENT ON FUNCTION @extschema@.array_to_halfvec(numeric[], integer, boolean) IS 'cast numeric[] to halfvec';
COMMENT ON FUNCTION @extschema@.halfvec_to_float4(@extschema@.halfvec, integer, boolean) IS 'cast halfvec to real[]';
CREATE CAST (integer[] AS @extschema@.halfvec) WITH FUNCTION @extschema@.array_to_halfvec(integer[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (real[] AS @extschema@.halfvec) WITH FUNCTION @extschema@.array_to_halfvec(real[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (double precision[] AS @extschema@.halfvec) WITH FUNCTION @extschema@.array_to_halfvec(double precision[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (numeric[] AS @extschema@.halfvec) WITH FUNCTION @extschema@.array_to_halfvec(numeric[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (@extschema@.halfvec AS real[]) WITH FUNCTION @extschema@.halfvec_to_float4(@extschema@.halfvec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (integer[] AS @extschema@.halfvec) IS 'integer array to halfvec';
COMMENT ON CAST (real[] AS @extschema@.halfvec) IS 'real array to halfvec (rounds to binary16)';
COMMENT ON CAST (double precision[] AS @extschema@.halfvec) IS 'double precision array to halfvec (rounds to binary16)';
COMMENT ON CAST (numeric[] AS @extschema@.halfvec) IS 'numeric array to halfvec (rounds to binary16)';
COMMENT ON CAST (@extschema@.halfvec AS real[]) IS 'halfvec to real array (exact)';
