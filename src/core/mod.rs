//! Pure Rust algorithms (no pgrx): distance kernels, and later churn, ALS, metrics.
pub mod distance;
pub mod vector;
#[cfg(test)]
pub(crate) mod test_rng;
