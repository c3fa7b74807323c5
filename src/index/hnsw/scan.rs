//! Index scans for `ORDER BY column <operator> query LIMIT k`: a search with
//! shopml.hnsw_ef_search candidates, returned nearest first. When they run out (a WHERE clause
//! dropped rows, or LIMIT is larger than ef_search) and shopml.hnsw_iterative_scan allows, the
//! search goes on where it stopped with twice the candidates, up to shopml.hnsw_max_scan_tuples,
//! skipping what was returned: `relaxed_order` returns the newly found rows even when one is nearer than the
//! last row returned, `strict_order` leaves such rows out. A NULL query returns every row the
//! index holds, in index order, as the scan it replaces returns every row (NULL distances tie).

use super::pages::{self, PageGraph, DELETED};
use super::{index_settings, read_values};
use crate::core::hnsw::{start_search, LayerSearch, NodeId, Scored};
use crate::error::{Error, SqlState};
use crate::gucs::{self, IterativeScan};
use pgrx::{pg_guard, pg_sys};
use rustc_hash::FxHashSet;

struct ScanState {
    graph: Option<PageGraph>,
    query: Option<Vec<f32>>,
    search: Option<LayerSearch>,
    results: Vec<Scored>,
    next: usize,
    returned: FxHashSet<NodeId>,
    ef: usize,
    /// shopml.hnsw_iterative_scan and hnsw_max_scan_tuples, read once when the scan starts
    /// (amgettuple runs once per row; each read may look up pgvector's names too).
    mode: IterativeScan,
    max_tuples: usize,
    last_distance: f32,
    started: bool,
    /// A NULL query: the next block to read, and the heap tids of the live elements of the block
    /// read last, still to return.
    every_row: Option<EveryRow>,
}

/// Where the scan state lives: freed by amendscan, or by the memory context's reset when an
/// error ends the query first.
struct Slot(*mut ScanState);

unsafe extern "C-unwind" fn free_slot(arg: *mut std::ffi::c_void) {
    let slot = arg as *mut Slot;
    if !(*slot).0.is_null() {
        drop(Box::from_raw((*slot).0));
        (*slot).0 = std::ptr::null_mut();
    }
}

#[pg_guard]
pub unsafe extern "C-unwind" fn ambeginscan(index: pg_sys::Relation, nkeys: i32, norderbys: i32) -> pg_sys::IndexScanDesc {
    let scan = pg_sys::RelationGetIndexScan(index, nkeys, norderbys);
    let state = Box::new(ScanState {
        graph: None,
        query: None,
        search: None,
        results: Vec::new(),
        next: 0,
        returned: FxHashSet::default(),
        ef: 0,
        mode: IterativeScan::Off,
        max_tuples: 0,
        last_distance: f32::NEG_INFINITY,
        started: false,
        every_row: None,
    });
    let slot = pg_sys::palloc0(std::mem::size_of::<Slot>()) as *mut Slot;
    (*slot).0 = Box::into_raw(state);
    let callback = pg_sys::palloc0(std::mem::size_of::<pg_sys::MemoryContextCallback>()) as *mut pg_sys::MemoryContextCallback;
    (*callback).func = Some(free_slot);
    (*callback).arg = slot as *mut std::ffi::c_void;
    pg_sys::MemoryContextRegisterResetCallback(pg_sys::CurrentMemoryContext, callback);
    (*scan).opaque = slot as *mut std::ffi::c_void;
    scan
}

unsafe fn state<'a>(scan: pg_sys::IndexScanDesc) -> &'a mut ScanState {
    let slot = (*scan).opaque as *mut Slot;
    &mut *(*slot).0
}

#[pg_guard]
pub unsafe extern "C-unwind" fn amrescan(scan: pg_sys::IndexScanDesc, keys: pg_sys::ScanKey, nkeys: i32, orderbys: pg_sys::ScanKey, norderbys: i32) {
    if !keys.is_null() && nkeys > 0 {
        std::ptr::copy(keys, (*scan).keyData, nkeys as usize);
    }
    if !orderbys.is_null() && norderbys > 0 {
        std::ptr::copy(orderbys, (*scan).orderByData, norderbys as usize);
    }
    let s = state(scan);
    s.graph = None;
    s.query = None;
    s.search = None;
    s.results.clear();
    s.next = 0;
    s.returned.clear();
    s.last_distance = f32::NEG_INFINITY;
    s.started = false;
    s.every_row = None;
}

