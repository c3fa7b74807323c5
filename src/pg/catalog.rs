//! The catalog of trained models (`shopml.trained_models`, sql/catalog.sql), written and read
//! only here.
//!
//! A model is data with an owner, like a table: every version of `name` belongs to one role,
//! names are unique per owner (`recs` is the caller's own, `alice.recs` alice's), and only the
//! owner (a member of it, or a superuser) may retrain, drop or grant it. Using a model (predict,
//! recommend, explain, its catalog row) needs the owner's privileges or a grant
//! (`shopml.grant_model`), because a model carries what it learned from a table the user may not
//! read. PUBLIC cannot write the table nor read its payload, and row-level security shows each
//! role only the models it may use; so these functions switch to the extension's owner for the
//! catalog statements alone (each fully qualified, so that nothing in the caller's search_path
//! runs as the owner) and check the caller's rights themselves, with [`can_use`].

use crate::core::catalog::{check_name, parse_reference, qualified, Reference};
use crate::error::{excerpt, Error, SqlState};
use crate::pg::text::{server_cstr, DbText, Jsonb};
use crate::pg::OrReport;
use pgrx::datum::DatumWithOid;
use pgrx::pg_sys;
use pgrx::prelude::*;
use sha2::{Digest, Sha256};

/// A model to add as a new version.
pub struct NewModel<'a> {
    /// `name` or `owner.name`, as the trainer was called.
    pub name: &'a str,
    pub task: &'a str,
    pub algorithm: &'a str,
    pub options: serde_json::Value,
    pub features: serde_json::Value,
    pub metrics: serde_json::Value,
    pub payload: &'a [u8],
    /// Whether the new version serves unpinned references from now on (it does unless
    /// train_model's deploy option says otherwise).
    pub deploy: bool,
}

/// One version found in the catalog (without its payload, which [`payload`] reads).
pub struct Entry {
    pub owner: pg_sys::Oid,
    pub name: String,
    /// `owner.name` for messages.
    pub display: String,
    pub version: i32,
    /// created_at in microseconds: with owner, name and version, what identifies the weights (a
    /// name dropped and trained again starts at version 1 again), so the model cache keys on it.
    pub created_us: i64,
    pub task: String,
}

impl Entry {
    /// The name the model cache knows this model by (owners' models of one name differ).
    pub fn cache_name(&self) -> String {
        format!("{}.{}", self.owner.to_u32(), self.name)
    }
}

/// Runs `f` as the extension owner, restoring the caller after (an ERROR restores it too, with
/// the transaction or subtransaction). The caller's search_path stays in force (changing a
/// setting is not allowed in parallel mode), so every statement run here names its schemas,
/// operators and types in full: `OPERATOR(pg_catalog.=)`, `pg_catalog.int8`.
fn as_owner<R>(f: impl FnOnce() -> R) -> R {
    // select, not Spi::get_one: that one runs as an update and takes a transaction id, which a
    // parallel worker may not.
    let owner = Spi::connect(|c| {
        c.select("SELECT extowner FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'shopml'", Some(1), &[])
            .and_then(|t| t.first().get_one::<pg_sys::Oid>())
    })
    .ok()
    .flatten()
    .unwrap_or_else(|| Error::new(SqlState::UndefinedObject, "extension shopml is not installed in this database").report());
    let (mut user, mut context) = (pg_sys::InvalidOid, 0);
    // SAFETY: the same calls SECURITY DEFINER functions make, paired below.
    unsafe {
        pg_sys::GetUserIdAndSecContext(&mut user, &mut context);
        pg_sys::SetUserIdAndSecContext(owner, context | pg_sys::SECURITY_LOCAL_USERID_CHANGE as i32 | pg_sys::SECURITY_RESTRICTED_OPERATION as i32);
        let r = f();
        pg_sys::SetUserIdAndSecContext(user, context);
        r
    }
}

/// The role calling (current_user: SET ROLE and SECURITY DEFINER count, as for tables).
fn caller() -> pg_sys::Oid {
    // SAFETY: a plain read of the current user.
    unsafe { pg_sys::GetUserId() }
}

