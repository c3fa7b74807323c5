//! Float32 distance kernels for the `vector` type.
//!
//! `scalar` is the reference (plain loops). On x86_64 the AVX2+FMA and AVX-512F versions are
//! compiled with `#[target_feature]` (the crate itself is built for baseline x86_64, never
//! `-march=native`) and picked once at run time from what the CPU reports.
//!
//! Callers guarantee `a.len() == b.len()`; this is checked with `debug_assert!` only, and in
//! release builds every kernel works on the shorter length, so nothing reads out of bounds.

use std::sync::OnceLock;

pub mod scalar;
#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

// ---------------------------------------------------------------------------------------------
// Run-time dispatch
// ---------------------------------------------------------------------------------------------

type BinFn = unsafe fn(&[f32], &[f32]) -> f32;
type CosFn = unsafe fn(&[f32], &[f32]) -> (f32, f32, f32);
type NormFn = unsafe fn(&[f32]) -> f32;

/// One instruction set's kernels. The pointers are `unsafe fn` because target_feature
/// functions may only be called once the CPU is known to support them.
struct Kernels {
    name: &'static str,
    dot: BinFn,
    l2_squared: BinFn,
    l1: BinFn,
    cosine_parts: CosFn,
    norm_squared: NormFn,
}

static SCALAR: Kernels = Kernels {
    name: "scalar",
    dot: scalar::dot,
    l2_squared: scalar::l2_squared,
    l1: scalar::l1,
    cosine_parts: scalar::cosine_parts,
    norm_squared: scalar::norm_squared,
};

#[cfg(target_arch = "x86_64")]
static AVX2_FMA: Kernels = Kernels {
    name: "avx2+fma",
    dot: avx2::dot,
    l2_squared: avx2::l2_squared,
    l1: avx2::l1,
    cosine_parts: avx2::cosine_parts,
    norm_squared: avx2::norm_squared,
};

#[cfg(target_arch = "x86_64")]
static AVX512F: Kernels = Kernels {
    name: "avx512f",
    dot: avx512::dot,
    l2_squared: avx512::l2_squared,
    l1: avx512::l1,
    cosine_parts: avx512::cosine_parts,
    norm_squared: avx512::norm_squared,
};

/// Every kernel set the running CPU can execute, best first; `scalar` is always last.
fn supported() -> Vec<&'static Kernels> {
    #[allow(unused_mut)]
    let mut v: Vec<&'static Kernels> = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") {
            v.push(&AVX512F);
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            v.push(&AVX2_FMA);
        }
    }
    v.push(&SCALAR);
    v
}

static ACTIVE: OnceLock<&'static Kernels> = OnceLock::new();

/// Feature detection runs once; afterwards this is one atomic load.
#[inline]
fn active() -> &'static Kernels {
    ACTIVE.get_or_init(|| supported()[0])
}

/// Which kernel set the dispatching functions use: "avx512f", "avx2+fma" or "scalar".
pub fn kernel_name() -> &'static str {
    active().name
}

/// Asks for every cache line of `v` at once. A vector read from a Postgres page is cold and
/// its lines cross 4 KiB pages, where the hardware prefetcher stops; issuing all loads up front
/// lets them overlap instead of arriving one miss at a time.
#[inline(always)]
pub fn prefetch(v: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = v.as_ptr() as *const i8;
        let bytes = v.len() * 4;
        let mut off = 0;
        while off < bytes {
            // SAFETY: prefetch never faults, and `off` stays inside the slice.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.add(off)) };
            off += 64;
        }
    }
}

/// Inner product a·b.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    // SAFETY: `active()` only returns kernels whose CPU features were detected.
    prefetch(a);
    prefetch(b);
    unsafe { (active().dot)(a, b) }
}

/// Inner product of two vectors already in cache (no prefetch): the inner loop of a matrix
/// product whose operands stay in L1.
#[inline]
pub fn dot_cached(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    // SAFETY: see `dot`.
    unsafe { (active().dot)(a, b) }
}

