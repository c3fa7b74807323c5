//! pgvector's `sparsevec`: up to 1,000,000,000 dimensions, at most 16,000 non-zero elements,
//! text form `{1:1.5,3:2}/5` (1-based indices), stored and sent with 0-based indices in
//! ascending order and no zero values. Rules, errors and distances here; the SQL glue is
//! src/types/sparsevec.rs.

use crate::core::vector::{check_element_of, format_f32, is_space, parse_element, syntax_error_of};
use crate::error::{Error, Result, SqlState};
use std::cmp::Ordering;

pub const MAX_DIM: i32 = 1_000_000_000;
pub const MAX_NNZ: usize = 16_000;

/// A sparse vector: `indices` (0-based, strictly ascending) and their non-zero `values`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sparse {
    pub dim: i32,
    pub indices: Vec<i32>,
    pub values: Vec<f32>,
}

pub fn check_dim(dim: i32) -> Result<()> {
    if dim < 1 {
        return Err(Error::data("sparsevec must have at least 1 dimension"));
    }
    if dim > MAX_DIM {
        return Err(Error::new(SqlState::ProgramLimitExceeded, format!("sparsevec cannot have more than {MAX_DIM} dimensions")));
    }
    Ok(())
}

pub fn check_expected_dim(typmod: i32, dim: i32) -> Result<()> {
    if typmod != -1 && typmod != dim {
        return Err(Error::data(format!("expected {typmod} dimensions, not {dim}")));
    }
    Ok(())
}

pub fn check_nnz(nnz: i32, dim: i32) -> Result<()> {
    if nnz < 0 {
        return Err(Error::data("sparsevec cannot have negative number of elements"));
    }
    if nnz as usize > MAX_NNZ {
        return Err(Error::new(SqlState::ProgramLimitExceeded, format!("sparsevec cannot have more than {MAX_NNZ} non-zero elements")));
    }
    if nnz > dim {
        return Err(Error::new(SqlState::ProgramLimitExceeded, "sparsevec cannot have more elements than dimensions"));
    }
    Ok(())
}

/// Indices in range, ascending, without duplicates.
pub fn check_indices(indices: &[i32], dim: i32) -> Result<()> {
    for (i, &x) in indices.iter().enumerate() {
        if x < 0 || x >= dim {
            return Err(Error::data("sparsevec index out of bounds"));
        }
        if i > 0 && x < indices[i - 1] {
            return Err(Error::data("sparsevec indices must be in ascending order"));
        }
        if i > 0 && x == indices[i - 1] {
            return Err(Error::data("sparsevec indices must not contain duplicates"));
        }
    }
    Ok(())
}

fn check_value(x: f32) -> Result<()> {
    check_element_of(x, "sparsevec")
}

fn syntax_error(input: &str, detail: Option<&str>) -> Error {
    syntax_error_of("sparsevec", input, detail)
}

/// An integer as strtol reads it (sign, digits), clamped to i32 as pgvector clamps it; None
/// without digits. Advances `i`.
fn int_at(s: &[u8], i: &mut usize) -> Option<i64> {
    let start = *i;
    let mut j = *i;
    let negative = matches!(s.get(j), Some(b'-'));
    if matches!(s.get(j), Some(b'+' | b'-')) {
        j += 1;
    }
    let digits = j;
    let mut v: i64 = 0;
    while let Some(d) = s.get(j).filter(|c| c.is_ascii_digit()) {
        v = (v * 10 + (d - b'0') as i64).min(1 << 40);
        j += 1;
    }
    if j == digits {
        *i = start;
        return None;
    }
    *i = j;
    Some(if negative { -v } else { v })
}

