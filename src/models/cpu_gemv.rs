//! Products of a few token rows with one weight row, for the CPU encoder's short inputs
//! (cpu_bert.rs streams each weight row once and dots it with every token row). With AVX-512
//! the rows' accumulators live in registers, so each 16-float slice of the weight row is loaded
//! once for all rows instead of once per row, and there is one call per weight row instead of
//! one per (weight row, token row).

/// Most token rows `dot_rows` handles at once (one AVX-512 accumulator each).
pub const MAX_ROWS: usize = 16;

/// `out[r] = x[r * inp .. (r + 1) * inp] · w` for `r < out.len()`; `x` holds `out.len()` rows.
pub fn dot_rows(x: &[f32], inp: usize, w: &[f32], out: &mut [f32]) {
    let rows = out.len();
    assert!(rows <= MAX_ROWS && x.len() >= rows * inp && w.len() >= inp);
    #[cfg(target_arch = "x86_64")]
    if avx512() {
        // SAFETY: the CPU has AVX-512F (checked once); the sizes were asserted above.
        unsafe { avx512::dot_rows(x, inp, w, out) };
        return;
    }
    for (r, o) in out.iter_mut().enumerate() {
        *o = crate::core::distance::dot_cached(&x[r * inp..(r + 1) * inp], &w[..inp]);
    }
}

#[cfg(target_arch = "x86_64")]
fn avx512() -> bool {
    static HAS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *HAS.get_or_init(|| is_x86_feature_detected!("avx512f"))
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    /// Dispatches on the row count so that each count gets its own fully unrolled kernel.
    pub unsafe fn dot_rows(x: &[f32], inp: usize, w: &[f32], out: &mut [f32]) {
        macro_rules! by_rows {
            ($($n:literal)*) => {
                match out.len() {
                    $($n => unsafe { rows::<$n>(x.as_ptr(), inp, w.as_ptr(), out) },)*
                    _ => {}
                }
            };
        }
        by_rows!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    }

    #[target_feature(enable = "avx512f")]
    unsafe fn rows<const R: usize>(x: *const f32, inp: usize, w: *const f32, out: &mut [f32]) {
        let mut acc = [_mm512_setzero_ps(); R];
        let mut i = 0;
        // SAFETY (all loads): x holds R rows of `inp` floats and w `inp` floats (asserted by the
        // caller); full loads read [i, i + 16) with i + 16 <= inp, the tail load is masked.
        unsafe {
            while i + 16 <= inp {
                let wv = _mm512_loadu_ps(w.add(i));
                for (r, a) in acc.iter_mut().enumerate() {
                    *a = _mm512_fmadd_ps(_mm512_loadu_ps(x.add(r * inp + i)), wv, *a);
                }
                i += 16;
            }
            if i < inp {
                let m = ((1u32 << (inp - i)) - 1) as __mmask16;
                let wv = _mm512_maskz_loadu_ps(m, w.add(i));
                for (r, a) in acc.iter_mut().enumerate() {
                    *a = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x.add(r * inp + i)), wv, *a);
                }
            }
        }
        for (o, a) in out.iter_mut().zip(acc) {
            *o = _mm512_reduce_add_ps(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_one_dot_per_row_for_every_row_count_and_tail() {
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        for inp in [1, 15, 16, 17, 33, 384, 1536] {
            for rows in 1..=MAX_ROWS {
                let x: Vec<f32> = (0..rows * inp).map(|_| next()).collect();
                let w: Vec<f32> = (0..inp).map(|_| next()).collect();
                let mut got = vec![0f32; rows];
                dot_rows(&x, inp, &w, &mut got);
                for r in 0..rows {
                    let want: f64 = x[r * inp..(r + 1) * inp].iter().zip(&w).map(|(a, b)| *a as f64 * *b as f64).sum();
                    assert!((got[r] as f64 - want).abs() < 1e-4 * (1.0 + want.abs()), "inp {inp} rows {rows} r {r}: {} vs {want}", got[r]);
                }
            }
        }
    }
}
