//! `halfvec`: pgvector's half-precision vector. Elements are IEEE binary16 (the `half` crate,
//! F16C-accelerated conversion where the CPU has it); text and binary forms as pgvector's
//! (binary: int16 dimensions, int16 unused, binary16 x dimensions, network byte order).
//! Distances widen to f32 in blocks and run the vector kernels of src/core/distance.

use crate::core::vector as v;
use crate::error::{excerpt, Error, Result, SqlState};
use half::f16;

/// The largest finite binary16.
pub const MAX: f32 = 65504.0;

/// Renames the vector rules' messages for halfvec ("for type vector" -> "for type halfvec").
pub fn rename(e: Error) -> Error {
    let m = e.message.replace("type vector", "type halfvec").replace("in vector", "in halfvec").replace("different vector", "different halfvec");
    Error { message: if m == e.message { m.replacen("vector ", "halfvec ", 1) } else { m }, ..e }
}

/// `x` as binary16, or pgvector's range error.
pub fn to_half(x: f32, shown: &str) -> Result<f16> {
    if !x.is_finite() || x.abs() > MAX + 16.0 {
        return Err(Error::new(SqlState::NumericValueOutOfRange, format!("\"{}\" is out of range for type halfvec", excerpt(shown))));
    }
    let h = f16::from_f32(x);
    if h.is_infinite() {
        return Err(Error::new(SqlState::NumericValueOutOfRange, format!("\"{}\" is out of range for type halfvec", excerpt(shown))));
    }
    Ok(h)
}

pub fn from_f32(values: &[f32]) -> Result<Vec<f16>> {
    values.iter().map(|&x| to_half(x, &x.to_string())).collect()
}

pub fn parse_text(input: &str, typmod: i32) -> Result<Vec<f16>> {
    let values = v::parse_text(input, typmod).map_err(rename)?;
    // Report the token as written: find it again only on the error path.
    values
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            to_half(x, &x.to_string()).map_err(|_| {
                let token = input.trim().trim_start_matches('[').split(',').nth(i).unwrap_or_default().trim().trim_end_matches(']').trim();
                Error::new(SqlState::NumericValueOutOfRange, format!("\"{}\" is out of range for type halfvec", excerpt(token)))
            })
        })
        .collect()
}

pub fn format_text(h: &[f16]) -> String {
    let mut out = String::with_capacity(h.len() * 8 + 2);
    out.push('[');
    for (i, x) in h.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        v::format_f32(x.to_f32(), &mut out);
    }
    out.push(']');
    out
}

/// pgvector's binary form at the start of `buf`: the values and the bytes read.
pub fn parse_binary(buf: &[u8], typmod: i32) -> Result<(Vec<f16>, usize)> {
    let short = || Error::new(SqlState::ProtocolViolation, "insufficient data left in message");
    let header = buf.get(..4).ok_or_else(short)?;
    let dim = i16::from_be_bytes([header[0], header[1]]);
    let unused = i16::from_be_bytes([header[2], header[3]]);
    v::check_dim(dim.max(0) as usize).map_err(rename)?;
    v::check_expected_dim(typmod, dim as usize)?;
    if unused != 0 {
        return Err(Error::data(format!("expected unused to be 0, not {unused}")));
    }
    let end = 4 + dim as usize * 2;
    let body = buf.get(4..end).ok_or_else(short)?;
    let values: Vec<f16> = body.chunks_exact(2).map(|b| f16::from_bits(u16::from_be_bytes([b[0], b[1]]))).collect();
    check_elements(&values)?;
    Ok((values, end))
}

pub fn format_binary(h: &[f16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + h.len() * 2);
    out.extend_from_slice(&(h.len() as i16).to_be_bytes());
    out.extend_from_slice(&0i16.to_be_bytes());
    for x in h {
        out.extend_from_slice(&x.to_bits().to_be_bytes());
    }
    out
}

pub fn check_elements(h: &[f16]) -> Result<()> {
    match h.iter().find(|x| !x.is_finite()) {
        None => Ok(()),
        Some(x) if x.is_nan() => Err(Error::data("NaN not allowed in halfvec")),
        Some(_) => Err(Error::data("infinite value not allowed in halfvec")),
    }
}

/// Widens `h` to f32 (the `half` crate uses F16C where the CPU has it).
pub fn widen(h: &[f16]) -> Vec<f32> {
    let mut out = Vec::new();
    widen_into(h, &mut out);
    out
}

/// `widen` into `out` (its contents replaced), reusing its allocation.
pub fn widen_into(h: &[f16], out: &mut Vec<f32>) {
    out.clear();
    out.resize(h.len(), 0.0);
    half::slice::HalfFloatSliceExt::convert_to_f32_slice(h, out);
}

