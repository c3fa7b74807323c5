//! Pure Rust algorithms (no pgrx): distance kernels, vector arithmetic, progress schedules,
//! tables read for training, the tabular engine (churn is its preset), the ALS recommender, metrics.
pub mod bits;
pub mod catalog;
pub mod churn;
pub mod distance;
pub mod forecast;
pub mod halfvec;
pub mod hnsw;
pub mod isolate;
pub mod metrics;
pub mod ngrams;
pub mod progress;
pub mod recommender;
pub mod rng;
pub mod segments;
pub mod sparsevec;
pub mod tabular;
pub mod table;
pub mod text_classifier;
pub mod vector;
#[cfg(test)]
pub(crate) mod test_rng;
