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
