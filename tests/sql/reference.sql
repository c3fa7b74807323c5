-- embed_text and embed_texts against reference embeddings from an independent NumPy BERT
-- (tests/reference/make_reference_embeddings.py): cosine >= 0.9999 for every sentence.
SET search_path = shopml, public;
CREATE TEMP TABLE ref (id int, n_tokens int, sentence text, embedding real[]);
\copy ref FROM 'tests/fixtures/reference_embeddings.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (sentence))

-- cosine similarity in plain SQL over float8, independent of the vector type's kernels
CREATE FUNCTION pg_temp.cosine(a real[], b real[]) RETURNS double precision LANGUAGE sql IMMUTABLE AS
$$ SELECT sum(x::float8 * y) / sqrt(sum(x::float8 * x) * sum(y::float8 * y)) FROM unnest(a, b) t(x, y) $$;

SELECT count(*) AS sentences, max(n_tokens) AS longest_tokens,
       count(*) FILTER (WHERE sentence ~ '[一-龥]') AS chinese,
       count(*) FILTER (WHERE sentence = '') AS empty
FROM ref;

-- one at a time
SELECT count(*) FILTER (WHERE pg_temp.cosine(embed_text(sentence)::real[], embedding) >= 0.9999) AS passing,
       count(*) AS total
FROM ref;
-- any failing sentence is listed here
SELECT id, left(sentence, 40), pg_temp.cosine(embed_text(sentence)::real[], embedding)
FROM ref WHERE pg_temp.cosine(embed_text(sentence)::real[], embedding) < 0.9999;

-- batched (padding to the longest in each batch must not change anything)
SELECT count(*) FILTER (WHERE pg_temp.cosine(t.e::real[], ref.embedding) >= 0.9999) AS passing,
       count(*) AS total
FROM unnest(embed_texts((SELECT array_agg(sentence ORDER BY id) FROM ref))) WITH ORDINALITY t(e, i)
JOIN ref ON ref.id = t.i;

-- the 1000-word text truncates at 256 word pieces: its tail does not matter
SELECT embed_text(sentence) = embed_text(sentence || ' completely different ending about rockets') AS truncated
FROM ref WHERE n_tokens = 256;
