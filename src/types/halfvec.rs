//! The `halfvec` type: pgvector's layout (varlena header, int16 dimensions, int16 unused, then
//! binary16 x dimensions), text and binary I/O, typmod, casts to and from `vector`, distances.
//! The rules and kernels are in src/core/halfvec.rs.

use super::io_vector::{bytea_datum, cstring_datum, recv_buffer, typmods_arg};
use super::memory_vector::{arg_vector, detoasted, vector_datum};
use crate::core::halfvec as hv;
use crate::core::vector as v;
use crate::error::{Error, SqlState};
use crate::pg::fmgr::{arg_i32, f64_datum, pg_finfo, sql_fn};
use crate::pg::OrReport;
use half::f16;
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use std::ffi::{c_char, CStr};

pg_finfo!(
    pg_finfo_halfvec_in,
    pg_finfo_halfvec_out,
    pg_finfo_halfvec_typmod_in,
    pg_finfo_halfvec_recv,
    pg_finfo_halfvec_send,
    pg_finfo_halfvec,
    pg_finfo_vector_to_halfvec,
    pg_finfo_halfvec_to_vector,
    pg_finfo_halfvec_l2_distance,
    pg_finfo_halfvec_l2_squared_distance,
    pg_finfo_halfvec_inner_product,
    pg_finfo_halfvec_negative_inner_product,
    pg_finfo_halfvec_cosine_distance,
    pg_finfo_halfvec_l1_distance,
    pg_finfo_halfvec_vector_dims,
    pg_finfo_halfvec_l2_norm,
    pg_finfo_halfvec_add,
    pg_finfo_halfvec_sub,
    pg_finfo_halfvec_mul,
    pg_finfo_halfvec_concat,
    pg_finfo_halfvec_l2_normalize,
    pg_finfo_halfvec_subvector,
    pg_finfo_halfvec_binary_quantize,
    pg_finfo_halfvec_lt,
    pg_finfo_halfvec_le,
    pg_finfo_halfvec_eq,
    pg_finfo_halfvec_ne,
    pg_finfo_halfvec_ge,
    pg_finfo_halfvec_gt,
    pg_finfo_halfvec_cmp,
    pg_finfo_halfvec_accum,
    pg_finfo_halfvec_avg,
    pg_finfo_array_to_halfvec,
    pg_finfo_halfvec_to_float4,
);

const HEADER: usize = pg_sys::VARHDRSZ + 4;

/// A detoasted halfvec argument, valid for the current call.
pub(crate) struct HalfArg {
    data: *const f16,
    dim: usize,
}

impl HalfArg {
    pub(crate) fn as_slice(&self) -> &[f16] {
        // SAFETY: `data` points at `dim` binary16 values of a detoasted datum (checked length).
        unsafe { std::slice::from_raw_parts(self.data, self.dim) }
    }
}

/// # Safety
/// Argument `n` must be a non-null halfvec datum.
pub(crate) unsafe fn arg_halfvec(fcinfo: FunctionCallInfo, n: usize) -> HalfArg {
    halfvec_from_datum(pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, n))
}

/// # Safety
/// `d` must be a non-null halfvec datum; the result is valid while the datum is.
pub(crate) unsafe fn halfvec_from_datum(d: Datum) -> HalfArg {
    let p = detoasted(d);
    let len = pgrx::varlena::varsize_any(p.cast());
    let dim = std::ptr::read_unaligned(p.add(pg_sys::VARHDRSZ) as *const i16);
    if dim < 1 || len < HEADER + dim as usize * 2 {
        Error::new(SqlState::DataCorrupted, format!("corrupt halfvec datum of {len} bytes with {dim} dimensions")).report();
    }
    HalfArg { data: p.add(HEADER) as *const f16, dim: dim as usize }
}

/// A new palloc'd halfvec holding `values` (dimensions and elements checked here, once).
pub(crate) fn halfvec_datum(values: &[f16]) -> Datum {
    v::check_dim(values.len()).map_err(hv::rename).or_report();
    hv::check_elements(values).or_report();
    let size = HEADER + values.len() * 2;
    // SAFETY: palloc0 returns `size` zeroed bytes (or raises ERROR); we write inside them.
    unsafe {
        let p = pg_sys::palloc0(size) as *mut u8;
        pgrx::varlena::set_varsize_4b(p.cast(), size as i32);
        std::ptr::write(p.add(pg_sys::VARHDRSZ) as *mut i16, values.len() as i16);
        std::ptr::copy_nonoverlapping(values.as_ptr(), p.add(HEADER) as *mut f16, values.len());
        Datum::from(p)
    }
}

