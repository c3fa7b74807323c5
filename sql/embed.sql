-- Embedding functions (they return the vector type of sql/vector.sql), the models view, and
-- privileges. IMMUTABLE: a model name maps to fixed, sha256-checked weights forever.

CREATE FUNCTION @extschema@.embed_text(input text, model text DEFAULT 'all-MiniLM-L6-v2') RETURNS @extschema@.vector
    AS 'MODULE_PATHNAME', 'embed_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10000;
CREATE FUNCTION @extschema@.embed_texts(inputs text[], model text DEFAULT 'all-MiniLM-L6-v2') RETURNS @extschema@.vector[]
    AS 'MODULE_PATHNAME', 'embed_texts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION @extschema@.embed_text(text, text) IS 'sentence embedding of a text (unit norm); NULL gives NULL';
COMMENT ON FUNCTION @extschema@.embed_texts(text[], text) IS 'embeddings of many texts in batched forward passes; element i embeds inputs[i]';

CREATE VIEW @extschema@.models AS SELECT * FROM @extschema@.model_status();
COMMENT ON FUNCTION @extschema@.model_status() IS 'the rows of shopml.models (volatile: reads the model directory and this backend''s cache)';
COMMENT ON VIEW @extschema@.models IS 'every model shopml knows: task, dims, source package, size, sha256 of the weights, installed?, loaded in this backend?';

-- Everyone may call the functions (as with pgvector) and read the models view; only
-- superusers choose model files (shopml.model_dir) and the work ceiling (shopml.max_batch_tokens).
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT SELECT ON @extschema@.models TO PUBLIC;
