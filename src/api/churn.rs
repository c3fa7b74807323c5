//! Churn from SQL: train_churn_model, predict_churn (one customer as jsonb, or a whole table),
//! explain_churn. Training reads the table as the caller (src/pg/table_reader.rs) and stores the
//! model in shopml.trained_models (src/pg/catalog.rs); the models are in src/core/churn.

use crate::core::churn::features::{Kind, Raw};
use crate::core::churn::{self, Model, Options};
use crate::core::table::Values;
use crate::error::{excerpt, Error, SqlState};
use crate::gucs;
use crate::pg::fmgr::{required, required_text as text, RegClass};
use crate::pg::progress::Progress;
use crate::pg::text::{DbText, Jsonb, TextArg};
use crate::pg::{catalog, table_reader, OrReport};
use pgrx::prelude::*;
use std::sync::Arc;

const TASK: &str = "churn";

fn parse_options(options: Option<Jsonb>) -> (Options, serde_json::Value) {
    let value = options.map(|j| j.0).unwrap_or_else(|| serde_json::json!({}));
    let parsed = serde_json::from_value::<Options>(value.clone())
        .map_err(|e| Error::invalid_parameter(format!("invalid options: {e}")).with_hint(
            "options are exclude, features, algorithm, test_fraction, test_column, seed, budget, c, threads",
        ))
        .or_report();
    (parsed, value)
}

/// Trains a churn model on `relation` (read with the caller's privileges), every column but the
/// label (and options.exclude) a feature, and stores it as the next version of `name`.
#[pg_extern(volatile, parallel_unsafe, requires = ["catalog", "vector_type"])]
#[allow(clippy::type_complexity)]
fn train_churn_model(
    name: Option<TextArg>,
    relation: Option<RegClass>,
    label_column: Option<TextArg>,
    options: default!(Option<Jsonb>, "'{}'"),
) -> TableIterator<
    'static,
    (
        name!(model, DbText),
        name!(version, i32),
        name!(algorithm, DbText),
        name!(rows_train, i64),
        name!(rows_test, i64),
        name!(auc, f64),
        name!(accuracy, f64),
        name!(precision, f64),
        name!(recall, f64),
        name!(f1, f64),
        name!(log_loss, f64),
        name!(train_seconds, f64),
    ),
> {
    let _trim = crate::pg::fmgr::TrimOnDrop;
    let name = text(name, "name");
    catalog::check_new(&name);
    let RegClass(relation) = required(relation, "relation");
    let label = text(label_column, "label_column");
    let (mut opts, options_json) = parse_options(options);
    opts.max_bytes = Some(gucs::max_training_memory_bytes());
    let mut progress = Progress::new("train_churn_model", "steps");

    // Only the columns training uses are read, so excluded columns may be of any type.
    let all = table_reader::column_names(relation);
    for n in opts.exclude.iter().chain(opts.features.iter().flatten()).chain(opts.test_column.iter()).chain([&label]) {
        if !all.contains(n) {
            Error::new(SqlState::UndefinedColumn, format!("column \"{}\" does not exist in table {}", excerpt(n), table_reader::relation_name(relation))).report();
        }
    }
    let wanted: Vec<String> = match &opts.features {
        Some(f) => f.iter().chain([&label]).chain(opts.test_column.iter()).cloned().collect(),
        None => all.into_iter().filter(|c| !opts.exclude.contains(c)).collect(),
    };
    let table = table_reader::read_table(relation, Some(&wanted), gucs::max_training_memory_bytes());
    if table.rows == 0 {
        Error::new(SqlState::DataException, format!("table {} is empty", table_reader::relation_name(relation))).report();
    }
    let trained = churn::train(&table, &label, &opts, &mut |done, total| {
        pgrx::check_for_interrupts!();
        progress.report(done, total);
    })
    .or_report();
    let seconds = progress.elapsed_secs();
    let m = &trained.test;
    let metrics = serde_json::json!({
        "auc": m.auc, "accuracy": m.accuracy, "precision": m.precision, "recall": m.recall, "f1": m.f1,
        "log_loss": m.log_loss, "rows_train": trained.rows_train, "rows_test": trained.rows_test,
        "train_seconds": seconds, "validation_auc": trained.validation.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect::<serde_json::Map<String, serde_json::Value>>(),
    });
    let features = serde_json::to_value(&trained.model.spec).unwrap_or_default();
    let payload = serde_json::to_vec(&trained.model).map_err(|e| Error::internal(format!("could not serialise the model: {e}"))).or_report();
    let algorithm = trained.model.algorithm_name();
    let version = catalog::store(&catalog::NewModel {
        name: &name,
        task: TASK,
        algorithm,
        options: options_json,
        features,
        metrics,
        payload: &payload,
    });
    TableIterator::once((
        DbText(name),
        version,
        DbText::from(algorithm),
        trained.rows_train as i64,
        trained.rows_test as i64,
        m.auc,
        m.accuracy,
        m.precision,
        m.recall,
        m.f1,
        m.log_loss,
        seconds,
    ))
}

