//! Distances, arithmetic, comparisons and functions of `vector`. Each entry point reads its
//! arguments, checks dimensions, calls a kernel of src/core, and returns.

use super::memory_vector::{arg_vector, vector_datum};
use super::vector_extern::Vector;
use crate::pg::fmgr::{bool_datum, f64_datum, pg_finfo, sql_fn};
use crate::core::distance as d;
use crate::core::vector as v;
use crate::pg::OrReport;

use pgrx::pg_sys::{Datum, FunctionCallInfo};
use std::cmp::Ordering;

pg_finfo!(
    pg_finfo_l2_distance,
    pg_finfo_vector_l2_squared_distance,
    pg_finfo_inner_product,
    pg_finfo_vector_negative_inner_product,
    pg_finfo_cosine_distance,
    pg_finfo_l1_distance,
    pg_finfo_vector_dims,
    pg_finfo_vector_norm,
    pg_finfo_vector_add,
    pg_finfo_vector_sub,
    pg_finfo_vector_mul,
    pg_finfo_vector_lt,
    pg_finfo_vector_le,
    pg_finfo_vector_eq,
    pg_finfo_vector_ne,
    pg_finfo_vector_ge,
    pg_finfo_vector_gt,
    pg_finfo_vector_cmp,
);

/// Both vector arguments, with equal dimensions.
unsafe fn two(fcinfo: FunctionCallInfo) -> (super::memory_vector::VectorArg, super::memory_vector::VectorArg) {
    let a = arg_vector(fcinfo, 0);
    let b = arg_vector(fcinfo, 1);
    v::check_same_dims(a.dim(), b.dim()).or_report();
    (a, b)
}

sql_fn!(l2_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(d::l2_distance(a.as_slice(), b.as_slice()))
});

sql_fn!(vector_l2_squared_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(d::l2_squared(a.as_slice(), b.as_slice()) as f64)
});

sql_fn!(inner_product, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(d::inner_product(a.as_slice(), b.as_slice()))
});

sql_fn!(vector_negative_inner_product, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(d::negative_inner_product(a.as_slice(), b.as_slice()))
});

sql_fn!(cosine_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(d::cosine_distance(a.as_slice(), b.as_slice()))
});

sql_fn!(l1_distance, |fcinfo| {
    let (a, b) = two(fcinfo);
    f64_datum(d::l1_distance(a.as_slice(), b.as_slice()))
});

sql_fn!(vector_dims, |fcinfo| Datum::from(arg_vector(fcinfo, 0).dim() as i32));

sql_fn!(vector_norm, |fcinfo| {
    f64_datum(v::norm(arg_vector(fcinfo, 0).as_slice()))
});

/// Unit vector in the same direction; a zero vector stays zero. A #[pg_extern] (pgrx writes its
/// SQL), as fast as the C-ABI functions here: benches/extern_overhead.sh.
#[pgrx::pg_extern(immutable, strict, parallel_safe, requires = ["vector_type"])]
fn l2_normalize(v: Vector) -> Vector {
    Vector::new(&v::l2_normalize(v.as_slice()))
}

/// subvector(v, start, count): elements start (1-based) to start + count - 1.
#[pgrx::pg_extern(immutable, strict, parallel_safe, requires = ["vector_type"])]
fn subvector(v: Vector, start: i32, count: i32) -> Vector {
    Vector::new(&v::subvector(v.as_slice(), start, count).or_report())
}

sql_fn!(vector_add, |fcinfo| {
    let (a, b) = two(fcinfo);
    vector_datum(&v::elementwise(a.as_slice(), b.as_slice(), |x, y| x + y).or_report())
});

sql_fn!(vector_sub, |fcinfo| {
    let (a, b) = two(fcinfo);
    vector_datum(&v::elementwise(a.as_slice(), b.as_slice(), |x, y| x - y).or_report())
});

sql_fn!(vector_mul, |fcinfo| {
    let (a, b) = two(fcinfo);
    vector_datum(&v::multiply(a.as_slice(), b.as_slice()).or_report())
});

/// Comparison of two vectors of any dimensions (btree order).
unsafe fn cmp(fcinfo: FunctionCallInfo) -> Ordering {
    v::compare(arg_vector(fcinfo, 0).as_slice(), arg_vector(fcinfo, 1).as_slice())
}

sql_fn!(vector_lt, |fcinfo| bool_datum(cmp(fcinfo) == Ordering::Less));
sql_fn!(vector_le, |fcinfo| bool_datum(cmp(fcinfo) != Ordering::Greater));
sql_fn!(vector_eq, |fcinfo| bool_datum(cmp(fcinfo) == Ordering::Equal));
sql_fn!(vector_ne, |fcinfo| bool_datum(cmp(fcinfo) != Ordering::Equal));
sql_fn!(vector_ge, |fcinfo| bool_datum(cmp(fcinfo) != Ordering::Less));
sql_fn!(vector_gt, |fcinfo| bool_datum(cmp(fcinfo) == Ordering::Greater));
sql_fn!(vector_cmp, |fcinfo| Datum::from(cmp(fcinfo) as i32));

