//! The `shopml_hnsw` index access method (and `hnsw`, when no other extension owns that name:
//! sql/hnsw.sql). The graph algorithm is `core::hnsw`; here are its pages and the callbacks by
//! lifecycle: build, insert, scan, vacuum.

mod build;
mod insert;
mod pages;
mod scan;
mod vacuum;

use crate::core::hnsw::Metric;
use crate::error::{Error, SqlState};
use crate::pg::fmgr::{pg_finfo, sql_fn};
use pages::Layout;
use pgrx::{pg_guard, pg_sys};

/// The index's options, as build_reloptions lays them out (a varlena header first).
#[repr(C)]
struct Options {
    vl_len: i32,
    m: i32,
    ef_construction: i32,
}

static mut RELOPT_KIND: pg_sys::relopt_kind::Type = 0;

/// Registers the reloptions `m` and `ef_construction` (pgvector's names, defaults and ranges).
/// Seed of the random levels of HNSW elements: a build draws them in sequence from it, an
/// insert from it and the row's heap tid, so an index's graph depends on its rows alone.
pub const LEVEL_SEED: u64 = 0x5eed_4e5e;

pub fn init() {
    // SAFETY: _PG_init, once per backend, before any index is opened.
    unsafe {
        RELOPT_KIND = pg_sys::add_reloption_kind();
        pg_sys::add_int_reloption(RELOPT_KIND, c"m".as_ptr(), c"Max number of connections".as_ptr(), 16, 2, 100, pg_sys::AccessExclusiveLock as i32);
        pg_sys::add_int_reloption(
            RELOPT_KIND,
            c"ef_construction".as_ptr(),
            c"Size of the dynamic candidate list for construction".as_ptr(),
            64,
            4,
            1000,
            pg_sys::AccessExclusiveLock as i32,
        );
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn amoptions(reloptions: pg_sys::Datum, validate: bool) -> *mut pg_sys::bytea {
    let table = [
        crate::pg::versions::int_reloption(c"m", std::mem::offset_of!(Options, m)),
        crate::pg::versions::int_reloption(c"ef_construction", std::mem::offset_of!(Options, ef_construction)),
    ];
    pg_sys::build_reloptions(reloptions, validate, RELOPT_KIND, std::mem::size_of::<Options>(), table.as_ptr(), table.len() as i32) as *mut pg_sys::bytea
}

/// What every callback needs to know about an index: from its options, column and operator class.
#[derive(Clone, Copy, Debug)]
pub struct IndexSettings {
    pub layout: Layout,
    pub m: usize,
    pub ef_construction: usize,
    pub metric: Metric,
    pub max_level: usize,
    pub column: Column,
}

/// The indexed column's type. halfvec values are widened to f32 in the index (exactly: every
/// binary16 value is an f32), so its distances are the halfvec operators' own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Vector,
    Halfvec,
}

/// Added to the metric code by the halfvec operator classes' support functions.
const HALFVEC_CODE: i32 = 0x100;

/// # Safety
/// `index` must be an open `shopml_hnsw` index relation.
pub unsafe fn index_settings(index: pg_sys::Relation) -> IndexSettings {
    let options = (*index).rd_options as *const Options;
    let (m, ef_construction) = if options.is_null() { (16, 64) } else { ((*options).m as usize, (*options).ef_construction as usize) };
    if ef_construction < 2 * m {
        Error::invalid_parameter("ef_construction must be greater than or equal to 2 * m").report();
    }
    let proc = pg_sys::index_getprocid(index, 1, 1);
    let code = pg_sys::OidFunctionCall1Coll(proc, pg_sys::InvalidOid, pg_sys::Datum::from(0)).value() as i32;
    let column = if code & HALFVEC_CODE != 0 { Column::Halfvec } else { Column::Vector };
    let dims = crate::pg::versions::attribute_typmod(index, 0);
    if dims < 1 {
        let ty = if column == Column::Halfvec { "halfvec" } else { "vector" };
        Error::invalid_parameter("column does not have dimensions")
            .with_hint(format!("declare the column as {ty}(n), e.g. ALTER TABLE ... ALTER COLUMN ... TYPE {ty}(384)"))
            .report();
    }
    let max_dims = Layout::max_dims(m);
    if dims as usize > max_dims {
        Error::new(SqlState::ProgramLimitExceeded, format!("column cannot have more than {max_dims} dimensions for shopml_hnsw index with m = {m}"))
            .with_hint("a smaller m leaves room for more dimensions")
            .report();
    }
    let metric = Metric::from_code(code & !HALFVEC_CODE).unwrap_or_else(|| Error::internal(format!("unknown shopml_hnsw metric code {code}")).report());
    let layout = Layout { dims: dims as usize, m };
    let max_level = layout.max_level().unwrap_or(0);
    IndexSettings { layout, m, ef_construction, metric, max_level, column }
}

/// The elements of `datum` (a value of the indexed column's type, or of a query) into `out`, as
/// f32, after checking its dimensions against the index.
///
/// # Safety
/// `datum` must be a non-null value of the index's column type.
pub unsafe fn read_values(settings: &IndexSettings, datum: pg_sys::Datum, out: &mut Vec<f32>) {
    out.clear();
    match settings.column {
        Column::Vector => {
            let v = crate::types::memory_vector::vector_from_datum(datum);
            check_dims(settings, v.dim());
            out.extend_from_slice(v.as_slice());
        }
        Column::Halfvec => {
            let h = crate::types::halfvec::halfvec_from_datum(datum);
            check_dims(settings, h.as_slice().len());
            crate::core::halfvec::widen_into(h.as_slice(), out);
        }
    }
}

/// A vector of the wrong size for the index: pgvector's message.
pub fn check_dims(settings: &IndexSettings, dims: usize) {
    if dims != settings.layout.dims {
        Error::new(SqlState::DataException, format!("expected {} dimensions, not {dims}", settings.layout.dims)).report();
    }
}

/// Index scans only make sense for ORDER BY distance: without one the path gets a prohibitive
/// cost. With one, about ef_search x 2m elements are read, each a random page at worst.
#[pg_guard]
#[allow(clippy::too_many_arguments)]
unsafe extern "C-unwind" fn amcostestimate(
    root: *mut pg_sys::PlannerInfo,
    path: *mut pg_sys::IndexPath,
    loop_count: f64,
    startup: *mut pg_sys::Cost,
    total: *mut pg_sys::Cost,
    selectivity: *mut pg_sys::Selectivity,
    correlation: *mut f64,
    index_pages: *mut f64,
) {
    if (*path).indexorderbys.is_null() {
        // Infinite, not just large: with enable_seqscan off, a seq scan costs 1e10 and more
        // (PG 18 counts disabled nodes before costs instead: this path counts as two).
        crate::pg::versions::never_choose(path);
        *startup = f64::INFINITY;
        *total = f64::INFINITY;
        *selectivity = 0.0;
        *correlation = 0.0;
        *index_pages = 0.0;
        return;
    }
    let tuples = (*(*path).indexinfo).tuples.max(1.0);
    let mut costs: pg_sys::GenericCosts = std::mem::zeroed();
    costs.numIndexTuples = (crate::gucs::hnsw_ef_search() as f64 * 32.0).min(tuples);
    pg_sys::genericcostestimate(root, path, loop_count, &mut costs);
    // All the work is done before the first row comes back.
    *startup = costs.indexTotalCost;
    *total = costs.indexTotalCost;
    *selectivity = costs.indexSelectivity;
    *correlation = 0.0;
    *index_pages = costs.numIndexPages;
}

#[pg_guard]
unsafe extern "C-unwind" fn amvalidate(_opclass: pg_sys::Oid) -> bool {
    true
}

#[pg_guard]
unsafe extern "C-unwind" fn ambuildphasename(phase: i64) -> *mut std::ffi::c_char {
    match phase {
        build::PHASE_LOAD => c"building graph".as_ptr() as *mut _,
        build::PHASE_WRITE => c"writing pages".as_ptr() as *mut _,
        _ => std::ptr::null_mut(),
    }
}

pg_finfo!(pg_finfo_shopml_hnsw_handler, pg_finfo_hnsw_l2_support, pg_finfo_hnsw_ip_support, pg_finfo_hnsw_cosine_support, pg_finfo_hnsw_l1_support);
pg_finfo!(pg_finfo_hnsw_halfvec_l2_support, pg_finfo_hnsw_halfvec_ip_support, pg_finfo_hnsw_halfvec_cosine_support, pg_finfo_hnsw_halfvec_l1_support);

sql_fn!(shopml_hnsw_handler, |_fcinfo| {
    let mut am = pgrx::PgBox::<pg_sys::IndexAmRoutine>::alloc_node(pg_sys::NodeTag::T_IndexAmRoutine);
    am.amstrategies = 0;
    am.amsupport = 1;
    am.amcanorderbyop = true;
    am.amoptionalkey = true;
    am.amkeytype = pg_sys::InvalidOid;
    am.ambuild = Some(build::ambuild);
    am.ambuildempty = Some(build::ambuildempty);
    am.aminsert = Some(insert::aminsert);
    am.ambulkdelete = Some(vacuum::ambulkdelete);
    am.amvacuumcleanup = Some(vacuum::amvacuumcleanup);
    am.amcostestimate = Some(amcostestimate);
    am.amoptions = Some(amoptions);
    am.ambuildphasename = Some(ambuildphasename);
    am.amvalidate = Some(amvalidate);
    am.ambeginscan = Some(scan::ambeginscan);
    am.amrescan = Some(scan::amrescan);
    am.amgettuple = Some(scan::amgettuple);
    am.amendscan = Some(scan::amendscan);
    pg_sys::Datum::from(am.into_pg())
});

// Support function 1 of each operator class: which distance the index orders by.
sql_fn!(hnsw_l2_support, |_fcinfo| pg_sys::Datum::from(Metric::L2.code()));
sql_fn!(hnsw_ip_support, |_fcinfo| pg_sys::Datum::from(Metric::InnerProduct.code()));
sql_fn!(hnsw_cosine_support, |_fcinfo| pg_sys::Datum::from(Metric::Cosine.code()));
sql_fn!(hnsw_l1_support, |_fcinfo| pg_sys::Datum::from(Metric::L1.code()));
sql_fn!(hnsw_halfvec_l2_support, |_fcinfo| pg_sys::Datum::from(Metric::L2.code() | HALFVEC_CODE));
sql_fn!(hnsw_halfvec_ip_support, |_fcinfo| pg_sys::Datum::from(Metric::InnerProduct.code() | HALFVEC_CODE));
sql_fn!(hnsw_halfvec_cosine_support, |_fcinfo| pg_sys::Datum::from(Metric::Cosine.code() | HALFVEC_CODE));
sql_fn!(hnsw_halfvec_l1_support, |_fcinfo| pg_sys::Datum::from(Metric::L1.code() | HALFVEC_CODE));
