//! Every user-facing error of shopml, with its SQLSTATE and hint.
//!
//! `src/core` and `src/models` return [`Error`]; only the SQL glue turns it into an `ereport`
//! (src/pg/report.rs).

/// SQLSTATE classes used by shopml (names as in PostgreSQL's errcodes.txt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SqlState {
    /// 22000 data_exception
    DataException,
    /// 22023 invalid_parameter_value
    InvalidParameterValue,
    /// 22P02 invalid_text_representation
    InvalidTextRepresentation,
    /// 22003 numeric_value_out_of_range
    NumericValueOutOfRange,
    /// 22004 null_value_not_allowed
    NullValueNotAllowed,
    /// 22021 character_not_in_repertoire
    CharacterNotInRepertoire,
    /// 42501 insufficient_privilege
    InsufficientPrivilege,
    /// 54000 program_limit_exceeded
    ProgramLimitExceeded,
    /// 08P01 protocol_violation
    ProtocolViolation,
    /// 42703 undefined_column
    UndefinedColumn,
    /// 42804 datatype_mismatch
    DatatypeMismatch,
    /// 42704 undefined_object
    UndefinedObject,
    /// 58P01 undefined_file
    UndefinedFile,
    /// 58000 system_error
    SystemError,
    /// XX001 data_corrupted
    DataCorrupted,
    /// XX000 internal_error
    InternalError,
    /// XX002 index_corrupted
    IndexCorrupted,
    /// 0A000 feature_not_supported
    FeatureNotSupported,
    /// 25006 read_only_sql_transaction
    ReadOnlySqlTransaction,
    /// 23505 unique_violation
    UniqueViolation,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Error {
    pub state: SqlState,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(state: SqlState, message: impl Into<String>) -> Self {
        Error { state, message: message.into(), detail: None, hint: None }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Error::new(SqlState::InvalidParameterValue, message)
    }
    pub fn data(message: impl Into<String>) -> Self {
        Error::new(SqlState::DataException, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(SqlState::InternalError, message)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<candle_core::Error> for Error {
    fn from(e: candle_core::Error) -> Self {
        Error::internal(format!("model inference failed: {e}"))
    }
}

/// At most this many characters of a user's input are echoed in an error message, so that a
/// 1 GB literal does not end up in the server log.
pub const ECHO_CHARS: usize = 64;

/// `input` cut to [`ECHO_CHARS`] characters, with "..." when something was left out.
pub fn excerpt(input: &str) -> std::borrow::Cow<'_, str> {
    match input.char_indices().nth(ECHO_CHARS) {
        None => std::borrow::Cow::Borrowed(input),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}...", &input[..cut])),
    }
}
