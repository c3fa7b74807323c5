//! embed_text / embed_texts: sentence embeddings from SQL, returned as `vector`.

use crate::error::{Error, SqlState};
use crate::gucs;
use crate::models::embedder::{EmbedSink, Embedder, Limits};
use crate::models::registry;
use crate::pg::progress::Progress;
use crate::pg::text::TextArg;
use crate::pg::OrReport;
use crate::types::vector_extern::Vector;
use crate::pg::arrays::{Bounded, TextArray};
use pgrx::pg_sys;
use pgrx::prelude::*;
use std::sync::Arc;

/// Bytes of a text read before its first bounding: enough for a few thousand words, so only
/// pathological values are read further.
pub(crate) const FIRST_SLICE: usize = 64 * 1024;

/// Model names are short; a longer argument is read no further than this.
pub(crate) const MAX_MODEL_NAME: usize = 256;

fn load(model: TextArg) -> Arc<Embedder> {
    let (name, _) = model.read(MAX_MODEL_NAME);
    registry::embedder(&name, &gucs::model_settings()).or_report()
}

pub(crate) fn limits() -> Limits {
    Limits { batch_size: gucs::batch_size(), max_batch_tokens: gucs::max_batch_tokens(), threads: gucs::threads() }
}

/// What the model reads of a text: its bounded form, read in a first slice and, only when that
/// is not enough, in full.
pub(crate) fn model_input(text: TextArg, embedder: &Embedder) -> String {
    let mut limit = FIRST_SLICE;
    loop {
        let (text, whole) = text.read(limit);
        let bounded = embedder.bound(&text, &mut || {
            pgrx::check_for_interrupts!();
        });
        if bounded.complete || whole {
            return bounded.text;
        }
        limit = usize::MAX;
    }
}

/// Rows become palloc'd vectors as soon as they are computed, so the Rust side holds one window
/// of texts at a time; cancellation is checked between batches and layers.
pub(crate) struct VectorSink {
    vectors: Vec<Option<Vector>>,
    progress: Option<Progress>,
}

impl EmbedSink for VectorSink {
    fn check(&mut self) {
        pgrx::check_for_interrupts!();
    }
    fn progress(&mut self, done: usize, total: usize) {
        if let Some(p) = self.progress.as_mut() {
            p.report(done, total);
        }
    }
    fn row(&mut self, index: usize, embedding: Vec<f32>) {
        self.vectors[index] = Some(Vector::new(&embedding));
    }
}

/// The unit-norm sentence embedding of a text; NULL gives NULL. IMMUTABLE: a model name maps to
/// fixed, sha256-checked weights forever.
#[pg_extern(immutable, strict, parallel_safe, cost = 10000, requires = ["vector_type"])]
fn embed_text(input: TextArg, model: default!(TextArg, "'all-MiniLM-L6-v2'")) -> Vector {
    let embedder = load(model);
    let input = model_input(input, &embedder);
    let mut sink = VectorSink { vectors: vec![None], progress: None };
    embedder.embed_each(&[input.as_str()], limits(), &mut sink).or_report();
    sink.vectors.pop().flatten().expect("embed_each fills every row")
}

/// Postgres's MaxAllocSize (1 GB - 1): the most a palloc'd value, so an array, may hold.
const MAX_ALLOC_SIZE: u128 = 0x3fff_ffff;

/// The bytes of a `vector[]` of `n` vectors of `dims` dimensions: refused up front when over
/// the 1 GB a value may hold, rather than after the work.
fn check_result_size(n: usize, dims: usize) {
    let per_vector = pg_sys::VARHDRSZ + 4 + dims * 4;
    let bytes = (n as u128) * (per_vector as u128 + 1) + 64;
    if bytes > MAX_ALLOC_SIZE {
        Error::new(
            SqlState::ProgramLimitExceeded,
            format!("embed_texts of {n} texts would return {} MB, more than the 1 GB a value may hold", bytes >> 20),
        )
        .with_hint("embed fewer texts per call")
        .report();
    }
}

/// Element i is the embedding of inputs[i] (the input's subscripts), computed in batched forward passes
/// (shopml.batch_size texts, shopml.max_batch_tokens tokens); NULL elements stay NULL.
#[pg_extern(immutable, strict, parallel_safe, cost = 100000, requires = ["vector_type"])]
fn embed_texts(inputs: TextArray, model: default!(TextArg, "'all-MiniLM-L6-v2'")) -> Bounded<Vec<Option<Vector>>> {
    let lower = inputs.0.lower_bound();
    let inputs = inputs.0.texts();
    let n = inputs.len();
    if n == 0 {
        return Bounded { value: Vec::new(), lower };
    }
    let embedder = load(model);
    check_result_size(n, embedder.dims());
    crate::pg::fmgr::check_call_memory("embed_texts", n * 48);
    let mut present = Vec::with_capacity(n);
    let mut texts = Vec::with_capacity(n);
    // The bounded texts are kept in Rust until the forward passes: within the call's budget.
    let mut bytes = n * 48;
    for (i, text) in inputs.iter().enumerate() {
        pgrx::check_for_interrupts!();
        if let Some(text) = text {
            present.push(i);
            let t = model_input(text, &embedder);
            bytes += t.len();
            crate::pg::fmgr::check_call_memory("embed_texts", bytes);
            texts.push(t);
        }
    }
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut sink = VectorSink {
        vectors: (0..texts.len()).map(|_| None).collect(),
        progress: Some(Progress::new("embed_texts", "texts")),
    };
    embedder.embed_each(&texts, limits(), &mut sink).or_report();
    let mut out: Vec<Option<Vector>> = (0..n).map(|_| None).collect();
    for (i, v) in present.into_iter().zip(sink.vectors) {
        out[i] = v;
    }
    Bounded { value: out, lower }
}
