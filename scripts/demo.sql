\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS shopml;
-- shopml first: a schema before it that others can write to could shadow its names (README, "Operations and security").
SET search_path = shopml, public;

\echo '== loading the shop: generated catalogue + 500 real Amazon fine-food reviews (r-cran-modeldata)'
CREATE TABLE public.products (id bigint PRIMARY KEY, title text, description text, category text, price numeric);
\copy products FROM 'data/products.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE public.reviews (product text, review text, score text, split text);
\copy reviews FROM 'data/fine_foods_reviews.csv' WITH (FORMAT csv, HEADER true)
DELETE FROM reviews WHERE ctid NOT IN (SELECT ctid FROM reviews WHERE split = 'train' LIMIT 500);
ALTER TABLE reviews ADD COLUMN id bigserial PRIMARY KEY;

\echo '== embedding every product (title + description) and review with embed_texts, batched'
SET client_min_messages = notice;
\timing on
ALTER TABLE products ADD COLUMN embedding vector(384);
UPDATE products p SET embedding = e.embedding
FROM (SELECT u.id, u.embedding
      FROM (SELECT array_agg(id ORDER BY id) ids, array_agg(title || '. ' || description ORDER BY id) texts FROM products) a,
           unnest(a.ids, embed_texts(a.texts)) u(id, embedding)) e
WHERE p.id = e.id;
ALTER TABLE reviews ADD COLUMN embedding vector(384);
UPDATE reviews r SET embedding = e.embedding
FROM (SELECT u.id, u.embedding
      FROM (SELECT array_agg(id ORDER BY id) ids, array_agg(review ORDER BY id) texts FROM reviews) a,
           unnest(a.ids, embed_texts(a.texts)) u(id, embedding)) e
WHERE r.id = e.id;
\timing off


\echo
\echo '== semantic search: products for "red shoes"'
SELECT id, title, round((1 - (embedding <=> embed_text('red shoes')))::numeric, 3) AS similarity
FROM products ORDER BY embedding <=> embed_text('red shoes') LIMIT 5;

\echo '== semantic search: products for "something to keep me warm in winter"'
SELECT id, title, round((1 - (embedding <=> embed_text('something to keep me warm in winter')))::numeric, 3) AS similarity
FROM products ORDER BY embedding <=> embed_text('something to keep me warm in winter') LIMIT 5;

\echo '== semantic search: products for "a present for someone who loves espresso"'
SELECT id, title, round((1 - (embedding <=> embed_text('a present for someone who loves espresso')))::numeric, 3) AS similarity
FROM products ORDER BY embedding <=> embed_text('a present for someone who loves espresso') LIMIT 5;

