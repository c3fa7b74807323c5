//! Element-wise parts of the CPU encoder (src/models/cpu_bert.rs): exact-erf GELU, softmax and
//! LayerNorm. exp and erf are polynomial approximations written so that LLVM vectorises them
//! (no libm calls, rounding by the 1.5·2²³ trick): errf has Abramowitz & Stegun 7.1.26's
//! 1.5e-7 absolute error, exp a relative error below 2e-7 on the range used. Each runs under
//! AVX-512 or AVX2 when the CPU has them (dispatched once), else on the x86-64 baseline.

use rayon::prelude::*;

const LOG2E: f32 = std::f32::consts::LOG2_E;
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;
/// Adding then subtracting 1.5·2²³ rounds an f32 of magnitude < 2²² to the nearest integer.
const ROUNDER: f32 = 12_582_912.0;

/// e^x for x in [-87, 88] (inputs are clamped there).
#[inline(always)]
pub fn exp_approx(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let t = x * LOG2E + ROUNDER;
    let n = t - ROUNDER;
    // n as an integer, from t's low mantissa bits: an integer subtraction that vectorises
    // (`n as i32` saturates, which LLVM does lane by lane).
    let i = t.to_bits().wrapping_sub(ROUNDER.to_bits());
    let r = x - n * LN2_HI - n * LN2_LO;
    // e^r on |r| <= ln2/2: Taylor to degree 6 (error < 2e-7 relative).
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    p * f32::from_bits(i.wrapping_add(127) << 23)
}

/// erf(x), Abramowitz & Stegun 7.1.26.
#[inline(always)]
pub fn erf_approx(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t * (0.254_829_6 + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152 + t * 1.061_405_4))));
    let y = 1.0 - poly * exp_approx(-a * a);
    y.copysign(x)
}

#[inline(always)]
fn gelu_body(x: &mut [f32]) {
    for v in x.iter_mut() {
        *v = 0.5 * *v * (1.0 + erf_approx(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// Sum and max over 16 lanes, so that LLVM vectorises them (a serial float reduction it may
/// not reorder).
#[inline(always)]
fn lanes<const N: usize>(x: &[f32], init: f32, f: impl Fn(f32, f32) -> f32) -> f32 {
    let mut acc = [init; N];
    let mut chunks = x.chunks_exact(N);
    for c in &mut chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a = f(*a, *v);
        }
    }
    let mut r = chunks.remainder().iter().fold(init, |a, &v| f(a, v));
    for a in acc {
        r = f(r, a);
    }
    r
}

#[inline(always)]
fn softmax_body(x: &mut [f32]) {
    let max = lanes::<16>(x, f32::NEG_INFINITY, f32::max);
    for v in x.iter_mut() {
        *v = exp_approx(*v - max);
    }
    let inv = 1.0 / lanes::<16>(x, 0.0, |a, b| a + b);
    x.iter_mut().for_each(|v| *v *= inv);
}

macro_rules! dispatch {
    ($name:ident, $body:ident) => {
        pub fn $name(x: &mut [f32]) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f")]
                unsafe fn wide(x: &mut [f32]) {
                    $body(x)
                }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn mid(x: &mut [f32]) {
                    $body(x)
                }
                if std::is_x86_feature_detected!("avx512f") {
                    // SAFETY: the CPU has AVX-512F.
                    return unsafe { wide(x) };
                }
                if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                    // SAFETY: the CPU has AVX2 and FMA.
                    return unsafe { mid(x) };
                }
            }
            $body(x)
        }
    };
}


dispatch!(gelu_chunk, gelu_body);
dispatch!(softmax_in_place, softmax_body);

/// GELU with the exact (erf) form, as BERT and sentence-transformers use it, in parallel.
pub fn gelu_erf_in_place(x: &mut [f32]) {
    x.par_chunks_mut(16 * 1024).for_each(gelu_chunk);
}

/// LayerNorm of each row of `x` (rows of `gain.len()` values), in parallel over rows.
pub fn layer_norm_rows(x: &mut [f32], gain: &[f32], bias: &[f32], eps: f32) {
    let h = gain.len();
    x.par_chunks_mut(h * 16).for_each(|rows| {
        for row in rows.chunks_exact_mut(h) {
            let mean = row.iter().sum::<f32>() / h as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / h as f32;
            let inv = 1.0 / (var + eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(gain).zip(bias) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approximations_match_the_exact_functions() {
        let mut worst_exp = 0f64;
        let mut worst_erf = 0f64;
        for i in -20_000..=20_000 {
            let x = i as f32 / 1000.0;
            let e = (x as f64).exp();
            worst_exp = worst_exp.max(((exp_approx(x) as f64) - e).abs() / e);
            worst_erf = worst_erf.max((erf_approx(x) as f64 - libm::erf(x as f64)).abs());
        }
        assert!(worst_exp < 5e-7, "exp relative error {worst_exp}");
        assert!(worst_erf < 5e-7, "erf absolute error {worst_erf}");
        assert_eq!(exp_approx(-1000.0), exp_approx(-87.0));
        let mut v: Vec<f32> = (0..100).map(|i| (i as f32 - 50.0) / 7.0).collect();
        let exact: Vec<f64> = v.iter().map(|&x| 0.5 * x as f64 * (1.0 + libm::erf(x as f64 / 2f64.sqrt()))).collect();
        gelu_erf_in_place(&mut v);
        assert!(v.iter().zip(&exact).all(|(a, b)| (*a as f64 - b).abs() < 1e-6));
        let mut s = vec![1.0f32, 2.0, 3.0, -1e30];
        softmax_in_place(&mut s);
        assert!((s.iter().sum::<f32>() - 1.0).abs() < 1e-6 && s[3] < 1e-30 && s[2] > s[1]);
    }
}
