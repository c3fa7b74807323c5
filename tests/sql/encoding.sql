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

\c shopml_sqlascii
CREATE EXTENSION shopml;
-- UTF-8 text in SQL_ASCII embeds as in a UTF-8 database
SELECT shopml.embed_text('café')::text = :'ref_cafe' AS utf8_bytes_same;
-- a byte that is not UTF-8: a clean error, in both functions, never a crash
SELECT shopml.embed_text(E'caf\xe9');
SELECT shopml.embed_texts(ARRAY['ok', E'caf\xe9']);
SELECT shopml.embed_texts(ARRAY['ok'])::text[] = ARRAY[:'ref_ok'] AS still_serving;

\c shopml_regress
DROP DATABASE shopml_latin1;
DROP DATABASE shopml_sqlascii;