\echo '== multilingual search with multilingual-e5-small: the catalogue with Chinese titles for the even ids'
CREATE TABLE public.products_zh (id bigint PRIMARY KEY, title_zh text);
\copy products_zh FROM 'data/products_zh.csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE products ADD COLUMN shown text, ADD COLUMN e5 vector(384);
UPDATE products p SET shown = CASE WHEN p.id % 2 = 0 THEN z.title_zh ELSE p.title END FROM products_zh z WHERE z.id = p.id;
-- the catalogue is embedded as passages, queries as they are (E5's "query: " prefix is the default)
UPDATE products p SET e5 = e.v
FROM (SELECT u.id, u.v FROM (SELECT array_agg(id ORDER BY id) ids, array_agg('passage: ' || shown ORDER BY id) texts FROM products) a,
      unnest(a.ids, embed_texts(a.texts, 'multilingual-e5-small')) u(id, v)) e
WHERE p.id = e.id;
\echo '== "红色跑鞋" (red running shoes), all titles'
SELECT id, shown, round((1 - (e5 <=> embed_text('红色跑鞋', 'multilingual-e5-small')))::numeric, 3) AS similarity
FROM products ORDER BY e5 <=> embed_text('红色跑鞋', 'multilingual-e5-small') LIMIT 3;
\echo '== cross-language: an English query over the Chinese titles only, "teddy bear"'
SELECT id, shown, round((1 - (e5 <=> embed_text('teddy bear', 'multilingual-e5-small')))::numeric, 3) AS similarity
FROM products WHERE id % 2 = 0 ORDER BY e5 <=> embed_text('teddy bear', 'multilingual-e5-small') LIMIT 3;
\echo '== cross-language: a Chinese query over the English titles only, "蓝牙音箱" (bluetooth speaker)'
SELECT id, shown, round((1 - (e5 <=> embed_text('蓝牙音箱', 'multilingual-e5-small')))::numeric, 3) AS similarity
FROM products WHERE id % 2 = 1 ORDER BY e5 <=> embed_text('蓝牙音箱', 'multilingual-e5-small') LIMIT 3;

\echo '== semantic search over real reviews: "too salty, would not buy again"'
SELECT left(review, 90) AS review, score, round((1 - (embedding <=> embed_text('too salty, would not buy again')))::numeric, 3) AS similarity
FROM reviews ORDER BY embedding <=> embed_text('too salty, would not buy again') LIMIT 5;

\echo '== semantic search over real reviews: "my kids love it"'
SELECT left(review, 90) AS review, score, round((1 - (embedding <=> embed_text('my kids love it')))::numeric, 3) AS similarity
FROM reviews ORDER BY embedding <=> embed_text('my kids love it') LIMIT 5;

\echo '== review sentiment with classify_sentiment (shopml-sentiment-v1; the label "score" is the review''s own stars: great = 5)'
SELECT left(review, 70) AS review, score AS stars, (s).label, round((s).score::numeric, 2) AS sentiment, round((s).confidence::numeric, 2) AS confidence
FROM (SELECT review, score, classify_sentiment(review) AS s FROM reviews ORDER BY id LIMIT 6) r;

\echo '== Chinese reviews: the default model (auto) reads mostly-Chinese text with shopml-sentiment-zh-v1'
SELECT r AS review, (s).label, round((s).score::numeric, 2) AS sentiment
FROM (SELECT r, classify_sentiment(r) AS s FROM unnest(ARRAY['这个手机很好用，电池也耐用', '质量太差了，用了两天就坏了，客服也不理人',
      '房间干净整洁，早餐种类丰富，下次还会再来', '物流太慢了，等了半个月']) r) t;

\echo '== how often the sentiment agrees with the stars, over the 500 reviews (one batched call; these are from the model''s training split: on held-out reviews it is 0.853, README)'
SELECT round(avg(((u.label = 'positive') = (a.scores[u.i] = 'great'))::int), 3) AS agreement
FROM (SELECT array_agg(review ORDER BY id) AS texts, array_agg(score ORDER BY id) AS scores FROM reviews) a,
     unnest(classify_sentiments(a.texts)) WITH ORDINALITY u(label, score, confidence, i);

\echo '== train_text_classifier: product category from the title alone (the catalogue''s own labels)'
SELECT model, classes, rows_train, rows_test, round(accuracy::numeric, 3) AS accuracy, round(macro_f1::numeric, 3) AS macro_f1
FROM train_text_classifier('category', 'public.products', 'title', 'category');
\echo '== classify_text on titles it never saw'
SELECT t AS title, c.label, round(c.confidence::numeric, 2) AS confidence
FROM unnest(ARRAY['Trail runner sneakers with grippy sole', 'Dark roast whole bean coffee 1kg', 'Wool winter parka with hood']) t,
     classify_text('category', t) c;

\echo '== the models this server knows'
SELECT name, task, dims, source, pg_size_pretty(size_bytes) AS size, installed, loaded FROM shopml.models;

\echo
\echo '== churn: the shop''s customers and orders, features from orders with customer_features'
CREATE TABLE public.customers (id bigint PRIMARY KEY, email text, country text, signup_date date);
\copy customers FROM 'data/customers.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE public.orders (id bigint PRIMARY KEY, customer_id bigint, product_id bigint, order_date date, quantity int, amount numeric);
\copy orders FROM 'data/orders.csv' WITH (FORMAT csv, HEADER true)
-- as of 2026-03-01, and whether each customer then ordered nothing for 180 days
CREATE TABLE public.churn_training AS
SELECT f.*, c.country,
       NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id::text = f.customer_id
                   AND o.order_date > DATE '2026-03-01' AND o.order_date <= DATE '2026-03-01' + 180) AS churned
FROM customer_features('public.orders', 'customer_id', 'order_date', 'amount', '2026-03-01') f
JOIN customers c ON c.id::text = f.customer_id;
SELECT count(*) AS customers, count(*) FILTER (WHERE churned) AS churned FROM churn_training;

\echo '== train_churn_model: both algorithms tried, the better kept, test metrics returned'
SELECT model, version, algorithm, rows_train, rows_test, round(auc::numeric, 3) AS auc, round(log_loss::numeric, 3) AS log_loss
FROM train_churn_model('shop_churn', 'public.churn_training', 'churned', '{"exclude": ["customer_id"]}');

\echo '== the five customers most at risk today, and the two strongest reasons for each'
WITH today AS (
  SELECT f.*, c.country FROM customer_features('public.orders', 'customer_id', 'order_date', 'amount', '2026-09-12') f
  JOIN customers c ON c.id::text = f.customer_id)
SELECT t.customer_id, round(predict_churn('shop_churn', to_jsonb(t))::numeric, 3) AS churn_probability,
       (SELECT string_agg(e.feature || ' = ' || e.value, ', ' ORDER BY abs(e.contribution) DESC)
        FROM (SELECT * FROM explain_churn('shop_churn', to_jsonb(t)) WHERE feature <> '(base value)'
              ORDER BY abs(contribution) DESC LIMIT 2) e) AS top_reasons
