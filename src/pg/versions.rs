//! What differs between the PostgreSQL majors shopml builds for (15 to 18), in one place, so
//! that the rest of the code reads the same on every version.

use pgrx::pg_sys;

/// The relation's physical file (tablespace, database, relation number), as a plain key, and
/// whether `block` is already in `buffer` (ReadRecentBuffer: PG 15 names the file a RelFileNode,
/// PG 16 and later a RelFileLocator).
///
/// # Safety
/// `rel` must be an open relation.
pub unsafe fn relation_file_key(rel: pg_sys::Relation) -> (u32, u32, u32) {
    #[cfg(feature = "pg15")]
    {
        let n = (*rel).rd_node;
        (n.spcNode.to_u32(), n.dbNode.to_u32(), n.relNode.to_u32())
    }
    #[cfg(not(feature = "pg15"))]
    {
        let n = (*rel).rd_locator;
        (n.spcOid.to_u32(), n.dbOid.to_u32(), n.relNumber.to_u32())
    }
}

/// ReadRecentBuffer of the main fork.
///
/// # Safety
/// `rel` must be an open relation and `buffer` a buffer number this backend got earlier.
pub unsafe fn read_recent_buffer(rel: pg_sys::Relation, block: pg_sys::BlockNumber, buffer: pg_sys::Buffer) -> bool {
    #[cfg(feature = "pg15")]
    let file = (*rel).rd_node;
    #[cfg(not(feature = "pg15"))]
    let file = (*rel).rd_locator;
    pg_sys::ReadRecentBuffer(file, pg_sys::ForkNumber::MAIN_FORKNUM, block, buffer)
}

/// vacuum_delay_point (PG 18 asks whether it is ANALYZE).
///
/// # Safety
/// Only during VACUUM of this backend.
pub unsafe fn vacuum_delay_point() {
    #[cfg(feature = "pg18")]
    pg_sys::vacuum_delay_point(false);
    #[cfg(not(feature = "pg18"))]
    pg_sys::vacuum_delay_point();
}

/// An integer reloption's parse entry (PG 18 added `isset_offset`; 0: not tracked).
pub fn int_reloption(name: &'static std::ffi::CStr, offset: usize) -> pg_sys::relopt_parse_elt {
    pg_sys::relopt_parse_elt {
        optname: name.as_ptr(),
        opttype: pg_sys::relopt_type::RELOPT_TYPE_INT,
        offset: offset as i32,
        #[cfg(feature = "pg18")]
        isset_offset: 0,
    }
}

/// The typmod of attribute `i` (0-based) of a relation (PG 18 keeps the attributes behind
/// TupleDescAttr).
///
/// # Safety
/// `rel` must be an open relation with more than `i` attributes.
pub unsafe fn attribute_typmod(rel: pg_sys::Relation, i: usize) -> i32 {
    let desc = pgrx::PgTupleDesc::from_pg_unchecked((*rel).rd_att);
    desc.get(i).map_or(-1, |a| a.atttypmod)
}

/// Makes the planner pass over an index path whatever else is disabled: PG 18 compares paths by
/// their count of disabled nodes before their cost, so an infinite cost alone no longer loses to
/// a seq scan under enable_seqscan = off. Earlier versions need nothing (the infinite cost).
///
/// # Safety
/// `path` must be the IndexPath being costed.
pub unsafe fn never_choose(path: *mut pg_sys::IndexPath) {
    #[cfg(feature = "pg18")]
    {
        (*path).path.disabled_nodes = 2;
    }
    #[cfg(not(feature = "pg18"))]
    let _ = path;
}

