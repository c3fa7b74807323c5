//! Array arguments that keep their shape (issue 29, problem 6). pgrx reads any array as a flat
//! list, so `'[0:1]={a,b}'` and a 2-D array would be renumbered or flattened silently. The rule
//! here, as in pgvector's casts: an array argument must be one-dimensional (`22000 array must be
//! 1-D` otherwise), and an array result answers its input element by element with the input's
//! own subscripts (element `i` of `embed_texts(a)` embeds `a[i]`, whatever `a`'s lower bound).

use crate::error::Error;
use pgrx::pg_sys;
use pgrx::FromDatum;

/// An array argument, not yet read: [`ArrayArg::lower_bound`] checks its shape first.
#[derive(Clone, Copy)]
pub struct ArrayArg(pg_sys::Datum);

/// Bytes of an array header with up to 6 dimensions: length, ndim, data offset, element type,
/// then the dimensions and lower bounds.
const HEADER: usize = 16 + 2 * 4 * 6;

impl ArrayArg {
    /// The lower bound of a one-dimensional array (1 for an empty one); any other shape is a
    /// clean error. Reads only the header of a compressed or out-of-line array.
    pub fn lower_bound(&self) -> i32 {
        // SAFETY: an ArrayArg only comes from a non-null array datum of the current call; the
        // slice holds the whole header (ndim <= 6), read as Postgres lays it out.
        unsafe {
            let raw = self.0.cast_mut_ptr::<pg_sys::varlena>();
            let header = pg_sys::pg_detoast_datum_slice(raw, 0, HEADER as i32) as *const u8;
            let ndim = *(header.add(4) as *const i32);
            match ndim {
                0 => 1,
                1 => *(header.add(16 + 4) as *const i32),
                _ => Error::data("array must be 1-D").with_detail(format!("the array has {ndim} dimensions")).report(),
            }
        }
    }

    /// The elements of a text[] (checked 1-D).
    pub fn texts(&self) -> pgrx::datum::Array<'_, crate::pg::text::TextArg> {
        self.lower_bound();
        // SAFETY: the argument is declared text[] (TextArray below).
        unsafe { pgrx::datum::Array::from_polymorphic_datum(self.0, false, pg_sys::TEXTARRAYOID) }
            .unwrap_or_else(|| Error::internal("could not read a text[] argument").report())
    }

    /// The elements of a bigint[] (checked 1-D).
    pub fn bigints(&self) -> Vec<Option<i64>> {
        self.lower_bound();
        // SAFETY: the argument is declared bigint[] (BigintArray below).
        unsafe { Vec::<Option<i64>>::from_polymorphic_datum(self.0, false, pg_sys::INT8ARRAYOID) }
            .unwrap_or_else(|| Error::internal("could not read a bigint[] argument").report())
    }
}

macro_rules! array_arg {
    ($name:ident, $sql:literal) => {
        /// An array argument declared in SQL as
        #[doc = $sql]
        #[derive(Clone, Copy)]
        pub struct $name(pub ArrayArg);

        impl pgrx::FromDatum for $name {
            unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
                (!is_null && !datum.is_null()).then_some($name(ArrayArg(datum)))
            }
        }

        // SAFETY: the argument's SQL type is the array type named above.
        unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for $name {
            unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
                let index = arg.index();
                arg.unbox_arg_using_from_datum().unwrap_or_else(|| panic!("argument {index} must not be null"))
            }
        }

        pgrx::pgrx_sql_entity_graph::impl_sql_translatable!($name, $sql);
    };
}

array_arg!(TextArray, "TEXT[]");
array_arg!(BigintArray, "bigint[]");

/// An array result whose subscripts start at `lower` (the input's), not at 1.
pub struct Bounded<T> {
    pub value: T,
    pub lower: i32,
}

impl<T: pgrx::IntoDatum> pgrx::IntoDatum for Bounded<T> {
    fn into_datum(self) -> Option<pg_sys::Datum> {
        let datum = self.value.into_datum()?;
        // SAFETY: pgrx just built this array (construct_md_array: not toasted, ours to write);
        // a one-dimensional array's lower bound follows its single dimension.
        unsafe {
            let a = datum.cast_mut_ptr::<u8>();
            if *(a.add(4) as *const i32) == 1 {
                *(a.add(16 + 4) as *mut i32) = self.lower;
            }
        }
        Some(datum)
    }
    fn type_oid() -> pg_sys::Oid {
        T::type_oid()
    }
}

// SAFETY: returns the palloc'd array of the current call (or NULL).
unsafe impl<T: pgrx::IntoDatum> pgrx::callconv::BoxRet for Bounded<T> {
    unsafe fn box_into<'fcx>(self, fcinfo: &mut pgrx::callconv::FcInfo<'fcx>) -> pgrx::datum::Datum<'fcx> {
        match pgrx::IntoDatum::into_datum(self) {
            Some(d) => fcinfo.return_raw_datum(d),
            None => fcinfo.return_null(),
        }
    }
}

// SAFETY: the same SQL type as the array it wraps.
unsafe impl<T: pgrx::pgrx_sql_entity_graph::metadata::SqlTranslatable> pgrx::pgrx_sql_entity_graph::metadata::SqlTranslatable for Bounded<T> {
    const TYPE_IDENT: &'static str = T::TYPE_IDENT;
    const TYPE_ORIGIN: pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin = T::TYPE_ORIGIN;
    const ARGUMENT_SQL: Result<pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef, pgrx::pgrx_sql_entity_graph::metadata::ArgumentError> =
        T::ARGUMENT_SQL;
    const RETURN_SQL: Result<pgrx::pgrx_sql_entity_graph::metadata::ReturnsRef, pgrx::pgrx_sql_entity_graph::metadata::ReturnsError> =
        T::RETURN_SQL;
}

/// A one-dimensional array of `element` values with subscripts from `lower` (NULL where None),
/// for results pgrx cannot build with other bounds (arrays of composite types).
pub fn build_array(element: pg_sys::Oid, items: Vec<Option<pg_sys::Datum>>, lower: i32) -> pg_sys::Datum {
    // SAFETY: the datums are of type `element`; construct_md_array copies them.
    unsafe {
        if items.is_empty() {
            return pg_sys::Datum::from(pg_sys::construct_empty_array(element));
        }
        let (mut len, mut byval, mut align) = (0i16, false, 0 as std::ffi::c_char);
        pg_sys::get_typlenbyvalalign(element, &mut len, &mut byval, &mut align);
        let mut datums: Vec<pg_sys::Datum> = items.iter().map(|d| d.unwrap_or(pg_sys::Datum::from(0usize))).collect();
        let mut nulls: Vec<bool> = items.iter().map(Option::is_none).collect();
        let (mut dims, mut lbs) = ([items.len() as i32], [lower]);
        pg_sys::Datum::from(pg_sys::construct_md_array(
            datums.as_mut_ptr(),
            nulls.as_mut_ptr(),
            1,
            dims.as_mut_ptr(),
            lbs.as_mut_ptr(),
            element,
            len as i32,
            byval,
            align,
        ))
    }
}
