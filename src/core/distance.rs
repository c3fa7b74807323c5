//! Float32 distance kernels for the `vector` type.
//!
//! `scalar` is the reference (plain loops). On x86_64 the AVX2+FMA and AVX-512F versions are
//! compiled with `#[target_feature]` (the crate itself is built for baseline x86_64, never
//! `-march=native`) and picked once at run time from what the CPU reports.
//!
//! Callers guarantee `a.len() == b.len()`; this is checked with `debug_assert!` only, and in
//! release builds every kernel works on the shorter length, so nothing reads out of bounds.

use std::sync::OnceLock;

/// The reference implementation: one sequential f32 accumulator per quantity, no tricks.
/// It is also what non-x86_64 targets (and x86_64 CPUs without AVX2+FMA) use.
pub mod scalar {
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        debug_assert_eq!(a.len(), b.len());
        let mut s = 0.0f32;
        for (x, y) in a.iter().zip(b) {
            s += x * y;
        }
        s
    }

    pub fn l2_squared(a: &[f32], b: &[f32]) -> f32 {
        debug_assert_eq!(a.len(), b.len());
        let mut s = 0.0f32;
        for (x, y) in a.iter().zip(b) {
            let d = x - y;
            s += d * d;
        }
        s
    }

    pub fn l1(a: &[f32], b: &[f32]) -> f32 {
        debug_assert_eq!(a.len(), b.len());
        let mut s = 0.0f32;
        for (x, y) in a.iter().zip(b) {
            s += (x - y).abs();
        }
        s
    }

    /// (a·b, |a|², |b|²) in one pass over both slices.
    pub fn cosine_parts(a: &[f32], b: &[f32]) -> (f32, f32, f32) {
        debug_assert_eq!(a.len(), b.len());
        let (mut d, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
        for (x, y) in a.iter().zip(b) {
            d += x * y;
            na += x * x;
            nb += y * y;
        }
        (d, na, nb)
    }

    pub fn norm_squared(a: &[f32]) -> f32 {
        let mut s = 0.0f32;
        for x in a {
            s += x * x;
        }
        s
    }
}

