//! embed_text / embed_texts: sentence embeddings from SQL, returned as `vector`.
//! Declared in sql/embed.sql (they return the hand-made vector type).

use crate::error::OrReport;
use crate::gucs;
use crate::models::{cache, device, embedder::Embedder, files, manifest};
use crate::types::memory_vector::{pg_finfo, vector_datum};
use pgrx::fcinfo::pg_getarg;
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use std::sync::Arc;

pg_finfo!(pg_finfo_embed_text, pg_finfo_embed_texts);

const TASK: &str = "embedding";

fn load(model: &str) -> Arc<Embedder> {
    let spec = manifest::find(model, TASK).or_report();
    let dir = files::model_path(&gucs::model_dir(), spec);
    let dev = device::select(gucs::device()).or_report();
    cache::embedder(spec, &dir, &dev).or_report()
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

/// embed_text(input text, model text): the unit-norm embedding of one text. STRICT.
#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn embed_text(fcinfo: FunctionCallInfo) -> Datum {
    let input: String = pg_getarg(fcinfo, 0).unwrap_or_default();
    let model: String = pg_getarg(fcinfo, 1).unwrap_or_default();
    let embedder = load(&model);
    let rows = embedder.embed(&[input.as_str()], 1, &mut |_, _| {}).or_report();
    vector_datum(rows.first().map(Vec::as_slice).unwrap_or(&[]))
}

/// embed_texts(inputs text[], model text): element i is the embedding of inputs[i], computed
/// in batched forward passes of shopml.batch_size texts; NULL elements stay NULL. STRICT.
#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn embed_texts(fcinfo: FunctionCallInfo) -> Datum {
    let inputs: Vec<Option<String>> = pg_getarg(fcinfo, 0).unwrap_or_default();
    let model: String = pg_getarg(fcinfo, 1).unwrap_or_default();
    let elem_type = pg_sys::get_element_type(pg_sys::get_fn_expr_rettype((*fcinfo).flinfo));
    if inputs.is_empty() {
        return Datum::from(pg_sys::construct_empty_array(elem_type));
    }
    let embedder = load(&model);
    let present: Vec<&str> = inputs.iter().flatten().map(String::as_str).collect();
    let mut progress = Progress::new();
    let mut vectors = embedder
        .embed(&present, gucs::batch_size(), &mut |done, total| {
            pgrx::check_for_interrupts!();
            progress.report(done, total);
        })
        .or_report()
        .into_iter();
    let mut datums = Vec::with_capacity(inputs.len());
    let mut nulls = Vec::with_capacity(inputs.len());
    for s in &inputs {
        match s.as_ref().and_then(|_| vectors.next()) {
            Some(v) => {
                datums.push(vector_datum(&v));
                nulls.push(false);
            }
            None => {
                datums.push(Datum::from(0usize));
                nulls.push(true);
            }
        }
    }
    let mut dims = [inputs.len() as i32];
    let mut lbs = [1i32];
    Datum::from(pg_sys::construct_md_array(
        datums.as_mut_ptr(),
        nulls.as_mut_ptr(),
        1,
        dims.as_mut_ptr(),
        lbs.as_mut_ptr(),
        elem_type,
        -1,
        false,
        pg_sys::TYPALIGN_INT as std::ffi::c_char,
    ))
}
