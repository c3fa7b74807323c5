//! The pages of a `shopml_hnsw` index and the graph they hold.
//!
//! Block 0 is the metapage (`Meta`). Every other page holds element tuples, one per indexed row:
//!
//! ```text
//! 0  heap block u32 | heap offset u16 | level u8 | flags u8
//! 8  the vector, f32 x dims (prepared: unit length for cosine), padded to 8 bytes
//!    neighbour counts, u16 per level 0..=level, padded to 8 bytes
//!    neighbour slots, u64 node ids: 2m for level 0, then m per upper level
//! ```
//!
//! The vector comes right after the header: a distance reads one run of cache lines.
//!
//! A node id is `block << 16 | offset` of its tuple, so a neighbour is found without a lookup.
//! Tuples have a fixed size for their level, so neighbour lists are rewritten in place.
//! `PageGraph` implements the graph traits of `core::hnsw` over the buffer manager: search,
//! insert and repair are the unit-tested algorithm, and every change goes through generic WAL.

use crate::core::hnsw::{Graph, GraphMut, Metric, NodeId};
use crate::error::{Error, SqlState};
use pgrx::pg_sys;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub const META_BLOCK: pg_sys::BlockNumber = 0;
const MAGIC: u32 = 0x534d_4c48;
const VERSION: u32 = 1;
/// Marks our pages in their special space (as pg_filedump and amcheck-like tools expect).
const PAGE_ID: u16 = 0xFF93;
/// Element flag: the row is gone (VACUUM); never returned, no longer linked after the repair.
pub const DELETED: u8 = 1;
/// The largest tuple one page takes (8 kB page, its header, our special space, a line pointer).
const MAX_TUPLE: usize = pg_sys::BLCKSZ as usize - 24 - 8 - 4 - 4;
/// Levels are capped here (a level-16 node is 1 in 16^16 at m = 16).
const LEVEL_CAP: usize = 16;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Meta {
    magic: u32,
    version: u32,
    pub dims: u32,
    pub m: u32,
    pub ef_construction: u32,
    pub metric: i32,
    pub entry_level: u32,
    /// The page new elements go to first.
    pub insert_block: u32,
    /// 0 for an empty graph (block 0 is this page, so no element has id 0).
    pub entry: u64,
}

impl Meta {
    pub fn new(dims: usize, m: usize, ef_construction: usize, metric: Metric) -> Meta {
        Meta {
            magic: MAGIC,
            version: VERSION,
            dims: dims as u32,
            m: m as u32,
            ef_construction: ef_construction as u32,
            metric: metric.code(),
            entry_level: 0,
            insert_block: pg_sys::InvalidBlockNumber,
            entry: 0,
        }
    }

    pub fn layout(&self) -> Layout {
        Layout { dims: self.dims as usize, m: self.m as usize }
    }

    pub fn metric(&self) -> Metric {
        Metric::from_code(self.metric).unwrap_or_else(|| corrupt("metapage", "unknown metric"))
    }

    pub fn entry(&self) -> Option<(NodeId, usize)> {
        (self.entry != 0).then_some((self.entry, self.entry_level as usize))
    }
}

#[repr(C)]
struct Opaque {
    next: u32,
    flags: u16,
    page_id: u16,
}

fn corrupt(what: &str, why: &str) -> ! {
    Error::new(SqlState::IndexCorrupted, format!("shopml_hnsw index is corrupt: {what}: {why}"))
        .with_hint("REINDEX the index")
        .report()
}

/// Sizes and offsets of element tuples for an index's dimensions and m.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub dims: usize,
    pub m: usize,
}

impl Layout {
    fn counts_bytes(level: usize) -> usize {
        (2 * (level + 1)).div_ceil(8) * 8
    }

    pub fn slots(&self, level: usize) -> usize {
        2 * self.m + level * self.m
    }

    fn vector_bytes(&self) -> usize {
        (4 * self.dims).div_ceil(8) * 8
    }