/// AVX2 + FMA: 8 lanes, 4 independent accumulators (32 floats per iteration) so the loop is
/// bound by load/FMA throughput rather than by the 4-cycle FMA latency of a single chain.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// Sliding window for tail masks: loading 8 i32 from `MASK[8 - rem..]` gives `rem` lanes
    /// of -1 (load) followed by zeros. `vmaskmovps` does not touch (or fault on) masked lanes.
    static MASK: [i32; 16] = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn tail_mask(rem: usize) -> __m256i {
        debug_assert!(rem > 0 && rem < 8);
        unsafe { _mm256_loadu_si256(MASK.as_ptr().add(8 - rem) as *const __m256i) }
    }

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn hsum(v: __m256) -> f32 {
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps::<0b01>(s, s));
        _mm_cvtss_f32(s)
    }

    /// One kernel that folds `step(x, y, acc) -> acc` over both slices. A macro rather than a
    /// closure so that the step is certainly inlined into the target_feature function.
    macro_rules! reduce2 {
        ($(#[$m:meta])* $name:ident, |$x:ident, $y:ident, $acc:ident| $step:expr) => {
            $(#[$m])*
            #[target_feature(enable = "avx2,fma")]
            pub unsafe fn $name(a: &[f32], b: &[f32]) -> f32 {
                let n = a.len().min(b.len());
                let (pa, pb) = (a.as_ptr(), b.as_ptr());
                let mut s = [_mm256_setzero_ps(); 4];
                let mut i = 0;
                // SAFETY: every unmasked load reads [i, i + 8) with i + 8 <= n; the tail load
                // is masked to [i, n).
                unsafe {
                    while i + 32 <= n {
                        for k in 0..4 {
                            let $x = _mm256_loadu_ps(pa.add(i + 8 * k));
                            let $y = _mm256_loadu_ps(pb.add(i + 8 * k));
                            let $acc = s[k];
                            s[k] = $step;
                        }
                        i += 32;
                    }
                    while i + 8 <= n {
                        let $x = _mm256_loadu_ps(pa.add(i));
                        let $y = _mm256_loadu_ps(pb.add(i));
                        let $acc = s[0];
                        s[0] = $step;
                        i += 8;
                    }
                    if i < n {
                        // Masked lanes load as 0.0, which adds 0 to every kernel here.
                        let m = tail_mask(n - i);
                        let $x = _mm256_maskload_ps(pa.add(i), m);
                        let $y = _mm256_maskload_ps(pb.add(i), m);
                        let $acc = s[1];
                        s[1] = $step;
                    }
                    hsum(_mm256_add_ps(_mm256_add_ps(s[0], s[1]), _mm256_add_ps(s[2], s[3])))
                }
            }
        };
    }

    reduce2!(dot, |x, y, acc| _mm256_fmadd_ps(x, y, acc));
    reduce2!(l2_squared, |x, y, acc| {
        let d = _mm256_sub_ps(x, y);
        _mm256_fmadd_ps(d, d, acc)
    });
    reduce2!(l1, |x, y, acc| {
        // |d| by clearing the sign bit.
        let d = _mm256_sub_ps(x, y);
        _mm256_add_ps(acc, _mm256_andnot_ps(_mm256_set1_ps(-0.0), d))
    });

    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn norm_squared(a: &[f32]) -> f32 {
        // Both loads hit the same cache line; not worth a separate loop.
        unsafe { dot(a, a) }
    }

    /// 3 quantities x 4 accumulators = 12 ymm registers, plus 2 for the loads: fits in 16.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn cosine_parts(a: &[f32], b: &[f32]) -> (f32, f32, f32) {
        let n = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let z = _mm256_setzero_ps();
        let (mut d, mut na, mut nb) = ([z; 4], [z; 4], [z; 4]);
        let mut i = 0;
        // SAFETY: as in `reduce2!`.
        unsafe {
            while i + 32 <= n {
                for k in 0..4 {
                    let x = _mm256_loadu_ps(pa.add(i + 8 * k));
                    let y = _mm256_loadu_ps(pb.add(i + 8 * k));
                    d[k] = _mm256_fmadd_ps(x, y, d[k]);
                    na[k] = _mm256_fmadd_ps(x, x, na[k]);
                    nb[k] = _mm256_fmadd_ps(y, y, nb[k]);
                }
                i += 32;
            }
            while i + 8 <= n {
                let x = _mm256_loadu_ps(pa.add(i));
                let y = _mm256_loadu_ps(pb.add(i));
                d[0] = _mm256_fmadd_ps(x, y, d[0]);
                na[0] = _mm256_fmadd_ps(x, x, na[0]);
                nb[0] = _mm256_fmadd_ps(y, y, nb[0]);
                i += 8;
            }
            if i < n {
                let m = tail_mask(n - i);
                let x = _mm256_maskload_ps(pa.add(i), m);
                let y = _mm256_maskload_ps(pb.add(i), m);
                d[1] = _mm256_fmadd_ps(x, y, d[1]);
                na[1] = _mm256_fmadd_ps(x, x, na[1]);
                nb[1] = _mm256_fmadd_ps(y, y, nb[1]);
            }
            let fold = |v: [__m256; 4]| {
                hsum(_mm256_add_ps(_mm256_add_ps(v[0], v[1]), _mm256_add_ps(v[2], v[3])))
            };
            (fold(d), fold(na), fold(nb))
        }
    }
}

