-- Last statements of the install script, after pgrx's generated functions: their comments,
-- the models view, and privileges.

COMMENT ON FUNCTION @extschema@.embed_text(text, text) IS 'sentence embedding of a text (unit norm); NULL gives NULL';
COMMENT ON FUNCTION @extschema@.embed_texts(text[], text) IS 'embeddings of many texts in batched forward passes; element i embeds inputs[i]';
COMMENT ON FUNCTION @extschema@.l2_normalize(@extschema@.vector) IS 'unit vector in the same direction; a zero vector stays zero';
COMMENT ON FUNCTION @extschema@.subvector(@extschema@.vector, integer, integer) IS 'subvector(v, start, count): elements start (1-based) to start + count - 1';
COMMENT ON FUNCTION @extschema@.drop_model(text) IS 'drops every version of a trained model (its owner, a member of the owning role, or a superuser); returns the versions dropped';
COMMENT ON FUNCTION @extschema@.grant_model(text, text) IS 'lets a role (or PUBLIC) use every version of a model: predict, recommend, explain, see its catalog row; owner only; returns who may use it besides the owner';
COMMENT ON FUNCTION @extschema@.revoke_model(text, text) IS 'takes back grant_model; returns who may still use the model besides the owner';
COMMENT ON FUNCTION @extschema@.model_usable(oid, bigint[]) IS 'may the current role use a model of this owner granted to these roles (role oids, 0 = PUBLIC): the rule behind shopml.trained_models row security and every model function';

-- Each role sees the catalog rows of the models it may use (the functions check the same rule).
CREATE POLICY usable_models ON @extschema@.trained_models FOR SELECT
    USING (@extschema@.model_usable(owner::pg_catalog.oid, grantees::pg_catalog.oid[]::pg_catalog.int8[]));
COMMENT ON FUNCTION @extschema@.table_profile(regclass, text[]) IS 'what shopml reads from a table, column by column: kind, rows, NULLs, distinct values, min, max (read with the caller''s privileges)';
COMMENT ON FUNCTION @extschema@.train_churn_model(text, regclass, text, jsonb) IS 'trains a churn model on a table (read with the caller''s privileges) and stores it as the next version of name; returns test metrics';
COMMENT ON FUNCTION @extschema@.predict_churn(text, jsonb) IS 'churn probability of one customer (jsonb keyed by column; missing keys are NULL); model is name or name@version';
COMMENT ON FUNCTION @extschema@.predict_churn(text, regclass, text) IS 'churn probability of every row of a table, by id, in one call';
COMMENT ON FUNCTION @extschema@.explain_churn(text, jsonb) IS 'each feature''s contribution to the log-odds of predict_churn, largest first, then the base value';
COMMENT ON FUNCTION @extschema@.customer_features(regclass, text, text, text, timestamp with time zone) IS 'recency, frequency, monetary, tenure and recent order counts per customer from an orders table, as of a time (read with the caller''s privileges)';
COMMENT ON FUNCTION @extschema@.train_model(text, regclass, text, jsonb) IS 'trains a model predicting one column of a table from the others (read with the caller''s privileges): classification or regression, gradient-boosted trees or linear, the better on validation; stores it as the next version of name and returns its test metric beside a trivial baseline''s';
COMMENT ON FUNCTION @extschema@.predict(text, jsonb) IS 'the prediction for one row (jsonb keyed by column; missing keys are NULL): a regression''s value, or the positive class''s probability of a two-class model; model is name (its deployed version) or name@version';
COMMENT ON FUNCTION @extschema@.predict(text, regclass, text) IS 'every row of a table scored in one call, by key: prediction (value or probability) and the predicted class';
COMMENT ON FUNCTION @extschema@.predict_class(text, jsonb) IS 'the most probable class of one row, for a classifier';
COMMENT ON FUNCTION @extschema@.predict_proba(text, jsonb) IS 'every class''s probability for one row, as jsonb (class -> probability)';
COMMENT ON FUNCTION @extschema@.explain(text, jsonb, text) IS 'each feature''s contribution to one prediction (a value, or a class''s log-odds), largest first, then the base value; they sum to it';
COMMENT ON FUNCTION @extschema@.deploy_model(text, integer) IS 'makes one version of a model the one its unpinned name uses; only its owner may';
COMMENT ON FUNCTION @extschema@.train_segments(text, regclass, jsonb) IS 'segments the rows of a table (read with the caller''s privileges) by k-means on standardised columns, k given or chosen by the silhouette; stores the next version of name';
COMMENT ON FUNCTION @extschema@.assign_segment(text, jsonb) IS 'the segment (1 = the largest) of one row (jsonb keyed by column)';
COMMENT ON FUNCTION @extschema@.assign_segment(text, regclass, text) IS 'the segment of every row of a table, by key, with its distance to the segment''s centre';
COMMENT ON FUNCTION @extschema@.segment_profile(text) IS 'each segment''s size, share and feature means (text levels as shares), for BI tools';
COMMENT ON FUNCTION @extschema@.train_forecaster(text, regclass, text[], text, text, jsonb) IS 'trains one demand forecaster over every series of a table (read with the caller''s privileges: series columns, a time column, a value column, known-in-advance columns) and stores it as the next version of name; returns MAPE, WAPE, MASE and interval coverage on its last periods';
COMMENT ON FUNCTION @extschema@.forecast(text, integer, regclass) IS 'the next periods of every series after the training data and the gap: series (jsonb key), time (as text), value, lower, upper (80% interval by default); future: a table of planned known inputs (prices, promotions)';
COMMENT ON FUNCTION @extschema@.backtest_forecaster(regclass, text[], text, text, jsonb, integer, integer) IS 'rolling-origin evaluation of a forecaster on a table: one row per origin (MAPE, WAPE, MASE, interval coverage, seconds), then the whole; stores nothing';

