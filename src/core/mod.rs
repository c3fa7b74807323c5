//! Pure Rust algorithms (no pgrx): distance kernels, and later churn, ALS, metrics.
pub mod distance;
pub mod vector;
