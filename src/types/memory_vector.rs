//! The on-disk and in-memory layout of `vector`, identical to pgvector's: a varlena header,
//! int16 dimensions, int16 unused (0), then float4 x dimensions: reading a datum as a slice and
//! building a checked datum from one.

use crate::error::Error;
use crate::pg::OrReport;
use pgrx::pg_sys;
use std::ffi::c_void;

pub(crate) const HEADER: usize = pg_sys::VARHDRSZ + 4;


/// A detoasted `vector` argument. Detoasting happens once, here; the slice borrows memory that
/// lives until the end of the call.
pub struct VectorArg {
    data: *const f32,
    dim: usize,
}

impl VectorArg {
    /// # Safety
    /// `data` must point at `dim` float4s that stay valid for the current call.
    pub unsafe fn from_raw(data: *const f32, dim: usize) -> Self {
        VectorArg { data, dim }
    }
    pub fn as_slice(&self) -> &[f32] {
        // SAFETY: `data` points at `dim` float4s of a detoasted, 4-byte aligned datum.
        unsafe { std::slice::from_raw_parts(self.data, self.dim) }
    }
    pub fn dim(&self) -> usize {
        self.dim
    }
}

/// Argument `n` of `fcinfo` as a vector. The caller's SQL declaration is STRICT.
///
/// # Safety
/// Argument `n` must be a non-null `vector` datum.
pub unsafe fn arg_vector(fcinfo: pg_sys::FunctionCallInfo, n: usize) -> VectorArg {
    let raw = pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, n);
    vector_from_datum(raw)
}

/// The bytes of a non-null varlena datum, detoasted. A plain 4-byte-header varlena (first
/// byte's two low bits 00 on little-endian; the only kind a row holds for vectors of > 126 bytes
/// that TOAST left alone) needs no detoasting: the call, and pgrx's FFI guard around it, is
/// skipped on the hot path of every distance (vector and halfvec).
///
/// # Safety
/// `datum` must be a non-null varlena datum.
pub unsafe fn detoasted(datum: pg_sys::Datum) -> *const u8 {
    let raw = datum.cast_mut_ptr::<pg_sys::varlena>();
    #[cfg(target_endian = "little")]
    let plain = *(raw as *const u8) & 0x03 == 0;
    #[cfg(not(target_endian = "little"))]
    let plain = false;
    if plain {
        raw as *const u8
    } else {
        pg_sys::pg_detoast_datum(raw) as *const u8
    }
}

/// # Safety
/// `datum` must be a non-null `vector` datum.
pub unsafe fn vector_from_datum(datum: pg_sys::Datum) -> VectorArg {
    let p = detoasted(datum);
    let len = pgrx::varlena::varsize_any(p.cast());
    let dim = std::ptr::read_unaligned(p.add(pg_sys::VARHDRSZ) as *const i16);
    if dim < 1 || len < HEADER + dim as usize * 4 {
        Error::new(crate::error::SqlState::DataCorrupted, format!("corrupt vector datum of {len} bytes with {dim} dimensions"))
            .report();
    }
    VectorArg { data: p.add(HEADER) as *const f32, dim: dim as usize }
}

/// A new palloc'd vector datum holding `values`. Every function that builds a vector comes
/// through here, so the type's invariants (1..=16000 dimensions, finite elements) are checked
/// once, for all of them: a crafted call cannot store a vector that later reads fail on.
pub fn vector_datum(values: &[f32]) -> pg_sys::Datum {
    use crate::core::vector as v;
    v::check_dim(values.len()).or_report();
    v::check_elements(values).or_report();
    let size = HEADER + values.len() * 4;
    // SAFETY: palloc0 returns `size` zeroed bytes (or raises ERROR); we write inside them.
    unsafe {
        let p = pg_sys::palloc0(size) as *mut u8;
        pgrx::varlena::set_varsize_4b(p.cast(), size as i32);
        std::ptr::write(p.add(pg_sys::VARHDRSZ) as *mut i16, values.len() as i16);
        std::ptr::copy_nonoverlapping(values.as_ptr(), p.add(HEADER) as *mut f32, values.len());
        pg_sys::Datum::from(p as *mut c_void)
    }
}

/// Validates `values` as a vector of typmod `typmod` and returns it as a datum.
pub fn checked_vector_datum(values: &[f32], typmod: i32) -> pg_sys::Datum {
    crate::core::vector::check_dim(values.len()).or_report();
    crate::core::vector::check_expected_dim(typmod, values.len()).or_report();
    vector_datum(values)
}
