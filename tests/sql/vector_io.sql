-- 10,000 random vectors (3, 384 and 1536 dimensions, values from 1e-30 to 1e30) round-trip
-- bit-exactly through text I/O and through COPY ... BINARY out and back in (pgvector's layout).
SET search_path = shopml, public;
SELECT setseed(0.42);
CREATE TABLE src AS
SELECT i AS id,
       (SELECT array_agg(((random() - 0.5) * 10 ^ (random() * 60 - 30))::real)
        FROM generate_series(1, CASE i % 3 WHEN 0 THEN 3 WHEN 1 THEN 384 ELSE 1536 END) WHERE i > 0)::vector AS v
FROM generate_series(1, 10000) i;
SELECT count(*), min(vector_dims(v)), max(vector_dims(v)) FROM src;

-- binary wire layout: int16 dims, int16 unused, float4 big-endian
SELECT vector_send('[1,2.5]'::vector);
SELECT vector_recv_check FROM (SELECT encode(vector_send('[-0,1e-30,3.4028235e38]'), 'hex') AS vector_recv_check) t;

-- text round trip
SELECT count(*) AS text_exact FROM src WHERE vector_send(v::text::vector) = vector_send(v);

-- COPY BINARY out and back in
COPY src TO '/tmp/shopml-regress/vectors.bin' WITH (FORMAT binary);
CREATE TABLE dst (id int, v vector);
COPY dst FROM '/tmp/shopml-regress/vectors.bin' WITH (FORMAT binary);
SELECT count(*) AS binary_exact FROM src JOIN dst USING (id) WHERE vector_send(src.v) = vector_send(dst.v);

-- COPY BINARY into a vector(3) column checks the dimensions
CREATE TABLE dst3 (id int, v vector(3));
COPY dst3 FROM '/tmp/shopml-regress/vectors.bin' WITH (FORMAT binary);
DROP TABLE src, dst, dst3;
