//! CREATE INDEX / REINDEX: the rows go into an in-memory graph while it fits
//! maintenance_work_mem, which is then written page by page (one WAL full-page image each).
//! Past the limit the graph is written out and the remaining rows are inserted on disk,
//! like aminsert (slower; a NOTICE says so).

use super::pages::{self, Layout, Locked, Meta, PageGraph};
use super::{index_settings, IndexSettings};
use crate::core::hnsw::{insert, Graph, MemoryGraph, NodeId, Params};
use crate::core::rng::SplitMix;
use crate::pg::progress::Progress;
use pgrx::{pg_guard, pg_sys};

/// Build phases for pg_stat_progress_create_index (1 is Postgres' "initializing").
pub const PHASE_LOAD: i64 = 2;
pub const PHASE_WRITE: i64 = 3;

struct BuildState {
    settings: IndexSettings,
    params: Params,
    graph: MemoryGraph,
    tids: Vec<(u32, u16)>,
    /// After the graph outgrew maintenance_work_mem: the rest goes straight to the pages.
    on_disk: Option<PageGraph>,
    memory_limit: usize,
    rng: SplitMix,
    index: pg_sys::Relation,
    scratch: Vec<f32>,
    indexed: usize,
    reltuples: f32,
    progress: Progress,
}

impl BuildState {
    fn uniform(&mut self) -> f64 {
        self.rng.next_unit()
    }
}

#[pg_guard]
pub unsafe extern "C-unwind" fn ambuild(heap: pg_sys::Relation, index: pg_sys::Relation, info: *mut pg_sys::IndexInfo) -> *mut pg_sys::IndexBuildResult {
    if pg_sys::RelationGetNumberOfBlocksInFork(index, pg_sys::ForkNumber::MAIN_FORKNUM) != 0 {
        crate::error::Error::internal("index is not empty at build start").report();
    }
    let settings = index_settings(index);
    let meta = Meta::new(settings.layout.dims, settings.m, settings.ef_construction, settings.metric);
    {
        let b = Locked::extend(index);
        pages::write_meta(b.page(), &meta, true);
        pg_sys::MarkBufferDirty(b.buffer);
    }
    let reltuples = (*(*heap).rd_rel).reltuples;
    let expected = reltuples.max(0.0) as usize;
    pg_sys::pgstat_progress_update_param(pg_sys::PROGRESS_CREATEIDX_SUBPHASE as i32, PHASE_LOAD);
    pg_sys::pgstat_progress_update_param(pg_sys::PROGRESS_CREATEIDX_TUPLES_TOTAL as i32, expected as i64);
    let mut state = BuildState {
        params: Params { m: settings.m, ef_construction: settings.ef_construction },
        graph: MemoryGraph::new(settings.layout.dims, settings.metric, settings.m),
        settings,
        tids: Vec::new(),
        on_disk: None,
        memory_limit: pg_sys::maintenance_work_mem as usize * 1024,
        rng: SplitMix(super::LEVEL_SEED),
        index,
        scratch: Vec::new(),
        indexed: 0,
        reltuples,
        progress: Progress::new("CREATE INDEX ... USING shopml_hnsw", "rows"),
    };
    let scan = (*(*heap).rd_tableam).index_build_range_scan.expect("a table access method with index builds");
    let heap_tuples = scan(
        heap,
        index,
        info,
        true,
        false,
        true,
        0,
        pg_sys::InvalidBlockNumber,
        Some(build_callback),
        &mut state as *mut BuildState as *mut std::ffi::c_void,
        std::ptr::null_mut(),
    );
    pg_sys::pgstat_progress_update_param(pg_sys::PROGRESS_CREATEIDX_SUBPHASE as i32, PHASE_WRITE);
    if state.on_disk.is_none() {
        write_graph(index, &state.graph, &state.tids, &state.settings);
        log_pages(index);
    }
    let result = pg_sys::palloc0(std::mem::size_of::<pg_sys::IndexBuildResult>()) as *mut pg_sys::IndexBuildResult;
    (*result).heap_tuples = heap_tuples;
    (*result).index_tuples = state.indexed as f64;
    result
}