/// Parses `{1:1.5,3:2}/5`; zero values are dropped, indices sorted, then checked.
pub fn parse_text(input: &str, typmod: i32) -> Result<Sparse> {
    let s = input.as_bytes();
    if s.iter().filter(|&&c| c == b',').count() + 1 > MAX_NNZ {
        return Err(Error::new(SqlState::ProgramLimitExceeded, format!("sparsevec cannot have more than {MAX_NNZ} non-zero elements")));
    }
    let mut i = 0;
    let skip = |i: &mut usize| {
        while *i < s.len() && is_space(s[*i]) {
            *i += 1;
        }
    };
    skip(&mut i);
    if s.get(i) != Some(&b'{') {
        return Err(syntax_error(input, Some("Vector contents must start with \"{\".")));
    }
    i += 1;
    skip(&mut i);
    let mut elements: Vec<(i32, f32)> = Vec::new();
    if s.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            skip(&mut i);
            let index = int_at(s, &mut i).ok_or_else(|| syntax_error(input, None))?;
            let index = index.clamp(i32::MIN as i64 + 1, i32::MAX as i64);
            skip(&mut i);
            if s.get(i) != Some(&b':') {
                return Err(syntax_error(input, None));
            }
            i += 1;
            skip(&mut i);
            let start = i;
            while i < s.len() && !is_space(s[i]) && s[i] != b',' && s[i] != b'}' {
                i += 1;
            }
            let token = &input[start..i];
            let x = parse_element("sparsevec", input, token)?;
            if x != 0.0 {
                elements.push(((index - 1) as i32, x));
            }
            skip(&mut i);
            match s.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return Err(syntax_error(input, None)),
            }
        }
    }
    skip(&mut i);
    if s.get(i) != Some(&b'/') {
        return Err(syntax_error(input, Some("Unexpected end of input.")));
    }
    i += 1;
    skip(&mut i);
    let dim = int_at(s, &mut i).ok_or_else(|| syntax_error(input, None))?.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
    skip(&mut i);
    if i != s.len() {
        return Err(syntax_error(input, Some("Junk after closing.")));
    }
    check_dim(dim)?;
    check_expected_dim(typmod, dim)?;
    elements.sort_by_key(|e| e.0);
    let (indices, values): (Vec<i32>, Vec<f32>) = elements.into_iter().unzip();
    check_indices(&indices, dim)?;
    Ok(Sparse { dim, indices, values })
}

pub fn format_text(v: &Sparse) -> String {
    let mut out = String::with_capacity(v.indices.len() * 16 + 16);
    out.push('{');
    for (k, (i, x)) in v.indices.iter().zip(&v.values).enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&(*i as i64 + 1).to_string());
        out.push(':');
        format_f32(*x, &mut out);
    }
    out.push_str("}/");
    out.push_str(&v.dim.to_string());
    out
}

/// pgvector's binary form (network byte order): int32 dim, nnz, unused = 0, int32 indices,
/// float4 values. Returns the vector and the bytes read.
pub fn parse_binary(buf: &[u8], typmod: i32) -> Result<(Sparse, usize)> {
    let short = || Error::new(SqlState::ProtocolViolation, "insufficient data left in message");
    let int = |at: usize| -> Result<i32> {
        let b = buf.get(at..at + 4).ok_or_else(short)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (dim, nnz, unused) = (int(0)?, int(4)?, int(8)?);
    check_dim(dim)?;
    check_nnz(nnz, dim)?;
    check_expected_dim(typmod, dim)?;
    if unused != 0 {
        return Err(Error::data(format!("expected unused to be 0, not {unused}")));
    }
    let n = nnz as usize;
    let indices: Vec<i32> = (0..n).map(|k| int(12 + 4 * k)).collect::<Result<_>>()?;
    check_indices(&indices, dim)?;
    let mut values = Vec::with_capacity(n);
    for k in 0..n {
        let x = f32::from_bits(int(12 + 4 * n + 4 * k)? as u32);
        check_value(x)?;
        if x == 0.0 {
            return Err(Error::data("binary representation of sparsevec cannot contain zero values"));
        }
        values.push(x);
    }
    Ok((Sparse { dim, indices, values }, 12 + 8 * n))
}

pub fn format_binary(v: &Sparse) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + 8 * v.indices.len());
    for x in [v.dim, v.indices.len() as i32, 0] {
        out.extend(x.to_be_bytes());
    }
    for i in &v.indices {
        out.extend(i.to_be_bytes());
    }
    for x in &v.values {
        out.extend(x.to_bits().to_be_bytes());
    }
    out
}

