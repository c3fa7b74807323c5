-- Last statements of the install script, after pgrx's generated functions: their comments,
-- the models view, and privileges.

COMMENT ON FUNCTION @extschema@.embed_text(text, text) IS 'sentence embedding of a text (unit norm); NULL gives NULL';
COMMENT ON FUNCTION @extschema@.embed_texts(text[], text) IS 'embeddings of many texts in batched forward passes; element i embeds inputs[i]';
COMMENT ON FUNCTION @extschema@.l2_normalize(@extschema@.vector) IS 'unit vector in the same direction; a zero vector stays zero';
COMMENT ON FUNCTION @extschema@.subvector(@extschema@.vector, integer, integer) IS 'subvector(v, start, count): elements start (1-based) to start + count - 1';
COMMENT ON FUNCTION @extschema@.drop_model(text) IS 'drops every version of a trained model (its trainer or a superuser); returns the versions dropped';
COMMENT ON FUNCTION @extschema@.table_profile(regclass, text[]) IS 'what shopml reads from a table, column by column: kind, rows, NULLs, distinct values, min, max (read with the caller''s privileges)';

CREATE VIEW @extschema@.models AS SELECT * FROM @extschema@.model_status();
COMMENT ON FUNCTION @extschema@.model_status() IS 'the rows of shopml.models (volatile: reads the model directory and this backend''s cache)';
COMMENT ON VIEW @extschema@.models IS 'every model shopml knows: task, dims, source package, size, sha256 of the weights, installed?, loaded in this backend?';

-- Everyone may call the functions (as with pgvector) and read the models view; only
-- superusers choose model files (shopml.model_dir) and the work ceiling (shopml.max_batch_tokens).
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT SELECT ON @extschema@.models TO PUBLIC;
