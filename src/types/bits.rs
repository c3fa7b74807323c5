//! pgvector's functions on Postgres's built-in `bit` type and the two `vector` functions that
//! meet it: hamming_distance / jaccard_distance (operators <~> and <%>), binary_quantize(vector)
//! and vector || vector. Version-1 C functions declared in sql/vector.sql; the arithmetic is in
//! src/core/bits.rs.

use super::memory_vector::{arg_vector, vector_datum};
use crate::core::bits;
use crate::error::{Error, SqlState};
use crate::pg::fmgr::{f64_datum, pg_finfo, sql_fn};
use crate::pg::OrReport;
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

pg_finfo!(pg_finfo_hamming_distance, pg_finfo_jaccard_distance, pg_finfo_binary_quantize, pg_finfo_vector_concat);

/// Bytes of a varbit after its varlena header: int32 bit length, then the bits.
const BIT_LEN_BYTES: usize = 4;
/// A new varbit: 4-byte varlena header, bit length, bits.
const BIT_HEADER: usize = pg_sys::VARHDRSZ + BIT_LEN_BYTES;

/// The bit length and bytes of `bit` argument `n`. Read in place when the value is stored with a
/// short (1-byte) header, as every bit(n) of up to 976 bits is: a scan then copies nothing per row.
unsafe fn arg_bits<'a>(fcinfo: FunctionCallInfo, n: usize) -> (u32, &'a [u8]) {
    let raw = pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, n);
    let p = pg_sys::pg_detoast_datum_packed(raw.cast_mut_ptr());
    let body = pgrx::varlena::vardata_any(p) as *const u8;
    let total = pgrx::varlena::varsize_any_exhdr(p);
    if total < BIT_LEN_BYTES {
        Error::new(SqlState::DataCorrupted, format!("corrupt bit datum of {total} bytes")).report();
    }
    let bits = std::ptr::read_unaligned(body as *const i32).max(0) as u32;
    let bytes = (bits as usize).div_ceil(8).min(total - BIT_LEN_BYTES);
    (bits, std::slice::from_raw_parts(body.add(BIT_LEN_BYTES), bytes))
}

/// Both bit arguments, of one length (pgvector's message otherwise).
unsafe fn two_bits<'a>(fcinfo: FunctionCallInfo) -> (&'a [u8], &'a [u8]) {
    let (la, a) = arg_bits(fcinfo, 0);
    let (lb, b) = arg_bits(fcinfo, 1);
    if la != lb {
        Error::new(SqlState::DataException, format!("different bit lengths {la} and {lb}")).report();
    }
    (a, b)
}

sql_fn!(hamming_distance, |fcinfo| {
    let (a, b) = two_bits(fcinfo);
    f64_datum(bits::hamming(a, b))
});

sql_fn!(jaccard_distance, |fcinfo| {
    let (a, b) = two_bits(fcinfo);
    f64_datum(bits::jaccard(a, b))
});

/// binary_quantize of `values` as a palloc'd `bit(n)` (for vector and halfvec).
pub(crate) fn quantized_bit_datum(values: &[f32]) -> Datum {
    let packed = bits::binary_quantize(values);
    let size = BIT_HEADER + packed.len();
    // SAFETY: palloc0 returns `size` zeroed bytes (or raises ERROR); we write inside them.
    unsafe {
        let p = pg_sys::palloc0(size) as *mut u8;
        pgrx::varlena::set_varsize_4b(p.cast(), size as i32);
        std::ptr::write_unaligned(p.add(pg_sys::VARHDRSZ) as *mut i32, values.len() as i32);
        std::ptr::copy_nonoverlapping(packed.as_ptr(), p.add(BIT_HEADER), packed.len());
        Datum::from(p as *mut std::ffi::c_void)
    }
}

sql_fn!(binary_quantize, |fcinfo| quantized_bit_datum(arg_vector(fcinfo, 0).as_slice()));

sql_fn!(vector_concat, |fcinfo| {
    let a = arg_vector(fcinfo, 0);
    let b = arg_vector(fcinfo, 1);
    crate::core::vector::check_dim(a.dim() + b.dim()).or_report();
    let mut joined = Vec::with_capacity(a.dim() + b.dim());
    joined.extend_from_slice(a.as_slice());
    joined.extend_from_slice(b.as_slice());
    vector_datum(&joined)
});
