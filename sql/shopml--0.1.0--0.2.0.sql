-- shopml 0.1.0 -> 0.2.0: `ALTER EXTENSION shopml UPDATE` after installing the 0.2.0 library.
-- The result equals a fresh 0.2.0 install (tests/sql/upgrade.sql compares them object by object).

-- embed_text, embed_texts, l2_normalize and subvector are #[pg_extern] functions now: same SQL
-- signatures and results, new C symbols (the 0.1.0 symbols stay in the library, forwarding).
CREATE OR REPLACE FUNCTION @extschema@.embed_text("input" TEXT, "model" TEXT DEFAULT 'all-MiniLM-L6-v2')
RETURNS @extschema@.vector IMMUTABLE STRICT PARALLEL SAFE COST 10000
LANGUAGE c AS 'MODULE_PATHNAME', 'embed_text_wrapper';
CREATE OR REPLACE FUNCTION @extschema@.embed_texts("inputs" TEXT[], "model" TEXT DEFAULT 'all-MiniLM-L6-v2')
RETURNS @extschema@.vector[] IMMUTABLE STRICT PARALLEL SAFE COST 100000
LANGUAGE c AS 'MODULE_PATHNAME', 'embed_texts_wrapper';
CREATE OR REPLACE FUNCTION @extschema@.l2_normalize("v" @extschema@.vector)
RETURNS @extschema@.vector IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'l2_normalize_wrapper';
CREATE OR REPLACE FUNCTION @extschema@.subvector("v" @extschema@.vector, "start" INT, "count" INT)
RETURNS @extschema@.vector IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'subvector_wrapper';

-- The catalog of trained models (as in sql/catalog.sql).
CREATE TABLE @extschema@.trained_models (
    name       text        NOT NULL CHECK (name OPERATOR(pg_catalog.~) '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$'),
    version    integer     NOT NULL CHECK (version OPERATOR(pg_catalog.>) 0),
    task       text        NOT NULL,
    algorithm  text        NOT NULL,
    options    jsonb       NOT NULL,
    features   jsonb       NOT NULL,
    metrics    jsonb       NOT NULL,
    payload    bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    trained_by name        NOT NULL,
    PRIMARY KEY (name, version)
);
COMMENT ON TABLE @extschema@.trained_models IS 'every version of every model trained in SQL: task, algorithm, options, feature spec, metrics, weights (payload), who trained it and when';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.trained_models', '');
REVOKE ALL ON @extschema@.trained_models FROM PUBLIC;
GRANT SELECT (name, version, task, algorithm, options, features, metrics, created_at, trained_by)
    ON @extschema@.trained_models TO PUBLIC;

CREATE FUNCTION @extschema@.drop_model("name" TEXT) RETURNS bigint
STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'drop_model_wrapper';

CREATE FUNCTION @extschema@.table_profile("relation" regclass, "columns" TEXT[] DEFAULT NULL)
RETURNS TABLE ("column_name" TEXT, "sql_type" TEXT, "kind" TEXT, "rows" bigint, "nulls" bigint,
               "distinct_values" bigint, "min" TEXT, "max" TEXT)
STABLE PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'table_profile_wrapper';

-- pgvector's bit distances on Postgres's own bit type, binary quantization, concatenation.
CREATE FUNCTION @extschema@.hamming_distance(pg_catalog.bit, pg_catalog.bit) RETURNS float8
    AS 'MODULE_PATHNAME', 'hamming_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.jaccard_distance(pg_catalog.bit, pg_catalog.bit) RETURNS float8
    AS 'MODULE_PATHNAME', 'jaccard_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.binary_quantize(@extschema@.vector) RETURNS pg_catalog.bit
    AS 'MODULE_PATHNAME', 'binary_quantize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_concat(@extschema@.vector, @extschema@.vector) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'vector_concat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.<~> (LEFTARG = pg_catalog.bit, RIGHTARG = pg_catalog.bit, PROCEDURE = @extschema@.hamming_distance, COMMUTATOR = OPERATOR(@extschema@.<~>));
CREATE OPERATOR @extschema@.<%> (LEFTARG = pg_catalog.bit, RIGHTARG = pg_catalog.bit, PROCEDURE = @extschema@.jaccard_distance, COMMUTATOR = OPERATOR(@extschema@.<%>));
CREATE OPERATOR @extschema@.|| (LEFTARG = @extschema@.vector, RIGHTARG = @extschema@.vector, PROCEDURE = @extschema@.vector_concat);
COMMENT ON FUNCTION @extschema@.hamming_distance(pg_catalog.bit, pg_catalog.bit) IS 'number of differing bits of two bit strings of one length (operator <~>)';
COMMENT ON FUNCTION @extschema@.jaccard_distance(pg_catalog.bit, pg_catalog.bit) IS '1 - |a and b| / |a or b| of two bit strings of one length, 1 when they share no set bit (operator <%>)';
COMMENT ON FUNCTION @extschema@.binary_quantize(@extschema@.vector) IS 'bit i set when element i is positive';
COMMENT ON FUNCTION @extschema@.vector_concat(@extschema@.vector, @extschema@.vector) IS 'the elements of a then those of b (operator ||)';
COMMENT ON OPERATOR @extschema@.<~> (pg_catalog.bit, pg_catalog.bit) IS 'Hamming distance';
COMMENT ON OPERATOR @extschema@.<%> (pg_catalog.bit, pg_catalog.bit) IS 'Jaccard distance';
COMMENT ON OPERATOR @extschema@.|| (@extschema@.vector, @extschema@.vector) IS 'concatenation';

