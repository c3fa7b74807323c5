//! AVX-512F: 16 lanes, 4 accumulators (64 floats per iteration), masked loads for the tail.
//! Only AVX-512F instructions are used (no DQ/BW/VL), so any AVX-512 CPU qualifies.

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
