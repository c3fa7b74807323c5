//! avg(vector) and sum(vector), parallel-safe: avg keeps [count, sums...] as float8[] (combined
//! by adding), sum uses vector_add as both transition and combine function.

use super::memory_vector::{arg_vector, vector_datum};
use crate::pg::fmgr::{pg_finfo};
use crate::core::vector as v;
use crate::pg::OrReport;
use pgrx::pg_sys::{Datum, FunctionCallInfo};
use pgrx::{FromDatum, IntoDatum};

pg_finfo!(pg_finfo_vector_accum, pg_finfo_vector_combine, pg_finfo_vector_avg);

pub(crate) unsafe fn state_arg(fcinfo: FunctionCallInfo, n: usize) -> Vec<f64> {
    if pgrx::fcinfo::pg_arg_is_null(fcinfo, n) {
        return Vec::new();
    }
    let d = pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, n);
    Vec::<f64>::from_datum(d, false).unwrap_or_default()
}

pub(crate) fn state_datum(state: Vec<f64>) -> Datum {
    state.into_datum().unwrap_or(Datum::from(0usize))
}

/// vector_accum(float8[], vector): declared STRICT with initcond '{0}'.
#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_accum(fcinfo: FunctionCallInfo) -> Datum {
    let mut state = state_arg(fcinfo, 0);
    v::avg_accumulate(&mut state, arg_vector(fcinfo, 1).as_slice()).or_report();
    pgrx::check_for_interrupts!();
    state_datum(state)
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_combine(fcinfo: FunctionCallInfo) -> Datum {
    state_datum(v::avg_combine(&state_arg(fcinfo, 0), &state_arg(fcinfo, 1)).or_report())
}

#[pgrx::pg_guard]
#[no_mangle]
pub unsafe extern "C-unwind" fn vector_avg(fcinfo: FunctionCallInfo) -> Datum {
    match v::avg_final(&state_arg(fcinfo, 0)).or_report() {
        Some(avg) => vector_datum(&avg),
        None => pgrx::fcinfo::pg_return_null(fcinfo),
    }
}

