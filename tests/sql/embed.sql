-- embed_text / embed_texts: shape, unit norm, NULL and empty input, batched = single,
-- non-ASCII input, volatility, and every bad input with its error.
SET search_path = shopml, public;

-- 384 dimensions, unit norm
SELECT array_length(embed_text('red running shoes'), 1) AS dims,
       round(sqrt((SELECT sum(x::float8 * x) FROM unnest(embed_text('red running shoes')) x))::numeric, 5) AS norm;

-- the explicit default model name gives the same vector
SELECT embed_text('red running shoes') = embed_text('red running shoes', 'all-MiniLM-L6-v2') AS same;

-- NULL in, NULL out (STRICT)
SELECT embed_text(NULL) IS NULL AS null_text, embed_text('x', NULL) IS NULL AS null_model;

-- the empty string embeds like sentence-transformers embeds it ([CLS] [SEP])
SELECT array_length(embed_text(''), 1) AS dims, embed_text('') = embed_text(' ') AS blank_is_empty;

-- similar texts are closer than unrelated ones
WITH e AS (SELECT embed_text('red running shoes') a, embed_text('crimson sneakers for jogging') b,
                  embed_text('organic olive oil') c)
SELECT (SELECT sum(x::float8 * y) FROM unnest(a, b) t(x, y)) > (SELECT sum(x::float8 * y) FROM unnest(a, c) t(x, y)) AS closer
FROM e;

-- Chinese, emoji and accents work (non-zero, unit-norm vectors)
SELECT s, array_length(embed_text(s), 1) AS dims,
       round(sqrt((SELECT sum(x::float8 * x) FROM unnest(embed_text(s)) x))::numeric, 5) AS norm
FROM unnest(ARRAY['红色连衣裙 夏季新款', 'Love it 😍🎉', 'Crème brûlée']) s;

-- embed_texts: one row per input, in order, equal to embed_text within float rounding
WITH inputs AS (SELECT ARRAY['red shoes', NULL, '', 'a much longer product description of a blue winter jacket', '质量很好'] AS a)
SELECT t.ordinality, t.embedding IS NULL AS is_null,
       round((SELECT sum(x::float8 * y) FROM unnest(t.embedding, embed_text(inputs.a[t.ordinality])) u(x, y))::numeric, 6) AS cos_to_single
FROM inputs, embed_texts(inputs.a) t ORDER BY t.ordinality;

SELECT count(*) FROM embed_texts(ARRAY[]::text[]);

-- batch size does not change results
SET shopml.batch_size = 2;
SELECT bool_and(abs((SELECT sum(x::float8 * y) FROM unnest(t.embedding, embed_text(s)) u(x, y)) - 1) < 1e-5) AS same
FROM unnest(ARRAY['one', 'two words', 'three words here', 'four words are here now', 'five']) WITH ORDINALITY s(s, i)
JOIN embed_texts(ARRAY['one', 'two words', 'three words here', 'four words are here now', 'five']) t ON t.ordinality = i;
RESET shopml.batch_size;

-- immutable, strict, parallel safe: usable in a generated column
CREATE TABLE products (id int PRIMARY KEY, title text, emb real[] GENERATED ALWAYS AS (shopml.embed_text(title)) STORED);
INSERT INTO products (id, title) VALUES (1, 'red running shoes'), (2, 'olive oil'), (3, NULL);
SELECT id, array_length(emb, 1) AS dims FROM products ORDER BY id;
SELECT proname, provolatile, proisstrict, proparallel FROM pg_proc
WHERE proname IN ('embed_text', 'embed_texts', 'model_status') ORDER BY proname;
DROP TABLE products;

-- bad input
SELECT embed_text('x', 'no-such-model');
SELECT embed_text('x', '');
SELECT * FROM embed_texts(ARRAY['x'], 'bert-base-uncased');
SET shopml.batch_size = 0;
SET shopml.device = 'tpu';
SET shopml.device = 'cuda';
SELECT embed_text('x');
RESET shopml.device;