FROM today t ORDER BY 2 DESC LIMIT 5;

\echo
\echo '== recommendations: the shop''s views and purchases (a purchase weighs as much as 5 views)'
CREATE TABLE public.interactions (customer_id bigint, product_id bigint, kind text, day date);
\copy interactions FROM 'data/interactions.csv' WITH (FORMAT csv, HEADER true)
CREATE VIEW public.interaction_weights AS
SELECT customer_id, product_id, CASE kind WHEN 'purchase' THEN 5 ELSE 1 END AS weight FROM public.interactions;
-- a product added today, that nobody has seen yet: placed by its text embedding (cold start)
INSERT INTO products (id, title, description, category, price)
VALUES (1001, 'Tidewater crimson suede trail running shoes', 'A red trail running shoe made of suede. New this week. Category: shoes.', 'shoes', 64.90);
UPDATE products SET embedding = embed_text(title || '. ' || description) WHERE id = 1001;
SELECT model, users, items, interactions, round(precision_at_10::numeric, 3) AS p_at_10, round(ndcg_at_10::numeric, 3) AS ndcg_at_10,
       round(popular_ndcg_at_10::numeric, 3) AS popular_ndcg_at_10, round(train_seconds::numeric, 2) AS seconds
FROM train_recommender('shop_recs', 'public.interaction_weights', 'customer_id', 'product_id',
  '{"weight_column": "weight", "item_embeddings": {"table": "public.products", "id_column": "id", "vector_column": "embedding"}}');

\echo '== two customers: the category they buy most, then their top 5 recommendations (nothing they have seen)'
SELECT c.id AS customer, (SELECT p.category FROM orders o JOIN products p ON p.id = o.product_id WHERE o.customer_id = c.id
                          GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS buys_most
FROM customers c WHERE c.id IN (1, 2) ORDER BY 1;
SELECT 1 AS customer, r.item_id, p.title, p.category, round(r.score::numeric, 3) AS score
FROM recommend_for_user('shop_recs', 1, 5) r JOIN products p ON p.id = r.item_id ORDER BY r.score DESC;
SELECT 2 AS customer, r.item_id, p.title, p.category, round(r.score::numeric, 3) AS score
FROM recommend_for_user('shop_recs', 2, 5) r JOIN products p ON p.id = r.item_id ORDER BY r.score DESC;

\echo '== customers who bought this also bought: products similar to product 5'
SELECT (SELECT title FROM products WHERE id = 5) AS product;
SELECT s.item_id, p.title, round(s.score::numeric, 3) AS similarity FROM similar_items('shop_recs', 5, 5) s JOIN products p ON p.id = s.item_id ORDER BY s.score DESC;

\echo '== cold start: the new product 1001 (no views, no purchases yet) sits next to the products its text is like'
SELECT s.item_id, p.title, round(s.score::numeric, 3) AS similarity FROM similar_items('shop_recs', 1001, 5) s JOIN products p ON p.id = s.item_id ORDER BY s.score DESC;

\echo
\echo '== demand forecasting: weekly units sold per category, from the orders (a week without an order sold 0)'
CREATE VIEW public.weekly_category_units AS
SELECT c.category, w.week::date AS week, coalesce(sum(o.quantity), 0)::int AS units
FROM (SELECT DISTINCT category FROM products) c
CROSS JOIN generate_series(DATE '2025-01-06', DATE '2026-08-31', interval '1 week') w(week)
LEFT JOIN products p ON p.category = c.category
LEFT JOIN orders o ON o.product_id = p.id AND o.order_date >= w.week AND o.order_date < w.week + interval '1 week'
GROUP BY 1, 2;
\echo '== train_forecaster: the next 4 weeks of every category, one model; errors on its last 8 weeks'
SELECT model, version, series, rows, round(mape::numeric, 3) AS mape, round(wape::numeric, 3) AS wape,
       round(mase::numeric, 3) AS mase, round(coverage::numeric, 2) AS coverage_80
FROM train_forecaster('shop_demand', 'public.weekly_category_units', '{category}', 'week', 'units', '{"horizon": 4}');
\echo '== forecast: shoes and toys, the 4 weeks after the last full week, with 80% intervals'
SELECT series->>'category' AS category, time AS week, value AS units, lower, upper
FROM forecast('shop_demand') WHERE series->>'category' IN ('shoes', 'toys') ORDER BY 1, 2;
\echo '== backtest_forecaster: would it have worked? 4 origins 4 weeks apart, each trained on the weeks before it'
SELECT round, origin, cells, round(mape::numeric, 3) AS mape, round(wape::numeric, 3) AS wape, round(mase::numeric, 3) AS mase,
       round(coverage::numeric, 2) AS coverage_80
FROM backtest_forecaster('public.weekly_category_units', '{category}', 'week', 'units', '{"horizon": 4}', rounds => 4);