/// Fused AVX-512 kernels: 16 binary16 values widened in a register (vcvtph2ps) and multiplied
/// in the same loop, so nothing is written back between conversion and arithmetic.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use half::f16;
    use std::arch::x86_64::*;

    /// (Σ a·b, Σ a², Σ b², Σ (a-b)²) in one pass.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn sums(a: &[f16], b: &[f16]) -> (f64, f64, f64, f64) {
        let n = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr() as *const u16, b.as_ptr() as *const u16);
        let (mut dot, mut na, mut nb, mut l2) = (_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps());
        let mut i = 0;
        while i + 16 <= n {
            let va = _mm512_cvtph_ps(_mm256_loadu_si256(pa.add(i) as *const __m256i));
            let vb = _mm512_cvtph_ps(_mm256_loadu_si256(pb.add(i) as *const __m256i));
            dot = _mm512_fmadd_ps(va, vb, dot);
            na = _mm512_fmadd_ps(va, va, na);
            nb = _mm512_fmadd_ps(vb, vb, nb);
            let d = _mm512_sub_ps(va, vb);
            l2 = _mm512_fmadd_ps(d, d, l2);
            i += 16;
        }
        let (mut sd, mut sa, mut sb, mut sl) =
            (_mm512_reduce_add_ps(dot) as f64, _mm512_reduce_add_ps(na) as f64, _mm512_reduce_add_ps(nb) as f64, _mm512_reduce_add_ps(l2) as f64);
        while i < n {
            let (x, y) = (a[i].to_f32() as f64, b[i].to_f32() as f64);
            sd += x * y;
            sa += x * x;
            sb += y * y;
            sl += (x - y) * (x - y);
            i += 1;
        }
        (sd, sa, sb, sl)
    }
}

fn has_avx512() -> bool {
    static HAS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    #[cfg(target_arch = "x86_64")]
    return *HAS.get_or_init(|| is_x86_feature_detected!("avx512f"));
    #[cfg(not(target_arch = "x86_64"))]
    return *HAS.get_or_init(|| false);
}

/// (dot, |a|², |b|², |a-b|²) with the fused kernel where the CPU has AVX-512, else None.
fn fused(a: &[f16], b: &[f16]) -> Option<(f64, f64, f64, f64)> {
    #[cfg(target_arch = "x86_64")]
    if has_avx512() {
        // SAFETY: AVX-512F was detected at run time.
        return Some(unsafe { avx512::sums(a, b) });
    }
    let _ = (a, b);
    None
}

const BLOCK: usize = 256;

/// Runs `kernel` over f32 copies of `a` and `b` in blocks of BLOCK elements, summing its results
/// (every kernel here is a sum over elements): no allocation, widening stays in L1.
fn blocked(a: &[f16], b: &[f16], kernel: impl Fn(&[f32], &[f32]) -> f64) -> f64 {
    let (mut fa, mut fb) = ([0f32; BLOCK], [0f32; BLOCK]);
    let mut total = 0.0;
    for (ca, cb) in a.chunks(BLOCK).zip(b.chunks(BLOCK)) {
        let (xa, xb) = (&mut fa[..ca.len()], &mut fb[..cb.len()]);
        half::slice::HalfFloatSliceExt::convert_to_f32_slice(ca, xa);
        half::slice::HalfFloatSliceExt::convert_to_f32_slice(cb, xb);
        total += kernel(xa, xb);
    }
    total
}

pub fn l2_squared(a: &[f16], b: &[f16]) -> f64 {
    if let Some((_, _, _, l2)) = fused(a, b) {
        return l2;
    }
    blocked(a, b, |x, y| crate::core::distance::l2_squared(x, y) as f64)
}

pub fn inner_product(a: &[f16], b: &[f16]) -> f64 {
    if let Some((dot, _, _, _)) = fused(a, b) {
        return dot;
    }
    blocked(a, b, crate::core::distance::inner_product)
}

pub fn l1(a: &[f16], b: &[f16]) -> f64 {
    blocked(a, b, crate::core::distance::l1_distance)
}

