//! Candle model code, loaders, device selection and the per-backend model cache. No pgrx here.
pub mod bert;
pub mod cache;
pub mod device;
pub mod embedder;
pub mod files;
pub mod manifest;
pub mod text_prefix;
