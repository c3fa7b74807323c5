//! The per-backend model cache: each model is loaded once per backend, on first use.

use crate::error::Result;
use crate::models::embedder::Embedder;
use crate::models::manifest::ModelSpec;
use candle_core::{Device, DeviceLocation};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

struct Entry {
    name: String,
    dir: PathBuf,
    location: DeviceLocation,
    embedder: Arc<Embedder>,
}

static LOADED: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The embedder for `spec` from `dir` on `device`, loading it on first use. Directory and
/// device are part of the key, so changing shopml.model_dir or shopml.device takes effect.
pub fn embedder(spec: &'static ModelSpec, dir: &Path, device: &Device) -> Result<Arc<Embedder>> {
    let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    let location = device.location();
    if let Some(e) = loaded.iter().find(|e| e.name == spec.name && e.dir == dir && e.location == location) {
        return Ok(e.embedder.clone());
    }
    let embedder = Arc::new(Embedder::load(spec, dir, device)?);
    loaded.push(Entry { name: spec.name.clone(), dir: dir.to_path_buf(), location, embedder: embedder.clone() });
    Ok(embedder)
}

/// Whether this backend has the model of this name loaded from `dir` (the directory the
/// settings point at now: a copy loaded from elsewhere is not what a call would use).
pub fn is_loaded(name: &str, dir: &Path) -> bool {
    LOADED.lock().unwrap_or_else(|p| p.into_inner()).iter().any(|e| e.name == name && e.dir == dir)
}
