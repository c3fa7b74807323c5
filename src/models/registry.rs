//! The one way to get a model: by name, for a device, through a per-backend cache.
//!
//! Shipped models (the embedder now) come from the manifest and the model directory, verified
//! by sha256 before loading; trained models (classifier heads, churn, recommenders) come from
//! the catalog and are handed in ready to decode. Either way the cache key holds everything
//! that changes the result (kind, name, version, directory, device), and the cache is bounded:
//! when the models held exceed the budget, the least recently used ones are dropped (a caller
//! still holding one keeps its `Arc` until it is done).

use crate::error::{Error, Result, SqlState};
use crate::models::device::{self, DeviceChoice, GpuPrecision};
use crate::models::embedder::Embedder;
use crate::models::sentiment::Sentiment;
use crate::models::{files, manifest};
use candle_core::{DType, DeviceLocation};
use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Everything that identifies a loaded model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// What the model is ("embedder", "churn", ...): one name may exist for several kinds.
    pub kind: &'static str,
    pub name: String,
    /// The catalog version of a trained model; 0 for shipped models (fixed weights per name).
    pub version: i64,
    /// When that version was trained (µs): a name dropped and trained again reuses versions.
    pub stamp: i64,
    /// Where its files were read from (shipped models); empty for trained ones.
    pub dir: PathBuf,
    /// Where it runs and in which precision (shipped models on a device).
    pub device: Option<(DeviceLocation, DType)>,
}

struct Entry {
    key: Key,
    model: Arc<dyn Any + Send + Sync>,
    bytes: usize,
    last_used: u64,
}

#[derive(Default)]
struct Cache {
    entries: Vec<Entry>,
    clock: u64,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache { entries: Vec::new(), clock: 0 });

fn lock(c: &Mutex<Cache>) -> std::sync::MutexGuard<'_, Cache> {
    c.lock().unwrap_or_else(|p| p.into_inner())
}

fn cache() -> std::sync::MutexGuard<'static, Cache> {
    lock(&CACHE)
}

/// The model under `key`, loading it with `load` (which returns the model and its size in bytes)
/// on a miss. A model larger than `budget` alone is refused (54000); after a load the cache
/// drops least recently used entries until it holds at most `budget` bytes.
pub fn get_or_load<M: Any + Send + Sync>(
    key: Key,
    budget: usize,
    load: impl FnOnce() -> Result<(M, usize)>,
) -> Result<Arc<M>> {
    get_or_load_in(&CACHE, key, budget, load)
}

fn get_or_load_in<M: Any + Send + Sync>(
    cache: &Mutex<Cache>,
    key: Key,
    budget: usize,
    load: impl FnOnce() -> Result<(M, usize)>,
) -> Result<Arc<M>> {
    {
        let mut c = lock(cache);
        c.clock += 1;
        let now = c.clock;
        if let Some(e) = c.entries.iter_mut().find(|e| e.key == key) {
            if let Ok(m) = e.model.clone().downcast::<M>() {
                e.last_used = now;
                return Ok(m);
            }
        }
    }
    // Loading runs without the lock: it may take a second and no other thread waits on it.
    let (model, bytes) = load()?;
    if bytes > budget {
        return Err(Error::new(
            SqlState::ProgramLimitExceeded,
            format!("model \"{}\" needs {} MB, more than shopml.model_cache_size ({} MB)", key.name, bytes.div_ceil(1 << 20), budget >> 20),
        )
        .with_hint("a superuser can raise shopml.model_cache_size"));
    }
    let model = Arc::new(model);
    let mut c = lock(cache);
    c.clock += 1;
    let now = c.clock;
    c.entries.retain(|e| e.key != key);
    c.entries.push(Entry { key, model: model.clone(), bytes, last_used: now });
    evict(&mut c, budget);
    Ok(model)
}

fn evict(c: &mut Cache, budget: usize) {
    while c.entries.len() > 1 && c.entries.iter().map(|e| e.bytes).sum::<usize>() > budget {
        let newest = c.entries.iter().map(|e| e.last_used).max().unwrap_or(0);
        let Some(oldest) = c.entries.iter().enumerate().filter(|(_, e)| e.last_used != newest).min_by_key(|(_, e)| e.last_used).map(|(i, _)| i) else {
            break;
        };
        c.entries.swap_remove(oldest);
    }
}

/// Drops every cached model of this name (after a trained model is dropped).
pub fn forget_name(name: &str) {
    cache().entries.retain(|e| e.key.name != name);
}

/// (kind, name, version, bytes) of every model this backend holds.
pub fn loaded() -> Vec<(&'static str, String, i64, usize)> {
    cache().entries.iter().map(|e| (e.key.kind, e.key.name.clone(), e.key.version, e.bytes)).collect()
}

/// What a request for a shipped model needs from the settings.
#[derive(Clone, Debug)]
pub struct Settings {
    pub model_dir: PathBuf,
    pub device: DeviceChoice,
    pub gpu_precision: GpuPrecision,
    pub cache_bytes: usize,
}

