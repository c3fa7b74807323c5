//! Gradient-boosted trees from the `perpetual` crate (Apache-2.0, pure Rust): it needs no
//! learning-rate or depth search (one `budget` knob), routes missing values natively, and has
//! exact tree-SHAP contributions for explanations. One booster per head: log loss for a class
//! (one-vs-rest), squared error for a number. We only convert layouts and settings here; the
//! forecaster (src/core/forecast) fits through the same [`fit`].

use super::flat::Flat;
use crate::error::{Error, Result};
use perpetual::objective::Objective;
use perpetual::{ContributionsMethod, Matrix, PerpetualBooster};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Params {
    /// perpetual's single knob: more budget, more trees and a closer fit. Its own default is 0.5;
    /// 1.0 was better on both real churn sets here (docs/churn.md).
    pub budget: f32,
    pub seed: u64,
    /// Threads for training (1 keeps one query to one core, as a database should by default).
    pub threads: usize,
    /// At most this many trees (None: perpetual's own stopping rule alone).
    pub max_trees: Option<usize>,
    /// perpetual's memory limit in GB, which sizes its histogram arena; None lets it size the
    /// arena from the machine's free memory (the churn preset, whose models predate the limit).
    pub memory_gb: Option<f32>,
}

impl Default for Params {
    fn default() -> Self {
        Params { budget: 1.0, seed: 42, threads: 1, max_trees: None, memory_gb: None }
    }
}

/// What one head learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// Targets 0/1; predictions are log-odds.
    LogLoss,
    SquaredError,
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

/// One booster on rows `x` (row-major, `width` slots) for `target`, rows weighing `weights`;
/// `categories` are slots holding category codes (native categorical splits).
pub fn fit(x: &[f64], width: usize, target: &[f64], weights: Option<&[f64]>, loss: Loss, categories: &[usize], params: Params) -> Result<PerpetualBooster> {
    fit_columns(&columns(x, width), target.len(), width, target, weights, loss, categories, params)
}

/// [`fit`] on data already column-major (several heads share one transposition).
#[allow(clippy::too_many_arguments)]
pub fn fit_columns(
    data: &[f64],
    rows: usize,
    width: usize,
    target: &[f64],
    weights: Option<&[f64]>,
    loss: Loss,
    categories: &[usize],
    params: Params,
) -> Result<PerpetualBooster> {
    let matrix = Matrix::new(data, rows, width);
    let objective = match loss {
        Loss::LogLoss => Objective::LogLoss,
        Loss::SquaredError => Objective::SquaredLoss,
    };
    let mut booster = PerpetualBooster::default()
        .set_objective(objective)
        .set_budget(params.budget)
        .set_seed(params.seed)
        .set_num_threads(Some(params.threads.max(1)))
        .set_iteration_limit(params.max_trees)
        .set_memory_limit(params.memory_gb)
        .set_categorical_features((!categories.is_empty()).then(|| categories.iter().copied().collect()));
    booster.fit(&matrix, target, weights, None).map_err(|e| Error::internal(format!("gradient boosting failed: {e}")))?;
    Ok(booster)
}

/// Raw predictions (log-odds or values) of each row, by perpetual itself.
pub fn predict(booster: &PerpetualBooster, x: &[f64], width: usize) -> Vec<f64> {
    let rows = x.len() / width.max(1);
    let data = columns(x, width);
    booster.predict(&Matrix::new(&data, rows, width), false)
}

/// A fitted booster as models store it (the payload is perpetual's own JSON), with its trees
/// laid out for fast scoring on first use (super::flat; models are cached between calls).
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Trees {
    pub booster: PerpetualBooster,
    #[serde(skip)]
    flat: OnceLock<Option<Flat>>,
}

impl Trees {
    pub fn new(booster: PerpetualBooster) -> Trees {
        Trees { booster, flat: OnceLock::new() }
    }

    /// Raw predictions of each row: the same bits as [`predict`], faster.
    pub fn predict(&self, x: &[f64], width: usize) -> Vec<f64> {
        match self.flat.get_or_init(|| Flat::of(&self.booster)).as_ref().and_then(|f| f.predict(x, width)) {
            Some(p) => p,
            None => predict(&self.booster, x, width),
        }
    }
}

/// Exact contributions of one row: one per slot, then the base value; they sum to the row's raw
/// prediction (checked in the tests, for both losses). Tree-SHAP for the trees, plus perpetual's
/// own linear correction when it fitted one (for squared error on 256 to 2,048 rows of 2 to 12
/// slots it blends a ridge fit of the residuals, which its tree-SHAP leaves out): each slot's
/// term of it, and its intercept in the base.
pub fn contributions(booster: &PerpetualBooster, row: &[f64]) -> Vec<f64> {
    let mut c = booster.predict_contributions(&Matrix::new(row, 1, row.len()), ContributionsMethod::Shapley, false);
    if let Some(head) = &booster.regression_head {
        for (j, &v) in row.iter().enumerate() {
            if v.is_finite() && j < head.coefficients.len() {
                c[j] += head.blend_weight * head.coefficients[j] * (v - head.feature_means[j]) / head.feature_scales[j];
            }
        }
        if let Some(base) = c.last_mut() {
            *base += head.blend_weight * head.intercept;
        }
    }
    c
}