    /// Where the counts start; the slots follow them.
    fn counts_at(&self) -> usize {
        8 + self.vector_bytes()
    }

    fn slots_at(&self, level: usize) -> usize {
        self.counts_at() + Self::counts_bytes(level)
    }

    pub fn tuple_size(&self, level: usize) -> usize {
        self.slots_at(level) + 8 * self.slots(level)
    }

    /// The highest level whose tuple fits a page, or None when not even level 0 does.
    pub fn max_level(&self) -> Option<usize> {
        (0..=LEVEL_CAP).take_while(|&l| self.tuple_size(l) <= MAX_TUPLE).last()
    }

    /// The most dimensions an index with this m takes (level 0 must fit a page).
    pub fn max_dims(m: usize) -> usize {
        (MAX_TUPLE - 8 - Self::counts_bytes(0) - 8 * 2 * m) / 8 * 2
    }

    /// First slot and capacity of `level`'s list.
    fn slot_range(&self, level: usize) -> (usize, usize) {
        if level == 0 {
            (0, 2 * self.m)
        } else {
            (2 * self.m + (level - 1) * self.m, self.m)
        }
    }
}

pub fn node_id(block: pg_sys::BlockNumber, offset: pg_sys::OffsetNumber) -> NodeId {
    ((block as u64) << 16) | offset as u64
}

pub fn node_block(node: NodeId) -> pg_sys::BlockNumber {
    (node >> 16) as pg_sys::BlockNumber
}

pub fn node_offset(node: NodeId) -> pg_sys::OffsetNumber {
    (node & 0xffff) as pg_sys::OffsetNumber
}

pub fn tid_parts(tid: &pg_sys::ItemPointerData) -> (u32, u16) {
    (((tid.ip_blkid.bi_hi as u32) << 16) | tid.ip_blkid.bi_lo as u32, tid.ip_posid)
}

pub fn make_tid(block: u32, offset: u16) -> pg_sys::ItemPointerData {
    pg_sys::ItemPointerData {
        ip_blkid: pg_sys::BlockIdData { bi_hi: (block >> 16) as u16, bi_lo: (block & 0xffff) as u16 },
        ip_posid: offset,
    }
}

/// A new element tuple: the row's TID, its level, empty neighbour lists, the prepared vector.
pub fn element_bytes(layout: &Layout, heap_tid: (u32, u16), level: usize, vector: &[f32]) -> Vec<u8> {
    let mut t = vec![0u8; layout.tuple_size(level)];
    t[0..4].copy_from_slice(&heap_tid.0.to_ne_bytes());
    t[4..6].copy_from_slice(&heap_tid.1.to_ne_bytes());
    t[6] = level as u8;
    for (chunk, x) in t[8..8 + 4 * vector.len()].chunks_exact_mut(4).zip(vector) {
        chunk.copy_from_slice(&x.to_ne_bytes());
    }
    t
}

/// Writes `level`'s neighbour list into an element tuple (a page's item or a build buffer).
///
/// # Safety
/// `tuple` must point at a writable, 8-byte aligned element tuple of `layout` and `level` >= that level.
pub unsafe fn write_neighbors(tuple: *mut u8, layout: &Layout, level: usize, neighbors: &[NodeId]) {
    let own_level = *tuple.add(6) as usize;
    let (first, capacity) = layout.slot_range(level);
    let n = neighbors.len().min(capacity);
    *(tuple.add(layout.counts_at() + 2 * level) as *mut u16) = n as u16;
    let slots = tuple.add(layout.slots_at(own_level)) as *mut u64;
    std::ptr::copy_nonoverlapping(neighbors.as_ptr(), slots.add(first), n);
}

/// An element tuple on a locked page.
pub struct Element<'a> {
    bytes: &'a [u8],
    layout: Layout,
}

