//! shopml: machine learning for online shops inside PostgreSQL.
//!
//! `core` and `models` are plain Rust (tested with `cargo test --no-default-features --lib`);
//! `api`, `types` and `gucs` are the pgrx glue, compiled with the `pg` feature (which each of
//! `pg15`..`pg18` turns on).
pub mod core;
pub mod error;
pub mod models;

#[cfg(feature = "pg")]
mod types;
#[cfg(feature = "pg")]
mod api;
#[cfg(feature = "pg")]
mod gucs;
#[cfg(feature = "pg")]
mod pg;
#[cfg(feature = "pg")]
mod index;

#[cfg(feature = "pg")]
pgrx::pg_module_magic!(name, version);

#[cfg(feature = "pg")]
#[pgrx::pg_guard]
pub extern "C-unwind" fn _PG_init() {
    gucs::init();
    types::vector_extern::init();
    index::hnsw::init();
}
