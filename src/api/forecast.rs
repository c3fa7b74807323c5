//! Demand forecasting from SQL: train_forecaster, forecast (with planned prices and promotions
//! from a future table), backtest_forecaster. Tables are read as the caller
//! (src/pg/table_reader.rs); the boosting runs in a child process (src/core/isolate.rs), so a
//! cancel ends it at once and its memory counts against shopml.max_training_memory; models are
//! versioned in shopml.trained_models (src/pg/catalog.rs). The algorithm is src/core/forecast.

use crate::core::forecast::backtest::{rolling_origin, Metrics, Summary};
use crate::core::forecast::data::{self, Frequency, Layout};
use crate::core::forecast::{self, Model, Options, Series};
use crate::core::table::{Table, Values};
use crate::error::{excerpt, Error, SqlState};
use crate::gucs;
use crate::pg::arrays::TextArray;
use crate::pg::fmgr::{required, required_text as text, RegClass};
use crate::pg::progress::Progress;
use crate::pg::text::{DbText, Jsonb, TextArg};
use crate::pg::{catalog, table_reader, OrReport};
use pgrx::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const TASK: &str = "forecaster";
const ALGORITHM: &str = "gbdt-direct";

/// A stored forecaster: the model and how to read and write its table.
#[derive(Serialize, Deserialize)]
struct Stored {
    layout: Layout,
    model: Model,
}

/// What a call names: the columns, and the options that are not the model's own.
struct Request {
    layout: Layout,
    options: Options,
    options_json: serde_json::Value,
}

const OPTIONS_HINT: &str = "options are horizon, gap, known_columns, frequency, season, lags, windows, interval, calibration, point (median or mape), budget, max_trees, seed, threads";

/// Checks the columns, reads the table as the caller and builds its series.
fn read_series(
    relation: pg_sys::Oid,
    series_columns: Option<TextArray>,
    time_column: Option<TextArg>,
    value_column: Option<TextArg>,
    options: Option<Jsonb>,
) -> (Request, Vec<Series>) {
    let series_columns: Vec<String> =
        crate::pg::text::text_array(&required(series_columns, "series_columns").0.texts(), 1024).into_iter().map(|c| required(c, "series_columns")).collect();
    let time_column = text(time_column, "time_column");
    let value_column = text(value_column, "value_column");
    let options_json = options.map(|j| j.0).unwrap_or_else(|| serde_json::json!({}));
    let mut rest = match options_json.clone() {
        serde_json::Value::Object(o) => o,
        _ => Error::invalid_parameter("options must be a jsonb object").with_hint(OPTIONS_HINT).report(),
    };
    let known_columns: Vec<String> = match rest.remove("known_columns") {
        None => Vec::new(),
        Some(v) => serde_json::from_value(v).unwrap_or_else(|_| Error::invalid_parameter("known_columns must be an array of column names").report()),
    };
    let frequency: Option<String> = match rest.remove("frequency") {
        None => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(_) => Error::invalid_parameter("frequency must be day, week or month").report(),
    };
    let season_given = rest.contains_key("season");
    let mut options: Options = serde_json::from_value(serde_json::Value::Object(rest))
        .map_err(|e| Error::invalid_parameter(format!("invalid options: {e}")).with_hint(OPTIONS_HINT))
        .or_report();
    if !(1..=64).contains(&options.threads) {
        Error::invalid_parameter(format!("threads must be 1 to 64, not {}", options.threads)).report();
    }

    let table_name = table_reader::relation_name(relation);
    // read_table refuses a column the table lacks; a column named in two roles is refused here.
    let named: Vec<&String> = series_columns.iter().chain([&time_column, &value_column]).chain(&known_columns).collect();
    for (i, n) in named.iter().enumerate() {
        if named[..i].contains(n) {
            Error::invalid_parameter(format!("column \"{}\" is named twice: series, time, value and known columns must differ", excerpt(n))).report();
        }
    }
    let wanted: Vec<String> = named.into_iter().cloned().collect();
    let max_bytes = gucs::max_training_memory_bytes();
    let table = table_reader::read_table(relation, Some(&wanted), max_bytes);
    if table.rows == 0 {
        Error::new(SqlState::DataException, format!("table {table_name} is empty")).report();
    }
    let time = table.column(&time_column).unwrap_or_else(|| Error::internal("time column not read").report());
    let frequency = Frequency::choose(frequency.as_deref(), &time_column, &time.values).or_report();
    if !season_given {
        options.season = frequency.season();
    }
    let layout = Layout {
        numeric_keys: series_columns.iter().map(|c| matches!(table.column(c).map(|c| &c.values), Some(Values::Number(_)))).collect(),
        series_columns,
        time_type: time.sql_type.clone(),
        time_column,
        value_column,
        known_columns,
        frequency,
    };
    let series = data::series(&table, &layout, max_bytes).or_report();
    (Request { layout, options, options_json }, series)
}

