//! `gerbang policy check`: the policies checked against a warehouse, grants about to
//! expire, and what every agency and role sees.

use std::fmt;

use chrono::NaiveDate;

use super::principal::{Principal, Role};
use super::session::Seen;
use crate::Warehouse;
use crate::error::Result;

/// Grants ending within this many days are announced.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// The result of checking the policies against a warehouse on one day.
#[derive(Debug, Clone)]
pub struct PolicyReport {
    pub on: NaiveDate,
    pub versions: String,
    /// Problems that keep every non-administrator out until they are fixed.
    pub problems: Vec<String>,
    /// Grants that end soon or have ended.
    pub warnings: Vec<String>,
    /// One line per agency and role: what it sees.
    pub sights: Vec<String>,
}

impl PolicyReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks a warehouse's policies on `on` and describes every agency's view of it.
pub async fn check(warehouse: &Warehouse, on: NaiveDate) -> Result<PolicyReport> {
    let policies = warehouse.policies()?;
    let problems = warehouse.policy_problems().await?;
    let mut warnings = Vec::new();
    for (grant, left) in policies.expiring(on, EXPIRY_WARNING_DAYS) {
        warnings.push(format!(
            "grant '{}' ({} on {}) ends on {}, in {left} days: renew \"{}\" or the data \
             stops being shared",
            grant.name, grant.owner, grant.on, grant.expires, grant.mou
        ));
    }
    for grant in policies.expired(on) {
        warnings.push(format!(
            "grant '{}' ({} on {}) ended on {} and is ignored; remove it or renew \"{}\"",
            grant.name, grant.owner, grant.on, grant.expires, grant.mou
        ));
    }
    let mut sights = Vec::new();
    if problems.is_empty() {
        for agency in policies.agencies() {
            if agency.tables.is_empty() && agency.public.is_empty() {
                continue;
            }
            for role in [Role::Leadership, Role::Analyst, Role::DataOwner] {
                let principal = Principal::new("policy-check", agency.agency.clone(), [role]);
                let session = warehouse.session_for_on(&principal, on).await?;
                sights.push(describe(&principal, session.visibility()));
            }
        }
    }
    Ok(PolicyReport {
        on,
        versions: policies.versions(),
        problems,
        warnings,
        sights,
    })
}

fn describe(principal: &Principal, visibility: &super::Visibility) -> String {
    let mut full = Vec::new();
    let mut records = Vec::new();
    let mut counts = Vec::new();
    let mut views = 0;
    for (name, seen) in &visibility.objects {
        match seen {
            Seen::Full => full.push(name.as_str()),
            Seen::Records(_) => records.push(name.as_str()),
            Seen::Aggregate(_) => counts.push(name.as_str()),
            Seen::GrantedView(_) | Seen::DerivedView => views += 1,
            Seen::Audit => full.push("audit"),
        }
    }
    let list = |names: &[&str]| {
        if names.is_empty() {
            "-".to_string()
        } else {
            names.join(", ")
        }
    };
    let mut line = format!(
        "{}:{}\n    full: {}\n    records (some rows or columns): {}\n    counts only: {}\n    KPI views: {views}, absent: {}",
        principal.agency,
        principal.roles_text(),
        list(&full),
        list(&records),
        list(&counts),
        visibility.absent.len(),
    );
    for (view, reason) in &visibility.absent {
        line.push_str(&format!("\n      {view}: {reason}"));
    }
    line
}

impl fmt::Display for PolicyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "sharing policies in force on {}: {}",
            self.on, self.versions
        )?;
        if self.problems.is_empty() {
            writeln!(f, "they fit the warehouse's tables, views and columns")?;
        } else {
            writeln!(
                f,
                "{} problems (nobody but administrators gets a session until they are fixed):",
                self.problems.len()
            )?;
            for problem in &self.problems {
                writeln!(f, "  error: {problem}")?;
            }
        }
        for warning in &self.warnings {
            writeln!(f, "  warning: {warning}")?;
        }
        if !self.sights.is_empty() {
            writeln!(f, "what each agency and role sees:")?;
            for sight in &self.sights {
                writeln!(f, "  {sight}")?;
            }
        }
        Ok(())
    }
}
