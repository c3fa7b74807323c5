//! Customer segments from SQL (MADlib's and PostgresML's clustering): train_segments,
//! assign_segment (one row as jsonb, or a whole table) and segment_profile (for BI tools). The
//! table is read as the caller; the model is stored in shopml.trained_models; k-means is in
//! src/core/segments.rs.

use crate::api::tabular::{json_raw, score_relation};
use crate::core::segments::{self, Model, Options, OPTION_KEYS};
use crate::core::tabular::features::Encoding;
use crate::error::Error;
use crate::gucs;
use crate::pg::fmgr::{required, required_text as text, RegClass};
use crate::pg::progress::Progress;
use crate::pg::text::{DbText, Jsonb, TextArg};
use crate::pg::{catalog, table_reader, OrReport};
use pgrx::prelude::*;
use std::sync::Arc;

const TASK: &str = "segments";

fn load(reference: &str) -> Arc<Model> {
    catalog::load(reference, TASK, |payload| {
        let model: Model = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
        Ok((model, payload.len() * 2))
    })
}

/// Segments the rows of `relation` (read with the caller's privileges) by k-means on every
/// column (or options.features, less options.exclude), standardised; k from options.k or chosen
/// by the silhouette. Stores the next version of `name`.
#[pg_extern(volatile, parallel_unsafe, requires = ["catalog", "vector_type"])]
#[allow(clippy::type_complexity)]
fn train_segments(
    name: Option<TextArg>,
    relation: Option<RegClass>,
    options: default!(Option<Jsonb>, "'{}'"),
) -> TableIterator<
    'static,
    (
        name!(model, DbText),
        name!(version, i32),
        name!(k, i32),
        name!(rows, i64),
        name!(inertia, f64),
        name!(silhouette, f64),
        name!(train_seconds, f64),
    ),
> {
    let _trim = crate::pg::fmgr::TrimOnDrop;
    let name = text(name, "name");
    catalog::check_new(&name);
    let RegClass(relation) = required(relation, "relation");
    let (mut opts, value): (Options, _) = crate::pg::parse_options(options, OPTION_KEYS);
    opts.max_bytes = Some(gucs::max_training_memory_bytes());
    let all = table_reader::column_names_having(relation, opts.exclude.iter().chain(opts.features.iter().flatten()));
    let wanted: Vec<String> = match &opts.features {
        Some(f) => f.clone(),
        None => all.into_iter().filter(|c| !opts.exclude.contains(c)).collect(),
    };
    let table = table_reader::read_table(relation, Some(&wanted), gucs::max_training_memory_bytes());
    let mut progress = Progress::new("train_segments", "runs");
    let model = segments::train(&table, &opts, &mut |done, total| {
        pgrx::check_for_interrupts!();
        progress.report(done, total);
    })
    .or_report();
    let seconds = progress.elapsed_secs();
    let metrics = serde_json::json!({
        "k": model.centroids.len(), "rows": table.rows, "inertia": model.inertia, "silhouette": model.silhouette,
        "silhouette_by_k": model.tried.iter().map(|(k, s)| (k.to_string(), serde_json::json!(s))).collect::<serde_json::Map<_, _>>(),
        "sizes": model.sizes, "train_seconds": seconds,
    });
    let payload = serde_json::to_vec(&model).map_err(|e| Error::internal(format!("could not serialise the model: {e}"))).or_report();
    let version = catalog::store(&catalog::NewModel {
        name: &name,
        task: TASK,
        algorithm: "kmeans",
        options: value,
        features: serde_json::to_value(&model.spec).unwrap_or_default(),
        metrics,
        payload: &payload,
        deploy: true,
    });
    TableIterator::once((DbText(name), version, model.centroids.len() as i32, table.rows as i64, model.inertia, model.silhouette, seconds))
}

/// The segment (1 = the largest) of one row (jsonb keyed by column; missing keys are NULL).
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn assign_segment(model: Option<TextArg>, row: Option<Jsonb>) -> i32 {
    let model = load(&text(model, "model"));
    let raw = json_raw(&model.spec, &required(row, "row").0, "row");
    model.assign(&raw).or_report().0 as i32
}

/// Every row of `relation` in one call: (key, segment, distance to the segment's centre in
/// standardised units), reading only the key and the model's columns as the caller.
#[pg_extern(stable, parallel_safe, name = "assign_segment", requires = ["catalog"])]
fn assign_segment_table(
    model: Option<TextArg>,
    relation: Option<RegClass>,
    key_column: Option<TextArg>,
) -> TableIterator<'static, (name!(key, Option<DbText>), name!(segment, i32), name!(distance, f64))> {
    let model = load(&text(model, "model"));
    let RegClass(relation) = required(relation, "relation");
    let key = text(key_column, "key_column");
    let width = model.spec.width(Encoding::OneHot).max(1);
    let (keys, out) = score_relation(&model.spec, Encoding::OneHot, relation, &key, |x| x.chunks(width).map(|r| model.assign_encoded(r)).collect());
    TableIterator::new(keys.into_iter().map(|k| k.map(DbText)).zip(out).map(|(k, (s, d))| (k, s as i32, d)))
}

/// Each segment's size and share of the rows, and each feature's mean in it (a text level's
/// share, `feature=level`), in the table's units: a table for BI tools.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn segment_profile(
    model: Option<TextArg>,
) -> TableIterator<'static, (name!(segment, i32), name!(size, i64), name!(share, f64), name!(feature, DbText), name!(mean, f64))> {
    let model = load(&text(model, "model"));
    let total: usize = model.sizes.iter().sum();
    let names = model.slot_names();
    let rows: Vec<_> = model
        .profile
        .iter()
        .enumerate()
        .flat_map(|(s, means)| {
            let size = model.sizes[s];
            names.iter().zip(means).map(move |(n, &m)| ((s + 1) as i32, size as i64, size as f64 / total.max(1) as f64, DbText(n.clone()), m)).collect::<Vec<_>>()
        })
        .collect();
    TableIterator::new(rows)
}
