//! Text arguments as UTF-8, whatever the database encoding, read no further than needed.
//!
//! Rust strings must be valid UTF-8, and a database may be LATIN1, SQL_ASCII or any other
//! server encoding: bytes are converted with the server's own conversion (`pg_server_to_any`),
//! which raises a clean ERROR on bytes that are not valid. Never `from_utf8_unchecked`.

use pgrx::pg_sys;
use std::borrow::Cow;

/// The bytes of a text datum, detoasting at most about `limit` bytes when the value is
/// compressed or stored out of line (Postgres fetches and decompresses only that slice).
/// Returns the bytes and whether they are the whole value.
///
/// # Safety
/// `datum` must be a non-null text (or varchar) datum valid for the current call.
pub unsafe fn text_bytes<'a>(datum: pg_sys::Datum, limit: usize) -> (&'a [u8], bool) {
    let raw = datum.cast_mut_ptr::<pg_sys::varlena>();
    let total = pg_sys::toast_raw_datum_size(datum).saturating_sub(pg_sys::VARHDRSZ);
    let (p, whole) = if total > limit {
        (pg_sys::pg_detoast_datum_slice(raw, 0, limit.min(i32::MAX as usize) as i32), false)
    } else {
        (pg_sys::pg_detoast_datum_packed(raw), true)
    };
    let len = pgrx::varlena::varsize_any_exhdr(p);
    let data = pgrx::varlena::vardata_any(p) as *const u8;
    (std::slice::from_raw_parts(data, len), whole)
}

/// `bytes` in the server encoding as UTF-8. When `whole` is false the bytes are the start of a
/// longer value, and a character cut at the end is left out.
pub fn server_to_utf8(bytes: &[u8], whole: bool) -> Cow<'_, str> {
    // SAFETY: reads the backend's database encoding, set before any SQL function runs.
    let encoding = unsafe { pg_sys::GetDatabaseEncoding() } as u32;
    if encoding == pg_sys::pg_enc::PG_UTF8 {
        return match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            // SAFETY: from_utf8 vouched for the bytes up to valid_up_to.
            Err(e) if !whole && e.error_len().is_none() => {
                Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(&bytes[..e.valid_up_to()]) })
            }
            Err(_) => convert(bytes),
        };
    }
    let mut len = bytes.len();
    if !whole && len > 0 {
        len = if encoding == pg_sys::pg_enc::PG_SQL_ASCII {
            // No conversion happens from SQL_ASCII, only UTF-8 validation: leave out a
            // sequence cut at the end.
            match std::str::from_utf8(bytes) {
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                _ => len,
            }
        } else {
            // SAFETY: pg_mbcliplen reads at most `len` bytes of `bytes`.
            unsafe { pg_sys::pg_mbcliplen(bytes.as_ptr().cast(), len as i32, len as i32) as usize }
        };
    }
    convert(&bytes[..len])
}

/// The server's conversion to UTF-8; it raises ERROR (22021) on invalid bytes.
fn convert(bytes: &[u8]) -> Cow<'_, str> {
    if bytes.is_empty() {
        return Cow::Borrowed("");
    }
    // SAFETY: pg_server_to_any reads `len` bytes and returns either its input or a palloc'd,
    // NUL-terminated conversion; it raises ERROR on bytes invalid in either encoding.
    let converted = unsafe {
        let src = bytes.as_ptr() as *const std::ffi::c_char;
        let out = pg_sys::pg_server_to_any(src, bytes.len() as i32, pg_sys::pg_enc::PG_UTF8 as i32);
        if out as *const std::ffi::c_char == src {
            bytes.to_vec()
        } else {
            std::ffi::CStr::from_ptr(out).to_bytes().to_vec()
        }
    };
    match String::from_utf8(converted) {
        Ok(s) => Cow::Owned(s),
        // Only reachable for a UTF-8 database holding invalid bytes: a clean error.
        Err(e) => crate::error::Error::new(
            crate::error::SqlState::CharacterNotInRepertoire,
            format!("invalid byte sequence for encoding \"UTF8\" at byte {}", e.utf8_error().valid_up_to()),
        )
        .report(),
    }
}

