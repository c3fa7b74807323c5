//! VACUUM: elements of removed rows are flagged deleted (never returned again); then, under
//! the insert lock, a deleted entry point is replaced by a live element of the highest level
//! and every live element that linked to a deleted one is linked anew. Deleted elements keep
//! their space until REINDEX.

use super::pages::{self, blocks, Element, Locked, PageGraph, Wal, DELETED};
use crate::core::hnsw::{link, NodeId, Params};
use crate::pg::versions::BlockSweep;
use pgrx::{pg_guard, pg_sys};
use rustc_hash::FxHashSet;

unsafe fn new_stats(stats: *mut pg_sys::IndexBulkDeleteResult) -> *mut pg_sys::IndexBulkDeleteResult {
    if stats.is_null() {
        pg_sys::palloc0(std::mem::size_of::<pg_sys::IndexBulkDeleteResult>()) as *mut pg_sys::IndexBulkDeleteResult
    } else {
        stats
    }
}

#[pg_guard]
pub unsafe extern "C-unwind" fn ambulkdelete(
    info: *mut pg_sys::IndexVacuumInfo,
    stats: *mut pg_sys::IndexBulkDeleteResult,
    callback: pg_sys::IndexBulkDeleteCallback,
    callback_state: *mut std::ffi::c_void,
) -> *mut pg_sys::IndexBulkDeleteResult {
    let stats = new_stats(stats);
    let index = (*info).index;
    let Some(callback) = callback else { return stats };
    let graph = PageGraph::open(index);
    let layout = graph.layout;
    // Pass 1: flag the elements of removed rows.
    let mut deleted: FxHashSet<NodeId> = FxHashSet::default();
    let mut highest: Option<(NodeId, usize)> = None;
    let mut live = 0.0;
    let mut sweep = BlockSweep::new(index, (*info).strategy, 1, blocks(index));
    while let Some(buffer) = sweep.next() {
        crate::pg::versions::vacuum_delay_point();
        let b = Locked::pinned(buffer, true);
        let block = b.block();
        let mut gone = Vec::new();
        let max = pg_sys::PageGetMaxOffsetNumber(b.page());
        for offset in 1..=max {
            let (ptr, len) = pages::page_item(b.page(), offset);
            let e = Element::new(ptr, len, layout);
            if e.flags() & DELETED != 0 {
                continue;
            }
            let (hb, ho) = e.heap_tid();
            let mut tid = pages::make_tid(hb, ho);
            if callback(&mut tid, callback_state) {
                gone.push(offset);
            } else {
                live += 1.0;
                if highest.is_none_or(|(_, l)| e.level() > l) {
                    highest = Some((pages::node_id(block, offset), e.level()));
                }
            }
        }
        if !gone.is_empty() {
            let mut wal = Wal::start(index);
            let page = wal.register(&b, false);
            for &offset in &gone {
                let (ptr, _) = pages::page_item(page, offset);
                *ptr.add(7) |= DELETED;
                deleted.insert(pages::node_id(block, offset));
            }
            wal.finish();
        }
    }
    (*stats).tuples_removed += deleted.len() as f64;
    (*stats).num_index_tuples = live;
    if !deleted.is_empty() {
        pg_sys::LockPage(index, pages::META_BLOCK, pg_sys::ExclusiveLock as i32);
        repair(index, deleted, highest);
        pg_sys::UnlockPage(index, pages::META_BLOCK, pg_sys::ExclusiveLock as i32);
    }
    stats
}

/// Pass 2, under the insert lock: a live entry point first, then every live element that
/// links to a deleted one is linked anew, as an insert would link it (the deleted elements still
/// route these searches, so elements reachable only through them are found and linked back).
unsafe fn repair(index: pg_sys::Relation, deleted: FxHashSet<NodeId>, highest: Option<(NodeId, usize)>) {
    let mut graph = PageGraph::open(index);
    let params = Params { m: graph.meta.m as usize, ef_construction: graph.meta.ef_construction as usize };
    if graph.meta.entry != 0 && deleted.contains(&graph.meta.entry) {
        let (entry, level) = highest.unwrap_or((0, 0));
        graph.meta.entry = entry;
        graph.meta.entry_level = level as u32;
        pages::update_meta(index, &graph.meta);
    }
    graph.deleted = deleted;
    let entry_before = (graph.meta.entry, graph.meta.entry_level);
    for block in 1..blocks(index) {
        crate::pg::versions::vacuum_delay_point();
        // What needs work on this page, read under a share lock released before other pages are read.
        let mut todo: Vec<(NodeId, usize, Vec<f32>)> = Vec::new();
        {
            let b = Locked::read(index, block, false);
            let max = pg_sys::PageGetMaxOffsetNumber(b.page());
            for offset in 1..=max {
                let (ptr, len) = pages::page_item(b.page(), offset);
                let e = Element::new(ptr, len, graph.layout);
                if e.flags() & DELETED == 0 && (0..=e.level()).any(|l| e.neighbors(l).iter().any(|n| graph.deleted.contains(n))) {
                    todo.push((pages::node_id(block, offset), e.level(), e.vector().to_vec()));
                }
            }
        }
        for (node, level, vector) in todo {
            pgrx::check_for_interrupts!();
            let _pins = graph.pin_scope();
            link(&mut graph, node, &vector, level, &params);
        }
    }
    if entry_before != (graph.meta.entry, graph.meta.entry_level) {
        pages::update_meta(index, &graph.meta);
    }
}

#[pg_guard]
pub unsafe extern "C-unwind" fn amvacuumcleanup(info: *mut pg_sys::IndexVacuumInfo, stats: *mut pg_sys::IndexBulkDeleteResult) -> *mut pg_sys::IndexBulkDeleteResult {
    if (*info).analyze_only {
        return stats;
    }
    let index = (*info).index;
    let stats = if stats.is_null() {
        // No bulk delete ran: count the live elements.
        let stats = new_stats(stats);
        let layout = pages::read_meta(index).layout();
        let mut sweep = BlockSweep::new(index, (*info).strategy, 1, blocks(index));
        while let Some(buffer) = sweep.next() {
            crate::pg::versions::vacuum_delay_point();
            let b = Locked::pinned(buffer, false);
            for offset in 1..=pg_sys::PageGetMaxOffsetNumber(b.page()) {
                let (ptr, len) = pages::page_item(b.page(), offset);
                if Element::new(ptr, len, layout).flags() & DELETED == 0 {
                    (*stats).num_index_tuples += 1.0;
                }
            }
        }
        stats
    } else {
        stats
    };
    (*stats).num_pages = blocks(index);
    stats
}