-- The recommender (issue 16).
CREATE FUNCTION @extschema@."recommend_for_user"(
	"model" TEXT,
	"user_id" bigint,
	"k" INT DEFAULT 10,
	"exclude_seen" bool DEFAULT true
) RETURNS TABLE (
	"item_id" bigint,
	"score" real
)
STABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'recommend_for_user_bigint_wrapper';
CREATE FUNCTION @extschema@."recommend_for_user"(
	"model" TEXT,
	"user_id" TEXT,
	"k" INT DEFAULT 10,
	"exclude_seen" bool DEFAULT true
) RETURNS TABLE (
	"item_id" TEXT,
	"score" real
)
STABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'recommend_for_user_text_wrapper';
CREATE FUNCTION @extschema@."recommend_for_users"(
	"model" TEXT,
	"user_ids" bigint[],
	"k" INT DEFAULT 10,
	"exclude_seen" bool DEFAULT true
) RETURNS TABLE (
	"user_id" bigint,
	"rank" INT,
	"item_id" bigint,
	"score" real
)
STABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'recommend_for_users_bigint_wrapper';
CREATE FUNCTION @extschema@."recommend_for_users"(
	"model" TEXT,
	"user_ids" TEXT[],
	"k" INT DEFAULT 10,
	"exclude_seen" bool DEFAULT true
) RETURNS TABLE (
	"user_id" TEXT,
	"rank" INT,
	"item_id" TEXT,
	"score" real
)
STABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'recommend_for_users_text_wrapper';
CREATE FUNCTION @extschema@."recommender_item_factors"(
	"model" TEXT
) RETURNS TABLE (
	"item_id" TEXT,
	"factors" @extschema@.vector
)
STABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'recommender_item_factors_wrapper';
CREATE FUNCTION @extschema@."recommender_user_factors"(
	"model" TEXT
) RETURNS TABLE (
	"user_id" TEXT,
	"factors" @extschema@.vector
)
STABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'recommender_user_factors_wrapper';
CREATE FUNCTION @extschema@."similar_items"(
	"model" TEXT,
	"item_id" bigint,
	"k" INT DEFAULT 10
) RETURNS TABLE (
	"item_id" bigint,
	"score" real
)
STABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'similar_items_bigint_wrapper';
CREATE FUNCTION @extschema@."similar_items"(
	"model" TEXT,
	"item_id" TEXT,
	"k" INT DEFAULT 10
) RETURNS TABLE (
	"item_id" TEXT,
	"score" real
)
STABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'similar_items_text_wrapper';
CREATE FUNCTION @extschema@."train_recommender"(
	"name" TEXT,
	"interactions" regclass,
	"user_column" TEXT,
	"item_column" TEXT,
	"options" jsonb DEFAULT '{}'
) RETURNS TABLE (
	"model" TEXT,
	"version" INT,
	"users" bigint,
	"items" bigint,
	"interactions" bigint,
	"train_seconds" double precision,
	"precision_at_10" double precision,
	"recall_at_10" double precision,
	"ndcg_at_10" double precision,
	"popular_precision_at_10" double precision,
	"popular_recall_at_10" double precision,
	"popular_ndcg_at_10" double precision
)
VOLATILE PARALLEL UNSAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'train_recommender_wrapper';

COMMENT ON FUNCTION @extschema@.drop_model(text) IS 'drops every version of a trained model (its trainer or a superuser); returns the versions dropped';
COMMENT ON FUNCTION @extschema@.table_profile(regclass, text[]) IS 'what shopml reads from a table, column by column: kind, rows, NULLs, distinct values, min, max (read with the caller''s privileges)';

-- Churn (issue 15).
CREATE FUNCTION @extschema@.train_churn_model("name" TEXT, "relation" regclass, "label_column" TEXT, "options" jsonb DEFAULT '{}')
RETURNS TABLE ("model" TEXT, "version" INT, "algorithm" TEXT, "rows_train" bigint, "rows_test" bigint,
               "auc" double precision, "accuracy" double precision, "precision" double precision,
               "recall" double precision, "f1" double precision, "log_loss" double precision,
               "train_seconds" double precision)
VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'train_churn_model_wrapper';
CREATE FUNCTION @extschema@.predict_churn("model" TEXT, "customer" jsonb) RETURNS double precision
STABLE PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'predict_churn_wrapper';
CREATE FUNCTION @extschema@.predict_churn("model" TEXT, "relation" regclass, "id_column" TEXT)
RETURNS TABLE ("id" TEXT, "probability" double precision)
STABLE PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'predict_churn_table_wrapper';
CREATE FUNCTION @extschema@.explain_churn("model" TEXT, "customer" jsonb)
RETURNS TABLE ("feature" TEXT, "value" TEXT, "contribution" double precision)
STABLE PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'explain_churn_wrapper';
CREATE FUNCTION @extschema@.customer_features("orders" regclass, "customer_column" TEXT, "time_column" TEXT,
                                              "amount_column" TEXT, "as_of" timestamp with time zone DEFAULT now())
RETURNS TABLE ("customer_id" TEXT, "recency_days" double precision, "frequency" bigint, "monetary" double precision,
               "tenure_days" double precision, "avg_order_value" double precision, "orders_last_30d" bigint,
               "orders_last_90d" bigint)
STABLE PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'customer_features_wrapper';

COMMENT ON FUNCTION @extschema@.train_churn_model(text, regclass, text, jsonb) IS 'trains a churn model on a table (read with the caller''s privileges) and stores it as the next version of name; returns test metrics';
COMMENT ON FUNCTION @extschema@.predict_churn(text, jsonb) IS 'churn probability of one customer (jsonb keyed by column; missing keys are NULL); model is name or name@version';
COMMENT ON FUNCTION @extschema@.predict_churn(text, regclass, text) IS 'churn probability of every row of a table, by id, in one call';
COMMENT ON FUNCTION @extschema@.explain_churn(text, jsonb) IS 'each feature''s contribution to the log-odds of predict_churn, largest first, then the base value';
COMMENT ON FUNCTION @extschema@.customer_features(regclass, text, text, text, timestamp with time zone) IS 'recency, frequency, monetary, tenure and recent order counts per customer from an orders table, as of a time (read with the caller''s privileges)';
COMMENT ON FUNCTION @extschema@.train_recommender(text, regclass, text, text, jsonb) IS 'trains an implicit-feedback ALS recommender on (user, item[, weight]) rows of a table (read with the caller''s privileges) and stores it as the next version of name; returns precision, recall and ndcg at 10 on held-out interactions beside a most-popular baseline';
COMMENT ON FUNCTION @extschema@.recommend_for_user(text, bigint, integer, boolean) IS 'the k items a user is most likely to want, best first, leaving out what the user has seen; unknown users get the most popular items (score: share of users); integer item ids';
COMMENT ON FUNCTION @extschema@.recommend_for_user(text, text, integer, boolean) IS 'the k items a user is most likely to want, for ids of any type as text';
COMMENT ON FUNCTION @extschema@.recommend_for_users(text, bigint[], integer, boolean) IS 'recommend_for_user for many users in one call: user, rank, item, score';
COMMENT ON FUNCTION @extschema@.recommend_for_users(text, text[], integer, boolean) IS 'recommend_for_user for many users in one call, ids as text';
COMMENT ON FUNCTION @extschema@.similar_items(text, bigint, integer) IS 'the k items most like an item (cosine of their ALS factors: used by the same users)';
COMMENT ON FUNCTION @extschema@.similar_items(text, text, integer) IS 'the k items most like an item, ids as text';
COMMENT ON FUNCTION @extschema@.recommender_item_factors(text) IS 'every item''s ALS factors as a vector (rank items for a user with ORDER BY factors <#> user_factors)';
COMMENT ON FUNCTION @extschema@.recommender_user_factors(text) IS 'every user''s ALS factors as a vector';