sql_fn!(halfvec_in, |fcinfo| {
    let input = CStr::from_ptr(pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0).cast_mut_ptr::<c_char>());
    let text = input.to_str().map_err(|_| Error::new(SqlState::InvalidTextRepresentation, "invalid input syntax for type halfvec")).or_report();
    halfvec_datum(&hv::parse_text(text, arg_i32(fcinfo, 2)).or_report())
});

sql_fn!(halfvec_out, |fcinfo| cstring_datum(&hv::format_text(arg_halfvec(fcinfo, 0).as_slice())));

sql_fn!(halfvec_typmod_in, |fcinfo| Datum::from(v::typmod_in(typmods_arg(fcinfo)).map_err(hv::rename).or_report()));

sql_fn!(halfvec_recv, |fcinfo| {
    let (buf, rest) = recv_buffer(fcinfo);
    let (values, used) = hv::parse_binary(rest, arg_i32(fcinfo, 2)).or_report();
    buf.cursor += used as i32;
    halfvec_datum(&values)
});

sql_fn!(halfvec_send, |fcinfo| bytea_datum(&hv::format_binary(arg_halfvec(fcinfo, 0).as_slice())));

// halfvec(halfvec, typmod, explicit): the dimensions of halfvec(n) on assignment and casts.
sql_fn!(halfvec, |fcinfo| {
    let a = arg_halfvec(fcinfo, 0);
    v::check_expected_dim(arg_i32(fcinfo, 1), a.dim).or_report();
    pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0)
});

sql_fn!(vector_to_halfvec, |fcinfo| {
    let a = arg_vector(fcinfo, 0);
    v::check_expected_dim(arg_i32(fcinfo, 1), a.dim()).or_report();
    halfvec_datum(&hv::from_f32(a.as_slice()).or_report())
});

sql_fn!(halfvec_to_vector, |fcinfo| {
    let a = arg_halfvec(fcinfo, 0);
    v::check_expected_dim(arg_i32(fcinfo, 1), a.dim).or_report();
    vector_datum(&hv::widen(a.as_slice()))
});

/// Both halfvec arguments, with equal dimensions.
unsafe fn two(fcinfo: FunctionCallInfo) -> (HalfArg, HalfArg) {
    let (a, b) = (arg_halfvec(fcinfo, 0), arg_halfvec(fcinfo, 1));
    v::check_same_dims(a.dim, b.dim).map_err(hv::rename).or_report();
    (a, b)
}

sql_fn!(halfvec_l2_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(hv::l2_squared(a.as_slice(), b.as_slice()).sqrt())
});

sql_fn!(halfvec_l2_squared_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(hv::l2_squared(a.as_slice(), b.as_slice()))
});

sql_fn!(halfvec_inner_product, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(hv::inner_product(a.as_slice(), b.as_slice()))
});

sql_fn!(halfvec_negative_inner_product, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(-hv::inner_product(a.as_slice(), b.as_slice()))
});

sql_fn!(halfvec_cosine_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(hv::cosine_distance(a.as_slice(), b.as_slice()))
});

sql_fn!(halfvec_l1_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(hv::l1(a.as_slice(), b.as_slice()))
});

sql_fn!(halfvec_vector_dims, |fcinfo| Datum::from(arg_halfvec(fcinfo, 0).dim as i32));

sql_fn!(halfvec_l2_norm, |fcinfo| {
    let a = arg_halfvec(fcinfo, 0);
    f64_datum(hv::inner_product(a.as_slice(), a.as_slice()).sqrt())
});

/// Element-wise arithmetic in f32 (vector's rules and errors), stored back as binary16.
unsafe fn arith(fcinfo: FunctionCallInfo, op: fn(&[f32], &[f32]) -> crate::error::Result<Vec<f32>>) -> Datum {
    let (a, b) = two(fcinfo);
    let r = op(&hv::widen(a.as_slice()), &hv::widen(b.as_slice())).map_err(hv::rename).or_report();
    halfvec_datum(&hv::from_f32(&r).or_report())
}