/// The model a reference names (src/pg/catalog.rs checks the caller may use it).
fn load(reference: &str) -> Arc<Model> {
    catalog::load(reference, TASK, |payload| {
        let model: Model = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
        Ok((model, payload.len() * 2))
    })
}

/// Seconds since 1970 of a date or timestamp written as JSON text (`to_jsonb` of a date,
/// timestamp or timestamptz), parsed by Postgres as training read it: with its offset when it
/// has one, as UTC when it has none.
fn json_time(key: &str, s: &str) -> f64 {
    let has_offset = s.len() > 10 && (s.ends_with('Z') || s[10..].contains(['+', '-']));
    let func = if has_offset { pg_sys::timestamptz_in } else { pg_sys::timestamp_in };
    let cstr = std::ffi::CString::new(s).unwrap_or_else(|_| Error::data(format!("value for \"{key}\" is not a date or timestamp")).report());
    // SAFETY: the input functions take (cstring, oid, int4) and raise a clean ERROR on bad input.
    let micros = unsafe {
        pgrx::direct_function_call::<i64>(func, &[cstr.as_c_str().into_datum(), pg_sys::InvalidOid.into_datum(), (-1i32).into_datum()])
    }
    .unwrap_or(0);
    micros as f64 / 1e6 + 946_684_800.0
}

/// One customer's values, in the model's feature order, from a jsonb object.
fn customer_row(model: &Model, customer: &serde_json::Value) -> Vec<Raw> {
    let obj = customer.as_object().unwrap_or_else(|| Error::data("customer must be a jsonb object").with_hint("pass to_jsonb(row)").report());
    model
        .spec
        .features
        .iter()
        .map(|f| {
            let wrong = || -> ! { Error::data(format!("value for \"{}\" must be a {}, not {}", f.name, f.kind_name(), excerpt(&obj[&f.name].to_string()))).report() };
            match (obj.get(&f.name), &f.kind) {
                (None | Some(serde_json::Value::Null), _) => Raw::Null,
                (Some(serde_json::Value::Number(n)), Kind::Number) => Raw::Num(n.as_f64().unwrap_or(f64::NAN)),
                (Some(serde_json::Value::Bool(b)), Kind::Bool) => Raw::Bool(*b),
                (Some(serde_json::Value::String(s)), Kind::Category { .. }) => Raw::Text(s.clone()),
                (Some(serde_json::Value::String(s)), Kind::Time) => Raw::Num(json_time(&f.name, s)),
                _ => wrong(),
            }
        })
        .collect()
}

fn encode_customer(model: &Model, customer: &serde_json::Value) -> Vec<f64> {
    let mut row = Vec::with_capacity(model.width());
    model.encode(&customer_row(model, customer), &mut row).or_report();
    row
}

/// The churn probability of one customer (a jsonb object keyed by column name; missing keys
/// count as NULL, unknown keys are ignored). STABLE: retraining the model changes it.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn predict_churn(model: Option<TextArg>, customer: Option<Jsonb>) -> f64 {
    let model = load(&text(model, "model"));
    let row = encode_customer(&model, &required(customer, "customer").0);
    model.probabilities(&row)[0]
}

/// Why one customer is at risk: each feature's contribution to the model's log-odds, largest
/// first (exact for logistic regression, tree-SHAP for trees), then the base value; together
/// they sum to the log-odds of predict_churn's probability.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn explain_churn(
    model: Option<TextArg>,
    customer: Option<Jsonb>,
) -> TableIterator<'static, (name!(feature, DbText), name!(value, Option<DbText>), name!(contribution, f64))> {
    let model = load(&text(model, "model"));
    let customer = required(customer, "customer").0;
    let row = encode_customer(&model, &customer);
    let (contributions, base) = model.explain(&row);
    let mut rows: Vec<(String, Option<String>, f64)> = model
        .spec
        .features
        .iter()
        .zip(contributions)
        .map(|(f, c)| {
            let value = customer.get(&f.name).filter(|v| !v.is_null()).map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            (f.name.clone(), value, c)
        })
        .collect();
    rows.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()).then(a.0.cmp(&b.0)));
    rows.push(("(base value)".into(), None, base));
    TableIterator::new(rows.into_iter().map(|(f, v, c)| (DbText(f), v.map(DbText), c)))
}

