-- The vector type (pgvector-compatible), ordered by object kind: type, I/O, functions,
-- aggregates, casts, operators, operator classes. Every function is IMMUTABLE STRICT
-- PARALLEL SAFE and commented.

CREATE TYPE @extschema@.vector;

CREATE FUNCTION @extschema@.vector_in(cstring, oid, integer) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_out(@extschema@.vector) RETURNS cstring
    AS 'MODULE_PATHNAME', 'vector_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_typmod_in(cstring[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'vector_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_typmod_out(integer) RETURNS cstring
    AS 'MODULE_PATHNAME', 'vector_typmod_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_recv(internal, oid, integer) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_send(@extschema@.vector) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vector_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Extended storage: vectors of more than ~500 dimensions are compressed or moved out of line
-- by TOAST; each function detoasts its arguments once.
CREATE TYPE @extschema@.vector (
    INPUT = @extschema@.vector_in, OUTPUT = @extschema@.vector_out,
    TYPMOD_IN = @extschema@.vector_typmod_in, TYPMOD_OUT = @extschema@.vector_typmod_out,
    RECEIVE = @extschema@.vector_recv, SEND = @extschema@.vector_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE @extschema@.vector IS 'float4 vector of 1 to 16000 dimensions; text form [1,2,3]; pgvector-compatible binary form';

-- distances and functions
CREATE FUNCTION @extschema@.l2_distance(@extschema@.vector, @extschema@.vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'l2_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_l2_squared_distance(@extschema@.vector, @extschema@.vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'vector_l2_squared_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.inner_product(@extschema@.vector, @extschema@.vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_negative_inner_product(@extschema@.vector, @extschema@.vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'vector_negative_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cosine_distance(@extschema@.vector, @extschema@.vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.l1_distance(@extschema@.vector, @extschema@.vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'l1_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_dims(@extschema@.vector) RETURNS integer
    AS 'MODULE_PATHNAME', 'vector_dims' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_norm(@extschema@.vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'vector_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_add(@extschema@.vector, @extschema@.vector) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_sub(@extschema@.vector, @extschema@.vector) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector_sub' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_mul(@extschema@.vector, @extschema@.vector) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector_mul' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_lt(@extschema@.vector, @extschema@.vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_le(@extschema@.vector, @extschema@.vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_eq(@extschema@.vector, @extschema@.vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_ne(@extschema@.vector, @extschema@.vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_ge(@extschema@.vector, @extschema@.vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_gt(@extschema@.vector, @extschema@.vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_cmp(@extschema@.vector, @extschema@.vector) RETURNS integer
    AS 'MODULE_PATHNAME', 'vector_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.l2_distance(@extschema@.vector, @extschema@.vector) IS 'Euclidean distance (operator <->)';
COMMENT ON FUNCTION @extschema@.vector_l2_squared_distance(@extschema@.vector, @extschema@.vector) IS 'squared Euclidean distance';
COMMENT ON FUNCTION @extschema@.inner_product(@extschema@.vector, @extschema@.vector) IS 'inner product; <#> is its negation so that ORDER BY ... ASC finds the largest';
COMMENT ON FUNCTION @extschema@.vector_negative_inner_product(@extschema@.vector, @extschema@.vector) IS 'negative inner product (operator <#>)';
COMMENT ON FUNCTION @extschema@.cosine_distance(@extschema@.vector, @extschema@.vector) IS '1 - cosine similarity (operator <=>); NaN when either vector is zero';
COMMENT ON FUNCTION @extschema@.l1_distance(@extschema@.vector, @extschema@.vector) IS 'taxicab distance (operator <+>)';
COMMENT ON FUNCTION @extschema@.vector_dims(@extschema@.vector) IS 'number of dimensions';
COMMENT ON FUNCTION @extschema@.vector_norm(@extschema@.vector) IS 'Euclidean norm';
COMMENT ON FUNCTION @extschema@.vector_add(@extschema@.vector, @extschema@.vector) IS 'element-wise sum (operator +)';
COMMENT ON FUNCTION @extschema@.vector_sub(@extschema@.vector, @extschema@.vector) IS 'element-wise difference (operator -)';
COMMENT ON FUNCTION @extschema@.vector_mul(@extschema@.vector, @extschema@.vector) IS 'element-wise product (operator *)';
COMMENT ON FUNCTION @extschema@.vector_lt(@extschema@.vector, @extschema@.vector) IS 'operator <';
COMMENT ON FUNCTION @extschema@.vector_le(@extschema@.vector, @extschema@.vector) IS 'operator <=';
COMMENT ON FUNCTION @extschema@.vector_eq(@extschema@.vector, @extschema@.vector) IS 'operator =';
COMMENT ON FUNCTION @extschema@.vector_ne(@extschema@.vector, @extschema@.vector) IS 'operator <>';
COMMENT ON FUNCTION @extschema@.vector_ge(@extschema@.vector, @extschema@.vector) IS 'operator >=';
COMMENT ON FUNCTION @extschema@.vector_gt(@extschema@.vector, @extschema@.vector) IS 'operator >';
COMMENT ON FUNCTION @extschema@.vector_cmp(@extschema@.vector, @extschema@.vector) IS 'btree comparison: element by element, then the shorter vector first';
COMMENT ON FUNCTION @extschema@.vector_in(cstring, oid, integer) IS 'text input';
COMMENT ON FUNCTION @extschema@.vector_out(@extschema@.vector) IS 'text output';
COMMENT ON FUNCTION @extschema@.vector_typmod_in(cstring[]) IS 'typmod input: vector(n)';
COMMENT ON FUNCTION @extschema@.vector_typmod_out(integer) IS 'typmod output';
COMMENT ON FUNCTION @extschema@.vector_recv(internal, oid, integer) IS 'binary input (pgvector layout)';
COMMENT ON FUNCTION @extschema@.vector_send(@extschema@.vector) IS 'binary output (pgvector layout)';

-- aggregates
CREATE FUNCTION @extschema@.vector_accum(double precision[], @extschema@.vector) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'vector_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_combine(double precision[], double precision[]) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'vector_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_avg(double precision[]) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector_avg' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.vector_accum(double precision[], @extschema@.vector) IS 'avg(vector) transition: [count, sums...]';
COMMENT ON FUNCTION @extschema@.vector_combine(double precision[], double precision[]) IS 'avg(vector) combine for parallel aggregation';
COMMENT ON FUNCTION @extschema@.vector_avg(double precision[]) IS 'avg(vector) final function';

CREATE AGGREGATE @extschema@.avg(@extschema@.vector) (
    SFUNC = @extschema@.vector_accum, STYPE = double precision[], FINALFUNC = @extschema@.vector_avg,
    COMBINEFUNC = @extschema@.vector_combine, INITCOND = '{0}', PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.sum(@extschema@.vector) (
    SFUNC = @extschema@.vector_add, STYPE = @extschema@.vector, COMBINEFUNC = @extschema@.vector_add, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.avg(@extschema@.vector) IS 'element-wise mean (accumulated in double precision)';
COMMENT ON AGGREGATE @extschema@.sum(@extschema@.vector) IS 'element-wise sum';

-- casts
CREATE FUNCTION @extschema@.vector(@extschema@.vector, integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_vector(integer[], integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'array_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_vector(real[], integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'array_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_vector(double precision[], integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'array_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_vector(numeric[], integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'array_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_to_float4(@extschema@.vector, integer, boolean) RETURNS real[]
    AS 'MODULE_PATHNAME', 'vector_to_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.vector(@extschema@.vector, integer, boolean) IS 'typmod coercion: checks the dimensions of vector(n)';
COMMENT ON FUNCTION @extschema@.array_to_vector(integer[], integer, boolean) IS 'cast integer[] to vector';
COMMENT ON FUNCTION @extschema@.array_to_vector(real[], integer, boolean) IS 'cast real[] to vector';
COMMENT ON FUNCTION @extschema@.array_to_vector(double precision[], integer, boolean) IS 'cast double precision[] to vector';
COMMENT ON FUNCTION @extschema@.array_to_vector(numeric[], integer, boolean) IS 'cast numeric[] to vector';
COMMENT ON FUNCTION @extschema@.vector_to_float4(@extschema@.vector, integer, boolean) IS 'cast vector to real[]';

CREATE CAST (@extschema@.vector AS @extschema@.vector) WITH FUNCTION @extschema@.vector(@extschema@.vector, integer, boolean) AS IMPLICIT;
CREATE CAST (integer[] AS @extschema@.vector) WITH FUNCTION @extschema@.array_to_vector(integer[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (real[] AS @extschema@.vector) WITH FUNCTION @extschema@.array_to_vector(real[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (double precision[] AS @extschema@.vector) WITH FUNCTION @extschema@.array_to_vector(double precision[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (numeric[] AS @extschema@.vector) WITH FUNCTION @extschema@.array_to_vector(numeric[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (@extschema@.vector AS real[]) WITH FUNCTION @extschema@.vector_to_float4(@extschema@.vector, integer, boolean) AS IMPLICIT;

-- operators
CREATE OPERATOR @extschema@.<-> (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.l2_distance, COMMUTATOR = OPERATOR(@extschema@.<->));
CREATE OPERATOR @extschema@.<#> (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_negative_inner_product, COMMUTATOR = OPERATOR(@extschema@.<#>));
CREATE OPERATOR @extschema@.<=> (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.cosine_distance, COMMUTATOR = OPERATOR(@extschema@.<=>));
CREATE OPERATOR @extschema@.<+> (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.l1_distance, COMMUTATOR = OPERATOR(@extschema@.<+>));
CREATE OPERATOR @extschema@.+ (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_add, COMMUTATOR = OPERATOR(@extschema@.+));
CREATE OPERATOR @extschema@.- (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_sub);
CREATE OPERATOR @extschema@.* (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_mul, COMMUTATOR = OPERATOR(@extschema@.*));
CREATE OPERATOR @extschema@.< (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=), RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>), RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.= (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>), RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.<> (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=), RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.>= (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<), RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
CREATE OPERATOR @extschema@.> (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=), RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);

-- btree: ORDER BY, DISTINCT, GROUP BY, unique and btree indexes
CREATE OPERATOR CLASS @extschema@.vector_ops DEFAULT FOR TYPE @extschema@.vector USING btree AS
    OPERATOR 1 @extschema@.<, OPERATOR 2 @extschema@.<=, OPERATOR 3 @extschema@.=, OPERATOR 4 @extschema@.>=, OPERATOR 5 @extschema@.>,
    FUNCTION 1 @extschema@.vector_cmp(@extschema@.vector, @extschema@.vector);
COMMENT ON OPERATOR CLASS @extschema@.vector_ops USING btree IS 'btree ordering of vectors (element by element, then by dimensions): ORDER BY, DISTINCT, UNIQUE and = on vector columns';

COMMENT ON OPERATOR @extschema@.<-> (@extschema@.vector, @extschema@.vector) IS 'Euclidean (L2) distance';
COMMENT ON OPERATOR @extschema@.<=> (@extschema@.vector, @extschema@.vector) IS 'cosine distance: 1 - cosine similarity; NaN for a zero vector';
COMMENT ON OPERATOR @extschema@.<#> (@extschema@.vector, @extschema@.vector) IS 'negative inner product';
COMMENT ON OPERATOR @extschema@.<+> (@extschema@.vector, @extschema@.vector) IS 'L1 (taxicab) distance';
COMMENT ON OPERATOR @extschema@.+ (@extschema@.vector, @extschema@.vector) IS 'element-wise sum';
COMMENT ON OPERATOR @extschema@.- (@extschema@.vector, @extschema@.vector) IS 'element-wise difference';
COMMENT ON OPERATOR @extschema@.* (@extschema@.vector, @extschema@.vector) IS 'element-wise product';
COMMENT ON OPERATOR @extschema@.< (@extschema@.vector, @extschema@.vector) IS 'less than (element by element, then shorter first)';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.vector, @extschema@.vector) IS 'less than or equal';
COMMENT ON OPERATOR @extschema@.= (@extschema@.vector, @extschema@.vector) IS 'equal';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.vector, @extschema@.vector) IS 'not equal';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.vector, @extschema@.vector) IS 'greater than or equal';
COMMENT ON OPERATOR @extschema@.> (@extschema@.vector, @extschema@.vector) IS 'greater than';
COMMENT ON CAST (integer[] AS @extschema@.vector) IS 'array to vector (assignment)';
COMMENT ON CAST (real[] AS @extschema@.vector) IS 'array to vector (assignment)';
COMMENT ON CAST (double precision[] AS @extschema@.vector) IS 'array to vector (assignment)';
COMMENT ON CAST (numeric[] AS @extschema@.vector) IS 'array to vector (assignment)';
COMMENT ON CAST (@extschema@.vector AS real[]) IS 'vector to real[] (implicit)';
COMMENT ON CAST (@extschema@.vector AS @extschema@.vector) IS 'typmod coercion: checks the dimensions of vector(n)';

-- pgvector's bit distances on Postgres's own bit type, binary quantization, concatenation.
CREATE FUNCTION @extschema@.hamming_distance(pg_catalog.bit, pg_catalog.bit) RETURNS float8
    AS 'MODULE_PATHNAME', 'hamming_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.jaccard_distance(pg_catalog.bit, pg_catalog.bit) RETURNS float8
    AS 'MODULE_PATHNAME', 'jaccard_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.binary_quantize(@extschema@.vector) RETURNS pg_catalog.bit
    AS 'MODULE_PATHNAME', 'binary_quantize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_concat(@extschema@.vector, @extschema@.vector) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector_concat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.<~> (LEFTARG = pg_catalog.bit, RIGHTARG = pg_catalog.bit, PROCEDURE = @extschema@.hamming_distance, COMMUTATOR = OPERATOR(@extschema@.<~>));
CREATE OPERATOR @extschema@.<%> (LEFTARG = pg_catalog.bit, RIGHTARG = pg_catalog.bit, PROCEDURE = @extschema@.jaccard_distance, COMMUTATOR = OPERATOR(@extschema@.<%>));
CREATE OPERATOR @extschema@.|| (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_concat);
COMMENT ON FUNCTION @extschema@.hamming_distance(pg_catalog.bit, pg_catalog.bit) IS 'number of differing bits of two bit strings of one length (operator <~>)';
COMMENT ON FUNCTION @extschema@.jaccard_distance(pg_catalog.bit, pg_catalog.bit) IS '1 - |a and b| / |a or b| of two bit strings of one length, 1 when they share no set bit (operator <%>)';
COMMENT ON FUNCTION @extschema@.binary_quantize(@extschema@.vector) IS 'bit i set when element i is positive';
COMMENT ON FUNCTION @extschema@.vector_concat(@extschema@.vector, @extschema@.vector) IS 'the elements of a then those of b (operator ||)';
COMMENT ON OPERATOR @extschema@.<~> (pg_catalog.bit, pg_catalog.bit) IS 'Hamming distance';
COMMENT ON OPERATOR @extschema@.<%> (pg_catalog.bit, pg_catalog.bit) IS 'Jaccard distance';
COMMENT ON OPERATOR @extschema@.|| (@extschema@.vector, @extschema@.vector) IS 'concatenation';