fn role_name(oid: pg_sys::Oid) -> String {
    // SAFETY: GetUserNameFromId with noerr = true returns NULL for a dropped role.
    unsafe { server_cstr(pg_sys::GetUserNameFromId(oid, true)) }.unwrap_or_else(|| format!("{}", oid.to_u32()))
}

/// May `role` act as `owner` (retrain, drop, grant): a superuser, the owner, or a member that
/// inherits its privileges.
fn acts_as(role: pg_sys::Oid, owner: pg_sys::Oid) -> bool {
    // SAFETY: catalog lookups of role membership.
    unsafe { pg_sys::superuser_arg(role) || pg_sys::has_privs_of_role(role, owner) }
}

/// Role oids read as int8 (pgrx reads oid 0, PUBLIC, as NULL).
pub fn oids(values: Vec<Option<i64>>) -> Vec<pg_sys::Oid> {
    values.into_iter().flatten().map(|v| pg_sys::Oid::from(v as u32)).collect()
}

/// May the current role use a model of `owner` granted to `grantees` (InvalidOid = PUBLIC)?
/// The one rule behind both the functions and the catalog's row-level security policy.
pub fn can_use(owner: pg_sys::Oid, grantees: &[pg_sys::Oid]) -> bool {
    let me = caller();
    acts_as(me, owner) || grantees.iter().any(|&g| g == pg_sys::InvalidOid || acts_as(me, g))
}

/// Errors (25006) unless this transaction may write: not on a hot standby, not read-only.
pub fn check_writable(what: &str) {
    // SAFETY: reads of the backend's recovery and transaction state.
    let (recovery, read_only) = unsafe { (pg_sys::RecoveryInProgress(), pg_sys::XactReadOnly) };
    if recovery || read_only {
        let why = if recovery { "during recovery" } else { "in a read-only transaction" };
        Error::new(SqlState::ReadOnlySqlTransaction, format!("cannot {what} {why}"))
            .with_hint(if recovery { "train on the primary: the model reaches the standbys with the WAL" } else { "train in a read-write transaction" })
            .report();
    }
}

/// The owner a reference names: the role written before the dot, or the caller.
fn owner_of(r: &Reference, reference: &str) -> Option<pg_sys::Oid> {
    match &r.owner {
        None => Some(caller()),
        Some(role) => {
            let c = std::ffi::CString::new(role.as_str())
                .unwrap_or_else(|_| Error::invalid_parameter(format!("invalid model reference \"{}\"", excerpt(reference))).report());
            // SAFETY: missing_ok = true returns InvalidOid for an unknown role.
            let oid = unsafe { pg_sys::get_role_oid(c.as_ptr(), true) };
            match oid {
                // A dropped owner shows as its oid (regrole's output): that names it too.
                pg_sys::InvalidOid => role.parse::<u32>().ok().filter(|&n| n != 0).map(pg_sys::Oid::from),
                oid => Some(oid),
            }
        }
    }
}

fn catalog_error(e: pgrx::spi::SpiError, doing: &str) -> Error {
    Error::internal(format!("{doing} the model catalog failed: {e}"))
}

/// Checks, before any work, that the caller may train a model under `name` (`name` or
/// `team.name`, a role the caller belongs to) here and now; returns its owner, bare name and
/// display name. Trainers call it first, and [`store`] again.
pub fn check_new(name: &str) -> (pg_sys::Oid, String, String) {
    let r = parse_reference(name).or_report();
    if r.version.is_some() {
        Error::invalid_parameter(format!("invalid model name \"{}\": a new version cannot be named", excerpt(name)))
            .with_hint("training stores the next version; leave out @version")
            .report();
    }
    check_name(r.name).or_report();
    check_writable("train a model");
    let Some(owner) = owner_of(&r, name) else {
        Error::new(SqlState::UndefinedObject, format!("role \"{}\" does not exist", excerpt(r.owner.as_deref().unwrap_or_default()))).report();
    };
    let display = qualified(&role_name(owner), r.name);
    if !acts_as(caller(), owner) {
        Error::new(SqlState::InsufficientPrivilege, format!("permission denied to train model \"{display}\""))
            .with_detail(format!("only members of role \"{}\" may train its models", role_name(owner)))
            .with_hint("leave out the owner to train a model of your own")
            .report();
    }
    (owner, r.name.to_string(), display)
}

