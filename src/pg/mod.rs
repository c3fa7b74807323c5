//! Postgres plumbing that the SQL glue shares (pgrx only; no model code).
pub mod text;
