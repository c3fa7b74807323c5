//! Models of any column from SQL (PostgresML's pgml.train / predict / deploy): train_model,
//! predict (one row as jsonb, or a whole table), predict_class, predict_proba, explain and
//! deploy_model. Training reads the table as the caller (src/pg/table_reader.rs) and stores the
//! model in shopml.trained_models (src/pg/catalog.rs); the engine is src/core/tabular. The churn
//! functions (src/api/churn.rs) are its preset and share the row readers here.

use crate::core::catalog::Deploy;
use crate::core::table::Values;
use crate::core::tabular::features::{raw_at, Encoding, Kind, Raw, Spec};
use crate::core::tabular::{self, better, Model, Options, Target, OPTION_KEYS};
use crate::error::{excerpt, Error, SqlState};
use crate::gucs;
use crate::pg::fmgr::{required, required_text as text, RegClass};
use crate::pg::progress::Progress;
use crate::pg::text::{DbText, Jsonb, TextArg};
use crate::pg::{catalog, table_reader, OrReport};
use pgrx::prelude::*;
use std::sync::Arc;

/// The catalog tasks train_model stores, and the churn preset's, which these functions read too.
const TASKS: [&str; 3] = ["classification", "regression", "churn"];

/// The model a reference names (src/pg/catalog.rs checks the caller may use it), with its
/// catalog entry. `tasks`: the catalog tasks the caller accepts.
pub(crate) fn load(reference: &str, tasks: &[&str]) -> (catalog::Entry, Arc<Model>) {
    catalog::load_of(reference, "tabular", tasks, |payload| {
        let model = Model::from_payload(payload)?;
        Ok((model, payload.len() * 2))
    })
}

/// Seconds since 1970 of a date or timestamp written as JSON text (`to_jsonb` of a date,
/// timestamp or timestamptz), parsed by Postgres as training read it: with its offset when it
/// has one, as UTC when it has none.
fn json_time(key: &str, s: &str) -> f64 {
    let has_offset = s.len() > 10 && s.is_char_boundary(10) && (s.ends_with('Z') || s[10..].contains(['+', '-']));
    let func = if has_offset { pg_sys::timestamptz_in } else { pg_sys::timestamp_in };
    let cstr = std::ffi::CString::new(s).unwrap_or_else(|_| Error::data(format!("value for \"{key}\" is not a date or timestamp")).report());
    // SAFETY: the input functions take (cstring, oid, int4) and raise a clean ERROR on bad input.
    let micros =
        unsafe { pgrx::direct_function_call::<i64>(func, &[cstr.as_c_str().into_datum(), pg_sys::InvalidOid.into_datum(), (-1i32).into_datum()]) }.unwrap_or(0);
    micros as f64 / 1e6 + 946_684_800.0
}

/// One row's values, in the spec's feature order, from a jsonb object (`what` names it in
/// messages: customer, row). Missing keys count as NULL, unknown keys are ignored.
pub(crate) fn json_raw(spec: &Spec, row: &serde_json::Value, what: &str) -> Vec<Raw> {
    let obj = row.as_object().unwrap_or_else(|| Error::data(format!("{what} must be a jsonb object")).with_hint("pass to_jsonb(row)").report());
    spec.features
        .iter()
        .map(|f| {
            let wrong = || -> ! { Error::data(format!("value for \"{}\" must be a {}, not {}", f.name, f.kind_name(), excerpt(&obj[&f.name].to_string()))).report() };
            match (obj.get(&f.name), &f.kind) {
                (None | Some(serde_json::Value::Null), _) => Raw::Null,
                (Some(serde_json::Value::Number(n)), Kind::Number) => Raw::Num(n.as_f64().unwrap_or(f64::NAN)),
                (Some(serde_json::Value::Bool(b)), Kind::Bool) => Raw::Bool(*b),
                (Some(serde_json::Value::String(s)), Kind::Category { .. }) => Raw::Text(s.clone()),
                (Some(serde_json::Value::String(s)), Kind::Time | Kind::TimeParts) => Raw::Num(json_time(&f.name, s)),
                _ => wrong(),
            }
        })
        .collect()
}

/// One row from a jsonb object, encoded for `model`.
pub(crate) fn json_row(model: &Model, row: &serde_json::Value, what: &str) -> Vec<f64> {
    let mut x = Vec::with_capacity(model.width());
    model.encode(&json_raw(&model.spec, row, what), &mut x).or_report();
    x
}

