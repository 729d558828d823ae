//! The one error type of `gerbang-dashboard`: everything that can keep a page (or a
//! section of one) from being drawn. Handlers turn it into a readable error page with
//! status 500, or, for what is not shared with the user's agency, a notice.

use gerbang_query::QueryError;

/// Why a page could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// A query behind the page failed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A query behind the page reads what the signed-in user's agency may not see.
    #[error("{0}")]
    NotShared(crate::data::NotShared),
    /// A query answered without a column the page reads: the SQL and the page disagree.
    #[error("the query result has no column '{0}'")]
    MissingColumn(String),
    /// A column could not be read as the type the page expects.
    #[error("column '{column}' could not be read as {expected}: {message}")]
    ColumnType {
        column: String,
        expected: &'static str,
        message: String,
    },
    /// Drawing a chart failed.
    #[error("drawing the chart failed: {0}")]
    Chart(String),
}

/// Result with [`DashboardError`].
pub type Result<T, E = DashboardError> = std::result::Result<T, E>;
