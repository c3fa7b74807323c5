//! Implicit-feedback ALS (Hu, Koren & Volinsky 2008): each user's factors minimise
//! Σ_i c_ui (p_ui − x_u·y_i)² + λ‖x_u‖² over all items, with p_ui = 1 for observed pairs (0 else)
//! and confidence c_ui = 1 + α·w_ui (w: the summed weight, 1 per interaction by default); items
//! likewise. The normal equations (YᵀY + Yᵤᵀ(Cᵤ − I)Yᵤ + λI) x = YᵤᵀCᵤ1 are solved per row, in
//! parallel (rayon), either by a few warm-started conjugate-gradient steps (Takács et al. 2011,
//! as the implicit library does) or exactly by a Cholesky factorisation (nalgebra). The shared
//! YᵀY is one gemm (nalgebra). Callers poll for cancellation between half-iterations.

use crate::core::distance::dot;
use crate::core::recommender::data::Csr;
use crate::core::rng::SplitMix;
use crate::error::{Error, Result};
use nalgebra::DMatrix;
use rayon::prelude::*;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Params {
    pub factors: usize,
    pub iterations: usize,
    pub regularization: f32,
    pub alpha: f32,
    /// Conjugate-gradient steps per row and half-iteration; 0 solves exactly (Cholesky).
    pub cg_steps: usize,
    pub seed: u64,
}

/// Row-major factors of `rows` entities.
pub struct Factors {
    pub users: Vec<f32>,
    pub items: Vec<f32>,
}

/// Fits user and item factors to `ui` (users × items, values = weights) and its transpose `iu`.
/// `after_half` runs on the calling thread after each half-iteration (2 per iteration) and may
/// stop the fit with an error.
pub fn fit(ui: &Csr, iu: &Csr, p: &Params, pool: &rayon::ThreadPool, after_half: &mut dyn FnMut() -> Result<()>) -> Result<Factors> {
    let f = p.factors;
    let mut rng = SplitMix(p.seed);
    // Small positive starting values, as implicit starts (uniform in [0, 0.01)).
    let mut init = |n: usize| (0..n * f).map(|_| rng.next_f32() * 0.01).collect::<Vec<f32>>();
    let mut users = init(ui.rows);
    let mut items = init(ui.cols);
    for _ in 0..p.iterations {
        pool.install(|| solve_rows(&mut users, &items, ui, p));
        after_half()?;
        pool.install(|| solve_rows(&mut items, &users, iu, p));
        after_half()?;
    }
    if users.iter().chain(&items).any(|x| !x.is_finite()) {
        return Err(Error::data("ALS diverged (factors are not finite)").with_hint("raise regularization or lower alpha"));
    }
    Ok(Factors { users, items })
}

/// YᵀY + λI of row-major `y` (n × f), as an f × f row-major (symmetric) matrix.
fn gram(y: &[f32], f: usize, lambda: f32) -> Vec<f32> {
    let n = y.len() / f;
    // Row-major n × f is column-major f × n: M Mᵀ = YᵀY.
    let m = DMatrix::<f32>::from_column_slice(f, n, y);
    let mut g = &m * m.transpose();
    for d in 0..f {
        g[(d, d)] += lambda;
    }
    g.as_slice().to_vec()
}

fn solve_rows(x: &mut [f32], y: &[f32], m: &Csr, p: &Params) {
    let f = p.factors;
    let g = gram(y, f, p.regularization);
    x.par_chunks_mut(f).enumerate().for_each(|(r, xr)| {
        let (cols, w) = m.row(r);
        if p.cg_steps == 0 {
            cholesky_row(xr, y, &g, cols, w, p);
        } else {
            cg_row(xr, y, &g, cols, w, p);
        }
    });
}

/// out = G v for the symmetric row-major G.
fn gemv(g: &[f32], v: &[f32], out: &mut [f32]) {
    let f = v.len();
    for (o, row) in out.iter_mut().zip(g.chunks_exact(f)) {
        *o = dot(row, v);
    }
}

fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

fn cg_row(x: &mut [f32], y: &[f32], g: &[f32], cols: &[u32], w: &[f32], p: &Params) {
    let f = x.len();
    let item = |i: u32| &y[i as usize * f..(i as usize + 1) * f];
    // r = b − A x = −G x + Σ (c − (c − 1) yᵢ·x) yᵢ
    let mut r = vec![0f32; f];
    gemv(g, x, &mut r);
    r.iter_mut().for_each(|v| *v = -*v);
    for (&i, &wi) in cols.iter().zip(w) {
        let c = 1.0 + p.alpha * wi;
        let yi = item(i);
        axpy(c - (c - 1.0) * dot(yi, x), yi, &mut r);
    }
    let mut dir = r.clone();
    let mut rs_old = dot(&r, &r);
    let mut ap = vec![0f32; f];
    for _ in 0..p.cg_steps {
        if rs_old < 1e-20 {
            break;
        }
        gemv(g, &dir, &mut ap);
        for (&i, &wi) in cols.iter().zip(w) {
            let yi = item(i);
            axpy(p.alpha * wi * dot(yi, &dir), yi, &mut ap);
        }
        let step = rs_old / dot(&dir, &ap);
        if !step.is_finite() {
            break;
        }
        axpy(step, &dir, x);
        axpy(-step, &ap, &mut r);
        let rs_new = dot(&r, &r);
        let beta = rs_new / rs_old;
        for (d, ri) in dir.iter_mut().zip(&r) {
            *d = ri + beta * *d;
        }
        rs_old = rs_new;
    }
}

fn cholesky_row(x: &mut [f32], y: &[f32], g: &[f32], cols: &[u32], w: &[f32], p: &Params) {
    let f = x.len();
    let mut a = DMatrix::<f32>::from_row_slice(f, f, g);
    let mut b = nalgebra::DVector::<f32>::zeros(f);
    for (&i, &wi) in cols.iter().zip(w) {
        let yi = nalgebra::DVectorView::<f32>::from_slice(&y[i as usize * f..(i as usize + 1) * f], f);
        let c = 1.0 + p.alpha * wi;
        a.ger(c - 1.0, &yi, &yi, 1.0);
        b.axpy(c, &yi, 1.0);
    }
    // λ > 0 makes A positive definite; should rounding still defeat it, the row keeps its value.
    if let Some(ch) = a.cholesky() {
        x.copy_from_slice(ch.solve(&b).as_slice());
    }
}
