-- Non-UTF-8 databases (issue 13, item 1): text is converted from the database encoding with
-- the server's own conversion, so 'café' embeds in LATIN1 exactly as in UTF-8, and bytes that
-- are not valid give a clean error (22021) instead of aborting the backend.
SELECT shopml.embed_text('café')::text AS ref_cafe, shopml.embed_text('ok')::text AS ref_ok \gset
CREATE DATABASE shopml_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE shopml_sqlascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;

\c shopml_latin1
SET client_encoding = 'UTF8';
CREATE EXTENSION shopml;
SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database();
SELECT shopml.embed_text('café')::text = :'ref_cafe' AS text_same_as_utf8,
       shopml.embed_text(E'caf\xe9')::text = :'ref_cafe' AS latin1_byte_same_as_utf8;
SELECT e[1]::text = :'ref_cafe' AS first, e[2]::text = :'ref_ok' AS second, e[3] IS NULL AS third
FROM (SELECT shopml.embed_texts(ARRAY['café', 'ok', NULL]) AS e) s;
-- vectors and search work as in any database
CREATE TABLE items (id int, title text, emb shopml.vector(384));
INSERT INTO items SELECT i, t, shopml.embed_text(t)
FROM unnest(ARRAY['crème brûlée', 'red running shoes', 'olive oil']) WITH ORDINALITY u(t, i);
SELECT title FROM items ORDER BY emb OPERATOR(shopml.<=>) shopml.embed_text('jogging sneakers') LIMIT 1;
-- a character LATIN1 cannot hold is refused by the server before shopml sees it
SELECT shopml.embed_text('红色');
-- tabular models (issue 32): text levels, classes and explanations in LATIN1 read and write as
-- the same characters in UTF-8
CREATE TABLE sales AS
SELECT i, (ARRAY['café', 'crème', 'thé'])[1 + i % 3] AS drink, i % 7 AS size, (i % 3) * 10 + i % 7 + 0.1 * (i % 5) AS price
FROM generate_series(1, 300) i;
SELECT task, algorithm, score < baseline AS beats_mean FROM shopml.train_model('prices', 'sales', 'price', '{"exclude": ["i"], "algorithm": "linear"}');
SELECT round(shopml.predict('prices', '{"drink": "crème", "size": 3}')::numeric, 1) AS creme,
       shopml.predict('prices', jsonb_build_object('drink', E'cr\xe8me', 'size', 3)) = shopml.predict('prices', '{"drink": "crème", "size": 3}') AS latin1_byte_same;
SELECT feature, value FROM shopml.explain('prices', '{"drink": "thé", "size": 1}') WHERE feature LIKE 'drink%' ORDER BY 1, 2;
SELECT task, score >= 0.99 AS accurate FROM shopml.train_model('drinks', 'sales', 'drink', '{"exclude": ["i", "size"], "algorithm": "linear"}');
SELECT shopml.predict_class('drinks', '{"price": 20.2}') AS class, (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(shopml.predict_proba('drinks', '{"price": 1}')) k) AS classes;
SELECT k FROM shopml.train_segments('drink_segments', 'sales', '{"exclude": ["i", "price", "size"], "k": 3}');
SELECT feature, round((sum(mean * size) / sum(size))::numeric, 3) AS share FROM shopml.segment_profile('drink_segments') WHERE feature LIKE 'drink%' GROUP BY feature ORDER BY feature;

\c shopml_sqlascii
CREATE EXTENSION shopml;
-- UTF-8 text in SQL_ASCII embeds as in a UTF-8 database
SELECT shopml.embed_text('café')::text = :'ref_cafe' AS utf8_bytes_same;
-- a byte that is not UTF-8: a clean error, in both functions, never a crash
SELECT shopml.embed_text(E'caf\xe9');
SELECT shopml.embed_texts(ARRAY['ok', E'caf\xe9']);
SELECT shopml.embed_texts(ARRAY['ok'])::text[] = ARRAY[:'ref_ok'] AS still_serving;
-- a level that is not UTF-8 in a table train_model reads: a clean error
CREATE TABLE bad_sales AS SELECT i, CASE WHEN i = 7 THEN E'caf\xe9' ELSE 'tea' END AS drink, i * 1.5 AS price FROM generate_series(1, 50) i;
SELECT * FROM shopml.train_model('bad', 'bad_sales', 'price');
SELECT * FROM shopml.train_model('bad', 'bad_sales', 'drink');

\c shopml_regress
DROP DATABASE shopml_latin1;
DROP DATABASE shopml_sqlascii;
