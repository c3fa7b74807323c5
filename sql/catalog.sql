-- The catalog of trained models (churn, recommenders, text classifiers): one row per version.
-- Written only by shopml's functions, which switch to the extension owner for that write alone
-- (the data they train on is read with the caller's privileges). A model belongs to a role
-- (owner) and names are unique per owner; a role sees the rows of the models it may use (its
-- own, its roles', those granted to it: row-level security, finalize.sql), never the weights
-- (payload), which only shopml's functions read. pg_dump keeps the rows; DROP EXTENSION drops
-- them (README, "Operations and security").

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
    owner      regrole     NOT NULL,
    grantees   regrole[]   NOT NULL DEFAULT '{}',
    checksum   bytea       NOT NULL,
    deployed   boolean     NOT NULL DEFAULT true,
    PRIMARY KEY (owner, name, version)
);
COMMENT ON TABLE @extschema@.trained_models IS 'every version of every model trained in SQL: task, algorithm, options, feature spec, metrics, weights (payload) and their sha256 (checksum), who trained it and when, its owner and the roles it is granted to (0 = PUBLIC), and whether it is the version that unpinned references use (deployed)';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.trained_models', '');

REVOKE ALL ON @extschema@.trained_models FROM PUBLIC;
GRANT SELECT (name, version, task, algorithm, options, features, metrics, created_at, trained_by, owner, grantees, deployed)
    ON @extschema@.trained_models TO PUBLIC;
ALTER TABLE @extschema@.trained_models ENABLE ROW LEVEL SECURITY;
