//! Demand forecasting: one gradient-boosted model over every series of a table (lags, rolling
//! means, the season, series keys and covariates known in advance such as planned prices and
//! promotions), predicting each of the next `horizon` periods after a `gap` directly, in log
//! space relative to each series' recent level. Intervals come from the errors of a model fitted
//! without the last periods, on those periods (split conformal), per step.
//!
//! The gradient boosting is the tabular engine's (`perpetual`, src/core/tabular/gbdt.rs).

pub mod backtest;
pub mod data;
pub mod features;
#[cfg(test)]
mod tests;

use crate::core::tabular::gbdt;
use crate::error::{Error, Result};
use backtest::Metrics;
use perpetual::PerpetualBooster;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One series: its key (the values of the series columns), and its values and covariates by
/// period (`start` is the first period; NaN where a period has no value). Covariates may run
/// past the last value: those are the planned inputs of the periods to forecast.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub key: Vec<String>,
    pub start: i64,
    #[serde(with = "nan_as_null")]
    pub y: Vec<f64>,
    #[serde(with = "nan_as_null::nested")]
    pub x: Vec<Vec<f64>>,
}

/// JSON has no NaN: missing values travel as null (models are stored and sent as JSON).
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    fn out(v: &[f64]) -> Vec<Option<f64>> {
        v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect()
    }

    fn back(v: Vec<Option<f64>>) -> Vec<f64> {
        v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect()
    }

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        out(v).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(back(Vec::deserialize(d)?))
    }

    pub mod nested {
        use super::*;

        pub fn serialize<S: Serializer>(v: &[Vec<f64>], s: S) -> Result<S::Ok, S::Error> {
            v.iter().map(|c| out(c)).collect::<Vec<_>>().serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
            Ok(Vec::<Vec<Option<f64>>>::deserialize(d)?.into_iter().map(back).collect())
        }
    }
}

