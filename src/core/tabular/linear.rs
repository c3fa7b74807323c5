//! Linear models on standardised inputs, missing values imputed by the training median:
//! L2-regularised logistic regression as scikit-learn's `LogisticRegression()` defines it
//! (C = 1: loss = Σ wᵢ log-lossᵢ + ||w||² / 2C, intercept not penalised), fitted by Newton's
//! method, and ridge regression (`Ridge(alpha)` on standardised inputs), solved in closed form.
//! Small problems (tens to hundreds of encoded slots) converge in under ten Newton steps; the
//! solves are nalgebra's Cholesky.

use crate::error::{Error, Result};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Linear {
    /// Per slot: value used for NaN, then mean and scale of the standardisation.
    pub impute: Vec<f64>,
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
    /// Weights on standardised slots, and the intercept.
    pub weights: Vec<f64>,
    pub intercept: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Params {
    /// Inverse regularisation strength, scikit-learn's C.
    pub c: f64,
    pub max_iter: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params { c: 1.0, max_iter: 100 }
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl Linear {
    /// Fits a logistic regression on `x` (rows × `width`, row-major, NaN = missing) and labels
    /// `y`, each row weighing `weights[i]` (1 when None). `tick` runs between Newton steps
    /// (cancellation).
    pub fn fit(x: &[f64], width: usize, y: &[bool], weights: Option<&[f64]>, params: Params, tick: &mut dyn FnMut()) -> Result<Linear> {
        let n = y.len();
        let (z, impute, mean, scale) = standardised(x, width, n);
        let d = width + 1;
        let target = DVector::from_iterator(n, y.iter().map(|&t| if t { 1.0 } else { 0.0 }));
        let sample = |i: usize| weights.map_or(1.0, |w| w[i]);
        let lambda = 1.0 / params.c.max(1e-12);
        let mut beta = DVector::<f64>::zeros(d);
        for _ in 0..params.max_iter {
            tick();
            let p = (&z * &beta).map(sigmoid);
            let residual = DVector::from_fn(n, |i, _| sample(i) * (p[i] - target[i]));
            let mut grad = z.transpose() * residual;
            let w = DVector::from_fn(n, |i, _| sample(i) * (p[i] * (1.0 - p[i])).max(1e-12));
            let mut hess = z.transpose() * DMatrix::from_fn(n, d, |i, j| z[(i, j)] * w[i]);
            for j in 0..width {
                grad[j] += lambda * beta[j];
                hess[(j, j)] += lambda;
            }
            let step = hess.cholesky().ok_or_else(|| Error::internal("logistic regression: the Hessian is not positive definite"))?.solve(&grad);
            beta -= &step;
            if step.amax() < 1e-10 {
                break;
            }
        }
        Ok(Linear { impute, mean, scale, weights: beta.as_slice()[..width].to_vec(), intercept: beta[width] })
    }

    /// Ridge regression of `y` on `x`: minimises Σ wᵢ (yᵢ - ŷᵢ)² + alpha ||w||² on standardised
    /// inputs (intercept not penalised).
    pub fn fit_ridge(x: &[f64], width: usize, y: &[f64], weights: Option<&[f64]>, alpha: f64, tick: &mut dyn FnMut()) -> Result<Linear> {
        let n = y.len();
        tick();
        let (z, impute, mean, scale) = standardised(x, width, n);
        let d = width + 1;
        let sample = |i: usize| weights.map_or(1.0, |w| w[i]);
        let weighted = DMatrix::from_fn(n, d, |i, j| z[(i, j)] * sample(i));
        let mut gram = weighted.transpose() * &z;
        for j in 0..width {
            gram[(j, j)] += alpha.max(1e-9);
        }
        tick();
        let rhs = weighted.transpose() * DVector::from_column_slice(y);
        let beta = gram.cholesky().ok_or_else(|| Error::internal("ridge regression: the Gram matrix is not positive definite"))?.solve(&rhs);
        Ok(Linear { impute, mean, scale, weights: beta.as_slice()[..width].to_vec(), intercept: beta[width] })
    }
}

/// The design matrix (standardised slots, then a column of ones) and its imputation, means and
/// scales.
#[allow(clippy::type_complexity)]
fn standardised(x: &[f64], width: usize, n: usize) -> (DMatrix<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let col = |j: usize| (0..n).map(move |i| x[i * width + j]);
    let impute: Vec<f64> = (0..width).map(|j| median(col(j).filter(|v| !v.is_nan()).collect())).collect();
    let filled = |i: usize, j: usize| {
        let v = x[i * width + j];
        if v.is_nan() {
            impute[j]
        } else {
            v
        }
    };
    let mean: Vec<f64> = (0..width).map(|j| (0..n).map(|i| filled(i, j)).sum::<f64>() / n as f64).collect();
    let scale: Vec<f64> = (0..width)
        .map(|j| {
            let var = (0..n).map(|i| (filled(i, j) - mean[j]).powi(2)).sum::<f64>() / n as f64;
            if var > 1e-24 {
                var.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    let z = DMatrix::from_fn(n, width + 1, |i, j| if j == width { 1.0 } else { (filled(i, j) - mean[j]) / scale[j] });
    (z, impute, mean, scale)
}

impl Linear {
    /// Per slot, the contribution to the log-odds of one encoded row; with the intercept
    /// they sum to [`Logistic::log_odds`].
    pub fn contributions(&self, row: &[f64]) -> Vec<f64> {
        row.iter()
            .enumerate()
            .map(|(j, &v)| {
                let v = if v.is_nan() { self.impute[j] } else { v };
                self.weights[j] * (v - self.mean[j]) / self.scale[j]
            })
            .collect()
    }

    pub fn log_odds(&self, row: &[f64]) -> f64 {
        self.intercept + self.contributions(row).iter().sum::<f64>()
    }

    pub fn probability(&self, row: &[f64]) -> f64 {
        sigmoid(self.log_odds(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scikit_learn_on_a_small_problem() {
        // x = [[0],[1],[2],[3],[4],[5]], y = [0,0,1,0,1,1]; sklearn LogisticRegression() on the
        // standardised column gives coef 0.86927, intercept 0 (symmetric data).
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [false, false, true, false, true, true];
        let m = Linear::fit(&x, 1, &y, None, Params::default(), &mut || {}).unwrap();
        assert!((m.weights[0] - 0.869_267_5).abs() < 1e-5, "{:?}", m.weights);
        assert!(m.intercept.abs() < 1e-9, "{}", m.intercept);
        let row = [4.0];
        let sum: f64 = m.intercept + m.contributions(&row).iter().sum::<f64>();
        assert!((sum - m.log_odds(&row)).abs() < 1e-12);
        assert!(m.probability(&[5.0]) > 0.5 && m.probability(&[0.0]) < 0.5);
    }

    #[test]
    fn missing_values_take_the_training_median() {
        let x = [1.0, f64::NAN, 3.0, 10.0];
        let m = Linear::fit(&x, 1, &[false, true, false, true], None, Params::default(), &mut || {}).unwrap();
        assert_eq!(m.impute, vec![3.0]);
        assert_eq!(m.contributions(&[f64::NAN]), m.contributions(&[3.0]));
    }

    #[test]
    fn ridge_matches_scikit_learn() {
        // Ridge(alpha=1) on z = x standardised from [0, 1, 2, 3] (scale s = 1.118, Σz² = 4),
        // y = 2x + 1: coef = Σzy / (Σz² + 1) = (10 / s) / 5 = 1.7889, intercept = mean(y) = 4.
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [1.0, 3.0, 5.0, 7.0];
        let m = Linear::fit_ridge(&x, 1, &y, None, 1.0, &mut || {}).unwrap();
        let scale = 1.25f64.sqrt();
        assert!((m.weights[0] - 10.0 / scale / 5.0).abs() < 1e-9, "{:?}", m.weights);
        assert!((m.intercept - 4.0).abs() < 1e-9);
        let w = [1.0, 1.0, 1.0, 1.0];
        let same = Linear::fit_ridge(&x, 1, &y, Some(&w), 1.0, &mut || {}).unwrap();
        assert!((same.weights[0] - m.weights[0]).abs() < 1e-12);
    }
}
