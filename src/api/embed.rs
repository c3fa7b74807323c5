//! embed_text / embed_texts: sentence embeddings from SQL.

use crate::error::OrReport;
use crate::gucs;
use crate::models::{cache, device, embedder::Embedder, files, manifest};
use pgrx::prelude::*;
use std::sync::Arc;

const TASK: &str = "embedding";

fn load(model: &str) -> Arc<Embedder> {
    let spec = manifest::find(model, TASK).or_report();
    let dir = files::model_path(&gucs::model_dir(), spec);
    let dev = device::select(gucs::device()).or_report();
    cache::embedder(spec, &dir, &dev).or_report()
}

/// Embedding of one text (unit norm, the model's dimensions).
#[pg_extern(immutable, strict, parallel_safe)]
fn embed_text(input: &str, model: default!(&str, "'all-MiniLM-L6-v2'")) -> Vec<f32> {
    let embedder = load(model);
    let mut rows = embedder.embed(&[input], 1, &mut || {}).or_report();
    rows.pop().unwrap_or_default()
}

/// Embeddings of many texts in batched forward passes; row i is the embedding of inputs[i]
/// (NULL elements give NULL rows).
#[pg_extern(immutable, strict, parallel_safe)]
fn embed_texts(
    inputs: Vec<Option<String>>,
    model: default!(&str, "'all-MiniLM-L6-v2'"),
) -> TableIterator<'static, (name!(ordinality, i32), name!(embedding, Option<Vec<f32>>))> {
    let embedder = load(model);
    let present: Vec<&str> = inputs.iter().flatten().map(String::as_str).collect();
    let mut vectors = embedder
        .embed(&present, gucs::batch_size(), &mut || {
            pgrx::check_for_interrupts!();
        })
        .or_report()
        .into_iter();
    let rows: Vec<_> = inputs
        .iter()
        .enumerate()
        .map(|(i, s)| ((i + 1) as i32, s.as_ref().and_then(|_| vectors.next())))
        .collect();
    TableIterator::new(rows)
}
