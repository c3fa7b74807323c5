//! The SQL surface: thin #[pg_extern] wrappers, one file per feature.
mod embed;
mod models;
