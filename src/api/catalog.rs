//! The catalog of trained models from SQL (drop_model, grant_model, revoke_model, and the rule
//! of its row-level security), and table_profile: what the SPI reader that training uses makes
//! of a table.

use crate::core::table::profile;
use crate::gucs;
use crate::pg::fmgr::{required, RegClass};
use crate::pg::text::{DbText, TextArg};
use crate::pg::arrays::TextArray;
use crate::pg::{catalog, table_reader};
use pgrx::prelude::*;

/// Drops every version of a trained model; only its owner (a member of the owning role, or a
/// superuser) may. Returns the number of versions dropped.
#[pg_extern(volatile, strict, parallel_unsafe, requires = ["catalog"])]
fn drop_model(name: TextArg) -> i64 {
    catalog::drop(&name.read(256).0)
}

/// Lets a role (or PUBLIC) use every version of a model, present and future: predict,
/// recommend, explain, and see its catalog row. Only the owner may. Returns who may use it now
/// besides the owner.
#[pg_extern(volatile, strict, parallel_unsafe, requires = ["catalog"])]
fn grant_model(model: TextArg, role: TextArg) -> Vec<DbText> {
    catalog::grant(&model.read(256).0, &role.read(256).0, false).into_iter().map(DbText).collect()
}

/// Takes back what grant_model gave. Returns who may still use the model besides the owner.
#[pg_extern(volatile, strict, parallel_unsafe, requires = ["catalog"])]
fn revoke_model(model: TextArg, role: TextArg) -> Vec<DbText> {
    catalog::grant(&model.read(256).0, &role.read(256).0, true).into_iter().map(DbText).collect()
}

/// May the current role use a model of this owner granted to these roles (role oids as int8,
/// 0 = PUBLIC)? The
/// row-level security policy of shopml.trained_models, and the check every model function makes.
#[pg_extern(stable, strict, parallel_safe, requires = ["catalog"])]
fn model_usable(owner: pg_sys::Oid, grantees: Vec<Option<i64>>) -> bool {
    catalog::can_use(owner, &catalog::oids(grantees))
}

/// Each column of `relation` as shopml's training reads it (with the caller's privileges):
/// the kind it becomes, rows, NULLs, distinct values, smallest and largest value.
#[pg_extern(stable, parallel_safe, requires = ["vector_type"])]
fn table_profile(
    relation: Option<RegClass>,
    columns: default!(Option<TextArray>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(column_name, DbText),
        name!(sql_type, DbText),
        name!(kind, DbText),
        name!(rows, i64),
        name!(nulls, i64),
        name!(distinct_values, i64),
        name!(min, Option<DbText>),
        name!(max, Option<DbText>),
    ),
> {
    let RegClass(relation) = required(relation, "relation");
    let columns: Option<Vec<String>> = columns.map(|a| {
        crate::pg::text::text_array(&a.0.texts(), 1024).into_iter().map(|c| required(c, "columns")).collect()
    });
    let table = table_reader::read_table(relation, columns.as_deref(), gucs::max_training_memory_bytes());
    let rows = table.rows as i64;
    TableIterator::new(table.columns.into_iter().map(move |c| {
        let p = profile(&c.values);
        (DbText(c.name), DbText(c.sql_type), DbText::from(c.values.kind()), rows, p.nulls as i64, p.distinct as i64, p.min.map(DbText), p.max.map(DbText))
    }))
}
