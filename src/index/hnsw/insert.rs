//! INSERT and non-HOT UPDATE: one element per row, linked by the same algorithm as the build.
//! Inserts into one index take turns (a page lock on the metapage, as VACUUM's repair does);
//! scans never wait for it.

use super::pages::{self, PageGraph};
use super::{index_settings, read_values};
use crate::core::hnsw::{insert, Params};
use pgrx::{pg_guard, pg_sys};

/// Inserts one prepared vector into the pages; updates the metapage when the entry point or the
/// page for new elements changed. The caller holds the insert lock.
pub fn insert_on_pages(g: &mut PageGraph, heap_tid: (u32, u16), vector: &[f32], level: usize, params: &Params) {
    let before = (g.meta.entry, g.meta.entry_level, g.meta.insert_block);
    g.pending_tid = heap_tid;
    {
        let _pins = g.pin_scope();
        insert(g, vector, level, params);
    }
    if before != (g.meta.entry, g.meta.entry_level, g.meta.insert_block) {
        // SAFETY: the graph's index is open and we hold its insert lock.
        unsafe { pages::update_meta(g.index, &g.meta) };
    }
}

#[pg_guard]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C-unwind" fn aminsert(
    index: pg_sys::Relation,
    values: *mut pg_sys::Datum,
    isnull: *mut bool,
    heap_tid: pg_sys::ItemPointer,
    _heap: pg_sys::Relation,
    _check_unique: pg_sys::IndexUniqueCheck::Type,
    _unchanged: bool,
    _info: *mut pg_sys::IndexInfo,
) -> bool {
    if *isnull {
        return false;
    }
    let settings = index_settings(index);
    let mut vector = Vec::with_capacity(settings.layout.dims);
    read_values(&settings, *values, &mut vector);
    if !settings.metric.prepare(&mut vector) {
        return false;
    }
    let params = Params { m: settings.m, ef_construction: settings.ef_construction };
    // (0, 1], from the row's heap tid and the build's seed: the same rows make the same graph
    // (as a build does), so a test's recall is the same on every run.
    let tid = pages::tid_parts(&*heap_tid);
    let u = crate::core::rng::SplitMix(super::LEVEL_SEED ^ ((tid.0 as u64) << 16 | tid.1 as u64)).next_unit();
    let level = params.level_for(u).min(settings.max_level);
    pg_sys::LockPage(index, pages::META_BLOCK, pg_sys::ExclusiveLock as i32);
    let mut g = PageGraph::open(index);
    insert_on_pages(&mut g, tid, &vector, level, &params);
    pg_sys::UnlockPage(index, pages::META_BLOCK, pg_sys::ExclusiveLock as i32);
    false
}
