-- train_text_classifier on real reviews (small_fine_foods, make data): great (5 stars) vs other,
-- on the package's own train/test split. Peers on the same split, same data (README,
-- benches/text_classifier_peers.py): scikit-learn TF-IDF (1-2 grams) + LogisticRegression with C
-- tuned by 3-fold CV 0.813; frozen MiniLM embeddings + LogisticRegression 0.770. shopml measured
-- 0.825 (macro-F1 0.799); the thresholds are those minus about 0.01 and 0.02.
SET client_min_messages = warning;
CREATE TABLE public.ff (product text, review text, score text, split text);
\copy public.ff FROM 'data/fine_foods_reviews.csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE public.ff ADD COLUMN is_test boolean;
UPDATE public.ff SET is_test = split = 'test';
SELECT model, classes, rows_train, rows_test, accuracy >= 0.815 AS beats_tfidf_peer, macro_f1 >= 0.78 AS macro_f1_ok
FROM shopml.train_text_classifier('fine_foods', 'public.ff', 'review', 'score', '{"test_column": "is_test"}');
SELECT shopml.drop_model('fine_foods') AS versions_dropped;
DROP TABLE public.ff;
