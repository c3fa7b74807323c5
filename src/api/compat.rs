//! C symbols named by the SQL of earlier releases, kept so that a database still on an older
//! version (before `ALTER EXTENSION shopml UPDATE`) keeps working with this library, and so that
//! the upgrade test can install the older SQL. Each forwards to today's function.

use crate::pg::fmgr::pg_finfo;
use pgrx::pg_sys::{Datum, FunctionCallInfo};

pg_finfo!(pg_finfo_embed_text, pg_finfo_embed_texts, pg_finfo_l2_normalize, pg_finfo_subvector);

/// 0.1.0's `embed_text(text, text)`: now `embed_text_wrapper`.
#[no_mangle]
pub unsafe extern "C-unwind" fn embed_text(fcinfo: FunctionCallInfo) -> Datum {
    super::embed::embed_text_wrapper(fcinfo)
}

/// 0.1.0's `embed_texts(text[], text)`: now `embed_texts_wrapper`.
#[no_mangle]
pub unsafe extern "C-unwind" fn embed_texts(fcinfo: FunctionCallInfo) -> Datum {
    super::embed::embed_texts_wrapper(fcinfo)
}

/// 0.1.0's `l2_normalize(vector)`: now `l2_normalize_wrapper`.
#[no_mangle]
pub unsafe extern "C-unwind" fn l2_normalize(fcinfo: FunctionCallInfo) -> Datum {
    crate::types::operators_vector::l2_normalize_wrapper(fcinfo)
}

/// 0.1.0's `subvector(vector, integer, integer)`: now `subvector_wrapper`.
#[no_mangle]
pub unsafe extern "C-unwind" fn subvector(fcinfo: FunctionCallInfo) -> Datum {
    crate::types::operators_vector::subvector_wrapper(fcinfo)
}