/// Trains in a child process, polling for cancellation.
fn train_isolated(options: &Options, series: &[Series], known: &[String]) -> Model {
    crate::core::isolate::run(
        gucs::max_training_memory_bytes(),
        options.threads,
        || forecast::train(options, series, known, &mut || {}),
        &mut || {
            pgrx::check_for_interrupts!();
        },
    )
    .or_report()
}

fn summary_json(s: &Summary) -> serde_json::Value {
    serde_json::json!({ "cells": s.cells, "mape": s.mape, "wape": s.wape, "mase": s.mase, "coverage": s.coverage })
}

/// Trains one model over every series of `relation` (read with the caller's privileges) and
/// stores it as the next version of `name`; returns its errors on the last `calibration`
/// periods, forecast by the same model fitted without them.
#[pg_extern(volatile, parallel_unsafe, requires = ["catalog", "vector_type"])]
#[allow(clippy::type_complexity)]
fn train_forecaster(
    name: Option<TextArg>,
    relation: Option<RegClass>,
    series_columns: Option<TextArray>,
    time_column: Option<TextArg>,
    value_column: Option<TextArg>,
    options: default!(Option<Jsonb>, "'{}'"),
) -> TableIterator<
    'static,
    (
        name!(model, DbText),
        name!(version, i32),
        name!(series, i64),
        name!(rows, i64),
        name!(mape, f64),
        name!(wape, f64),
        name!(mase, f64),
        name!(coverage, f64),
        name!(train_seconds, f64),
    ),
> {
    let _trim = crate::pg::fmgr::TrimOnDrop;
    let name = text(name, "name");
    catalog::check_new(&name);
    let RegClass(relation) = required(relation, "relation");
    let start = std::time::Instant::now();
    let (request, series) = read_series(relation, series_columns, time_column, value_column, options);
    let model = train_isolated(&request.options, &series, &request.layout.known_columns);
    let seconds = start.elapsed().as_secs_f64();
    let held = model.holdout.summary();
    let mut metrics = summary_json(&held);
    metrics["series"] = series.len().into();
    metrics["rows"] = model.rows.into();
    metrics["train_seconds"] = seconds.into();
    let features = serde_json::json!({
        "layout": request.layout,
        "features": forecast::features::names(&model.options, request.layout.series_columns.len(), &request.layout.known_columns),
    });
    let rows = model.rows as i64;
    let stored = Stored { layout: request.layout, model };
    let payload = serde_json::to_vec(&stored).map_err(|e| Error::internal(format!("could not serialise the model: {e}"))).or_report();
    let version = catalog::store(&catalog::NewModel {
        name: &name,
        task: TASK,
        algorithm: ALGORITHM,
        options: request.options_json,
        features,
        metrics,
        payload: &payload,
        deploy: true,
    });
    TableIterator::once((DbText(name), version, series.len() as i64, rows, held.mape, held.wape, held.mase, held.coverage, seconds))
}

fn load(reference: &str) -> Arc<Stored> {
    catalog::load(reference, TASK, |payload| {
        let stored: Stored = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
        Ok((stored, payload.len() * 2))
    })
}

/// Reads a future table's planned inputs (as the caller) into `inputs`.
fn apply_future(stored: &Stored, relation: pg_sys::Oid, inputs: &mut [Series], through: i64) {
    let l = &stored.layout;
    let table_name = table_reader::relation_name(relation);
    let all = table_reader::column_names(relation);
    let wanted: Vec<String> = l.series_columns.iter().chain([&l.time_column]).chain(&l.known_columns).cloned().collect();
    for n in &wanted {
        if !all.contains(n) {
            Error::new(SqlState::UndefinedColumn, format!("column \"{}\" does not exist in table {table_name}", excerpt(n)))
                .with_hint(format!("a future table has the series columns, the time column and the known columns: {}", wanted.join(", ")))
                .report();
        }
    }
    let table: Table = table_reader::read_table(relation, Some(&wanted), gucs::max_training_memory_bytes());
    let time = table.column(&l.time_column).map(|c| &c.values);
    if matches!(time, Some(Values::Number(_))) != (l.frequency == Frequency::Integer) {
        Error::new(SqlState::DatatypeMismatch, format!("column \"{}\" of {table_name} must be of the training table's type, {}", excerpt(&l.time_column), l.time_type)).report();
    }
    data::apply_future(inputs, &table, l, through).or_report();
}