-- Review sentiment (issue 18).
CREATE TYPE @extschema@.sentiment AS (label text, score real, confidence real);
COMMENT ON TYPE @extschema@.sentiment IS 'classify_sentiment''s verdict: label positive or negative, score in [-1, 1] (2p - 1), confidence in [0.5, 1]';
CREATE FUNCTION @extschema@.classify_sentiment("input" TEXT, "model" TEXT DEFAULT 'auto')
RETURNS @extschema@.sentiment
IMMUTABLE STRICT PARALLEL SAFE COST 10000
LANGUAGE c AS 'MODULE_PATHNAME', 'classify_sentiment_wrapper';
CREATE FUNCTION @extschema@.classify_sentiments("inputs" TEXT[], "model" TEXT DEFAULT 'auto')
RETURNS @extschema@.sentiment[]
IMMUTABLE STRICT PARALLEL SAFE COST 100000
LANGUAGE c AS 'MODULE_PATHNAME', 'classify_sentiments_wrapper';
COMMENT ON FUNCTION @extschema@.classify_sentiment(text, text) IS 'sentiment of a review: label positive or negative, score 2p - 1 in [-1, 1], confidence max(p, 1 - p); NULL gives NULL; model auto = shopml-sentiment-zh-v1 for mostly Chinese text, else shopml-sentiment-v1';
COMMENT ON FUNCTION @extschema@.classify_sentiments(text[], text) IS 'sentiments of many reviews in batched forward passes; element i is the verdict on inputs[i]';

-- Text classifiers trained in SQL (issue 18).
CREATE FUNCTION @extschema@.train_text_classifier("name" TEXT, "relation" regclass, "text_column" TEXT, "label_column" TEXT, "options" jsonb DEFAULT '{}')
RETURNS TABLE ("model" TEXT, "version" INT, "classes" INT, "rows_train" bigint, "rows_test" bigint, "accuracy" double precision,
               "macro_f1" double precision, "per_class_f1" jsonb, "train_seconds" double precision)
VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'train_text_classifier_wrapper';
CREATE FUNCTION @extschema@.classify_text("name" TEXT, "input" TEXT, "k" INT DEFAULT 1)
RETURNS TABLE ("label" TEXT, "confidence" real)
STABLE PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'classify_text_wrapper';
CREATE FUNCTION @extschema@.classify_texts("name" TEXT, "inputs" TEXT[])
RETURNS TABLE ("idx" INT, "label" TEXT, "confidence" real)
STABLE PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'classify_texts_wrapper';
COMMENT ON FUNCTION @extschema@.train_text_classifier(text, regclass, text, text, jsonb) IS 'trains a text classifier (hashed word n-grams and sentence embeddings, multinomial logistic regression) on a table read with the caller''s privileges; stores it as the next version of name; returns held-out accuracy, macro-F1 and per-class F1';
COMMENT ON FUNCTION @extschema@.classify_text(text, text, integer) IS 'the k most likely labels of a text under a trained text classifier, with their probabilities';
COMMENT ON FUNCTION @extschema@.classify_texts(text, text[]) IS 'the top label of each text in one call; idx is the 1-based position, NULL texts give NULL';

-- halfvec (issue 20).

CREATE TYPE @extschema@.halfvec;
CREATE FUNCTION @extschema@.halfvec_in(cstring, oid, integer) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_out(@extschema@.halfvec) RETURNS cstring
    AS 'MODULE_PATHNAME', 'halfvec_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_typmod_in(cstring[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'halfvec_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_recv(internal, oid, integer) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_send(@extschema@.halfvec) RETURNS bytea
    AS 'MODULE_PATHNAME', 'halfvec_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.halfvec (
    INPUT = @extschema@.halfvec_in, OUTPUT = @extschema@.halfvec_out,
    TYPMOD_IN = @extschema@.halfvec_typmod_in, TYPMOD_OUT = @extschema@.vector_typmod_out,
    RECEIVE = @extschema@.halfvec_recv, SEND = @extschema@.halfvec_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE @extschema@.halfvec IS 'half-precision (binary16) vector of 1 to 16000 dimensions; text form [1,2,3]; pgvector-compatible binary form';
COMMENT ON FUNCTION @extschema@.halfvec_in(cstring, oid, integer) IS 'text input';
COMMENT ON FUNCTION @extschema@.halfvec_out(@extschema@.halfvec) IS 'text output';
COMMENT ON FUNCTION @extschema@.halfvec_typmod_in(cstring[]) IS 'typmod input: halfvec(n)';
COMMENT ON FUNCTION @extschema@.halfvec_recv(internal, oid, integer) IS 'binary input (pgvector layout)';
COMMENT ON FUNCTION @extschema@.halfvec_send(@extschema@.halfvec) IS 'binary output (pgvector layout)';