/// A `text` argument of a `#[pg_extern]` function, neither detoasted nor converted yet: the
/// function reads as much as it needs with [`TextArg::read`]. (pgrx's `&str` and `String`
/// would detoast the whole value and assume the database is UTF-8.)
#[derive(Clone, Copy)]
pub struct TextArg(pg_sys::Datum);

impl TextArg {
    /// # Safety
    /// `datum` must be a non-null text datum valid for as long as the TextArg is used.
    pub unsafe fn from_datum_unchecked(datum: pg_sys::Datum) -> Self {
        TextArg(datum)
    }

    /// The text as UTF-8, reading about `limit` bytes at most; `(text, whole)`.
    pub fn read(&self, limit: usize) -> (Cow<'_, str>, bool) {
        // SAFETY: a TextArg only comes from a non-null text datum of the current call.
        let (bytes, whole) = unsafe { text_bytes(self.0, limit) };
        (server_to_utf8(bytes, whole), whole)
    }
}

impl pgrx::FromDatum for TextArg {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
        (!is_null && !datum.is_null()).then_some(TextArg(datum))
    }
}

impl pgrx::IntoDatum for TextArg {
    fn into_datum(self) -> Option<pg_sys::Datum> {
        Some(self.0)
    }
    fn type_oid() -> pg_sys::Oid {
        pg_sys::TEXTOID
    }
}

// SAFETY: elements of a detoasted text[] are text datums that live as long as the array.
unsafe impl pgrx::datum::UnboxDatum for TextArg {
    type As<'src> = TextArg;
    unsafe fn unbox<'src>(datum: pgrx::datum::Datum<'src>) -> Self::As<'src>
    where
        Self: 'src,
    {
        TextArg(datum.sans_lifetime())
    }
}

// SAFETY: the argument is declared `text` (SqlTranslatable below), so the datum is one.
unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for TextArg {
    unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        arg.unbox_arg_using_from_datum().unwrap_or_else(|| panic!("argument {index} must not be null"))
    }
}

pgrx::pgrx_sql_entity_graph::impl_sql_translatable!(TextArg, "TEXT");

/// `s` (UTF-8) in the server encoding, NUL-terminated, for SPI queries and input functions.
/// A character the database encoding cannot hold is the server's own clean error (22P05).
pub fn utf8_to_server(s: &str) -> std::ffi::CString {
    let bytes = s.as_bytes();
    let converted: Vec<u8> = if bytes.is_empty() || bytes.is_ascii() {
        bytes.to_vec()
    } else {
        // SAFETY: pg_any_to_server reads `len` bytes and returns its input or a palloc'd,
        // NUL-terminated conversion; it raises ERROR on characters it cannot convert.
        unsafe {
            let src = bytes.as_ptr() as *const std::ffi::c_char;
            let out = pg_sys::pg_any_to_server(src, bytes.len() as i32, pg_sys::pg_enc::PG_UTF8 as i32);
            if out as *const std::ffi::c_char == src {
                bytes.to_vec()
            } else {
                std::ffi::CStr::from_ptr(out).to_bytes().to_vec()
            }
        }
    };
    std::ffi::CString::new(converted)
        .unwrap_or_else(|_| crate::error::Error::new(crate::error::SqlState::CharacterNotInRepertoire, "text must not contain NUL").report())
}

/// A `text` result written in the database encoding (pgrx's `String` would write UTF-8 bytes
/// whatever the encoding, so a LATIN1 database would show `cafÃ©`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DbText(pub String);

impl From<String> for DbText {
    fn from(s: String) -> Self {
        DbText(s)
    }
}

impl From<&str> for DbText {
    fn from(s: &str) -> Self {
        DbText(s.to_string())
    }
}