/// Squared Euclidean distance Σ(a-b)².
#[inline]
pub fn l2_squared(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    // SAFETY: see `dot`.
    prefetch(a);
    prefetch(b);
    unsafe { (active().l2_squared)(a, b) }
}

/// Squared Euclidean distance of vectors whose loads the caller has prefetched.
#[inline]
pub fn l2_squared_cached(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    // SAFETY: see `dot`.
    unsafe { (active().l2_squared)(a, b) }
}

/// Manhattan distance of vectors whose loads the caller has prefetched.
#[inline]
pub fn l1_cached(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    // SAFETY: see `dot`.
    unsafe { (active().l1)(a, b) }
}

/// Manhattan distance Σ|a-b|.
#[inline]
pub fn l1(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    // SAFETY: see `dot`.
    prefetch(a);
    prefetch(b);
    unsafe { (active().l1)(a, b) }
}

/// (a·b, |a|², |b|²) in one pass, for cosine distance.
#[inline]
pub fn cosine_parts(a: &[f32], b: &[f32]) -> (f32, f32, f32) {
    debug_assert_eq!(a.len(), b.len());
    // SAFETY: see `dot`.
    prefetch(a);
    prefetch(b);
    unsafe { (active().cosine_parts)(a, b) }
}

/// |a|².
#[inline]
pub fn norm_squared(a: &[f32]) -> f32 {
    // SAFETY: see `dot`.
    unsafe { (active().norm_squared)(a) }
}

// ---------------------------------------------------------------------------------------------
// The distances as SQL returns them (float8): one definition for the operators, the index and
// the benches. The kernels accumulate in f32; the final formula runs in f64, as in pgvector.
// ---------------------------------------------------------------------------------------------

/// `<->`: Euclidean distance.
#[inline]
pub fn l2_distance(a: &[f32], b: &[f32]) -> f64 {
    (l2_squared(a, b) as f64).sqrt()
}

/// `inner_product(a, b)`.
#[inline]
pub fn inner_product(a: &[f32], b: &[f32]) -> f64 {
    dot(a, b) as f64
}

/// `<#>`: the negated inner product, so that smaller means closer as for the other operators.
#[inline]
pub fn negative_inner_product(a: &[f32], b: &[f32]) -> f64 {
    -(dot(a, b) as f64)
}

/// `<=>`: 1 - cos(a, b), clamped to [0, 2]; NaN when either vector is zero (no direction), as
/// in pgvector.
#[inline]
pub fn cosine_distance(a: &[f32], b: &[f32]) -> f64 {
    cosine_distance_from_parts(cosine_parts(a, b))
}

/// [`cosine_distance`] from the (a·b, |a|², |b|²) that [`cosine_parts`] returns.
#[inline]
pub fn cosine_distance_from_parts((dot, na, nb): (f32, f32, f32)) -> f64 {
    let sim = dot as f64 / ((na as f64) * (nb as f64)).sqrt();
    if sim.is_nan() {
        f64::NAN
    } else {
        1.0 - sim.clamp(-1.0, 1.0)
    }
}

