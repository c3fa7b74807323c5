//! AVX2 + FMA: 8 lanes, 4 independent accumulators (32 floats per iteration) so the loop is
//! bound by load/FMA throughput rather than by the 4-cycle FMA latency of a single chain.

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
