//! shopml: machine learning for online shops inside PostgreSQL.
//!
//! `core` and `models` are plain Rust (tested with `cargo test --no-default-features --lib`);
//! `api`, `types` and `gucs` are the pgrx glue, compiled with the `pg15` feature.
pub mod core;
pub mod error;
pub mod models;

#[cfg(feature = "pg15")]
mod types;
#[cfg(feature = "pg15")]
mod api;
#[cfg(feature = "pg15")]
mod gucs;
#[cfg(feature = "pg15")]
mod pg;
#[cfg(feature = "pg15")]
mod index;

#[cfg(feature = "pg15")]
pgrx::pg_module_magic!(name, version);

#[cfg(feature = "pg15")]
#[pgrx::pg_guard]
pub extern "C-unwind" fn _PG_init() {
    gucs::init();
    types::vector_extern::init();
    index::hnsw::init();
}
