//! Raising shopml's errors as Postgres ERRORs, with their SQLSTATE, detail and hint.

use crate::error::{Error, SqlState};
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::{PgLogLevel, PgSqlErrorCode};

impl SqlState {
    fn code(self) -> PgSqlErrorCode {
        match self {
            SqlState::DataException => PgSqlErrorCode::ERRCODE_DATA_EXCEPTION,
            SqlState::InvalidParameterValue => PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            SqlState::InvalidTextRepresentation => {
                PgSqlErrorCode::ERRCODE_INVALID_TEXT_REPRESENTATION
            }
            SqlState::NumericValueOutOfRange => {
                PgSqlErrorCode::ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE
            }
            SqlState::NullValueNotAllowed => PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
            SqlState::ProgramLimitExceeded => PgSqlErrorCode::ERRCODE_PROGRAM_LIMIT_EXCEEDED,
            SqlState::CharacterNotInRepertoire => {
                PgSqlErrorCode::ERRCODE_CHARACTER_NOT_IN_REPERTOIRE
            }
            SqlState::InsufficientPrivilege => PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
            SqlState::ProtocolViolation => PgSqlErrorCode::ERRCODE_PROTOCOL_VIOLATION,
            SqlState::UndefinedColumn => PgSqlErrorCode::ERRCODE_UNDEFINED_COLUMN,
            SqlState::DatatypeMismatch => PgSqlErrorCode::ERRCODE_DATATYPE_MISMATCH,
            SqlState::UndefinedObject => PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
            SqlState::UndefinedFile => PgSqlErrorCode::ERRCODE_UNDEFINED_FILE,
            SqlState::SystemError => PgSqlErrorCode::ERRCODE_SYSTEM_ERROR,
            SqlState::DataCorrupted => PgSqlErrorCode::ERRCODE_DATA_CORRUPTED,
            SqlState::InternalError => PgSqlErrorCode::ERRCODE_INTERNAL_ERROR,
            SqlState::IndexCorrupted => PgSqlErrorCode::ERRCODE_INDEX_CORRUPTED,
            SqlState::FeatureNotSupported => PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
            SqlState::ReadOnlySqlTransaction => PgSqlErrorCode::ERRCODE_READ_ONLY_SQL_TRANSACTION,
            SqlState::UniqueViolation => PgSqlErrorCode::ERRCODE_UNIQUE_VIOLATION,
        }
    }
}

impl Error {
    /// Raises this error as a Postgres ERROR; never returns.
    pub fn report(self) -> ! {
        let mut r = ErrorReport::new(self.state.code(), server_safe(self.message), "shopml");
        if let Some(d) = self.detail {
            r = r.set_detail(server_safe(d));
        }
        if let Some(h) = self.hint {
            r = r.set_hint(server_safe(h));
        }
        r.report(PgLogLevel::ERROR);
        unreachable!("ERROR does not return")
    }
}

/// Messages go to Postgres as bytes of the server encoding, and a Rust string can only hold
/// UTF-8: in a database whose encoding is neither UTF-8 nor SQL_ASCII (which passes bytes
/// through), a non-ASCII character of a message (an echoed id, say) is written `?` rather than
/// as bytes the client would decode wrongly.
fn server_safe(message: String) -> String {
    // SAFETY: reads the backend's database encoding.
    let encoding = unsafe { pgrx::pg_sys::GetDatabaseEncoding() } as u32;
    if message.is_ascii() || encoding == pgrx::pg_sys::pg_enc::PG_UTF8 || encoding == pgrx::pg_sys::pg_enc::PG_SQL_ASCII {
        return message;
    }
    message.chars().map(|c| if c.is_ascii() { c } else { '?' }).collect()
}

/// `result.or_report()`: the value, or the error raised as a Postgres ERROR.
pub trait OrReport<T> {
    fn or_report(self) -> T;
}

impl<T> OrReport<T> for Result<T, Error> {
    fn or_report(self) -> T {
        match self {
            Ok(v) => v,
            Err(e) => e.report(),
        }
    }
}