impl<'a> Element<'a> {
    /// # Safety
    /// `ptr` and `len` must be a page item of this index, 8-byte aligned, valid while the page is locked.
    pub unsafe fn new(ptr: *const u8, len: usize, layout: Layout) -> Element<'a> {
        let bytes = std::slice::from_raw_parts(ptr, len);
        if len < 8 || bytes[6] as usize > LEVEL_CAP || len != layout.tuple_size(bytes[6] as usize) {
            corrupt("element", &format!("a tuple of {len} bytes"));
        }
        Element { bytes, layout }
    }

    pub fn heap_tid(&self) -> (u32, u16) {
        let b = self.bytes;
        (u32::from_ne_bytes([b[0], b[1], b[2], b[3]]), u16::from_ne_bytes([b[4], b[5]]))
    }

    pub fn level(&self) -> usize {
        self.bytes[6] as usize
    }

    pub fn flags(&self) -> u8 {
        self.bytes[7]
    }

    pub fn neighbors(&self, level: usize) -> &'a [NodeId] {
        if level > self.level() {
            return &[];
        }
        let (first, capacity) = self.layout.slot_range(level);
        let at = self.layout.counts_at() + 2 * level;
        let count = u16::from_ne_bytes([self.bytes[at], self.bytes[at + 1]]) as usize;
        let base = self.layout.slots_at(self.level());
        // SAFETY: the tuple's size was checked against its level, slots are 8-byte aligned.
        let slots = unsafe { std::slice::from_raw_parts(self.bytes.as_ptr().add(base) as *const u64, self.layout.slots(self.level())) };
        &slots[first..first + count.min(capacity)]
    }

    pub fn vector(&self) -> &'a [f32] {
        // SAFETY: in bounds by the size check; f32-aligned (the tuple and every part are 4-aligned).
        unsafe { std::slice::from_raw_parts(self.bytes.as_ptr().add(8) as *const f32, self.layout.dims) }
    }
}

/// # Safety
/// `page` must be a locked page of this index; `offset` is checked.
pub unsafe fn page_item(page: pg_sys::Page, offset: pg_sys::OffsetNumber) -> (*mut u8, usize) {
    let max = pg_sys::PageGetMaxOffsetNumber(page);
    if offset < 1 || offset > max {
        corrupt("neighbour", &format!("offset {offset} of {max}"));
    }
    let id = pg_sys::PageGetItemId(page, offset);
    ((pg_sys::PageGetItem(page, id)) as *mut u8, (*id).lp_len() as usize)
}

/// Initializes an empty element page.
///
/// # Safety
/// `page` must be a writable BLCKSZ buffer.
pub unsafe fn init_page(page: pg_sys::Page) {
    pg_sys::PageInit(page, pg_sys::BLCKSZ as usize, std::mem::size_of::<Opaque>());
    let o = pg_sys::PageGetSpecialPointer(page) as *mut Opaque;
    (*o).next = pg_sys::InvalidBlockNumber;
    (*o).flags = 0;
    (*o).page_id = PAGE_ID;
}

/// Writes `meta` into a (new or existing) metapage.
///
/// # Safety
/// `page` must be the writable metapage buffer.
pub unsafe fn write_meta(page: pg_sys::Page, meta: &Meta, init: bool) {
    if init {
        init_page(page);
    }
    let contents = pg_sys::PageGetContents(page) as *mut Meta;
    std::ptr::write(contents, *meta);
    // pd_lower past the metadata, so WAL's full-page images keep it (the hole is skipped).
    let header = page as *mut pg_sys::PageHeaderData;
    (*header).pd_lower = (contents as usize + std::mem::size_of::<Meta>() - page as usize) as u16;
}

/// A buffer of this index, pinned and locked; released on drop (also on unwinding errors).
pub struct Locked {
    pub buffer: pg_sys::Buffer,
}

impl Locked {
    /// # Safety
    /// `index` must be an open index relation.
    pub unsafe fn read(index: pg_sys::Relation, block: pg_sys::BlockNumber, exclusive: bool) -> Locked {
        let buffer = read_buffer(index, block);
        let mode = if exclusive { pg_sys::BUFFER_LOCK_EXCLUSIVE } else { pg_sys::BUFFER_LOCK_SHARE };
        pg_sys::LockBuffer(buffer, mode as i32);
        Locked { buffer }
    }