/// AVX-512F: 16 lanes, 4 accumulators (64 floats per iteration), masked loads for the tail.
/// Only AVX-512F instructions are used (no DQ/BW/VL), so any AVX-512 CPU qualifies.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    #[inline]
    fn tail_mask(rem: usize) -> __mmask16 {
        debug_assert!(rem > 0 && rem < 16);
        ((1u32 << rem) - 1) as __mmask16
    }

    macro_rules! reduce2 {
        ($name:ident, |$x:ident, $y:ident, $acc:ident| $step:expr) => {
            #[target_feature(enable = "avx512f")]
            pub unsafe fn $name(a: &[f32], b: &[f32]) -> f32 {
                let n = a.len().min(b.len());
                let (pa, pb) = (a.as_ptr(), b.as_ptr());
                let mut s = [_mm512_setzero_ps(); 4];
                let mut i = 0;
                // SAFETY: unmasked loads read [i, i + 16) with i + 16 <= n; the tail load is
                // masked to [i, n) and masked-off lanes are neither read nor faulted on.
                unsafe {
                    while i + 64 <= n {
                        for k in 0..4 {
                            let $x = _mm512_loadu_ps(pa.add(i + 16 * k));
                            let $y = _mm512_loadu_ps(pb.add(i + 16 * k));
                            let $acc = s[k];
                            s[k] = $step;
                        }
                        i += 64;
                    }
                    while i + 16 <= n {
                        let $x = _mm512_loadu_ps(pa.add(i));
                        let $y = _mm512_loadu_ps(pb.add(i));
                        let $acc = s[0];
                        s[0] = $step;
                        i += 16;
                    }
                    if i < n {
                        let m = tail_mask(n - i);
                        let $x = _mm512_maskz_loadu_ps(m, pa.add(i));
                        let $y = _mm512_maskz_loadu_ps(m, pb.add(i));
                        let $acc = s[1];
                        s[1] = $step;
                    }
                    _mm512_reduce_add_ps(_mm512_add_ps(
                        _mm512_add_ps(s[0], s[1]),
                        _mm512_add_ps(s[2], s[3]),
                    ))
                }
            }
        };
    }

    reduce2!(dot, |x, y, acc| _mm512_fmadd_ps(x, y, acc));
    reduce2!(l2_squared, |x, y, acc| {
        let d = _mm512_sub_ps(x, y);
        _mm512_fmadd_ps(d, d, acc)
    });
    // _mm512_abs_ps is AVX-512F (an integer AND); _mm512_andnot_ps would need AVX-512DQ.
    reduce2!(l1, |x, y, acc| _mm512_add_ps(acc, _mm512_abs_ps(_mm512_sub_ps(x, y))));

    #[target_feature(enable = "avx512f")]
    pub unsafe fn norm_squared(a: &[f32]) -> f32 {
        unsafe { dot(a, a) }
    }

    #[target_feature(enable = "avx512f")]
    pub unsafe fn cosine_parts(a: &[f32], b: &[f32]) -> (f32, f32, f32) {
        let n = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let z = _mm512_setzero_ps();
        let (mut d, mut na, mut nb) = ([z; 4], [z; 4], [z; 4]);
        let mut i = 0;
        // SAFETY: as in `reduce2!`.
        unsafe {
            while i + 64 <= n {
                for k in 0..4 {
                    let x = _mm512_loadu_ps(pa.add(i + 16 * k));
                    let y = _mm512_loadu_ps(pb.add(i + 16 * k));
                    d[k] = _mm512_fmadd_ps(x, y, d[k]);
                    na[k] = _mm512_fmadd_ps(x, x, na[k]);
                    nb[k] = _mm512_fmadd_ps(y, y, nb[k]);
                }
                i += 64;
            }
            while i + 16 <= n {
                let x = _mm512_loadu_ps(pa.add(i));
                let y = _mm512_loadu_ps(pb.add(i));
                d[0] = _mm512_fmadd_ps(x, y, d[0]);
                na[0] = _mm512_fmadd_ps(x, x, na[0]);
                nb[0] = _mm512_fmadd_ps(y, y, nb[0]);
                i += 16;
            }
            if i < n {
                let m = tail_mask(n - i);
                let x = _mm512_maskz_loadu_ps(m, pa.add(i));
                let y = _mm512_maskz_loadu_ps(m, pb.add(i));
                d[1] = _mm512_fmadd_ps(x, y, d[1]);
                na[1] = _mm512_fmadd_ps(x, x, na[1]);
                nb[1] = _mm512_fmadd_ps(y, y, nb[1]);
            }
            let fold = |v: [__m512; 4]| {
                _mm512_reduce_add_ps(_mm512_add_ps(
                    _mm512_add_ps(v[0], v[1]),
                    _mm512_add_ps(v[2], v[3]),
                ))
            };
            (fold(d), fold(na), fold(nb))
        }
    }
}

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
}