/// Adds `m` as the next version of its name and returns that version. `m.name` may name a role
/// the caller belongs to (`team.recs`): the model then belongs to that role.
pub fn store(m: &NewModel) -> i32 {
    let (owner, bare, display) = check_new(m.name);
    let me = caller();
    let checksum = Sha256::digest(m.payload).to_vec();
    as_owner(|| {
        Spi::connect_mut(|client| {
            // The name's existing versions, locked so that two trainings cannot take one number.
            let existing = client
                .update(
                    "SELECT task, version, grantees::pg_catalog.oid[]::pg_catalog.int8[] FROM shopml.trained_models
                      WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2
                      ORDER BY version FOR UPDATE",
                    None,
                    &[owner.into(), bare.as_str().into()],
                )
                .map_err(|e| catalog_error(e, "reading"))
                .or_report();
            let mut last = 0;
            let mut grantees: Vec<Option<i64>> = Vec::new();
            for row in existing {
                let task: String = row.get(1).ok().flatten().unwrap_or_default();
                if task != m.task {
                    Error::new(SqlState::InvalidParameterValue, format!("model \"{display}\" is a {task} model, not a {} model", m.task))
                        .with_hint("drop it with shopml.drop_model, or pick another name")
                        .report();
                }
                last = row.get::<i32>(2).ok().flatten().unwrap_or(0);
                grantees = row.get::<Vec<Option<i64>>>(3).ok().flatten().unwrap_or_default();
            }
            let version = last + 1;
            if m.deploy {
                client
                    .update(
                        "UPDATE shopml.trained_models SET deployed = false
                          WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2 AND deployed",
                        None,
                        &[owner.into(), bare.as_str().into()],
                    )
                    .map_err(|e| catalog_error(e, "writing"))
                    .or_report();
            }
            let args: Vec<DatumWithOid> = vec![
                bare.as_str().into(),
                version.into(),
                m.task.into(),
                m.algorithm.into(),
                Jsonb(m.options.clone()).into(),
                Jsonb(m.features.clone()).into(),
                Jsonb(m.metrics.clone()).into(),
                m.payload.into(),
                DbText(role_name(me)).into(),
                owner.into(),
                grantees.into(),
                checksum.as_slice().into(),
                m.deploy.into(),
            ];
            client
                .update(
                    "INSERT INTO shopml.trained_models (name, version, task, algorithm, options, features, metrics, payload, trained_by, owner, grantees, checksum, deployed)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::pg_catalog.regrole, $11::pg_catalog.int8[]::pg_catalog.oid[]::pg_catalog.regrole[], $12, $13)",
                    None,
                    &args,
                )
                .map_err(|e| catalog_error(e, "writing"))
                .or_report();
            version
        })
    })
}