sql_fn!(halfvec_add, |fcinfo| arith(fcinfo, |a, b| v::elementwise(a, b, |x, y| x + y)));
sql_fn!(halfvec_sub, |fcinfo| arith(fcinfo, |a, b| v::elementwise(a, b, |x, y| x - y)));
sql_fn!(halfvec_mul, |fcinfo| arith(fcinfo, v::multiply));

sql_fn!(halfvec_concat, |fcinfo| {
    let (a, b) = (arg_halfvec(fcinfo, 0), arg_halfvec(fcinfo, 1));
    v::check_dim(a.dim + b.dim).map_err(hv::rename).or_report();
    let mut out = a.as_slice().to_vec();
    out.extend_from_slice(b.as_slice());
    halfvec_datum(&out)
});

sql_fn!(halfvec_l2_normalize, |fcinfo| {
    let a = arg_halfvec(fcinfo, 0);
    halfvec_datum(&hv::from_f32(&v::l2_normalize(&hv::widen(a.as_slice()))).or_report())
});

sql_fn!(halfvec_subvector, |fcinfo| {
    let a = arg_halfvec(fcinfo, 0);
    let part = v::subvector(&hv::widen(a.as_slice()), arg_i32(fcinfo, 1), arg_i32(fcinfo, 2))
        .map_err(hv::rename)
        .or_report();
    halfvec_datum(&hv::from_f32(&part).or_report())
});

sql_fn!(halfvec_binary_quantize, |fcinfo| super::bits::quantized_bit_datum(&hv::widen(arg_halfvec(fcinfo, 0).as_slice())));

/// btree order: element by element (as f32), then the shorter first, as vector's.
unsafe fn cmp(fcinfo: FunctionCallInfo) -> std::cmp::Ordering {
    let (a, b) = (arg_halfvec(fcinfo, 0), arg_halfvec(fcinfo, 1));
    v::compare(&hv::widen(a.as_slice()), &hv::widen(b.as_slice()))
}

sql_fn!(halfvec_lt, |fcinfo| crate::pg::fmgr::bool_datum(cmp(fcinfo).is_lt()));
sql_fn!(halfvec_le, |fcinfo| crate::pg::fmgr::bool_datum(cmp(fcinfo).is_le()));
sql_fn!(halfvec_eq, |fcinfo| crate::pg::fmgr::bool_datum(cmp(fcinfo).is_eq()));
sql_fn!(halfvec_ne, |fcinfo| crate::pg::fmgr::bool_datum(cmp(fcinfo).is_ne()));
sql_fn!(halfvec_ge, |fcinfo| crate::pg::fmgr::bool_datum(cmp(fcinfo).is_ge()));
sql_fn!(halfvec_gt, |fcinfo| crate::pg::fmgr::bool_datum(cmp(fcinfo).is_gt()));
sql_fn!(halfvec_cmp, |fcinfo| Datum::from(cmp(fcinfo) as i32));

// avg(halfvec) transition: the same [count, sums...] float8[] state as avg(vector) (so the
// combine function is vector_combine).
sql_fn!(halfvec_accum, |fcinfo| {
    let mut state = super::aggregates_vector::state_arg(fcinfo, 0);
    v::avg_accumulate(&mut state, &hv::widen(arg_halfvec(fcinfo, 1).as_slice())).or_report();
    pgrx::check_for_interrupts!();
    super::aggregates_vector::state_datum(state)
});

sql_fn!(halfvec_avg, |fcinfo| {
    match v::avg_final(&super::aggregates_vector::state_arg(fcinfo, 0)).or_report() {
        Some(avg) => halfvec_datum(&hv::from_f32(&avg).or_report()),
        None => pgrx::fcinfo::pg_return_null(fcinfo),
    }
});

sql_fn!(array_to_halfvec, |fcinfo| {
    let values = super::casts::array_elements(pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0));
    v::check_dim(values.len()).map_err(hv::rename).or_report();
    v::check_expected_dim(arg_i32(fcinfo, 1), values.len()).or_report();
    v::check_elements(&values).map_err(hv::rename).or_report();
    halfvec_datum(&hv::from_f32(&values).or_report())
});

sql_fn!(halfvec_to_float4, |fcinfo| {
    super::casts::float4_array_datum(&hv::widen(arg_halfvec(fcinfo, 0).as_slice()))
});
