//! From table columns to model inputs: which columns are features, what kind each is, and how a
//! row becomes numbers. The spec is fitted on the training rows and stored with the model, so
//! prediction encodes exactly as training did (same categories, same "other" bucket).
//!
//! Encoding: numbers as they are, booleans 0/1, dates and timestamps as days since 1970 (and, for
//! train_model, their month, ISO day of week and hour as well: `Kind::TimeParts`), text as
//! one-hot over its most frequent values plus an "other" slot for the rest and for values never
//! seen in training; NULL is NaN for numbers, booleans and times (the models impute or route
//! it), and all-zero for text.

use crate::core::table::{Column, Values};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// By default at most this many one-hot slots per text column (the most frequent values), plus
/// "other".
pub const MAX_LEVELS: usize = 100;

/// Slots of a `Kind::TimeParts` feature: days since 1970, month, ISO day of week, hour (UTC).
pub const TIME_PARTS: usize = 4;

const SECONDS_PER_DAY: f64 = 86_400.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Kind {
    Number,
    Bool,
    /// Days since 1970-01-01.
    Time,
    /// Days since 1970-01-01, month (1-12), ISO day of week (1 = Monday) and hour (0-23), UTC.
    TimeParts,
    Category {
        levels: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    pub name: String,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    pub features: Vec<Feature>,
}

/// How text columns become numbers: one-hot slots (linear models) or one slot holding the
/// level's index, for models with native categorical splits (trees).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    OneHot,
    Codes,
}

/// One input value, from a table row or a jsonb object.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Null,
    Num(f64),
    Bool(bool),
    Text(String),
}

/// The value of `column` at `row`, as a [`Raw`] (times in seconds, as the table holds them).
pub fn raw_at(column: &Column, row: usize) -> Raw {
    match &column.values {
        Values::Number(v) | Values::Time(v) => v[row].map_or(Raw::Null, Raw::Num),
        Values::Bool(v) => v[row].map_or(Raw::Null, Raw::Bool),
        Values::Text(v) => v[row].clone().map_or(Raw::Null, Raw::Text),
        Values::Vector(_) => Raw::Null,
    }
}

impl Feature {
    /// Slots this feature takes in an encoded row.
    pub fn width(&self, encoding: Encoding) -> usize {
        match (&self.kind, encoding) {
            (Kind::Category { levels }, Encoding::OneHot) => levels.len() + 1,
            (Kind::TimeParts, _) => TIME_PARTS,
            _ => 1,
        }
    }

    /// The kind's name as messages and explanations show it.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Number => "number",
            Kind::Bool => "boolean",
            Kind::Time | Kind::TimeParts => "date/time",
            Kind::Category { .. } => "text",
        }
    }
}

impl Spec {
    /// The spec of `columns`, fitted on `rows` (text levels are counted there only), times as
    /// days, at most MAX_LEVELS levels per text (the churn preset).
    pub fn fit(columns: &[&Column], rows: &[usize]) -> Result<Spec> {
        Spec::fit_with(columns, rows, false, MAX_LEVELS)
    }

    /// [`Spec::fit`] with times in parts or not, and at most `max_levels` levels per text.
    pub fn fit_with(columns: &[&Column], rows: &[usize], time_parts: bool, max_levels: usize) -> Result<Spec> {
        let mut features = Vec::with_capacity(columns.len());
        for c in columns {
            let present = rows.iter().filter(|&&r| raw_at(c, r) != Raw::Null).count();
            if present == 0 {
                return Err(
                    Error::data(format!("column \"{}\" has no value in the training rows", c.name)).with_hint("leave it out with options {\"exclude\": [...]}")
                );
            }
            let kind = match &c.values {
                Values::Number(_) => Kind::Number,
                Values::Bool(_) => Kind::Bool,
                Values::Time(_) if time_parts => Kind::TimeParts,
                Values::Time(_) => Kind::Time,
                Values::Text(v) => Kind::Category { levels: top_levels(rows.iter().filter_map(|&r| v[r].as_deref()), max_levels) },
                Values::Vector(_) => {
                    return Err(Error::invalid_parameter(format!("column \"{}\" is a vector, which tabular models do not use", c.name))
                        .with_hint("leave it out with options {\"exclude\": [...]}"))
                }
            };
            features.push(Feature { name: c.name.clone(), kind });
        }
        Ok(Spec { features })
    }

    pub fn width(&self, encoding: Encoding) -> usize {
        self.features.iter().map(|f| f.width(encoding)).sum()
    }

    /// For each encoded slot, the index of its feature.
    pub fn slot_features(&self, encoding: Encoding) -> Vec<usize> {
        self.features.iter().enumerate().flat_map(|(i, f)| std::iter::repeat_n(i, f.width(encoding))).collect()
    }

    /// The slots holding category codes (with `Encoding::Codes`).
    pub fn category_slots(&self) -> Vec<usize> {
        self.features.iter().enumerate().filter(|(_, f)| matches!(f.kind, Kind::Category { .. })).map(|(i, _)| i).collect()
    }