CREATE VIEW @extschema@.models AS SELECT * FROM @extschema@.model_status();
COMMENT ON FUNCTION @extschema@.model_status() IS 'the rows of shopml.models (volatile: reads the model directory and this backend''s cache)';
COMMENT ON VIEW @extschema@.models IS 'every model shopml knows: task, dims, source package, size, sha256 of the weights, installed?, loaded in this backend?';

-- Everyone may call the functions (as with pgvector) and read the models view; only
-- superusers choose model files (shopml.model_dir) and the work ceiling (shopml.max_batch_tokens).
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT SELECT ON @extschema@.models TO PUBLIC;
COMMENT ON FUNCTION @extschema@.train_recommender(text, regclass, text, text, jsonb) IS 'trains an implicit-feedback ALS recommender on (user, item[, weight]) rows of a table (read with the caller''s privileges) and stores it as the next version of name; returns precision, recall and ndcg at 10 on held-out interactions beside a most-popular baseline, whether the new version is deployed (options.deploy: always, if_better, never) and whether the stored model was refitted on every interaction after being measured (refit)';
COMMENT ON FUNCTION @extschema@.recommend_for_user(text, bigint, integer, boolean) IS 'the k items a user is most likely to want, best first, leaving out what the user has seen; unknown users get the most popular items (score: share of users); integer item ids';
COMMENT ON FUNCTION @extschema@.recommend_for_user(text, text, integer, boolean) IS 'the k items a user is most likely to want, for ids of any type as text';
COMMENT ON FUNCTION @extschema@.recommend_for_users(text, bigint[], integer, boolean) IS 'recommend_for_user for many users in one call: user, rank, item, score';
COMMENT ON FUNCTION @extschema@.recommend_for_users(text, text[], integer, boolean) IS 'recommend_for_user for many users in one call, ids as text';
COMMENT ON FUNCTION @extschema@.similar_items(text, bigint, integer) IS 'the k items most like an item (cosine of their ALS factors: used by the same users)';
COMMENT ON FUNCTION @extschema@.similar_items(text, text, integer) IS 'the k items most like an item, ids as text';
COMMENT ON FUNCTION @extschema@.recommender_item_factors(text) IS 'every item''s ALS factors as a vector (rank items for a user with ORDER BY factors <#> user_factors)';
COMMENT ON FUNCTION @extschema@.recommender_user_factors(text) IS 'every user''s ALS factors as a vector';
COMMENT ON FUNCTION @extschema@.classify_sentiment(text, text) IS 'sentiment of a review: label positive or negative, score 2p - 1 in [-1, 1], confidence max(p, 1 - p); NULL gives NULL; model auto = shopml-sentiment-zh-v1 for mostly Chinese text, else shopml-sentiment-v1';
COMMENT ON FUNCTION @extschema@.classify_sentiments(text[], text) IS 'sentiments of many reviews in batched forward passes; element i is the verdict on inputs[i]';
COMMENT ON FUNCTION @extschema@.train_text_classifier(text, regclass, text, text, jsonb) IS 'trains a text classifier (hashed word n-grams and sentence embeddings, multinomial logistic regression) on a table read with the caller''s privileges; stores it as the next version of name; returns held-out accuracy, macro-F1 and per-class F1';
COMMENT ON FUNCTION @extschema@.classify_text(text, text, integer) IS 'the k most likely labels of a text under a trained text classifier, with their probabilities';
COMMENT ON FUNCTION @extschema@.classify_texts(text, text[]) IS 'the top label of each text in one call; idx is the 1-based position, NULL texts give NULL';