/// The model `reference` (`[owner.]name[@version]`, the deployed version when none is given:
/// the latest unless shopml.deploy_model or train_model's deploy option chose another) of
/// any of `tasks`, if the caller may use it: unknown names and versions, and models the caller may not
/// use, are clean errors.
pub fn find_of(reference: &str, tasks: &[&str]) -> Entry {
    let r = parse_reference(reference).or_report();
    let owner = owner_of(&r, reference);
    let found = owner.and_then(|owner| {
        as_owner(|| {
            Spi::connect(|client| {
                let rows = client
                    .select(
                        "SELECT name, version, (pg_catalog.date_part('epoch', created_at) OPERATOR(pg_catalog.*) 1000000)::pg_catalog.int8,
                                task, grantees::pg_catalog.oid[]::pg_catalog.int8[]
                           FROM shopml.trained_models
                          WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2
                            AND ($3 IS NULL OR version OPERATOR(pg_catalog.=) $3)
                          ORDER BY deployed DESC, version DESC LIMIT 1",
                        None,
                        &[owner.into(), r.name.into(), r.version.into()],
                    )
                    .map_err(|e| catalog_error(e, "reading"))
                    .or_report();
                rows.into_iter().next().map(|row| {
                    let grantees: Vec<Option<i64>> = row.get(5).ok().flatten().unwrap_or_default();
                    let name: String = row.get(1).ok().flatten().unwrap_or_default();
                    let entry = Entry {
                        owner,
                        display: qualified(&role_name(owner), &name),
                        name,
                        version: row.get(2).ok().flatten().unwrap_or_default(),
                        created_us: row.get(3).ok().flatten().unwrap_or_default(),
                        task: row.get(4).ok().flatten().unwrap_or_default(),
                    };
                    (entry, oids(grantees))
                })
            })
        })
    });
    let Some((entry, grantees)) = found else {
        let what = match r.version {
            Some(v) => format!("model \"{}\" has no version {v}", excerpt(reference.rsplit_once('@').map_or(reference, |p| p.0))),
            None => format!("model \"{}\" does not exist", excerpt(reference)),
        };
        let mut e = Error::new(SqlState::UndefinedObject, what);
        e = match (r.owner.is_none() && r.version.is_none()).then(|| usable_elsewhere(r.name)).flatten() {
            Some(other) => e.with_hint(format!("a name without an owner means a model of your own; \"{other}\" is another role's model you may use")),
            None => e.with_hint("see SELECT owner, name, version, task FROM shopml.trained_models"),
        };
        e.report();
    };
    if !can_use(entry.owner, &grantees) {
        Error::new(SqlState::InsufficientPrivilege, format!("permission denied for model \"{}\"", entry.display))
            .with_hint(format!("its owner may run SELECT shopml.grant_model('{}', '{}')", entry.name, role_name(caller())))
            .report();
    }
    if !tasks.contains(&entry.task.as_str()) {
        Error::new(SqlState::InvalidParameterValue, format!("model \"{}\" is a {} model, not a {} model", entry.display, entry.task, tasks.join(" or ")))
            .report();
    }
    entry
}

