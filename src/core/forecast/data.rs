//! From a table's rows to series: the series columns make the key, the time column the period
//! (an integer as it is, a date counted in days, weeks or months), the value column the values,
//! and the known columns (planned prices, promotions) the covariates. Gaps are missing values;
//! two rows for one period of one series are an error.

use super::Series;
use crate::core::table::{Table, Values};
use crate::error::{excerpt, Error, Result, SqlState};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const DAY: f64 = 86_400.0;

/// How times become periods. Weeks keep the weekday of the data (`anchor`: days since
/// 1970-01-01 modulo 7 of every time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frequency {
    Integer,
    Day,
    Week { anchor: i64 },
    Month,
}

/// What a model remembers of the table it was trained on: how to read a future table and how
/// to write its forecasts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub series_columns: Vec<String>,
    /// Per series column: written as a JSON number (true) or string in forecasts.
    pub numeric_keys: Vec<bool>,
    pub time_column: String,
    /// The time column's SQL type (`integer`, `date`, `timestamp with time zone`, ...).
    pub time_type: String,
    pub value_column: String,
    pub known_columns: Vec<String>,
    pub frequency: Frequency,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), and back.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Bounds on what a time may be (years 1..9999 in days; integers within ±10^12), so that every
/// period and its arithmetic stay exact.
const MAX_ABS_DAYS: f64 = 3_000_000.0;
const MAX_ABS_INTEGER: f64 = 1e12;

impl Frequency {
    /// The frequency `name` names (`day`, `week`, `month`; None: inferred from the smallest gap
    /// between two distinct times) of a time column of kind `times`.
    pub fn choose(name: Option<&str>, column: &str, times: &Values) -> Result<Frequency> {
        let days: Vec<i64> = match times {
            Values::Number(_) => {
                return match name {
                    None | Some("integer") => Ok(Frequency::Integer),
                    Some(other) => Err(Error::invalid_parameter(format!(
                        "frequency \"{}\" needs a date or timestamp time column; \"{}\" holds integers (leave frequency out)",
                        excerpt(other),
                        excerpt(column)
                    ))),
                }
            }
            Values::Time(v) => v.iter().flatten().filter(|t| t.abs() / DAY < MAX_ABS_DAYS).map(|t| (t / DAY).floor() as i64).collect(),
            other => {
                return Err(Error::new(
                    SqlState::DatatypeMismatch,
                    format!("time column \"{}\" must be an integer, date or timestamp, not {}", excerpt(column), other.kind()),
                ))
            }
        };
        let anchor = days.first().map_or(0, |d| d.rem_euclid(7));
        match name {
            Some("day") => return Ok(Frequency::Day),
            Some("week") => return Ok(Frequency::Week { anchor }),
            Some("month") => return Ok(Frequency::Month),
            Some(other) => {
                return Err(Error::invalid_parameter(format!("frequency must be day, week or month, not \"{}\"", excerpt(other))))
            }
            None => {}
        }
        let mut sorted = days;
        sorted.sort_unstable();
        sorted.dedup();
        let gap = sorted.windows(2).map(|w| w[1] - w[0]).min();
        match gap {
            Some(1) => Ok(Frequency::Day),
            Some(7) | Some(14) | Some(21) => Ok(Frequency::Week { anchor }),
            Some(28..=31) => Ok(Frequency::Month),
            None => Err(Error::data("cannot tell the frequency from a single time: set options.frequency (day, week or month)")),
            Some(g) => Err(Error::data(format!(
                "cannot tell the frequency: the closest times are {g} days apart (set options.frequency to day, week or month)"
            ))),
        }
    }

    /// Periods in a season: a year of weeks or months, a week of days; none for integers.
    pub fn season(&self) -> usize {
        match self {
            Frequency::Integer => 0,
            Frequency::Day => 7,
            Frequency::Week { .. } => 52,
            Frequency::Month => 12,
        }
    }

