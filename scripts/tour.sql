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
SELECT '[1,2,3]'::vector + '[1,1,1]' AS add, l2_normalize('[3,4]'::vector) AS unit, avg(v) AS avg
FROM (VALUES ('[1,2]'::vector), ('[3,4]')) t(v);
SELECT '[1,2'::vector;
SELECT '[1,2]'::vector <-> '[1,2,3]';
SELECT embed_text('x', 'gpt-5');
\echo '-- table_profile'
SELECT column_name, sql_type, kind, rows, nulls, distinct_values, min, max FROM table_profile('products');
CREATE TEMP TABLE orders_tour (customer_id int, order_date date, amount numeric);
INSERT INTO orders_tour VALUES (1, '2024-01-05', 40), (1, '2024-06-01', 25), (2, '2023-11-20', 310), (1, '2024-06-25', 60);
\echo '-- churn'
\set QUIET on
\i scripts/load_churn_data.sql
\set QUIET off
SELECT model, version, algorithm, rows_train, rows_test, round(auc::numeric, 4) AS auc, round(log_loss::numeric, 4) AS log_loss, round(train_seconds::numeric, 2) AS seconds
FROM train_churn_model('telco', 'public.wa_churn', 'churn', '{"exclude": ["row_number"], "test_column": "is_test"}');
SELECT row_number, round(predict_churn('telco', to_jsonb(c))::numeric, 3) AS churn_probability
FROM public.wa_churn c WHERE row_number IN (1, 2, 3);
SELECT feature, value, round(contribution::numeric, 3) AS contribution
FROM explain_churn('telco', (SELECT to_jsonb(c) FROM public.wa_churn c WHERE row_number = 3)) LIMIT 6;
SELECT id, round(probability::numeric, 3) AS probability FROM predict_churn('telco', 'public.wa_churn', 'row_number') ORDER BY probability DESC LIMIT 3;
SELECT * FROM customer_features('orders_tour', 'customer_id', 'order_date', 'amount', '2024-06-30');
\echo '-- recommender'
\set QUIET on
CREATE TABLE public.ratings (user_id int, item_id int, rating int, rated_at bigint);
\copy public.ratings FROM 'data/ml100k_ratings.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE public.movies (item_id int, title text);
\copy public.movies FROM 'data/ml100k_items.csv' WITH (FORMAT csv, HEADER true)
\set QUIET off
SELECT model, version, users, items, interactions, round(ndcg_at_10::numeric, 4) AS ndcg_at_10,
       round(popular_ndcg_at_10::numeric, 4) AS popular_ndcg_at_10, round(train_seconds::numeric, 2) AS seconds
FROM train_recommender('movies', 'public.ratings', 'user_id', 'item_id');
SELECT r.item_id, m.title, round(r.score::numeric, 3) AS score
FROM recommend_for_user('movies', 1, 5) r JOIN public.movies m USING (item_id) ORDER BY r.score DESC;
SELECT s.item_id, m.title, round(s.score::numeric, 3) AS similarity
FROM similar_items('movies', 50, 5) s JOIN public.movies m USING (item_id) ORDER BY s.score DESC;
SELECT user_id, rank, item_id FROM recommend_for_users('movies', ARRAY[1, 2, 99999], 2);
-- the factors as vectors: ranking in plain SQL gives the same items
SELECT item_id, round((factors <#> (SELECT factors FROM recommender_user_factors('movies') WHERE user_id = '1'))::numeric, 3) AS neg_score
FROM recommender_item_factors('movies') ORDER BY 2 LIMIT 3;
\echo '-- trained_models'
SELECT name, version, task, algorithm, metrics->>'auc' AS auc, trained_by FROM shopml.trained_models;
SELECT drop_model('telco'), drop_model('movies');
DROP TABLE public.ratings, public.movies;
\echo '-- classify_sentiment'
SELECT r AS review, (classify_sentiment(r)).* FROM unnest(ARRAY[
  'Absolutely delicious, my kids love these cookies and I will order again!',
  'The coffee tasted burnt and stale. Waste of money.',
  'It is ok, nothing special.',
  '@united thanks for the quick rebooking, great crew today']) r;
\echo '-- classify_sentiments'
SELECT i, s.label, round(s.score::numeric, 3) AS score
FROM unnest(classify_sentiments(ARRAY['Love it', NULL, 'Broken on arrival'])) WITH ORDINALITY s(label, score, confidence, i);
\echo '-- train_text_classifier'
CREATE TEMP TABLE tickets (body text, intent text);
INSERT INTO tickets SELECT b || ' ' || (ARRAY['hello', 'hi team', '', 'dear shop'])[1 + i % 4], it
FROM generate_series(0, 59) i, LATERAL (SELECT (ARRAY['i want my money back', 'please refund my order', 'refund the payment now', 'money back for this order please',
  'where is my parcel', 'my order has not arrived', 'tracking shows no delivery', 'when will the parcel arrive',
  'great shop thank you', 'love the product thanks', 'thank you for the fast help', 'great service love it'])[1 + i % 12] AS b,
  (ARRAY['refund', 'shipping', 'praise'])[1 + (i % 12) / 4] AS it) x;
SELECT model, version, classes, rows_train, rows_test, accuracy, round(macro_f1::numeric, 3) AS macro_f1, per_class_f1
FROM train_text_classifier('intents', 'tickets', 'body', 'intent');
\echo '-- classify_text'
SELECT * FROM classify_text('intents', 'my package never came', 3);
\echo '-- classify_texts'
SELECT * FROM classify_texts('intents', ARRAY['refund please', NULL, 'thanks, lovely shop']);
SELECT drop_model('intents');
