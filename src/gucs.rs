//! Every setting of shopml (`shopml.*`), with typed getters.

use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::{pg_sys, PostgresGucEnum};
use std::ffi::{CStr, CString};
use std::path::PathBuf;

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
/// 8 texts per forward pass: the fastest on 2 CPU cores for real reviews (benches/embed_bench.py:
/// 16 rows/s at 1, 21 at 8, 17 at 32, 13 at 64); larger batches pad more and spill caches.
static BATCH_SIZE: GucSetting<i32> = GucSetting::<i32>::new(8);

pub fn init() {
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
    GucRegistry::define_int_guc(
        c"shopml.batch_size",
        c"Texts per forward pass in embed_texts.",
        c"",
        &BATCH_SIZE,
        1,
        4096,
        GucContext::Userset,
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

pub fn device() -> &'static str {
    match DEVICE.get() {
        DeviceSetting::Cpu => "cpu",
        DeviceSetting::Cuda => "cuda",
        DeviceSetting::Auto => "auto",
    }
}

pub fn batch_size() -> usize {
    BATCH_SIZE.get().max(1) as usize
}