impl Series {
    /// The last period with a value.
    pub fn end(&self) -> Option<i64> {
        self.y.iter().rposition(|v| !v.is_nan()).map(|i| self.start + i as i64)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Periods forecast, after the gap.
    pub horizon: usize,
    /// Periods between the last known value and the first forecast (time to restock).
    pub gap: usize,
    /// Past values the model sees, counted back from the origin.
    pub lags: usize,
    /// Rolling means over these many periods before the origin.
    pub windows: Vec<usize>,
    /// Periods in a season (52 weekly, 12 monthly, 7 daily; 0: none).
    pub season: usize,
    /// Central probability of the interval (0.8: the 10th to the 90th percentile; 0: none).
    pub interval: f64,
    /// Periods held out at the end to measure the errors the interval is made of.
    pub calibration: usize,
    /// What the point forecast aims at: `Median` (as likely above as below) or `Mape` (the
    /// least mean absolute percentage error on the held-out periods: lower, since an error on a
    /// low week counts more).
    pub point: PointLoss,
    pub budget: f32,
    /// Most trees of one fit: bounds the time whatever the budget.
    pub max_trees: usize,
    pub seed: u64,
    pub threads: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PointLoss {
    Median,
    Mape,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            horizon: 1,
            gap: 0,
            lags: 20,
            windows: vec![4, 13, 52],
            season: 0,
            interval: 0.8,
            calibration: 8,
            point: PointLoss::Median,
            budget: 1.0,
            max_trees: 300,
            seed: 42,
            threads: 1,
        }
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Model {
    pub options: Options,
    pub covariates: Vec<String>,
    /// Per series column, its values in code order (the categorical codes of the model).
    pub key_levels: Vec<Vec<String>>,
    booster: gbdt::Trees,
    /// Per step, the log-space errors at the interval's lower and upper probability.
    pub bounds: Vec<(f64, f64)>,
    /// Added to every prediction in log space (PointLoss::Mape's shift; 0 for the median).
    pub shift: Shift,
    /// The last period of the training data: forecasts start `gap + 1` periods after it.
    pub origin: i64,
    /// The last periods of every series (as many as the features look back), to forecast from.
    pub history: Vec<Series>,
    /// Every value was a whole number (units sold): forecasts are rounded to whole units.
    pub counts: bool,
    /// The forecasts of the model fitted without the last `calibration` periods, on them (the
    /// same periods set the interval and the Mape shift).
    pub holdout: Metrics,
    /// Training rows (series x origins x steps) of the final fit.
    pub rows: usize,
}

/// A log-space shift of the point forecast that grows with the series' recent volatility.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    pub base: f64,
    pub per_volatility: f64,
}

impl Shift {
    fn at(&self, volatility: f64) -> f64 {
        self.base + self.per_volatility * volatility
    }
}

/// One forecast value.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub series: usize,
    pub period: i64,
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The codes of each series' key, and the levels they index (hashed: a model of 100,000 series
/// must not take quadratic time to forecast, where nothing polls for a cancel).
fn key_codes(series: &[Series], levels: &mut Vec<Vec<String>>, grow: bool) -> Vec<Vec<f64>> {
    let columns = series.first().map_or(0, |s| s.key.len());
    levels.resize(columns, Vec::new());
    let mut index: Vec<HashMap<String, usize>> = levels.iter().map(|l| l.iter().enumerate().map(|(i, v)| (v.clone(), i)).collect()).collect();
    series
        .iter()
        .map(|s| {
            s.key
                .iter()
                .enumerate()
                .map(|(c, v)| match index[c].get(v) {
                    Some(&i) => i as f64,
                    None if grow => {
                        levels[c].push(v.clone());
                        index[c].insert(v.clone(), levels[c].len() - 1);
                        (levels[c].len() - 1) as f64
                    }
                    None => f64::NAN,
                })
                .collect()
        })
        .collect()
}

/// Training rows: every origin whose target lies at or before `last` (per series: its own last
/// value when `last` is None).
struct Rows {
    x: Vec<f64>,
    y: Vec<f64>,
    step: Vec<usize>,
    target_period: Vec<i64>,
    series: Vec<usize>,
}

fn training_rows(o: &Options, series: &[Series], codes: &[Vec<f64>], width: usize, tick: &mut dyn FnMut()) -> Rows {
    let mut r = Rows { x: Vec::new(), y: Vec::new(), step: Vec::new(), target_period: Vec::new(), series: Vec::new() };
    for (index, (s, code)) in series.iter().zip(codes).enumerate() {
        tick();
        let Some(end) = s.end() else { continue };
        for t in s.start..end {
            for h in 1..=o.horizon {
                let period = t + (o.gap + h) as i64;
                if period > end {
                    break;
                }
                let mark = r.x.len();
                let Some(level) = features::row(o, s, code, t, h, &mut r.x) else {
                    break;
                };
                let y = features::target(s, period, level);
                if y.is_nan() {
                    r.x.truncate(mark);
                    continue;
                }
                debug_assert_eq!(r.x.len() - mark, width);
                r.y.push(y);
                r.step.push(h);
                r.target_period.push(period);
                r.series.push(index);
            }
        }
    }
    r
}

/// perpetual's memory limit (GB): it sizes the histogram arena from it. Otherwise sized by the
/// machine's free memory: gigabytes allocated per tree took 2 s a tree on 4,000 rows; 0.25 GB
/// gave the same forecasts 20x faster (the OJ protocol's first round: 34.00% MAPE either way).
const MEMORY_LIMIT_GB: f32 = 0.25;

fn fit(o: &Options, x: &[f64], y: &[f64], width: usize, categorical: &[usize]) -> Result<PerpetualBooster> {
    // Squared error in log space for either point: on the OJ protocol it beat perpetual's
    // MapeLoss on the ratio to the level (39.12% MAPE) and Huber loss (38.00%); the Mape point
    // is a shift of it (docs/forecast.md).
    let params = gbdt::Params { budget: o.budget, seed: o.seed, threads: o.threads, max_trees: Some(o.max_trees), memory_gb: Some(MEMORY_LIMIT_GB) };
    gbdt::fit(x, width, y, None, gbdt::Loss::SquaredError, categorical, params)
}

/// Predictions in log space relative to the level.
fn predict(booster: &PerpetualBooster, x: &[f64], width: usize) -> Vec<f64> {
    gbdt::predict(booster, x, width)
}

/// The log-space shift with the least MAPE on held-out (level, prediction, target, volatility)
/// rows: `base + per_volatility * volatility`, so that a series that moves more is forecast
/// lower (for a log-normal error the MAPE-optimal point is the median times exp(-sigma^2)).
/// Searched on a grid: base -1..0.2 by 0.01, per_volatility -3..0 by 0.1 (units rounded as
/// forecasts are reported).
fn mape_shift(held: &[(f64, f64, f64, f64)]) -> Shift {
    let actual: Vec<f64> = held.iter().map(|&(l, _, y, _)| features::units(l, y).round()).collect();
    let mape = |s: Shift| {
        let (mut sum, mut n) = (0.0, 0usize);
        for (&(l, p, _, v), &a) in held.iter().zip(&actual) {
            if a > 0.0 {
                sum += (features::units(l, p + s.at(v)).round() - a).abs() / a;
                n += 1;
            }
        }
        sum / n.max(1) as f64
    };
    let mut best = (f64::INFINITY, Shift::default());
    for b in (-30..=0).rev().map(|k| k as f64 / 10.0) {
        for a in (-100..=20).map(|k| k as f64 / 100.0) {
            let s = Shift { base: a, per_volatility: b };
            let m = mape(s);
            if m < best.0 {
                best = (m, s);
            }
        }
    }
    best.1
}

/// The `p` quantile of `v` (sorted in place; NaN if empty).
fn quantile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn check(o: &Options, series: &[Series]) -> Result<()> {
    if o.horizon == 0 || o.horizon > 1000 {
        return Err(Error::invalid_parameter(format!("horizon must be between 1 and 1000, not {}", o.horizon)));
    }
    if !(o.budget > 0.0 && o.budget <= 4.0) {
        return Err(Error::invalid_parameter(format!("budget must be above 0 and at most 4, not {}", o.budget)));
    }
    if o.max_trees == 0 || o.max_trees > 10_000 {
        return Err(Error::invalid_parameter(format!("max_trees must be between 1 and 10000, not {}", o.max_trees)));
    }
    if o.gap > 1000 || o.lags > 1000 || o.windows.iter().any(|&w| w == 0 || w > 1000) || o.season > 1000 {
        return Err(Error::invalid_parameter("gap, lags, windows and season must be at most 1000"));
    }
    if !(0.0..1.0).contains(&o.interval) {
        return Err(Error::invalid_parameter(format!("interval must be at least 0 and below 1, not {}", o.interval)));
    }
    let keys = series.first().map_or(0, |s| s.key.len());
    let covariates = series.first().map_or(0, |s| s.x.len());
    if series.iter().any(|s| s.key.len() != keys || s.x.len() != covariates) {
        return Err(Error::internal("series differ in their key or covariate columns"));
    }
    Ok(())
}

/// Trains on every value of every series; `tick` is called once per series and per fit (for
/// progress and cancellation).
pub fn train(o: &Options, series: &[Series], covariates: &[String], tick: &mut dyn FnMut()) -> Result<Model> {
    check(o, series)?;
    let mut key_levels = Vec::new();
    let codes = key_codes(series, &mut key_levels, true);
    let width = features::names(o, key_levels.len(), covariates).len();
    let categorical = features::key_slots(key_levels.len());
    let rows = training_rows(o, series, &codes, width, tick);
    if rows.y.len() < 10 {
        return Err(Error::data(format!("too little history to learn from: {} examples (series need at least {} periods)", rows.y.len(), o.gap + 2)));
    }
    let counts = series.iter().all(|s| s.y.iter().all(|v| v.is_nan() || v.fract() == 0.0));
    let mut bounds = vec![(0.0, 0.0); o.horizon];
    let mut shift = Shift::default();
    let volatility = |i: usize| features::volatility(o, key_levels.len(), &rows.x[i * width..(i + 1) * width]);
    let mut holdout = Metrics::default();
    if o.calibration > 0 {
        // Split conformal: fit without the last `calibration` periods, measure on them.
        let last = rows.target_period.iter().copied().max().unwrap_or(0);
        let cut = last - o.calibration as i64;
        let (mut fx, mut fy, mut cx, mut cidx) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in 0..rows.y.len() {
            let row = &rows.x[i * width..(i + 1) * width];
            // Every target after the cut is held out; its lags are what was known at its
            // origin, as when the model forecasts for real.
            if rows.target_period[i] <= cut {
                fx.extend_from_slice(row);
                fy.push(rows.y[i]);
            } else {
                cx.extend_from_slice(row);
                cidx.push(i);
            }
        }
        if fy.len() >= 10 && !cidx.is_empty() {
            tick();
            let early = fit(o, &fx, &fy, width, &categorical)?;
            let p = predict(&early, &cx, width);
            if o.interval > 0.0 {
                let lo = (1.0 - o.interval) / 2.0;
                for (h, b) in bounds.iter_mut().enumerate() {
                    let mut e: Vec<f64> = cidx.iter().zip(&p).filter(|(&i, _)| rows.step[i] == h + 1).map(|(&i, p)| rows.y[i] - p).collect();
                    *b = (quantile(&mut e, lo), quantile(&mut e, 1.0 - lo));
                }
            }
            if o.point == PointLoss::Mape {
                let held: Vec<(f64, f64, f64, f64)> = cidx.iter().zip(&p).map(|(&i, &p)| (rows.x[i * width + 1], p, rows.y[i], volatility(i))).collect();
                shift = mape_shift(&held);
            }
            let scales: Vec<f64> = series.iter().map(|s| backtest::scale(s, cut)).collect();
            for (&i, &p) in cidx.iter().zip(&p) {
                let level = rows.x[i * width + 1];
                let (lo, hi) = bounds[rows.step[i] - 1];
                let [value, lower, upper] = point_units(level, p, shift.at(volatility(i)), lo, hi, counts);
                holdout.add(features::units(level, rows.y[i]).round(), value, lower, upper, scales[rows.series[i]]);
            }
        }
    }
    tick();
    let booster = gbdt::Trees::new(fit(o, &rows.x, &rows.y, width, &categorical)?);
    let origin = series.iter().filter_map(Series::end).max().unwrap_or(0);
    let keep = memory(o) as i64;
    let history = series.iter().map(|s| tail(s, origin - keep + 1, origin)).collect();
    Ok(Model { options: o.clone(), covariates: covariates.to_vec(), key_levels, booster, bounds, shift, origin, history, counts, holdout, rows: rows.y.len() })
}

/// Periods before an origin that the features read.
fn memory(o: &Options) -> usize {
    let windows = o.windows.iter().copied().max().unwrap_or(0);
    o.lags.max(windows).max(o.season).max(features::LOOKBACK) + 1
}

/// `s` from period `from` to `to` (values and covariates; covariates planned past `to` too).
fn tail(s: &Series, from: i64, to: i64) -> Series {
    let from = from.max(s.start);
    let skip = (from - s.start) as usize;
    let slice = |v: &[f64], end: usize| v.get(skip..end.min(v.len()).max(skip)).unwrap_or(&[]).to_vec();
    let y_end = ((to - s.start + 1).max(0)) as usize;
    Series { key: s.key.clone(), start: from, y: slice(&s.y, y_end), x: s.x.iter().map(|c| slice(c, c.len())).collect() }
}

/// A prediction (relative, log space) as units: the point (shifted, within the interval) and
/// the interval's bounds, rounded to whole units for count data.
fn point_units(level: f64, p: f64, shift: f64, lo: f64, hi: f64, counts: bool) -> [f64; 3] {
    let (lower, upper) = (features::units(level, p + lo), features::units(level, p + hi));
    let value = features::units(level, p + shift).clamp(lower, upper);
    let r = |v: f64| if counts { v.round() } else { v };
    [r(value), r(lower), r(upper)]
}

impl Model {
    /// The inputs to forecast from `origin`: each series' values up to it (a series whose value
    /// at the origin is missing carries its last one forward, so that all forecast the same
    /// periods) and its covariates through the last forecast period (the last known value
    /// carried forward where none is planned).
    pub fn anchored(&self, series: &[Series], origin: i64) -> Vec<Series> {
        let o = &self.options;
        let through = origin + (o.gap + o.horizon) as i64;
        series
            .iter()
            .map(|s| {
                let mut c = tail(s, origin - memory(o) as i64 + 1, origin);
                let n = (origin - c.start + 1).max(0) as usize;
                c.y.resize(n, f64::NAN);
                if let Some(last) = c.y.iter().rev().find(|v| !v.is_nan()).copied() {
                    if let Some(v) = c.y.last_mut().filter(|v| v.is_nan()) {
                        *v = last;
                    }
                }
                let len = (through - c.start + 1).max(0) as usize;
                for x in &mut c.x {
                    let last = x.iter().rev().find(|v| !v.is_nan()).copied().unwrap_or(f64::NAN);
                    if x.len() < len {
                        x.resize(len, last);
                    }
                }
                c
            })
            .collect()
    }

