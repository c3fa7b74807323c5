//! Bit strings as pgvector uses them: Hamming and Jaccard distances over the bytes of two
//! equally long `bit` values (Postgres keeps the unused bits of the last byte zero), and
//! binary quantization of a vector (bit i set when element i is positive, most significant bit
//! of each byte first, as the `bit` type stores it). The distances have a per-byte scalar
//! reference and a 64-bit popcount version, compiled for AVX-512 VPOPCNTDQ, POPCNT or the
//! baseline and chosen at run time.

/// Popcounts of (a xor b), (a and b), a and b.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub xor: u64,
    pub and: u64,
    pub a: u64,
    pub b: u64,
}

/// One byte at a time: the reference the fast version is tested against.
pub fn counts_scalar(a: &[u8], b: &[u8]) -> Counts {
    let mut c = Counts::default();
    for (&x, &y) in a.iter().zip(b) {
        c.xor += (x ^ y).count_ones() as u64;
        c.and += (x & y).count_ones() as u64;
        c.a += x.count_ones() as u64;
        c.b += y.count_ones() as u64;
    }
    c
}

#[inline(always)]
fn counts_body(a: &[u8], b: &[u8]) -> Counts {
    let n = a.len().min(b.len()) / 8 * 8;
    let (mut xor, mut and, mut ca, mut cb) = (0u64, 0u64, 0u64, 0u64);
    for (x, y) in a[..n].chunks_exact(8).zip(b[..n].chunks_exact(8)) {
        let x = u64::from_le_bytes([x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]]);
        let y = u64::from_le_bytes([y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]]);
        xor += (x ^ y).count_ones() as u64;
        and += (x & y).count_ones() as u64;
        ca += x.count_ones() as u64;
        cb += y.count_ones() as u64;
    }
    let tail = counts_scalar(&a[n..], &b[n..]);
    Counts { xor: xor + tail.xor, and: and + tail.and, a: ca + tail.a, b: cb + tail.b }
}

/// The popcounts of two equally long byte strings.
pub fn counts(a: &[u8], b: &[u8]) -> Counts {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx512f,avx512vpopcntdq,popcnt")]
        unsafe fn wide(a: &[u8], b: &[u8]) -> Counts {
            counts_body(a, b)
        }
        #[target_feature(enable = "popcnt")]
        unsafe fn popcnt(a: &[u8], b: &[u8]) -> Counts {
            counts_body(a, b)
        }
        if std::is_x86_feature_detected!("avx512vpopcntdq") && std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F and VPOPCNTDQ.
            return unsafe { wide(a, b) };
        }
        if std::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has POPCNT.
            return unsafe { popcnt(a, b) };
        }
    }
    counts_body(a, b)
}

/// Bits that differ.
pub fn hamming(a: &[u8], b: &[u8]) -> f64 {
    counts(a, b).xor as f64
}

/// 1 − |a ∧ b| / |a ∨ b|; 1 when no bit is set in both (as pgvector defines it, no NaN).
pub fn jaccard(a: &[u8], b: &[u8]) -> f64 {
    let c = counts(a, b);
    if c.and == 0 {
        1.0
    } else {
        1.0 - c.and as f64 / (c.a + c.b - c.and) as f64
    }
}

/// Bit i set when x[i] > 0, packed most significant bit first.
pub fn binary_quantize(x: &[f32]) -> Vec<u8> {
    let mut out = vec![0u8; x.len().div_ceil(8)];
    for (i, &v) in x.iter().enumerate() {
        if v > 0.0 {
            out[i / 8] |= 0x80 >> (i % 8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::test_rng::XorShift;

    #[test]
    fn fast_counts_match_the_scalar_reference_over_tail_lengths() {
        let mut rng = XorShift(11);
        for len in (0..=70).chain(4090..4110) {
            let a: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let b: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            for off in 0..2.min(len + 1) {
                assert_eq!(counts(&a[off..], &b[off..]), counts_scalar(&a[off..], &b[off..]), "len {len} offset {off}");
            }
        }
    }

    #[test]
    fn distances_and_quantization_as_pgvector_defines_them() {
        assert_eq!(hamming(&[0b1010_0000], &[0b0110_0000]), 2.0);
        assert_eq!(jaccard(&[0b1110_0000], &[0b0110_0000]), 1.0 - 2.0 / 3.0);
        assert_eq!(jaccard(&[0], &[0]), 1.0);
        assert_eq!(jaccard(&[0b1000_0000], &[0b0100_0000]), 1.0);
        assert_eq!(binary_quantize(&[1.0, -2.0, 3.0]), vec![0b1010_0000]);
        assert_eq!(binary_quantize(&[0.0; 9]), vec![0, 0]);
        assert_eq!(binary_quantize(&[1.0; 9]), vec![0xff, 0x80]);
    }
}
