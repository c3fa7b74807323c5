//! The rows a forecaster learns from and predicts with: one per (series, origin, step), every
//! value in log space relative to the series' recent level, so that one model serves series of
//! any size (a store selling 50 units a week and one selling 5,000).

use super::{Options, Series};

/// Values before the origin that set a series' level (mean of log1p over the available ones).
const LEVEL_WINDOW: usize = 13;
/// Weeks (periods) of a covariate's history its future value is compared with.
const COVARIATE_WINDOW: usize = 13;
/// The most periods before an origin the level and the covariate comparison read.
pub const LOOKBACK: usize = if LEVEL_WINDOW > COVARIATE_WINDOW { LEVEL_WINDOW } else { COVARIATE_WINDOW };

/// What each column of a row holds, for explanations and for the categorical slots.
pub fn names(o: &Options, key_columns: usize, covariates: &[String]) -> Vec<String> {
    let mut n = vec!["step".to_string(), "level".to_string()];
    n.extend((0..key_columns).map(|i| format!("series_{i}")));
    n.extend((0..o.lags).map(|k| format!("lag_{}", k + 1 + o.gap)));
    n.extend(o.windows.iter().map(|w| format!("mean_{w}")));
    if o.season > 0 {
        n.push("season_position".into());
        n.push("seasonal_lag".into());
    }
    for c in covariates {
        n.push(c.clone());
        n.push(format!("{c}_vs_recent"));
    }
    n
}

/// Slots of the series-key codes (categorical splits).
pub fn key_slots(key_columns: usize) -> Vec<usize> {
    (2..2 + key_columns).collect()
}

fn log_at(s: &Series, t: i64) -> f64 {
    let i = t - s.start;
    if i < 0 || i as usize >= s.y.len() {
        return f64::NAN;
    }
    let v = s.y[i as usize];
    if v.is_nan() {
        f64::NAN
    } else {
        v.max(0.0).ln_1p()
    }
}

fn covariate_at(s: &Series, c: usize, t: i64) -> f64 {
    let i = t - s.start;
    if i < 0 {
        return f64::NAN;
    }
    s.x[c].get(i as usize).copied().unwrap_or(f64::NAN)
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for v in values.filter(|v| !v.is_nan()) {
        sum += v;
        n += 1;
    }
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

/// The series' level at origin `t` (log space), or None with too little history.
pub fn level(s: &Series, t: i64) -> Option<f64> {
    let lo = (t - LEVEL_WINDOW as i64 + 1).max(s.start);
    let l = mean((lo..=t).map(|u| log_at(s, u)));
    (!l.is_nan()).then_some(l)
}

/// Appends the row for series `s` (key codes `codes`) at origin `t`, step `h` (1-based), target
/// period `t + gap + h`. Returns the level it is relative to, or None (nothing appended).
pub fn row(o: &Options, s: &Series, codes: &[f64], t: i64, h: usize, out: &mut Vec<f64>) -> Option<f64> {
    let level = level(s, t)?;
    let target = t + (o.gap + h) as i64;
    out.push(h as f64);
    out.push(level);
    out.extend_from_slice(codes);
    // Lags count back from the origin: the newest value a forecast of step h may use.
    out.extend((0..o.lags as i64).map(|k| log_at(s, t - k) - level));
    for &w in &o.windows {
        out.push(mean((t - w as i64 + 1..=t).map(|u| log_at(s, u))) - level);
    }
    if o.season > 0 {
        out.push(target.rem_euclid(o.season as i64) as f64);
        let back = target - o.season as i64;
        out.push(if back <= t { log_at(s, back) - level } else { f64::NAN });
    }
    for c in 0..s.x.len() {
        let future = covariate_at(s, c, target);
        out.push(future);
        let recent = mean((t - COVARIATE_WINDOW as i64 + 1..=t).map(|u| covariate_at(s, c, u)));
        out.push(future - recent);
    }
    Some(level)
}

/// Lags a row's volatility is measured over.
const VOLATILITY_LAGS: usize = 8;

/// How much a series moved before the origin of `row` (built by [`row`]): the mean absolute
/// change between consecutive lags in log space (0 without two consecutive lags).
pub fn volatility(o: &Options, key_columns: usize, row: &[f64]) -> f64 {
    let start = 2 + key_columns;
    let lags = &row[start..start + o.lags.min(VOLATILITY_LAGS)];
    // NaN (no two consecutive lags) becomes 0 through f64::max.
    mean(lags.windows(2).map(|w| (w[0] - w[1]).abs())).max(0.0).min(10.0)
}

/// The learning target of a row: the value at the target period relative to the level.
pub fn target(s: &Series, period: i64, level: f64) -> f64 {
    log_at(s, period) - level
}

/// From a row's prediction back to units.
pub fn units(level: f64, relative: f64) -> f64 {
    (level + relative).exp_m1().max(0.0)
}
