//! The `sparsevec` type: pgvector's layout (varlena header, int32 dimensions, int32 non-zero
//! count, int32 unused, int32 0-based indices, float4 values), text and binary I/O, typmod,
//! casts to and from `vector` and `halfvec`, distances, btree. The rules are in
//! src/core/sparsevec.rs.

use super::halfvec::{arg_halfvec, halfvec_datum};
use super::io_vector::{bytea_datum, cstring_datum, recv_buffer, typmods_arg};
use super::memory_vector::{arg_vector, detoasted, vector_datum};
use crate::core::halfvec as hv;
use crate::core::sparsevec::{self as sv, Sparse};
use crate::core::vector as v;
use crate::error::{Error, SqlState};
use crate::pg::fmgr::{arg_i32, bool_datum, f64_datum, pg_finfo, sql_fn};
use crate::pg::OrReport;
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use std::ffi::{c_char, CStr};

pg_finfo!(
    pg_finfo_sparsevec_in,
    pg_finfo_sparsevec_out,
    pg_finfo_sparsevec_typmod_in,
    pg_finfo_sparsevec_recv,
    pg_finfo_sparsevec_send,
    pg_finfo_sparsevec,
    pg_finfo_vector_to_sparsevec,
    pg_finfo_sparsevec_to_vector,
    pg_finfo_halfvec_to_sparsevec,
    pg_finfo_sparsevec_to_halfvec,
    pg_finfo_array_to_sparsevec,
    pg_finfo_sparsevec_l2_distance,
    pg_finfo_sparsevec_l2_squared_distance,
    pg_finfo_sparsevec_inner_product,
    pg_finfo_sparsevec_negative_inner_product,
    pg_finfo_sparsevec_cosine_distance,
    pg_finfo_sparsevec_l1_distance,
    pg_finfo_sparsevec_l2_norm,
    pg_finfo_sparsevec_l2_normalize,
    pg_finfo_sparsevec_lt,
    pg_finfo_sparsevec_le,
    pg_finfo_sparsevec_eq,
    pg_finfo_sparsevec_ne,
    pg_finfo_sparsevec_ge,
    pg_finfo_sparsevec_gt,
    pg_finfo_sparsevec_cmp,
);

const HEADER: usize = pg_sys::VARHDRSZ + 12;

/// A sparsevec argument, copied out of its (detoasted) datum and checked.
///
/// # Safety
/// Argument `n` must be a non-null sparsevec datum.
unsafe fn arg_sparse(fcinfo: FunctionCallInfo, n: usize) -> Sparse {
    let p = detoasted(pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, n));
    let len = pgrx::varlena::varsize_any(p.cast());
    let int = |at: usize| std::ptr::read_unaligned(p.add(pg_sys::VARHDRSZ + at) as *const i32);
    let (dim, nnz) = (int(0), int(4));
    if dim < 1 || nnz < 0 || nnz > dim || len < HEADER + nnz as usize * 8 {
        Error::new(SqlState::DataCorrupted, format!("corrupt sparsevec datum of {len} bytes with {nnz} elements")).report();
    }
    let n = nnz as usize;
    let indices = (0..n).map(|k| int(12 + 4 * k)).collect();
    let values = (0..n).map(|k| std::ptr::read_unaligned(p.add(HEADER + 4 * n + 4 * k) as *const f32)).collect();
    Sparse { dim, indices, values }
}

/// A new palloc'd sparsevec (indices, counts and elements checked here, once).
fn sparsevec_datum(s: &Sparse) -> Datum {
    sv::check_dim(s.dim).or_report();
    sv::check_nnz(s.indices.len() as i32, s.dim).or_report();
    sv::check_indices(&s.indices, s.dim).or_report();
    let n = s.indices.len();
    let size = HEADER + n * 8;
    // SAFETY: palloc0 returns `size` zeroed bytes (or raises ERROR); we write inside them.
    unsafe {
        let p = pg_sys::palloc0(size) as *mut u8;
        pgrx::varlena::set_varsize_4b(p.cast(), size as i32);
        std::ptr::write_unaligned(p.add(pg_sys::VARHDRSZ) as *mut i32, s.dim);
        std::ptr::write_unaligned(p.add(pg_sys::VARHDRSZ + 4) as *mut i32, n as i32);
        std::ptr::copy_nonoverlapping(s.indices.as_ptr() as *const u8, p.add(HEADER), n * 4);
        std::ptr::copy_nonoverlapping(s.values.as_ptr() as *const u8, p.add(HEADER + n * 4), n * 4);
        Datum::from(p)
    }
}

sql_fn!(sparsevec_in, |fcinfo| {
    let input = CStr::from_ptr(pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0).cast_mut_ptr::<c_char>());
    let text = input.to_str().map_err(|_| Error::new(SqlState::InvalidTextRepresentation, "invalid input syntax for type sparsevec")).or_report();
    sparsevec_datum(&sv::parse_text(text, arg_i32(fcinfo, 2)).or_report())
});

sql_fn!(sparsevec_out, |fcinfo| cstring_datum(&sv::format_text(&arg_sparse(fcinfo, 0))));

