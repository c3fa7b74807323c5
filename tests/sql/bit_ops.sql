-- pgvector's bit functions on Postgres's bit type, binary_quantize, and vector || vector.
SET search_path = shopml, public;
-- Hamming: differing bits; Jaccard: 1 - |a and b| / |a or b|, 1 when no bit is shared
SELECT '111'::bit(3) <~> '111' AS same, '111'::bit(3) <~> '110' AS one, '111'::bit(3) <~> '000' AS all3,
       hamming_distance('1010', '0110') AS two;
SELECT round(('1110'::bit(4) <%> '0110')::numeric, 4) AS two_of_three, '1000'::bit(4) <%> '0100' AS disjoint,
       '0000'::bit(4) <%> '0000' AS both_empty, jaccard_distance('1111', '1111') AS same;
-- lengths across byte and word boundaries agree with a count in SQL
SELECT n, (a <~> b) = length(replace((a # b)::text, '0', '')) AS hamming_ok,
       (a <%> b) = CASE WHEN length(replace((a & b)::text, '0', '')) = 0 THEN 1
                        ELSE 1 - length(replace((a & b)::text, '0', ''))::float8 / length(replace((a | b)::text, '0', '')) END AS jaccard_ok
FROM (SELECT n, string_agg(CASE WHEN hashint4(i) % 3 = 0 THEN '1' ELSE '0' END, '' ORDER BY i)::varbit AS a,
             string_agg(CASE WHEN hashint4(i + 7) % 2 = 0 THEN '1' ELSE '0' END, '' ORDER BY i)::varbit AS b
      FROM unnest(ARRAY[1, 7, 8, 9, 63, 64, 65, 511, 512, 513, 1000]) n, generate_series(1, n) i GROUP BY n) t ORDER BY n;
-- binary quantization: bit i set when element i is positive
SELECT binary_quantize('[1,-2,3]'::vector) AS q, binary_quantize('[0,0,0,0,0,0,0,0,0.5]'::vector) AS nine,
       length(binary_quantize(embed_text('red shoes'))) AS dims;
-- quantized embeddings keep neighbours: the closer product by Hamming is the closer by cosine
SELECT binary_quantize(embed_text('red running shoes')) <~> binary_quantize(embed_text('crimson sneakers'))
     < binary_quantize(embed_text('red running shoes')) <~> binary_quantize(embed_text('espresso machine')) AS keeps_order;
-- concatenation (pgvector's ||), not text concatenation
SELECT '[1,2,3]'::vector || '[4,5]' AS joined, vector_dims('[1,2,3]'::vector || '[4,5]') AS dims,
       pg_typeof('[1]'::vector || '[2]') AS type;
-- bad inputs
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT '111'::bit(3) <~> '11'::bit(2)$q$,
  $q$SELECT jaccard_distance('1', '10')$q$,
  $q$SELECT (SELECT array_fill(1, ARRAY[16000])::vector) || '[1]'$q$,
  $q$SELECT binary_quantize(NULL::vector)$q$]) q;

-- Stored values are read in place when they have a short (1-byte) header (up to 976 bits), and
-- detoasted otherwise; both agree with Postgres's own bit operators.
SELECT setseed(0.42) IS NOT NULL AS seeded;
CREATE TEMP TABLE bit_rows AS
SELECT n, i,
       (SELECT string_agg(CASE WHEN random() < 0.5 THEN '1' ELSE '0' END, '') FROM generate_series(1, n) s WHERE i > 0)::varbit AS a,
       (SELECT string_agg(CASE WHEN random() < 0.5 THEN '1' ELSE '0' END, '') FROM generate_series(1, n) s WHERE i > 0)::varbit AS b
FROM unnest(ARRAY[8, 384, 976, 977, 2000, 40000]) n, generate_series(1, 3) i;
SELECT n, bool_and(a <~> b = bit_count(a # b)) AS hamming_matches,
       bool_and(abs((a <%> b) - (1 - bit_count(a & b)::float8 / bit_count(a | b))) < 1e-12) AS jaccard_matches,
       min(pg_column_size(a)) AS stored_bytes
FROM bit_rows GROUP BY n ORDER BY n;
