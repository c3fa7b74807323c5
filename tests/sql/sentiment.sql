-- classify_sentiment / classify_sentiments: labels, score and confidence, NULL, empty, very long
-- and non-English text, batched = single, volatility, and every bad input with its error.
SET search_path = shopml, public;

-- clear reviews get their label; score = 2p - 1 in [-1, 1], confidence = max(p, 1 - p)
SELECT r, (s).label, (s).score > 0.5 AS clearly_positive, (s).score < -0.5 AS clearly_negative,
       round(((s).confidence - (1 + abs((s).score)) / 2)::numeric, 5) AS confidence_is_max_p
FROM (SELECT r, classify_sentiment(r) AS s FROM unnest(ARRAY[
  'Absolutely delicious, my kids love these cookies and I will order again!',
  'The coffee tasted burnt and stale. Waste of money, never buying again.',
  '@united thanks for the quick rebooking, great crew today',
  '@united lost my bag again and nobody answers the phone']) r) t;

-- the explicit default model name gives the same verdict; the type's fields
SELECT classify_sentiment('great') = classify_sentiment('great', 'shopml-sentiment-v1') AS same,
       pg_typeof(classify_sentiment('great'))::text AS type,
       (classify_sentiment('great')).label IN ('positive', 'negative') AS label_ok;

-- NULL in, NULL out (STRICT)
SELECT classify_sentiment(NULL) IS NULL AS null_text, classify_sentiment('x', NULL) IS NULL AS null_model,
       classify_sentiments(NULL) IS NULL AS null_array;

-- empty and whitespace-only text are classified (the same: nothing to read), with low confidence
SELECT classify_sentiment('') = classify_sentiment('   ') AS blank_same,
       (classify_sentiment('')).confidence < 0.8 AS unsure;

-- a 5,000-word review works (the encoder reads the first 256 word pieces, the n-grams the first
-- 4,096 words) and is as negative as its opening
SELECT (classify_sentiment('Terrible product, it broke on day one. ' || repeat('The box was brown. ', 1250))).label AS long_review,
       array_length(regexp_split_to_array(repeat('The box was brown. ', 1250), ' '), 1) > 5000 AS over_5000_words;

-- other languages get a verdict within range (Chinese goes to the Chinese model, below; the
-- others to the English one, trained on English: see README)
SELECT r, (s).score BETWEEN -1 AND 1 AS in_range, (s).confidence BETWEEN 0.5 AND 1 AS confidence_ok
FROM (SELECT r, classify_sentiment(r) AS s FROM unnest(ARRAY['质量很好，非常满意', 'Très mauvais produit', 'Sehr gut 👍']) r) t;

-- 'auto' (the default) reads mostly-Chinese text (CJK ideographs >= 30% of the letters) with
-- shopml-sentiment-zh-v1, everything else with shopml-sentiment-v1
SELECT (classify_sentiment('这个手机很好用，电池也耐用')).label AS zh_positive,
       (classify_sentiment('质量太差了，用了两天就坏了')).label AS zh_negative,
       classify_sentiment('这个手机很好用，电池也耐用') = classify_sentiment('这个手机很好用，电池也耐用', 'shopml-sentiment-zh-v1') AS zh_routed,
       classify_sentiment('这款 laptop 的 keyboard 很好用') = classify_sentiment('这款 laptop 的 keyboard 很好用', 'shopml-sentiment-zh-v1') AS mixed_is_chinese,
       classify_sentiment('great phone 很好') = classify_sentiment('great phone 很好', 'shopml-sentiment-v1') AS mostly_latin_is_english,
       classify_sentiment('great') = classify_sentiment('great', 'auto') AS auto_is_the_default;
-- a mixed batch is split by model and keeps its order
WITH inputs AS (SELECT ARRAY['I love it', '非常失望，不会再买', NULL, '物流很快，质量很好', 'Broken on arrival'] AS a)
SELECT t.i, t.label, abs(t.score - (classify_sentiment(inputs.a[t.i])).score) < 1e-5 AS same_as_single
FROM inputs, unnest(classify_sentiments(inputs.a)) WITH ORDINALITY t(label, score, confidence, i) ORDER BY t.i;

-- classify_sentiments: element i is the verdict on inputs[i], equal to classify_sentiment
WITH inputs AS (SELECT ARRAY['I love it', NULL, '', 'Broken on arrival, awful', 'Not bad at all'] AS a)
SELECT t.i, t.label IS NULL AS is_null, t.label,
       abs(t.score - (classify_sentiment(inputs.a[t.i])).score) < 1e-5 AS same_as_single
FROM inputs, unnest(classify_sentiments(inputs.a)) WITH ORDINALITY t(label, score, confidence, i) ORDER BY t.i;
SELECT cardinality(classify_sentiments(ARRAY[]::text[])) AS empty_array;

-- IMMUTABLE STRICT PARALLEL SAFE, like embed_text
SELECT proname, provolatile, proisstrict, proparallel FROM pg_proc
WHERE proname IN ('classify_sentiment', 'classify_sentiments') ORDER BY 1;

-- shopml.models lists the model, installed, with its adapter's sha256
SELECT name, task, dims, source, installed, left(sha256, 12) AS sha256 FROM shopml.models WHERE task = 'sentiment';

-- bad inputs
\set VERBOSITY default
SELECT classify_sentiment('x', 'no-such-model');
SELECT classify_sentiment('x', 'all-MiniLM-L6-v2');
SELECT classify_sentiments(ARRAY['x'], repeat('m', 100000));
-- a broken install: the adapter is missing
SET shopml.model_dir = '/tmp/shopml-regress/models-missing';
SELECT classify_sentiment('x');
RESET shopml.model_dir;
\set VERBOSITY terse
