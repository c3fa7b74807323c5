//! Reading a table for training through SPI, with the caller's privileges (a caller without
//! SELECT gets Postgres's own permission error), into the typed columns of src/core/table.rs.
//!
//! Identifiers are quoted; conversions happen in the query (`::float8`, `extract(epoch ...)`,
//! `::text`), so Rust decodes only float8, bool, text and vector; rows arrive through a cursor
//! in batches, with cancellation checked between them, and the memory they take is bounded.

use crate::core::table::{Column, Table, Values};
use crate::error::{Error, SqlState};
use crate::pg::text::{server_cstr, spi_text, TextArg};
use crate::pg::OrReport;
use crate::types::memory_vector::vector_from_datum;
use pgrx::pg_sys;
use pgrx::spi::{quote_identifier, quote_qualified_identifier, Spi};

/// Rows fetched from the cursor at a time.
const BATCH_ROWS: i64 = 10_000;

/// How a column is read: the SQL expression around the quoted name, and the kind it becomes.
#[derive(Clone, Copy)]
enum Read {
    Number,
    Bool,
    Text,
    Time,
    Vector,
}

struct Attribute {
    name: String,
    type_oid: pg_sys::Oid,
    sql_type: String,
    category: String,
}

/// The table's name as a qualified, quoted identifier, for the query and for messages.
pub fn relation_name(relation: pg_sys::Oid) -> String {
    // SAFETY: catalog lookups; a missing relation gives NULL pointers, checked below.
    unsafe {
        let rel = pg_sys::get_rel_name(relation);
        let nsp = pg_sys::get_namespace_name(pg_sys::get_rel_namespace(relation));
        if rel.is_null() || nsp.is_null() {
            Error::new(SqlState::UndefinedObject, format!("relation with oid {} does not exist", relation.to_u32())).report();
        }
        let rel = server_cstr(rel).unwrap_or_default();
        let nsp = server_cstr(nsp).unwrap_or_default();
        quote_qualified_identifier(nsp, rel)
    }
}

fn attributes(relation: pg_sys::Oid) -> Vec<Attribute> {
    Spi::connect(|client| {
        let rows = client
            .select(
                "SELECT a.attname::text, a.atttypid, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typcategory::text
                   FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
                  WHERE a.attrelid OPERATOR(pg_catalog.=) $1 AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
                  ORDER BY a.attnum",
                None,
                &[relation.into()],
            )
            .map_err(|e| Error::internal(format!("reading the columns failed: {e}")))
            .or_report();
        rows.map(|row| Attribute {
            name: spi_text(&row, 1).unwrap_or_default(),
            type_oid: row.get::<pg_sys::Oid>(2).ok().flatten().unwrap_or(pg_sys::InvalidOid),
            sql_type: spi_text(&row, 3).unwrap_or_default(),
            category: spi_text(&row, 4).unwrap_or_default(),
        })
        .collect()
    })
}

fn read_kind(a: &Attribute, vector_oid: pg_sys::Oid) -> Option<Read> {
    use pg_sys::BuiltinOid as B;
    if a.type_oid == vector_oid {
        return Some(Read::Vector);
    }
    if a.category == "E" {
        return Some(Read::Text);
    }
    match B::from_u32(a.type_oid.to_u32()).ok()? {
        B::INT2OID | B::INT4OID | B::INT8OID | B::FLOAT4OID | B::FLOAT8OID | B::NUMERICOID => Some(Read::Number),
        B::BOOLOID => Some(Read::Bool),
        B::TEXTOID | B::VARCHAROID | B::BPCHAROID | B::NAMEOID => Some(Read::Text),
        B::DATEOID | B::TIMESTAMPOID | B::TIMESTAMPTZOID => Some(Read::Time),
        _ => None,
    }
}

fn select_expr(read: Read, name: &str) -> String {
    let q = quote_identifier(name);
    match read {
        Read::Number => format!("{q}::pg_catalog.float8"),
        Read::Time => format!("pg_catalog.date_part('epoch', {q})::pg_catalog.float8"),
        Read::Text => format!("{q}::pg_catalog.text"),
        Read::Bool | Read::Vector => q,
    }
}

/// Reads `columns` of `relation` (all of them, in table order, when None) as the caller.
/// Unknown columns, unsupported types and tables over `max_bytes` are clean errors.
pub fn read_table(relation: pg_sys::Oid, columns: Option<&[String]>, max_bytes: usize) -> Table {
    read_table_with_text(relation, columns, &[], max_bytes)
}

