//! Index access methods (pgrx glue over the algorithms in src/core).
pub mod hnsw;
