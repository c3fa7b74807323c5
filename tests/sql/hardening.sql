-- What any login role could do to the server through shopml (issue 13): crafted calls that
-- would store invalid vectors, huge and pathological texts, batch settings that exhaust
-- memory, cancellation, and inputs echoed into the log. Each must be a clean ERROR or work.
SET search_path = shopml, public;

-- Crafted aggregate states cannot build invalid vectors (item 5)
SELECT vector_avg('{1,NaN}');
SELECT vector_avg('{NaN,1}');
SELECT vector_avg('{1e-300,1e300}');
SELECT vector_avg('{1,1e300}');
-- the count of a hand-made state must be a whole, non-negative number of rows (issue 29)
SELECT vector_avg('{-1,1}');
SELECT vector_avg('{0.5,1}');
SELECT vector_accum('{-2,1,1}', '[1,1]');
SELECT vector_avg(array_fill(1::float8, ARRAY[20001]));
SELECT vector_avg(array_fill(1::float8, ARRAY[40001]));
SELECT vector_dims(vector_avg(array_fill(1::float8, ARRAY[16001]))) AS max_dims;
SELECT vector_avg(vector_accum('{1,NaN}', '[1]'));
SELECT vector_avg(vector_combine('{1,Infinity}', '{1,1}'));
SELECT vector_avg(vector_combine('{1,1}', '{-1,1}'));
CREATE TABLE crafted (v vector PRIMARY KEY);
INSERT INTO crafted VALUES ('[1,1]');
INSERT INTO crafted SELECT vector_avg('{1,NaN,1}');
SELECT v FROM crafted;
DROP TABLE crafted;

-- Errors echo at most 64 characters of an input (item 7): a 100 kB literal is not logged
SELECT ('[' || repeat('1', 100000))::vector;
SELECT ('[' || repeat('9', 100000) || ']')::vector;

-- Huge and pathological texts: only a bounded prefix is tokenized, with the same ids as the
-- whole text (item 3), so these give the same vectors as their short forms
SELECT embed_text(repeat('.,', 5000000)) = embed_text(repeat('.,', 200)) AS dots_10mb;
SELECT embed_text(repeat('a', 10000000)) = embed_text(repeat('a', 1000)) AS one_word_10mb;
SELECT embed_text(repeat(' ', 20000000) || 'shoe') = embed_text('shoe') AS spaces_then_word;
SELECT embed_text(repeat(E'\u0301', 1000000) || 'shoe') = embed_text('shoe') AS marks_then_word;
SELECT embed_text(repeat('红色', 3000000)) = embed_text(repeat('红色', 200)) AS chinese_18mb;
SELECT bool_and(1 - (e <=> embed_text(s)) > 0.99999) AS array_20mb
FROM unnest(ARRAY[repeat('red shoes ', 200), 'ok'],
            embed_texts(ARRAY[repeat('red shoes ', 2000000), 'ok'])) t(s, e);
-- a compressed, TOASTed 50 MB value is read in a slice, not in full
CREATE TABLE reviews (body text);
INSERT INTO reviews VALUES (repeat('great shoes, fast delivery. ', 2000000));
SELECT pg_column_size(body) < 10000000 AS compressed, embed_text(body) = embed_text(repeat('great shoes, fast delivery. ', 100)) AS same
FROM reviews;
DROP TABLE reviews;

-- Work per forward pass is bounded by tokens, with a superuser-only ceiling (item 2)
SHOW shopml.max_batch_tokens;
SET shopml.max_batch_tokens = 100;
SET shopml.max_batch_tokens = 256;
SET shopml.batch_size = 4096;
SELECT bool_and(e = embed_text(s)) AS same_as_single
FROM unnest(ARRAY['short', repeat('long words ', 200), 'mid sized text here'],
            embed_texts(ARRAY['short', repeat('long words ', 200), 'mid sized text here'])) t(s, e);
RESET shopml.max_batch_tokens;
RESET shopml.batch_size;
-- a result over the 1 GB a value may hold is refused before any work
SELECT embed_texts(array_fill('x'::text, ARRAY[1000000]));

-- Cancellation reaches inside a batch (between layers) and inside the scan of a text that is
-- 100 MB of spaces before its only word
CREATE TEMP TABLE blank AS SELECT repeat(' ', 100000000) || 'x' AS body;
SET shopml.batch_size = 4096;
SET statement_timeout = '300ms';
SELECT embed_texts(array_fill(repeat('word ', 300), ARRAY[512]));
SELECT embed_text(body) FROM blank;
RESET statement_timeout;
SELECT embed_text(body) = embed_text('x') AS same FROM blank;
RESET shopml.batch_size;
SELECT vector_dims(embed_text('the backend still serves')) AS dims;

-- Array arguments (issue 29, problem 6): one dimension only, and results keep the input's
-- subscripts (pgrx would renumber them 1..n and flatten a 2-D array silently)
SELECT array_lower(e, 1) AS lower, array_upper(e, 1) AS upper, e[0] = embed_text('a') AS zero_is_a, e[1] = embed_text('b') AS one_is_b
FROM (SELECT embed_texts('[0:1]={a,b}'::text[]) AS e) s;
SELECT array_lower(s, 1) AS lower, (s[5]).label AS fifth FROM (SELECT classify_sentiments('[5:6]={great,awful}'::text[]) AS s) t;
SELECT embed_texts('{{a,b},{c,d}}'::text[]);
SELECT classify_sentiments('{{a,b},{c,d}}'::text[]);
SELECT array_lower(embed_texts('{}'::text[]), 1) IS NULL AS empty_stays_empty;
SELECT regress.error_of($q$SELECT count(*) FROM recommend_for_users('x', '{{1,2},{3,4}}'::bigint[])$q$);
SELECT regress.error_of($q$SELECT count(*) FROM recommend_for_users('x', '{{a,b},{c,d}}'::text[])$q$);
SELECT regress.error_of($q$SELECT count(*) FROM classify_texts('x', '{{a,b},{c,d}}'::text[])$q$);
SELECT regress.error_of($q$SELECT count(*) FROM table_profile('pg_class', '{{relname}}'::text[])$q$);
