//! Gradient-boosted trees from the `perpetual` crate (Apache-2.0, pure Rust): it needs no
//! learning-rate or depth search (one `budget` knob), routes missing values natively, and has
//! exact tree-SHAP contributions for explanations. We only convert layouts here.

use crate::error::{Error, Result};
use perpetual::objective::Objective;
use perpetual::{ContributionsMethod, Matrix, PerpetualBooster};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Params {
    /// perpetual's single knob: more budget, more trees and a closer fit. Its own default is 0.5;
    /// 1.0 was better on both real churn sets here (docs/churn.md).
    pub budget: f32,
    pub seed: u64,
    /// Threads for training (1 keeps one query to one core, as a database should by default).
    pub threads: usize,
}

/// Slots that hold category codes (native categorical splits).
pub type CategorySlots = Vec<usize>;

impl Default for Params {
    fn default() -> Self {
        Params { budget: 1.0, seed: 42, threads: 1 }
    }
}

/// Row-major rows × width to perpetual's column-major layout.
pub(crate) fn columns(x: &[f64], width: usize) -> Vec<f64> {
    let rows = x.len() / width.max(1);
    let mut out = vec![0.0; x.len()];
    for i in 0..rows {
        for j in 0..width {
            out[j * rows + i] = x[i * width + j];
        }
    }
    out
}

pub fn fit(x: &[f64], width: usize, y: &[bool], categories: &[usize], params: Params) -> Result<PerpetualBooster> {
    let rows = y.len();
    let data = columns(x, width);
    let matrix = Matrix::new(&data, rows, width);
    let target: Vec<f64> = y.iter().map(|&t| if t { 1.0 } else { 0.0 }).collect();
    let mut booster = PerpetualBooster::default()
        .set_objective(Objective::LogLoss)
        .set_budget(params.budget)
        .set_seed(params.seed)
        .set_num_threads(Some(params.threads.max(1)))
        .set_categorical_features((!categories.is_empty()).then(|| categories.iter().copied().collect()));
    booster.fit(&matrix, &target, None, None).map_err(|e| Error::internal(format!("gradient boosting failed: {e}")))?;
    Ok(booster)
}

/// [`fit`] in a child process (src/core/isolate.rs), calling `poll` every 50 ms until it is
/// done: a cancel from `poll` kills the child, its threads and memory at once, and the child
/// may use at most `max_bytes` beyond what the caller holds.
pub fn fit_isolated(x: &[f64], width: usize, y: &[bool], categories: &[usize], params: Params, max_bytes: usize, poll: &mut dyn FnMut()) -> Result<PerpetualBooster> {
    crate::core::isolate::run(max_bytes, params.threads, || fit(x, width, y, categories, params), poll)
}

/// Log-odds of each row.
pub fn log_odds(booster: &PerpetualBooster, x: &[f64], width: usize) -> Vec<f64> {
    let rows = x.len() / width.max(1);
    let data = columns(x, width);
    booster.predict(&Matrix::new(&data, rows, width), false)
}

/// Exact tree-SHAP contributions of one row: one per slot, then the base value; they sum to
/// the row's log-odds. (perpetual 3's blended linear head, left out of its tree-SHAP, is fitted
/// for SquaredLoss only, never for the LogLoss models here.)
pub fn contributions(booster: &PerpetualBooster, row: &[f64]) -> Vec<f64> {
    booster.predict_contributions(&Matrix::new(row, 1, row.len()), ContributionsMethod::Shapley, false)
}