    /// The period of a time (an integer, or seconds since 1970 for dates and timestamps).
    pub fn period(&self, t: f64, column: &str) -> Result<i64> {
        let off = |what: &str| Error::data(format!("time {} in \"{}\" is not {what}", excerpt(&t.to_string()), excerpt(column)));
        if !t.is_finite() {
            return Err(off("a finite time"));
        }
        match self {
            Frequency::Integer if t.fract() != 0.0 || t.abs() > MAX_ABS_INTEGER => Err(off("a whole number within ±10^12")),
            Frequency::Integer => Ok(t as i64),
            _ if (t / DAY).abs() >= MAX_ABS_DAYS => Err(off("between the years 1 and 9999")),
            Frequency::Day => Ok((t / DAY).floor() as i64),
            Frequency::Week { anchor } => {
                let days = (t / DAY).floor() as i64 - anchor;
                if days.rem_euclid(7) != 0 {
                    return Err(Error::data(format!(
                        "weekly series must fall on one weekday: a time in \"{}\" is {} days off the others",
                        excerpt(column),
                        days.rem_euclid(7)
                    ))
                    .with_hint("aggregate the rows by week first (date_trunc('week', time)), or set options.frequency to day"));
                }
                Ok(days.div_euclid(7))
            }
            Frequency::Month => {
                let (y, m, _) = civil_from_days((t / DAY).floor() as i64);
                Ok(y * 12 + m - 1)
            }
        }
    }

    /// The first day (days since 1970) of a period; None for integer periods.
    fn first_day(&self, p: i64) -> Option<i64> {
        match self {
            Frequency::Integer => None,
            Frequency::Day => Some(p),
            Frequency::Week { anchor } => Some(p * 7 + anchor),
            Frequency::Month => Some(days_from_civil(p.div_euclid(12), p.rem_euclid(12) + 1, 1)),
        }
    }
}

impl Layout {
    /// A period as the time column writes it: `159`, `2024-03-04`, `2024-03-04 00:00:00`,
    /// `2024-03-04 00:00:00+00` (a text that casts back to the column's type).
    pub fn time_label(&self, p: i64) -> String {
        let Some(days) = self.frequency.first_day(p) else { return p.to_string() };
        let (y, m, d) = civil_from_days(days);
        let date = format!("{y:04}-{m:02}-{d:02}");
        match self.time_type.as_str() {
            "date" => date,
            "timestamp with time zone" => format!("{date} 00:00:00+00"),
            _ => format!("{date} 00:00:00"),
        }
    }

    /// A series' key as a JSON object keyed by the series columns.
    pub fn key_json(&self, key: &[String]) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        for ((c, v), &numeric) in self.series_columns.iter().zip(key).zip(&self.numeric_keys) {
            // keys() writes whole numbers without a decimal point, so they parse as integers.
            let value = match (numeric, v.parse::<i64>()) {
                (false, _) => serde_json::Value::String(v.clone()),
                (true, Ok(i)) => i.into(),
                (true, Err(_)) => v.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or_else(|| v.clone().into(), serde_json::Value::Number),
            };
            o.insert(c.clone(), value);
        }
        serde_json::Value::Object(o)
    }
}

fn column<'a>(table: &'a Table, name: &str) -> Result<&'a Values> {
    table.column(name).map(|c| &c.values).ok_or_else(|| Error::new(SqlState::UndefinedColumn, format!("column \"{}\" is missing", excerpt(name))))
}