    /// Locks a buffer the caller has pinned (a BlockSweep's); the pin is released with the lock.
    ///
    /// # Safety
    /// `buffer` must be a pinned buffer of this backend that nothing else will release.
    pub unsafe fn pinned(buffer: pg_sys::Buffer, exclusive: bool) -> Locked {
        let mode = if exclusive { pg_sys::BUFFER_LOCK_EXCLUSIVE } else { pg_sys::BUFFER_LOCK_SHARE };
        pg_sys::LockBuffer(buffer, mode as i32);
        Locked { buffer }
    }

    /// A new page at the end of the index, locked exclusively.
    ///
    /// # Safety
    /// `index` must be an open index relation.
    pub unsafe fn extend(index: pg_sys::Relation) -> Locked {
        pg_sys::LockRelationForExtension(index, pg_sys::ExclusiveLock as i32);
        let buffer = pg_sys::ReadBufferExtended(index, pg_sys::ForkNumber::MAIN_FORKNUM, pg_sys::InvalidBlockNumber, pg_sys::ReadBufferMode::RBM_NORMAL, std::ptr::null_mut());
        pg_sys::LockBuffer(buffer, pg_sys::BUFFER_LOCK_EXCLUSIVE as i32);
        pg_sys::UnlockRelationForExtension(index, pg_sys::ExclusiveLock as i32);
        Locked { buffer }
    }

    pub fn page(&self) -> pg_sys::Page {
        // SAFETY: a valid pinned buffer.
        unsafe { pg_sys::BufferGetPage(self.buffer) }
    }

    pub fn block(&self) -> pg_sys::BlockNumber {
        // SAFETY: a valid pinned buffer.
        unsafe { pg_sys::BufferGetBlockNumber(self.buffer) }
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        // SAFETY: we hold the pin and the lock. On an error path Postgres' abort has already
        // released both, and pgrx unwinds only before that: the buffer is still ours here.
        unsafe { pg_sys::UnlockReleaseBuffer(self.buffer) };
    }
}

/// One generic WAL record over up to four locked buffers: `register` returns the page to change.
pub struct Wal {
    state: *mut pg_sys::GenericXLogState,
}

impl Wal {
    /// # Safety
    /// `index` must be an open index relation.
    pub unsafe fn start(index: pg_sys::Relation) -> Wal {
        Wal { state: pg_sys::GenericXLogStart(index) }
    }

    /// # Safety
    /// `buffer` must be locked exclusively for the record's lifetime.
    pub unsafe fn register(&mut self, buffer: &Locked, full_image: bool) -> pg_sys::Page {
        let flags = if full_image { pg_sys::GENERIC_XLOG_FULL_IMAGE as i32 } else { 0 };
        pg_sys::GenericXLogRegisterBuffer(self.state, buffer.buffer, flags)
    }

    pub fn finish(self) {
        // SAFETY: a started record; Postgres copies the changed pages back and logs them.
        unsafe { pg_sys::GenericXLogFinish(self.state) };
    }
}

/// # Safety
/// `index` must be an open `shopml_hnsw` index.
pub unsafe fn read_meta(index: pg_sys::Relation) -> Meta {
    let b = Locked::read(index, META_BLOCK, false);
    let meta = std::ptr::read(pg_sys::PageGetContents(b.page()) as *const Meta);
    if meta.magic != MAGIC || meta.version != VERSION {
        corrupt("metapage", &format!("magic {:#x} version {}", meta.magic, meta.version));
    }
    meta
}

/// # Safety
/// `index` must be an open `shopml_hnsw` index; the caller holds the insert lock.
pub unsafe fn update_meta(index: pg_sys::Relation, meta: &Meta) {
    let b = Locked::read(index, META_BLOCK, true);
    let mut wal = Wal::start(index);
    let page = wal.register(&b, false);
    write_meta(page, meta, false);
    wal.finish();
}

