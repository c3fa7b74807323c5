//! Casts: integer[] / real[] / double precision[] / numeric[] -> vector, vector -> real[], and
//! the typmod coercion `vector -> vector(n)`.

use super::memory_vector::{arg_vector, checked_vector_datum};
use crate::pg::fmgr::{arg_i32, pg_finfo};
use crate::core::vector as v;
use crate::error::{Error, SqlState};
use crate::pg::OrReport;
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

pg_finfo!(pg_finfo_vector, pg_finfo_array_to_vector, pg_finfo_vector_to_float4);

/// `vector(vector, typmod, explicit)`: enforces the dimensions of `vector(n)` on assignment
/// and casts.
#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector(fcinfo: FunctionCallInfo) -> Datum {
    let a = arg_vector(fcinfo, 0);
    v::check_expected_dim(arg_i32(fcinfo, 1), a.dim()).or_report();
    pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0)
}

extern "C-unwind" {
    // The server's own numeric -> float8 conversion (pgrx wraps pg_sys' copy as a Rust fn).
    fn numeric_float8(fcinfo: FunctionCallInfo) -> Datum;
}

/// The elements of a one-dimensional array of int4, float4, float8 or numeric as f32.
pub(crate) unsafe fn array_elements(datum: Datum) -> Vec<f32> {
    let arr = pg_sys::pg_detoast_datum(datum.cast_mut_ptr()) as *mut pg_sys::ArrayType;
    let ndim = (*arr).ndim;
    if ndim > 1 {
        Error::data("array must be 1-D").report();
    }
    let elemtype = (*arr).elemtype;
    let (mut len, mut byval, mut align) = (0i16, false, 0 as std::ffi::c_char);
    pg_sys::get_typlenbyvalalign(elemtype, &mut len, &mut byval, &mut align);
    let (mut elems, mut nulls, mut n) = (std::ptr::null_mut(), std::ptr::null_mut(), 0);
    pg_sys::deconstruct_array(arr, elemtype, len as i32, byval, align, &mut elems, &mut nulls, &mut n);
    let n = n.max(0) as usize;
    if n > 0 && std::slice::from_raw_parts(nulls, n).iter().any(|x| *x) {
        Error::new(SqlState::NullValueNotAllowed, "array must not contain nulls").report();
    }
    let elems = if n > 0 { std::slice::from_raw_parts(elems, n) } else { &[] };
    elems
        .iter()
        .map(|d| match elemtype {
            pg_sys::INT4OID => d.value() as i32 as f32,
            pg_sys::FLOAT4OID => f32::from_bits(d.value() as u32),
            pg_sys::FLOAT8OID => f64::from_bits(d.value() as u64) as f32,
            pg_sys::NUMERICOID => {
                let f = pg_sys::DirectFunctionCall1Coll(Some(numeric_float8), pg_sys::InvalidOid, *d);
                f64::from_bits(f.value() as u64) as f32
            }
            other => Error::data(format!("unsupported array element type {}", other.to_u32())).report(),
        })
        .collect()
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn array_to_vector(fcinfo: FunctionCallInfo) -> Datum {
    let values = array_elements(pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0));
    checked_vector_datum(&values, arg_i32(fcinfo, 1))
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_to_float4(fcinfo: FunctionCallInfo) -> Datum {
    float4_array_datum(arg_vector(fcinfo, 0).as_slice())
}

/// `values` as a palloc'd real[] (vector and halfvec casts).
pub(crate) fn float4_array_datum(values: &[f32]) -> Datum {
    let mut elems: Vec<Datum> = values.iter().map(|x| Datum::from(x.to_bits())).collect();
    // SAFETY: `elems` holds len by-value float4 datums; construct_array copies them.
    let arr = unsafe {
        pg_sys::construct_array(elems.as_mut_ptr(), elems.len() as i32, pg_sys::FLOAT4OID, 4, true, pg_sys::TYPALIGN_INT as std::ffi::c_char)
    };
    Datum::from(arr)
}
