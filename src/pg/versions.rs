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