/// The next `horizon` periods of every series after the training data's last period and the
/// gap: point forecast and interval. `future` holds the planned known inputs of those periods
/// (prices, promotions); where it has none, the last known value carries forward.
#[pg_extern(stable, parallel_safe, requires = ["catalog"])]
#[allow(clippy::type_complexity)]
fn forecast(
    model: Option<TextArg>,
    horizon: default!(Option<i32>, "NULL"),
    future: default!(Option<RegClass>, "NULL"),
) -> TableIterator<
    'static,
    (name!(series, Jsonb), name!(time, DbText), name!(value, f64), name!(lower, f64), name!(upper, f64)),
> {
    let stored = load(&text(model, "model"));
    let m = &stored.model;
    let most = m.options.horizon as i32;
    let horizon = horizon.unwrap_or(most);
    if !(1..=most).contains(&horizon) {
        Error::invalid_parameter(format!("horizon must be between 1 and {most}, not {horizon}"))
            .with_hint("the model forecasts at most options.horizon periods: train it with a larger horizon")
            .report();
    }
    let mut inputs = m.anchored(&m.history, m.origin);
    if let Some(RegClass(future)) = future {
        apply_future(&stored, future, &mut inputs, m.origin + (m.options.gap + m.options.horizon) as i64);
    }
    m.check_forecast_size(inputs.len(), gucs::max_training_memory_bytes()).or_report();
    let points = m.forecast(&inputs).or_report();
    let last = m.origin + m.options.gap as i64 + horizon as i64;
    let l = &stored.layout;
    let rows: Vec<_> = points
        .into_iter()
        .filter(|p| p.period <= last)
        .map(|p| (Jsonb(l.key_json(&inputs[p.series].key)), DbText(l.time_label(p.period)), p.value, p.lower, p.upper))
        .collect();
    TableIterator::new(rows)
}

/// Rolling-origin evaluation entirely in SQL: for each of `rounds` origins, `every` periods
/// apart and ending where the last forecast period is the table's last, trains on the history
/// up to the origin and scores the forecasts of the periods after the gap against the table
/// (the known columns of those periods are taken as planned). One row per round, then the
/// whole (round NULL). Nothing is stored.
#[pg_extern(volatile, parallel_unsafe, requires = ["catalog", "vector_type"])]
#[allow(clippy::type_complexity)]
fn backtest_forecaster(
    relation: Option<RegClass>,
    series_columns: Option<TextArray>,
    time_column: Option<TextArg>,
    value_column: Option<TextArg>,
    options: default!(Option<Jsonb>, "'{}'"),
    rounds: default!(Option<i32>, "3"),
    every: default!(Option<i32>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(round, Option<i32>),
        name!(origin, Option<DbText>),
        name!(cells, i64),
        name!(mape, f64),
        name!(wape, f64),
        name!(mase, f64),
        name!(coverage, f64),
        name!(seconds, f64),
    ),
> {
    let _trim = crate::pg::fmgr::TrimOnDrop;
    let RegClass(relation) = required(relation, "relation");
    let rounds = required(rounds, "rounds");
    if !(1..=100).contains(&rounds) {
        Error::invalid_parameter(format!("rounds must be between 1 and 100, not {rounds}")).report();
    }
    let (request, series) = read_series(relation, series_columns, time_column, value_column, options);
    let o = &request.options;
    let every = every.unwrap_or(o.horizon as i32);
    if !(1..=1000).contains(&every) {
        Error::invalid_parameter(format!("every must be between 1 and 1000, not {every}")).report();
    }
    let end = series.iter().filter_map(Series::end).max().unwrap_or(0);
    let last = end - (o.gap + o.horizon) as i64;
    let origins: Vec<i64> = (0..rounds as i64).map(|r| last - every as i64 * (rounds as i64 - 1 - r)).collect();
    let mut progress = Progress::new("backtest_forecaster", "rounds");
    let mut finished = 0;
    let results = rolling_origin(
        &series,
        &origins,
        gucs::max_training_memory_bytes(),
        &mut |history, _| Ok(train_isolated(o, history, &request.layout.known_columns)),
        &mut |_| {
            finished += 1;
            progress.report(finished, origins.len());
        },
    )
    .or_report();
    let total_seconds = progress.elapsed_secs();
    let mut all = Metrics::default();
    let mut out = Vec::with_capacity(results.len() + 1);
    for (i, r) in results.iter().enumerate() {
        all.merge(&r.metrics);
        let s = r.metrics.summary();
        out.push((Some(i as i32 + 1), Some(DbText(request.layout.time_label(r.origin))), s.cells as i64, s.mape, s.wape, s.mase, s.coverage, r.seconds));
    }
    let s = all.summary();
    out.push((None, None, s.cells as i64, s.mape, s.wape, s.mase, s.coverage, total_seconds));
    TableIterator::new(out)
}
