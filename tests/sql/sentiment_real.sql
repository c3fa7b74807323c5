-- classify_sentiment on real held-out reviews (make data; scripts/export_sentiment_data.py): the
-- test splits of small_fine_foods (great = positive), IMDB 50k (deduplicated, 80/20 seed 42)
-- and the US-airline tweets (positive / negative; neutral left out). The thresholds are the
-- accuracies measured (models/sentiment/blend_report.json, README) minus about 0.01; the
-- in-domain TF-IDF + logistic regression peers of the same run get 0.813, 0.9075 and 0.9306.
-- IMDB's reviews are long: a fixed quarter of its test split (2,500 of 9,916, by md5) keeps this
-- test to about two minutes; on it shopml measured accuracy 0.932 and macro-F1 0.9319 (the whole
-- split: README).
SET client_min_messages = warning;  -- progress NOTICEs depend on timing
CREATE TEMP TABLE ff (product text, review text, score text, split text);
\copy ff FROM 'data/fine_foods_reviews.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE imdb (text text, label text, split text);
\copy imdb FROM 'data/imdb_reviews.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE airline (text text, label text, split text);
\copy airline FROM 'data/airline_tweets.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE test_rows AS
SELECT 'fine_foods' AS data, review AS text, score = 'great' AS positive FROM ff WHERE split = 'test'
UNION ALL (SELECT 'imdb', text, label = 'positive' FROM imdb WHERE split = 'test' ORDER BY md5(text) LIMIT 2500)
UNION ALL SELECT 'airline', text, label = 'positive' FROM airline WHERE split = 'test' AND label <> 'neutral';
CREATE TEMP TABLE verdicts AS
WITH src AS (SELECT data, array_agg(text ORDER BY text) AS texts, array_agg(positive ORDER BY text) AS ys
             FROM test_rows GROUP BY data)
SELECT src.data, src.ys[u.i] AS positive, u.label = 'positive' AS said_positive, u.score, u.confidence
FROM src, unnest(shopml.classify_sentiments(src.texts)) WITH ORDINALITY u(label, score, confidence, i);
CREATE TEMP TABLE quality AS
SELECT data, count(*) AS rows, avg((positive = said_positive)::int) AS accuracy,
       (2.0 * count(*) FILTER (WHERE positive AND said_positive)
          / (2 * count(*) FILTER (WHERE positive AND said_positive) + count(*) FILTER (WHERE positive <> said_positive))
      + 2.0 * count(*) FILTER (WHERE NOT positive AND NOT said_positive)
          / (2 * count(*) FILTER (WHERE NOT positive AND NOT said_positive) + count(*) FILTER (WHERE positive <> said_positive))) / 2 AS macro_f1
FROM verdicts GROUP BY data;
SELECT data, rows, accuracy >= CASE data WHEN 'fine_foods' THEN 0.84 WHEN 'imdb' THEN 0.92 ELSE 0.94 END AS accuracy_ok,
       macro_f1 >= CASE data WHEN 'fine_foods' THEN 0.82 WHEN 'imdb' THEN 0.92 ELSE 0.91 END AS macro_f1_ok
FROM quality ORDER BY data;
-- the goal of issue 18 on fine foods: accuracy >= 0.84 and macro-F1 >= 0.80
SELECT accuracy >= 0.84 AND macro_f1 >= 0.80 AS fine_foods_goal FROM quality WHERE data = 'fine_foods';
-- confidence means something: the verdicts given with confidence >= 0.9 are right more often
SELECT data, avg((positive = said_positive)::int) FILTER (WHERE confidence >= 0.9)
             > avg((positive = said_positive)::int) AS confident_is_better
FROM verdicts GROUP BY data ORDER BY data;
-- measured values for the README (not compared: printed by `make test` only on a diff)
\o /dev/null
SELECT data, round(accuracy, 4), round(macro_f1, 4) FROM quality ORDER BY data;
\o