CREATE FUNCTION @extschema@.l2_distance(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_l2_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_l2_squared_distance(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_l2_squared_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.inner_product(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_negative_inner_product(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_negative_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cosine_distance(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.l1_distance(@extschema@.halfvec, @extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_l1_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_dims(@extschema@.halfvec) RETURNS integer
    AS 'MODULE_PATHNAME', 'halfvec_vector_dims' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.l2_norm(@extschema@.halfvec) RETURNS float8
    AS 'MODULE_PATHNAME', 'halfvec_l2_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l2_distance(@extschema@.halfvec, @extschema@.halfvec) IS 'Euclidean distance (operator <->)';
COMMENT ON FUNCTION @extschema@.halfvec_l2_squared_distance(@extschema@.halfvec, @extschema@.halfvec) IS 'squared Euclidean distance';
COMMENT ON FUNCTION @extschema@.inner_product(@extschema@.halfvec, @extschema@.halfvec) IS 'inner product; <#> is its negation';
COMMENT ON FUNCTION @extschema@.halfvec_negative_inner_product(@extschema@.halfvec, @extschema@.halfvec) IS 'negative inner product (operator <#>)';
COMMENT ON FUNCTION @extschema@.cosine_distance(@extschema@.halfvec, @extschema@.halfvec) IS '1 - cosine similarity (operator <=>); NaN when either vector is zero';
COMMENT ON FUNCTION @extschema@.l1_distance(@extschema@.halfvec, @extschema@.halfvec) IS 'taxicab distance (operator <+>)';
COMMENT ON FUNCTION @extschema@.vector_dims(@extschema@.halfvec) IS 'number of dimensions';
COMMENT ON FUNCTION @extschema@.l2_norm(@extschema@.halfvec) IS 'Euclidean norm';

CREATE FUNCTION @extschema@.halfvec(@extschema@.halfvec, integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vector_to_halfvec(@extschema@.vector, integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'vector_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_to_vector(@extschema@.halfvec, integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'halfvec_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec(@extschema@.halfvec, integer, boolean) IS 'typmod coercion: checks the dimensions of halfvec(n)';
COMMENT ON FUNCTION @extschema@.vector_to_halfvec(@extschema@.vector, integer, boolean) IS 'cast vector to halfvec (rounds to binary16; beyond 65504 is an error)';
COMMENT ON FUNCTION @extschema@.halfvec_to_vector(@extschema@.halfvec, integer, boolean) IS 'cast halfvec to vector (exact)';
CREATE CAST (@extschema@.halfvec AS @extschema@.halfvec) WITH FUNCTION @extschema@.halfvec(@extschema@.halfvec, integer, boolean) AS IMPLICIT;
CREATE CAST (@extschema@.vector AS @extschema@.halfvec) WITH FUNCTION @extschema@.vector_to_halfvec(@extschema@.vector, integer, boolean) AS IMPLICIT;
CREATE CAST (@extschema@.halfvec AS @extschema@.vector) WITH FUNCTION @extschema@.halfvec_to_vector(@extschema@.halfvec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.halfvec AS @extschema@.halfvec) IS 'typmod coercion to halfvec(n)';
COMMENT ON CAST (@extschema@.vector AS @extschema@.halfvec) IS 'rounds each element to binary16 (implicit: embed_text fills halfvec columns)';
COMMENT ON CAST (@extschema@.halfvec AS @extschema@.vector) IS 'exact widening to float4 (on assignment)';

CREATE OPERATOR @extschema@.<-> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.l2_distance, COMMUTATOR = OPERATOR(@extschema@.<->));
CREATE OPERATOR @extschema@.<#> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.halfvec_negative_inner_product, COMMUTATOR = OPERATOR(@extschema@.<#>));
CREATE OPERATOR @extschema@.<=> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.cosine_distance, COMMUTATOR = OPERATOR(@extschema@.<=>));
CREATE OPERATOR @extschema@.<+> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.l1_distance, COMMUTATOR = OPERATOR(@extschema@.<+>));
COMMENT ON OPERATOR @extschema@.<->(@extschema@.halfvec, @extschema@.halfvec) IS 'Euclidean distance';
COMMENT ON OPERATOR @extschema@.<#>(@extschema@.halfvec, @extschema@.halfvec) IS 'negative inner product';
COMMENT ON OPERATOR @extschema@.<=>(@extschema@.halfvec, @extschema@.halfvec) IS 'cosine distance';
COMMENT ON OPERATOR @extschema@.<+>(@extschema@.halfvec, @extschema@.halfvec) IS 'taxicab distance';

-- arithmetic, concatenation, normalisation, subvector, binary quantisation
CREATE FUNCTION @extschema@.halfvec_add(@extschema@.halfvec, @extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_sub(@extschema@.halfvec, @extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_sub' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_mul(@extschema@.halfvec, @extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_mul' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_concat(@extschema@.halfvec, @extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_concat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.l2_normalize(@extschema@.halfvec) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_l2_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.subvector(@extschema@.halfvec, integer, integer) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_subvector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.binary_quantize(@extschema@.halfvec) RETURNS bit
    AS 'MODULE_PATHNAME', 'halfvec_binary_quantize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec_add(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise sum (operator +)';
COMMENT ON FUNCTION @extschema@.halfvec_sub(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise difference (operator -)';
COMMENT ON FUNCTION @extschema@.halfvec_mul(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise product (operator *)';
COMMENT ON FUNCTION @extschema@.halfvec_concat(@extschema@.halfvec, @extschema@.halfvec) IS 'concatenation (operator ||)';
COMMENT ON FUNCTION @extschema@.l2_normalize(@extschema@.halfvec) IS 'unit vector in the same direction; a zero vector stays zero';
COMMENT ON FUNCTION @extschema@.subvector(@extschema@.halfvec, integer, integer) IS 'subvector(v, start, count): elements start (1-based) to start + count - 1';
COMMENT ON FUNCTION @extschema@.binary_quantize(@extschema@.halfvec) IS 'bit i is set when element i is positive';
CREATE OPERATOR @extschema@.+ (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.halfvec_add, COMMUTATOR = OPERATOR(@extschema@.+));
CREATE OPERATOR @extschema@.- (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_sub);
CREATE OPERATOR @extschema@.* (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec,
    FUNCTION = @extschema@.halfvec_mul, COMMUTATOR = OPERATOR(@extschema@.*));
CREATE OPERATOR @extschema@.|| (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_concat);
COMMENT ON OPERATOR @extschema@.+(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise sum';
COMMENT ON OPERATOR @extschema@.-(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise difference';
COMMENT ON OPERATOR @extschema@.*(@extschema@.halfvec, @extschema@.halfvec) IS 'element-wise product';
COMMENT ON OPERATOR @extschema@.||(@extschema@.halfvec, @extschema@.halfvec) IS 'concatenation';

-- btree: element by element, then the shorter first
CREATE FUNCTION @extschema@.halfvec_lt(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_le(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_eq(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_ne(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_ge(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_gt(@extschema@.halfvec, @extschema@.halfvec) RETURNS bool
    AS 'MODULE_PATHNAME', 'halfvec_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_cmp(@extschema@.halfvec, @extschema@.halfvec) RETURNS integer
    AS 'MODULE_PATHNAME', 'halfvec_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec_lt(@extschema@.halfvec, @extschema@.halfvec) IS 'operator <';
COMMENT ON FUNCTION @extschema@.halfvec_le(@extschema@.halfvec, @extschema@.halfvec) IS 'operator <=';
COMMENT ON FUNCTION @extschema@.halfvec_eq(@extschema@.halfvec, @extschema@.halfvec) IS 'operator =';
COMMENT ON FUNCTION @extschema@.halfvec_ne(@extschema@.halfvec, @extschema@.halfvec) IS 'operator <>';
COMMENT ON FUNCTION @extschema@.halfvec_ge(@extschema@.halfvec, @extschema@.halfvec) IS 'operator >=';
COMMENT ON FUNCTION @extschema@.halfvec_gt(@extschema@.halfvec, @extschema@.halfvec) IS 'operator >';
COMMENT ON FUNCTION @extschema@.halfvec_cmp(@extschema@.halfvec, @extschema@.halfvec) IS 'btree comparison: element by element, then the shorter vector first';
CREATE OPERATOR @extschema@.< (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=), RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>), RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.= (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>), RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.<> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=), RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR @extschema@.>= (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<), RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
CREATE OPERATOR @extschema@.> (LEFTARG = @extschema@.halfvec, RIGHTARG = @extschema@.halfvec, FUNCTION = @extschema@.halfvec_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=), RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR @extschema@.<(@extschema@.halfvec, @extschema@.halfvec) IS 'less than (btree order)';
COMMENT ON OPERATOR @extschema@.<=(@extschema@.halfvec, @extschema@.halfvec) IS 'less than or equal (btree order)';
COMMENT ON OPERATOR @extschema@.=(@extschema@.halfvec, @extschema@.halfvec) IS 'equal, element by element';
COMMENT ON OPERATOR @extschema@.<>(@extschema@.halfvec, @extschema@.halfvec) IS 'not equal';
COMMENT ON OPERATOR @extschema@.>=(@extschema@.halfvec, @extschema@.halfvec) IS 'greater than or equal (btree order)';
COMMENT ON OPERATOR @extschema@.>(@extschema@.halfvec, @extschema@.halfvec) IS 'greater than (btree order)';
CREATE OPERATOR CLASS @extschema@.halfvec_ops DEFAULT FOR TYPE @extschema@.halfvec USING btree AS
    OPERATOR 1 @extschema@.<, OPERATOR 2 @extschema@.<=, OPERATOR 3 @extschema@.=, OPERATOR 4 @extschema@.>=, OPERATOR 5 @extschema@.>,
    FUNCTION 1 @extschema@.halfvec_cmp(@extschema@.halfvec, @extschema@.halfvec);
COMMENT ON OPERATOR CLASS @extschema@.halfvec_ops USING btree IS 'btree order of halfvec (ORDER BY, DISTINCT, UNIQUE)';

-- aggregates (the avg state is avg(vector)'s: [count, sums...] in float8) and array casts
CREATE FUNCTION @extschema@.halfvec_accum(double precision[], @extschema@.halfvec) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'halfvec_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_avg(double precision[]) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'halfvec_avg' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec_accum(double precision[], @extschema@.halfvec) IS 'avg(halfvec) transition: [count, sums...]';
COMMENT ON FUNCTION @extschema@.halfvec_avg(double precision[]) IS 'avg(halfvec) final function';
CREATE AGGREGATE @extschema@.avg(@extschema@.halfvec) (
    SFUNC = @extschema@.halfvec_accum, STYPE = double precision[], FINALFUNC = @extschema@.halfvec_avg,
    COMBINEFUNC = @extschema@.vector_combine, INITCOND = '{0}', PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.sum(@extschema@.halfvec) (
    SFUNC = @extschema@.halfvec_add, STYPE = @extschema@.halfvec, COMBINEFUNC = @extschema@.halfvec_add, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.avg(@extschema@.halfvec) IS 'element-wise mean (accumulated in double precision)';
COMMENT ON AGGREGATE @extschema@.sum(@extschema@.halfvec) IS 'element-wise sum';
CREATE FUNCTION @extschema@.array_to_halfvec(integer[], integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'array_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_halfvec(real[], integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'array_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_halfvec(double precision[], integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'array_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_halfvec(numeric[], integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'array_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.halfvec_to_float4(@extschema@.halfvec, integer, boolean) RETURNS real[]
    AS 'MODULE_PATHNAME', 'halfvec_to_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_halfvec(integer[], integer, boolean) IS 'cast integer[] to halfvec';
COMMENT ON FUNCTION @extschema@.array_to_halfvec(real[], integer, boolean) IS 'cast real[] to halfvec';
COMMENT ON FUNCTION @extschema@.array_to_halfvec(double precision[], integer, boolean) IS 'cast double precision[] to halfvec';
COMMENT ON FUNCTION @extschema@.array_to_halfvec(numeric[], integer, boolean) IS 'cast numeric[] to halfvec';
COMMENT ON FUNCTION @extschema@.halfvec_to_float4(@extschema@.halfvec, integer, boolean) IS 'cast halfvec to real[]';
CREATE CAST (integer[] AS @extschema@.halfvec) WITH FUNCTION @extschema@.array_to_halfvec(integer[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (real[] AS @extschema@.halfvec) WITH FUNCTION @extschema@.array_to_halfvec(real[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (double precision[] AS @extschema@.halfvec) WITH FUNCTION @extschema@.array_to_halfvec(double precision[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (numeric[] AS @extschema@.halfvec) WITH FUNCTION @extschema@.array_to_halfvec(numeric[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (@extschema@.halfvec AS real[]) WITH FUNCTION @extschema@.halfvec_to_float4(@extschema@.halfvec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (integer[] AS @extschema@.halfvec) IS 'integer array to halfvec';
COMMENT ON CAST (real[] AS @extschema@.halfvec) IS 'real array to halfvec (rounds to binary16)';
COMMENT ON CAST (double precision[] AS @extschema@.halfvec) IS 'double precision array to halfvec (rounds to binary16)';
COMMENT ON CAST (numeric[] AS @extschema@.halfvec) IS 'numeric array to halfvec (rounds to binary16)';
COMMENT ON CAST (@extschema@.halfvec AS real[]) IS 'halfvec to real array (exact)';
-- sparsevec: pgvector's sparse vector (src/types/sparsevec.rs). Every function is IMMUTABLE STRICT
-- PARALLEL SAFE and commented. The HNSW issue adds its operator classes.

CREATE TYPE @extschema@.sparsevec;
CREATE FUNCTION @extschema@.sparsevec_in(cstring, oid, integer) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'sparsevec_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_in(cstring, oid, integer) IS 'text input: {index:value,...}/dimensions, 1-based indices';
CREATE FUNCTION @extschema@.sparsevec_out(@extschema@.sparsevec) RETURNS cstring
    AS 'MODULE_PATHNAME', 'sparsevec_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_out(@extschema@.sparsevec) IS 'text output';
CREATE FUNCTION @extschema@.sparsevec_typmod_in(cstring[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'sparsevec_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_typmod_in(cstring[]) IS 'typmod input: sparsevec(n)';
CREATE FUNCTION @extschema@.sparsevec_recv(internal, oid, integer) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'sparsevec_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_recv(internal, oid, integer) IS 'binary input (pgvector layout)';
CREATE FUNCTION @extschema@.sparsevec_send(@extschema@.sparsevec) RETURNS bytea
    AS 'MODULE_PATHNAME', 'sparsevec_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_send(@extschema@.sparsevec) IS 'binary output (pgvector layout)';
CREATE TYPE @extschema@.sparsevec (
    INPUT = @extschema@.sparsevec_in, OUTPUT = @extschema@.sparsevec_out,
    TYPMOD_IN = @extschema@.sparsevec_typmod_in, TYPMOD_OUT = @extschema@.vector_typmod_out,
    RECEIVE = @extschema@.sparsevec_recv, SEND = @extschema@.sparsevec_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE @extschema@.sparsevec IS 'sparse single-precision vector: up to 1000000000 dimensions and 16000 non-zero elements; text form {1:1.5,3:2}/5; pgvector-compatible binary form';

CREATE FUNCTION @extschema@.l2_distance(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_l2_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l2_distance(@extschema@.sparsevec, @extschema@.sparsevec) IS 'Euclidean distance (operator <->)';
CREATE FUNCTION @extschema@.sparsevec_l2_squared_distance(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_l2_squared_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_l2_squared_distance(@extschema@.sparsevec, @extschema@.sparsevec) IS 'squared Euclidean distance';
CREATE FUNCTION @extschema@.inner_product(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.inner_product(@extschema@.sparsevec, @extschema@.sparsevec) IS 'inner product; <#> is its negation';
CREATE FUNCTION @extschema@.sparsevec_negative_inner_product(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_negative_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_negative_inner_product(@extschema@.sparsevec, @extschema@.sparsevec) IS 'negative inner product (operator <#>)';
CREATE FUNCTION @extschema@.cosine_distance(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cosine_distance(@extschema@.sparsevec, @extschema@.sparsevec) IS '1 - cosine similarity (operator <=>); NaN when either vector is zero';
CREATE FUNCTION @extschema@.l1_distance(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_l1_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l1_distance(@extschema@.sparsevec, @extschema@.sparsevec) IS 'taxicab distance (operator <+>)';
CREATE FUNCTION @extschema@.l2_norm(@extschema@.sparsevec) RETURNS float8
    AS 'MODULE_PATHNAME', 'sparsevec_l2_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l2_norm(@extschema@.sparsevec) IS 'Euclidean norm';
CREATE FUNCTION @extschema@.l2_normalize(@extschema@.sparsevec) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'sparsevec_l2_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.l2_normalize(@extschema@.sparsevec) IS 'unit length with the Euclidean norm (a zero vector stays zero)';
CREATE OPERATOR @extschema@.<-> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec,
    FUNCTION = @extschema@.l2_distance, COMMUTATOR = OPERATOR(@extschema@.<->));
COMMENT ON OPERATOR @extschema@.<->(@extschema@.sparsevec, @extschema@.sparsevec) IS 'Euclidean distance';
CREATE OPERATOR @extschema@.<#> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec,
    FUNCTION = @extschema@.sparsevec_negative_inner_product, COMMUTATOR = OPERATOR(@extschema@.<#>));
COMMENT ON OPERATOR @extschema@.<#>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'negative inner product';
CREATE OPERATOR @extschema@.<=> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec,
    FUNCTION = @extschema@.cosine_distance, COMMUTATOR = OPERATOR(@extschema@.<=>));
COMMENT ON OPERATOR @extschema@.<=>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'cosine distance';
CREATE OPERATOR @extschema@.<+> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec,
    FUNCTION = @extschema@.l1_distance, COMMUTATOR = OPERATOR(@extschema@.<+>));
COMMENT ON OPERATOR @extschema@.<+>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'taxicab distance';

-- casts: from vector and halfvec on assignment, to vector and halfvec on assignment, as in pgvector
CREATE FUNCTION @extschema@.sparsevec(@extschema@.sparsevec, integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec(@extschema@.sparsevec, integer, boolean) IS 'typmod coercion to sparsevec(n)';
CREATE FUNCTION @extschema@.vector_to_sparsevec(@extschema@.vector, integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'vector_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.vector_to_sparsevec(@extschema@.vector, integer, boolean) IS 'the non-zero elements of a vector';
CREATE FUNCTION @extschema@.sparsevec_to_vector(@extschema@.sparsevec, integer, boolean) RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'sparsevec_to_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_to_vector(@extschema@.sparsevec, integer, boolean) IS 'the dense vector (at most 16000 dimensions)';
CREATE FUNCTION @extschema@.halfvec_to_sparsevec(@extschema@.halfvec, integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'halfvec_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.halfvec_to_sparsevec(@extschema@.halfvec, integer, boolean) IS 'the non-zero elements of a halfvec';
CREATE FUNCTION @extschema@.sparsevec_to_halfvec(@extschema@.sparsevec, integer, boolean) RETURNS @extschema@.halfvec
    AS 'MODULE_PATHNAME', 'sparsevec_to_halfvec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_to_halfvec(@extschema@.sparsevec, integer, boolean) IS 'the dense halfvec (at most 16000 dimensions)';
CREATE FUNCTION @extschema@.array_to_sparsevec(integer[], integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'array_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_sparsevec(integer[], integer, boolean) IS 'the non-zero elements of an array';
CREATE FUNCTION @extschema@.array_to_sparsevec(real[], integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'array_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_sparsevec(real[], integer, boolean) IS 'the non-zero elements of an array';
CREATE FUNCTION @extschema@.array_to_sparsevec(double precision[], integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'array_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_sparsevec(double precision[], integer, boolean) IS 'the non-zero elements of an array';
CREATE FUNCTION @extschema@.array_to_sparsevec(numeric[], integer, boolean) RETURNS @extschema@.sparsevec
    AS 'MODULE_PATHNAME', 'array_to_sparsevec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.array_to_sparsevec(numeric[], integer, boolean) IS 'the non-zero elements of an array';
CREATE CAST (@extschema@.sparsevec AS @extschema@.sparsevec) WITH FUNCTION @extschema@.sparsevec(@extschema@.sparsevec, integer, boolean) AS IMPLICIT;
COMMENT ON CAST (@extschema@.sparsevec AS @extschema@.sparsevec) IS 'typmod coercion to sparsevec(n)';
CREATE CAST (@extschema@.vector AS @extschema@.sparsevec) WITH FUNCTION @extschema@.vector_to_sparsevec(@extschema@.vector, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.vector AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (@extschema@.halfvec AS @extschema@.sparsevec) WITH FUNCTION @extschema@.halfvec_to_sparsevec(@extschema@.halfvec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.halfvec AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (@extschema@.sparsevec AS @extschema@.vector) WITH FUNCTION @extschema@.sparsevec_to_vector(@extschema@.sparsevec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.sparsevec AS @extschema@.vector) IS 'the dense vector';
CREATE CAST (@extschema@.sparsevec AS @extschema@.halfvec) WITH FUNCTION @extschema@.sparsevec_to_halfvec(@extschema@.sparsevec, integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (@extschema@.sparsevec AS @extschema@.halfvec) IS 'the dense halfvec';
CREATE CAST (integer[] AS @extschema@.sparsevec) WITH FUNCTION @extschema@.array_to_sparsevec(integer[], integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (integer[] AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (real[] AS @extschema@.sparsevec) WITH FUNCTION @extschema@.array_to_sparsevec(real[], integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (real[] AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (double precision[] AS @extschema@.sparsevec) WITH FUNCTION @extschema@.array_to_sparsevec(double precision[], integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (double precision[] AS @extschema@.sparsevec) IS 'keeps the non-zero elements';
CREATE CAST (numeric[] AS @extschema@.sparsevec) WITH FUNCTION @extschema@.array_to_sparsevec(numeric[], integer, boolean) AS ASSIGNMENT;
COMMENT ON CAST (numeric[] AS @extschema@.sparsevec) IS 'keeps the non-zero elements';

-- btree: the order of the dense vectors (element by element), then the dimensions
CREATE FUNCTION @extschema@.sparsevec_lt(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_lt(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of <';
CREATE FUNCTION @extschema@.sparsevec_le(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_le(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of <=';
CREATE FUNCTION @extschema@.sparsevec_eq(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_eq(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of =';
CREATE FUNCTION @extschema@.sparsevec_ne(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_ne(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of <>';
CREATE FUNCTION @extschema@.sparsevec_ge(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_ge(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of >=';
CREATE FUNCTION @extschema@.sparsevec_gt(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS bool
    AS 'MODULE_PATHNAME', 'sparsevec_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_gt(@extschema@.sparsevec, @extschema@.sparsevec) IS 'implementation of >';
CREATE FUNCTION @extschema@.sparsevec_cmp(@extschema@.sparsevec, @extschema@.sparsevec) RETURNS integer
    AS 'MODULE_PATHNAME', 'sparsevec_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparsevec_cmp(@extschema@.sparsevec, @extschema@.sparsevec) IS 'btree comparison: -1, 0 or 1';
CREATE OPERATOR @extschema@.< (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=), RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
COMMENT ON OPERATOR @extschema@.<(@extschema@.sparsevec, @extschema@.sparsevec) IS 'less than (btree order)';
CREATE OPERATOR @extschema@.<= (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>), RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
COMMENT ON OPERATOR @extschema@.<=(@extschema@.sparsevec, @extschema@.sparsevec) IS 'less than or equal (btree order)';
CREATE OPERATOR @extschema@.= (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>), RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
COMMENT ON OPERATOR @extschema@.=(@extschema@.sparsevec, @extschema@.sparsevec) IS 'equal';
CREATE OPERATOR @extschema@.<> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=), RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
COMMENT ON OPERATOR @extschema@.<>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'not equal';
CREATE OPERATOR @extschema@.>= (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<), RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
COMMENT ON OPERATOR @extschema@.>=(@extschema@.sparsevec, @extschema@.sparsevec) IS 'greater than or equal (btree order)';
CREATE OPERATOR @extschema@.> (LEFTARG = @extschema@.sparsevec, RIGHTARG = @extschema@.sparsevec, FUNCTION = @extschema@.sparsevec_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=), RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR @extschema@.>(@extschema@.sparsevec, @extschema@.sparsevec) IS 'greater than (btree order)';
CREATE OPERATOR CLASS @extschema@.sparsevec_ops DEFAULT FOR TYPE @extschema@.sparsevec USING btree AS
    OPERATOR 1 @extschema@.<, OPERATOR 2 @extschema@.<=, OPERATOR 3 @extschema@.=, OPERATOR 4 @extschema@.>=, OPERATOR 5 @extschema@.>,
    FUNCTION 1 @extschema@.sparsevec_cmp(@extschema@.sparsevec, @extschema@.sparsevec);
COMMENT ON OPERATOR CLASS @extschema@.sparsevec_ops USING btree IS 'btree order of sparsevec (ORDER BY, DISTINCT, UNIQUE)';

COMMENT ON OPERATOR CLASS @extschema@.vector_ops USING btree IS 'btree ordering of vectors (element by element, then by dimensions): ORDER BY, DISTINCT, UNIQUE and = on vector columns';

-- The HNSW index (src/index/hnsw): access method shopml_hnsw, and hnsw when no other extension
-- (pgvector) owns that name, so that pgvector's DDL works unchanged:
--   CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops);
-- Access method names are global: README, "HNSW index", says how to hand the name hnsw over to
-- pgvector installed later (shopml_hnsw indexes keep working).

CREATE FUNCTION @extschema@.shopml_hnsw_handler(internal) RETURNS index_am_handler
    AS 'MODULE_PATHNAME', 'shopml_hnsw_handler' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.shopml_hnsw_handler(internal) IS 'index access method handler of shopml_hnsw (and hnsw)';
CREATE ACCESS METHOD shopml_hnsw TYPE INDEX HANDLER @extschema@.shopml_hnsw_handler;
COMMENT ON ACCESS METHOD shopml_hnsw IS 'HNSW approximate nearest-neighbour index for ORDER BY vector <op> query LIMIT k; options m (16), ef_construction (64); setting shopml.hnsw_ef_search';

CREATE FUNCTION @extschema@.hnsw_l2_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_l2_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_l2_support(internal) IS 'support function of vector_l2_ops for HNSW indexes: the index orders by L2 distance';
CREATE FUNCTION @extschema@.hnsw_ip_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_ip_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_ip_support(internal) IS 'support function of vector_ip_ops for HNSW indexes: the index orders by negative inner product';
CREATE FUNCTION @extschema@.hnsw_cosine_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_cosine_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_cosine_support(internal) IS 'support function of vector_cosine_ops for HNSW indexes: the index orders by cosine distance (zero vectors are not indexed)';
CREATE FUNCTION @extschema@.hnsw_l1_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_l1_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_l1_support(internal) IS 'support function of vector_l1_ops for HNSW indexes: the index orders by L1 distance';

CREATE OPERATOR CLASS @extschema@.vector_l2_ops FOR TYPE @extschema@.vector USING shopml_hnsw AS
    OPERATOR 1 @extschema@.<-> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 @extschema@.hnsw_l2_support(internal);
COMMENT ON OPERATOR CLASS @extschema@.vector_l2_ops USING shopml_hnsw IS 'HNSW index for ORDER BY vector <-> query';
CREATE OPERATOR CLASS @extschema@.vector_ip_ops FOR TYPE @extschema@.vector USING shopml_hnsw AS
    OPERATOR 1 @extschema@.<#> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 @extschema@.hnsw_ip_support(internal);
COMMENT ON OPERATOR CLASS @extschema@.vector_ip_ops USING shopml_hnsw IS 'HNSW index for ORDER BY vector <#> query';
CREATE OPERATOR CLASS @extschema@.vector_cosine_ops FOR TYPE @extschema@.vector USING shopml_hnsw AS
    OPERATOR 1 @extschema@.<=> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 @extschema@.hnsw_cosine_support(internal);
COMMENT ON OPERATOR CLASS @extschema@.vector_cosine_ops USING shopml_hnsw IS 'HNSW index for ORDER BY vector <=> query';
CREATE OPERATOR CLASS @extschema@.vector_l1_ops FOR TYPE @extschema@.vector USING shopml_hnsw AS
    OPERATOR 1 @extschema@.<+> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 @extschema@.hnsw_l1_support(internal);
COMMENT ON OPERATOR CLASS @extschema@.vector_l1_ops USING shopml_hnsw IS 'HNSW index for ORDER BY vector <+> query';

-- The pgvector name, when it is free. The same handler and operator classes under it.
DO LANGUAGE plpgsql $hnsw$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_am WHERE amname OPERATOR(pg_catalog.=) 'hnsw') THEN
        CREATE ACCESS METHOD hnsw TYPE INDEX HANDLER @extschema@.shopml_hnsw_handler;
        COMMENT ON ACCESS METHOD hnsw IS 'shopml''s HNSW index under pgvector''s name (created because no other extension owned it); same as shopml_hnsw';
        CREATE OPERATOR CLASS @extschema@.vector_l2_ops FOR TYPE @extschema@.vector USING hnsw AS
            OPERATOR 1 @extschema@.<-> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
            FUNCTION 1 @extschema@.hnsw_l2_support(internal);
        COMMENT ON OPERATOR CLASS @extschema@.vector_l2_ops USING hnsw IS 'HNSW index for ORDER BY vector <-> query';
        CREATE OPERATOR CLASS @extschema@.vector_ip_ops FOR TYPE @extschema@.vector USING hnsw AS
            OPERATOR 1 @extschema@.<#> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
            FUNCTION 1 @extschema@.hnsw_ip_support(internal);
        COMMENT ON OPERATOR CLASS @extschema@.vector_ip_ops USING hnsw IS 'HNSW index for ORDER BY vector <#> query';
        CREATE OPERATOR CLASS @extschema@.vector_cosine_ops FOR TYPE @extschema@.vector USING hnsw AS
            OPERATOR 1 @extschema@.<=> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
            FUNCTION 1 @extschema@.hnsw_cosine_support(internal);
        COMMENT ON OPERATOR CLASS @extschema@.vector_cosine_ops USING hnsw IS 'HNSW index for ORDER BY vector <=> query';
        CREATE OPERATOR CLASS @extschema@.vector_l1_ops FOR TYPE @extschema@.vector USING hnsw AS
            OPERATOR 1 @extschema@.<+> (@extschema@.vector, @extschema@.vector) FOR ORDER BY pg_catalog.float_ops,
            FUNCTION 1 @extschema@.hnsw_l1_support(internal);
        COMMENT ON OPERATOR CLASS @extschema@.vector_l1_ops USING hnsw IS 'HNSW index for ORDER BY vector <+> query';
    ELSE
        RAISE WARNING 'access method "hnsw" exists already (pgvector?): shopml''s HNSW index is available as shopml_hnsw';
    END IF;
END
$hnsw$;

-- halfvec columns (pgvector's halfvec_*_ops): the index widens the values to f32, exactly, so its
-- distances are the halfvec operators' own. Under shopml_hnsw, and under hnsw when that is ours.
CREATE FUNCTION @extschema@.hnsw_halfvec_l2_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_halfvec_l2_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_halfvec_l2_support(internal) IS 'support function of halfvec_l2_ops for HNSW indexes: the index orders by L2 distance';
CREATE FUNCTION @extschema@.hnsw_halfvec_ip_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_halfvec_ip_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_halfvec_ip_support(internal) IS 'support function of halfvec_ip_ops for HNSW indexes: the index orders by negative inner product';
CREATE FUNCTION @extschema@.hnsw_halfvec_cosine_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_halfvec_cosine_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_halfvec_cosine_support(internal) IS 'support function of halfvec_cosine_ops for HNSW indexes: the index orders by cosine distance (zero vectors are not indexed)';
CREATE FUNCTION @extschema@.hnsw_halfvec_l1_support(internal) RETURNS integer
    AS 'MODULE_PATHNAME', 'hnsw_halfvec_l1_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hnsw_halfvec_l1_support(internal) IS 'support function of halfvec_l1_ops for HNSW indexes: the index orders by L1 distance';

DO LANGUAGE plpgsql $halfvec_hnsw$
DECLARE
    am pg_catalog.name;
    c record;
BEGIN
    FOR am IN SELECT amname FROM pg_catalog.pg_am
              WHERE amname OPERATOR(pg_catalog.=) ANY (ARRAY['shopml_hnsw', 'hnsw']::pg_catalog.name[])
                AND amhandler::pg_catalog.oid OPERATOR(pg_catalog.=) '@extschema@.shopml_hnsw_handler(internal)'::pg_catalog.regprocedure::pg_catalog.oid
    LOOP
        FOR c IN SELECT * FROM (VALUES ('halfvec_l2_ops', '<->', 'hnsw_halfvec_l2_support'),
                                       ('halfvec_ip_ops', '<#>', 'hnsw_halfvec_ip_support'),
                                       ('halfvec_cosine_ops', '<=>', 'hnsw_halfvec_cosine_support'),
                                       ('halfvec_l1_ops', '<+>', 'hnsw_halfvec_l1_support')) v(opclass, op, support)
        LOOP
            EXECUTE pg_catalog.format(
                'CREATE OPERATOR CLASS @extschema@.%I FOR TYPE @extschema@.halfvec USING %I AS '
                'OPERATOR 1 @extschema@.%s (@extschema@.halfvec, @extschema@.halfvec) FOR ORDER BY pg_catalog.float_ops, '
                'FUNCTION 1 @extschema@.%I(internal)', c.opclass, am, c.op, c.support);
            EXECUTE pg_catalog.format('COMMENT ON OPERATOR CLASS @extschema@.%I USING %I IS %L',
                c.opclass, am, pg_catalog.format('HNSW index for ORDER BY halfvec %s query', c.op));
        END LOOP;
    END LOOP;
END
$halfvec_hnsw$;
