-- shopml 0.2.0 -> 0.3.0: `ALTER EXTENSION shopml UPDATE` after installing the 0.3.0 library.
-- The result equals a fresh 0.3.0 install (tests/sql/upgrade.sql compares them object by object).

-- Trained models get owners (issue 29). Each existing model belongs to the role that trained it
-- (to the extension's owner when that role is gone) and is granted to nobody: roles that used
-- another role's model before need its owner to run shopml.grant_model (README, "Operations and
-- security"). The weights get a checksum, checked at every load.
ALTER TABLE @extschema@.trained_models
    ADD COLUMN owner    regrole,
    ADD COLUMN grantees regrole[] NOT NULL DEFAULT '{}',
    ADD COLUMN checksum bytea,
    -- Deployment (issue 32): every existing version counts as deployed, so unpinned references
    -- keep using the latest one until shopml.deploy_model or a training says otherwise.
    ADD COLUMN deployed boolean NOT NULL DEFAULT true;
UPDATE @extschema@.trained_models
   SET owner = COALESCE(pg_catalog.to_regrole(trained_by::pg_catalog.text),
                        (SELECT extowner FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'shopml')::pg_catalog.regrole),
       checksum = pg_catalog.sha256(payload);
ALTER TABLE @extschema@.trained_models
    ALTER COLUMN owner SET NOT NULL,
    ALTER COLUMN checksum SET NOT NULL,
    DROP CONSTRAINT trained_models_pkey,
    ADD PRIMARY KEY (owner, name, version);
COMMENT ON TABLE @extschema@.trained_models IS 'every version of every model trained in SQL: task, algorithm, options, feature spec, metrics, weights (payload) and their sha256 (checksum), who trained it and when, its owner and the roles it is granted to (0 = PUBLIC), and whether it is the version that unpinned references use (deployed)';
GRANT SELECT (owner, grantees, deployed) ON @extschema@.trained_models TO PUBLIC;
ALTER TABLE @extschema@.trained_models ENABLE ROW LEVEL SECURITY;

CREATE FUNCTION @extschema@."grant_model"("model" TEXT, "role" TEXT) RETURNS TEXT[]
VOLATILE STRICT PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'grant_model_wrapper';
CREATE FUNCTION @extschema@."revoke_model"("model" TEXT, "role" TEXT) RETURNS TEXT[]
VOLATILE STRICT PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'revoke_model_wrapper';
CREATE FUNCTION @extschema@."model_usable"("owner" oid, "grantees" bigint[]) RETURNS bool
STABLE STRICT PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'model_usable_wrapper';

COMMENT ON FUNCTION @extschema@.drop_model(text) IS 'drops every version of a trained model (its owner, a member of the owning role, or a superuser); returns the versions dropped';
COMMENT ON FUNCTION @extschema@.grant_model(text, text) IS 'lets a role (or PUBLIC) use every version of a model: predict, recommend, explain, see its catalog row; owner only; returns who may use it besides the owner';
COMMENT ON FUNCTION @extschema@.revoke_model(text, text) IS 'takes back grant_model; returns who may still use the model besides the owner';
COMMENT ON FUNCTION @extschema@.model_usable(oid, bigint[]) IS 'may the current role use a model of this owner granted to these roles (role oids, 0 = PUBLIC): the rule behind shopml.trained_models row security and every model function';

CREATE POLICY usable_models ON @extschema@.trained_models FOR SELECT
    USING (@extschema@.model_usable(owner::pg_catalog.oid, grantees::pg_catalog.oid[]::pg_catalog.int8[]));

-- Demand forecasting (issue 31).
CREATE FUNCTION @extschema@."train_forecaster"("name" TEXT, "relation" regclass, "series_columns" TEXT[], "time_column" TEXT, "value_column" TEXT, "options" jsonb DEFAULT '{}')
RETURNS TABLE ("model" TEXT, "version" INT, "series" bigint, "rows" bigint, "mape" double precision, "wape" double precision,
               "mase" double precision, "coverage" double precision, "train_seconds" double precision)
VOLATILE PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'train_forecaster_wrapper';
CREATE FUNCTION @extschema@."forecast"("model" TEXT, "horizon" INT DEFAULT NULL, "future" regclass DEFAULT NULL)
RETURNS TABLE ("series" jsonb, "time" TEXT, "value" double precision, "lower" double precision, "upper" double precision)
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'forecast_wrapper';
CREATE FUNCTION @extschema@."backtest_forecaster"("relation" regclass, "series_columns" TEXT[], "time_column" TEXT, "value_column" TEXT, "options" jsonb DEFAULT '{}', "rounds" INT DEFAULT 3, "every" INT DEFAULT NULL)
RETURNS TABLE ("round" INT, "origin" TEXT, "cells" bigint, "mape" double precision, "wape" double precision,
               "mase" double precision, "coverage" double precision, "seconds" double precision)
VOLATILE PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'backtest_forecaster_wrapper';
COMMENT ON FUNCTION @extschema@.train_forecaster(text, regclass, text[], text, text, jsonb) IS 'trains one demand forecaster over every series of a table (read with the caller''s privileges: series columns, a time column, a value column, known-in-advance columns) and stores it as the next version of name; returns MAPE, WAPE, MASE and interval coverage on its last periods';
COMMENT ON FUNCTION @extschema@.forecast(text, integer, regclass) IS 'the next periods of every series after the training data and the gap: series (jsonb key), time (as text), value, lower, upper (80% interval by default); future: a table of planned known inputs (prices, promotions)';
COMMENT ON FUNCTION @extschema@.backtest_forecaster(regclass, text[], text, text, jsonb, integer, integer) IS 'rolling-origin evaluation of a forecaster on a table: one row per origin (MAPE, WAPE, MASE, interval coverage, seconds), then the whole; stores nothing';

-- Models of any column (issue 32): train_model, predict, predict_class, predict_proba, explain,
-- deploy_model.
CREATE FUNCTION @extschema@."train_model"("name" TEXT, "relation" regclass, "target" TEXT, "options" jsonb DEFAULT '{}')
RETURNS TABLE ("model" TEXT, "version" INT, "task" TEXT, "algorithm" TEXT, "deployed" bool, "rows_train" bigint,
               "rows_test" bigint, "metric" TEXT, "score" double precision, "baseline" double precision,
               "train_seconds" double precision)
VOLATILE PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'train_model_wrapper';
CREATE FUNCTION @extschema@."predict"("model" TEXT, "row" jsonb) RETURNS double precision
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'predict_wrapper';
CREATE FUNCTION @extschema@."predict"("model" TEXT, "relation" regclass, "key_column" TEXT)
RETURNS TABLE ("key" TEXT, "prediction" double precision, "class" TEXT)
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'predict_table_wrapper';
CREATE FUNCTION @extschema@."predict_class"("model" TEXT, "row" jsonb) RETURNS TEXT
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'predict_class_wrapper';
CREATE FUNCTION @extschema@."predict_proba"("model" TEXT, "row" jsonb) RETURNS jsonb
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'predict_proba_wrapper';
CREATE FUNCTION @extschema@."explain"("model" TEXT, "row" jsonb, "class" TEXT DEFAULT NULL)
RETURNS TABLE ("feature" TEXT, "value" TEXT, "contribution" double precision)
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'explain_wrapper';
CREATE FUNCTION @extschema@."deploy_model"("model" TEXT, "version" INT) RETURNS INT
VOLATILE PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'deploy_model_wrapper';
COMMENT ON FUNCTION @extschema@.train_model(text, regclass, text, jsonb) IS 'trains a model predicting one column of a table from the others (read with the caller''s privileges): classification or regression, gradient-boosted trees or linear, the better on validation; stores it as the next version of name and returns its test metric beside a trivial baseline''s';
COMMENT ON FUNCTION @extschema@.predict(text, jsonb) IS 'the prediction for one row (jsonb keyed by column; missing keys are NULL): a regression''s value, or the positive class''s probability of a two-class model; model is name (its deployed version) or name@version';
COMMENT ON FUNCTION @extschema@.predict(text, regclass, text) IS 'every row of a table scored in one call, by key: prediction (value or probability) and the predicted class';
COMMENT ON FUNCTION @extschema@.predict_class(text, jsonb) IS 'the most probable class of one row, for a classifier';
COMMENT ON FUNCTION @extschema@.predict_proba(text, jsonb) IS 'every class''s probability for one row, as jsonb (class -> probability)';
COMMENT ON FUNCTION @extschema@.explain(text, jsonb, text) IS 'each feature''s contribution to one prediction (a value, or a class''s log-odds), largest first, then the base value; they sum to it';
COMMENT ON FUNCTION @extschema@.deploy_model(text, integer) IS 'makes one version of a model the one its unpinned name uses; only its owner may';

-- Segments (issue 32): train_segments, assign_segment, segment_profile.
CREATE FUNCTION @extschema@."train_segments"("name" TEXT, "relation" regclass, "options" jsonb DEFAULT '{}')
RETURNS TABLE ("model" TEXT, "version" INT, "k" INT, "rows" bigint, "inertia" double precision,
               "silhouette" double precision, "train_seconds" double precision)
VOLATILE PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'train_segments_wrapper';
CREATE FUNCTION @extschema@."assign_segment"("model" TEXT, "row" jsonb) RETURNS INT
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'assign_segment_wrapper';
CREATE FUNCTION @extschema@."assign_segment"("model" TEXT, "relation" regclass, "key_column" TEXT)
RETURNS TABLE ("key" TEXT, "segment" INT, "distance" double precision)
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'assign_segment_table_wrapper';
CREATE FUNCTION @extschema@."segment_profile"("model" TEXT)
RETURNS TABLE ("segment" INT, "size" bigint, "share" double precision, "feature" TEXT, "mean" double precision)
STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'segment_profile_wrapper';
COMMENT ON FUNCTION @extschema@.train_segments(text, regclass, jsonb) IS 'segments the rows of a table (read with the caller''s privileges) by k-means on standardised columns, k given or chosen by the silhouette; stores the next version of name';
COMMENT ON FUNCTION @extschema@.assign_segment(text, jsonb) IS 'the segment (1 = the largest) of one row (jsonb keyed by column)';
COMMENT ON FUNCTION @extschema@.assign_segment(text, regclass, text) IS 'the segment of every row of a table, by key, with its distance to the segment''s centre';
COMMENT ON FUNCTION @extschema@.segment_profile(text) IS 'each segment''s size, share and feature means (text levels as shares), for BI tools';

-- The recommender's deploy rule and the model its metrics describe (issue 32): two more columns.
DROP FUNCTION @extschema@.train_recommender(text, regclass, text, text, jsonb);
CREATE FUNCTION @extschema@."train_recommender"("name" TEXT, "interactions" regclass, "user_column" TEXT, "item_column" TEXT, "options" jsonb DEFAULT '{}')
RETURNS TABLE ("model" TEXT, "version" INT, "users" bigint, "items" bigint, "interactions" bigint, "train_seconds" double precision,
               "precision_at_10" double precision, "recall_at_10" double precision, "ndcg_at_10" double precision,
               "popular_precision_at_10" double precision, "popular_recall_at_10" double precision, "popular_ndcg_at_10" double precision,
               "deployed" bool, "refit" bool)
VOLATILE PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'train_recommender_wrapper';
COMMENT ON FUNCTION @extschema@.train_recommender(text, regclass, text, text, jsonb) IS 'trains an implicit-feedback ALS recommender on (user, item[, weight]) rows of a table (read with the caller''s privileges) and stores it as the next version of name; returns precision, recall and ndcg at 10 on held-out interactions beside a most-popular baseline, whether the new version is deployed (options.deploy: always, if_better, never) and whether the stored model was refitted on every interaction after being measured (refit)';