/// The pages `first..end` of an index's main fork, pinned in order, for a pass that reads them
/// all (VACUUM). PG 17 and later read them through a read stream, which asks the kernel for the
/// next pages ahead of use and reads neighbouring pages in one call (io_combine_limit; on 18,
/// asynchronous I/O); 15 and 16 read one page at a time. Both go through the VACUUM's buffer
/// strategy, so a large index does not push everything else out of shared buffers.
pub struct BlockSweep {
    #[cfg(any(feature = "pg17", feature = "pg18"))]
    stream: *mut pg_sys::ReadStream,
    /// Boxed: the stream keeps a pointer to it.
    #[cfg(any(feature = "pg17", feature = "pg18"))]
    _range: Box<BlockRange>,
    #[cfg(not(any(feature = "pg17", feature = "pg18")))]
    index: pg_sys::Relation,
    #[cfg(not(any(feature = "pg17", feature = "pg18")))]
    strategy: pg_sys::BufferAccessStrategy,
    #[cfg(not(any(feature = "pg17", feature = "pg18")))]
    next: pg_sys::BlockNumber,
    #[cfg(not(any(feature = "pg17", feature = "pg18")))]
    end: pg_sys::BlockNumber,
}

impl BlockSweep {
    /// # Safety
    /// `index` must be an open index relation, and `strategy` null or a live strategy, both for
    /// the life of the sweep.
    pub unsafe fn new(index: pg_sys::Relation, strategy: pg_sys::BufferAccessStrategy, first: pg_sys::BlockNumber, end: pg_sys::BlockNumber) -> BlockSweep {
        #[cfg(any(feature = "pg17", feature = "pg18"))]
        {
            let mut range = Box::new(BlockRange { next: first, end });
            let flags = (pg_sys::READ_STREAM_MAINTENANCE | pg_sys::READ_STREAM_FULL) as i32;
            let stream = pg_sys::read_stream_begin_relation(
                flags,
                strategy,
                index,
                pg_sys::ForkNumber::MAIN_FORKNUM,
                Some(next_in_range),
                &mut *range as *mut BlockRange as *mut std::ffi::c_void,
                0,
            );
            BlockSweep { stream, _range: range }
        }
        #[cfg(not(any(feature = "pg17", feature = "pg18")))]
        {
            BlockSweep { index, strategy, next: first, end }
        }
    }

    /// The next page, pinned (the caller locks it and releases it), or None at the end.
    ///
    /// # Safety
    /// As for `new`.
    pub unsafe fn next(&mut self) -> Option<pg_sys::Buffer> {
        #[cfg(any(feature = "pg17", feature = "pg18"))]
        {
            let b = pg_sys::read_stream_next_buffer(self.stream, std::ptr::null_mut());
            (b != pg_sys::InvalidBuffer as pg_sys::Buffer).then_some(b)
        }
        #[cfg(not(any(feature = "pg17", feature = "pg18")))]
        {
            if self.next >= self.end {
                return None;
            }
            let b = pg_sys::ReadBufferExtended(self.index, pg_sys::ForkNumber::MAIN_FORKNUM, self.next, pg_sys::ReadBufferMode::RBM_NORMAL, self.strategy);
            self.next += 1;
            Some(b)
        }
    }
}

#[cfg(any(feature = "pg17", feature = "pg18"))]
struct BlockRange {
    next: pg_sys::BlockNumber,
    end: pg_sys::BlockNumber,
}

/// The stream's block callback: `first..end` in order (as PostgreSQL's block_range_read_stream_cb,
/// which pgrx exposes only as a Rust wrapper and PG 17 lacks).
#[cfg(any(feature = "pg17", feature = "pg18"))]
unsafe extern "C-unwind" fn next_in_range(_: *mut pg_sys::ReadStream, range: *mut std::ffi::c_void, _: *mut std::ffi::c_void) -> pg_sys::BlockNumber {
    let range = &mut *(range as *mut BlockRange);
    if range.next < range.end {
        range.next += 1;
        range.next - 1
    } else {
        pg_sys::InvalidBlockNumber
    }
}

#[cfg(any(feature = "pg17", feature = "pg18"))]
impl Drop for BlockSweep {
    fn drop(&mut self) {
        // On an error the transaction's abort releases the stream's pins and memory; ending it
        // while unwinding could touch a stream the error left half-way.
        if !std::thread::panicking() {
            // SAFETY: the stream is live and ours.
            unsafe { pg_sys::read_stream_end(self.stream) };
        }
    }
}
