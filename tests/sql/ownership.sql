-- Trained models are data with an owner (issue 29, problems 3, 4 and 6): alice, bob and mallory
-- are ordinary login roles. A model belongs to the role that trained it; names are unique per
-- owner (`recs` is the caller's own, `alice.recs` is alice's); using another role's model needs
-- its owner's grant (shopml.grant_model); the catalog shows each role only the models it may
-- use; the weights carry a checksum; training refuses a read-only transaction (as on a standby).
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
CREATE ROLE mallory LOGIN;
CREATE ROLE shop_team NOLOGIN;
GRANT shop_team TO alice, bob;
CREATE SCHEMA alice AUTHORIZATION alice;
CREATE SCHEMA mallory AUTHORIZATION mallory;

-- alice's own tables: her customers' orders and a churn table with their e-mail addresses
SET ROLE alice;
CREATE TABLE alice.orders AS
SELECT 'cust' || u AS customer, 'sku' || (CASE WHEN u % 2 = 0 THEN 1 ELSE 11 END + abs(hashint4(u * 10 + j)) % 10) AS item
FROM generate_series(1, 40) u, generate_series(1, 6) j;
CREATE TABLE alice.customers AS
SELECT 'cust' || (u % 20) || '@example.com' AS email, (u % 7)::float8 AS tenure, u % 3 = 0 AS churned
FROM generate_series(1, 200) u;
SELECT model, version, users, items FROM shopml.train_recommender('alice_rec', 'alice.orders', 'customer', 'item', '{"test_fraction": 0}');
SELECT model, version, algorithm FROM shopml.train_churn_model('alice_churn', 'alice.customers', 'churned', '{"algorithm": "logistic", "test_fraction": 0.5}');
SELECT owner, name, version, trained_by, grantees FROM shopml.trained_models ORDER BY name;
RESET ROLE;

-- Problem 3: bob cannot read alice's table, nor anything her models learned from it
SET ROLE bob;
SELECT regress.error_of($q$SELECT count(*) FROM alice.orders$q$) AS table_read;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT count(*) FROM shopml.recommender_user_factors('alice.alice_rec')$q$,
  $q$SELECT count(*) FROM shopml.recommender_item_factors('alice.alice_rec')$q$,
  $q$SELECT count(*) FROM shopml.recommend_for_user('alice.alice_rec', 'cust7', 100000, false)$q$,
  $q$SELECT count(*) FROM shopml.recommend_for_users('alice.alice_rec', ARRAY['cust7'], 10)$q$,
  $q$SELECT count(*) FROM shopml.similar_items('alice.alice_rec', 'sku1', 5)$q$,
  $q$SELECT shopml.predict_churn('alice.alice_churn', '{"tenure": 3}')$q$,
  $q$SELECT count(*) FROM shopml.explain_churn('alice.alice_churn', '{"email": "cust3@example.com"}')$q$,
  $q$SELECT count(*) FROM shopml.predict_churn('alice.alice_churn', 'alice.customers', 'email')$q$]) q;
-- unqualified, the name means bob's own model, which does not exist
SELECT regress.error_of($q$SELECT count(*) FROM shopml.recommend_for_user('alice_rec', 'cust7')$q$);
-- the catalog shows bob none of alice's rows (features held her customers' e-mail addresses)
SELECT count(*) AS rows_bob_sees FROM shopml.trained_models;
SELECT regress.error_of($q$SELECT payload FROM shopml.trained_models$q$) AS payload;
RESET ROLE;
-- what the rows bob could not see hold: the frequent text values of alice's table
SELECT name, features::text LIKE '%@example.com%' AS holds_table_values FROM shopml.trained_models WHERE name = 'alice_churn';

-- alice grants her recommender to bob: he may use it, with her name in front
SET ROLE alice;
SELECT shopml.grant_model('alice_rec', 'bob') AS users;
SELECT shopml.grant_model('alice_rec', 'bob') AS granted_twice;
RESET ROLE;
SET ROLE bob;
SELECT count(*) AS recs FROM shopml.recommend_for_user('alice.alice_rec', 'cust2', 3);
SELECT name, owner FROM shopml.trained_models ORDER BY name;
-- unqualified, a hint names the model bob may use
SELECT count(*) FROM shopml.recommend_for_user('alice_rec', 'cust7');
-- a grant is not ownership: bob may not retrain, drop or re-grant it
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT shopml.drop_model('alice.alice_rec')$q$,
  $q$SELECT shopml.grant_model('alice.alice_rec', 'mallory')$q$,
  $q$SELECT * FROM shopml.train_recommender('alice.alice_rec', 'pg_catalog.pg_class', 'relname', 'relkind')$q$]) q;
RESET ROLE;
SET ROLE alice;
SELECT shopml.revoke_model('alice_rec', 'bob') AS users;
RESET ROLE;
SET ROLE bob;
SELECT regress.error_of($q$SELECT count(*) FROM shopml.recommend_for_user('alice.alice_rec', 'cust2', 3)$q$) AS after_revoke;
RESET ROLE;

-- Problem 4: mallory trains a model under the name alice will use; neither squats the other
SET ROLE mallory;
CREATE TABLE mallory.orders AS SELECT 'cust' || u AS customer, 'poison' || (u % 3) AS item FROM generate_series(1, 30) u, generate_series(1, 3) j;
SELECT model, version FROM shopml.train_recommender('shop_recs2', 'mallory.orders', 'customer', 'item', '{"test_fraction": 0}');
SELECT shopml.grant_model('shop_recs2', 'public') AS users;
-- she cannot train, drop or grant in alice's name
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM shopml.train_recommender('alice.shop_recs2', 'mallory.orders', 'customer', 'item')$q$,
  $q$SELECT shopml.drop_model('alice.alice_rec')$q$,
  $q$SELECT shopml.grant_model('alice.alice_rec', 'mallory')$q$,
  $q$SELECT shopml.revoke_model('alice.alice_rec', 'bob')$q$]) q;
