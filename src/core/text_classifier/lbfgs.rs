//! Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking Armijo line search:
//! the solver of the text classifier's multinomial logistic regression, whose hashed n-gram
//! weights are too many for Newton. Small and dependency-free; the objective supplies loss and
//! gradient.

pub struct Params {
    pub history: usize,
    pub max_iterations: usize,
    /// Stop when the gradient's largest element falls below this.
    pub tolerance: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params { history: 10, max_iterations: 300, tolerance: 1e-5 }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Minimises `f` from `x`; `f(x, grad)` returns the loss and writes the gradient. `tick` runs
/// once per iteration (cancellation, progress) with the iteration number; an Err stops the run.
pub fn minimize(
    x: &mut [f64],
    f: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
    p: &Params,
    tick: &mut dyn FnMut(usize, usize) -> Result<(), String>,
) -> Result<usize, String> {
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut loss = f(x, &mut g);
    let (mut s_hist, mut y_hist, mut rho): (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<f64>) = (Vec::new(), Vec::new(), Vec::new());
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    for it in 0..p.max_iterations {
        tick(it, p.max_iterations)?;
        if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) < p.tolerance {
            return Ok(it);
        }
        // Two-loop recursion: d = -H g.
        let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
        let mut alpha = vec![0.0; s_hist.len()];
        for i in (0..s_hist.len()).rev() {
            alpha[i] = rho[i] * dot(&s_hist[i], &d);
            d.iter_mut().zip(&y_hist[i]).for_each(|(d, y)| *d -= alpha[i] * y);
        }
        if let (Some(s), Some(y)) = (s_hist.last(), y_hist.last()) {
            let gamma = dot(s, y) / dot(y, y).max(1e-300);
            d.iter_mut().for_each(|d| *d *= gamma);
        }
        for i in 0..s_hist.len() {
            let beta = rho[i] * dot(&y_hist[i], &d);
            d.iter_mut().zip(&s_hist[i]).for_each(|(d, s)| *d += (alpha[i] - beta) * s);
        }
        let mut slope = dot(&g, &d);
        if slope >= 0.0 {
            // Not a descent direction (curvature lost): restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            rho.clear();
            d = g.iter().map(|v| -v).collect();
            slope = dot(&g, &d);
        }
        let mut step = if s_hist.is_empty() { 1.0 / g.iter().map(|v| v * v).sum::<f64>().sqrt().max(1.0) } else { 1.0 };
        let mut accepted = false;
        for _ in 0..40 {
            x_new.iter_mut().zip(x.iter()).zip(&d).for_each(|((xn, x), d)| *xn = x + step * d);
            let l = f(&x_new, &mut g_new);
            if l.is_finite() && l <= loss + 1e-4 * step * slope {
                accepted = true;
                let s: Vec<f64> = x_new.iter().zip(x.iter()).map(|(a, b)| a - b).collect();
                let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
                let sy = dot(&s, &y);
                if sy > 1e-12 {
                    if s_hist.len() == p.history {
                        s_hist.remove(0);
                        y_hist.remove(0);
                        rho.remove(0);
                    }
                    s_hist.push(s);
                    y_hist.push(y);
                    rho.push(1.0 / sy);
                }
                x.copy_from_slice(&x_new);
                g.copy_from_slice(&g_new);
                let improvement = loss - l;
                loss = l;
                if improvement.abs() <= 1e-10 * loss.abs().max(1.0) {
                    return Ok(it + 1);
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            return Ok(it);
        }
    }
    Ok(p.max_iterations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_a_rosenbrock_valley() {
        let mut x = vec![-1.2, 1.0];
        let mut f = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        minimize(&mut x, &mut f, &Params { max_iterations: 500, ..Default::default() }, &mut |_, _| Ok(())).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-3 && (x[1] - 1.0).abs() < 1e-3, "{x:?}");
    }

    #[test]
    fn tick_errors_stop_it() {
        let mut x = vec![3.0];
        let mut f = |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * x[0];
            x[0] * x[0]
        };
        let e = minimize(&mut x, &mut f, &Params::default(), &mut |_, _| Err("cancelled".into()));
        assert_eq!(e.unwrap_err(), "cancelled");
    }
}
