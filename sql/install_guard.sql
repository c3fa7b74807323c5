-- First statement of the install script: refuse a schema that shopml did not create.
-- The control file names schema shopml, and CREATE EXTENSION silently adopts an existing one.
-- A role that created it beforehand (any role with CREATE on the database can) could hold
-- objects in it, or add overloads later, that superusers then call through shopml's names:
-- see PostgreSQL's "Security Considerations for Extension Scripts". So the schema must be
-- owned by the installing role, hold nothing, and let nobody else create in it.
DO LANGUAGE plpgsql $guard$
DECLARE
    ns pg_catalog.oid;
    owner pg_catalog.oid;
    acl pg_catalog.aclitem[];
    objects pg_catalog.int8;
BEGIN
    SELECT n.oid, n.nspowner, n.nspacl INTO ns, owner, acl
      FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) '@extschema@';
    IF owner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) THEN
        RAISE EXCEPTION 'schema "@extschema@" already exists and is owned by role "%"', pg_catalog.pg_get_userbyid(owner)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'shopml installs only into a schema it creates: drop or rename that schema, then run CREATE EXTENSION shopml again';
    END IF;
    SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class WHERE relnamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_proc WHERE pronamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_type WHERE typnamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_operator WHERE oprnamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_opfamily WHERE opfnamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_collation WHERE collnamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_conversion WHERE connamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_ts_config WHERE cfgnamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_ts_dict WHERE dictnamespace OPERATOR(pg_catalog.=) ns)
         OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_statistic_ext WHERE stxnamespace OPERATOR(pg_catalog.=) ns)
      INTO objects;
    IF objects OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'schema "@extschema@" already exists and holds % objects (tables count with their types)', objects
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'shopml installs only into a schema it creates: drop or rename that schema, then run CREATE EXTENSION shopml again';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.aclexplode(acl) a
                WHERE a.privilege_type OPERATOR(pg_catalog.=) 'CREATE' AND a.grantee OPERATOR(pg_catalog.<>) owner) THEN
        RAISE EXCEPTION 'schema "@extschema@" already exists and other roles may create objects in it'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'shopml installs only into a schema it creates: drop or rename that schema, then run CREATE EXTENSION shopml again';
    END IF;
END
$guard$;