impl pgrx::IntoDatum for DbText {
    fn into_datum(self) -> Option<pg_sys::Datum> {
        let c = utf8_to_server(&self.0);
        let bytes = c.as_bytes();
        // SAFETY: cstring_to_text_with_len copies `len` bytes into a palloc'd text.
        Some(pg_sys::Datum::from(unsafe { pg_sys::cstring_to_text_with_len(bytes.as_ptr().cast(), bytes.len() as i32) }))
    }
    fn type_oid() -> pg_sys::Oid {
        pg_sys::TEXTOID
    }
}

pgrx::pgrx_sql_entity_graph::impl_sql_translatable!(DbText, "TEXT");

/// A text column of an SPI row as UTF-8, converted from the database encoding.
pub fn spi_text(row: &pgrx::spi::SpiHeapTupleData, ordinal: usize) -> Option<String> {
    row.get::<TextArg>(ordinal).ok().flatten().map(|t| t.read(usize::MAX).0.into_owned())
}

/// A C string (a catalog name) in the server encoding as UTF-8.
///
/// # Safety
/// `p` must be NULL or a valid NUL-terminated string.
pub unsafe fn server_cstr(p: *const std::ffi::c_char) -> Option<String> {
    (!p.is_null()).then(|| server_to_utf8(std::ffi::CStr::from_ptr(p).to_bytes(), true).into_owned())
}

/// A `jsonb` argument or result read and written in the database encoding (pgrx's JsonB
/// assumes UTF-8 and fails on any non-ASCII character of a LATIN1 database).
#[derive(Clone, Debug, PartialEq)]
pub struct Jsonb(pub serde_json::Value);

impl pgrx::FromDatum for Jsonb {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
        if is_null || datum.is_null() {
            return None;
        }
        let out = pgrx::direct_function_call_as_datum(pg_sys::jsonb_out, &[Some(datum)])?;
        let text = server_to_utf8(std::ffi::CStr::from_ptr(out.cast_mut_ptr()).to_bytes(), true);
        let value = serde_json::from_str(&text).unwrap_or_else(|e| crate::error::Error::internal(format!("could not read a jsonb value: {e}")).report());
        Some(Jsonb(value))
    }
}

impl pgrx::IntoDatum for Jsonb {
    fn into_datum(self) -> Option<pg_sys::Datum> {
        let c = utf8_to_server(&self.0.to_string());
        // SAFETY: jsonb_in takes a cstring and raises a clean ERROR on bad input.
        unsafe { pgrx::direct_function_call_as_datum(pg_sys::jsonb_in, &[Some(pg_sys::Datum::from(c.as_ptr()))]) }
    }
    fn type_oid() -> pg_sys::Oid {
        pg_sys::JSONBOID
    }
}

// SAFETY: the argument is declared `jsonb` (SqlTranslatable below), so the datum is one.
unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for Jsonb {
    unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        arg.unbox_arg_using_from_datum().unwrap_or_else(|| panic!("argument {index} must not be null"))
    }
}

pgrx::pgrx_sql_entity_graph::impl_sql_translatable!(Jsonb, "jsonb");

/// Results returned through their IntoDatum (which writes the database encoding).
macro_rules! box_ret_by_into_datum {
    ($($ty:ty),*) => {$(
        // SAFETY: returns a datum palloc'd in the current call's memory context (or NULL).
        unsafe impl pgrx::callconv::BoxRet for $ty {
            unsafe fn box_into<'fcx>(self, fcinfo: &mut pgrx::callconv::FcInfo<'fcx>) -> pgrx::datum::Datum<'fcx> {
                match pgrx::IntoDatum::into_datum(self) {
                    Some(d) => fcinfo.return_raw_datum(d),
                    None => fcinfo.return_null(),
                }
            }
        }
    )*};
}
box_ret_by_into_datum!(DbText, Jsonb);

/// The elements of a text[] argument as UTF-8, each read up to `limit` bytes.
pub fn text_array(a: &pgrx::datum::Array<TextArg>, limit: usize) -> Vec<Option<String>> {
    a.iter().map(|t| t.map(|t| t.read(limit).0.into_owned())).collect()
}
