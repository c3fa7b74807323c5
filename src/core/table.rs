//! A table read for training, column by column, in the few kinds shopml's models use. Filled by
//! the SPI reader (src/pg/table_reader.rs); consumed by training code, which never sees pgrx.

use std::collections::HashSet;

/// The values of one column; `None` is SQL NULL (and NaN or ±Infinity in numbers and times).
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// smallint, integer, bigint, real, double precision, numeric.
    Number(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    /// text, varchar, char, name and enums.
    Text(Vec<Option<String>>),
    /// date, timestamp, timestamptz, as seconds since 1970-01-01 UTC.
    Time(Vec<Option<f64>>),
    Vector(Vec<Option<Vec<f32>>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    /// The SQL type as Postgres writes it (`numeric(10,2)`, `timestamp with time zone`).
    pub sql_type: String,
    pub values: Values,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: usize,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// The rows of `columns` in an order that depends only on their values: by a 64-bit FNV-1a
/// hash of each row's values, ties (identical rows, or a collision) by position. Training walks
/// rows in this order so that the same rows give the same model whatever their physical order.
pub fn canonical_order(columns: &[&Column], rows: usize) -> Vec<usize> {
    order_by_values(rows, |r, h| {
        for c in columns {
            match &c.values {
                Values::Number(v) | Values::Time(v) => match v[r] {
                    Some(x) => {
                        h.byte(1);
                        h.bytes(&x.to_bits().to_le_bytes());
                    }
                    None => h.byte(0),
                },
                Values::Bool(v) => h.byte(2 + v[r].map_or(0, |b| 1 + b as u8)),
                Values::Text(v) => match &v[r] {
                    Some(t) => {
                        h.byte(5);
                        h.text(t);
                    }
                    None => h.byte(6),
                },
                Values::Vector(v) => match &v[r] {
                    Some(x) => h.floats(x),
                    None => h.byte(7),
                },
            }
        }
    })
}

/// A 64-bit FNV-1a hash of a row's values, fed by `order_by_values`.
pub struct RowHash(u64);

impl RowHash {
    pub fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    pub fn bytes(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.byte(b));
    }
    /// Length first, so that ("ab", "c") and ("a", "bc") differ.
    pub fn text(&mut self, t: &str) {
        self.bytes(&(t.len() as u64).to_le_bytes());
        self.bytes(t.as_bytes());
    }
    pub fn floats(&mut self, v: &[f32]) {
        v.iter().for_each(|f| self.bytes(&f.to_bits().to_le_bytes()));
    }
}

/// Rows 0..rows ordered by the hash of what `feed` writes for each, ties by position: the order
/// every trainer walks, so that a table's physical order cannot change the model.
pub fn order_by_values(rows: usize, mut feed: impl FnMut(usize, &mut RowHash)) -> Vec<usize> {
    let hash: Vec<u64> = (0..rows)
        .map(|r| {
            let mut h = RowHash(0xcbf2_9ce4_8422_2325);
            feed(r, &mut h);
            h.0
        })
        .collect();
    let mut order: Vec<usize> = (0..rows).collect();
    order.sort_by_key(|&r| (hash[r], r));
    order
}

impl Values {
    pub fn kind(&self) -> &'static str {
        match self {
            Values::Number(_) => "number",
            Values::Bool(_) => "boolean",
            Values::Text(_) => "text",
            Values::Time(_) => "time",
            Values::Vector(_) => "vector",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Values::Number(v) | Values::Time(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::Vector(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn nulls(&self) -> usize {
        match self {
            Values::Number(v) | Values::Time(v) => v.iter().filter(|x| x.is_none()).count(),
            Values::Bool(v) => v.iter().filter(|x| x.is_none()).count(),
            Values::Text(v) => v.iter().filter(|x| x.is_none()).count(),
            Values::Vector(v) => v.iter().filter(|x| x.is_none()).count(),
        }
    }
}

/// What a column holds, as `table_profile` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub nulls: usize,
    pub distinct: usize,
    /// Smallest and largest value as text (numbers, times as seconds, texts in byte order,
    /// vectors by dimensions); None when every value is NULL.
    pub min: Option<String>,
    pub max: Option<String>,
}

pub fn profile(values: &Values) -> Profile {
    fn extremes<T: Clone + PartialOrd>(it: impl Iterator<Item = T>) -> Option<(T, T)> {
        it.fold(None, |acc: Option<(T, T)>, x| match acc {
            None => Some((x.clone(), x)),
            Some((lo, hi)) => Some((if x < lo { x.clone() } else { lo }, if x > hi { x } else { hi })),
        })
    }
    let nulls = values.nulls();
    let (distinct, mm): (usize, Option<(String, String)>) = match values {
        Values::Number(v) | Values::Time(v) => {
            let present = v.iter().flatten();
            let set: HashSet<u64> = present.clone().map(|x| (x + 0.0).to_bits()).collect();
            (set.len(), extremes(present.copied()).map(|(a, b)| (fmt_number(a), fmt_number(b))))
        }
        Values::Bool(v) => {
            let set: HashSet<bool> = v.iter().flatten().copied().collect();
            (set.len(), extremes(v.iter().flatten().copied()).map(|(a, b)| (a.to_string(), b.to_string())))
        }
        Values::Text(v) => {
            let set: HashSet<&str> = v.iter().flatten().map(String::as_str).collect();
            (set.len(), extremes(v.iter().flatten().map(String::as_str)).map(|(a, b)| (a.to_string(), b.to_string())))
        }
        Values::Vector(v) => {
            let set: HashSet<Vec<u32>> = v.iter().flatten().map(|x| x.iter().map(|f| (f + 0.0).to_bits()).collect()).collect();
            let dims = extremes(v.iter().flatten().map(Vec::len));
            (set.len(), dims.map(|(a, b)| (format!("{a} dims"), format!("{b} dims"))))
        }
    };
    let (min, max) = match mm {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    Profile { nulls, distinct, min, max }
}

/// Shortest text that reads back as the same f64 (Rust's `Display`), `1` rather than `1.0`.
fn fmt_number(x: f64) -> String {
    format!("{x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_each_kind() {
        let p = profile(&Values::Number(vec![Some(2.5), None, Some(-1.0), Some(2.5), Some(0.0), Some(-0.0)]));
        assert_eq!(p, Profile { nulls: 1, distinct: 3, min: Some("-1".into()), max: Some("2.5".into()) });
        let p = profile(&Values::Text(vec![Some("b".into()), Some("a".into()), None]));
        assert_eq!((p.distinct, p.min.as_deref(), p.max.as_deref()), (2, Some("a"), Some("b")));
        let p = profile(&Values::Bool(vec![None, None]));
        assert_eq!(p, Profile { nulls: 2, distinct: 0, min: None, max: None });
        let p = profile(&Values::Vector(vec![Some(vec![1.0, 2.0]), Some(vec![1.0, 2.0]), Some(vec![3.0])]));
        assert_eq!((p.distinct, p.min.as_deref(), p.max.as_deref()), (2, Some("1 dims"), Some("2 dims")));
    }

    #[test]
    fn finds_columns_by_name() {
        let t = Table { columns: vec![Column { name: "a".into(), sql_type: "integer".into(), values: Values::Number(vec![Some(1.0)]) }], rows: 1 };
        assert_eq!(t.column("a").map(|c| c.values.kind()), Some("number"));
        assert!(t.column("b").is_none());
        assert_eq!(t.columns[0].values.len(), 1);
    }
}
