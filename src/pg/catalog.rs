//! The catalog of trained models (`shopml.trained_models`, sql/catalog.sql), written and read
//! only here. PUBLIC cannot write the table nor read its payload column, so these functions
//! switch to the extension's owner for the catalog statements alone (each fully qualified, so
//! that nothing in the caller's search_path runs as the owner), and check themselves who may do what: a name belongs to the role that first trained it
//! (and to roles that have its privileges, and superusers); anyone may use any model.

use crate::core::catalog::{check_name, parse_reference};
use crate::error::{Error, SqlState};
use crate::pg::OrReport;
use pgrx::datum::DatumWithOid;
use pgrx::pg_sys;
use pgrx::prelude::*;
use pgrx::JsonB;


/// A model to add as a new version.
pub struct NewModel<'a> {
    pub name: &'a str,
    pub task: &'a str,
    pub algorithm: &'a str,
    pub options: serde_json::Value,
    pub features: serde_json::Value,
    pub metrics: serde_json::Value,
    pub payload: &'a [u8],
}

/// One version found in the catalog (without its payload, which [`payload`] reads).
pub struct Entry {
    pub name: String,
    pub version: i32,
    /// created_at in microseconds: with name and version, what identifies the weights (a name
    /// dropped and trained again starts at version 1 again), so the model cache keys on it.
    pub created_us: i64,
    pub task: String,
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

/// The role calling (not the owner we may switch to).
fn caller() -> (pg_sys::Oid, String) {
    // SAFETY: plain reads of the current user.
    unsafe {
        let oid = pg_sys::GetUserId();
        let name = std::ffi::CStr::from_ptr(pg_sys::GetUserNameFromId(oid, false)).to_string_lossy().into_owned();
        (oid, name)
    }
}

/// Errors unless the caller may retrain or drop `name`, trained by `trained_by`.
fn check_owner(me: pg_sys::Oid, name: &str, trained_by: &str, action: &str) {
    let allowed = unsafe {
        let cname = std::ffi::CString::new(trained_by).unwrap_or_default();
        let owner = pg_sys::get_role_oid(cname.as_ptr(), true);
        pg_sys::superuser_arg(me) || (owner != pg_sys::InvalidOid && pg_sys::has_privs_of_role(me, owner))
    };
    if !allowed {
        Error::new(SqlState::InsufficientPrivilege, format!("permission denied to {action} model \"{name}\""))
            .with_detail(format!("model \"{name}\" belongs to role \"{trained_by}\""))
            .with_hint("pick another name, or ask that role or a superuser")
            .report();
    }
}

/// Adds `m` as the next version of its name and returns that version.
pub fn store(m: &NewModel) -> i32 {
    check_name(m.name).or_report();
    let (me_oid, me) = caller();
    as_owner(|| {
        Spi::connect_mut(|client| {
            // The name's existing versions, locked so that two trainings cannot take one number.
            let existing = client
                .update(
                    "SELECT task, trained_by::pg_catalog.text, version FROM shopml.trained_models WHERE name OPERATOR(pg_catalog.=) $1 ORDER BY version FOR UPDATE",
                    None,
                    &[m.name.into()],
                )
                .map_err(|e| Error::internal(format!("reading the model catalog failed: {e}")))
                .or_report();
            let mut last = 0;
            for row in existing {
                let task: String = row.get(1).ok().flatten().unwrap_or_default();
                let by: String = row.get(2).ok().flatten().unwrap_or_default();
                if last == 0 {
                    check_owner(me_oid, m.name, &by, "retrain");
                }
                last = row.get::<i32>(3).ok().flatten().unwrap_or(0);
                if task != m.task {
                    Error::new(SqlState::InvalidParameterValue, format!("model \"{}\" is a {task} model, not a {} model", m.name, m.task))
                        .with_hint("drop it with shopml.drop_model, or pick another name")
                        .report();
                }
            }
            let version = last + 1;
            let args: Vec<DatumWithOid> = vec![
                m.name.into(),
                version.into(),
                m.task.into(),
                m.algorithm.into(),
                JsonB(m.options.clone()).into(),
                JsonB(m.features.clone()).into(),
                JsonB(m.metrics.clone()).into(),
                m.payload.into(),
                me.as_str().into(),
            ];
            client
                .update(
                    "INSERT INTO shopml.trained_models (name, version, task, algorithm, options, features, metrics, payload, trained_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    None,
                    &args,
                )
                .map_err(|e| Error::internal(format!("writing the model catalog failed: {e}")))
                .or_report();
            version
        })
    })
}

/// The model `reference` (`name` or `name@version`, the latest when no version is given) of
/// `task`: unknown names and versions are clean errors.
pub fn find(reference: &str, task: &str) -> Entry {
    let (name, version) = parse_reference(reference).or_report();
    let found = as_owner(|| {
        Spi::connect(|client| {
            let rows = client
                .select(
                    "SELECT name, version, (pg_catalog.date_part('epoch', created_at) OPERATOR(pg_catalog.*) 1000000)::pg_catalog.int8, task
                       FROM shopml.trained_models
                      WHERE name OPERATOR(pg_catalog.=) $1 AND ($2 IS NULL OR version OPERATOR(pg_catalog.=) $2)
                      ORDER BY version DESC LIMIT 1",
                    None,
                    &[name.into(), version.into()],
                )
                .map_err(|e| Error::internal(format!("reading the model catalog failed: {e}")))
                .or_report();
            rows.into_iter().next().map(|row| Entry {
                name: row.get(1).ok().flatten().unwrap_or_default(),
                version: row.get(2).ok().flatten().unwrap_or_default(),
                created_us: row.get(3).ok().flatten().unwrap_or_default(),
                task: row.get(4).ok().flatten().unwrap_or_default(),
            })
        })
    });
    let Some(entry) = found else {
        let what = match version {
            Some(v) => format!("model \"{}\" has no version {v}", crate::error::excerpt(name)),
            None => format!("model \"{}\" does not exist", crate::error::excerpt(name)),
        };
        Error::new(SqlState::UndefinedObject, what).with_hint("see SELECT name, version, task FROM shopml.trained_models").report();
    };
    if entry.task != task {
        Error::new(SqlState::InvalidParameterValue, format!("model \"{}\" is a {} model, not a {task} model", entry.name, entry.task)).report();
    }
    entry
}

/// The payload (weights) of one version.
pub fn payload(entry: &Entry) -> Vec<u8> {
    as_owner(|| {
        Spi::connect(|c| {
            c.select(
                "SELECT payload FROM shopml.trained_models WHERE name OPERATOR(pg_catalog.=) $1 AND version OPERATOR(pg_catalog.=) $2",
                Some(1),
                &[entry.name.as_str().into(), entry.version.into()],
            )
            .and_then(|t| t.first().get_one::<Vec<u8>>())
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| Error::new(SqlState::UndefinedObject, format!("model \"{}\" version {} was dropped meanwhile", entry.name, entry.version)).report())
    })
}

/// Drops every version of `name`; returns how many there were.
pub fn drop(name: &str) -> i64 {
    check_name(name).or_report();
    let (me, _) = caller();
    let dropped = as_owner(|| {
        Spi::connect_mut(|client| {
            let by = client
                .update(
                    "SELECT trained_by::pg_catalog.text FROM shopml.trained_models WHERE name OPERATOR(pg_catalog.=) $1 ORDER BY version LIMIT 1 FOR UPDATE",
                    None,
                    &[name.into()],
                )
                .map_err(|e| Error::internal(format!("reading the model catalog failed: {e}")))
                .or_report()
                .first()
                .get_one::<String>()
                .ok()
                .flatten();
            let Some(by) = by else {
                Error::new(SqlState::UndefinedObject, format!("model \"{name}\" does not exist"))
                    .with_hint("see SELECT name, version, task FROM shopml.trained_models")
                    .report();
            };
            check_owner(me, name, &by, "drop");
            client
                .update("DELETE FROM shopml.trained_models WHERE name OPERATOR(pg_catalog.=) $1", None, &[name.into()])
                .map_err(|e| Error::internal(format!("writing the model catalog failed: {e}")))
                .or_report()
                .len() as i64
        })
    });
    crate::models::registry::forget_name(name);
    dropped
}