RESET ROLE;
SET ROLE alice;
-- alice's unqualified call never reaches mallory's model, even one granted to PUBLIC
SELECT regress.error_of($q$SELECT count(*) FROM shopml.recommend_for_user('shop_recs2', 'cust2', 3)$q$);
SELECT model, version FROM shopml.train_recommender('shop_recs2', 'alice.orders', 'customer', 'item', '{"test_fraction": 0}');
SELECT bool_and(item_id LIKE 'sku%') AS alice_items FROM shopml.recommend_for_user('shop_recs2', 'cust2', 3);
SELECT bool_and(item_id LIKE 'poison%') AS mallory_items FROM shopml.recommend_for_user('mallory.shop_recs2', 'cust2', 3);
SELECT owner, name, version FROM shopml.trained_models WHERE name = 'shop_recs2' ORDER BY owner::text;
RESET ROLE;

-- A team role owns a model its members train and use; bob retrains alice's team model
SET ROLE alice;
SELECT model, version FROM shopml.train_recommender('shop_team.recs', 'alice.orders', 'customer', 'item', '{"test_fraction": 0}');
GRANT USAGE ON SCHEMA alice TO shop_team;
GRANT SELECT ON alice.orders TO shop_team;
RESET ROLE;
SET ROLE bob;
SELECT count(*) AS team_recs FROM shopml.recommend_for_user('shop_team.recs', 'cust2', 3);
SELECT model, version FROM shopml.train_recommender('shop_team.recs', 'alice.orders', 'customer', 'item', '{"test_fraction": 0}');
SELECT owner, name, version, trained_by FROM shopml.trained_models WHERE name = 'recs' ORDER BY version;
RESET ROLE;
SET ROLE mallory;
SELECT regress.error_of($q$SELECT count(*) FROM shopml.recommend_for_user('shop_team.recs', 'cust2', 3)$q$) AS not_a_member;
RESET ROLE;

-- Bad references and grants are clean errors
SET ROLE alice;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM shopml.train_recommender('a.b.c', 'alice.orders', 'customer', 'item')$q$,
  $q$SELECT * FROM shopml.train_recommender('nobody_here.recs', 'alice.orders', 'customer', 'item')$q$,
  $q$SELECT * FROM shopml.train_recommender('recs@2', 'alice.orders', 'customer', 'item')$q$,
  $q$SELECT count(*) FROM shopml.recommend_for_user('nobody_here.recs', 'cust2')$q$,
  $q$SELECT count(*) FROM shopml.recommend_for_user('"alice.alice_rec', 'cust2')$q$,
  $q$SELECT count(*) FROM shopml.recommend_for_user('.alice_rec', 'cust2')$q$,
  $q$SELECT shopml.grant_model('alice_rec', 'nobody_here')$q$,
  $q$SELECT shopml.grant_model('alice_rec@1', 'bob')$q$,
  $q$SELECT shopml.grant_model('no_such_model', 'bob')$q$]) q;
-- quoted owners and version pins
SELECT count(*) AS quoted FROM shopml.recommend_for_user('"alice".alice_rec@1', 'cust2', 3);
RESET ROLE;

-- Problem 6: a payload with flipped bits is refused (checksum), never served (in a new
-- backend: one that loaded the model before keeps serving the copy it checked)
UPDATE shopml.trained_models SET payload = set_byte(payload, 100, get_byte(payload, 100) # 1)
WHERE name = 'alice_rec' AND owner = 'alice'::regrole;
\c -
SET ROLE alice;
SELECT regress.error_of($q$SELECT count(*) FROM shopml.recommend_for_user('alice_rec', 'cust2', 3)$q$) AS flipped_bit;
RESET ROLE;

-- Problem 6: training writes, so a read-only transaction (as every transaction on a hot
-- standby) is refused with 25006 before any work, as are drop and grant
SET ROLE alice;
BEGIN READ ONLY;
SELECT regress.error_of($q$SELECT * FROM shopml.train_churn_model('ro', 'alice.customers', 'churned')$q$);
SELECT regress.error_of($q$SELECT shopml.drop_model('alice_churn')$q$);
SELECT regress.error_of($q$SELECT shopml.grant_model('alice_churn', 'bob')$q$);
-- reading models works read-only
SELECT round(shopml.predict_churn('alice_churn', '{"tenure": 3}')::numeric, 2) BETWEEN 0 AND 1 AS predicts;
COMMIT;
RESET ROLE;

-- a superuser may use and drop anyone's model; dropping a role's models by name
SELECT count(*) > 0 AS superuser_uses FROM shopml.recommend_for_user('mallory.shop_recs2', 'cust2', 3);
SELECT shopml.drop_model('mallory.shop_recs2') AS dropped;
SET ROLE alice;
SELECT shopml.drop_model('alice_rec') + shopml.drop_model('alice_churn') + shopml.drop_model('shop_recs2') + shopml.drop_model('shop_team.recs') AS dropped;
RESET ROLE;
SELECT count(*) AS models_left FROM shopml.trained_models;
DROP SCHEMA alice CASCADE;
DROP SCHEMA mallory CASCADE;
DROP ROLE alice;
DROP ROLE bob;
DROP ROLE mallory;
DROP ROLE shop_team;
