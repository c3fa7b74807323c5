//! Every setting of shopml (`shopml.*`), with typed getters.

use crate::models::device::{DeviceChoice, GpuPrecision};
use crate::models::registry::Settings;
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::{pg_sys, PostgresGucEnum};
use std::ffi::{CStr, CString};
use std::path::PathBuf;

#[derive(PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum IterativeScan {
    #[name = c"off"]
    Off,
    #[name = c"relaxed_order"]
    RelaxedOrder,
    #[name = c"strict_order"]
    StrictOrder,
}

#[derive(PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum GpuPrecisionSetting {
    #[name = c"f16"]
    F16,
    #[name = c"f32"]
    F32,
}

#[derive(PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum DeviceSetting {
    #[name = c"cpu"]
    Cpu,
    #[name = c"cuda"]
    Cuda,
    #[name = c"auto"]
    Auto,
}

/// Where model files are read from. Superuser only: whoever sets it chooses the weights that
/// IMMUTABLE functions serve. Empty means `<sharedir>/shopml/models`, where `make models` puts them.
static MODEL_DIR: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
/// CPU by default: it is always there; `auto` takes a GPU when the build and the machine have one.
static DEVICE: GucSetting<DeviceSetting> = GucSetting::<DeviceSetting>::new(DeviceSetting::Cpu);
/// Half precision on a GPU: tensor cores, about twice the speed of f32, cosine >= 0.999 to the
/// CPU's vectors (docs/gpu_embed.md). f32 for results within 1e-5 of the CPU's.
static GPU_PRECISION: GucSetting<GpuPrecisionSetting> = GucSetting::<GpuPrecisionSetting>::new(GpuPrecisionSetting::F16);
/// 8 texts per forward pass: as fast as any on 2 CPU cores for real reviews
/// (benches/embed_peers.py: 45 rows/s at 1, 92 at 8, 90 at 32 and 64), with the least memory.
static BATCH_SIZE: GucSetting<i32> = GucSetting::<i32>::new(8);
/// Superuser-only ceiling on the padded tokens (texts x longest text) of one forward pass,
/// whatever shopml.batch_size a user sets: a pass of all-MiniLM-L6-v2 takes about 45 kB per
/// token (issue 13's probe: ~11 MB per 256-token text), so 4096 tokens bound it near 190 MB, and the default
/// batch of 8 texts of 256 word pieces (2048 tokens) is never split.
static MAX_BATCH_TOKENS: GucSetting<i32> = GucSetting::<i32>::new(4096);
/// Superuser-only ceiling on the memory one call may use to hold a table read for training (kB).
static MAX_TRAINING_MEMORY: GucSetting<i32> = GucSetting::<i32>::new(2 * 1024 * 1024);
/// Superuser-only ceiling on the models one backend keeps loaded (kB; the least recently used go
/// first). 1 GB holds the embedder (87 MB, mapped) and many trained models; a single model larger
/// than the ceiling is refused with an error.
static MODEL_CACHE_SIZE: GucSetting<i32> = GucSetting::<i32>::new(1024 * 1024);
/// Threads one forward pass of the CPU encoder uses; 0 = one per core, the fastest measured
/// (README, Performance). Anyone may lower it, e.g. to leave cores to other backends.
static THREADS: GucSetting<i32> = GucSetting::<i32>::new(0);
/// Seconds a long call runs before it reports progress as NOTICEs; -1 never. Calls shorter than
/// 3 s stay silent; scripts that compare output (the golden tests) turn the reports off.
static PROGRESS_AFTER: GucSetting<i32> = GucSetting::<i32>::new(3);

/// Candidates an HNSW index scan keeps (pgvector's hnsw.ef_search default): more is slower and
/// finds more of the true nearest rows.
static HNSW_EF_SEARCH: GucSetting<i32> = GucSetting::<i32>::new(40);
/// On by default (pgvector's is off): a filtered query should not silently return fewer rows
/// than it asked for while enough rows match.
static HNSW_ITERATIVE_SCAN: GucSetting<IterativeScan> = GucSetting::<IterativeScan>::new(IterativeScan::RelaxedOrder);
/// The most candidates an iterative scan grows to (pgvector's hnsw.max_scan_tuples).
static HNSW_MAX_SCAN_TUPLES: GucSetting<i32> = GucSetting::<i32>::new(20000);

