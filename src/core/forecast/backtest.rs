//! How good forecasts were: MAPE, WAPE, MASE and interval coverage over forecast cells, and the
//! rolling-origin evaluation (train on the history up to an origin, forecast the periods after
//! the gap, compare with what happened; move the origin on) that TSPerf's retail benchmark uses.

use super::{Model, Series};
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// Sums over forecast cells; [`Metrics::summary`] turns them into the reported numbers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub cells: usize,
    /// Cells with an actual above 0 (MAPE's denominator).
    pub positive: usize,
    pub ape: f64,
    pub abs_error: f64,
    pub actual: f64,
    /// Cells with a finite MASE scale, and the sum of their scaled errors.
    pub scaled_cells: usize,
    pub scaled_error: f64,
    pub covered: usize,
}

/// The reported numbers (NaN where no cell counts).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub cells: usize,
    /// Mean of |forecast - actual| / actual over cells whose actual is above 0.
    pub mape: f64,
    /// Sum of |forecast - actual| over the sum of actuals.
    pub wape: f64,
    /// Mean of |forecast - actual| / (the series' mean one-period change in its history).
    pub mase: f64,
    /// Share of actuals within [lower, upper].
    pub coverage: f64,
}

impl Metrics {
    pub fn add(&mut self, actual: f64, forecast: f64, lower: f64, upper: f64, scale: f64) {
        let e = (forecast - actual).abs();
        self.cells += 1;
        if actual > 0.0 {
            self.positive += 1;
            self.ape += e / actual;
        }
        self.abs_error += e;
        self.actual += actual;
        if scale > 0.0 && scale.is_finite() {
            self.scaled_cells += 1;
            self.scaled_error += e / scale;
        }
        self.covered += (lower <= actual && actual <= upper) as usize;
    }

    pub fn merge(&mut self, o: &Metrics) {
        self.cells += o.cells;
        self.positive += o.positive;
        self.ape += o.ape;
        self.abs_error += o.abs_error;
        self.actual += o.actual;
        self.scaled_cells += o.scaled_cells;
        self.scaled_error += o.scaled_error;
        self.covered += o.covered;
    }

    pub fn summary(&self) -> Summary {
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        Summary {
            cells: self.cells,
            mape: ratio(self.ape, self.positive as f64),
            wape: ratio(self.abs_error, self.actual),
            mase: ratio(self.scaled_error, self.scaled_cells as f64),
            coverage: ratio(self.covered as f64, self.cells as f64),
        }
    }
}

/// The MASE scale of a series up to period `end`: its mean absolute change from one period to
/// the next, over pairs of consecutive periods that both have a value.
pub fn scale(s: &Series, end: i64) -> f64 {
    let n = ((end - s.start + 1).max(0) as usize).min(s.y.len());
    let (mut sum, mut count) = (0.0, 0usize);
    for w in s.y[..n].windows(2) {
        if !w[0].is_nan() && !w[1].is_nan() {
            sum += (w[1] - w[0]).abs();
            count += 1;
        }
    }
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// `s` without its values after `origin` (its known covariates stay: they are planned).
pub fn cut(s: &Series, origin: i64) -> Series {
    let mut c = s.clone();
    let keep = ((origin - s.start + 1).max(0) as usize).min(c.y.len());
    c.y.truncate(keep);
    c
}

/// One origin's evaluation.
#[derive(Clone, Debug)]
pub struct Round {
    pub origin: i64,
    pub metrics: Metrics,
    pub seconds: f64,
}

/// Trains with `train` on every series cut at each origin, forecasts from that origin and
/// scores the forecasts against `series`. `train` is the caller's (it may run in a child
/// process); `done` is told each round as it ends. `max_bytes` bounds each round's forecast.
pub fn rolling_origin(
    series: &[Series],
    origins: &[i64],
    max_bytes: usize,
    train: &mut dyn FnMut(&[Series], i64) -> Result<Model>,
    done: &mut dyn FnMut(&Round),
) -> Result<Vec<Round>> {
    let mut rounds = Vec::with_capacity(origins.len());
    for &origin in origins {
        let start = std::time::Instant::now();
        let history: Vec<Series> = series.iter().map(|s| cut(s, origin)).collect();
        let model = train(&history, origin)?;
        model.check_forecast_size(series.len(), max_bytes)?;
        // The planned inputs of the forecast periods are the table's own (cut keeps them).
        let points = model.forecast(&model.anchored(&history, origin))?;
        let mut metrics = Metrics::default();
        for p in &points {
            let s = &series[p.series];
            let i = p.period - s.start;
            let Some(&actual) = (i >= 0).then(|| s.y.get(i as usize)).flatten() else { continue };
            if actual.is_nan() {
                continue;
            }
            metrics.add(actual, p.value, p.lower, p.upper, scale(s, origin));
        }
        let round = Round { origin, metrics, seconds: start.elapsed().as_secs_f64() };
        done(&round);
        rounds.push(round);
    }
    Ok(rounds)
}
