//! Text and binary I/O of `vector` and its typmod. Binary form = pgvector's wire layout:
//! int16 dimensions, int16 unused, float4 x dimensions, network byte order.

use super::memory_vector::{arg_vector, vector_datum};
use crate::pg::fmgr::{arg_i32, pg_finfo};
use crate::core::vector as v;
use crate::error::{Error, SqlState};
use crate::pg::OrReport;
use pgrx::pg_sys;
use std::ffi::{c_char, CStr};

pg_finfo!(
    pg_finfo_vector_in,
    pg_finfo_vector_out,
    pg_finfo_vector_typmod_in,
    pg_finfo_vector_typmod_out,
    pg_finfo_vector_recv,
    pg_finfo_vector_send,
);

/// A palloc'd C string copy of `s`.
pub(crate) fn cstring_datum(s: &str) -> pg_sys::Datum {
    // SAFETY: palloc returns len + 1 writable bytes or raises ERROR.
    unsafe {
        let p = pg_sys::palloc(s.len() + 1) as *mut u8;
        std::ptr::copy_nonoverlapping(s.as_ptr(), p, s.len());
        *p.add(s.len()) = 0;
        pg_sys::Datum::from(p)
    }
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_in(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    let input = CStr::from_ptr(pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0).cast_mut_ptr::<c_char>());
    let typmod = arg_i32(fcinfo, 2);
    let text = input.to_str().map_err(|_| Error::new(SqlState::InvalidTextRepresentation, "invalid input syntax for type vector")).or_report();
    let values = v::parse_text(text, typmod).or_report();
    vector_datum(&values)
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_out(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    cstring_datum(&v::format_text(arg_vector(fcinfo, 0).as_slice()))
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_typmod_in(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    pg_sys::Datum::from(v::typmod_in(typmods_arg(fcinfo)).or_report())
}

/// The integers of a typmod_in function's cstring[] argument.
///
/// # Safety
/// Argument 0 must be a cstring[] (as Postgres passes to TYPMOD_IN).
pub(crate) unsafe fn typmods_arg<'a>(fcinfo: pg_sys::FunctionCallInfo) -> &'a [i32] {
    let arr = pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0).cast_mut_ptr::<pg_sys::ArrayType>();
    let mut n = 0;
    let mods = pg_sys::ArrayGetIntegerTypmods(arr, &mut n);
    std::slice::from_raw_parts(mods, n.max(0) as usize)
}

/// The unread rest of a recv function's StringInfo argument, and the buffer to advance.
///
/// # Safety
/// Argument 0 must be a StringInfo (as Postgres passes to RECEIVE).
pub(crate) unsafe fn recv_buffer<'a>(fcinfo: pg_sys::FunctionCallInfo) -> (&'a mut pg_sys::StringInfoData, &'a [u8]) {
    let buf = &mut *pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0).cast_mut_ptr::<pg_sys::StringInfoData>();
    let rest = if buf.cursor < 0 || buf.cursor > buf.len {
        &[][..]
    } else {
        std::slice::from_raw_parts(buf.data.add(buf.cursor as usize) as *const u8, (buf.len - buf.cursor) as usize)
    };
    (buf, rest)
}

/// A palloc'd bytea holding `bytes` (what a send function returns).
pub(crate) fn bytea_datum(bytes: &[u8]) -> pg_sys::Datum {
    let size = pg_sys::VARHDRSZ + bytes.len();
    // SAFETY: palloc returns `size` writable bytes (or raises ERROR); we write inside them.
    unsafe {
        let p = pg_sys::palloc(size) as *mut u8;
        pgrx::varlena::set_varsize_4b(p.cast(), size as i32);
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), p.add(pg_sys::VARHDRSZ), bytes.len());
        pg_sys::Datum::from(p)
    }
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_typmod_out(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    let typmod = arg_i32(fcinfo, 0);
    cstring_datum(&if typmod != -1 { format!("({typmod})") } else { String::new() })
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_recv(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    let (buf, rest) = recv_buffer(fcinfo);
    let (values, used) = v::parse_binary(rest, arg_i32(fcinfo, 2)).or_report();
    buf.cursor += used as i32;
    // parse_binary checked dimensions, typmod and elements; vector_datum keeps the invariants.
    vector_datum(&values)
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_send(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    let vec = arg_vector(fcinfo, 0);
    let mut bytes = Vec::with_capacity(4 + vec.dim() * 4);
    bytes.extend_from_slice(&(vec.dim() as i16).to_be_bytes());
    bytes.extend_from_slice(&0i16.to_be_bytes());
    for x in vec.as_slice() {
        bytes.extend_from_slice(&x.to_be_bytes());
    }
    bytea_datum(&bytes)
}
