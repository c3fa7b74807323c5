//! Names of trained models and the `name@version` references that pick one (the catalog itself
//! is src/pg/catalog.rs and sql/catalog.sql).

use crate::error::{excerpt, Error};

/// `name` or `name@version`, as the model arguments of predict functions accept it.
pub fn parse_reference(reference: &str) -> Result<(&str, Option<i32>), Error> {
    match reference.rsplit_once('@') {
        None => Ok((reference, None)),
        Some((name, v)) => match v.parse::<i32>() {
            Ok(v) if v > 0 => Ok((name, Some(v))),
            _ => Err(Error::invalid_parameter(format!(
                "invalid model reference \"{}\": the version after @ must be a positive integer",
                excerpt(reference)
            ))),
        },
    }
}

pub fn check_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && !name.starts_with(['.', '-'])
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_parameter(format!("invalid model name \"{}\"", excerpt(name)))
            .with_hint("use 1 to 63 letters, digits, _ . or -, not starting with . or -"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_reference("telco"), Ok(("telco", None)));
        assert_eq!(parse_reference("telco@3"), Ok(("telco", Some(3))));
        assert!(parse_reference("telco@0").is_err());
        assert!(parse_reference("telco@x").is_err());
        assert!(parse_reference("telco@").is_err());
    }

    #[test]
    fn names() {
        for ok in ["telco", "churn_v2", "a.b-c", "X9"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".x", "-x", "a b", "x@1", "x\"; DROP", &"n".repeat(64), "é"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