/// Every row of `relation` encoded by `spec` in chunks, each scored by `score`; with the key
/// column's values as text. Reads only the key and the spec's feature columns, with the
/// caller's privileges.
pub(crate) fn score_relation<T>(
    spec: &Spec,
    encoding: Encoding,
    relation: pg_sys::Oid,
    key: &str,
    mut score: impl FnMut(&[f64]) -> Vec<T>,
) -> (Vec<Option<String>>, Vec<T>) {
    let mut columns: Vec<String> = vec![key.to_string()];
    columns.extend(spec.features.iter().map(|f| f.name.clone()));
    let table = table_reader::read_table(relation, Some(&columns), gucs::max_training_memory_bytes());
    // Encoded rows can be much wider than read ones (one slot per category): scored in chunks.
    const CHUNK: usize = 4096;
    let mut out = Vec::with_capacity(table.rows);
    let mut x = Vec::with_capacity(CHUNK.min(table.rows) * spec.width(encoding));
    let mut raw = Vec::with_capacity(spec.features.len());
    for start in (0..table.rows).step_by(CHUNK) {
        pgrx::check_for_interrupts!();
        x.clear();
        for r in start..(start + CHUNK).min(table.rows) {
            raw.clear();
            raw.extend(table.columns[1..].iter().map(|c| raw_at(c, r)));
            spec.encode(&raw, encoding, &mut x).or_report();
        }
        out.extend(score(&x));
    }
    let keys: Vec<Option<String>> = match &table.columns[0].values {
        Values::Number(v) | Values::Time(v) => v.iter().map(|x| x.map(|x| x.to_string())).collect(),
        Values::Text(v) => v.clone(),
        Values::Bool(v) => v.iter().map(|x| x.map(|b| b.to_string())).collect(),
        Values::Vector(_) => Error::invalid_parameter(format!("{key} must not be a vector")).report(),
    };
    (keys, out)
}

fn pairs(list: &[(String, f64)]) -> serde_json::Value {
    serde_json::Value::Object(list.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect())
}

/// Trains a model of `relation` (read with the caller's privileges) predicting `target` from
/// every other column (or options.features), and stores it as the next version of `name`;
/// it serves unpinned references from then on unless options.deploy says otherwise.
#[pg_extern(volatile, parallel_unsafe, requires = ["catalog", "vector_type"])]
#[allow(clippy::type_complexity)]
fn train_model(
    name: Option<TextArg>,
    relation: Option<RegClass>,
    target: Option<TextArg>,
    options: default!(Option<Jsonb>, "'{}'"),
) -> TableIterator<
    'static,
    (
        name!(model, DbText),
        name!(version, i32),
        name!(task, DbText),
        name!(algorithm, DbText),
        name!(deployed, bool),
        name!(rows_train, i64),
        name!(rows_test, i64),
        name!(metric, DbText),
        name!(score, f64),
        name!(baseline, f64),
        name!(train_seconds, f64),
    ),
