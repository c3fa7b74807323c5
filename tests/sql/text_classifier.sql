-- train_text_classifier / classify_text / classify_texts: a small support-intent table, top-k,
-- batched = single, NULLs, retraining (STABLE), privileges, and every bad input with its error.
SET search_path = shopml, public;
SET client_min_messages = warning;
CREATE TABLE public.tickets (id int, body text, intent text, held_out boolean);
INSERT INTO public.tickets
SELECT i, t.body || ' ' || (ARRAY['hello', 'hi team', '', 'dear shop'])[1 + i % 4], t.intent, i % 5 = 0
FROM generate_series(0, 59) i,
     LATERAL (SELECT (ARRAY['i want my money back', 'please refund my order', 'refund the payment now', 'money back for this order please',
                            'where is my parcel', 'my order has not arrived', 'tracking shows no delivery', 'when will the parcel arrive',
                            'great shop thank you', 'love the product thanks', 'thank you for the fast help', 'great service love it'])[1 + (i % 12)] AS body,
                     (ARRAY['refund', 'shipping', 'praise'])[1 + (i % 12) / 4] AS intent) t;
INSERT INTO public.tickets VALUES (100, NULL, 'refund', false), (101, 'no label', NULL, false);

-- words and embeddings, C picked on validation, metrics on the held-out 20% of each class
SELECT model, version, classes, rows_train, rows_test, accuracy >= 0.9 AS accurate, macro_f1 >= 0.9 AS balanced,
       jsonb_object_keys(per_class_f1) AS class
FROM train_text_classifier('intents', 'public.tickets', 'body', 'intent') ORDER BY class;
-- the catalog keeps it, versioned, with its metrics
SELECT name, version, task, algorithm, metrics ? 'validation_accuracy' AS has_validation
FROM shopml.trained_models WHERE name = 'intents';

-- classify_text: the top label; top-k with probabilities summing to 1
SELECT label, confidence > 0.5 AS confident FROM classify_text('intents', 'can I get a refund for my order');
SELECT label FROM classify_text('intents', 'my parcel never arrived');
SELECT count(*) AS labels, round(sum(confidence)::numeric, 4) AS total FROM classify_text('intents', 'thanks a lot', 3);
SELECT count(*) AS labels FROM classify_text('intents', 'thanks a lot', 10);
-- NULL text gives no row; empty text still gets a label
SELECT count(*) AS rows FROM classify_text('intents', NULL);
SELECT count(*) AS rows FROM classify_text('intents', '');

-- classify_texts: one call for many, same answers as classify_text, NULLs kept in place
SELECT b.idx, b.label, b.label = (SELECT label FROM classify_text('intents', (ARRAY['refund please', NULL, 'where is my package'])[b.idx])) AS same
FROM classify_texts('intents', ARRAY['refund please', NULL, 'where is my package']) b ORDER BY b.idx;

-- words alone (no embeddings), fixed C, the test rows named by a boolean column
SELECT version, rows_train, rows_test, accuracy >= 0.9 AS accurate
FROM train_text_classifier('intents', 'public.tickets', 'body', 'intent', '{"embedding": false, "c": 10, "test_column": "held_out"}');
-- the newest version answers; an older one by name@version
SELECT (SELECT label FROM classify_text('intents', 'refund my money')) AS latest,
       (SELECT label FROM classify_text('intents@1', 'refund my money')) AS version_1;
