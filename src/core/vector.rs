//! The `vector` value without Postgres: validation, text form, element-wise arithmetic and
//! ordering, with pgvector's rules and error messages.

use crate::error::{excerpt, Error, Result, SqlState};
use std::cmp::Ordering;

/// pgvector's limit, which keeps an index tuple within a page.
pub const MAX_DIM: usize = 16000;

pub fn check_dim(dim: usize) -> Result<()> {
    if dim < 1 {
        return Err(Error::data("vector must have at least 1 dimension"));
    }
    if dim > MAX_DIM {
        return Err(Error::new(
            SqlState::ProgramLimitExceeded,
            format!("vector cannot have more than {MAX_DIM} dimensions"),
        ));
    }
    Ok(())
}

/// `typmod` is -1 for an unconstrained `vector`.
pub fn check_expected_dim(typmod: i32, dim: usize) -> Result<()> {
    if typmod != -1 && typmod as i64 != dim as i64 {
        return Err(Error::data(format!("expected {typmod} dimensions, not {dim}")));
    }
    Ok(())
}

pub fn check_same_dims(a: usize, b: usize) -> Result<()> {
    if a != b {
        return Err(Error::data(format!("different vector dimensions {a} and {b}")));
    }
    Ok(())
}

pub fn check_element(x: f32) -> Result<()> {
    check_element_of(x, "vector")
}

/// The element rules, with `type_name` in the messages (sparsevec shares them).
pub(crate) fn check_element_of(x: f32, type_name: &str) -> Result<()> {
    if x.is_nan() {
        return Err(Error::data(format!("NaN not allowed in {type_name}")));
    }
    if x.is_infinite() {
        return Err(Error::data(format!("infinite value not allowed in {type_name}")));
    }
    Ok(())
}

/// Typmod of `vector(n)`.
pub fn typmod_in(mods: &[i32]) -> Result<i32> {
    if mods.len() != 1 {
        return Err(Error::invalid_parameter("invalid type modifier"));
    }
    if mods[0] < 1 {
        return Err(Error::invalid_parameter("dimensions for type vector must be at least 1"));
    }
    if mods[0] as usize > MAX_DIM {
        return Err(Error::invalid_parameter(format!(
            "dimensions for type vector cannot exceed {MAX_DIM}"
        )));
    }
    Ok(mods[0])
}

fn syntax_error(input: &str, detail: Option<&str>) -> Error {
    syntax_error_of("vector", input, detail)
}

/// pgvector's syntax error for `type_name` (sparsevec shares it).
pub(crate) fn syntax_error_of(type_name: &str, input: &str, detail: Option<&str>) -> Error {
    let e = Error::new(
        SqlState::InvalidTextRepresentation,
        format!("invalid input syntax for type {type_name}: \"{}\"", excerpt(input)),
    );
    match detail {
        Some(d) => e.with_detail(d),
        None => e,
    }
}

/// One element's text (`token`, of `input`), correctly rounded, with pgvector's range and
/// element errors for `type_name`.
pub(crate) fn parse_element(type_name: &str, input: &str, token: &str) -> Result<f32> {
    let x: f32 = token.parse().map_err(|_| syntax_error_of(type_name, input, None))?;
    if x.is_infinite() && !token.trim_start_matches(['+', '-']).to_ascii_lowercase().starts_with("inf") {
        return Err(Error::new(
            SqlState::NumericValueOutOfRange,
            format!("\"{}\" is out of range for type {type_name}", excerpt(token)),
        ));
    }
    check_element_of(x, type_name)?;
    Ok(x)
}