/// Reads the query, opens the graph, runs the first search.
unsafe fn start(scan: pg_sys::IndexScanDesc, s: &mut ScanState) {
    s.started = true;
    if (*scan).numberOfOrderBys < 1 {
        Error::new(SqlState::FeatureNotSupported, "shopml_hnsw indexes answer only ORDER BY column <operator> value")
            .with_hint("use ORDER BY embedding <=> query LIMIT k; other scans of the table do not use the index")
            .report();
    }
    let key = &*(*scan).orderByData;
    if key.sk_flags & pg_sys::SK_ISNULL as i32 != 0 {
        let layout = pages::read_meta((*scan).indexRelation).layout();
        s.every_row = Some(EveryRow { layout, next_block: 1, pending: Vec::new() });
        return;
    }
    let index = (*scan).indexRelation;
    let settings = index_settings(index);
    let mut query = Vec::with_capacity(settings.layout.dims);
    read_values(&settings, key.sk_argument, &mut query);
    // A zero query has no cosine distance: searching with it returns rows in no useful order,
    // like the exact scan's NaN distances.
    settings.metric.prepare(&mut query);
    s.ef = gucs::hnsw_ef_search();
    s.mode = gucs::hnsw_iterative_scan();
    s.max_tuples = gucs::hnsw_max_scan_tuples();
    let graph = PageGraph::open(index);
    let search = {
        let _pins = graph.pin_scope();
        start_search(&graph, &query, s.ef)
    };
    s.results = search.as_ref().map(|x| x.results()).unwrap_or_default();
    s.search = search;
    s.graph = Some(graph);
    s.query = Some(query);
}

#[pg_guard]
pub unsafe extern "C-unwind" fn amgettuple(scan: pg_sys::IndexScanDesc, _direction: pg_sys::ScanDirection::Type) -> bool {
    let s = state(scan);
    if !s.started {
        start(scan, s);
    }
    if let Some(every_row) = s.every_row.as_mut() {
        return every_row.next(scan);
    }
    let (Some(graph), Some(query)) = (&s.graph, &s.query) else { return false };
    let mode = s.mode;
    loop {
        while s.next < s.results.len() {
            let r = s.results[s.next];
            s.next += 1;
            if !s.returned.insert(r.node) || (mode == IterativeScan::StrictOrder && r.distance < s.last_distance) {
                continue;
            }
            let (tid, flags) = graph.with_element(r.node, |e| (e.heap_tid(), e.flags()));
            if flags & DELETED != 0 {
                continue;
            }
            s.last_distance = r.distance;
            (*scan).xs_heaptid = pages::make_tid(tid.0, tid.1);
            (*scan).xs_recheck = false;
            (*scan).xs_recheckorderby = false;
            return true;
        }
        // Out of candidates: search on with more, if allowed and the graph may hold more.
        let limit = s.max_tuples;
        if mode == IterativeScan::Off || s.results.len() < s.ef || s.ef >= limit {
            return false;
        }
        pgrx::check_for_interrupts!();
        s.ef = (s.ef * 2).min(limit);
        let Some(search) = s.search.as_mut() else { return false };
        {
            let _pins = graph.pin_scope();
            search.resume(graph, query, s.ef);
        }
        s.results = search.results();
        s.next = 0;
    }
}

/// A scan for a NULL query: every live element, page by page (a page's tids are read under
/// its share lock, then returned one per call).
struct EveryRow {
    layout: pages::Layout,
    next_block: pg_sys::BlockNumber,
    pending: Vec<(pg_sys::BlockNumber, pg_sys::OffsetNumber)>,
}

impl EveryRow {
    unsafe fn next(&mut self, scan: pg_sys::IndexScanDesc) -> bool {
        let index = (*scan).indexRelation;
        while self.pending.is_empty() {
            if self.next_block >= pages::blocks(index) {
                return false;
            }
            pgrx::check_for_interrupts!();
            let b = pages::Locked::read(index, self.next_block, false);
            for offset in 1..=pg_sys::PageGetMaxOffsetNumber(b.page()) {
                let (ptr, len) = pages::page_item(b.page(), offset);
                let e = pages::Element::new(ptr, len, self.layout);
                if e.flags() & DELETED == 0 {
                    self.pending.push(e.heap_tid());
                }
            }
            self.pending.reverse();
            self.next_block += 1;
        }
        let Some((block, offset)) = self.pending.pop() else { return false };
        (*scan).xs_heaptid = pages::make_tid(block, offset);
        (*scan).xs_recheck = false;
        (*scan).xs_recheckorderby = false;
        true
    }
}

#[pg_guard]
pub unsafe extern "C-unwind" fn amendscan(scan: pg_sys::IndexScanDesc) {
    free_slot((*scan).opaque);
}
