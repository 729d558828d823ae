//! Who is asking: a user of one agency with one or more roles.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{QueryError, Result};

/// What a user does at their agency. A user may hold several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Heads of agencies at a port and their directorates: the weekly meeting's page.
    Leadership,
    /// An agency's data staff: ad-hoc SQL over what the agency may see.
    Analyst,
    /// Decides what of the agency's data others may see; also reads the audit of queries
    /// that touched the agency's tables.
    DataOwner,
    /// Runs Gerbang: sees every table and may change the catalog of their own session
    /// (DDL, COPY, external tables), the only role that may.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Leadership,
        Role::Analyst,
        Role::DataOwner,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Leadership => "leadership",
            Role::Analyst => "analyst",
            Role::DataOwner => "data_owner",
            Role::Administrator => "administrator",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = QueryError;

    fn from_str(text: &str) -> Result<Role> {
        let wanted = text.trim().replace('-', "_").to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == wanted)
            .ok_or_else(|| QueryError::Policy {
                origin: "principal".to_string(),
                message: format!(
                    "'{text}' is not a role; the roles are leadership, analyst, data_owner \
                     and administrator"
                ),
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signed-in user as the query engine sees them: their name (for the audit), their
/// agency and their roles. What they may see follows from the agency, the roles and the
/// sharing policies in force on the day; see [`crate::Warehouse::session_for`].
///
/// # Example
/// ```
/// use gerbang_query::policy::{Principal, Role};
/// let analyst = Principal::parse("siti", "customs:analyst").unwrap();
/// assert_eq!(analyst.agency, "customs");
/// assert!(analyst.has(Role::Analyst) && !analyst.is_administrator());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal {
    pub user: String,
    pub agency: String,
    pub roles: BTreeSet<Role>,
}

impl Principal {
    pub fn new(
        user: impl Into<String>,
        agency: impl Into<String>,
        roles: impl IntoIterator<Item = Role>,
    ) -> Principal {
        Principal {
            user: user.into(),
            agency: agency.into(),
            roles: roles.into_iter().collect(),
        }
    }

    /// A principal from `agency:role[,role…]`, as `gerbang sql --as` takes it.
    pub fn parse(user: &str, spec: &str) -> Result<Principal> {
        let fail = |message: String| QueryError::Policy {
            origin: "principal".to_string(),
            message,
        };
        let (agency, roles) = spec.split_once(':').ok_or_else(|| {
            fail(format!(
                "'{spec}' should be <agency>:<role>[,<role>…], e.g. customs:analyst"
            ))
        })?;
        let agency = agency.trim().to_ascii_lowercase();
        if !is_identifier(&agency) {
            return Err(fail(format!("'{agency}' is not an agency name")));
        }
        let roles = roles
            .split(',')
            .map(str::parse)
            .collect::<Result<BTreeSet<Role>>>()?;
        if user.trim().is_empty() {
            return Err(fail("the user name is empty".to_string()));
        }
        Ok(Principal {
            user: user.trim().to_string(),
            agency,
            roles,
        })
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_administrator(&self) -> bool {
        self.has(Role::Administrator)
    }

    /// The roles as the audit writes them: `analyst,leadership`.
    pub fn roles_text(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}:{})", self.user, self.agency, self.roles_text())
    }
}

/// Agency, table and column names in policies: lower-case ASCII, digits and underscores.
pub(crate) fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
