//! classify_sentiment / classify_sentiments: the shipped sentiment model from SQL.

use crate::api::embed::{limits, model_input, FIRST_SLICE, MAX_MODEL_NAME};
use crate::gucs;
use crate::models::embedder::EmbedSink;
use crate::models::registry;
use crate::models::sentiment::{auto_model, Sentiment, Verdict, AUTO};
use crate::pg::progress::Progress;
use crate::pg::text::TextArg;
use crate::pg::OrReport;
use crate::pg::arrays::TextArray;
use pgrx::prelude::*;
use std::sync::Arc;

pgrx::extension_sql!(
    "CREATE TYPE @extschema@.sentiment AS (label text, score real, confidence real);\n\
     COMMENT ON TYPE @extschema@.sentiment IS 'classify_sentiment''s verdict: label positive or negative, score in [-1, 1] (2p - 1), confidence in [0.5, 1]';",
    name = "sentiment_type",
    requires = ["install_guard"],
);

fn load(name: &str) -> Arc<Sentiment> {
    registry::sentiment(name, &gucs::model_settings()).or_report()
}

/// The model that reads `input`: `model`, or for 'auto' the one its script calls for.
fn model_name(model: &str, input: &TextArg) -> String {
    if model == AUTO {
        auto_model(&input.read(FIRST_SLICE).0).to_string()
    } else {
        model.to_string()
    }
}

/// What each half of the model reads of a text: the bounded encoder input, and the n-gram
/// logit of its first 64 kB.
fn read(text: TextArg, model: &Sentiment) -> (String, f64) {
    let (head, _) = text.read(FIRST_SLICE);
    let ngram = model.ngram_logit(&head, &mut || {
        pgrx::check_for_interrupts!();
    });
    (model_input(text, &model.encoder), ngram)
}

struct Checks(Option<Progress>);

impl EmbedSink for Checks {
    fn check(&mut self) {
        pgrx::check_for_interrupts!();
    }
    fn progress(&mut self, done: usize, total: usize) {
        if let Some(p) = self.0.as_mut() {
            p.report(done, total);
        }
    }
    fn row(&mut self, _: usize, _: Vec<f32>) {}
}

fn row(v: Verdict) -> PgHeapTuple<'static, AllocatedByRust> {
    let mut t = PgHeapTuple::new_composite_type("shopml.sentiment").or_report_internal();
    t.set_by_name("label", v.label()).or_report_internal();
    t.set_by_name("score", v.score() as f32).or_report_internal();
    t.set_by_name("confidence", v.confidence() as f32).or_report_internal();
    t
}

trait OrInternal<T> {
    fn or_report_internal(self) -> T;
}

impl<T, E: std::fmt::Display> OrInternal<T> for std::result::Result<T, E> {
    fn or_report_internal(self) -> T {
        self.map_err(|e| crate::error::Error::internal(format!("could not build a sentiment row: {e}"))).or_report()
    }
}

/// The sentiment of a review: label 'positive' or 'negative', score 2p - 1 in [-1, 1],
/// confidence max(p, 1 - p). IMMUTABLE: a shipped model name maps to fixed weights, and 'auto'
/// to a fixed rule (src/models/sentiment.rs, auto_model).
#[pg_extern(immutable, strict, parallel_safe, cost = 10000, requires = ["sentiment_type"])]
fn classify_sentiment(input: TextArg, model: default!(TextArg, "'auto'")) -> pgrx::composite_type!('static, "shopml.sentiment") {
    let (model, _) = model.read(MAX_MODEL_NAME);
    let m = load(&model_name(&model, &input));
    let (text, ngram) = read(input, &m);
    let v = m.classify(&[text.as_str()], &[ngram], limits(), &mut Checks(None)).or_report();
    row(v[0])
}

/// Element i is the sentiment of inputs[i], in batched forward passes as embed_texts;
/// NULL elements stay NULL. With 'auto', each text goes to the model of its script (one batch
/// per model).
#[pg_extern(immutable, strict, parallel_safe, cost = 100000, requires = ["sentiment_type"])]
fn classify_sentiments(inputs: TextArray, model: default!(TextArg, "'auto'")) -> SentimentArray {
    let lower = inputs.0.lower_bound();
    let inputs = inputs.0.texts();
    let n = inputs.len();
    crate::pg::fmgr::check_call_memory("classify_sentiments", n * 96);
    let mut out: Vec<Option<PgHeapTuple<'static, AllocatedByRust>>> = (0..n).map(|_| None).collect();
    if n == 0 {
        return SentimentArray::new(out, lower);
    }
    let (model, _) = model.read(MAX_MODEL_NAME);
    // (model name, its texts' positions)
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, text) in inputs.iter().enumerate() {
        pgrx::check_for_interrupts!();
        if let Some(text) = text {
            let name = model_name(&model, &text);
            match groups.iter_mut().find(|(g, _)| *g == name) {
                Some((_, members)) => members.push(i),
                None => groups.push((name, vec![i])),
            }
        }
    }
    let mut progress = Checks(Some(Progress::new("classify_sentiments", "texts")));
    for (name, members) in groups {
        let m = load(&name);
        let (mut texts, mut ngrams) = (Vec::new(), Vec::new());
        let mut bytes = members.len() * 96;
        for &i in &members {
            pgrx::check_for_interrupts!();
            let Some(Some(text)) = inputs.get(i) else { continue };
            let (t, g) = read(text, &m);
            bytes += t.len() * 2;
            crate::pg::fmgr::check_call_memory("classify_sentiments", bytes);
            texts.push(t);
            ngrams.push(g);
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let verdicts = m.classify(&refs, &ngrams, limits(), &mut progress).or_report();
        for (i, v) in members.into_iter().zip(verdicts) {
            out[i] = Some(row(v));
        }
    }
    SentimentArray::new(out, lower)
}

/// A `shopml.sentiment[]` result with the input's subscripts (pgrx builds arrays of composite
/// types with subscripts from 1 only).
struct SentimentArray(pgrx::pg_sys::Datum);

impl SentimentArray {
    fn new(rows: Vec<Option<PgHeapTuple<'static, AllocatedByRust>>>, lower: i32) -> Self {
        let name = c"shopml.sentiment";
        // SAFETY: regtypein takes a cstring; the type exists while the extension does.
        let element = unsafe { pgrx::direct_function_call::<pgrx::pg_sys::Oid>(pgrx::pg_sys::regtypein, &[name.into_datum()]) }
            .unwrap_or_else(|| crate::error::Error::internal("type shopml.sentiment is missing").report());
        let datums = rows.into_iter().map(|r| r.and_then(|t| t.into_composite_datum())).collect();
        SentimentArray(crate::pg::arrays::build_array(element, datums, lower))
    }
}

// SAFETY: returns the palloc'd array of the current call.
unsafe impl pgrx::callconv::BoxRet for SentimentArray {
    unsafe fn box_into<'fcx>(self, fcinfo: &mut pgrx::callconv::FcInfo<'fcx>) -> pgrx::datum::Datum<'fcx> {
        fcinfo.return_raw_datum(self.0)
    }
}

pgrx::pgrx_sql_entity_graph::impl_sql_translatable!(SentimentArray, "shopml.sentiment[]");
