//! Text classifiers trained in SQL on the shop's own labels: train_text_classifier,
//! classify_text, classify_texts. Training reads the table as the caller and stores the model in
//! shopml.trained_models; the model is in src/core/text_classifier.

use crate::api::embed::{limits, FIRST_SLICE};
use crate::core::table::Values;
use crate::core::text_classifier::{self, Input, Model, Options};
use crate::error::{excerpt, Error, SqlState};
use crate::gucs;
use crate::models::embedder::{EmbedSink, Embedder};
use crate::core::ngrams;
use crate::models::registry;
use crate::pg::fmgr::{required, required_text as text, RegClass};
use crate::pg::progress::Progress;
use crate::pg::arrays::TextArray;
use crate::pg::text::{DbText, Jsonb, TextArg};
use crate::pg::{catalog, table_reader, OrReport};
use pgrx::prelude::*;
use std::sync::Arc;

const TASK: &str = "text_classifier";
const ENCODER: &str = "all-MiniLM-L6-v2";


struct Collect<'a> {
    rows: Vec<Vec<f32>>,
    progress: &'a mut Progress,
}

impl EmbedSink for Collect<'_> {
    fn check(&mut self) {
        pgrx::check_for_interrupts!();
    }
    fn progress(&mut self, done: usize, total: usize) {
        self.progress.report(done, total);
    }
    fn row(&mut self, index: usize, embedding: Vec<f32>) {
        self.rows[index] = embedding;
    }
}

fn encoder(name: &str) -> Arc<Embedder> {
    registry::embedder(name, &gucs::model_settings()).or_report()
}

/// New models split CJK ideographs into words of one character (Chinese has no spaces).
fn words_of(s: &str, cjk_chars: bool) -> Vec<String> {
    ngrams::words_with(s, cjk_chars, &mut || {
        pgrx::check_for_interrupts!();
    })
}

/// Trains a classifier of `label_column` from `text_column` of `relation` (read with the
/// caller's privileges) and stores it as the next version of `name`; returns held-out metrics.
#[pg_extern(volatile, parallel_unsafe, requires = ["catalog"])]
#[allow(clippy::type_complexity)]
fn train_text_classifier(
    name: Option<TextArg>,
    relation: Option<RegClass>,
    text_column: Option<TextArg>,
    label_column: Option<TextArg>,
    options: default!(Option<Jsonb>, "'{}'"),
) -> TableIterator<
    'static,
    (
        name!(model, DbText),
        name!(version, i32),
        name!(classes, i32),
        name!(rows_train, i64),
        name!(rows_test, i64),
        name!(accuracy, f64),
        name!(macro_f1, f64),
        name!(per_class_f1, Jsonb),
        name!(train_seconds, f64),
    ),
