-- halfvec: pgvector's half-precision vector. Text and binary I/O, typmod, casts with vector,
-- distances and operators, embed_text into a halfvec column, and the bad inputs (one per line).
SET search_path = shopml, public;
SELECT '[1,2.5,-3]'::halfvec AS h, '[1.1]'::halfvec AS rounded, '[65504]'::halfvec AS largest, ' [ 1 , 2 ] '::halfvec AS spaces;
SELECT '[1,2,3]'::halfvec(3) AS typed, vector_dims('[1,2,3,4]'::halfvec) AS dims;
-- distances as pgvector defines them, equal to vector's for values halfvec holds exactly
SELECT '[1,2,3]'::halfvec <-> '[3,2,1]'::halfvec AS l2, '[1,2,3]'::halfvec <=> '[3,2,1]'::halfvec AS cosine,
       '[1,2,3]'::halfvec <#> '[3,2,1]'::halfvec AS neg_ip, '[1,2,3]'::halfvec <+> '[3,2,1]'::halfvec AS l1,
       inner_product('[1,2,3]'::halfvec, '[3,2,1]'::halfvec) AS ip, l2_norm('[3,4]'::halfvec) AS norm,
       halfvec_l2_squared_distance('[1,2,3]'::halfvec, '[3,2,1]'::halfvec) AS l2_squared;
SELECT ('[1,2,3]'::halfvec <-> '[3,2,1]'::halfvec) = ('[1,2,3]'::vector <-> '[3,2,1]'::vector) AS same_as_vector,
       cosine_distance('[0,0]'::halfvec, '[1,1]'::halfvec) AS zero_is_nan;
-- arithmetic, ||, l2_normalize, subvector, binary_quantize
SELECT '[1,2]'::halfvec + '[3,4]'::halfvec AS sum, '[1,2]'::halfvec - '[3,4]'::halfvec AS diff, '[1,2]'::halfvec * '[3,4]'::halfvec AS prod,
       '[1,2]'::halfvec || '[3]'::halfvec AS concat, l2_normalize('[3,4]'::halfvec) AS unit, l2_normalize('[0,0]'::halfvec) AS zero,
       subvector('[1,2,3,4]'::halfvec, 2, 2) AS sub, binary_quantize('[1,-2,0,3]'::halfvec) AS bits;
SELECT '[60000]'::halfvec + '[60000]'::halfvec;
-- btree: comparisons, ORDER BY, DISTINCT, a unique index
SELECT '[1,2]'::halfvec < '[1,3]'::halfvec AS lt, '[1,2]'::halfvec = '[1,2]'::halfvec AS eq, '[1,2]'::halfvec < '[1,2,0]'::halfvec AS shorter_first,
       halfvec_cmp('[2]'::halfvec, '[1]'::halfvec) AS cmp;
SELECT DISTINCT h FROM unnest(ARRAY['[2,1]', '[1,2]', '[1,2]']::halfvec[]) h ORDER BY h;
-- casts: vector -> halfvec rounds, halfvec -> vector is exact
SELECT '[1.1,2]'::vector::halfvec AS to_half, '[1.1,2]'::halfvec::vector AS to_vector, '[1,2]'::vector::halfvec(2) AS typed;
-- aggregates and array casts
SELECT avg(h) AS avg, sum(h) AS sum FROM unnest(ARRAY['[1,2]', '[3,5]']::halfvec[]) h;
SELECT avg(h) IS NULL AS empty_avg FROM (SELECT '[1]'::halfvec AS h WHERE false) t;
SELECT ARRAY[1,2,3]::halfvec AS ints, ARRAY[1.1,2]::real[]::halfvec AS reals, ARRAY[0.5,2]::float8[]::halfvec AS doubles,
       ARRAY[1.5,2]::numeric[]::halfvec AS numerics, '[1.5,2]'::halfvec::real[] AS to_real;
SELECT ARRAY[1,NULL]::real[]::halfvec;
SELECT ARRAY[70000]::real[]::halfvec;
SELECT ARRAY[1,2]::real[]::halfvec(3);
-- embed_text fills a halfvec column (implicit cast) and the distances agree with vector's
CREATE TABLE public.h_items (id int, e halfvec(384));
INSERT INTO public.h_items VALUES (1, embed_text('red running shoes')), (2, embed_text('organic olive oil'));
SELECT id, round((e <=> embed_text('crimson sneakers'))::numeric, 2) AS cosine FROM public.h_items ORDER BY e <=> embed_text('crimson sneakers');
SELECT max(abs((e <=> embed_text('crimson sneakers')) - (e::vector <=> embed_text('crimson sneakers')))) < 2e-3 AS close_to_f32 FROM public.h_items;
-- binary COPY round trip is bit-exact
CREATE TABLE public.h_copy (h halfvec);
INSERT INTO public.h_copy VALUES ('[1.1,-0,0.000061035156,65504]'), ('[3]');
COPY public.h_copy TO '/tmp/shopml_halfvec.bin' WITH (FORMAT binary);
CREATE TABLE public.h_back (h halfvec);
COPY public.h_back FROM '/tmp/shopml_halfvec.bin' WITH (FORMAT binary);
SELECT h::text, halfvec_send(h) = (SELECT halfvec_send(c.h) FROM public.h_copy c WHERE c.h::text = b.h::text) AS same_bytes FROM public.h_back b;
SELECT halfvec_send('[1,2]'::halfvec) AS wire;
DROP TABLE public.h_items, public.h_copy, public.h_back;
-- bad inputs
SELECT '[70000]'::halfvec;
SELECT '[1,-1e6]'::halfvec;
SELECT '[a]'::halfvec;
SELECT '[]'::halfvec;
SELECT '[1,2]'::halfvec(3);
SELECT '[NaN]'::halfvec;
SELECT '[1,2]'::halfvec(0);
SELECT '[1,2]'::halfvec(16001);
SELECT '[1,2]'::halfvec <-> '[1,2,3]'::halfvec;
SELECT '[1e5]'::vector::halfvec;
SELECT '[1,2]'::vector::halfvec(3);