/// Each row's series key, as text (integral numbers without a decimal point).
fn keys(table: &Table, layout: &Layout) -> Result<Vec<Vec<String>>> {
    let mut out = vec![Vec::with_capacity(layout.series_columns.len()); table.rows];
    for name in &layout.series_columns {
        let null = || Error::new(SqlState::NullValueNotAllowed, format!("series column \"{}\" has NULL values", excerpt(name)));
        match column(table, name)? {
            Values::Number(v) => {
                for (k, x) in out.iter_mut().zip(v) {
                    k.push(x.map(|x| if x.fract() == 0.0 && x.abs() < 9e15 { (x as i64).to_string() } else { x.to_string() }).ok_or_else(null)?);
                }
            }
            Values::Text(v) => {
                for (k, x) in out.iter_mut().zip(v) {
                    k.push(x.clone().ok_or_else(null)?);
                }
            }
            Values::Bool(v) => {
                for (k, x) in out.iter_mut().zip(v) {
                    k.push(x.map(|b| b.to_string()).ok_or_else(null)?);
                }
            }
            Values::Time(v) => {
                for (k, x) in out.iter_mut().zip(v) {
                    k.push(x.map(|t| t.to_string()).ok_or_else(null)?);
                }
            }
            Values::Vector(_) => return Err(Error::new(SqlState::DatatypeMismatch, format!("series column \"{}\" must not be a vector", excerpt(name)))),
        }
    }
    Ok(out)
}

/// A number column as f64 (booleans as 0/1; NULL as NaN).
fn numbers(table: &Table, name: &str, role: &str) -> Result<Vec<f64>> {
    match column(table, name)? {
        Values::Number(v) => Ok(v.iter().map(|x| x.unwrap_or(f64::NAN)).collect()),
        Values::Bool(v) => Ok(v.iter().map(|x| x.map_or(f64::NAN, |b| b as u8 as f64)).collect()),
        other => Err(Error::new(
            SqlState::DatatypeMismatch,
            format!("{role} \"{}\" must be numeric or boolean, not {}", excerpt(name), other.kind()),
        )),
    }
}

fn periods(table: &Table, layout: &Layout) -> Result<Vec<i64>> {
    let name = &layout.time_column;
    let null = || Error::new(SqlState::NullValueNotAllowed, format!("time column \"{}\" has NULL values", excerpt(name)));
    match column(table, name)? {
        Values::Number(v) | Values::Time(v) => v.iter().map(|t| layout.frequency.period(t.ok_or_else(null)?, name)).collect(),
        other => Err(Error::new(SqlState::DatatypeMismatch, format!("time column \"{}\" must be an integer, date or timestamp, not {}", excerpt(name), other.kind()))),
    }
}

/// The series of a training table, in order of first appearance, each spanning every period
/// from the table's first to its last. `max_bytes` bounds the dense arrays before they exist.
pub fn series(table: &Table, layout: &Layout, max_bytes: usize) -> Result<Vec<Series>> {
    let keys = keys(table, layout)?;
    let periods = periods(table, layout)?;
    let values = numbers(table, &layout.value_column, "value column")?;
    if let Some(v) = values.iter().find(|v| **v < 0.0) {
        return Err(Error::data(format!("value column \"{}\" has a negative value ({v}): forecasts are of quantities (units, orders, revenue) of at least 0", excerpt(&layout.value_column))));
    }
    let known = layout.known_columns.iter().map(|c| numbers(table, c, "known column")).collect::<Result<Vec<_>>>()?;
    let (Some(&first), Some(&last)) = (periods.iter().min(), periods.iter().max()) else {
        return Err(Error::data("the table has no rows"));
    };
    let mut index: HashMap<&[String], usize> = HashMap::new();
    let mut order: Vec<&[String]> = Vec::new();
    for k in &keys {
        index.entry(k.as_slice()).or_insert_with(|| {
            order.push(k.as_slice());
            order.len() - 1
        });
    }
    let span = (last - first + 1) as usize;
    let bytes = order.len().saturating_mul(span).saturating_mul(8 * (1 + known.len()));
    if bytes > max_bytes {
        return Err(Error::new(
            SqlState::ProgramLimitExceeded,
            format!("{} series over {span} periods take {} MB, more than shopml.max_training_memory ({} MB)", order.len(), bytes >> 20, max_bytes >> 20),
        )
        .with_hint("forecast fewer series or a shorter history (a view), or ask a superuser to raise shopml.max_training_memory"));
    }
    let mut out: Vec<Series> = order
        .iter()
        .map(|k| Series { key: k.to_vec(), start: first, y: vec![f64::NAN; span], x: vec![vec![f64::NAN; span]; known.len()] })
        .collect();
    let mut seen = vec![false; order.len() * span];
    for r in 0..table.rows {
        let s = index[keys[r].as_slice()];
        let i = (periods[r] - first) as usize;
        if std::mem::replace(&mut seen[s * span + i], true) {
            return Err(Error::new(
                SqlState::UniqueViolation,
                format!("series {} has two rows for {} {}", layout.key_json(&keys[r]), excerpt(&layout.time_column), layout.time_label(periods[r])),
            )
            .with_hint("one row per series and period: sum the rows in a view (GROUP BY)"));
        }
        out[s].y[i] = values[r];
        for (c, k) in known.iter().enumerate() {
            out[s].x[c][i] = k[r];
        }
    }
    Ok(out)
}

