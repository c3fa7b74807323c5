-- The vector type (pgvector-compatible), ordered by object kind: type, I/O, functions,
-- aggregates, casts, operators, operator classes. Every function is IMMUTABLE STRICT
-- PARALLEL SAFE and commented.

CREATE TYPE vector;

CREATE FUNCTION vector_in(cstring, oid, integer) RETURNS vector
    AS 'MODULE_PATHNAME', 'vector_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_out(vector) RETURNS cstring
    AS 'MODULE_PATHNAME', 'vector_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_typmod_in(cstring[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'vector_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_typmod_out(integer) RETURNS cstring
    AS 'MODULE_PATHNAME', 'vector_typmod_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_recv(internal, oid, integer) RETURNS vector
    AS 'MODULE_PATHNAME', 'vector_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_send(vector) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vector_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Extended storage: vectors of more than ~500 dimensions are compressed or moved out of line
-- by TOAST; each function detoasts its arguments once.
CREATE TYPE vector (
    INPUT = vector_in, OUTPUT = vector_out,
    TYPMOD_IN = vector_typmod_in, TYPMOD_OUT = vector_typmod_out,
    RECEIVE = vector_recv, SEND = vector_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE vector IS 'float4 vector of 1 to 16000 dimensions; text form [1,2,3]; pgvector-compatible binary form';

-- distances and functions
CREATE FUNCTION l2_distance(vector, vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'l2_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_l2_squared_distance(vector, vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'vector_l2_squared_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION inner_product(vector, vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_negative_inner_product(vector, vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'vector_negative_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cosine_distance(vector, vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION l1_distance(vector, vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'l1_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_dims(vector) RETURNS integer
    AS 'MODULE_PATHNAME', 'vector_dims' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_norm(vector) RETURNS float8
    AS 'MODULE_PATHNAME', 'vector_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION l2_normalize(vector) RETURNS vector
    AS 'MODULE_PATHNAME', 'l2_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION subvector(vector, integer, integer) RETURNS vector
    AS 'MODULE_PATHNAME', 'subvector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_add(vector, vector) RETURNS vector
    AS 'MODULE_PATHNAME', 'vector_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_sub(vector, vector) RETURNS vector
    AS 'MODULE_PATHNAME', 'vector_sub' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_mul(vector, vector) RETURNS vector
    AS 'MODULE_PATHNAME', 'vector_mul' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_lt(vector, vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_le(vector, vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_eq(vector, vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_ne(vector, vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_ge(vector, vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_gt(vector, vector) RETURNS bool
    AS 'MODULE_PATHNAME', 'vector_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_cmp(vector, vector) RETURNS integer
    AS 'MODULE_PATHNAME', 'vector_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION l2_distance(vector, vector) IS 'Euclidean distance (operator <->)';
COMMENT ON FUNCTION vector_l2_squared_distance(vector, vector) IS 'squared Euclidean distance';
COMMENT ON FUNCTION inner_product(vector, vector) IS 'inner product; <#> is its negation so that ORDER BY ... ASC finds the largest';
COMMENT ON FUNCTION vector_negative_inner_product(vector, vector) IS 'negative inner product (operator <#>)';
COMMENT ON FUNCTION cosine_distance(vector, vector) IS '1 - cosine similarity (operator <=>); NaN when either vector is zero';
COMMENT ON FUNCTION l1_distance(vector, vector) IS 'taxicab distance (operator <+>)';
COMMENT ON FUNCTION vector_dims(vector) IS 'number of dimensions';
COMMENT ON FUNCTION vector_norm(vector) IS 'Euclidean norm';
COMMENT ON FUNCTION l2_normalize(vector) IS 'unit vector in the same direction; a zero vector stays zero';
COMMENT ON FUNCTION subvector(vector, integer, integer) IS 'subvector(v, start, count): elements start (1-based) to start + count - 1';
COMMENT ON FUNCTION vector_add(vector, vector) IS 'element-wise sum (operator +)';
COMMENT ON FUNCTION vector_sub(vector, vector) IS 'element-wise difference (operator -)';
COMMENT ON FUNCTION vector_mul(vector, vector) IS 'element-wise product (operator *)';
COMMENT ON FUNCTION vector_lt(vector, vector) IS 'operator <';
COMMENT ON FUNCTION vector_le(vector, vector) IS 'operator <=';
COMMENT ON FUNCTION vector_eq(vector, vector) IS 'operator =';
COMMENT ON FUNCTION vector_ne(vector, vector) IS 'operator <>';
COMMENT ON FUNCTION vector_ge(vector, vector) IS 'operator >=';
COMMENT ON FUNCTION vector_gt(vector, vector) IS 'operator >';
COMMENT ON FUNCTION vector_cmp(vector, vector) IS 'btree comparison: element by element, then the shorter vector first';
COMMENT ON FUNCTION vector_in(cstring, oid, integer) IS 'text input';
COMMENT ON FUNCTION vector_out(vector) IS 'text output';
COMMENT ON FUNCTION vector_typmod_in(cstring[]) IS 'typmod input: vector(n)';
COMMENT ON FUNCTION vector_typmod_out(integer) IS 'typmod output';
COMMENT ON FUNCTION vector_recv(internal, oid, integer) IS 'binary input (pgvector layout)';
COMMENT ON FUNCTION vector_send(vector) IS 'binary output (pgvector layout)';

-- aggregates
CREATE FUNCTION vector_accum(double precision[], vector) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'vector_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_combine(double precision[], double precision[]) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'vector_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_avg(double precision[]) RETURNS vector
    AS 'MODULE_PATHNAME', 'vector_avg' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vector_accum(double precision[], vector) IS 'avg(vector) transition: [count, sums...]';
COMMENT ON FUNCTION vector_combine(double precision[], double precision[]) IS 'avg(vector) combine for parallel aggregation';
COMMENT ON FUNCTION vector_avg(double precision[]) IS 'avg(vector) final function';

CREATE AGGREGATE avg(vector) (
    SFUNC = vector_accum, STYPE = double precision[], FINALFUNC = vector_avg,
    COMBINEFUNC = vector_combine, INITCOND = '{0}', PARALLEL = SAFE
);
CREATE AGGREGATE sum(vector) (
    SFUNC = vector_add, STYPE = vector, COMBINEFUNC = vector_add, PARALLEL = SAFE
);
COMMENT ON AGGREGATE avg(vector) IS 'element-wise mean (accumulated in double precision)';
COMMENT ON AGGREGATE sum(vector) IS 'element-wise sum';

-- casts
CREATE FUNCTION vector(vector, integer, boolean) RETURNS vector
    AS 'MODULE_PATHNAME', 'vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION array_to_vector(integer[], integer, boolean) RETURNS vector
    AS 'MODULE_PATHNAME', 'array_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION array_to_vector(real[], integer, boolean) RETURNS vector
    AS 'MODULE_PATHNAME', 'array_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION array_to_vector(double precision[], integer, boolean) RETURNS vector
    AS 'MODULE_PATHNAME', 'array_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION array_to_vector(numeric[], integer, boolean) RETURNS vector
    AS 'MODULE_PATHNAME', 'array_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vector_to_float4(vector, integer, boolean) RETURNS real[]
    AS 'MODULE_PATHNAME', 'vector_to_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vector(vector, integer, boolean) IS 'typmod coercion: checks the dimensions of vector(n)';
COMMENT ON FUNCTION array_to_vector(integer[], integer, boolean) IS 'cast integer[] to vector';
COMMENT ON FUNCTION array_to_vector(real[], integer, boolean) IS 'cast real[] to vector';
COMMENT ON FUNCTION array_to_vector(double precision[], integer, boolean) IS 'cast double precision[] to vector';
COMMENT ON FUNCTION array_to_vector(numeric[], integer, boolean) IS 'cast numeric[] to vector';
COMMENT ON FUNCTION vector_to_float4(vector, integer, boolean) IS 'cast vector to real[]';

CREATE CAST (vector AS vector) WITH FUNCTION vector(vector, integer, boolean) AS IMPLICIT;
CREATE CAST (integer[] AS vector) WITH FUNCTION array_to_vector(integer[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (real[] AS vector) WITH FUNCTION array_to_vector(real[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (double precision[] AS vector) WITH FUNCTION array_to_vector(double precision[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (numeric[] AS vector) WITH FUNCTION array_to_vector(numeric[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (vector AS real[]) WITH FUNCTION vector_to_float4(vector, integer, boolean) AS IMPLICIT;

-- operators
CREATE OPERATOR <-> (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = l2_distance, COMMUTATOR = '<->');
CREATE OPERATOR <#> (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_negative_inner_product, COMMUTATOR = '<#>');
CREATE OPERATOR <=> (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = cosine_distance, COMMUTATOR = '<=>');
CREATE OPERATOR <+> (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = l1_distance, COMMUTATOR = '<+>');
CREATE OPERATOR + (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_add, COMMUTATOR = +);
CREATE OPERATOR - (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_sub);
CREATE OPERATOR * (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_mul, COMMUTATOR = *);
CREATE OPERATOR < (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_lt,
    COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_le,
    COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR = (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR <> (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR >= (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_ge,
    COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR > (LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_gt,
    COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);

-- btree: ORDER BY, DISTINCT, GROUP BY, unique and btree indexes
CREATE OPERATOR CLASS vector_ops DEFAULT FOR TYPE vector USING btree AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 vector_cmp(vector, vector);

COMMENT ON OPERATOR <-> (vector, vector) IS 'Euclidean (L2) distance';
COMMENT ON OPERATOR <=> (vector, vector) IS 'cosine distance: 1 - cosine similarity; NaN for a zero vector';
COMMENT ON OPERATOR <#> (vector, vector) IS 'negative inner product';
COMMENT ON OPERATOR <+> (vector, vector) IS 'L1 (taxicab) distance';
COMMENT ON OPERATOR + (vector, vector) IS 'element-wise sum';
COMMENT ON OPERATOR - (vector, vector) IS 'element-wise difference';
COMMENT ON OPERATOR * (vector, vector) IS 'element-wise product';
COMMENT ON OPERATOR < (vector, vector) IS 'less than (element by element, then shorter first)';
COMMENT ON OPERATOR <= (vector, vector) IS 'less than or equal';
COMMENT ON OPERATOR = (vector, vector) IS 'equal';
COMMENT ON OPERATOR <> (vector, vector) IS 'not equal';
COMMENT ON OPERATOR >= (vector, vector) IS 'greater than or equal';
COMMENT ON OPERATOR > (vector, vector) IS 'greater than';
COMMENT ON CAST (integer[] AS vector) IS 'array to vector (assignment)';
COMMENT ON CAST (real[] AS vector) IS 'array to vector (assignment)';
COMMENT ON CAST (double precision[] AS vector) IS 'array to vector (assignment)';
COMMENT ON CAST (numeric[] AS vector) IS 'array to vector (assignment)';
COMMENT ON CAST (vector AS real[]) IS 'vector to real[] (implicit)';
COMMENT ON CAST (vector AS vector) IS 'typmod coercion: checks the dimensions of vector(n)';
