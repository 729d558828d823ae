//! The one error type of `gerbang-ingest`, with a variant per kind of failure.
//!
//! Record-level problems are not errors: a bad record becomes a reject and the run goes on.
//! These errors stop a run (or a command) and are shown to the operator, so each message
//! says what was wrong, where, and what to do.

use datafusion::arrow::error::ArrowError;
use datafusion::parquet::errors::ParquetError;

/// Errors that stop an ingest run or a lake operation.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A configuration or reference-data file is wrong.
    #[error("configuration: {0}")]
    Config(String),
    /// Personal fields arrived but no pseudonymisation key is configured.
    #[error(
        "{feed} file {file} carries personal data (passport numbers and names) and no \
         pseudonymisation key is configured: set GERBANG_PSEUDONYM_KEY (at least 32 \
         characters, kept secret and the same for every run) or `pseudonym_key` in the \
         configuration file, then run ingest again"
    )]
    MissingPseudonymKey { feed: String, file: String },
    /// A local file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// The object store (local folder or S3) refused an operation.
    #[error("{context}: {source}")]
    ObjectStore {
        context: String,
        #[source]
        source: object_store::Error,
    },
    /// Another run committed to the lake at the same time as this one.
    #[error(
        "another ingest run committed version {version} of the lake while this run was \
         writing; nothing of this run is visible. Run ingest again: files already landed \
         are recognised and skipped"
    )]
    ConcurrentCommit { version: u64 },
    /// The lake's commit log is unreadable: a defect or outside tampering.
    #[error("the lake's commit log is damaged at {path}: {message}")]
    CorruptLog { path: String, message: String },
    /// A command that only reads was pointed at a local lake folder that is not there.
    #[error(
        "the lake at {location} does not exist: check the path, or create it by landing the \
         nightly exports with `gerbang ingest --inbox <folder> --lake {location}`"
    )]
    LakeMissing { location: String },
    /// Work stopped in a way the code does not expect (a bug): the run committed nothing.
    #[error("{0}")]
    Interrupted(String),
    #[error("arrow: {0}")]
    Arrow(#[from] ArrowError),
    #[error("parquet: {0}")]
    Parquet(#[from] ParquetError),
}

/// Result with [`IngestError`].
pub type Result<T, E = IngestError> = std::result::Result<T, E>;

impl IngestError {
    pub(crate) fn store(context: impl Into<String>) -> impl FnOnce(object_store::Error) -> Self {
        let context = context.into();
        move |source| IngestError::ObjectStore { context, source }
    }
}