/// The graph of an index over its pages. Reads take a share lock per element; writes (inserts
/// and VACUUM's repairs, under the index's insert lock) go through generic WAL.
pub struct PageGraph {
    pub index: pg_sys::Relation,
    pub meta: Meta,
    pub layout: Layout,
    pub metric: Metric,
    /// The heap TID the next `add_node` stores.
    pub pending_tid: (u32, u16),
    /// Elements VACUUM is removing: never linked to while it relinks the others.
    pub deleted: FxHashSet<NodeId>,
    /// Pages kept pinned during one search or insert (`pin_scope`).
    pins: Rc<Pins>,
}

#[derive(Default)]
pub struct Pins {
    map: RefCell<FxHashMap<pg_sys::BlockNumber, pg_sys::Buffer>>,
    active: Cell<bool>,
}

/// At most this many pages stay pinned by one operation: 1/32 of shared_buffers, at most 4096
/// (32 MB), so that concurrent searches leave most buffers evictable.
fn max_pins() -> usize {
    // SAFETY: a read of a setting fixed at server start.
    ((unsafe { pg_sys::NBuffers } as usize) / 32).clamp(16, 4096)
}

thread_local! {
    /// Per index (by relfilenode), the buffer each block was last found in: ReadRecentBuffer
    /// checks and pins such a buffer without the shared buffer-table lookup, whose cache misses
    /// were the largest cost of a search. A wrong hint only costs the normal lookup.
    static RECENT: RefCell<FxHashMap<(u32, u32, u32), Vec<pg_sys::Buffer>>> = RefCell::new(FxHashMap::default());
}

/// Hints are kept for blocks below this (128 GB of index), for at most 64 indexes.
const RECENT_BLOCKS: usize = 1 << 24;

/// Blocks in the index's main fork (the metapage is block 0).
///
/// # Safety
/// `index` must be an open index relation.
pub unsafe fn blocks(index: pg_sys::Relation) -> pg_sys::BlockNumber {
    pg_sys::RelationGetNumberOfBlocksInFork(index, pg_sys::ForkNumber::MAIN_FORKNUM)
}

/// Pins `block` of the index's main fork.
///
/// # Safety
/// `index` must be an open index relation.
pub unsafe fn read_buffer(index: pg_sys::Relation, block: pg_sys::BlockNumber) -> pg_sys::Buffer {
    let read = || pg_sys::ReadBufferExtended(index, pg_sys::ForkNumber::MAIN_FORKNUM, block, pg_sys::ReadBufferMode::RBM_NORMAL, std::ptr::null_mut());
    if (*(*index).rd_rel).relpersistence == pg_sys::RELPERSISTENCE_TEMP as std::ffi::c_char || block as usize >= RECENT_BLOCKS {
        return read();
    }
    let key = crate::pg::versions::relation_file_key(index);
    let hint = RECENT.with(|r| r.borrow().get(&key).and_then(|v| v.get(block as usize).copied()).unwrap_or(0));
    if hint != 0 && crate::pg::versions::read_recent_buffer(index, block, hint) {
        return hint;
    }
    let buffer = read();
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        if r.len() >= 64 && !r.contains_key(&key) {
            r.clear();
        }
        let v = r.entry(key).or_default();
        if v.len() <= block as usize {
            v.resize(block as usize + 1, 0);
        }
        v[block as usize] = buffer;
    });
    buffer
}

fn prefetch_bytes(p: *const u8, bytes: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let mut off = 0;
        while off < bytes {
            // SAFETY: prefetch never faults.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(off) as *const i8) };
            off += 64;
        }
    }
}

/// While alive, the pages its graph reads stay pinned (up to `MAX_PINS`), so that reading an
/// element costs a content lock, not a buffer-table lookup and a pin each time. The pins are
/// dropped with it, never held across calls from Postgres.
pub struct PinScope(Rc<Pins>);