    /// The next `horizon` periods after each series' last value and the gap. A series the model
    /// never saw forecasts through its key codes as missing.
    /// Refuses a forecast of `series` series whose rows would take more than `max_bytes`
    /// (a model of many short series and a long horizon is cheap to train and not to forecast).
    pub fn check_forecast_size(&self, series: usize, max_bytes: usize) -> Result<()> {
        let width = features::names(&self.options, self.key_levels.len(), &self.covariates).len();
        let rows = series.saturating_mul(self.options.horizon);
        let bytes = rows.saturating_mul(width * 8 + 200);
        if bytes > max_bytes {
            return Err(Error::new(
                crate::error::SqlState::ProgramLimitExceeded,
                format!(
                    "forecasting {series} series {} periods ahead takes {} MB, more than shopml.max_training_memory ({} MB)",
                    self.options.horizon,
                    bytes >> 20,
                    max_bytes >> 20
                ),
            )
            .with_hint("train with a shorter horizon or on fewer series, or ask a superuser to raise shopml.max_training_memory"));
        }
        Ok(())
    }

    pub fn forecast(&self, series: &[Series]) -> Result<Vec<Point>> {
        check(&self.options, series)?;
        let o = &self.options;
        let mut levels = self.key_levels.clone();
        let codes = key_codes(series, &mut levels, false);
        let width = features::names(o, self.key_levels.len(), &self.covariates).len();
        let (mut x, mut meta) = (Vec::new(), Vec::new());
        for (i, (s, code)) in series.iter().zip(&codes).enumerate() {
            let Some(end) = s.end() else { continue };
            for h in 1..=o.horizon {
                let mark = x.len();
                if let Some(level) = features::row(o, s, code, end, h, &mut x) {
                    let v = features::volatility(o, self.key_levels.len(), &x[mark..]);
                    meta.push((i, end + (o.gap + h) as i64, h, level, v));
                }
            }
        }
        let p = self.booster.predict(&x, width);
        Ok(meta
            .into_iter()
            .zip(p)
            .map(|((series, period, h, level, v), p)| {
                let (lo, hi) = self.bounds[h - 1];
                let [value, lower, upper] = point_units(level, p, self.shift.at(v), lo, hi, self.counts);
                Point { series, period, value, lower, upper }
            })
            .collect())
    }
}
