-- vector: text input and output, typmod, and every malformed literal (one per line) with
-- its error and SQLSTATE.
SET search_path = shopml, public;
\set VERBOSITY default

SELECT '[1,2,3]'::vector;
SELECT ' [ 1 , 2.5 ,-3e-2 ] '::vector;
SELECT '[1e20,1e-20,-0,0.1,3.4028235e38,1.234567e6,123456]'::vector;
SELECT '[1,2,3]'::vector(3);
SELECT vector_dims('[1,2,3]'::vector), vector_dims(array_fill(1, ARRAY[16000])::vector);
SELECT format_type('vector(384)'::regtype, 384), '[1,2]'::vector(2)::text;

CREATE TABLE t (v vector(3));
INSERT INTO t VALUES ('[1,2,3]');
INSERT INTO t VALUES ('[1,2]');
INSERT INTO t VALUES ('[1,2,3,4]'::vector);
UPDATE t SET v = '[4,5]';
SELECT * FROM t;
SELECT atttypmod FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'v';
DROP TABLE t;

-- malformed input (message and DETAIL; the SQLSTATEs are listed below)
SELECT '[1,2'::vector;
SELECT '1,2,3'::vector;
SELECT '[1,,2]'::vector;
SELECT '[1,2,]'::vector;
SELECT '[1 2]'::vector;
SELECT '[1,2] x'::vector;
SELECT '[a]'::vector;
SELECT '[]'::vector;
SELECT ''::vector;
SELECT '[NaN]'::vector;
SELECT '[1,Infinity]'::vector;
SELECT '[-inf]'::vector;
SELECT '[1e39]'::vector;
SELECT '[0x10]'::vector;
SELECT '[1,2]'::vector(3);
SELECT '[1]'::vector(0);
SELECT '[1]'::vector(16001);
SELECT '[1]'::vector(2, 3);
SELECT array_fill(1, ARRAY[16001])::vector;

-- the SQLSTATE of each malformed literal
SELECT q, regress.sqlstate_of(q) FROM unnest(ARRAY[
  $q$SELECT '[1,2'::vector$q$, $q$SELECT '[a]'::vector$q$, $q$SELECT '[]'::vector$q$,
  $q$SELECT '[NaN]'::vector$q$, $q$SELECT '[1,Infinity]'::vector$q$, $q$SELECT '[1e39]'::vector$q$,
  $q$SELECT '[1,2]'::vector(3)$q$, $q$SELECT '[1]'::vector(0)$q$, $q$SELECT '[1]'::vector(2, 3)$q$,
  $q$SELECT array_fill(1, ARRAY[16001])::vector$q$, $q$SELECT '[1,2]'::vector$q$]) q;
