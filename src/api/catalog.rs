//! The catalog of trained models from SQL (drop_model), and table_profile: what the SPI reader
//! that training uses makes of a table.

use crate::core::table::profile;
use crate::gucs;
use crate::pg::fmgr::{required, RegClass};
use crate::pg::text::TextArg;
use crate::pg::{catalog, table_reader};
use pgrx::prelude::*;

/// Drops every version of a trained model; only its trainer (or a role with that role's
/// privileges, or a superuser) may. Returns the number of versions dropped.
#[pg_extern(volatile, strict, parallel_unsafe, requires = ["catalog"])]
fn drop_model(name: TextArg) -> i64 {
    catalog::drop(&name.read(256).0)
}

/// Each column of `relation` as shopml's training reads it (with the caller's privileges):
/// the kind it becomes, rows, NULLs, distinct values, smallest and largest value.
#[pg_extern(stable, parallel_safe, requires = ["vector_type"])]
fn table_profile(
    relation: Option<RegClass>,
    columns: default!(Option<Vec<String>>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(column_name, String),
        name!(sql_type, String),
        name!(kind, String),
        name!(rows, i64),
        name!(nulls, i64),
        name!(distinct_values, i64),
        name!(min, Option<String>),
        name!(max, Option<String>),
    ),
> {
    let RegClass(relation) = required(relation, "relation");
    let table = table_reader::read_table(relation, columns.as_deref(), gucs::max_training_memory_bytes());
    let rows = table.rows as i64;
    TableIterator::new(table.columns.into_iter().map(move |c| {
        let p = profile(&c.values);
        (c.name, c.sql_type, c.values.kind().to_string(), rows, p.nulls as i64, p.distinct as i64, p.min, p.max)
    }))
}
