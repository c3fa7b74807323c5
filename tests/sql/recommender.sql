-- Recommendations in SQL: train_recommender, recommend_for_user(s), similar_items, the factors
-- as vectors, versions, and every bad input. A deterministic fixture: 60 users in two groups,
-- each buying mostly from its own half of 20 products (ids 101..110 and 111..120), some repeats.
SET search_path = shopml, public;
CREATE TABLE public.purchases AS
SELECT u AS customer_id,
       CASE WHEN (u % 2 = 0) = (abs(hashint4(u * 100 + j)) % 10 <> 0)
            THEN 101 + abs(hashint4(u * 100 + j + 7)) % 10 ELSE 111 + abs(hashint4(u * 100 + j + 7)) % 10 END AS product_id,
       1 + abs(hashint4(u * 100 + j + 13)) % 3 AS quantity
FROM generate_series(1, 60) u, generate_series(1, 8) j;
SELECT count(*) AS rows, count(DISTINCT customer_id) AS users, count(DISTINCT product_id) AS items,
       count(DISTINCT (customer_id, product_id)) AS pairs FROM public.purchases;

-- train with the defaults (factors, regularization and alpha tuned on a validation split;
-- 20% of each user's items held out for the metrics, then refitted on everything)
SELECT model, version, users, items, interactions, train_seconds < 60 AS fast,
       ndcg_at_10 > popular_ndcg_at_10 AS beats_popular, recall_at_10 > popular_recall_at_10 AS recalls_more, deployed, refit
FROM train_recommender('shop', 'public.purchases', 'customer_id', 'product_id');
-- chosen options, hold-out disabled (metrics NULL), weights from a column, exact solves
SELECT model, version, users, items, interactions, precision_at_10, ndcg_at_10, popular_ndcg_at_10
FROM train_recommender('shop', 'public.purchases', 'customer_id', 'product_id',
                       '{"factors": 8, "regularization": 1, "alpha": 2, "iterations": 10, "test_fraction": 0, "weight_column": "quantity", "solver": "cholesky"}');
SELECT name, version, task, algorithm, features, metrics->'params'->'factors' AS factors,
       jsonb_array_length(metrics->'validation') AS candidates, trained_by = current_user AS mine
FROM shopml.trained_models WHERE name = 'shop' ORDER BY version;

-- top 5 for an even and an odd customer: mostly their own group's products, none they bought
SELECT count(*) AS items, count(*) FILTER (WHERE r.item_id <= 110) >= 4 AS mostly_first_half, bool_and(r.score > 0) AS positive
FROM recommend_for_user('shop', 2, 5) r;
SELECT count(*) AS items, bool_and(r.item_id > 110) AS second_half,
       bool_and(NOT EXISTS (SELECT FROM public.purchases p WHERE p.customer_id = 3 AND p.product_id = r.item_id)) AS unseen
FROM recommend_for_user('shop', 3, 4) r;
-- exclude_seen => false ranks every product; scores are sorted
SELECT count(*) AS items, bool_and(s.score <= s.prev) AS sorted
FROM (SELECT score, lag(score, 1, 'Infinity') OVER (ORDER BY ord) AS prev
      FROM recommend_for_user('shop', 2, 100, false) WITH ORDINALITY r(item_id, score, ord)) s;
-- an unknown customer gets the most popular products (score: share of customers)
SELECT r.item_id, round(r.score::numeric, 3) AS share,
       (SELECT count(DISTINCT customer_id) FROM public.purchases p WHERE p.product_id = r.item_id) / 60.0 AS expected
FROM recommend_for_user('shop', 999, 3) r;
-- name@version picks one; version 1 was trained with a hold-out, so it differs from version 2
SELECT (SELECT array_agg(item_id) FROM recommend_for_user('shop@1', 2, 3)) IS NOT NULL AS v1_serves,
       (SELECT array_agg(item_id) FROM recommend_for_user('shop', 2, 3)) =
       (SELECT array_agg(item_id) FROM recommend_for_user('shop@2', 2, 3)) AS latest_is_v2;
-- the same for a seed: training twice gives the same recommendations
SELECT version FROM train_recommender('shop_again', 'public.purchases', 'customer_id', 'product_id',
       '{"factors": 8, "regularization": 1, "alpha": 2, "iterations": 10, "test_fraction": 0, "weight_column": "quantity", "solver": "cholesky"}');
SELECT (SELECT array_agg(item_id || ':' || score) FROM recommend_for_users('shop', ARRAY[1, 2, 3, 4], 5)) =
       (SELECT array_agg(item_id || ':' || score) FROM recommend_for_users('shop_again', ARRAY[1, 2, 3, 4], 5)) AS deterministic;
-- the same rows in another physical order give the same model (split, fits and sums follow the
-- rows' values)
CREATE TABLE public.purchases_moved AS SELECT * FROM public.purchases ORDER BY hashint4(customer_id * 1000 + product_id + quantity);
SELECT a.ndcg_at_10 = b.ndcg_at_10 AS same_metrics
FROM train_recommender('order_a', 'public.purchases', 'customer_id', 'product_id', '{"factors": 8, "regularization": 1, "alpha": 2, "weight_column": "quantity"}') a,
     train_recommender('order_b', 'public.purchases_moved', 'customer_id', 'product_id', '{"factors": 8, "regularization": 1, "alpha": 2, "weight_column": "quantity"}') b;
SELECT (SELECT array_agg(item_id || ':' || score) FROM recommend_for_users('order_a', ARRAY[1, 2, 3, 4], 5)) =
       (SELECT array_agg(item_id || ':' || score) FROM recommend_for_users('order_b', ARRAY[1, 2, 3, 4], 5)) AS same_model;

-- deploy: always (default), if_better, never. if_better ranks the deployed version and the new
-- fit on the held-out pairs the deployed one never saw.
SELECT version, deployed, refit FROM train_recommender('dep', 'public.purchases', 'customer_id', 'product_id',
       '{"factors": 8, "regularization": 1, "alpha": 2, "refit": false}');
-- the same fit again: it ties on the same pairs, so it is deployed
SELECT version, deployed, refit FROM train_recommender('dep', 'public.purchases', 'customer_id', 'product_id',
       '{"factors": 8, "regularization": 1, "alpha": 2, "refit": false, "deploy": "if_better"}');
SELECT version, metrics->'deploy'->>'previous_version' AS previous, (metrics->'deploy'->>'compared_users')::int > 0 AS compared,
       metrics->'deploy'->>'ndcg' = metrics->'deploy'->>'previous_ndcg' AS tie
FROM shopml.trained_models WHERE name = 'dep' AND version = 2;
-- never: stored, not deployed; unpinned references keep version 2
SELECT version, deployed FROM train_recommender('dep', 'public.purchases', 'customer_id', 'product_id', '{"factors": 8, "regularization": 1, "alpha": 2, "deploy": "never"}');
SELECT version FROM shopml.trained_models WHERE name = 'dep' AND deployed;
-- deploy version 3 (refitted on every row): it saw every pair a new split can hold out, so
-- if_better has nothing to compare on and stores the new version undeployed
SELECT deploy_model('dep', 3);
SELECT version, deployed, refit FROM train_recommender('dep', 'public.purchases', 'customer_id', 'product_id',
       '{"factors": 8, "regularization": 1, "alpha": 2, "deploy": "if_better"}');
SELECT metrics->'deploy' AS deploy FROM shopml.trained_models WHERE name = 'dep' AND version = 4;
SELECT (SELECT array_agg(item_id || ':' || score) FROM recommend_for_user('dep', 2, 5)) =
       (SELECT array_agg(item_id || ':' || score) FROM recommend_for_user('dep@3', 2, 5)) AS serves_v3;

-- many customers in one call equals one by one
SELECT count(*) AS rows, count(DISTINCT user_id) AS users,
       bool_and(b.item_id = (SELECT item_id FROM recommend_for_user('shop', b.user_id, 3) LIMIT 1 OFFSET b.rank - 1)) AS same
FROM recommend_for_users('shop', ARRAY[1, 2, 3, 999], 3) b;
-- similar products: from the same half
SELECT count(*) AS items, bool_and(item_id <= 110) AS same_half, bool_and(item_id <> 105) AS not_itself
FROM similar_items('shop', 105, 5);
-- the factors as vectors: plain SQL ranks the same items as recommend_for_user
CREATE TABLE public.item_factors AS SELECT item_id::bigint, factors FROM recommender_item_factors('shop');
SELECT count(*) AS items, min(vector_dims(factors)) AS dims FROM public.item_factors;
SELECT (SELECT array_agg(item_id ORDER BY factors <#> (SELECT factors FROM recommender_user_factors('shop') WHERE user_id = '2'), item_id)
          FROM (SELECT * FROM public.item_factors ORDER BY factors <#> (SELECT factors FROM recommender_user_factors('shop') WHERE user_id = '2'), item_id LIMIT 5) t)
     = (SELECT array_agg(item_id) FROM recommend_for_user('shop', 2, 5, false)) AS same_as_sql;

-- cold start: products nobody bought yet are placed by their text embedding (embed_text of
-- the title) next to products with similar text, so similar_items and recommendations reach them
CREATE TABLE public.catalog AS
SELECT id, CASE WHEN id <= 110 THEN 'red leather running shoes, size ' || id ELSE 'espresso coffee machine, model ' || id END AS title
FROM generate_series(101, 120) id
UNION ALL VALUES (121, 'red trail running shoes'), (122, 'espresso coffee grinder');
ALTER TABLE public.catalog ADD COLUMN embedding vector(384);
UPDATE public.catalog SET embedding = shopml.embed_text(title);
SELECT users, items, interactions FROM train_recommender('shop_cold', 'public.purchases', 'customer_id', 'product_id',
  '{"factors": 8, "regularization": 1, "alpha": 2, "test_fraction": 0, "item_embeddings": {"table": "public.catalog", "id_column": "id", "vector_column": "embedding"}}');
SELECT 121 AS new_product, count(*) AS similar, bool_and(item_id <= 110) AS same_kind FROM similar_items('shop_cold', 121, 3)
UNION ALL
SELECT 122, count(*), bool_and(item_id > 110 AND item_id <= 120) FROM similar_items('shop_cold', 122, 3);
SELECT count(*) FILTER (WHERE item_id IN (121, 122)) AS new_products_ranked FROM recommend_for_user('shop_cold', 2, 100);

-- ids of any type: text and uuid ids through the text overloads (cast back as needed)
CREATE TABLE public.views AS
SELECT 'user-' || customer_id AS visitor, md5(product_id::text)::uuid AS product FROM public.purchases;
SELECT users, items FROM train_recommender('views', 'public.views', 'visitor', 'product', '{"factors": 8, "regularization": 1, "alpha": 2, "test_fraction": 0}');
SELECT r.item_id::uuid = md5('101')::uuid OR r.item_id::uuid <> md5('101')::uuid AS is_uuid, count(*) OVER () AS n
FROM recommend_for_user('views', 'user-2', 2) r;
SELECT count(*) AS similar FROM similar_items('views', md5('105')::uuid::text, 3);
SELECT user_id, rank FROM recommend_for_users('views', ARRAY['user-1', 'nobody'], 2) ORDER BY user_id, rank;

-- bad inputs: clear errors with their SQLSTATE
CREATE TABLE public.empty_purchases (customer_id int, product_id int);
CREATE TABLE public.one_user AS SELECT 1 AS customer_id, i AS product_id FROM generate_series(1, 5) i;
CREATE TABLE public.null_ids AS SELECT * FROM (VALUES (1, 1), (2, 2), (NULL, 3)) v(customer_id, product_id);
CREATE TABLE public.negative AS SELECT customer_id, product_id, -1 AS w FROM public.purchases;
CREATE TABLE public.many_users AS SELECT i AS customer_id, i % 3 AS product_id FROM generate_series(1, 2000) i;
CREATE TABLE public.churn_tiny AS SELECT i AS x, i % 2 = 0 AS churned FROM generate_series(1, 40) i;
SELECT model FROM shopml.train_churn_model('fixture_churn', 'public.churn_tiny', 'churned', '{"algorithm": "logistic"}');
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM recommend_for_user('views', 2)$q$,
  $q$SELECT * FROM similar_items('views', 105)$q$,
  $q$SELECT * FROM recommend_for_user('nope', 1)$q$,
  $q$SELECT * FROM recommend_for_user('shop@9', 1)$q$,
  $q$SELECT * FROM recommend_for_user('shop', 1, 0)$q$,
  $q$SELECT * FROM recommend_for_user('shop', 1, -3)$q$,
  $q$SELECT * FROM recommend_for_user('shop', NULL::bigint)$q$,
  $q$SELECT * FROM recommend_for_user(NULL, 1)$q$,
  $q$SELECT * FROM recommend_for_user('shop', 1, NULL)$q$,
  $q$SELECT * FROM recommend_for_user('shop', 1, 5, NULL)$q$,
  $q$SELECT * FROM recommend_for_users('shop', ARRAY[1, NULL])$q$,
  $q$SELECT * FROM recommend_for_users('shop', NULL::bigint[])$q$,
  $q$SELECT * FROM similar_items('shop', 4242)$q$,
  $q$SELECT * FROM similar_items('shop', 105, 0)$q$,
  $q$SELECT count(*) FROM recommend_for_user('shop', 1, 2147483647)$q$,
  $q$SELECT count(*) FROM similar_items('shop', 105, 2147483647)$q$,
  $q$SELECT * FROM recommender_item_factors('nope')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.empty_purchases', 'customer_id', 'product_id')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.one_user', 'customer_id', 'product_id')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.null_ids', 'customer_id', 'product_id')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'nope')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'customer_id')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.views', 'visitor', 'product', '{"weight_column": "visitor"}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.negative', 'customer_id', 'product_id', '{"weight_column": "w"}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"factors": 0}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"regularization": -1}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"solver": "magic"}')$q$,
  $q$SET shopml.max_training_memory = '1MB'; SELECT * FROM train_recommender('bad', 'public.many_users', 'customer_id', 'product_id', '{"factors": 1024, "regularization": 1, "alpha": 1}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"test_fraction": 1}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"learning_rate": 1}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"deploy": "sometimes"}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"deploy": true}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"test_column": "quantity"}')$q$,
  $q$SELECT * FROM train_recommender('bad', NULL, 'customer_id', 'product_id')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', NULL, 'product_id')$q$,
  $q$SELECT * FROM train_recommender('bad name!', 'public.purchases', 'customer_id', 'product_id')$q$,
  $q$SELECT * FROM train_recommender('fixture_churn', 'public.purchases', 'customer_id', 'product_id')$q$,
  $q$SELECT shopml.predict_churn('shop', '{}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"item_embeddings": {"table": "public.nope", "id_column": "id", "vector_column": "embedding"}}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"item_embeddings": {"table": "public.catalog", "id_column": "id", "vector_column": "title"}}')$q$,
  $q$SELECT * FROM train_recommender('bad', 'public.purchases', 'customer_id', 'product_id', '{"item_embeddings": {"table": "public.catalog", "id_column": "id"}}')$q$]) q;
-- reading needs the caller's SELECT privilege; using another role's model needs its grant
CREATE ROLE rec_reader;
SET ROLE rec_reader;
SELECT regress.error_of($q$SELECT * FROM shopml.train_recommender('theirs', 'public.purchases', 'customer_id', 'product_id')$q$);
SELECT regress.error_of($q$SELECT count(*) FROM recommend_for_user('postgres.shop', 2, 3)$q$);
RESET ROLE;
SELECT grant_model('shop', 'rec_reader');
SET ROLE rec_reader;
SELECT count(*) AS served FROM recommend_for_user('postgres.shop', 2, 3);
RESET ROLE;
SELECT count(*) AS stored_bad FROM shopml.trained_models WHERE name IN ('bad', 'theirs');

SELECT drop_model('shop') AS dropped, drop_model('shop_again') + drop_model('views') + drop_model('shop_cold') AS others,
       drop_model('order_a') + drop_model('order_b') + drop_model('dep') AS more;
DROP ROLE rec_reader;
SELECT drop_model('fixture_churn') AS churn_dropped;
DROP TABLE public.purchases, public.purchases_moved, public.catalog, public.views, public.empty_purchases, public.one_user, public.null_ids, public.item_factors, public.negative, public.many_users, public.churn_tiny;