> {
    let _trim = crate::pg::fmgr::TrimOnDrop;
    let name = text(name, "name");
    catalog::check_new(&name);
    let RegClass(relation) = required(relation, "relation");
    let text_col = text(text_column, "text_column");
    let label_col = text(label_column, "label_column");
    let (opts, options_json) = crate::pg::parse_options::<Options>(options, "test_fraction, test_column, seed, c, embedding, encoder, buckets_log2, max_iterations");
    let table_name = table_reader::relation_name(relation);
    let mut columns = vec![text_col.clone(), label_col.clone()];
    columns.extend(opts.test_column.iter().cloned());
    let table = table_reader::read_table_with_text(relation, Some(&columns), &[label_col.clone()], gucs::max_training_memory_bytes());
    let Some(Values::Text(texts)) = table.column(&text_col).map(|c| &c.values) else {
        Error::new(SqlState::DatatypeMismatch, format!("column \"{}\" of table {table_name} is not text", excerpt(&text_col))).report()
    };
    let Some(Values::Text(labels)) = table.column(&label_col).map(|c| &c.values) else { Error::internal("the label column was not read as text").report() };
    let test_flags: Option<&Vec<Option<bool>>> = match opts.test_column.as_ref().and_then(|c| table.column(c)).map(|c| &c.values) {
        None => None,
        Some(Values::Bool(b)) => Some(b),
        Some(_) => Error::new(SqlState::DatatypeMismatch, format!("test_column \"{}\" is not boolean", excerpt(opts.test_column.as_deref().unwrap_or_default()))).report(),
    };
    // Rows with a NULL text or label teach nothing and are left out.
    let rows: Vec<usize> = (0..table.rows).filter(|&r| texts[r].is_some() && labels[r].is_some()).collect();
    if rows.is_empty() {
        Error::new(SqlState::DataException, format!("table {table_name} has no rows with both a text and a label")).report();
    }
    let use_embedding = opts.embedding.unwrap_or(true);
    let encoder_name = opts.encoder.clone().unwrap_or_else(|| ENCODER.to_string());
    // An unknown encoder is an error before any work, even with embedding false.
    crate::models::manifest::find(&encoder_name, "embedding").or_report();
    let mut progress = Progress::new("train_text_classifier", "steps");
    let words: Vec<Vec<String>> = rows.iter().map(|&r| words_of(texts[r].as_deref().unwrap_or_default(), true)).collect();
    let mean_words = words.iter().map(Vec::len).sum::<usize>() / words.len().max(1);
    let classes = rows.iter().map(|&r| labels[r].as_deref()).collect::<std::collections::HashSet<_>>().len();
    let need = text_classifier::estimate_bytes(rows.len(), mean_words, if use_embedding { 384 } else { 0 }, 1 << opts.buckets_log2.unwrap_or(18).min(20), classes);
    if need > gucs::max_training_memory_bytes() {
        Error::new(
            SqlState::ProgramLimitExceeded,
            format!("training on {} rows would need about {} MB, more than shopml.max_training_memory ({} MB)", rows.len(), need >> 20, gucs::max_training_memory_bytes() >> 20),
        )
        .with_hint("train on fewer rows, lower buckets_log2, or ask a superuser to raise shopml.max_training_memory")
        .report();
    }
    let embeddings: Option<Vec<Vec<f32>>> = use_embedding.then(|| {
        let enc = encoder(&encoder_name);
        let refs: Vec<&str> = rows.iter().map(|&r| texts[r].as_deref().unwrap_or_default()).collect();
        let mut sink = Collect { rows: vec![Vec::new(); refs.len()], progress: &mut Progress::new("train_text_classifier (embedding)", "texts") };
        enc.embed_each(&refs, limits(), &mut sink).or_report();
        sink.rows
    });
    let inputs: Vec<Input> = words.iter().enumerate().map(|(i, w)| Input { words: w, embedding: embeddings.as_ref().map(|e| e[i].as_slice()) }).collect();
    let y: Vec<String> = rows.iter().map(|&r| labels[r].clone().unwrap_or_default()).collect();
    let test: Option<Vec<bool>> = test_flags.map(|t| rows.iter().map(|&r| t[r].unwrap_or(false)).collect());
    let trained = text_classifier::train(&inputs, &y, test.as_deref(), &opts, use_embedding.then(|| encoder_name.clone()), &mut |done, total| {
        pgrx::check_for_interrupts!();
        progress.report(done, total);
        Ok(())
    })
    .or_report();
    let seconds = progress.elapsed_secs();
    let m = &trained.test;
    let per_class: serde_json::Map<String, serde_json::Value> = m.per_class_f1.iter().map(|(l, f)| (l.clone(), serde_json::json!(f))).collect();
    let metrics = serde_json::json!({
        "accuracy": m.accuracy, "macro_f1": m.macro_f1, "per_class_f1": per_class, "rows_train": trained.rows_train,
        "rows_test": trained.rows_test, "train_seconds": seconds, "c": trained.model.c,
        "validation_accuracy": trained.validation.iter().map(|(c, a)| serde_json::json!({"c": c, "accuracy": a})).collect::<Vec<_>>(),
    });
    let features = serde_json::json!({"text": text_col, "label": label_col, "labels": trained.model.labels, "embedding": trained.model.embedding_model});
    let algorithm = if use_embedding { "logistic_ngrams_embedding" } else { "logistic_ngrams" };
    let payload = trained.model.to_bytes();
    let version = catalog::store(&catalog::NewModel { name: &name, task: TASK, algorithm, options: options_json, features, metrics, payload: &payload, deploy: true });
    TableIterator::once((
        DbText(name),
        version,
        trained.model.labels.len() as i32,
        trained.rows_train as i64,
        trained.rows_test as i64,
        m.accuracy,
        m.macro_f1,
        Jsonb(serde_json::Value::Object(per_class)),
        seconds,
    ))
}