impl Drop for PinScope {
    fn drop(&mut self) {
        self.0.active.set(false);
        let pins = std::mem::take(&mut *self.0.map.borrow_mut());
        // When unwinding from an ERROR the transaction's abort releases the pins.
        if !std::thread::panicking() {
            for (_, buffer) in pins {
                // SAFETY: pinned by with_element in this scope, not released since.
                unsafe { pg_sys::ReleaseBuffer(buffer) };
            }
        }
    }
}

impl PageGraph {
    /// # Safety
    /// `index` must be an open `shopml_hnsw` index.
    pub unsafe fn open(index: pg_sys::Relation) -> PageGraph {
        let meta = read_meta(index);
        PageGraph {
            index,
            meta,
            layout: meta.layout(),
            metric: meta.metric(),
            pending_tid: (pg_sys::InvalidBlockNumber, 0),
            deleted: FxHashSet::default(),
            pins: Rc::default(),
        }
    }

    pub fn pin_scope(&self) -> PinScope {
        self.pins.map.borrow_mut().reserve(256);
        self.pins.active.set(true);
        PinScope(self.pins.clone())
    }

    /// Runs `f` on `node`'s element under a share lock.
    pub fn with_element<R>(&self, node: NodeId, f: impl FnOnce(&Element) -> R) -> R {
        let block = node_block(node);
        // SAFETY: the index is open; the item is checked against the page and the layout.
        unsafe {
            let cached = if self.pins.active.get() { self.pinned(block) } else { None };
            let buffer = match cached {
                Some(b) => b,
                None => read_buffer(self.index, block),
            };
            pg_sys::LockBuffer(buffer, pg_sys::BUFFER_LOCK_SHARE as i32);
            let (ptr, len) = page_item(pg_sys::BufferGetPage(buffer), node_offset(node));
            let r = f(&Element::new(ptr, len, self.layout));
            pg_sys::LockBuffer(buffer, pg_sys::BUFFER_LOCK_UNLOCK as i32);
            if cached.is_none() {
                pg_sys::ReleaseBuffer(buffer);
            }
            r
        }
    }

    /// `block`'s buffer from the pin cache, pinned now if there is room.
    unsafe fn pinned(&self, block: pg_sys::BlockNumber) -> Option<pg_sys::Buffer> {
        let mut pins = self.pins.map.borrow_mut();
        if let Some(&b) = pins.get(&block) {
            return Some(b);
        }
        if pins.len() >= max_pins() {
            return None;
        }
        let b = read_buffer(self.index, block);
        pins.insert(block, b);
        Some(b)
    }

    /// Changes `node`'s element in place under an exclusive lock, WAL-logged.
    pub fn modify_element(&self, node: NodeId, f: impl FnOnce(*mut u8, &Element)) {
        // SAFETY: as in with_element; the page copy from the WAL record is what we change.
        unsafe {
            let b = Locked::read(self.index, node_block(node), true);
            let mut wal = Wal::start(self.index);
            let page = wal.register(&b, false);
            let (ptr, len) = page_item(page, node_offset(node));
            let e = Element::new(ptr, len, self.layout);
            f(ptr, &e);
            wal.finish();
        }
    }
}

impl Graph for PageGraph {
    fn distance(&self, query: &[f32], node: NodeId) -> f32 {
        self.with_element(node, |e| self.metric.distance(query, e.vector()))
    }

    fn distance_between(&self, a: NodeId, b: NodeId) -> f32 {
        let va = self.with_element(a, |e| e.vector().to_vec());
        self.distance(&va, b)
    }

    fn neighbors(&self, node: NodeId, level: usize, out: &mut Vec<NodeId>) {
        self.with_element(node, |e| out.extend_from_slice(e.neighbors(level)))
    }

    fn entry(&self) -> Option<(NodeId, usize)> {
        self.meta.entry()
    }

    fn is_deleted(&self, node: NodeId) -> bool {
        self.deleted.contains(&node)
    }

