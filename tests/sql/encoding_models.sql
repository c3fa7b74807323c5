-- Trained models in a non-UTF-8 database (issue 29, problem 5): every function that takes or
-- returns text converts from and to the database encoding, so in LATIN1 a label, an id or a
-- category written 'café' comes back 'café' (before: 'cafÃ©', which no longer matched the
-- table), jsonb with any non-ASCII character is read, and the catalog shows the values as written.
-- The same calls in the UTF-8 regress database give the same answers (compared at the end).
CREATE DATABASE shopml_latin1_models ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c shopml_latin1_models
SET client_encoding = 'UTF8';
CREATE EXTENSION shopml;
SET search_path = public, shopml;
SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database();

-- tables whose ids, labels, categories and a column name are not ASCII
CREATE TABLE achats AS
SELECT CASE WHEN u = 1 THEN 'café' ELSE 'client' || u END AS client,
       CASE WHEN (u + j) % 3 = 0 THEN 'crème brûlée' WHEN (u + j) % 3 = 1 THEN 'thé' ELSE 'pâté' || (j % 4) END AS produit
FROM generate_series(1, 30) u, generate_series(1, 5) j;
CREATE TABLE clients AS
SELECT CASE WHEN u = 1 THEN 'café' ELSE 'client' || u END AS id,
       CASE WHEN u % 3 = 0 THEN 'Zürich' WHEN u % 3 = 1 THEN 'Genève' ELSE 'Köln' END AS "ville_élue",
       (u % 10)::float8 AS "ancienneté", u % 3 = 0 AS parti,
       timestamptz '2024-01-01' + u * interval '1 day' AS "créé", (u * 3)::float8 AS montant
FROM generate_series(1, 300) u;
CREATE TABLE avis AS
SELECT CASE WHEN g % 2 = 0 THEN 'très bon café, délicieux' ELSE 'thé tiède, décevant' END || ' ' || g AS texte,
       CASE WHEN g % 2 = 0 THEN 'élogieux' ELSE 'déçu' END AS étiquette
FROM generate_series(1, 200) g;

-- table_profile: names, types, min and max as written
SELECT column_name, kind, min, max FROM table_profile('clients') ORDER BY column_name;
SELECT column_name, min, max FROM table_profile('clients', ARRAY['ville_élue']);

-- recommender: text ids in and out
SELECT model, users, items FROM train_recommender('recos_é', 'achats', 'client', 'produit', '{"test_fraction": 0}');
SELECT model, users, items FROM train_recommender('recos', 'achats', 'client', 'produit', '{"test_fraction": 0}');
SELECT bool_and(item_id IN (SELECT produit FROM achats)) AS ids_match_table, count(*) AS n
FROM recommend_for_user('recos', 'café', 3, false);
SELECT user_id, bool_and(item_id IN (SELECT produit FROM achats)) AS ids_match_table
FROM recommend_for_users('recos', ARRAY['café', 'client2'], 2) GROUP BY user_id ORDER BY user_id;
SELECT count(*) AS similar FROM similar_items('recos', 'crème brûlée', 2);
SELECT item_id FROM recommender_item_factors('recos') WHERE item_id NOT IN (SELECT produit FROM achats);
SELECT user_id FROM recommender_user_factors('recos') WHERE user_id = 'café';

-- churn: a category and a column name with accents, jsonb customers with them, ids out
SELECT model, algorithm FROM train_churn_model('depart', 'clients', 'parti', '{"algorithm": "logistic", "exclude": ["id"], "test_fraction": 0.5}');
SELECT features::text LIKE '%Zürich%' AND features::text LIKE '%ville_élue%' AS catalog_as_written FROM trained_models WHERE name = 'depart';
SELECT round(predict_churn('depart', '{"ville_élue": "Zürich", "ancienneté": 3}')::numeric, 3) =
       round(predict_churn('depart', jsonb_build_object('ville_élue', 'Zürich', 'ancienneté', 3))::numeric, 3) AS jsonb_read;
SELECT feature, value FROM explain_churn('depart', '{"ville_élue": "Genève", "ancienneté": 2}') WHERE value IS NOT NULL ORDER BY feature;
SELECT id, round(probability::numeric, 3) BETWEEN 0 AND 1 AS p FROM predict_churn('depart', 'clients', 'id') WHERE id = 'café';
SELECT customer_id, frequency FROM customer_features('clients', 'id', 'créé', 'montant', '2025-01-01') WHERE customer_id = 'café';

-- text classifier: labels out as written
SELECT model, classes FROM train_text_classifier('humeur', 'avis', 'texte', 'étiquette', '{"embedding": false, "test_fraction": 0.2}');
SELECT jsonb_object_keys(per_class_f1) AS label FROM train_text_classifier('humeur', 'avis', 'texte', 'étiquette', '{"embedding": false, "test_fraction": 0.2}') ORDER BY 1;
SELECT label FROM classify_text('humeur', 'très bon café, délicieux');
SELECT idx, label FROM classify_texts('humeur', ARRAY['thé tiède, décevant', NULL, 'très bon café']);
SELECT label IN (SELECT étiquette FROM avis) AS label_matches_table FROM classify_text('humeur', 'thé tiède', 2);

-- sentiment of accented text, single and batched
SELECT (classify_sentiment('délicieux, très bon')).label, (classify_sentiments(ARRAY['délicieux, très bon']))[1].label AS batched;

-- grants name roles, and the catalog stays readable
SELECT grant_model('depart', 'public'), revoke_model('depart', 'public');
SELECT name, task FROM trained_models ORDER BY name, version;

\c shopml_regress
DROP DATABASE shopml_latin1_models;