/// As [`read_table`], with the columns named in `as_text` read as their text form whatever
/// their type (ids: integers, text, uuid, ...).
pub fn read_table_with_text(relation: pg_sys::Oid, columns: Option<&[String]>, as_text: &[String], max_bytes: usize) -> Table {
    let table_name = relation_name(relation);
    let attrs = attributes(relation);
    let chosen: Vec<&Attribute> = match columns {
        None => attrs.iter().collect(),
        Some(names) => names
            .iter()
            .map(|n| {
                attrs.iter().find(|a| &a.name == n).unwrap_or_else(|| {
                    Error::new(SqlState::UndefinedColumn, format!("column \"{}\" does not exist in table {table_name}", crate::error::excerpt(n)))
                        .report()
                })
            })
            .collect(),
    };
    if chosen.is_empty() {
        Error::new(SqlState::InvalidParameterValue, format!("table {table_name} has no columns to read")).report();
    }
    let vector_oid = crate::types::vector_extern::vector_type_oid();
    let reads: Vec<Read> = chosen
        .iter()
        .map(|a| {
            if as_text.contains(&a.name) {
                return Read::Text;
            }
            read_kind(a, vector_oid).unwrap_or_else(|| {
                Error::new(
                    SqlState::DatatypeMismatch,
                    format!("column \"{}\" of table {table_name} has type {}, which shopml cannot read", a.name, a.sql_type),
                )
                .with_hint("leave the column out, or cast it to a number, boolean, text or timestamp in a view")
                .report()
            })
        })
        .collect();
    let exprs: Vec<String> = chosen.iter().zip(&reads).map(|(a, r)| select_expr(*r, &a.name)).collect();
    let query = format!("SELECT {} FROM {table_name}", exprs.join(", "));
    let mut values: Vec<Values> = reads
        .iter()
        .map(|r| match r {
            Read::Number => Values::Number(Vec::new()),
            Read::Time => Values::Time(Vec::new()),
            Read::Bool => Values::Bool(Vec::new()),
            Read::Text => Values::Text(Vec::new()),
            Read::Vector => Values::Vector(Vec::new()),
        })
        .collect();
    let mut rows = 0usize;
    let mut bytes = 0usize;
    let too_big = || -> ! {
        Error::new(
            SqlState::ProgramLimitExceeded,
            format!("table {table_name} takes more than shopml.max_training_memory ({} MB) to read", max_bytes >> 20),
        )
        .with_hint("train on fewer rows or columns (a view with a sample), or ask a superuser to raise shopml.max_training_memory")
        .report()
    };
    // The query in the database encoding: identifiers may hold any character.
    let query = crate::pg::text::utf8_to_server(&query);
    Spi::connect(|client| {
        let mut cursor = client.open_cursor(query.as_c_str(), &[]);
        loop {
            pgrx::check_for_interrupts!();
            let n = cursor.fetch(BATCH_ROWS).map_err(|e| Error::internal(format!("reading {table_name} failed: {e}"))).or_report().len();
            if n == 0 {
                break;
            }
            // SAFETY: the fetch just filled SPI_tuptable with `n` rows of `reads.len()` columns.
            unsafe {
                let tt = pg_sys::SPI_tuptable;
                let tuples = std::slice::from_raw_parts((*tt).vals, n);
                for &tuple in tuples {
                    for (c, col) in values.iter_mut().enumerate() {
                        let mut isnull = false;
                        let d = pg_sys::SPI_getbinval(tuple, (*tt).tupdesc, c as i32 + 1, &mut isnull);
                        // Checked value by value, before the value is copied: one row may be large.
                        bytes += push(col, (!isnull).then_some(d), max_bytes.saturating_sub(bytes)).unwrap_or_else(|| too_big());
                    }
                }
                pg_sys::SPI_freetuptable(tt);
            }
            rows += n;
        }
    });
    let columns = chosen
        .iter()
        .zip(values)
        .map(|(a, values)| Column { name: a.name.clone(), sql_type: a.sql_type.clone(), values })
        .collect();
    Table { columns, rows }
}

/// Appends one value; returns the bytes it takes in Rust, or None (appending nothing) when that
/// is more than `left`.
///
/// # Safety
/// `datum` must be of the column's read type (float8, bool, text, vector).
unsafe fn push(col: &mut Values, datum: Option<pg_sys::Datum>, left: usize) -> Option<usize> {
    // What the value takes once read (a varlena's full size, before any copy).
    let need = match (&*col, datum) {
        (Values::Text(_) | Values::Vector(_), Some(d)) => 24 + pg_sys::toast_raw_datum_size(d),
        (Values::Text(_) | Values::Vector(_), None) => 24,
        (Values::Bool(_), _) => 2,
        _ => 16,
    };
    if need > left {
        return None;
    }
    let finite = |d: pg_sys::Datum| Some(f64::from_bits(d.value() as u64)).filter(|x| x.is_finite());
    match col {
        Values::Number(v) | Values::Time(v) => v.push(datum.and_then(finite)),
        Values::Bool(v) => v.push(datum.map(|d| d.value() != 0)),
        Values::Text(v) => v.push(datum.map(|d| TextArg::from_datum_unchecked(d).read(usize::MAX).0.into_owned())),
        Values::Vector(v) => v.push(datum.map(|d| vector_from_datum(d).as_slice().to_vec())),
    }
    Some(need)
}

/// The names of `relation`'s columns, in table order (no privilege needed: the catalog is public).
pub fn column_names(relation: pg_sys::Oid) -> Vec<String> {
    attributes(relation).into_iter().map(|a| a.name).collect()
}

/// [`column_names`], after checking that each of `names` is one of them (42703 otherwise):
/// for options that name columns a trainer does not read (excluded ones, say).
pub fn column_names_having<'a>(relation: pg_sys::Oid, names: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let all = column_names(relation);
    for n in names {
        if !all.contains(n) {
            Error::new(SqlState::UndefinedColumn, format!("column \"{}\" does not exist in table {}", crate::error::excerpt(n), relation_name(relation))).report();
        }
    }
    all
}
