//! Churn from SQL: train_churn_model, predict_churn (one customer as jsonb, or a whole table),
//! explain_churn. Training reads the table as the caller (src/pg/table_reader.rs) and stores the
//! model in shopml.trained_models (src/pg/catalog.rs); the models are in src/core/churn.

use crate::api::tabular::{explanation, json_row, score_relation};
use crate::core::churn::{self, Model, Options};
use crate::error::{Error, SqlState};
use crate::gucs;
use crate::pg::fmgr::{required, required_text as text, RegClass};
use crate::pg::progress::Progress;
use crate::pg::text::{DbText, Jsonb, TextArg};
use crate::pg::{catalog, table_reader, OrReport};
use pgrx::prelude::*;
use std::sync::Arc;

const TASK: &str = "churn";

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
    let (mut opts, options_json): (Options, _) =
        crate::pg::parse_options(options, "exclude, features, algorithm, test_fraction, test_column, seed, budget, c, threads");
    opts.max_bytes = Some(gucs::max_training_memory_bytes());
    let mut progress = Progress::new("train_churn_model", "steps");

    // Only the columns training uses are read, so excluded columns may be of any type.
    let all = table_reader::column_names_having(
        relation,
        opts.exclude.iter().chain(opts.features.iter().flatten()).chain(opts.test_column.iter()).chain([&label]),
    );
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
    let version =
        catalog::store(&catalog::NewModel { name: &name, task: TASK, algorithm, options: options_json, features, metrics, payload: &payload, deploy: true });
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

/// The churn model a reference names (src/pg/catalog.rs checks the caller may use it).
fn load(reference: &str) -> Arc<Model> {
    crate::api::tabular::load(reference, &[TASK]).1
}

fn encode_customer(model: &Model, customer: &serde_json::Value) -> Vec<f64> {
    json_row(model, customer, "customer")
}

/// The churn probability of one customer (a jsonb object keyed by column name; missing keys
/// count as NULL, unknown keys are ignored). STABLE: retraining the model changes it.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
fn predict_churn(model: Option<TextArg>, customer: Option<Jsonb>) -> f64 {
    let model = load(&text(model, "model"));
    let row = encode_customer(&model, &required(customer, "customer").0);
    model.predict(&row)[0]
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
    let (contributions, base) = model.explain(&row, 0);
    explanation(&model, &customer, contributions, base).into_table()
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
    let (ids, probabilities) = score_relation(&model.spec, model.encoding(), relation, &id, |x| model.predict(x));
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
    table_reader::column_names_having(relation, &names);
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
                Error::new(
                    SqlState::ProgramLimitExceeded,
                    format!("customer_features of {table_name} take more than shopml.max_training_memory ({} MB)", max_bytes >> 20),
                )
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