/// Every row of `relation` scored in one call: (id, probability), reading only the id and the
/// model's feature columns, with the caller's privileges.
#[pg_extern(stable, parallel_safe, name = "predict_churn", requires = ["catalog"])]
fn predict_churn_table(
    model: Option<TextArg>,
    relation: Option<RegClass>,
    id_column: Option<TextArg>,
) -> TableIterator<'static, (name!(id, Option<DbText>), name!(probability, f64))> {
    let model = load(&text(model, "model"));
    let RegClass(relation) = required(relation, "relation");
    let id = text(id_column, "id_column");
    let mut columns: Vec<String> = vec![id.clone()];
    columns.extend(model.spec.features.iter().map(|f| f.name.clone()));
    let table = table_reader::read_table(relation, Some(&columns), gucs::max_training_memory_bytes());
    // Encoded rows can be much wider than read ones (one slot per category): scored in chunks.
    const CHUNK: usize = 4096;
    let mut probabilities = Vec::with_capacity(table.rows);
    let mut x = Vec::with_capacity(CHUNK.min(table.rows) * model.width());
    let mut raw = Vec::with_capacity(model.spec.features.len());
    for start in (0..table.rows).step_by(CHUNK) {
        pgrx::check_for_interrupts!();
        x.clear();
        for r in start..(start + CHUNK).min(table.rows) {
            raw.clear();
            raw.extend(table.columns[1..].iter().map(|c| churn::features::raw_at(c, r)));
            model.encode(&raw, &mut x).or_report();
        }
        probabilities.extend(model.probabilities(&x));
    }
    let ids: Vec<Option<String>> = match &table.columns[0].values {
        Values::Number(v) | Values::Time(v) => v.iter().map(|x| x.map(|x| x.to_string())).collect(),
        Values::Text(v) => v.clone(),
        Values::Bool(v) => v.iter().map(|x| x.map(|b| b.to_string())).collect(),
        Values::Vector(_) => Error::invalid_parameter("id_column must not be a vector").report(),
    };
    TableIterator::new(ids.into_iter().map(|id| id.map(DbText)).zip(probabilities))
}

/// Recency, frequency and monetary features per customer from an orders table, as of a date
/// (orders after it are ignored), read with the caller's privileges: what a churn model needs
/// when a shop has orders rather than a feature table.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
#[allow(clippy::type_complexity)]
fn customer_features(
    orders: Option<RegClass>,
    customer_column: Option<TextArg>,
    time_column: Option<TextArg>,
    amount_column: Option<TextArg>,
    as_of: default!(Option<pgrx::datum::TimestampWithTimeZone>, "now()"),
) -> TableIterator<
    'static,
    (
        name!(customer_id, Option<DbText>),
        name!(recency_days, f64),
        name!(frequency, i64),
        name!(monetary, f64),
        name!(tenure_days, f64),
        name!(avg_order_value, f64),
        name!(orders_last_30d, i64),
        name!(orders_last_90d, i64),
    ),
> {
    let RegClass(relation) = required(orders, "orders");
    let names = [text(customer_column, "customer_column"), text(time_column, "time_column"), text(amount_column, "amount_column")];
    let as_of = required(as_of, "as_of");
    let table_name = table_reader::relation_name(relation);
    let all = table_reader::column_names(relation);
    for n in &names {
        if !all.contains(n) {
            Error::new(SqlState::UndefinedColumn, format!("column \"{}\" does not exist in table {table_name}", excerpt(n))).report();
        }
    }
    let [c, t, a] = names.map(pgrx::spi::quote_identifier);
    // Plain SQL, run as the caller on the caller's table; days are fractional.
    let query = format!(
        "SELECT {c}::pg_catalog.text,
                pg_catalog.date_part('epoch', $1 - pg_catalog.max({t})::timestamptz) / 86400.0,
                pg_catalog.count(*),
                coalesce(pg_catalog.sum({a})::float8, 0),
                pg_catalog.date_part('epoch', $1 - pg_catalog.min({t})::timestamptz) / 86400.0,
                coalesce(pg_catalog.avg({a})::float8, 0),
                pg_catalog.count(*) FILTER (WHERE {t}::timestamptz > $1 - interval '30 days'),
                pg_catalog.count(*) FILTER (WHERE {t}::timestamptz > $1 - interval '90 days')
           FROM {table_name} WHERE {t}::timestamptz <= $1 AND {c} IS NOT NULL GROUP BY {c} ORDER BY 1"
    );
    let query = crate::pg::text::utf8_to_server(&query);
    let rows = Spi::connect(|client| {
        let table = client
            .select(query.as_c_str(), None, &[as_of.into()])
            .map_err(|e| Error::invalid_parameter(format!("could not read orders from {table_name}: {e}")))
            .or_report();
        // The rows are in Postgres memory already; their Rust copy stays within the budget.
        let max_bytes = gucs::max_training_memory_bytes();
        let mut bytes = 0usize;
        let mut out = Vec::new();
        for row in table {
            let id = crate::pg::text::spi_text(&row, 1);
            bytes += 96 + id.as_ref().map_or(0, String::len);
            if bytes > max_bytes {
                Error::new(SqlState::ProgramLimitExceeded, format!("customer_features of {table_name} take more than shopml.max_training_memory ({} MB)", max_bytes >> 20))
                    .with_hint("compute them for fewer customers (a view with a sample), or ask a superuser to raise shopml.max_training_memory")
                    .report();
            }
            out.push((
                id.map(DbText),
                row.get::<f64>(2).ok().flatten().unwrap_or(0.0),
                row.get::<i64>(3).ok().flatten().unwrap_or(0),
                row.get::<f64>(4).ok().flatten().unwrap_or(0.0),
                row.get::<f64>(5).ok().flatten().unwrap_or(0.0),
                row.get::<f64>(6).ok().flatten().unwrap_or(0.0),
                row.get::<i64>(7).ok().flatten().unwrap_or(0),
                row.get::<i64>(8).ok().flatten().unwrap_or(0),
            ));
        }
        out
    });
    TableIterator::new(rows)
}
