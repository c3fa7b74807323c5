-- Embedding functions (they return the vector type of sql/vector.sql), the models view, and
-- privileges. IMMUTABLE: a model name maps to fixed, sha256-checked weights forever.

CREATE FUNCTION embed_text(input text, model text DEFAULT 'all-MiniLM-L6-v2') RETURNS vector
    AS 'MODULE_PATHNAME', 'embed_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10000;
CREATE FUNCTION embed_texts(inputs text[], model text DEFAULT 'all-MiniLM-L6-v2') RETURNS vector[]
    AS 'MODULE_PATHNAME', 'embed_texts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION embed_text(text, text) IS 'sentence embedding of a text (unit norm); NULL gives NULL';
COMMENT ON FUNCTION embed_texts(text[], text) IS 'embeddings of many texts in batched forward passes; element i embeds inputs[i]';

CREATE VIEW models AS SELECT * FROM model_status();
COMMENT ON FUNCTION model_status() IS 'the rows of shopml.models (volatile: reads the model directory and this backend''s cache)';
COMMENT ON VIEW models IS 'every model shopml knows: task, dims, source package, size, sha256 of the weights, installed?, loaded in this backend?';

-- Everyone may call the functions (as with pgvector); only superusers choose model files.
GRANT USAGE ON SCHEMA shopml TO PUBLIC;
