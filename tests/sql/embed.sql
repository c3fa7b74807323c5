-- embed_text / embed_texts: shape, unit norm, NULL and empty input, batched = single,
-- non-ASCII input, volatility, and every bad input with its error.
SET search_path = shopml, public;

-- 384 dimensions, unit norm
SELECT vector_dims(embed_text('red running shoes')) AS dims,
       round(vector_norm(embed_text('red running shoes'))::numeric, 5) AS norm;

-- the explicit default model name gives the same vector
SELECT embed_text('red running shoes') = embed_text('red running shoes', 'all-MiniLM-L6-v2') AS same;

-- NULL in, NULL out (STRICT)
SELECT embed_text(NULL) IS NULL AS null_text, embed_text('x', NULL) IS NULL AS null_model,
       embed_texts(NULL) IS NULL AS null_array;

-- the empty string embeds like sentence-transformers embeds it ([CLS] [SEP])
SELECT vector_dims(embed_text('')) AS dims, embed_text('') = embed_text(' ') AS blank_is_empty;

-- similar texts are closer than unrelated ones
SELECT embed_text('red running shoes') <=> embed_text('crimson sneakers for jogging')
     < embed_text('red running shoes') <=> embed_text('organic olive oil') AS closer;

-- Chinese, emoji and accents work (unit-norm vectors, distinct from the empty text)
SELECT s, vector_dims(embed_text(s)) AS dims, round(vector_norm(embed_text(s))::numeric, 5) AS norm,
       embed_text(s) <> embed_text('') AS not_empty
FROM unnest(ARRAY['红色连衣裙 夏季新款', 'Love it 😍🎉', 'Crème brûlée']) s;

-- embed_texts: element i embeds inputs[i], equal to embed_text within float rounding
WITH inputs AS (SELECT ARRAY['red shoes', NULL, '', 'a much longer product description of a blue winter jacket', '质量很好'] AS a)
SELECT t.i, t.e IS NULL AS is_null, round((1 - (t.e <=> embed_text(inputs.a[t.i])))::numeric, 6) AS cos_to_single
FROM inputs, unnest(embed_texts(inputs.a)) WITH ORDINALITY t(e, i) ORDER BY t.i;
SELECT embed_texts(ARRAY[]::text[]) AS empty, pg_typeof(embed_texts(ARRAY['x'])) AS type;

-- batch size does not change results
SET shopml.batch_size = 2;
SELECT bool_and(1 - (e <=> embed_text(s)) > 0.99999) AS same
FROM unnest(ARRAY['one', 'two words', 'three words here', 'four words are here now', 'five'],
            embed_texts(ARRAY['one', 'two words', 'three words here', 'four words are here now', 'five'])) t(s, e);
RESET shopml.batch_size;
-- nor does the number of threads (shopml.threads, 0 = one per core)
SET shopml.threads = 1;
SELECT bool_and(1 - (e <=> embed_text(s)) > 0.99999) AS same_with_one_thread, current_setting('shopml.threads') AS threads
FROM unnest(ARRAY['one', 'two words here', 'a review that is a good deal longer than the others, with more word pieces than sixteen'],
            embed_texts(ARRAY['one', 'two words here', 'a review that is a good deal longer than the others, with more word pieces than sixteen'])) t(s, e);
RESET shopml.threads;
-- shopml.gpu_precision is for GPUs: the CPU computes in f32 whatever it says
SET shopml.gpu_precision = 'f32';
CREATE TEMP TABLE under_f32 AS SELECT embed_text('red running shoes') AS e;
SET shopml.gpu_precision = 'f16';
SELECT 1 - (embed_text('red running shoes') <=> e) > 0.99999 AS same_under_f16, current_setting('shopml.gpu_precision') AS gpu_precision
FROM under_f32;
RESET shopml.gpu_precision;

-- immutable, strict, parallel safe: usable in a generated column and an expression index
CREATE TABLE products (id int PRIMARY KEY, title text, emb vector(384) GENERATED ALWAYS AS (shopml.embed_text(title)) STORED);
INSERT INTO products (id, title) VALUES (1, 'red running shoes'), (2, 'olive oil'), (3, NULL);
SELECT id, vector_dims(emb) AS dims FROM products ORDER BY id;
SELECT id FROM products ORDER BY emb <=> embed_text('sneakers') LIMIT 1;
SELECT proname, provolatile, proisstrict, proparallel, prorettype::regtype FROM pg_proc
WHERE proname IN ('embed_text', 'embed_texts', 'model_status') ORDER BY proname;
DROP TABLE products;

-- bad input
SELECT embed_text('x', 'no-such-model');
SELECT embed_text('x', '');
SELECT embed_texts(ARRAY['x'], 'bert-base-uncased');
SET shopml.batch_size = 0;
SET shopml.threads = -1;
SET shopml.threads = 65;
SET shopml.progress_after = -2;
SET shopml.progress_after = 10;
SHOW shopml.progress_after;
RESET shopml.progress_after;
SET shopml.gpu_precision = 'bf8';
SET shopml.device = 'tpu';
SET shopml.device = 'cuda';
SELECT embed_text('x');
RESET shopml.device;
