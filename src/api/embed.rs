//! embed_text / embed_texts: sentence embeddings from SQL, returned as `vector`.
//! Declared in sql/embed.sql (they return the hand-made vector type).

use crate::error::{Error, OrReport, SqlState};
use crate::gucs;
use crate::models::embedder::{EmbedSink, Embedder, Limits};
use crate::models::{cache, device, files, manifest};
use crate::pg::text::{server_to_utf8, text_bytes};
use crate::types::memory_vector::{pg_finfo, vector_datum};
use pgrx::fcinfo::pg_getarg_datum_raw;
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use std::sync::Arc;

pg_finfo!(pg_finfo_embed_text, pg_finfo_embed_texts);

const TASK: &str = "embedding";

/// Bytes of a text read before its first bounding: enough for a few thousand words, so only
/// pathological values are read further.
const FIRST_SLICE: usize = 64 * 1024;

/// Model names are short; a longer argument is read no further than this.
const MAX_MODEL_NAME: usize = 256;

unsafe fn model_arg(fcinfo: FunctionCallInfo, n: usize) -> String {
    let (bytes, whole) = text_bytes(pg_getarg_datum_raw(fcinfo, n), MAX_MODEL_NAME);
    server_to_utf8(bytes, whole).into_owned()
}

fn load(model: &str) -> Arc<Embedder> {
    let spec = manifest::find(model, TASK).or_report();
    let dir = files::model_path(&gucs::model_dir(), spec);
    let dev = device::select(gucs::device()).or_report();
    cache::embedder(spec, &dir, &dev).or_report()
}

fn limits() -> Limits {
    Limits { batch_size: gucs::batch_size(), max_batch_tokens: gucs::max_batch_tokens() }
}

/// What the model reads of a text datum: the bounded form of the text, read in a first slice
/// and, only when that is not enough, in full.
unsafe fn model_input(datum: Datum, embedder: &Embedder) -> String {
    let mut limit = FIRST_SLICE;
    loop {
        let (bytes, whole) = text_bytes(datum, limit);
        let text = server_to_utf8(bytes, whole);
        let bounded = embedder.bound(&text, &mut || {
            pgrx::check_for_interrupts!();
        });
        if bounded.complete || whole {
            return bounded.text;
        }
        limit = usize::MAX;
    }
}

/// NOTICEs with percent and ETA for long embed_texts calls: at most one per 10% of the texts,
/// and none for calls that finish within a few seconds.
struct Progress {
    start: std::time::Instant,
    next_percent: usize,
}

impl Progress {
    fn new() -> Self {
        Progress { start: std::time::Instant::now(), next_percent: 10 }
    }

    fn report(&mut self, done: usize, total: usize) {
        if total == 0 || done == 0 {
            return;
        }
        let percent = done * 100 / total;
        let elapsed = self.start.elapsed().as_secs_f64();
        if percent < self.next_percent || elapsed < 3.0 {
            return;
        }
        self.next_percent = (percent / 10 + 1) * 10;
        let eta = elapsed * (total - done) as f64 / done as f64;
        pgrx::notice!("embed_texts: {percent}% ({done} of {total} texts), {elapsed:.0} s so far, about {eta:.0} s left");
    }
}

/// Rows become palloc'd vector datums as soon as they are computed, so the Rust side holds
/// one window of texts at a time; cancellation is checked between batches and layers.
struct DatumSink {
    datums: Vec<Datum>,
    progress: Option<Progress>,
}

impl EmbedSink for DatumSink {
    fn check(&mut self) {
        pgrx::check_for_interrupts!();
    }
    fn progress(&mut self, done: usize, total: usize) {
        if let Some(p) = self.progress.as_mut() {
            p.report(done, total);
        }
    }
    fn row(&mut self, index: usize, embedding: Vec<f32>) {
        self.datums[index] = vector_datum(&embedding);
    }
}

/// embed_text(input text, model text): the unit-norm embedding of one text. STRICT.
#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn embed_text(fcinfo: FunctionCallInfo) -> Datum {
    let embedder = load(&model_arg(fcinfo, 1));
    let input = model_input(pg_getarg_datum_raw(fcinfo, 0), &embedder);
    let mut sink = DatumSink { datums: vec![Datum::from(0usize)], progress: None };
    embedder.embed_each(&[input.as_str()], limits(), &mut sink).or_report();
    sink.datums[0]
}

/// Postgres's MaxAllocSize (1 GB - 1): the most a palloc'd value, so an array, may hold.
const MAX_ALLOC_SIZE: u128 = 0x3fff_ffff;

/// The bytes of a `vector[]` of `n` vectors of `dims` dimensions: refused up front when over
/// the 1 GB a value may hold, rather than after the work.
fn check_result_size(n: usize, dims: usize) {
    let per_vector = pg_sys::VARHDRSZ + 4 + dims * 4;
    let bytes = (n as u128) * (per_vector as u128 + 1) + 64;
    if bytes > MAX_ALLOC_SIZE {
        Error::new(
            SqlState::ProgramLimitExceeded,
            format!("embed_texts of {n} texts would return {} MB, more than the 1 GB a value may hold", bytes >> 20),
        )
        .with_hint("embed fewer texts per call")
        .report();
    }
}

/// embed_texts(inputs text[], model text): element i is the embedding of inputs[i], computed
/// in batched forward passes (shopml.batch_size texts, shopml.max_batch_tokens tokens); NULL
/// elements stay NULL. STRICT.
#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn embed_texts(fcinfo: FunctionCallInfo) -> Datum {
    let arr = pg_sys::pg_detoast_datum(pg_getarg_datum_raw(fcinfo, 0).cast_mut_ptr()) as *mut pg_sys::ArrayType;
    let elem_type = pg_sys::get_element_type(pg_sys::get_fn_expr_rettype((*fcinfo).flinfo));
    let (mut elems, mut nulls, mut n) = (std::ptr::null_mut(), std::ptr::null_mut(), 0);
    pg_sys::deconstruct_array(arr, pg_sys::TEXTOID, -1, false, pg_sys::TYPALIGN_INT as std::ffi::c_char, &mut elems, &mut nulls, &mut n);
    let n = n.max(0) as usize;
    if n == 0 {
        return Datum::from(pg_sys::construct_empty_array(elem_type));
    }
    let (elems, nulls) = (std::slice::from_raw_parts(elems, n), std::slice::from_raw_parts(nulls, n));
    let embedder = load(&model_arg(fcinfo, 1));
    check_result_size(n, embedder.dims());
    let present: Vec<usize> = (0..n).filter(|&i| !nulls[i]).collect();
    let mut inputs = Vec::with_capacity(present.len());
    for &i in &present {
        pgrx::check_for_interrupts!();
        inputs.push(model_input(elems[i], &embedder));
    }
    let texts: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let mut sink = DatumSink { datums: vec![Datum::from(0usize); texts.len()], progress: Some(Progress::new()) };
    embedder.embed_each(&texts, limits(), &mut sink).or_report();
    let mut datums = vec![Datum::from(0usize); n];
    for (&i, d) in present.iter().zip(sink.datums) {
        datums[i] = d;
    }
    let mut out_nulls = nulls.to_vec();
    let mut dims = [n as i32];
    let mut lbs = [1i32];
    Datum::from(pg_sys::construct_md_array(
        datums.as_mut_ptr(),
        out_nulls.as_mut_ptr(),
        1,
        dims.as_mut_ptr(),
        lbs.as_mut_ptr(),
        elem_type,
        -1,
        false,
        pg_sys::TYPALIGN_INT as std::ffi::c_char,
    ))
}