/// The rows the build expects, for its progress: reltuples, or where the table was never
/// vacuumed or analyzed (-1, e.g. just after COPY), the rows so far scaled by the share of the
/// table's pages the scan has read (the heap scan reports them to pg_stat_progress_create_index).
unsafe fn expected_rows(reltuples: f32, indexed: usize) -> usize {
    if reltuples >= 0.0 {
        return (reltuples as usize).max(indexed);
    }
    let entry = pg_sys::MyBEEntry;
    if entry.is_null() {
        return indexed;
    }
    let param = |i: u32| (*entry).st_progress_param[i as usize];
    let (done, total) = (param(pg_sys::PROGRESS_SCAN_BLOCKS_DONE), param(pg_sys::PROGRESS_SCAN_BLOCKS_TOTAL));
    if done <= 0 || total <= done {
        return indexed;
    }
    (indexed as f64 * total as f64 / done as f64) as usize
}

#[pg_guard]
unsafe extern "C-unwind" fn build_callback(
    _index: pg_sys::Relation,
    tid: pg_sys::ItemPointer,
    values: *mut pg_sys::Datum,
    isnull: *mut bool,
    _alive: bool,
    state: *mut std::ffi::c_void,
) {
    pgrx::check_for_interrupts!();
    let s = &mut *(state as *mut BuildState);
    if *isnull {
        return;
    }
    super::read_values(&s.settings, *values, &mut s.scratch);
    let metric = s.settings.metric;
    if !metric.prepare(&mut s.scratch) {
        return;
    }
    let u = s.uniform();
    let level = s.params.level_for(u).min(s.settings.max_level);
    let heap_tid = pages::tid_parts(&*tid);
    if s.on_disk.is_none() && (s.graph.len() + 1) * MemoryGraph::bytes_per_node(s.settings.layout.dims, s.settings.m) > s.memory_limit {
        spill(s);
    }
    let vector = std::mem::take(&mut s.scratch);
    match &mut s.on_disk {
        Some(g) => super::insert::insert_on_pages(g, heap_tid, &vector, level, &s.params),
        None => {
            insert(&mut s.graph, &vector, level, &s.params);
            s.tids.push(heap_tid);
        }
    }
    s.scratch = vector;
    s.indexed += 1;
    if s.indexed % 256 == 0 {
        pg_sys::pgstat_progress_update_param(pg_sys::PROGRESS_CREATEIDX_TUPLES_DONE as i32, s.indexed as i64);
        s.progress.report(s.indexed, expected_rows(s.reltuples, s.indexed));
    }
}

/// Writes the in-memory graph out and continues on the pages.
unsafe fn spill(s: &mut BuildState) {
    pgrx::notice!(
        "shopml_hnsw graph no longer fits into maintenance_work_mem after {} rows; the rest is inserted on disk, more slowly",
        s.graph.len()
    );
    write_graph(s.index, &s.graph, &s.tids, &s.settings);
    log_pages(s.index);
    s.graph = MemoryGraph::new(s.settings.layout.dims, s.settings.metric, s.settings.m);
    s.tids = Vec::new();
    s.on_disk = Some(PageGraph::open(s.index));
}

/// The pages written so far without WAL records, logged as full images (permanent indexes).
unsafe fn log_pages(index: pg_sys::Relation) {
    if (*(*index).rd_rel).relpersistence == pg_sys::RELPERSISTENCE_PERMANENT as std::ffi::c_char {
        let blocks = pg_sys::RelationGetNumberOfBlocksInFork(index, pg_sys::ForkNumber::MAIN_FORKNUM);
        pg_sys::log_newpage_range(index, pg_sys::ForkNumber::MAIN_FORKNUM, 0, blocks, true);
    }
}

/// Where each node's tuple goes (indexed by node), packing pages from block 1 in `order` as
/// PageAddItem would.
fn plan_positions(graph: &MemoryGraph, layout: &Layout, order: &[NodeId]) -> Vec<NodeId> {
    const LOWER: usize = 24;
    const UPPER: usize = pg_sys::BLCKSZ as usize - 8;
    let (mut block, mut offset, mut lower, mut upper) = (1u32, 0u16, LOWER, UPPER);
    let mut positions = vec![0; graph.len()];
    for &node in order {
        let need = layout.tuple_size(graph.level(node)).div_ceil(8) * 8;
        if lower + 4 + need > upper {
            (block, offset, lower, upper) = (block + 1, 0, LOWER, UPPER);
        }
        offset += 1;
        lower += 4;
        upper -= need;
        positions[node as usize] = pages::node_id(block, offset);
    }
    positions
}