sql_fn!(sparsevec_typmod_in, |fcinfo| {
    let mods = typmods_arg(fcinfo);
    let bad = |m: &str| Error::new(SqlState::InvalidParameterValue, m.to_string()).report();
    match mods {
        [n] if *n < 1 => bad("dimensions for type sparsevec must be at least 1"),
        [n] if *n > sv::MAX_DIM => bad(&format!("dimensions for type sparsevec cannot exceed {}", sv::MAX_DIM)),
        [n] => Datum::from(*n),
        _ => bad("invalid type modifier"),
    }
});

sql_fn!(sparsevec_recv, |fcinfo| {
    let (buf, rest) = recv_buffer(fcinfo);
    let (s, used) = sv::parse_binary(rest, arg_i32(fcinfo, 2)).or_report();
    buf.cursor += used as i32;
    sparsevec_datum(&s)
});

sql_fn!(sparsevec_send, |fcinfo| bytea_datum(&sv::format_binary(&arg_sparse(fcinfo, 0))));

// sparsevec(sparsevec, typmod, explicit): the dimensions of sparsevec(n).
sql_fn!(sparsevec, |fcinfo| {
    let a = arg_sparse(fcinfo, 0);
    sv::check_expected_dim(arg_i32(fcinfo, 1), a.dim).or_report();
    pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0)
});

sql_fn!(vector_to_sparsevec, |fcinfo| sparsevec_datum(&sv::from_dense(arg_vector(fcinfo, 0).as_slice(), arg_i32(fcinfo, 1)).or_report()));

sql_fn!(halfvec_to_sparsevec, |fcinfo| sparsevec_datum(&sv::from_dense(&hv::widen(arg_halfvec(fcinfo, 0).as_slice()), arg_i32(fcinfo, 1)).or_report()));

sql_fn!(sparsevec_to_vector, |fcinfo| {
    let a = arg_sparse(fcinfo, 0);
    let dense = sv::to_dense(&a, "vector", v::MAX_DIM).or_report();
    v::check_expected_dim(arg_i32(fcinfo, 1), dense.len()).or_report();
    vector_datum(&dense)
});

sql_fn!(sparsevec_to_halfvec, |fcinfo| {
    let a = arg_sparse(fcinfo, 0);
    let dense = sv::to_dense(&a, "halfvec", v::MAX_DIM).or_report();
    v::check_expected_dim(arg_i32(fcinfo, 1), dense.len()).or_report();
    halfvec_datum(&hv::from_f32(&dense).or_report())
});

sql_fn!(array_to_sparsevec, |fcinfo| {
    let values = super::casts::array_elements(pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, 0));
    sparsevec_datum(&sv::from_dense(&values, arg_i32(fcinfo, 1)).or_report())
});

/// Both arguments, with equal dimensions.
unsafe fn two(fcinfo: FunctionCallInfo) -> (Sparse, Sparse) {
    let (a, b) = (arg_sparse(fcinfo, 0), arg_sparse(fcinfo, 1));
    sv::check_same_dims(&a, &b).or_report();
    (a, b)
}

sql_fn!(sparsevec_l2_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum((sv::l2_squared(&a, &b) as f64).sqrt())
});
sql_fn!(sparsevec_l2_squared_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(sv::l2_squared(&a, &b) as f64)
});
sql_fn!(sparsevec_inner_product, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(sv::inner_product(&a, &b) as f64)
});
sql_fn!(sparsevec_negative_inner_product, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(-(sv::inner_product(&a, &b) as f64))
});
sql_fn!(sparsevec_cosine_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(sv::cosine_distance(&a, &b))
});
sql_fn!(sparsevec_l1_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(sv::l1(&a, &b) as f64)
});
sql_fn!(sparsevec_l2_norm, |fcinfo| f64_datum(sv::norm(&arg_sparse(fcinfo, 0))));
sql_fn!(sparsevec_l2_normalize, |fcinfo| sparsevec_datum(&sv::l2_normalize(&arg_sparse(fcinfo, 0)).or_report()));

unsafe fn cmp(fcinfo: FunctionCallInfo) -> std::cmp::Ordering {
    sv::compare(&arg_sparse(fcinfo, 0), &arg_sparse(fcinfo, 1))
}

sql_fn!(sparsevec_lt, |fcinfo| bool_datum(cmp(fcinfo).is_lt()));
sql_fn!(sparsevec_le, |fcinfo| bool_datum(cmp(fcinfo).is_le()));
sql_fn!(sparsevec_eq, |fcinfo| bool_datum(cmp(fcinfo).is_eq()));
sql_fn!(sparsevec_ne, |fcinfo| bool_datum(cmp(fcinfo).is_ne()));
sql_fn!(sparsevec_ge, |fcinfo| bool_datum(cmp(fcinfo).is_ge()));
sql_fn!(sparsevec_gt, |fcinfo| bool_datum(cmp(fcinfo).is_gt()));
sql_fn!(sparsevec_cmp, |fcinfo| Datum::from(cmp(fcinfo) as i32));
