//! classify_sentiment / classify_sentiments: the shipped sentiment model from SQL.

use crate::api::embed::{limits, model_input, FIRST_SLICE, MAX_MODEL_NAME};
use crate::gucs;
use crate::models::embedder::EmbedSink;
use crate::models::registry;
use crate::models::sentiment::{Sentiment, Verdict};
use crate::pg::progress::Progress;
use crate::pg::text::TextArg;
use crate::pg::OrReport;
use pgrx::datum::Array;
use pgrx::prelude::*;
use std::sync::Arc;

pgrx::extension_sql!(
    "CREATE TYPE @extschema@.sentiment AS (label text, score real, confidence real);\n\
     COMMENT ON TYPE @extschema@.sentiment IS 'classify_sentiment''s verdict: label positive or negative, score in [-1, 1] (2p - 1), confidence in [0.5, 1]';",
    name = "sentiment_type",
    requires = ["install_guard"],
);

fn load(model: TextArg) -> Arc<Sentiment> {
    let (name, _) = model.read(MAX_MODEL_NAME);
    registry::sentiment(&name, &gucs::model_settings()).or_report()
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
/// confidence max(p, 1 - p). IMMUTABLE: a shipped model name maps to fixed weights.
#[pg_extern(immutable, strict, parallel_safe, cost = 10000, requires = ["sentiment_type"])]
fn classify_sentiment(input: TextArg, model: default!(TextArg, "'shopml-sentiment-v1'")) -> pgrx::composite_type!('static, "shopml.sentiment") {
    let m = load(model);
    let (text, ngram) = read(input, &m);
    let v = m.classify(&[text.as_str()], &[ngram], limits(), &mut Checks(None)).or_report();
    row(v[0])
}

/// Element i is the sentiment of inputs[i], in batched forward passes as embed_texts;
/// NULL elements stay NULL.
#[pg_extern(immutable, strict, parallel_safe, cost = 100000, requires = ["sentiment_type"])]
fn classify_sentiments(inputs: Array<TextArg>, model: default!(TextArg, "'shopml-sentiment-v1'")) -> Vec<Option<pgrx::composite_type!('static, "shopml.sentiment")>> {
    let n = inputs.len();
    if n == 0 {
        return Vec::new();
    }
    let m = load(model);
    let (mut present, mut texts, mut ngrams) = (Vec::new(), Vec::new(), Vec::new());
    for (i, text) in inputs.iter().enumerate() {
        pgrx::check_for_interrupts!();
        if let Some(text) = text {
            let (t, g) = read(text, &m);
            present.push(i);
            texts.push(t);
            ngrams.push(g);
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let verdicts = m.classify(&refs, &ngrams, limits(), &mut Checks(Some(Progress::new("classify_sentiments", "texts")))).or_report();
    let mut out: Vec<Option<PgHeapTuple<'static, AllocatedByRust>>> = (0..n).map(|_| None).collect();
    for (i, v) in present.into_iter().zip(verdicts) {
        out[i] = Some(row(v));
    }
    out
}
