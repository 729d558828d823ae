//! Sharing policies, enforced in the query engine.
//!
//! Each agency owns its tables and says, in a TOML file of `data/policies/`, what other
//! agencies (or some of their roles) may see of them: which columns (others hidden, or
//! shown as a keyed hash), which rows (a SQL condition, `{agency}` for the receiving
//! agency), or only counts at a minimum grain with small counts withheld; each grant
//! until the day its MoU ends. The files are checked when they are read
//! ([`PolicySet::parse`]) and against the warehouse's tables, views and columns
//! ([`crate::Warehouse::policy_problems`]); any problem keeps every non-administrator
//! out rather than guessing.
//!
//! A [`Principal`] (user, agency, roles) gets a [`Session`] whose DataFusion catalog holds
//! only what its policies allow: permitted tables as restricted providers, aggregate
//! grants as views of counts, and `information_schema` of that catalog alone. A KPI view
//! is there when every agency whose tables it reads grants the view itself (it is then
//! computed over all data and cut to the grants), or, failing that, made again from the
//! restricted tables when every column it reads is visible in clear (it then covers the
//! rows the principal may see); otherwise it is absent, with the reason in
//! [`Visibility::absent`]. SQL runs there through [`Session::sql`]: checked by
//! [`crate::guard`], bounded by [`QueryLimits`], and written to the [`crate::audit`] log
//! whatever its outcome.
//!
//! This module decides nothing about sign-in; the interfaces (console, API, Postgres
//! port, dashboard) make the [`Principal`] and ask for its session.

mod access;
mod file;
mod principal;
mod provider;
pub mod report;
mod session;

#[cfg(test)]
mod tests;

pub use file::{AgencyPolicy, Aggregate, Audience, Grant, PolicySet, Shape};
pub use principal::{Principal, Role};
pub(crate) use session::Access;
pub use session::{Answer, Described, QueryLimits, Seen, Session, Visibility};
