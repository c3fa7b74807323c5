-- Installs the extension (schema shopml) for the tests that follow.
CREATE EXTENSION shopml;
SELECT extname, extversion, extrelocatable, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'shopml';