/// Writes `graph` (node i is the row `tids[i]`) to blocks 1.. and its entry to the metapage.
unsafe fn write_graph(index: pg_sys::Relation, graph: &MemoryGraph, tids: &[(u32, u16)], settings: &IndexSettings) {
    let layout = settings.layout;
    let per_page = (pg_sys::BLCKSZ as usize - 32) / (layout.tuple_size(0).div_ceil(8) * 8 + 4);
    let order = graph.locality_order(per_page);
    let positions = plan_positions(graph, &layout, &order);
    let mut current: Option<Locked> = None;
    let mut translated = Vec::new();
    for (i, &node) in order.iter().enumerate() {
        if i % 1024 == 0 {
            pgrx::check_for_interrupts!();
        }
        let at = positions[node as usize];
        if current.as_ref().is_none_or(|b| b.block() != pages::node_block(at)) {
            if let Some(b) = current.take() {
                pg_sys::MarkBufferDirty(b.buffer);
            }
            let b = Locked::extend(index);
            if b.block() != pages::node_block(at) {
                crate::error::Error::internal(format!("shopml_hnsw build extended block {} for {}", b.block(), pages::node_block(at))).report();
            }
            pages::init_page(b.page());
            current = Some(b);
        }
        let level = graph.level(node);
        let mut tuple = pages::element_bytes(&layout, tids[node as usize], level, graph.vector(node));
        // Vec<u8> is not 8-aligned: build the lists in an aligned copy.
        let mut aligned = vec![0u64; tuple.len().div_ceil(8)];
        std::ptr::copy_nonoverlapping(tuple.as_ptr(), aligned.as_mut_ptr() as *mut u8, tuple.len());
        for l in 0..=level {
            translated.clear();
            translated.extend(graph.list(node, l).iter().map(|&n| positions[n as usize]));
            pages::write_neighbors(aligned.as_mut_ptr() as *mut u8, &layout, l, &translated);
        }
        std::ptr::copy_nonoverlapping(aligned.as_ptr() as *const u8, tuple.as_mut_ptr(), tuple.len());
        let page = current.as_ref().map(|b| b.page()).unwrap_or(std::ptr::null_mut());
        let offset = pages::add_item(page, &tuple);
        if offset != pages::node_offset(at) {
            crate::error::Error::internal(format!("shopml_hnsw build placed an element at offset {offset}, planned {}", pages::node_offset(at))).report();
        }
    }
    if let Some(b) = current.take() {
        pg_sys::MarkBufferDirty(b.buffer);
    }
    let mut meta = Meta::new(layout.dims, settings.m, settings.ef_construction, settings.metric);
    if let Some((entry, level)) = graph.entry() {
        meta.entry = positions[entry as usize];
        meta.entry_level = level as u32;
    }
    meta.insert_block = order.last().map_or(pg_sys::InvalidBlockNumber, |&n| pages::node_block(positions[n as usize]));
    let b = Locked::read(index, pages::META_BLOCK, true);
    pages::write_meta(b.page(), &meta, false);
    pg_sys::MarkBufferDirty(b.buffer);
}

/// The init fork of an unlogged index: an empty metapage, always WAL-logged (as GIN's is): it is
/// what the index is reset to after a crash.
#[pg_guard]
pub unsafe extern "C-unwind" fn ambuildempty(index: pg_sys::Relation) {
    let settings = index_settings(index);
    let meta = Meta::new(settings.layout.dims, settings.m, settings.ef_construction, settings.metric);
    let buffer = pg_sys::ReadBufferExtended(index, pg_sys::ForkNumber::INIT_FORKNUM, pg_sys::InvalidBlockNumber, pg_sys::ReadBufferMode::RBM_NORMAL, std::ptr::null_mut());
    pg_sys::LockBuffer(buffer, pg_sys::BUFFER_LOCK_EXCLUSIVE as i32);
    pages::write_meta(pg_sys::BufferGetPage(buffer), &meta, true);
    pg_sys::MarkBufferDirty(buffer);
    pg_sys::log_newpage_buffer(buffer, true);
    pg_sys::UnlockReleaseBuffer(buffer);
}
