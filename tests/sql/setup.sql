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
-- EXPLAIN (COSTS OFF) of q without PostgreSQL 18's "Disabled: true" lines, so that plans read
-- the same on every major.
CREATE FUNCTION regress.plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS
$$ DECLARE line text; BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    IF line NOT LIKE '%Disabled: true%' THEN RETURN NEXT line; END IF;
  END LOOP;
END $$;
GRANT USAGE ON SCHEMA regress TO PUBLIC;
