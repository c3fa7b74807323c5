//! Candle model code, loaders, device selection and the model registry (the one way to load a
//! model, with the per-backend cache). No pgrx here.
pub mod adapter;
pub mod bert;
pub mod cpu_bert;
pub mod cpu_gemv;
pub mod cpu_ops;
#[cfg(feature = "cuda")]
pub mod cuda_attention;
#[cfg(feature = "cuda")]
pub mod cuda_ops;
pub mod device;
pub mod e5_file;
pub mod embedder;
pub mod files;
pub mod manifest;
pub mod sentiment;
pub mod registry;
pub mod text_prefix;
pub mod unigram;