pub(crate) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// Parses `[1,2.5,3]` (whitespace allowed around elements). Every element is parsed with
/// correct rounding, so `format_text` then `parse_text` gives back the same bits.
pub fn parse_text(input: &str, typmod: i32) -> Result<Vec<f32>> {
    let s = input.as_bytes();
    let mut i = 0;
    let skip = |i: &mut usize| {
        while *i < s.len() && is_space(s[*i]) {
            *i += 1;
        }
    };
    skip(&mut i);
    if i >= s.len() || s[i] != b'[' {
        return Err(syntax_error(input, Some("Vector contents must start with \"[\".")));
    }
    i += 1;
    skip(&mut i);
    if i < s.len() && s[i] == b']' {
        return Err(Error::data("vector must have at least 1 dimension"));
    }
    let mut out = Vec::new();
    loop {
        if out.len() == MAX_DIM {
            return Err(Error::new(
                SqlState::ProgramLimitExceeded,
                format!("vector cannot have more than {MAX_DIM} dimensions"),
            ));
        }
        skip(&mut i);
        let start = i;
        while i < s.len() && !is_space(s[i]) && s[i] != b',' && s[i] != b']' {
            i += 1;
        }
        let token = &input[start..i];
        if token.is_empty() {
            return Err(syntax_error(input, (i >= s.len()).then_some("Unexpected end of input.")));
        }
        out.push(parse_element("vector", input, token)?);
        skip(&mut i);
        match s.get(i) {
            Some(b',') => i += 1,
            Some(b']') => {
                i += 1;
                break;
            }
            None => return Err(syntax_error(input, Some("Unexpected end of input."))),
            Some(_) => return Err(syntax_error(input, None)),
        }
    }
    skip(&mut i);
    if i != s.len() {
        return Err(syntax_error(input, Some("Junk after closing right bracket.")));
    }
    check_dim(out.len())?;
    check_expected_dim(typmod, out.len())?;
    Ok(out)
}

/// pgvector's binary form (int16 dimensions, int16 unused = 0, float4 x dimensions, network
/// byte order) at the start of `buf`: the values and the number of bytes read.
pub fn parse_binary(buf: &[u8], typmod: i32) -> Result<(Vec<f32>, usize)> {
    let short = || Error::new(SqlState::ProtocolViolation, "insufficient data left in message");
    let header = buf.get(..4).ok_or_else(short)?;
    let dim = i16::from_be_bytes([header[0], header[1]]);
    let unused = i16::from_be_bytes([header[2], header[3]]);
    check_dim(dim.max(0) as usize)?;
    check_expected_dim(typmod, dim as usize)?;
    if unused != 0 {
        return Err(Error::data(format!("expected unused to be 0, not {unused}")));
    }
    let end = 4 + dim as usize * 4;
    let body = buf.get(4..end).ok_or_else(short)?;
    let values: Vec<f32> = body.chunks_exact(4).map(|b| f32::from_be_bytes([b[0], b[1], b[2], b[3]])).collect();
    check_elements(&values)?;
    Ok((values, end))
}

/// Shortest text that reads back as the same float4, formatted like Postgres' float4out
/// (fixed notation for decimal exponents -4..5, else `1.5e+07`).
pub fn format_f32(x: f32, out: &mut String) {
    let sci = format!("{x:e}"); // shortest round-trip digits, e.g. "-1.2345e-5"
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if neg {
        out.push('-');
    }
    if (-4..6).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()));
    }
}

pub fn format_text(v: &[f32]) -> String {
    let mut out = String::with_capacity(v.len() * 12 + 2);
    out.push('[');
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        format_f32(*x, &mut out);
    }
    out.push(']');
    out
}

fn overflow() -> Error {
    Error::new(SqlState::NumericValueOutOfRange, "value out of range: overflow")
}

fn underflow() -> Error {
    Error::new(SqlState::NumericValueOutOfRange, "value out of range: underflow")
}

/// Element-wise `a op b`, rejecting results that overflow to infinity.
pub fn elementwise(a: &[f32], b: &[f32], op: fn(f32, f32) -> f32) -> Result<Vec<f32>> {
    check_same_dims(a.len(), b.len())?;
    let out: Vec<f32> = a.iter().zip(b).map(|(x, y)| op(*x, *y)).collect();
    if out.iter().any(|x| x.is_infinite()) {
        return Err(overflow());
    }
    Ok(out)
}

/// Element-wise product: like Postgres' float4mul, a non-zero product that rounds to zero is
/// an underflow error.
pub fn multiply(a: &[f32], b: &[f32]) -> Result<Vec<f32>> {
    let out = elementwise(a, b, |x, y| x * y)?;
    for ((x, y), r) in a.iter().zip(b).zip(&out) {
        if *r == 0.0 && *x != 0.0 && *y != 0.0 {
            return Err(underflow());
        }
    }
    Ok(out)
}

/// pgvector's order: element by element, then the shorter vector first.
pub fn compare(a: &[f32], b: &[f32]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.partial_cmp(y) {
            Some(Ordering::Equal) | None => {}
            Some(o) => return o,
        }
    }
    a.len().cmp(&b.len())
}

/// Elements `start` (1-based) to `start + count - 1`, clipped to the vector like pgvector.
pub fn subvector(v: &[f32], start: i32, count: i32) -> Result<Vec<f32>> {
    if count < 1 {
        return Err(Error::data("vector must have at least 1 dimension"));
    }
    let end = (start as i64) + (count as i64); // exclusive, 1-based
    let first = (start as i64).max(1);
    let last = end.min(v.len() as i64 + 1);
    if first >= last {
        return Err(Error::data("vector must have at least 1 dimension"));
    }
    Ok(v[(first - 1) as usize..(last - 1) as usize].to_vec())
}