/// The non-zero elements of a dense vector (a `vector` or `halfvec` widened).
pub fn from_dense(values: &[f32], typmod: i32) -> Result<Sparse> {
    let dim = i32::try_from(values.len()).unwrap_or(i32::MAX);
    check_dim(dim)?;
    check_expected_dim(typmod, dim)?;
    let (indices, values): (Vec<i32>, Vec<f32>) = values.iter().enumerate().filter(|(_, x)| **x != 0.0).map(|(i, x)| (i as i32, *x)).unzip();
    values.iter().try_for_each(|x| check_value(*x))?;
    check_nnz(indices.len() as i32, dim)?;
    Ok(Sparse { dim, indices, values })
}

/// The dense elements, for a `vector` or `halfvec` of at most `max_dim` dimensions.
pub fn to_dense(v: &Sparse, type_name: &str, max_dim: usize) -> Result<Vec<f32>> {
    if v.dim as usize > max_dim {
        return Err(Error::new(SqlState::ProgramLimitExceeded, format!("{type_name} cannot have more than {max_dim} dimensions")));
    }
    let mut out = vec![0f32; v.dim as usize];
    for (i, x) in v.indices.iter().zip(&v.values) {
        out[*i as usize] = *x;
    }
    Ok(out)
}

pub fn check_same_dims(a: &Sparse, b: &Sparse) -> Result<()> {
    if a.dim != b.dim {
        return Err(Error::data(format!("different sparsevec dimensions {} and {}", a.dim, b.dim)));
    }
    Ok(())
}

/// Calls `each(x, y)` for every index in `a` or `b`, in ascending order (0 for the side that
/// lacks it): a merge of the two ascending index lists.
fn merge(a: &Sparse, b: &Sparse, mut each: impl FnMut(f32, f32)) {
    let (mut i, mut j) = (0, 0);
    while i < a.indices.len() && j < b.indices.len() {
        match a.indices[i].cmp(&b.indices[j]) {
            Ordering::Equal => {
                each(a.values[i], b.values[j]);
                i += 1;
                j += 1;
            }
            Ordering::Less => {
                each(a.values[i], 0.0);
                i += 1;
            }
            Ordering::Greater => {
                each(0.0, b.values[j]);
                j += 1;
            }
        }
    }
    a.values[i..].iter().for_each(|x| each(*x, 0.0));
    b.values[j..].iter().for_each(|y| each(0.0, *y));
}

/// Squared Euclidean distance, accumulated in f32 as pgvector does.
pub fn l2_squared(a: &Sparse, b: &Sparse) -> f32 {
    let mut d = 0f32;
    merge(a, b, |x, y| d += (x - y) * (x - y));
    d
}

pub fn inner_product(a: &Sparse, b: &Sparse) -> f32 {
    let mut d = 0f32;
    merge(a, b, |x, y| d += x * y);
    d
}

pub fn l1(a: &Sparse, b: &Sparse) -> f32 {
    let mut d = 0f32;
    merge(a, b, |x, y| d += (x - y).abs());
    d
}

/// 1 - cosine similarity, clamped to [0, 2]; NaN when either vector is zero.
pub fn cosine_distance(a: &Sparse, b: &Sparse) -> f64 {
    let sq = |v: &Sparse| v.values.iter().map(|x| x * x).sum::<f32>() as f64;
    let sim = inner_product(a, b) as f64 / (sq(a) * sq(b)).sqrt();
    if sim.is_nan() {
        return f64::NAN;
    }
    1.0 - sim.clamp(-1.0, 1.0)
}

pub fn norm(v: &Sparse) -> f64 {
    v.values.iter().map(|x| *x as f64 * *x as f64).sum::<f64>().sqrt()
}