    /// A search as large as shopml.hnsw_max_scan_tuples allows stays cancellable.
    fn poll(&self) {
        pgrx::check_for_interrupts!();
    }

    /// Within a pin scope: pins the nodes' pages, then asks for their line pointers and, once
    /// those have arrived, their header and vector, so the misses of a neighbour list overlap
    /// instead of coming one after another.
    fn prefetch(&self, nodes: &[NodeId]) {
        if !self.pins.active.get() {
            return;
        }
        let mut items: [(*const u8, u16); 64] = [(std::ptr::null(), 0); 64];
        let mut n = 0;
        for &node in nodes.iter().take(items.len()) {
            // SAFETY: a pinned buffer's page stays in place; only addresses are computed here.
            unsafe {
                let Some(buffer) = self.pinned(node_block(node)) else { continue };
                let page = pg_sys::BufferGetPage(buffer) as *const u8;
                let offset = node_offset(node);
                prefetch_bytes(page.wrapping_add(24 + 4 * (offset as usize).saturating_sub(1)), 1);
                items[n] = (page, offset);
                n += 1;
            }
        }
        let bytes = (8 + 4 * self.layout.dims).min(512);
        for &(page, offset) in &items[..n] {
            // SAFETY: the line pointer is read without the content lock, as a hint only: its
            // offset is clamped to the page and never dereferenced, only prefetched.
            unsafe {
                let lp = std::ptr::read_volatile(page.add(24 + 4 * (offset as usize).saturating_sub(1)) as *const u32);
                let at = (lp & 0x7fff) as usize;
                if (offset as usize) >= 1 && at < pg_sys::BLCKSZ as usize {
                    prefetch_bytes(page.add(at), bytes.min(pg_sys::BLCKSZ as usize - at));
                }
            }
        }
    }
}

impl GraphMut for PageGraph {
    fn add_node(&mut self, vector: &[f32], level: usize) -> NodeId {
        let tuple = element_bytes(&self.layout, self.pending_tid, level, vector);
        // SAFETY: the index is open and the caller holds its insert lock.
        unsafe {
            if self.meta.insert_block != pg_sys::InvalidBlockNumber {
                let b = Locked::read(self.index, self.meta.insert_block, true);
                if pg_sys::PageGetFreeSpace(b.page()) >= tuple.len() + 8 {
                    let mut wal = Wal::start(self.index);
                    let page = wal.register(&b, false);
                    let offset = add_item(page, &tuple);
                    wal.finish();
                    return node_id(b.block(), offset);
                }
            }
            let b = Locked::extend(self.index);
            let mut wal = Wal::start(self.index);
            let page = wal.register(&b, true);
            init_page(page);
            let offset = add_item(page, &tuple);
            wal.finish();
            self.meta.insert_block = b.block();
            node_id(b.block(), offset)
        }
    }

    fn set_neighbors(&mut self, node: NodeId, level: usize, neighbors: &[NodeId]) {
        let layout = self.layout;
        self.modify_element(node, |ptr, e| {
            if level <= e.level() {
                // SAFETY: ptr is the element's tuple on the WAL copy of its page.
                unsafe { write_neighbors(ptr, &layout, level, neighbors) }
            }
        });
    }

    fn set_entry(&mut self, node: NodeId, level: usize) {
        self.meta.entry = node;
        self.meta.entry_level = level as u32;
    }
}

/// Adds `tuple` to `page`, returning its offset.
///
/// # Safety
/// `page` must be a writable element page with room for the tuple.
pub unsafe fn add_item(page: pg_sys::Page, tuple: &[u8]) -> pg_sys::OffsetNumber {
    let offset = pg_sys::PageAddItemExtended(page, tuple.as_ptr() as pg_sys::Item, tuple.len(), pg_sys::InvalidOffsetNumber, 0);
    if offset == pg_sys::InvalidOffsetNumber {
        Error::new(SqlState::InternalError, format!("could not add a {}-byte element to a shopml_hnsw page", tuple.len())).report();
    }
    offset
}
