//! Names of trained models and the references that pick one (the catalog itself is
//! src/pg/catalog.rs and sql/catalog.sql).
//!
//! A model belongs to a role, and its name is unique per owner: `recs` is the calling role's own
//! model, `alice.recs` is role alice's (usable only where alice granted it), `recs@3` and
//! `alice.recs@3` pin a version. The owner part follows SQL's identifier rules (unquoted is
//! folded to lower case, `"Data Team".recs` keeps case and dots); the model name is taken as
//! written.

use crate::error::{excerpt, Error};

/// When a new version serves unpinned references (options.deploy of every trainer that has it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deploy {
    /// The default: every new version serves.
    Always,
    /// Only when it scores at least as well as the deployed version on the same held-out rows;
    /// a deployed version that cannot be scored on them leaves the new one undeployed.
    IfBetter,
    Never,
}

impl Deploy {
    pub fn parse(policy: Option<&str>) -> Result<Deploy, Error> {
        match policy {
            None | Some("always") => Ok(Deploy::Always),
            Some("if_better") => Ok(Deploy::IfBetter),
            Some("never") => Ok(Deploy::Never),
            Some(d) => Err(Error::invalid_parameter(format!("unknown deploy \"{}\"", excerpt(d))).with_hint("use always, if_better or never")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Deploy::Always => "always",
            Deploy::IfBetter => "if_better",
            Deploy::Never => "never",
        }
    }

    /// Whether the new version serves. `versus`: with if_better, whether a deployed version
    /// existed (outer) and, when it could be scored on the new test rows, whether the new one
    /// does at least as well (inner).
    pub fn decide(self, versus: Option<Option<bool>>) -> bool {
        match (self, versus) {
            (Deploy::Never, _) => false,
            (Deploy::IfBetter, Some(None)) => false,
            (Deploy::IfBetter, Some(Some(at_least_as_good))) => at_least_as_good,
            _ => true,
        }
    }
}

/// A parsed model reference: `[owner.]name[@version]`.
#[derive(Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    pub owner: Option<String>,
    pub name: &'a str,
    pub version: Option<i32>,
}

/// `name`, `owner.name`, with an optional `@version`, as the model arguments accept it.
pub fn parse_reference(reference: &str) -> Result<Reference<'_>, Error> {
    let (rest, version) = match reference.rsplit_once('@') {
        None => (reference, None),
        Some((rest, v)) => match v.parse::<i32>() {
            Ok(v) if v > 0 => (rest, Some(v)),
            _ => {
                return Err(Error::invalid_parameter(format!(
                    "invalid model reference \"{}\": the version after @ must be a positive integer",
                    excerpt(reference)
                )))
            }
        },
    };
    let (owner, name) = split_owner(rest).ok_or_else(|| {
        Error::invalid_parameter(format!("invalid model reference \"{}\"", excerpt(reference)))
            .with_hint("write name, owner.name or \"Owner Role\".name, optionally followed by @version")
    })?;
    check_stored_name(name)?;
    Ok(Reference { owner, name, version })
}

/// Splits `owner.name` at the first dot outside quotes; `None` for an unterminated quote or an
/// empty owner.
fn split_owner(s: &str) -> Option<(Option<String>, &str)> {
    if let Some(quoted) = s.strip_prefix('"') {
        // "..." with "" for a quote inside, then a dot.
        let mut owner = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if quoted[i + 1..].starts_with('"') {
                    owner.push('"');
                    chars.next();
                    continue;
                }
                let name = quoted[i + 1..].strip_prefix('.')?;
                return (!owner.is_empty()).then_some((Some(owner), name));
            }
            owner.push(c);
        }
        return None;
    }
    match s.split_once('.') {
        None => Some((None, s)),
        Some(("", _)) => None,
        Some((owner, name)) => Some((Some(owner.to_ascii_lowercase()), name)),
    }
}

/// A model name as training stores it (without owner or version).
pub fn check_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && !name.starts_with('-')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_parameter(format!("invalid model name \"{}\"", excerpt(name)))
            .with_hint("use 1 to 63 letters, digits, _ or -, not starting with -; owner.name trains a model of a role you belong to"))
    }
}

/// A name as the catalog may hold it (its CHECK constraint): what [`check_name`] accepts, and
/// dots, which names trained before owners existed may have. References are checked with it
/// before any lookup.
pub fn check_stored_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && !name.starts_with(['.', '-'])
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_parameter(format!("invalid model name \"{}\"", excerpt(name)))
            .with_hint("use 1 to 63 letters, digits, _ or -, not starting with -; owner.name names another role's model"))
    }
}

/// The name a role and model are shown by in messages: `owner.name`, the owner quoted when SQL
/// would need it.
pub fn qualified(owner: &str, name: &str) -> String {
    let plain = !owner.is_empty()
        && owner.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !owner.as_bytes()[0].is_ascii_digit();
    if plain {
        format!("{owner}.{name}")
    } else {
        format!("\"{}\".{name}", owner.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r<'a>(owner: Option<&str>, name: &'a str, version: Option<i32>) -> Reference<'a> {
        Reference { owner: owner.map(str::to_string), name, version }
    }

    #[test]
    fn references() {
        assert_eq!(parse_reference("telco"), Ok(r(None, "telco", None)));
        assert_eq!(parse_reference("telco@3"), Ok(r(None, "telco", Some(3))));
        assert_eq!(parse_reference("alice.telco@3"), Ok(r(Some("alice"), "telco", Some(3))));
        assert_eq!(parse_reference("Alice.telco"), Ok(r(Some("alice"), "telco", None)));
        assert_eq!(parse_reference("\"Data.Team\".recs"), Ok(r(Some("Data.Team"), "recs", None)));
        assert_eq!(parse_reference("\"a\"\"b\".recs@2"), Ok(r(Some("a\"b"), "recs", Some(2))));
        // a name trained before owners existed, with a dot in it, stays reachable qualified
        assert_eq!(parse_reference("alice.a.b"), Ok(r(Some("alice"), "a.b", None)));
        for bad in ["telco@0", "telco@x", "telco@", ".telco", "\"alice.telco", "\"\".telco", "\"alice\"telco"] {
            assert!(parse_reference(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        for ok in ["telco", "churn_v2", "a-b_c", "X9"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-x", "a b", "x@1", "a.b", "x\"; DROP", &"n".repeat(64), "é"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn qualified_names_quote_when_sql_would() {
        assert_eq!(qualified("alice", "recs"), "alice.recs");
        assert_eq!(qualified("Data Team", "recs"), "\"Data Team\".recs");
        assert_eq!(qualified("a\"b", "recs"), "\"a\"\"b\".recs");
    }
}
