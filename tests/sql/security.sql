-- Installing and calling shopml as an attacker would (issue 13, items 4 and 7): a schema
-- created before CREATE EXTENSION is refused unless the installing role owns it, it is
-- empty and nobody else may create in it; afterwards ordinary roles can neither add
-- overloads to it nor change the superuser-only settings, but can read shopml.models.
-- (No CONTEXT lines: how much of the install script they quote differs between majors.)
\set SHOW_CONTEXT never
CREATE ROLE shopml_attacker LOGIN;
CREATE DATABASE shopml_schema_attack;
GRANT CREATE ON DATABASE shopml_schema_attack TO shopml_attacker;
\c shopml_schema_attack
SET ROLE shopml_attacker;
CREATE SCHEMA shopml;
CREATE FUNCTION shopml.vector_dims(text) RETURNS int LANGUAGE sql AS 'SELECT -7';
RESET ROLE;
-- the attacker's schema, with an overload waiting in it
CREATE EXTENSION shopml;
-- still refused once emptied: the attacker owns it and could add to it later
DROP FUNCTION shopml.vector_dims(text);
CREATE EXTENSION shopml;
-- the superuser's own schema, but others may create in it
DROP SCHEMA shopml;
CREATE SCHEMA shopml;
GRANT CREATE ON SCHEMA shopml TO shopml_attacker;
CREATE EXTENSION shopml;
-- the superuser's own empty schema that only it may write: accepted
REVOKE CREATE ON SCHEMA shopml FROM shopml_attacker;
CREATE TABLE shopml.leftover (x int);
CREATE EXTENSION shopml;
DROP TABLE shopml.leftover;
CREATE EXTENSION shopml;
SELECT shopml.vector_dims('[1,2,3]'::shopml.vector);

-- search_path (item 6): Postgres picks the best-matching overload across every schema in the
-- path, so a text overload in a schema others can write to wins for an untyped literal
-- whatever the order; a qualified name or a typed argument cannot be shadowed
CREATE FUNCTION public.vector_dims(text) RETURNS int LANGUAGE sql AS 'SELECT -7';
SET search_path = shopml, public;
SELECT vector_dims('[1,2,3]') AS unqualified, shopml.vector_dims('[1,2,3]'::shopml.vector) AS qualified,
       vector_dims('[1,2,3]'::vector) AS typed;
RESET search_path;
DROP FUNCTION public.vector_dims(text);

-- after install, an ordinary role cannot add objects to the schema
SET ROLE shopml_attacker;
CREATE FUNCTION shopml.vector_dims(text) RETURNS int LANGUAGE sql AS 'SELECT -7';
CREATE OPERATOR shopml.<=> (LEFTARG = text, RIGHTARG = text, PROCEDURE = pg_catalog.texteq);
-- it can read the models view the hints point to
SELECT name, installed FROM shopml.models;
-- and cannot lift the superuser's limits
SET shopml.max_batch_tokens = 100000;
SET shopml.model_dir = '/tmp';
-- its own batch_size stays within the superuser's token ceiling (results unchanged)
SET shopml.batch_size = 4096;
SELECT shopml.vector_dims((shopml.embed_texts(ARRAY['a', 'b']))[1]);
RESET ROLE;

\c shopml_regress
DROP DATABASE shopml_schema_attack;
DROP ROLE shopml_attacker;