/// The model a reference names (src/pg/catalog.rs checks the caller may use it).
fn load(reference: &str) -> Arc<Model> {
    catalog::load(reference, TASK, |payload| Ok((Model::from_bytes(payload).map_err(|e| e.to_string())?, payload.len())))
}

/// Label probabilities of each text, in order.
fn probabilities(model: &Model, texts: &[TextArg]) -> Vec<Vec<f64>> {
    let heads: Vec<String> = texts.iter().map(|t| t.read(FIRST_SLICE).0.into_owned()).collect();
    let embeddings: Option<Vec<Vec<f32>>> = (model.dims > 0).then(|| {
        let enc = registry::embedder(model.embedding_model.as_deref().unwrap_or(ENCODER), &gucs::model_settings()).or_report();
        // The encoder reads a bounded prefix: the first slice is enough unless it is cut short.
        let inputs: Vec<String> = texts.iter().map(|t| crate::api::embed::model_input(*t, &enc)).collect();
        let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        let mut sink = Collect { rows: vec![Vec::new(); refs.len()], progress: &mut Progress::new("classify_texts", "texts") };
        enc.embed_each(&refs, limits(), &mut sink).or_report();
        sink.rows
    });
    heads
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let w = words_of(h, model.cjk_chars);
            model.probabilities(&Input { words: &w, embedding: embeddings.as_ref().map(|e| e[i].as_slice()) }).or_report()
        })
        .collect()
}

fn top(model: &Model, p: &[f64], k: usize) -> Vec<(DbText, f32)> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
    order.into_iter().take(k).map(|i| (DbText(model.labels[i].clone()), p[i] as f32)).collect()
}

/// The `k` most likely labels of a text (default: the top one), with their probabilities.
/// STABLE: retraining `name` changes the answers.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn classify_text(
    name: Option<TextArg>,
    input: Option<TextArg>,
    k: default!(Option<i32>, "1"),
) -> TableIterator<'static, (name!(label, DbText), name!(confidence, f32))> {
    let name = text(name, "name");
    let Some(input) = input else { return TableIterator::new(Vec::new()) };
    let k = k.unwrap_or(1);
    if k < 1 {
        Error::invalid_parameter(format!("k must be at least 1, not {k}")).report();
    }
    let model = load(&name);
    let p = probabilities(&model, &[input]);
    TableIterator::new(top(&model, &p[0], k as usize))
}

/// The top label of each text of `inputs` (idx is its subscript in `inputs`; NULL texts give NULL).
/// Texts are read and classified a chunk at a time; what is kept per text is its label's index
/// and confidence, and labels are written out as the executor asks for the rows.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn classify_texts(
    name: Option<TextArg>,
    inputs: Option<TextArray>,
) -> TableIterator<'static, (name!(idx, i32), name!(label, Option<DbText>), name!(confidence, Option<f32>))> {
    const CHUNK: usize = 256;
    let name = text(name, "name");
    let Some(inputs) = inputs else { return TableIterator::new(Vec::new()) };
    let lower = inputs.0.lower_bound();
    let inputs = inputs.0.texts();
    let model = load(&name);
    crate::pg::fmgr::check_call_memory("classify_texts", inputs.len().saturating_mul(std::mem::size_of::<Option<(u32, f32)>>()));
    let mut best: Vec<Option<(u32, f32)>> = Vec::with_capacity(inputs.len());
    let mut chunk: Vec<Option<TextArg>> = Vec::with_capacity(CHUNK);
    let flush = |chunk: &mut Vec<Option<TextArg>>, best: &mut Vec<Option<(u32, f32)>>| {
        let present: Vec<TextArg> = chunk.iter().flatten().copied().collect();
        let mut probs = probabilities(&model, &present).into_iter();
        for t in chunk.drain(..) {
            best.push(t.map(|_| {
                let p = probs.next().unwrap_or_default();
                let i = (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a))).unwrap_or(0);
                (i as u32, p.get(i).copied().unwrap_or(0.0) as f32)
            }));
        }
    };
    for t in inputs.iter() {
        chunk.push(t);
        if chunk.len() == CHUNK {
            pgrx::check_for_interrupts!();
            flush(&mut chunk, &mut best);
        }
    }
    flush(&mut chunk, &mut best);
    TableIterator::new(best.into_iter().enumerate().map(move |(i, b)| match b {
        None => (lower + i as i32, None, None),
        Some((l, c)) => (lower + i as i32, Some(DbText(model.labels[l as usize].clone())), Some(c)),
    }))
}