/// Another owner's model named `name` that the caller may use, for a hint.
fn usable_elsewhere(name: &str) -> Option<String> {
    let owners: Vec<(pg_sys::Oid, Vec<pg_sys::Oid>)> = as_owner(|| {
        Spi::connect(|client| {
            client
                .select(
                    "SELECT owner::pg_catalog.oid, grantees::pg_catalog.oid[]::pg_catalog.int8[] FROM shopml.trained_models
                      WHERE name OPERATOR(pg_catalog.=) $1 ORDER BY owner::pg_catalog.oid, version DESC LIMIT 100",
                    None,
                    &[name.into()],
                )
                .map(|rows| {
                    rows.into_iter()
                        .filter_map(|row| {
                            let g: Vec<Option<i64>> = row.get(2).ok().flatten().unwrap_or_default();
                            Some((row.get::<pg_sys::Oid>(1).ok().flatten()?, oids(g)))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    owners.iter().find(|(o, g)| *o != caller() && can_use(*o, g)).map(|(o, _)| qualified(&role_name(*o), name))
}

/// The payload (weights) of one version, checked against the checksum stored beside it.
pub fn payload(entry: &Entry) -> Vec<u8> {
    let (payload, checksum) = as_owner(|| {
        Spi::connect(|c| {
            let rows = c
                .select(
                    "SELECT payload, checksum FROM shopml.trained_models
                      WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2 AND version OPERATOR(pg_catalog.=) $3",
                    Some(1),
                    &[entry.owner.into(), entry.name.as_str().into(), entry.version.into()],
                )
                .map_err(|e| catalog_error(e, "reading"))
                .or_report();
            let row = rows.first();
            (row.get::<Vec<u8>>(1).ok().flatten(), row.get::<Vec<u8>>(2).ok().flatten())
        })
    });
    let Some(payload) = payload else {
        Error::new(SqlState::UndefinedObject, format!("model \"{}\" version {} was dropped meanwhile", entry.display, entry.version)).report();
    };
    if checksum.as_deref() != Some(Sha256::digest(&payload).as_slice()) {
        Error::new(
            SqlState::DataCorrupted,
            format!("model \"{}\" version {} is corrupted: its weights do not match their checksum", entry.display, entry.version),
        )
        .with_hint("train it again, or restore shopml.trained_models from a backup")
        .report();
    }
    payload
}

/// The owner and name of a model the caller must act as the owner of (drop, grant).
fn owned(reference: &str, action: &str) -> (pg_sys::Oid, String, String) {
    let r = parse_reference(reference).or_report();
    if r.version.is_some() {
        Error::invalid_parameter(format!("cannot {action} one version of model \"{}\"", excerpt(reference)))
            .with_hint("name the model without @version: it applies to every version")
            .report();
    }
    let exists = owner_of(&r, reference).filter(|&owner| {
        as_owner(|| {
            Spi::connect(|c| {
                c.select(
                    "SELECT 1 FROM shopml.trained_models WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2 LIMIT 1",
                    Some(1),
                    &[owner.into(), r.name.into()],
                )
                .map(|t| !t.is_empty())
                .unwrap_or(false)
            })
        })
    });
    let Some(owner) = exists else {
        Error::new(SqlState::UndefinedObject, format!("model \"{}\" does not exist", excerpt(reference)))
            .with_hint("see SELECT owner, name, version, task FROM shopml.trained_models")
            .report();
    };
    let display = qualified(&role_name(owner), r.name);
    if !acts_as(caller(), owner) {
        Error::new(SqlState::InsufficientPrivilege, format!("permission denied to {action} model \"{display}\""))
            .with_detail(format!("model \"{display}\" belongs to role \"{}\"", role_name(owner)))
            .report();
    }
    (owner, r.name.to_string(), display)
}

/// Drops every version of a model; returns how many there were.
pub fn drop(reference: &str) -> i64 {
    check_writable("drop a model");
    let (owner, name, _) = owned(reference, "drop");
    let dropped = as_owner(|| {
        Spi::connect_mut(|client| {
            client
                .update(
                    "DELETE FROM shopml.trained_models WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2",
                    None,
                    &[owner.into(), name.as_str().into()],
                )
                .map_err(|e| catalog_error(e, "writing"))
                .or_report()
                .len() as i64
        })
    });
    crate::models::registry::forget_name(&format!("{}.{name}", owner.to_u32()));
    dropped
}

/// The role a grant names: `public` (any case) is PUBLIC (InvalidOid), anything else a role
/// name as SQL reads it (regrolein: unquoted is folded, unknown roles are 42704).
fn grantee(role: &str) -> pg_sys::Oid {
    if role.eq_ignore_ascii_case("public") {
        return pg_sys::InvalidOid;
    }
    let c = std::ffi::CString::new(role).unwrap_or_else(|_| Error::invalid_parameter("role must not contain NUL").report());
    // SAFETY: regrolein takes a cstring and raises a clean ERROR for unknown roles.
    unsafe { pgrx::direct_function_call::<pg_sys::Oid>(pg_sys::regrolein, &[c.as_c_str().into_datum()]) }
        .unwrap_or_else(|| Error::new(SqlState::UndefinedObject, format!("role \"{}\" does not exist", excerpt(role))).report())
}

/// Grants (or revokes) the use of every version of a model, present and future, to a role or
/// PUBLIC; only the owner may. Returns the roles that may use it besides the owner.
pub fn grant(reference: &str, role: &str, revoke: bool) -> Vec<String> {
    check_writable(if revoke { "revoke a model" } else { "grant a model" });
    let (owner, name, _) = owned(reference, if revoke { "revoke" } else { "grant" });
    let role = grantee(role);
    // Arrays of oid: equality of regrole goes through oid's operators anyway.
    let statement = if revoke {
        "UPDATE shopml.trained_models SET grantees = pg_catalog.array_remove(grantees::pg_catalog.oid[], $3::pg_catalog.int8::pg_catalog.oid)::pg_catalog.regrole[]
          WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2
         RETURNING grantees::pg_catalog.oid[]::pg_catalog.int8[]"
    } else {
        "UPDATE shopml.trained_models
            SET grantees = pg_catalog.array_append(pg_catalog.array_remove(grantees::pg_catalog.oid[], $3::pg_catalog.int8::pg_catalog.oid), $3::pg_catalog.int8::pg_catalog.oid)::pg_catalog.regrole[]
          WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2
         RETURNING grantees::pg_catalog.oid[]::pg_catalog.int8[]"
    };
    let grantees: Vec<Option<i64>> = as_owner(|| {
        Spi::connect_mut(|client| {
            client
                .update(statement, None, &[owner.into(), name.as_str().into(), (role.to_u32() as i64).into()])
                .map_err(|e| catalog_error(e, "writing"))
                .or_report()
                .first()
                .get_one::<Vec<Option<i64>>>()
                .ok()
                .flatten()
                .unwrap_or_default()
        })
    });
    let mut names: Vec<String> = oids(grantees).into_iter().map(|g| if g == pg_sys::InvalidOid { "PUBLIC".to_string() } else { role_name(g) }).collect();
    names.sort();
    names
}

/// The trained model `reference` of `task`, from this backend's cache when that version is
/// loaded, else read from its checked payload by `parse` (which returns the model and the bytes
/// it holds). The one loading path of every trained-model function.
pub fn load<M: std::any::Any + Send + Sync>(reference: &str, task: &'static str, parse: impl FnOnce(&[u8]) -> Result<(M, usize), String>) -> std::sync::Arc<M> {
    load_of(reference, task, &[task], parse).1
}

/// [`load`] of a model of any of `tasks`, cached as `kind`; with its catalog entry.
pub fn load_of<M: std::any::Any + Send + Sync>(
    reference: &str,
    kind: &'static str,
    tasks: &[&str],
    parse: impl FnOnce(&[u8]) -> Result<(M, usize), String>,
) -> (Entry, std::sync::Arc<M>) {
    let entry = find_of(reference, tasks);
    let key = crate::models::registry::Key {
        kind,
        name: entry.cache_name(),
        version: entry.version as i64,
        stamp: entry.created_us,
        dir: Default::default(),
        device: None,
    };
    let model = crate::models::registry::get_or_load(key, crate::gucs::model_cache_bytes(), || {
        parse(&payload(&entry))
            .map_err(|e| Error::new(SqlState::DataCorrupted, format!("model \"{}\" version {} cannot be read: {e}", entry.display, entry.version)))
    })
    .or_report();
    (entry, model)
}

/// The version of `name` (a new model's name, as a trainer got it) that serves unpinned
/// references now, if it has any version.
pub fn deployed_version(name: &str) -> Option<i32> {
    let (owner, bare, _) = check_new(name);
    as_owner(|| {
        Spi::connect(|client| {
            client
                .select(
                    "SELECT version FROM shopml.trained_models
                      WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2
                      ORDER BY deployed DESC, version DESC LIMIT 1",
                    None,
                    &[owner.into(), bare.as_str().into()],
                )
                .map_err(|e| catalog_error(e, "reading"))
                .or_report()
                .first()
                .get_one::<i32>()
                .ok()
                .flatten()
        })
    })
}

/// Makes `version` of a model the one unpinned references use; only its owner may. Returns it.
pub fn deploy(reference: &str, version: i32) -> i32 {
    check_writable("deploy a model");
    let (owner, name, display) = owned(reference, "deploy");
    let found = as_owner(|| {
        Spi::connect_mut(|client| {
            client
                .update(
                    "UPDATE shopml.trained_models SET deployed = (version OPERATOR(pg_catalog.=) $3)
                      WHERE owner::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2
                        AND (deployed OR version OPERATOR(pg_catalog.=) $3)
                      RETURNING version OPERATOR(pg_catalog.=) $3",
                    None,
                    &[owner.into(), name.as_str().into(), version.into()],
                )
                .map_err(|e| catalog_error(e, "writing"))
                .or_report()
                .into_iter()
                .any(|row| row.get::<bool>(1).ok().flatten() == Some(true))
        })
    });
    if !found {
        // The UPDATE is undone with the error.
        Error::new(SqlState::UndefinedObject, format!("model \"{display}\" has no version {version}"))
            .with_hint("see SELECT version, deployed FROM shopml.trained_models")
            .report();
    }
    version
}