/// Euclidean norm, accumulated in double precision.
pub fn norm(v: &[f32]) -> f64 {
    v.iter().map(|x| (*x as f64) * (*x as f64)).sum::<f64>().sqrt()
}

/// Unit vector in the same direction; a zero vector stays zero (as in pgvector).
pub fn l2_normalize(v: &[f32]) -> Vec<f32> {
    let norm = norm(v);
    if norm == 0.0 {
        return v.to_vec();
    }
    v.iter().map(|x| (*x as f64 / norm) as f32).collect()
}

/// Accumulates `v` into the state of avg(vector): [count, sum_1, ..., sum_n]. A state with
/// count 0 (the aggregate's initial `{0}`) starts over, as in `avg_combine`.
/// An avg state is `[count, sums...]`: anyone can call the state functions with a crafted
/// array, so the count must be a whole, non-negative number of rows.
fn check_avg_state(state: &[f64]) -> Result<()> {
    match state.first() {
        Some(&count) if !(count.is_finite() && count >= 0.0 && count.fract() == 0.0) => Err(Error::new(
            SqlState::DataException,
            format!("invalid avg state: the count must be a whole number of rows, not {count:?}"),
        )),
        _ => Ok(()),
    }
}

pub fn avg_accumulate(state: &mut Vec<f64>, v: &[f32]) -> Result<()> {
    check_avg_state(state)?;
    if state.first().is_none_or(|count| *count == 0.0) {
        state.clear();
        state.push(0.0);
        state.extend(std::iter::repeat_n(0.0, v.len()));
    }
    check_same_dims(state.len() - 1, v.len())?;
    state[0] += 1.0;
    for (s, x) in state[1..].iter_mut().zip(v) {
        *s += *x as f64;
    }
    Ok(())
}

pub fn avg_combine(a: &[f64], b: &[f64]) -> Result<Vec<f64>> {
    check_avg_state(a)?;
    check_avg_state(b)?;
    if a.is_empty() || a[0] == 0.0 {
        return Ok(b.to_vec());
    }
    if b.is_empty() || b[0] == 0.0 {
        return Ok(a.to_vec());
    }
    check_same_dims(a.len() - 1, b.len() - 1)?;
    Ok(a.iter().zip(b).map(|(x, y)| x + y).collect())
}

/// The average, or None for no rows. The state may be crafted (`vector_avg('{1,NaN}')` is
/// callable by anyone), so the result is held to the type's invariants like any input.
pub fn avg_final(state: &[f64]) -> Result<Option<Vec<f32>>> {
    check_avg_state(state)?;
    if state.len() < 2 || state[0] == 0.0 {
        return Ok(None);
    }
    check_dim(state.len() - 1)?;
    let out: Vec<f32> = state[1..].iter().map(|s| (s / state[0]) as f32).collect();
    if out.iter().any(|x| x.is_infinite()) {
        return Err(overflow());
    }
    check_elements(&out)?;
    Ok(Some(out))
}