> {
    let _trim = crate::pg::fmgr::TrimOnDrop;
    let name = text(name, "name");
    catalog::check_new(&name);
    let RegClass(relation) = required(relation, "relation");
    let target = text(target, "target");
    let (mut opts, options_json): (Options, _) = crate::pg::parse_options(options, OPTION_KEYS);
    opts.check().or_report();
    opts.max_bytes = Some(gucs::max_training_memory_bytes());
    let policy = Deploy::parse(opts.deploy.as_deref()).or_report();
    let mut progress = Progress::new("train_model", "steps");

    // Only the columns training uses are read, so excluded columns may be of any type.
    let all = table_reader::column_names(relation);
    for n in opts.exclude.iter().chain(opts.features.iter().flatten()).chain(opts.test_column.iter()).chain([&target]) {
        if !all.contains(n) {
            Error::new(SqlState::UndefinedColumn, format!("column \"{}\" does not exist in table {}", excerpt(n), table_reader::relation_name(relation)))
                .report();
        }
    }
    // The deployed version, which a new one must match or beat on the same rows (if_better).
    let previous = (policy == Deploy::IfBetter).then(|| catalog::deployed_version(&name)).flatten().map(|v| (v, load(&format!("{name}@{v}"), &TASKS[..2]).1));
    let mut wanted: Vec<String> = match &opts.features {
        Some(f) => f.iter().chain([&target]).chain(opts.test_column.iter()).cloned().collect(),
        None => all.iter().filter(|c| !opts.exclude.contains(c)).cloned().collect(),
    };
    if let Some((_, m)) = &previous {
        let extra: Vec<String> = m.spec.features.iter().map(|f| f.name.clone()).filter(|f| all.contains(f) && !wanted.contains(f)).collect();
        wanted.extend(extra);
    }
    let table = table_reader::read_table(relation, Some(&wanted), gucs::max_training_memory_bytes());
    if table.rows == 0 {
        Error::new(SqlState::DataException, format!("table {} is empty", table_reader::relation_name(relation))).report();
    }
    // Columns read only for the previous version were excluded by the caller: not features.
    let trained = tabular::train(&table, &target, &opts, &mut |done, total| {
        pgrx::check_for_interrupts!();
        progress.report(done, total);
    })
    .or_report();
    let seconds = progress.elapsed_secs();
    let kind = &trained.model.kind;
    let previous_score = previous.as_ref().map(|(v, m)| (*v, tabular::score_on_test_rows(m, &trained, &table).or_report()));
    let deploy = policy.decide(previous_score.map(|(_, old)| old.map(|old| better(kind, trained.test.score) >= better(kind, old))));
    let t = &trained.test;
    let metrics = serde_json::json!({
        "task": kind.task(), "metric": t.metric, "score": t.score, "baseline": t.baseline,
        "test": pairs(&t.all), "baseline_test": pairs(&t.baseline_all),
        "rows_train": trained.rows_train, "rows_test": trained.rows_test, "train_seconds": seconds,
        "validation": pairs(&trained.validation), "classes": kind.classes(),
        "deploy": {"policy": policy.name(), "deployed": deploy,
                   "previous_version": previous_score.map(|p| p.0), "previous_score": previous_score.and_then(|p| p.1)},
    });
    let features = serde_json::to_value(&trained.model.spec).unwrap_or_default();
    let payload = serde_json::to_vec(&trained.model).map_err(|e| Error::internal(format!("could not serialise the model: {e}"))).or_report();
    let algorithm = trained.model.algorithm_name();
    let version =
        catalog::store(&catalog::NewModel { name: &name, task: kind.task(), algorithm, options: options_json, features, metrics, payload: &payload, deploy });
    TableIterator::once((
        DbText(name),
        version,
        DbText::from(kind.task()),
        DbText::from(algorithm),
        deploy,
        trained.rows_train as i64,
        trained.rows_test as i64,
        DbText(t.metric.clone()),
        t.score,
        t.baseline,
        seconds,
    ))
}

/// Errors unless the model predicts classes (`want_classes`) or a number.
fn check_kind(entry: &catalog::Entry, model: &Model, want_classes: bool, function: &str) {
    match (&model.kind, want_classes) {
        (Target::Classes(_), true) | (Target::Regression, false) => {}
        (Target::Regression, true) => Error::invalid_parameter(format!("model \"{}\" is a regression model, which {function} does not take", entry.display))
            .with_hint("use shopml.predict")
            .report(),
        (Target::Classes(c), false) => Error::invalid_parameter(format!("model \"{}\" has {} classes, which {function} does not take", entry.display, c.len()))
            .with_hint("use shopml.predict_class or shopml.predict_proba")
            .report(),
    }
}

/// The prediction for one row (a jsonb object keyed by column name; missing keys count as
/// NULL, unknown keys are ignored): the value of a regression, or the probability of the
/// positive class (the second in the model's classes) of a two-class model. STABLE: deploying
/// another version changes it.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn predict(model: Option<TextArg>, row: Option<Jsonb>) -> f64 {
    let (entry, model) = load(&text(model, "model"), &TASKS);
    if model.classes().len() > 2 {
        check_kind(&entry, &model, false, "predict");
    }
    model.predict(&json_row(&model, &required(row, "row").0, "row"))[0]
}

/// The most probable class of one row, for a classifier.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn predict_class(model: Option<TextArg>, row: Option<Jsonb>) -> DbText {
    let (entry, model) = load(&text(model, "model"), &TASKS);
    check_kind(&entry, &model, true, "predict_class");
    let (class, _) = model.predict_classes(&json_row(&model, &required(row, "row").0, "row"))[0];
    DbText(model.classes()[class].clone())
}

/// Every class's probability for one row, as a jsonb object (class -> probability).
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn predict_proba(model: Option<TextArg>, row: Option<Jsonb>) -> Jsonb {
    let (entry, model) = load(&text(model, "model"), &TASKS);
    check_kind(&entry, &model, true, "predict_proba");
    let p = model.probabilities(&json_row(&model, &required(row, "row").0, "row"));
    Jsonb(serde_json::Value::Object(model.classes().iter().zip(p).map(|(c, p)| (c.clone(), serde_json::json!(p))).collect()))
}

