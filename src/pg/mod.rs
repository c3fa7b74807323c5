//! Postgres plumbing that the SQL glue shares (pgrx only; no model code): fmgr helpers, error
//! reporting, text arguments, progress NOTICEs, reading tables through SPI.
pub mod arrays;
pub mod catalog;
pub mod fmgr;
pub mod progress;
pub mod report;
pub mod table_reader;
pub mod text;
pub mod versions;

pub use report::OrReport;

/// A trainer's options jsonb (`{}` when NULL) as `T`, and as given (stored with the model). A
/// wrong key or type is 22023 "invalid options: ..." with the known keys as the hint.
pub fn parse_options<T: serde::de::DeserializeOwned>(options: Option<text::Jsonb>, known: &str) -> (T, serde_json::Value) {
    let value = options.map(|j| j.0).unwrap_or_else(|| serde_json::json!({}));
    let parsed = serde_json::from_value::<T>(value.clone())
        .map_err(|e| crate::error::Error::invalid_parameter(format!("invalid options: {e}")).with_hint(format!("options are {known}")))
        .or_report();
    (parsed, value)
}