/// Unit length (a zero vector stays zero); elements that underflow to zero are dropped.
pub fn l2_normalize(v: &Sparse) -> Result<Sparse> {
    let n = norm(v);
    if n == 0.0 {
        return Ok(v.clone());
    }
    let mut out = Sparse { dim: v.dim, indices: Vec::with_capacity(v.indices.len()), values: Vec::with_capacity(v.values.len()) };
    for (i, x) in v.indices.iter().zip(&v.values) {
        let y = (*x as f64 / n) as f32;
        if y.is_infinite() {
            return Err(Error::new(SqlState::NumericValueOutOfRange, "value out of range: overflow"));
        }
        if y != 0.0 {
            out.indices.push(*i);
            out.values.push(y);
        }
    }
    Ok(out)
}

/// pgvector's btree order: as the dense vectors compare element by element (as arrays do),
/// then by dimensions.
pub fn compare(a: &Sparse, b: &Sparse) -> Ordering {
    let n = a.indices.len().min(b.indices.len());
    let sign = |x: f32, negative_first: bool| if (x < 0.0) == negative_first { Ordering::Less } else { Ordering::Greater };
    for k in 0..n {
        let (ai, bi, ax, bx) = (a.indices[k], b.indices[k], a.values[k], b.values[k]);
        if ai < bi {
            return sign(ax, true);
        }
        if ai > bi {
            return sign(bx, false);
        }
        match ax.partial_cmp(&bx) {
            Some(Ordering::Less) => return Ordering::Less,
            Some(Ordering::Greater) => return Ordering::Greater,
            _ => {}
        }
    }
    if a.indices.len() < b.indices.len() && b.indices[n] < a.dim {
        return sign(b.values[n], false);
    }
    if a.indices.len() > b.indices.len() && a.indices[n] < b.dim {
        return sign(a.values[n], true);
    }
    a.dim.cmp(&b.dim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(s: &str) -> Sparse {
        parse_text(s, -1).unwrap()
    }

    fn err(s: &str) -> String {
        parse_text(s, -1).unwrap_err().message
    }

    #[test]
    fn parses_sorts_and_formats_like_pgvector() {
        let v = sv(" { 3:2 , 1:1.5 ,2:0 } / 5 ");
        assert_eq!(v, Sparse { dim: 5, indices: vec![0, 2], values: vec![1.5, 2.0] });
        assert_eq!(format_text(&v), "{1:1.5,3:2}/5");
        assert_eq!(format_text(&sv("{}/3")), "{}/3");
        assert_eq!(format_text(&sv("{1:-0.000001,1000000000:1e+20}/1000000000")), "{1:-1e-06,1000000000:1e+20}/1000000000");
        for (s, msg) in [
            ("", "invalid input syntax for type sparsevec: \"\""),
            ("[1,2]", "invalid input syntax for type sparsevec: \"[1,2]\""),
            ("{1:2}", "invalid input syntax for type sparsevec: \"{1:2}\""),
            ("{1:2}/", "invalid input syntax for type sparsevec: \"{1:2}/\""),
            ("{1:2}/3 x", "invalid input syntax for type sparsevec: \"{1:2}/3 x\""),
            ("{1 2}/3", "invalid input syntax for type sparsevec: \"{1 2}/3\""),
            ("{a:2}/3", "invalid input syntax for type sparsevec: \"{a:2}/3\""),
            ("{1:}/3", "invalid input syntax for type sparsevec: \"{1:}/3\""),
            ("{1:2,}/3", "invalid input syntax for type sparsevec: \"{1:2,}/3\""),
            ("{}/0", "sparsevec must have at least 1 dimension"),
            ("{}/1000000001", "sparsevec cannot have more than 1000000000 dimensions"),
            ("{0:1}/3", "sparsevec index out of bounds"),
            ("{4:1}/3", "sparsevec index out of bounds"),
            ("{-2147483649:1}/3", "sparsevec index out of bounds"),
            ("{1:1,1:2}/3", "sparsevec indices must not contain duplicates"),
            ("{1:NaN}/3", "NaN not allowed in sparsevec"),
            ("{1:inf}/3", "infinite value not allowed in sparsevec"),
            ("{1:1e39}/3", "\"1e39\" is out of range for type sparsevec"),
        ] {
            assert_eq!(err(s), msg, "{s}");
        }
        let many = format!("{{{}}}/20000", (1..=16001).map(|i| format!("{i}:1")).collect::<Vec<_>>().join(","));
        assert_eq!(err(&many), "sparsevec cannot have more than 16000 non-zero elements");
        assert_eq!(parse_text("{1:1}/3", 4).unwrap_err().message, "expected 4 dimensions, not 3");
    }

    #[test]
    fn binary_round_trips_and_is_checked() {
        let v = sv("{2:1.5,7:-3}/9");
        let b = format_binary(&v);
        assert_eq!(b.len(), 12 + 16);
        assert_eq!(parse_binary(&b, -1).unwrap(), (v.clone(), b.len()));
        let mut zero = b.clone();
        zero[20..24].copy_from_slice(&0f32.to_bits().to_be_bytes());
        assert_eq!(parse_binary(&zero, -1).unwrap_err().message, "binary representation of sparsevec cannot contain zero values");
        let mut swapped = b.clone();
        swapped[12..16].copy_from_slice(&6i32.to_be_bytes());
        swapped[16..20].copy_from_slice(&1i32.to_be_bytes());
        assert_eq!(parse_binary(&swapped, -1).unwrap_err().message, "sparsevec indices must be in ascending order");
        assert_eq!(parse_binary(&b[..20], -1).unwrap_err().state, SqlState::ProtocolViolation);
        let mut unused = b.clone();
        unused[8..12].copy_from_slice(&1i32.to_be_bytes());
        assert_eq!(parse_binary(&unused, -1).unwrap_err().message, "expected unused to be 0, not 1");
    }

    #[test]
    fn distances_match_the_dense_ones() {
        let (a, b) = (sv("{1:1,3:2,6:-1}/6"), sv("{2:4,3:1,6:2}/6"));
        let (da, db) = (to_dense(&a, "vector", 16000).unwrap(), to_dense(&b, "vector", 16000).unwrap());
        let l2: f32 = da.iter().zip(&db).map(|(x, y)| (x - y) * (x - y)).sum();
        let ip: f32 = da.iter().zip(&db).map(|(x, y)| x * y).sum();
        let l1d: f32 = da.iter().zip(&db).map(|(x, y)| (x - y).abs()).sum();
        assert_eq!((l2_squared(&a, &b), inner_product(&a, &b), l1(&a, &b)), (l2, ip, l1d));
        assert_eq!((l2_squared(&b, &a), l1(&b, &a)), (l2, l1d));
        let cos = 1.0 - ip as f64 / (6f64 * 21f64).sqrt();
        assert!((cosine_distance(&a, &b) - cos).abs() < 1e-7);
        assert!(cosine_distance(&a, &sv("{}/6")).is_nan());
        assert_eq!(from_dense(&da, -1).unwrap(), a);
        assert_eq!(norm(&sv("{1:3,2:4}/2")), 5.0);
        assert_eq!(format_text(&l2_normalize(&sv("{1:3,2:4}/2")).unwrap()), "{1:0.6,2:0.8}/2");
        assert_eq!(to_dense(&sv("{}/16001"), "vector", 16000).unwrap_err().message, "vector cannot have more than 16000 dimensions");
    }

    #[test]
    fn order_is_the_dense_order() {
        let vs = ["{}/3", "{1:1}/3", "{1:-1}/3", "{2:1}/3", "{2:-1}/3", "{1:1,3:1}/3", "{}/2", "{1:1}/2", "{3:5}/4"].map(sv);
        for a in &vs {
            for b in &vs {
                let (da, db) = (to_dense(a, "v", 10).unwrap(), to_dense(b, "v", 10).unwrap());
                let dense = da.iter().zip(&db).map(|(x, y)| x.partial_cmp(y).unwrap()).find(|o| o.is_ne()).unwrap_or(da.len().cmp(&db.len()));
                assert_eq!(compare(a, b), dense, "{} vs {}", format_text(a), format_text(b));
            }
        }
    }
}