pub fn init() {
    GucRegistry::define_int_guc(
        c"shopml.hnsw_ef_search",
        c"Candidates an HNSW index scan keeps: higher finds more of the true nearest rows, more slowly.",
        c"Like pgvector's hnsw.ef_search.",
        &HNSW_EF_SEARCH,
        1,
        1000,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_enum_guc(
        c"shopml.hnsw_iterative_scan",
        c"Whether an HNSW index scan searches on when its candidates run out (off, relaxed_order, strict_order).",
        c"Filtered queries need it to return all the rows they ask for; strict_order never returns a row nearer than one already returned.",
        &HNSW_ITERATIVE_SCAN,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"shopml.hnsw_max_scan_tuples",
        c"Most candidates an iterative HNSW index scan grows to.",
        c"Bounds the time and memory of a filtered query whose filter matches few rows.",
        &HNSW_MAX_SCAN_TUPLES,
        1,
        i32::MAX,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"shopml.model_dir",
        c"Directory holding the installed models (one sub-directory per model).",
        c"Empty means <sharedir>/shopml/models, where `make models` installs them.",
        &MODEL_DIR,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_enum_guc(
        c"shopml.device",
        c"Where models run: cpu, cuda or auto.",
        c"auto uses the first CUDA device when this build has CUDA support and one is present.",
        &DEVICE,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_enum_guc(
        c"shopml.gpu_precision",
        c"Precision of models on a GPU: f16 or f32.",
        c"The CPU always computes in f32.",
        &GPU_PRECISION,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"shopml.batch_size",
        c"Texts per forward pass in embed_texts.",
        c"A forward pass also stays within shopml.max_batch_tokens, which only a superuser sets.",
        &BATCH_SIZE,
        1,
        4096,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"shopml.max_batch_tokens",
        c"Most padded tokens (texts x longest text) in one forward pass.",
        c"Bounds the memory of a forward pass (about 45 kB per token for all-MiniLM-L6-v2); superuser only.",
        &MAX_BATCH_TOKENS,
        256,
        262144,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"shopml.model_cache_size",
        c"Most memory the models loaded by one backend may hold; the least recently used are dropped.",
        c"Superuser only. The least recently used models are dropped to stay within it; a single larger model is refused with an error.",
        &MODEL_CACHE_SIZE,
        1024,
        i32::MAX,
        GucContext::Suset,
        GucFlags::UNIT_KB,
    );
    GucRegistry::define_int_guc(
        c"shopml.max_training_memory",
        c"Most memory one call may use for the rows it reads to train or profile.",
        c"Superuser only. A larger table is refused with a clean error before it is read in full.",
        &MAX_TRAINING_MEMORY,
        1024,
        i32::MAX,
        GucContext::Suset,
        GucFlags::UNIT_KB,
    );
    GucRegistry::define_int_guc(
        c"shopml.threads",
        c"Threads for one forward pass of the CPU encoder (0 = one per core).",
        c"Lower it to leave cores to other backends; more threads than cores only adds switching.",
        &THREADS,
        0,
        64,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"shopml.progress_after",
        c"Seconds a long call (embedding, training, index build) runs before it reports progress as NOTICEs; -1 never.",
        c"Reports come at most once per 10% of the work, with percent done and time left.",
        &PROGRESS_AFTER,
        -1,
        86400,
        GucContext::Userset,
        // No unit: PostgreSQL 17 writes units into the range error and 15 does not.
        GucFlags::default(),
    );
    unsafe { pg_sys::MarkGUCPrefixReserved(c"shopml".as_ptr()) };
}

pub fn model_dir() -> PathBuf {
    match MODEL_DIR.get() {
        Some(dir) if !dir.as_bytes().is_empty() => PathBuf::from(dir.to_string_lossy().into_owned()),
        _ => default_model_dir(),
    }
}

fn default_model_dir() -> PathBuf {
    let mut buf = vec![0 as std::ffi::c_char; pg_sys::MAXPGPATH as usize];
    // SAFETY: my_exec_path is set by the postmaster before any backend runs our code, and
    // get_share_path writes at most MAXPGPATH bytes.
    let share = unsafe {
        pg_sys::get_share_path(std::ptr::addr_of!(pg_sys::my_exec_path).cast(), buf.as_mut_ptr());
        CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned()
    };
    PathBuf::from(share).join("shopml").join("models")
}

pub fn device() -> DeviceChoice {
    match DEVICE.get() {
        DeviceSetting::Cpu => DeviceChoice::Cpu,
        DeviceSetting::Cuda => DeviceChoice::Cuda,
        DeviceSetting::Auto => DeviceChoice::Auto,
    }
}

pub fn max_training_memory_bytes() -> usize {
    MAX_TRAINING_MEMORY.get().max(1) as usize * 1024
}

pub fn model_cache_bytes() -> usize {
    MODEL_CACHE_SIZE.get().max(1) as usize * 1024
}

/// What the model registry needs from the settings, read once per call.
pub fn model_settings() -> Settings {
    let gpu_precision = match GPU_PRECISION.get() {
        GpuPrecisionSetting::F16 => GpuPrecision::F16,
        GpuPrecisionSetting::F32 => GpuPrecision::F32,
    };
    Settings { model_dir: model_dir(), device: device(), gpu_precision, cache_bytes: model_cache_bytes() }
}

pub fn batch_size() -> usize {
    BATCH_SIZE.get().max(1) as usize
}

pub fn threads() -> usize {
    THREADS.get().max(0) as usize
}

/// None: progress reports are off.
pub fn progress_after_secs() -> Option<f64> {
    let v = PROGRESS_AFTER.get();
    (v >= 0).then_some(v as f64)
}

pub fn max_batch_tokens() -> usize {
    MAX_BATCH_TOKENS.get().max(1) as usize
}

/// pgvector's setting of the same meaning (`hnsw.ef_search`, ...) when pgvector does not own it
/// (issue 30): in a database without pgvector, a session's `SET hnsw.ef_search = 100` creates a
/// placeholder, and shopml's index reads it, so a pgvector user's tuning applies to shopml's
/// index while shopml's own setting is at its default. Where pgvector is loaded the name is its
/// setting, for its index, and shopml reads only `shopml.*`. shopml never defines these names
/// (pgvector could then not load in the same backend). A value that is not valid is a clean
/// error naming it.
fn pgvector_setting(name: &CStr) -> Option<String> {
    // SAFETY: both look-ups take missing_ok and return NULL / 0 for an unknown name; the value
    // is copied at once.
    unsafe {
        let current = pg_sys::GetConfigOption(name.as_ptr(), true, false);
        let placeholder = pg_sys::GetConfigOptionFlags(name.as_ptr(), true) as u32 & pg_sys::GUC_CUSTOM_PLACEHOLDER != 0;
        if current.is_null() || !placeholder {
            return None;
        }
        Some(CStr::from_ptr(current).to_string_lossy().into_owned()).filter(|v| !v.is_empty())
    }
}

fn pgvector_int(name: &CStr, min: i64, max: i64) -> Option<usize> {
    let v = pgvector_setting(name)?;
    match v.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n as usize),
        _ => crate::error::Error::invalid_parameter(format!(
            "invalid value for parameter \"{}\": \"{}\"",
            name.to_string_lossy(),
            crate::error::excerpt(&v)
        ))
        .with_hint(format!("shopml's hnsw index reads it as its own setting; use {min} to {max}"))
        .report(),
    }
}

pub fn hnsw_ef_search() -> usize {
    match HNSW_EF_SEARCH.get() {
        40 => pgvector_int(c"hnsw.ef_search", 1, 1000).unwrap_or(40),
        v => v.max(1) as usize,
    }
}

pub fn hnsw_iterative_scan() -> IterativeScan {
    match HNSW_ITERATIVE_SCAN.get() {
        IterativeScan::RelaxedOrder => match pgvector_setting(c"hnsw.iterative_scan").as_deref() {
            None | Some("relaxed_order") => IterativeScan::RelaxedOrder,
            Some("off") => IterativeScan::Off,
            Some("strict_order") => IterativeScan::StrictOrder,
            Some(other) => crate::error::Error::invalid_parameter(format!(
                "invalid value for parameter \"hnsw.iterative_scan\": \"{}\"",
                crate::error::excerpt(other)
            ))
            .with_hint("shopml's hnsw index reads it as its own setting; use off, relaxed_order or strict_order")
            .report(),
        },
        v => v,
    }
}

pub fn hnsw_max_scan_tuples() -> usize {
    match HNSW_MAX_SCAN_TUPLES.get() {
        20000 => pgvector_int(c"hnsw.max_scan_tuples", 1, i32::MAX as i64).unwrap_or(20000),
        v => v.max(1) as usize,
    }
}