pub fn cosine_distance(a: &[f16], b: &[f16]) -> f64 {
    if let Some((dot, na, nb, _)) = fused(a, b) {
        let denom = (na * nb).sqrt();
        return if denom == 0.0 { f64::NAN } else { 1.0 - (dot / denom).clamp(-1.0, 1.0) };
    }
    // One pass: each block is widened once and feeds all three sums.
    let (mut fa, mut fb) = ([0f32; BLOCK], [0f32; BLOCK]);
    let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
    for (ca, cb) in a.chunks(BLOCK).zip(b.chunks(BLOCK)) {
        let (xa, xb) = (&mut fa[..ca.len()], &mut fb[..cb.len()]);
        half::slice::HalfFloatSliceExt::convert_to_f32_slice(ca, xa);
        half::slice::HalfFloatSliceExt::convert_to_f32_slice(cb, xb);
        dot += crate::core::distance::inner_product(xa, xb);
        na += crate::core::distance::inner_product(xa, xa);
        nb += crate::core::distance::inner_product(xb, xb);
    }
    let denom = (na * nb).sqrt();
    if denom == 0.0 {
        return f64::NAN;
    }
    1.0 - (dot / denom).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[f32]) -> Vec<f16> {
        from_f32(v).unwrap()
    }

    #[test]
    fn text_round_trips_and_rounds_to_half() {
        let x = parse_text("[1, 2.5, -3]", -1).unwrap();
        assert_eq!(format_text(&x), "[1,2.5,-3]");
        assert_eq!(format_text(&parse_text("[1.1]", -1).unwrap()), "[1.0996094]");
        assert_eq!(format_text(&parse_text("[65504]", -1).unwrap()), "[65504]");
    }

    #[test]
    fn errors_say_halfvec() {
        assert_eq!(parse_text("[70000]", -1).unwrap_err().message, "\"70000\" is out of range for type halfvec");
        assert_eq!(parse_text("[1,-1e6,2]", -1).unwrap_err().message, "\"-1e6\" is out of range for type halfvec");
        assert_eq!(parse_text("[a]", -1).unwrap_err().message, "invalid input syntax for type halfvec: \"[a]\"");
        assert_eq!(parse_text("[]", -1).unwrap_err().message, "halfvec must have at least 1 dimension");
        assert_eq!(parse_text("[1,2]", 3).unwrap_err().message, "expected 3 dimensions, not 2");
    }

    #[test]
    fn binary_round_trips_bit_exact() {
        let x = parse_text("[1.1,-0,0.000061035156,65504]", -1).unwrap();
        let b = format_binary(&x);
        let (back, used) = parse_binary(&b, -1).unwrap();
        assert_eq!(used, b.len());
        assert_eq!(back.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), x.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        assert!(parse_binary(&b[..5], -1).is_err());
        let mut nan = format_binary(&h(&[1.0]));
        nan[4..6].copy_from_slice(&0x7e00u16.to_be_bytes());
        assert_eq!(parse_binary(&nan, -1).unwrap_err().message, "NaN not allowed in halfvec");
    }

    #[test]
    fn distances_match_f32_on_every_tail_length() {
        let mut rng = crate::core::rng::SplitMix(7);
        for n in [1usize, 3, 15, 16, 17, 255, 256, 257, 384, 1000] {
            let a = h(&(0..n).map(|_| rng.next_f32() - 0.5).collect::<Vec<_>>());
            let b = h(&(0..n).map(|_| rng.next_f32() - 0.5).collect::<Vec<_>>());
            let (fa, fb) = (widen(&a), widen(&b));
            let l2: f64 = fa.iter().zip(&fb).map(|(x, y)| ((x - y) as f64).powi(2)).sum();
            let ip: f64 = fa.iter().zip(&fb).map(|(x, y)| (x * y) as f64).sum();
            let taxi: f64 = fa.iter().zip(&fb).map(|(x, y)| ((x - y) as f64).abs()).sum();
            assert!((l2_squared(&a, &b) - l2).abs() < 1e-4 * l2.max(1.0), "{n}");
            assert!((inner_product(&a, &b) - ip).abs() < 1e-4 * ip.abs().max(1.0), "{n}");
            assert!((l1(&a, &b) - taxi).abs() < 1e-4 * taxi.max(1.0), "{n}");
        }
        assert!(cosine_distance(&h(&[0.0, 0.0]), &h(&[1.0, 2.0])).is_nan());
        // The fused AVX-512 kernel (where this CPU has it) agrees with the blocked scalar path.
        for n in [1usize, 15, 16, 17, 33, 384, 1001] {
            let a = h(&(0..n).map(|i| (i as f32 * 0.37).sin()).collect::<Vec<_>>());
            let b = h(&(0..n).map(|i| (i as f32 * 0.11).cos()).collect::<Vec<_>>());
            if let Some((dot, _, _, l2)) = fused(&a, &b) {
                let ip = blocked(&a, &b, crate::core::distance::inner_product);
                let l2b = blocked(&a, &b, |x, y| crate::core::distance::l2_squared(x, y) as f64);
                assert!((dot - ip).abs() < 1e-4 * ip.abs().max(1.0) && (l2 - l2b).abs() < 1e-4 * l2b.max(1.0), "{n}");
            }
        }
        assert!(cosine_distance(&h(&[1.0, 2.0]), &h(&[2.0, 4.0])).abs() < 1e-6);
    }
}
