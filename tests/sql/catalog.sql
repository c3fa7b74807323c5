-- The catalog of trained models (shopml.trained_models): who may read and write it,
-- drop_model, what pg_dump keeps, and the fixed search_path of the catalog statements
-- (ownership, grants and row security in detail: ownership.sql).
CREATE ROLE catalog_alice;
CREATE ROLE catalog_bob;

-- pg_dump keeps the rows: the table is an extension configuration table
SELECT extconfig::regclass[] FROM pg_extension WHERE extname = 'shopml';

-- a role sees the rows of the models it may use, never the weights, and cannot write
SET ROLE catalog_bob;
SELECT name, version, task, algorithm, metrics, trained_by FROM shopml.trained_models;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT payload FROM shopml.trained_models$q$,
  $q$INSERT INTO shopml.trained_models (name, version, task, algorithm, options, features, metrics, payload, trained_by, owner, checksum)
     VALUES ('m', 1, 'churn', 'x', '{}', '{}', '{}', '\x00', 'catalog_bob', 'catalog_bob', sha256('\x00'))$q$,
  $q$UPDATE shopml.trained_models SET task = 'x'$q$,
  $q$DELETE FROM shopml.trained_models$q$,
  $q$TRUNCATE shopml.trained_models$q$]) q;
RESET ROLE;

-- Two versions of a model trained by alice (written here as the training functions write them)
INSERT INTO shopml.trained_models (name, version, task, algorithm, options, features, metrics, payload, trained_by, owner, checksum)
VALUES ('telco', 1, 'churn', 'logistic', '{}', '{}', '{"auc": 0.84}', '\x00', 'catalog_alice', 'catalog_alice', sha256('\x00')),
       ('telco', 2, 'churn', 'gbdt', '{}', '{}', '{"auc": 0.85}', '\x00', 'catalog_alice', 'catalog_alice', sha256('\x00'));
-- the table itself refuses names that references could not spell
SELECT regress.error_of($q$INSERT INTO shopml.trained_models (name, version, task, algorithm, options, features, metrics, payload, trained_by, owner, checksum)
  VALUES ('telco@3', 1, 'churn', 'x', '{}', '{}', '{}', '\x00', 'catalog_alice', 'catalog_alice', sha256('\x00'))$q$);

-- bob neither sees nor drops alice's model; bad names and unknown models are clean errors
SET ROLE catalog_bob;
SELECT count(*) AS rows_bob_sees FROM shopml.trained_models;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT shopml.drop_model('catalog_alice.telco')$q$,
  $q$SELECT shopml.drop_model('telco')$q$,
  $q$SELECT shopml.drop_model('nope')$q$,
  $q$SELECT shopml.drop_model('bad name')$q$,
  $q$SELECT shopml.drop_model('')$q$,
  $q$SELECT shopml.drop_model(repeat('n', 100000))$q$]) q;
SELECT shopml.drop_model('catalog_alice.telco');
SELECT shopml.drop_model(NULL) AS null_gives_null;

-- An operator planted where bob's search_path looks first is not what the catalog statements
-- (which run as the extension owner) call: the lookup still finds no model, and no NOTICE
RESET ROLE;
CREATE SCHEMA catalog_evil AUTHORIZATION catalog_bob;
SET ROLE catalog_bob;
CREATE FUNCTION catalog_evil.texteq(text, text) RETURNS bool LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'planted operator called as %', current_user; RETURN true; END $$;
CREATE OPERATOR catalog_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = catalog_evil.texteq);
SET search_path = catalog_evil, pg_catalog;
SELECT 'a' = 'b' AS planted_operator_is_live;
SELECT regress.error_of($q$SELECT shopml.drop_model('nope')$q$);
RESET search_path;
RESET ROLE;

-- alice sees her model and drops it, all versions at once
SET ROLE catalog_alice;
SELECT owner, name, version, task, algorithm, metrics, trained_by, grantees FROM shopml.trained_models ORDER BY version;
SELECT shopml.drop_model('telco') AS versions_dropped;
SELECT count(*) AS telco_left FROM shopml.trained_models WHERE name = 'telco';
RESET ROLE;

-- a superuser may drop anyone's model, also one whose owner is gone (shown by its oid)
INSERT INTO shopml.trained_models (name, version, task, algorithm, options, features, metrics, payload, trained_by, owner, checksum)
VALUES ('orphan', 1, 'churn', 'gbdt', '{}', '{}', '{}', '\x00', 'a_role_that_is_gone', 99999::oid::regrole, sha256('\x00'));
SELECT owner, name FROM shopml.trained_models WHERE name = 'orphan';
SELECT shopml.drop_model('"99999".orphan') AS versions_dropped;

DROP SCHEMA catalog_evil CASCADE;
DROP ROLE catalog_alice;
DROP ROLE catalog_bob;
