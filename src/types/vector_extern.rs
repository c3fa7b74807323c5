//! `vector` as a Rust type in `#[pg_extern]` signatures: arguments (`Vector`, `Option<Vector>`,
//! `Array<Vector>`), results (`Vector`, `Vec<Option<Vector>>` for `vector[]`), with the SQL type
//! written `@extschema@.vector` in pgrx's generated SQL. Functions that use it declare
//! `requires = ["vector_type"]` so that they are created after sql/vector.sql.

use super::memory_vector::{vector_datum, vector_from_datum, VectorArg};
use pgrx::pg_sys;
use std::cell::Cell;

/// A vector valid for the current call: an argument (detoasted once) or a result built with
/// [`Vector::new`] (palloc'd in the call's memory context, dims and elements checked).
pub struct Vector {
    datum: pg_sys::Datum,
    arg: VectorArg,
}

impl Vector {
    /// A new vector holding `values`; raises the type's errors (dims, NaN/Inf).
    pub fn new(values: &[f32]) -> Vector {
        let datum = vector_datum(values);
        // SAFETY: vector_datum returned a plain (4-byte header) vector of values.len() elements.
        let arg = unsafe { VectorArg::from_raw(datum.cast_mut_ptr::<u8>().add(super::memory_vector::HEADER) as *const f32, values.len()) };
        Vector { datum, arg }
    }

    /// # Safety
    /// `datum` must be a non-null vector datum valid for the current call.
    pub unsafe fn from_datum_unchecked(datum: pg_sys::Datum) -> Vector {
        let arg = vector_from_datum(datum);
        // Keep the detoasted copy: it is what `as_slice` points into.
        let datum = pg_sys::Datum::from(arg.as_slice().as_ptr().cast::<u8>().sub(super::memory_vector::HEADER));
        Vector { datum, arg }
    }

    pub fn as_slice(&self) -> &[f32] {
        self.arg.as_slice()
    }
}

impl pgrx::FromDatum for Vector {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
        (!is_null && !datum.is_null()).then(|| Vector::from_datum_unchecked(datum))
    }
}

impl pgrx::IntoDatum for Vector {
    fn into_datum(self) -> Option<pg_sys::Datum> {
        Some(self.datum)
    }
    fn type_oid() -> pg_sys::Oid {
        vector_type_oid()
    }
}

// SAFETY: elements of a detoasted vector[] are vector datums that live as long as the array.
unsafe impl pgrx::datum::UnboxDatum for Vector {
    type As<'src> = Vector;
    unsafe fn unbox<'src>(datum: pgrx::datum::Datum<'src>) -> Self::As<'src>
    where
        Self: 'src,
    {
        Vector::from_datum_unchecked(datum.sans_lifetime())
    }
}

// SAFETY: the argument is declared `@extschema@.vector`, so the datum is one.
unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for Vector {
    unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        arg.unbox_arg_using_from_datum().unwrap_or_else(|| panic!("argument {index} must not be null"))
    }
}

// SAFETY: returns a vector datum of the current call's memory context.
unsafe impl pgrx::callconv::BoxRet for Vector {
    unsafe fn box_into<'fcx>(self, fcinfo: &mut pgrx::callconv::FcInfo<'fcx>) -> pgrx::datum::Datum<'fcx> {
        fcinfo.return_raw_datum(self.datum)
    }
}

pgrx::pgrx_sql_entity_graph::impl_sql_translatable!(Vector, "@extschema@.vector");

thread_local! {
    /// The oid of shopml.vector in this backend, forgotten whenever pg_type changes (so DROP
    /// and CREATE EXTENSION in one session cannot leave a stale oid).
    static VECTOR_OID: Cell<pg_sys::Oid> = const { Cell::new(pg_sys::InvalidOid) };
}

/// The oid of `shopml.vector` (the schema is fixed: the extension is not relocatable).
pub fn vector_type_oid() -> pg_sys::Oid {
    let cached = VECTOR_OID.with(Cell::get);
    if cached != pg_sys::InvalidOid {
        return cached;
    }
    // SAFETY: plain catalog lookups; get_namespace_oid raises a clean ERROR if it is missing.
    let oid = unsafe {
        let nsp = pg_sys::get_namespace_oid(c"shopml".as_ptr(), false);
        pg_sys::GetSysCacheOid(
            pg_sys::SysCacheIdentifier::TYPENAMENSP as i32,
            pg_sys::Anum_pg_type_oid as i16,
            pg_sys::Datum::from(c"vector".as_ptr()),
            pg_sys::Datum::from(nsp),
            pg_sys::Datum::from(0usize),
            pg_sys::Datum::from(0usize),
        )
    };
    if oid == pg_sys::InvalidOid {
        crate::error::Error::new(crate::error::SqlState::UndefinedObject, "type shopml.vector does not exist").report();
    }
    VECTOR_OID.with(|c| c.set(oid));
    oid
}

/// Runs inside Postgres's invalidation processing: no allocation, no ERROR.
unsafe extern "C-unwind" fn forget_vector_oid(_arg: pg_sys::Datum, _cache: i32, _hash: u32) {
    VECTOR_OID.with(|c| c.set(pg_sys::InvalidOid));
}

/// Called from _PG_init: any change to pg_type invalidates the cached oid.
pub fn init() {
    // SAFETY: registering a syscache callback in _PG_init is the documented use.
    unsafe {
        pg_sys::CacheRegisterSyscacheCallback(
            pg_sys::SysCacheIdentifier::TYPEOID as i32,
            Some(forget_vector_oid),
            pg_sys::Datum::from(0usize),
        )
    };
}
