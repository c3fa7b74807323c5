-- Churn on real data (Debian's r-cran-modeldata via make data): wa_churn (IBM Watson telco) and
-- mlc_churn, on the committed scikit-learn test split. The thresholds are the test AUCs measured
-- (docs/churn.md: 0.8441 and 0.9162) minus about 0.01; scikit-learn's better peer gets 0.8418 and 0.9272.
\set QUIET on
\i scripts/load_churn_data.sql
\set QUIET off
-- the committed split is what training uses: its rows, its churn rate
SELECT 'wa_churn' AS data, count(*) AS rows, count(*) FILTER (WHERE is_test) AS test_rows,
       round(avg((churn = 'Yes')::int) FILTER (WHERE is_test), 4) AS test_churn_rate FROM public.wa_churn
UNION ALL
SELECT 'mlc_churn', count(*), count(*) FILTER (WHERE is_test), round(avg((churn = 'yes')::int) FILTER (WHERE is_test), 4)
FROM public.mlc_churn;
SELECT model, rows_train, rows_test, auc >= 0.83 AS auc_ok
FROM shopml.train_churn_model('wa', 'public.wa_churn', 'churn', '{"exclude": ["row_number"], "test_column": "is_test"}');
SELECT model, rows_train, rows_test, auc >= 0.905 AS auc_ok
FROM shopml.train_churn_model('mlc', 'public.mlc_churn', 'churn', '{"exclude": ["row_number"], "test_column": "is_test"}');
-- the riskiest test customers of wa_churn, scored in one call
SELECT count(*) AS scored, round(avg((c.churn = 'Yes')::int) FILTER (WHERE r <= 100), 2) > 0.6 AS top_100_mostly_churn
FROM (SELECT id, probability, row_number() OVER (ORDER BY probability DESC) AS r
      FROM shopml.predict_churn('wa', 'public.wa_churn', 'row_number')) s
JOIN public.wa_churn c ON c.row_number::text = s.id WHERE c.is_test;
-- training is cancellable, even inside the gradient-boosting fit (about 0.8 s here): a timeout
-- stops it promptly and stores nothing
SET statement_timeout = '200ms';
SELECT algorithm FROM shopml.train_churn_model('cancelled', 'public.mlc_churn', 'churn', '{"exclude": ["row_number"], "algorithm": "gbdt"}');
RESET statement_timeout;
SELECT count(*) AS cancelled_versions FROM shopml.trained_models WHERE name = 'cancelled';
SELECT shopml.drop_model('wa') + shopml.drop_model('mlc') AS versions_dropped;
DROP TABLE public.wa_churn, public.mlc_churn;