/// Writes the known columns of a future table's rows into `series` (matched by key; periods
/// past a series' arrays extend them). Rows of series not in `series` are left out.
pub fn apply_future(series: &mut [Series], table: &Table, layout: &Layout, last_period: i64) -> Result<usize> {
    let keys = keys(table, layout)?;
    let periods = periods(table, layout)?;
    let known = layout.known_columns.iter().map(|c| numbers(table, c, "known column")).collect::<Result<Vec<_>>>()?;
    let index: HashMap<Vec<String>, usize> = series.iter().enumerate().map(|(i, s)| (s.key.clone(), i)).collect();
    let mut applied = 0;
    for r in 0..table.rows {
        let Some(&s) = index.get(keys[r].as_slice()) else { continue };
        let s = &mut series[s];
        if periods[r] < s.start || periods[r] > last_period {
            continue;
        }
        let i = (periods[r] - s.start) as usize;
        for (c, k) in known.iter().enumerate() {
            if s.x[c].len() <= i {
                s.x[c].resize(i + 1, f64::NAN);
            }
            s.x[c][i] = k[r];
        }
        applied += 1;
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_periods() {
        for days in [-719_162, -1, 0, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_783), (2024, 3, 1));
        let week = Frequency::Week { anchor: 19_787_i64.rem_euclid(7) };
        let layout = Layout {
            series_columns: vec![],
            numeric_keys: vec![],
            time_column: "t".into(),
            time_type: "date".into(),
            value_column: "y".into(),
            known_columns: vec![],
            frequency: week,
        };
        let p = week.period(19_787.0 * DAY, "t").unwrap();
        assert_eq!(layout.time_label(p), "2024-03-05");
        assert_eq!(layout.time_label(p + 1), "2024-03-12");
        assert!(week.period(19_788.0 * DAY, "t").is_err());
        let month = Layout { frequency: Frequency::Month, ..layout };
        assert_eq!(month.time_label(Frequency::Month.period(19_800.0 * DAY, "t").unwrap() + 11), "2025-02-01");
    }

    #[test]
    fn frequency_is_inferred_from_the_closest_times() {
        let days = |d: &[i64]| Values::Time(d.iter().map(|&d| Some(d as f64 * DAY)).collect());
        assert_eq!(Frequency::choose(None, "t", &days(&[0, 7, 21])).unwrap(), Frequency::Week { anchor: 0 });
        assert_eq!(Frequency::choose(None, "t", &days(&[0, 31, 59])).unwrap(), Frequency::Month);
        assert_eq!(Frequency::choose(None, "t", &days(&[3, 4])).unwrap(), Frequency::Day);
        assert!(Frequency::choose(None, "t", &days(&[0, 3])).is_err());
        assert_eq!(Frequency::choose(None, "t", &Values::Number(vec![Some(1.0)])).unwrap(), Frequency::Integer);
    }
}
