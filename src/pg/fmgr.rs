//! fmgr plumbing shared by the version-1 C functions (src/types) and the #[pg_extern] glue
//! (src/api): the `pg_finfo_*` records and plain datum conversions.

use pgrx::pg_sys;

/// Declares the `pg_finfo_*` records Postgres looks up for version-1 C functions.
macro_rules! pg_finfo {
    ($($name:ident),* $(,)?) => {$(
        #[no_mangle]
        pub extern "C" fn $name() -> &'static pgrx::pg_sys::Pg_finfo_record {
            static V1: pgrx::pg_sys::Pg_finfo_record = pgrx::pg_sys::Pg_finfo_record { api_version: 1 };
            &V1
        }
    )*};
}
pub(crate) use pg_finfo;

/// A version-1 C function `$name(fcinfo)` whose body is the closure: #[pg_guard] turns Rust
/// panics and Postgres errors into each other at the boundary.
macro_rules! sql_fn {
    ($name:ident, |$fcinfo:ident| $body:expr) => {
        #[pgrx::pg_guard]
        #[no_mangle]
        pub unsafe extern "C-unwind" fn $name(fcinfo: pgrx::pg_sys::FunctionCallInfo) -> pgrx::pg_sys::Datum {
            // A closure keeps the caller's `fcinfo` name hygienic through #[pg_guard].
            (|$fcinfo: pgrx::pg_sys::FunctionCallInfo| $body)(fcinfo)
        }
    };
}
pub(crate) use sql_fn;


/// The value of a nullable argument of a non-STRICT function, or a clean `22004` naming it.
pub fn required<T>(value: Option<T>, what: &str) -> T {
    value.unwrap_or_else(|| {
        crate::error::Error::new(crate::error::SqlState::NullValueNotAllowed, format!("{what} must not be NULL")).report()
    })
}

/// A short text argument (a name, a column, a model reference) of a non-STRICT function: a clean
/// `22004` naming it when NULL, at most 1024 bytes read.
pub fn required_text(value: Option<crate::pg::text::TextArg>, what: &str) -> String {
    required(value, what).read(1024).0.into_owned()
}

/// # Safety
/// Argument `n` must exist and be an int4.
pub unsafe fn arg_i32(fcinfo: pg_sys::FunctionCallInfo, n: usize) -> i32 {
    pgrx::fcinfo::pg_getarg_datum_raw(fcinfo, n).value() as i32
}

pub fn f64_datum(x: f64) -> pg_sys::Datum {
    pg_sys::Datum::from(x.to_bits())
}

pub fn bool_datum(b: bool) -> pg_sys::Datum {
    pg_sys::Datum::from(b)
}

/// A `regclass` argument of a `#[pg_extern]` function: the oid of a table (or view) that SQL
/// named, resolved and checked to exist by Postgres's regclass input.
#[derive(Clone, Copy, Debug)]
pub struct RegClass(pub pg_sys::Oid);

impl pgrx::FromDatum for RegClass {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
        (!is_null).then(|| RegClass(pg_sys::Oid::from(datum.value() as u32)))
    }
}

impl pgrx::IntoDatum for RegClass {
    fn into_datum(self) -> Option<pg_sys::Datum> {
        Some(pg_sys::Datum::from(self.0))
    }
    fn type_oid() -> pg_sys::Oid {
        pg_sys::REGCLASSOID
    }
}

// SAFETY: the argument is declared regclass, an oid passed by value.
unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for RegClass {
    unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        arg.unbox_arg_using_from_datum().unwrap_or_else(|| panic!("argument {index} must not be null"))
    }
    unsafe fn unbox_nullable_arg(arg: pgrx::callconv::Arg<'_, 'fcx>) -> pgrx::nullable::Nullable<Self> {
        arg.unbox_arg_using_from_datum().into()
    }
}

pgrx::pgrx_sql_entity_graph::impl_sql_translatable!(RegClass, "regclass");

/// Errors (54000) before a call builds `bytes` of results or buffers in Rust memory beyond
/// shopml.max_training_memory: a Rust allocation that fails aborts the backend, so what a user
/// can make large is bounded before it is allocated.
pub fn check_call_memory(what: &str, bytes: usize) {
    let max = crate::gucs::max_training_memory_bytes();
    if bytes > max {
        crate::error::Error::new(
            crate::error::SqlState::ProgramLimitExceeded,
            format!("{what} needs {} MB, more than shopml.max_training_memory ({} MB)", bytes >> 20, max >> 20),
        )
        .with_hint("pass fewer values per call, or ask a superuser to raise shopml.max_training_memory")
        .report();
    }
}

/// Hands freed heap back to the OS when dropped: a trainer holds one for its whole call, so
/// that after it returns, fails or is cancelled the backend's resident memory is what it was
/// (glibc keeps freed memory for reuse otherwise, and a cancelled training's tables are large).
pub struct TrimOnDrop;

impl Drop for TrimOnDrop {
    fn drop(&mut self) {
        // SAFETY: malloc_trim only releases free memory at the top of glibc's heaps.
        unsafe { libc::malloc_trim(0) };
    }
}