    /// Appends the encoding of one row (one Raw per feature, in order) to `out`.
    /// A value of the wrong kind is an error naming the feature.
    pub fn encode(&self, row: &[Raw], encoding: Encoding, out: &mut Vec<f64>) -> Result<()> {
        for (f, raw) in self.features.iter().zip(row) {
            let wrong = || Error::data(format!("value for \"{}\" must be a {}", f.name, f.kind_name()));
            match (&f.kind, raw) {
                (Kind::Category { levels }, Raw::Text(s)) if encoding == Encoding::Codes => {
                    out.push(levels.iter().position(|l| l == s).unwrap_or(levels.len()) as f64)
                }
                (Kind::Category { .. }, Raw::Null) if encoding == Encoding::Codes => out.push(f64::NAN),
                (Kind::Category { levels }, Raw::Text(s)) => {
                    let at = levels.iter().position(|l| l == s).unwrap_or(levels.len());
                    out.extend((0..=levels.len()).map(|i| if i == at { 1.0 } else { 0.0 }));
                }
                (Kind::Category { levels }, Raw::Null) => out.extend(std::iter::repeat_n(0.0, levels.len() + 1)),
                (Kind::Category { .. }, _) => return Err(wrong()),
                (Kind::TimeParts, Raw::Null) => out.extend([f64::NAN; TIME_PARTS]),
                (Kind::TimeParts, Raw::Num(seconds)) => out.extend(time_parts(*seconds)),
                (_, Raw::Null) => out.push(f64::NAN),
                (Kind::Number, Raw::Num(x)) => out.push(*x),
                (Kind::Time, Raw::Num(seconds)) => out.push(seconds / SECONDS_PER_DAY),
                (Kind::Bool, Raw::Bool(b)) => out.push(if *b { 1.0 } else { 0.0 }),
                _ => return Err(wrong()),
            }
        }
        Ok(())
    }
}

/// Days since 1970, month, ISO day of week and hour of a time in seconds since 1970 (UTC).
fn time_parts(seconds: f64) -> [f64; TIME_PARTS] {
    let days = (seconds / SECONDS_PER_DAY).floor();
    let hour = ((seconds - days * SECONDS_PER_DAY) / 3600.0).floor();
    // 1970-01-01 was a Thursday (ISO 4).
    let weekday = (days as i64 + 3).rem_euclid(7) + 1;
    // Month of the civil date (Howard Hinnant's days_from_civil inverse).
    let z = days as i64 + 719_468;
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    [seconds / SECONDS_PER_DAY, month as f64, weekday as f64, hour]
}

/// The most frequent values (ties in byte order), at most `max_levels`.
fn top_levels<'a>(values: impl Iterator<Item = &'a str>, max_levels: usize) -> Vec<String> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut by_count: Vec<(&str, usize)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    by_count.into_iter().take(max_levels).map(|(v, _)| v.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, values: Values) -> Column {
        Column { name: name.into(), sql_type: String::new(), values }
    }

    #[test]
    fn fits_and_encodes_every_kind() {
        let cols = [
            col("n", Values::Number(vec![Some(1.0), None, Some(3.0)])),
            col("b", Values::Bool(vec![Some(true), Some(false), None])),
            col("t", Values::Time(vec![Some(86_400.0), None, Some(0.0)])),
            col("c", Values::Text(vec![Some("x".into()), Some("y".into()), Some("x".into())])),
        ];
        let refs: Vec<&Column> = cols.iter().collect();
        let spec = Spec::fit(&refs, &[0, 1, 2]).unwrap();
        assert_eq!(spec.features[3].kind, Kind::Category { levels: vec!["x".into(), "y".into()] });
        assert_eq!(spec.width(Encoding::OneHot), 6);
        assert_eq!(spec.width(Encoding::Codes), 4);
        assert_eq!(spec.slot_features(Encoding::OneHot), vec![0, 1, 2, 3, 3, 3]);
        assert_eq!(spec.category_slots(), vec![3]);
        let mut out = Vec::new();
        let row = [Raw::Num(2.0), Raw::Bool(true), Raw::Num(172_800.0), Raw::Text("unseen".into())];
        spec.encode(&row, Encoding::OneHot, &mut out).unwrap();
        assert_eq!(out, vec![2.0, 1.0, 2.0, 0.0, 0.0, 1.0], "an unseen text goes to the other slot");
        out.clear();
        spec.encode(&row, Encoding::Codes, &mut out).unwrap();
        assert_eq!(out, vec![2.0, 1.0, 2.0, 2.0], "the other code follows the levels");
        out.clear();
        spec.encode(&[Raw::Null, Raw::Null, Raw::Null, Raw::Null], Encoding::OneHot, &mut out).unwrap();
        assert!(out[..3].iter().all(|x| x.is_nan()) && out[3..] == [0.0, 0.0, 0.0]);
        let e = spec.encode(&[Raw::Text("1".into()), Raw::Null, Raw::Null, Raw::Null], Encoding::OneHot, &mut Vec::new()).unwrap_err();
        assert_eq!(e.message, "value for \"n\" must be a number");
    }

    #[test]
    fn a_column_without_values_is_an_error() {
        let c = col("empty", Values::Number(vec![None, None]));
        let e = Spec::fit(&[&c], &[0, 1]).unwrap_err();
        assert_eq!(e.message, "column \"empty\" has no value in the training rows");
    }

    #[test]
    fn times_in_parts() {
        // 2024-02-29 13:30 UTC, a Thursday
        let t = 1_709_213_400.0;
        assert_eq!(time_parts(t)[1..], [2.0, 4.0, 13.0]);
        // 1969-12-31 23:00 UTC, a Wednesday
        assert_eq!(time_parts(-3600.0)[1..], [12.0, 3.0, 23.0]);
        let c = col("t", Values::Time(vec![Some(t), None]));
        let spec = Spec::fit_with(&[&c], &[0, 1], true, 10).unwrap();
        assert_eq!((spec.features[0].kind.clone(), spec.width(Encoding::OneHot)), (Kind::TimeParts, 4));
        let mut out = Vec::new();
        spec.encode(&[Raw::Null], Encoding::OneHot, &mut out).unwrap();
        assert!(out.len() == 4 && out.iter().all(|x| x.is_nan()));
    }
}
