-- Installs the extension (schema shopml) for the tests that follow.
CREATE EXTENSION shopml;
SELECT extname, extversion, extrelocatable, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'shopml';

-- Helpers the other test files share (the regress database outlives each file's session).
CREATE SCHEMA regress;
-- 'ok', or the SQLSTATE of the error that running q raises.
CREATE FUNCTION regress.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN EXECUTE q; RETURN 'ok'; EXCEPTION WHEN others THEN RETURN SQLSTATE; END $$;
-- 'ok', or 'SQLSTATE: message' of the error that running q raises.
CREATE FUNCTION regress.error_of(q text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN EXECUTE q; RETURN 'ok'; EXCEPTION WHEN others THEN RETURN SQLSTATE || ': ' || SQLERRM; END $$;
GRANT USAGE ON SCHEMA regress TO PUBLIC;
