//! The one error type of `gerbang-query`.

use datafusion::error::DataFusionError;

/// Errors of the query layer, each written for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The lake could not be opened or read.
    #[error(transparent)]
    Lake(#[from] gerbang_ingest::IngestError),
    /// A KPI definition in `sql/` is malformed: a defect in this build.
    #[error("KPI definition {file}: {message}")]
    Definition { file: String, message: String },
    /// The MoU targets file is malformed.
    #[error("MoU targets {origin}: {message}")]
    Targets { origin: String, message: String },
    /// A sharing-policy file is malformed or does not fit the warehouse, or a principal
    /// is not one the policies know.
    #[error("sharing policy {origin}: {message}")]
    Policy { origin: String, message: String },
    /// A statement the asker may not run (read-only SQL for non-administrators).
    #[error("{0}")]
    Refused(String),
    /// A query stopped by its time or memory limit.
    #[error("{0}")]
    Limit(String),
    /// A query failed: bad SQL, an unknown table or column, or an execution error.
    #[error("{0}")]
    Sql(#[from] DataFusionError),
}

/// Result with [`QueryError`].
pub type Result<T, E = QueryError> = std::result::Result<T, E>;
