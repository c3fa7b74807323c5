//! Pure Rust algorithms (no pgrx): distance kernels, and later churn, ALS, metrics.
