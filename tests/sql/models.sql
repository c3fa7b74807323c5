-- shopml.models and model files: installed, loaded, and clear errors when files are missing
-- or corrupt (never a crash).
SET search_path = shopml, public;

SELECT name, task, dims, max_tokens, source, license, size_bytes, sha256, installed,
       path LIKE '%/shopml/models/all-MiniLM-L6-v2' AS default_path
FROM models;

-- loaded only after first use in this backend
SELECT loaded FROM models WHERE name = 'all-MiniLM-L6-v2';
SELECT vector_dims(embed_text('warm up'));
SELECT loaded FROM models WHERE name = 'all-MiniLM-L6-v2';

-- a directory without the files
SET shopml.model_dir = '/tmp/shopml-regress/models-missing';
SELECT installed, size_bytes FROM models;
SELECT embed_text('x');
-- a directory with a corrupt tokenizer.json
SET shopml.model_dir = '/tmp/shopml-regress/models-corrupt';
SELECT embed_text('x');
-- files that fail their sha256 are not "installed", and the copy loaded from the good
-- directory is not what a call would use now, so not "loaded" either
SELECT installed, loaded FROM models;
RESET shopml.model_dir;
SELECT vector_dims(embed_text('back to the installed model'));

-- only a superuser chooses where weights come from
CREATE ROLE shopml_regress_user;
SET ROLE shopml_regress_user;
SET shopml.model_dir = '/tmp';
SELECT shopml.vector_dims(shopml.embed_text('ordinary users can embed'));
RESET ROLE;
DROP ROLE shopml_regress_user;

-- shopml.model_cache_size bounds the models one backend keeps: one larger than it is refused
\c
SET shopml.model_cache_size = '50MB';
SELECT shopml.embed_text('too big for the cache');
SELECT name, loaded FROM shopml.models;
RESET shopml.model_cache_size;
SELECT shopml.vector_dims(shopml.embed_text('fits again')) AS dims;