-- the same rows in another physical order give the same model (the split and the solver's sums
-- follow the rows' values)
CREATE TABLE public.tickets_moved AS SELECT * FROM public.tickets ORDER BY md5(id::text);
SELECT a.accuracy = b.accuracy AS same_accuracy,
       (SELECT array_agg(confidence) FROM classify_text('order_a', 'refund where is my parcel', 3)) =
       (SELECT array_agg(confidence) FROM classify_text('order_b', 'refund where is my parcel', 3)) AS same_model
FROM train_text_classifier('order_a', 'public.tickets', 'body', 'intent', '{"embedding": false}') a,
     train_text_classifier('order_b', 'public.tickets_moved', 'body', 'intent', '{"embedding": false}') b;

-- Chinese tickets with the multilingual encoder (option encoder); the n-grams read Chinese
-- characters one by one
CREATE TABLE public.tickets_zh AS
SELECT i AS id, t.body || (ARRAY['', '，谢谢', '。', '！'])[1 + i % 4] AS body, t.intent
FROM generate_series(0, 59) i,
     LATERAL (SELECT (ARRAY['我要退款', '请把钱退给我', '这个订单请退款', '退货退款',
                            '我的包裹在哪里', '订单还没有到', '物流一直没有更新', '快递什么时候到',
                            '商品很好，谢谢', '非常满意', '服务很棒', '好评'])[1 + (i % 12)] AS body,
                     (ARRAY['refund', 'shipping', 'praise'])[1 + (i % 12) / 4] AS intent) t;
SELECT classes, accuracy >= 0.9 AS accurate
FROM train_text_classifier('intents_zh', 'public.tickets_zh', 'body', 'intent', '{"encoder": "multilingual-e5-small"}');
SELECT features->>'embedding' AS encoder FROM shopml.trained_models WHERE name = 'intents_zh';
SELECT (SELECT label FROM classify_text('intents_zh', '钱什么时候退给我')) AS refund,
       (SELECT label FROM classify_text('intents_zh', '包裹到哪了')) AS shipping;

-- STABLE (retraining a name changes answers), not IMMUTABLE
SELECT proname, provolatile FROM pg_proc WHERE proname IN ('classify_text', 'classify_texts', 'train_text_classifier') ORDER BY 1;

-- the table is read with the caller's privileges
CREATE ROLE tc_reader LOGIN;
SET ROLE tc_reader;
SELECT * FROM shopml.train_text_classifier('stolen', 'public.tickets', 'body', 'intent');
RESET ROLE;

-- bad inputs
\set VERBOSITY default
CREATE TEMP TABLE one_class AS SELECT body, 'refund'::text AS intent FROM public.tickets WHERE body IS NOT NULL;
SELECT * FROM train_text_classifier('one_class', 'one_class', 'body', 'intent');
SELECT * FROM train_text_classifier('x', 'public.tickets', 'nope', 'intent');
SELECT * FROM train_text_classifier('x', 'public.tickets', 'id', 'intent');
SELECT * FROM train_text_classifier('x', 'public.tickets', 'body', 'intent', '{"colour": "red"}');
SELECT * FROM train_text_classifier('x', 'public.tickets', 'body', 'intent', '{"test_fraction": 2}');
SELECT * FROM train_text_classifier('x', 'public.tickets', 'body', 'intent', '{"encoder": "no-such-encoder"}');
SELECT * FROM train_text_classifier('x', 'public.tickets', 'body', 'intent', '{"test_column": "intent"}');
SELECT * FROM train_text_classifier(NULL, 'public.tickets', 'body', 'intent');
SELECT * FROM train_text_classifier('bad name!', 'public.tickets', 'body', 'intent');
CREATE TABLE public.empty_t (body text, intent text);
SELECT * FROM train_text_classifier('x', 'public.empty_t', 'body', 'intent');
SELECT * FROM classify_text('no_such_model', 'x');
SELECT * FROM classify_text('intents', 'x', 0);
SELECT * FROM classify_text('intents@99', 'x');
\set VERBOSITY terse

SELECT shopml.drop_model('intents') AS versions_dropped, shopml.drop_model('intents_zh') AS zh_versions_dropped,
       shopml.drop_model('order_a') + shopml.drop_model('order_b') AS order_versions;
DROP TABLE public.tickets, public.tickets_zh, public.empty_t, public.tickets_moved;
DROP ROLE tc_reader;