/// The shipped embedding model `name`: manifest entry, files verified by sha256, device, cache.
pub fn embedder(name: &str, settings: &Settings) -> Result<Arc<Embedder>> {
    let spec = manifest::find(name, "embedding")?;
    let dir = files::model_path(&settings.model_dir, spec);
    let dev = device::select(settings.device)?;
    let dtype = device::dtype_for(&dev, settings.gpu_precision);
    let key = Key { kind: "embedder", name: spec.name.clone(), version: 0, stamp: 0, dir: dir.clone(), device: Some((dev.location(), dtype)) };
    get_or_load(key, settings.cache_bytes, || {
        let embedder = Embedder::load_as(spec, &dir, &dev, dtype)?;
        let bytes = files::installed_size(spec, &dir).unwrap_or(0) as usize + embedder.private_bytes();
        release_freed_heap();
        Ok((embedder, bytes))
    })
}

/// The shipped sentiment model `name`: its adapter and n-gram files verified, its base encoder's
/// too. It runs on the CPU whatever shopml.device says (the adapter is a CPU encoder feature).
pub fn sentiment(name: &str, settings: &Settings) -> Result<Arc<Sentiment>> {
    let spec = manifest::find(name, "sentiment")?;
    let base = manifest::find(spec.base.as_deref().unwrap_or_default(), "embedding")?;
    let dir = files::model_path(&settings.model_dir, spec);
    let base_dir = files::model_path(&settings.model_dir, base);
    let key = Key { kind: "sentiment", name: spec.name.clone(), version: 0, stamp: 0, dir: dir.clone(), device: None };
    get_or_load(key, settings.cache_bytes, || {
        files::verify(spec, &dir)?;
        let model = Sentiment::load(spec, &dir, base, &base_dir)?;
        release_freed_heap();
        let bytes = model.own_bytes() + files::installed_size(base, &base_dir).unwrap_or(0) as usize;
        Ok((model, bytes))
    })
}

/// Gives the heap freed while loading (the parsed tokenizer.json, ~10 MB at its peak) back to
/// the system, so that each backend keeps only what the model needs: the weights themselves are
/// shared pages of the mapped file.
fn release_freed_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory at the top of glibc's heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Whether this backend holds the shipped model `name` loaded from `dir` (the directory the
/// settings point at now: a copy loaded from elsewhere is not what a call would use).
pub fn is_loaded(name: &str, dir: &Path) -> bool {
    cache().entries.iter().any(|e| e.key.name == name && e.key.dir == dir && e.key.version == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Key {
        Key { kind: "test", name: name.into(), version: 1, stamp: 0, dir: PathBuf::new(), device: None }
    }

    #[test]
    fn caches_by_key_and_evicts_least_recently_used() {
        let c = Mutex::new(Cache::default());
        let mut loads = 0;
        let get = |name: &str, loads: &mut i32| {
            get_or_load_in(&c, key(name), 250, || {
                *loads += 1;
                Ok((name.to_string(), 100))
            })
            .unwrap()
        };
        assert_eq!(*get("a", &mut loads), "a");
        assert_eq!(*get("a", &mut loads), "a");
        assert_eq!(loads, 1, "a second request is served from the cache");
        get("b", &mut loads);
        get("a", &mut loads); // a is now more recent than b
        get("c", &mut loads); // 300 bytes > 250: b, the least recently used, goes
        assert_eq!(loads, 3);
        get("a", &mut loads);
        assert_eq!(loads, 3, "a stayed");
        get("b", &mut loads);
        assert_eq!(loads, 4, "b was evicted and reloaded");
        let held: Vec<String> = lock(&c).entries.iter().map(|e| e.key.name.clone()).collect();
        assert_eq!(held.len(), 2, "{held:?}");
    }

    #[test]
    fn a_model_larger_than_the_budget_is_refused_and_others_make_room() {
        let c = Mutex::new(Cache::default());
        get_or_load_in(&c, key("small"), 10, || Ok((1u32, 5))).unwrap();
        let e = get_or_load_in(&c, key("big"), 10, || Ok((7u32, 1000))).unwrap_err();
        assert_eq!(e.state, SqlState::ProgramLimitExceeded);
        assert!(e.message.starts_with("model \"big\" needs 1 MB, more than shopml.model_cache_size"), "{}", e.message);
        assert_eq!(lock(&c).entries.len(), 1, "the small one stays");
        let m = get_or_load_in(&c, key("medium"), 10, || Ok((8u32, 9))).unwrap();
        assert_eq!(*m, 8);
        assert_eq!(lock(&c).entries.len(), 1, "the small one made room");
    }

    #[test]
    fn load_errors_are_not_cached() {
        let c = Mutex::new(Cache::default());
        let e = get_or_load_in::<u8>(&c, key("bad"), 100, || Err(crate::error::Error::internal("no")));
        assert!(e.is_err());
        let ok = get_or_load_in(&c, key("bad"), 100, || Ok((1u8, 1))).unwrap();
        assert_eq!(*ok, 1);
    }
}