/// Every element finite (the type's invariant), for vectors built from computed values.
pub fn check_elements(values: &[f32]) -> Result<()> {
    if values.iter().all(|x| x.is_finite()) {
        return Ok(());
    }
    values.iter().try_for_each(|x| check_element(*x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::test_rng::XorShift;

    #[test]
    fn parses_and_rejects_like_pgvector() {
        assert_eq!(parse_text("[1,2.5,3]", -1).unwrap(), vec![1.0, 2.5, 3.0]);
        assert_eq!(parse_text("  [ 1 , -2e3 ,.5 ]  ", 3).unwrap(), vec![1.0, -2000.0, 0.5]);
        let err = |s: &str| parse_text(s, -1).unwrap_err();
        assert_eq!(err("1,2").state, SqlState::InvalidTextRepresentation);
        assert_eq!(err("[]").message, "vector must have at least 1 dimension");
        assert_eq!(err("[1,2").detail.as_deref(), Some("Unexpected end of input."));
        assert_eq!(err("[1,]").state, SqlState::InvalidTextRepresentation);
        assert_eq!(err("[1] x").detail.as_deref(), Some("Junk after closing right bracket."));
        assert_eq!(err("[a]").state, SqlState::InvalidTextRepresentation);
        assert_eq!(err("[NaN]").message, "NaN not allowed in vector");
        assert_eq!(err("[-Infinity]").message, "infinite value not allowed in vector");
        assert_eq!(err("[1e39]").message, "\"1e39\" is out of range for type vector");
        assert_eq!(parse_text("[1,2]", 3).unwrap_err().message, "expected 3 dimensions, not 2");
        let big = format!("[{}]", vec!["0"; MAX_DIM + 1].join(","));
        assert_eq!(err(&big).state, SqlState::ProgramLimitExceeded);
    }

    #[test]
    fn formats_like_float4out() {
        let f = |x: f32| {
            let mut s = String::new();
            format_f32(x, &mut s);
            s
        };
        assert_eq!(f(1.0), "1");
        assert_eq!(f(2.5), "2.5");
        assert_eq!(f(-0.0), "-0");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(0.00001), "1e-05");
        assert_eq!(f(123456.0), "123456");
        assert_eq!(f(1234567.0), "1.234567e+06");
        assert_eq!(f(1e20), "1e+20");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(f32::MAX), "3.4028235e+38");
        assert_eq!(format_text(&[1.0, 2.5, 3.0]), "[1,2.5,3]");
    }

    #[test]
    fn text_round_trip_is_bit_exact() {
        let mut rng = XorShift(0x9E3779B97F4A7C15);
        for _ in 0..200_000 {
            let x = f32::from_bits(rng.next_u64() as u32);
            if !x.is_finite() {
                continue;
            }
            let mut s = String::new();
            format_f32(x, &mut s);
            let back = parse_text(&format!("[{s}]"), -1).unwrap()[0];
            assert_eq!(back.to_bits(), x.to_bits(), "{x:e} -> {s}");
        }
    }

    #[test]
    fn arithmetic_ordering_and_helpers() {
        assert_eq!(elementwise(&[1.0, 2.0], &[3.0, 4.0], |a, b| a + b).unwrap(), vec![4.0, 6.0]);
        assert_eq!(elementwise(&[f32::MAX], &[f32::MAX], |a, b| a + b).unwrap_err().message, "value out of range: overflow");
        assert_eq!(multiply(&[1e-30], &[1e-30]).unwrap_err().message, "value out of range: underflow");
        assert_eq!(elementwise(&[1.0], &[1.0, 2.0], |a, b| a + b).unwrap_err().message, "different vector dimensions 1 and 2");
        assert_eq!(compare(&[1.0, 2.0], &[1.0, 3.0]), Ordering::Less);
        assert_eq!(compare(&[1.0, 2.0], &[1.0]), Ordering::Greater);
        assert_eq!(compare(&[1.0], &[1.0]), Ordering::Equal);
        assert_eq!(subvector(&[1.0, 2.0, 3.0, 4.0], 2, 2).unwrap(), vec![2.0, 3.0]);
        assert_eq!(subvector(&[1.0, 2.0, 3.0], 0, 3).unwrap(), vec![1.0, 2.0]);
        assert_eq!(subvector(&[1.0, 2.0, 3.0], 3, 9).unwrap(), vec![3.0]);
        assert!(subvector(&[1.0, 2.0, 3.0], 4, 1).is_err());
        assert!(subvector(&[1.0, 2.0, 3.0], 1, 0).is_err());
        assert_eq!(l2_normalize(&[3.0, 4.0]), vec![0.6, 0.8]);
        assert_eq!(l2_normalize(&[0.0, 0.0]), vec![0.0, 0.0]);
        assert_eq!(typmod_in(&[3]).unwrap(), 3);
        assert!(typmod_in(&[0]).is_err() && typmod_in(&[16001]).is_err() && typmod_in(&[1, 2]).is_err());
        let mut s = Vec::new();
        avg_accumulate(&mut s, &[1.0, 2.0]).unwrap();
        avg_accumulate(&mut s, &[3.0, 4.0]).unwrap();
        let c = avg_combine(&s, &[1.0, 5.0, 6.0]).unwrap();
        assert_eq!(avg_final(&c).unwrap().unwrap(), vec![3.0, 4.0]);
        assert_eq!(avg_final(&[]).unwrap(), None);
        let mut initial = vec![0.0]; // the aggregate's INITCOND '{0}'
        avg_accumulate(&mut initial, &[2.0, 3.0]).unwrap();
        assert_eq!(initial, vec![1.0, 2.0, 3.0]);
        assert_eq!(norm(&[3.0, 4.0]), 5.0);
    }

    #[test]
    fn crafted_avg_states_keep_the_invariants() {
        assert_eq!(avg_final(&[1.0, f64::NAN]).unwrap_err().message, "NaN not allowed in vector");
        // the count is a whole, non-negative number of rows, in every state function
        for count in [f64::NAN, -1.0, 0.5, f64::INFINITY, 1e-300] {
            let e = avg_final(&[count, 1.0]).unwrap_err();
            assert!(e.message.starts_with("invalid avg state: the count must be a whole number of rows"), "{count}: {}", e.message);
            assert!(avg_combine(&[count, 1.0], &[1.0, 1.0]).is_err(), "{count}");
            assert!(avg_combine(&[1.0, 1.0], &[count, 1.0]).is_err(), "{count}");
            assert!(avg_accumulate(&mut vec![count, 1.0], &[1.0]).is_err(), "{count}");
        }
        assert_eq!(avg_final(&[1.0, 1e300]).unwrap_err().message, "value out of range: overflow");
        let big = vec![1.0; MAX_DIM + 2];
        assert_eq!(avg_final(&big).unwrap_err().message, "vector cannot have more than 16000 dimensions");
        let max = vec![1.0; MAX_DIM + 1];
        assert_eq!(avg_final(&max).unwrap().unwrap().len(), MAX_DIM);
    }

    /// Random and mutated binary inputs: every one is either a valid vector or a clean error.
    #[test]
    fn fuzzed_binary_input_never_panics() {
        let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next_u64();
        let (mut ok, mut err) = (0, 0);
        for _ in 0..50_000 {
            let dim = (next() % 40) as i16 - 4;
            let mut buf = Vec::new();
            buf.extend_from_slice(&dim.to_be_bytes());
            buf.extend_from_slice(&((next() % 8 == 0) as i16).to_be_bytes());
            for _ in 0..(next() % 44) {
                let x = match next() % 6 {
                    0 => f32::NAN,
                    1 => f32::INFINITY,
                    _ => f32::from_bits(next() as u32) % 1e6,
                };
                buf.extend_from_slice(&x.to_be_bytes());
            }
            if next() % 5 == 0 {
                let i = (next() as usize) % buf.len();
                buf[i] ^= next() as u8;
            }
            let typmod = if next() % 4 == 0 { (next() % 10) as i32 } else { -1 };
            match parse_binary(&buf, typmod) {
                Ok((v, used)) => {
                    assert!(used <= buf.len() && (1..=MAX_DIM).contains(&v.len()));
                    assert!(v.iter().all(|x| x.is_finite()));
                    ok += 1;
                }
                Err(e) => {
                    assert!(!e.message.is_empty());
                    err += 1;
                }
            }
        }
        assert!(ok > 1000 && err > 1000, "{ok} valid, {err} rejected");
    }

    /// Random text literals from an adversarial alphabet: parse or fail cleanly, and whatever
    /// parses prints back to the same vector.
    #[test]
    fn fuzzed_text_input_round_trips_or_fails_cleanly() {
        let alphabet = [
            "[", "]", ",", " ", "1", "-", ".", "e", "+", "5", "NaN", "inf", "1e39", "-1e-46", "0x1", "é", "\\", "\t",
            "\u{0}", "9999999999999999999999", "3.4028235e38",
        ];
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut next = || rng.next_u64() as usize;
        let mut parsed = 0;
        for _ in 0..50_000 {
            let mut s = String::from(if next() % 3 == 0 { "" } else { "[" });
            for _ in 0..(next() % 16) {
                s.push_str(alphabet[next() % alphabet.len()]);
            }
            if next() % 2 == 0 {
                s.push(']');
            }
            if let Ok(v) = parse_text(&s, -1) {
                assert!(v.iter().all(|x| x.is_finite()) && !v.is_empty());
                assert_eq!(parse_text(&format_text(&v), -1).unwrap(), v);
                parsed += 1;
            }
        }
        assert!(parsed > 100, "{parsed}");
    }

    #[test]
    fn errors_echo_a_bounded_excerpt() {
        let huge = format!("[{}", "1".repeat(1_000_000));
        let e = parse_text(&huge, -1).unwrap_err();
        assert!(e.message.len() < 200, "{}", e.message.len());
        assert!(e.message.contains("...\""), "{}", e.message);
        let long_token = format!("[{}]", "9".repeat(100_000));
        assert!(parse_text(&long_token, -1).unwrap_err().message.len() < 200);
        assert_eq!(parse_text("[a]", -1).unwrap_err().message, "invalid input syntax for type vector: \"[a]\"");
    }
}