/// Every row of `relation` scored in one call, reading only the key and the model's feature
/// columns with the caller's privileges: (key, prediction, class) where prediction is the
/// value of a regression, the positive class's probability of a two-class model, or the
/// predicted class's probability; class is the predicted class (NULL for a regression).
#[pg_extern(stable, parallel_safe, name = "predict", requires = ["catalog"])]
fn predict_table(
    model: Option<TextArg>,
    relation: Option<RegClass>,
    key_column: Option<TextArg>,
) -> TableIterator<'static, (name!(key, Option<DbText>), name!(prediction, f64), name!(class, Option<DbText>))> {
    let (_, model) = load(&text(model, "model"), &TASKS);
    let RegClass(relation) = required(relation, "relation");
    let key = text(key_column, "key_column");
    let classes = model.classes().to_vec();
    let (keys, out) = score_relation(&model.spec, model.encoding(), relation, &key, |x| match model.kind {
        Target::Regression => model.predict(x).into_iter().map(|v| (v, None)).collect(),
        Target::Classes(_) if classes.len() == 2 => model.predict(x).into_iter().map(|p| (p, Some(usize::from(p >= 0.5)))).collect(),
        Target::Classes(_) => model.predict_classes(x).into_iter().map(|(c, p)| (p, Some(c))).collect(),
    });
    TableIterator::new(keys.into_iter().map(|k| k.map(DbText)).zip(out).map(move |(k, (p, c))| (k, p, c.map(|c| DbText(classes[c].clone())))))
}

/// Why the model predicts what it does for one row: each feature's contribution, largest first,
/// then the base value; they sum to the prediction of a regression, or to the log-odds of a
/// class (`class`, by default the positive class of two, or the predicted one of more).
/// Exact for linear models, tree-SHAP for trees.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn explain(
    model: Option<TextArg>,
    row: Option<Jsonb>,
    class: default!(Option<TextArg>, "NULL"),
) -> TableIterator<'static, (name!(feature, DbText), name!(value, Option<DbText>), name!(contribution, f64))> {
    let (entry, model) = load(&text(model, "model"), &TASKS);
    let row = required(row, "row").0;
    let x = json_row(&model, &row, "row");
    let class = class.map(|c| text(Some(c), "class"));
    let head = match (class, &model.kind) {
        (None, Target::Classes(c)) if c.len() > 2 => Some(model.predict_classes(&x)[0].0),
        (None, _) => None,
        (Some(_), Target::Regression) => Error::invalid_parameter(format!("model \"{}\" is a regression model: leave out class", entry.display)).report(),
        (Some(want), Target::Classes(c)) => match c.iter().position(|k| *k == want) {
            Some(i) if c.len() > 2 => Some(i),
            Some(1) => None,
            _ => Error::invalid_parameter(format!("class \"{}\" is not one model \"{}\" explains", excerpt(&want), entry.display))
                .with_hint(if c.len() == 2 {
                    format!("a two-class model explains its positive class, \"{}\"", c[1])
                } else {
                    format!("its classes are {}", c.join(", "))
                })
                .report(),
        },
    };
    let head = model.head_for(head).or_report();
    let (contributions, base) = model.explain(&x, head);
    explanation(&model, &row, contributions, base).into_table()
}

/// Rows of an explanation: features by |contribution|, then the base value.
pub(crate) struct Explanation(Vec<(String, Option<String>, f64)>);

impl Explanation {
    pub(crate) fn into_table(self) -> TableIterator<'static, (name!(feature, DbText), name!(value, Option<DbText>), name!(contribution, f64))> {
        TableIterator::new(self.0.into_iter().map(|(f, v, c)| (DbText(f), v.map(DbText), c)))
    }
}

pub(crate) fn explanation(model: &Model, row: &serde_json::Value, contributions: Vec<f64>, base: f64) -> Explanation {
    let mut rows: Vec<(String, Option<String>, f64)> = model
        .spec
        .features
        .iter()
        .zip(contributions)
        .map(|(f, c)| {
            let value = row.get(&f.name).filter(|v| !v.is_null()).map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            (f.name.clone(), value, c)
        })
        .collect();
    rows.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()).then(a.0.cmp(&b.0)));
    rows.push(("(base value)".into(), None, base));
    Explanation(rows)
}

/// Makes `version` the version of `model` that unpinned references use (predict, explain,
/// recommend...); only the model's owner may. Returns the version.
#[pg_extern(volatile, parallel_unsafe, requires = ["catalog"])]
fn deploy_model(model: Option<TextArg>, version: Option<i32>) -> i32 {
    let model = text(model, "model");
    catalog::deploy(&model, required(version, "version"))
}
