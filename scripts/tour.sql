\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS shopml;
-- shopml first: a schema before it that others can write to could shadow its names (README, "Operations and security").
SET search_path = shopml, public;
\echo '-- embed_text'
SELECT vector_dims(embed_text('red running shoes')) AS dims, round(vector_norm(embed_text('red running shoes'))::numeric, 4) AS norm,
       subvector(embed_text('red running shoes'), 1, 4) AS first_4;
\echo '-- embed_texts'
SELECT i, left(s, 22) AS text, subvector(e, 1, 3) AS first_3
FROM unnest(ARRAY['red running shoes', '红色跑鞋', NULL, ''], embed_texts(ARRAY['red running shoes', '红色跑鞋', NULL, ''])) WITH ORDINALITY t(s, e, i);
\echo '-- semantic search'
CREATE TEMP TABLE products (id int, title text, embedding vector(384));
INSERT INTO products SELECT i, t, embed_text(t) FROM unnest(ARRAY['Crimson leather sneakers', 'Wool winter coat', 'Espresso machine with milk frother', 'Trail running shoes, red', 'Organic olive oil']) WITH ORDINALITY u(t, i);
SELECT id, title, round((embedding <=> embed_text('red shoes'))::numeric, 3) AS cosine_distance
FROM products ORDER BY embedding <=> embed_text('red shoes') LIMIT 3;
\echo '-- models'
SELECT name, task, dims, max_tokens, source, pg_size_pretty(size_bytes) AS size, installed, loaded FROM shopml.models;
\echo '-- vector'
SELECT '[1,2,3]'::vector <-> '[3,2,1]' AS l2, '[1,2,3]'::vector <=> '[3,2,1]' AS cosine,
       '[1,2,3]'::vector <#> '[3,2,1]' AS neg_inner, '[1,2,3]'::vector <+> '[3,2,1]' AS l1;
SELECT '[1,2,3]'::vector + '[1,1,1]' AS add, l2_normalize('[3,4]') AS unit, avg(v) AS avg
FROM (VALUES ('[1,2]'::vector), ('[3,4]')) t(v);
SELECT '[1,2'::vector;
SELECT '[1,2]'::vector <-> '[1,2,3]';
SELECT embed_text('x', 'gpt-5');
\echo '-- table_profile'
SELECT column_name, sql_type, kind, rows, nulls, distinct_values, min, max FROM table_profile('products');
\echo '-- trained_models'
SELECT name, version, task, algorithm, trained_by FROM shopml.trained_models;
SELECT drop_model('telco');