/// `<+>`: Manhattan distance.
#[inline]
pub fn l1_distance(a: &[f32], b: &[f32]) -> f64 {
    l1(a, b) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift32: deterministic data without the rand crate.
    struct Rng(u32);
    impl Rng {
        fn next(&mut self) -> u32 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            self.0 = x;
            x
        }
        /// Uniform in [-1, 1).
        fn f32(&mut self) -> f32 {
            (self.next() >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        }
        fn vec(&mut self, n: usize, scale: f32) -> Vec<f32> {
            (0..n).map(|_| self.f32() * scale).collect()
        }
    }

    /// Kernel sets to test; says which ones this CPU cannot run.
    fn impls() -> Vec<&'static Kernels> {
        let v = supported();
        #[cfg(target_arch = "x86_64")]
        for k in [&AVX512F, &AVX2_FMA] {
            if !v.iter().any(|s| s.name == k.name) {
                eprintln!("distance tests: {} not supported by this CPU, skipped", k.name);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        eprintln!("distance tests: not x86_64, SIMD kernels not compiled, scalar only");
        v
    }

    fn check(what: &str, imp: &str, n: usize, got: f32, want: f32, abs_sum: f64) {
        let tol = 1e-5 * abs_sum + 1e-6;
        let err = (got as f64 - want as f64).abs();
        assert!(
            err <= tol,
            "{imp} {what} n={n}: got {got}, reference {want}, |err| {err:e} > tol {tol:e}"
        );
    }

    /// Compare one kernel set with the reference on slices a, b.
    fn compare(k: &Kernels, a: &[f32], b: &[f32]) {
        let n = a.len();
        let s_dot: f64 = a.iter().zip(b).map(|(x, y)| (x * y).abs() as f64).sum();
        let s_l2: f64 = a.iter().zip(b).map(|(x, y)| ((x - y) * (x - y)) as f64).sum();
        let s_l1: f64 = a.iter().zip(b).map(|(x, y)| (x - y).abs() as f64).sum();
        let s_na: f64 = a.iter().map(|x| (x * x) as f64).sum();
        let s_nb: f64 = b.iter().map(|x| (x * x) as f64).sum();
        // SAFETY: `k` comes from `supported()`.
        let (d, l2, l1, (cd, cna, cnb), na) = unsafe {
            ((k.dot)(a, b), (k.l2_squared)(a, b), (k.l1)(a, b), (k.cosine_parts)(a, b), (k.norm_squared)(a))
        };
        let (rd, rna, rnb) = scalar::cosine_parts(a, b);
        check("dot", k.name, n, d, scalar::dot(a, b), s_dot);
        check("l2_squared", k.name, n, l2, scalar::l2_squared(a, b), s_l2);
        check("l1", k.name, n, l1, scalar::l1(a, b), s_l1);
        check("cosine_parts.dot", k.name, n, cd, rd, s_dot);
        check("cosine_parts.|a|²", k.name, n, cna, rna, s_na);
        check("cosine_parts.|b|²", k.name, n, cnb, rnb, s_nb);
        check("norm_squared", k.name, n, na, scalar::norm_squared(a), s_na);
    }

    fn lengths() -> impl Iterator<Item = usize> {
        (1..=70).chain(3984..=4016)
    }

    #[test]
    fn every_impl_matches_scalar() {
        let mut rng = Rng(0x9E37_79B9);
        for k in impls() {
            for n in lengths() {
                let a = rng.vec(n, 1.0);
                let b = rng.vec(n, 3.0);
                compare(k, &a, &b);
            }
        }
    }

    #[test]
    fn unaligned_slices() {
        // Start one float into the allocation so no load is 32- or 64-byte aligned.
        let mut rng = Rng(12345);
        for k in impls() {
            for n in lengths() {
                let a = rng.vec(n + 1, 2.0);
                let b = rng.vec(n + 3, 0.5);
                compare(k, &a[1..], &b[3..]);
            }
        }
    }

    #[test]
    fn exact_small_cases() {
        for k in impls() {
            // SAFETY: `k` comes from `supported()`.
            unsafe {
                assert_eq!((k.dot)(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0, "{}", k.name);
                assert_eq!((k.l2_squared)(&[1.0, 2.0, 3.0], &[4.0, 6.0, 3.0]), 25.0, "{}", k.name);
                assert_eq!((k.l1)(&[1.0, -2.0, 3.0], &[4.0, 6.0, 3.0]), 11.0, "{}", k.name);
                assert_eq!((k.norm_squared)(&[3.0, 4.0]), 25.0, "{}", k.name);
                assert_eq!(
                    (k.cosine_parts)(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]),
                    (32.0, 14.0, 77.0),
                    "{}",
                    k.name
                );
                let v: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.37).sin()).collect();
                assert_eq!((k.l2_squared)(&v, &v), 0.0, "{}", k.name);
                assert_eq!((k.l1)(&v, &v), 0.0, "{}", k.name);
                // Integers: every partial sum is exact, so summation order cannot matter.
                let a: Vec<f32> = (0..100).map(|i| (i % 7) as f32 - 3.0).collect();
                let b: Vec<f32> = (0..100).map(|i| (i % 5) as f32).collect();
                let want: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
                assert_eq!((k.dot)(&a, &b), want, "{}", k.name);
            }
        }
    }

    #[test]
    fn empty_is_zero() {
        for k in impls() {
            // SAFETY: `k` comes from `supported()`.
            unsafe {
                assert_eq!((k.dot)(&[], &[]), 0.0);
                assert_eq!((k.l2_squared)(&[], &[]), 0.0);
                assert_eq!((k.l1)(&[], &[]), 0.0);
                assert_eq!((k.cosine_parts)(&[], &[]), (0.0, 0.0, 0.0));
                assert_eq!((k.norm_squared)(&[]), 0.0);
            }
        }
        assert_eq!(dot(&[], &[]), 0.0);
        assert_eq!(norm_squared(&[]), 0.0);
    }

    #[test]
    fn dispatch_matches_scalar() {
        let name = kernel_name();
        assert!(["avx512f", "avx2+fma", "scalar"].contains(&name));
        assert_eq!(name, supported()[0].name);
        eprintln!("distance: dispatching to {name}");
        let mut rng = Rng(777);
        for n in lengths() {
            let a = rng.vec(n, 1.0);
            let b = rng.vec(n, 1.0);
            let s_dot: f64 = a.iter().zip(&b).map(|(x, y)| (x * y).abs() as f64).sum();
            let s_l2: f64 = a.iter().zip(&b).map(|(x, y)| ((x - y) * (x - y)) as f64).sum();
            let s_l1: f64 = a.iter().zip(&b).map(|(x, y)| (x - y).abs() as f64).sum();
            let s_na: f64 = a.iter().map(|x| (x * x) as f64).sum();
            let s_nb: f64 = b.iter().map(|x| (x * x) as f64).sum();
            check("dot", name, n, dot(&a, &b), scalar::dot(&a, &b), s_dot);
            check("l2_squared", name, n, l2_squared(&a, &b), scalar::l2_squared(&a, &b), s_l2);
            check("l1", name, n, l1(&a, &b), scalar::l1(&a, &b), s_l1);
            check("norm_squared", name, n, norm_squared(&a), scalar::norm_squared(&a), s_na);
            let (d, na, nb) = cosine_parts(&a, &b);
            let (rd, rna, rnb) = scalar::cosine_parts(&a, &b);
            check("cosine_parts.dot", name, n, d, rd, s_dot);
            check("cosine_parts.|a|²", name, n, na, rna, s_na);
            check("cosine_parts.|b|²", name, n, nb, rnb, s_nb);
        }
    }

    /// In release builds a length mismatch must not read out of bounds: the shorter wins.
    #[test]
    #[cfg(not(debug_assertions))]
    fn mismatched_lengths_use_shorter() {
        let a: Vec<f32> = (0..37).map(|i| i as f32).collect();
        let b = vec![1.0f32; 40];
        for k in impls() {
            // SAFETY: `k` comes from `supported()`.
            unsafe {
                assert_eq!((k.dot)(&a, &b), (0..37).sum::<i32>() as f32, "{}", k.name);
                assert_eq!((k.dot)(&b, &a), (0..37).sum::<i32>() as f32, "{}", k.name);
            }
        }
    }

    #[test]
    fn sql_formulas() {
        let (a, b) = ([3.0f32, 4.0], [0.0f32, 0.0]);
        assert_eq!(l2_distance(&a, &b), 5.0);
        assert!(cosine_distance(&a, &b).is_nan(), "a zero vector has no direction");
        assert_eq!(cosine_distance(&a, &a), 0.0);
        assert_eq!(cosine_distance(&a, &[-3.0, -4.0]), 2.0);
        assert_eq!(negative_inner_product(&a, &a), -25.0);
        assert_eq!(inner_product(&a, &[1.0, 1.0]), 7.0);
        assert_eq!(l1_distance(&a, &[1.0, 1.0]), 5.0);
    }
}
