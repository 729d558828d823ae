//! The sharing policies as their owners write them: one TOML file per agency in
//! `data/policies/`, read and checked for everything that can be checked without the
//! warehouse (names, audiences, dates, aggregation). Whether tables, views and columns
//! exist is checked against the warehouse's catalog in [`super::access`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::principal::{Role, is_identifier};
use crate::error::{QueryError, Result};
use crate::udf::SMALL_COUNT_LIMIT;

/// The policy files built into the binary, by file name.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "authority.toml",
        include_str!("../../../data/policies/authority.toml"),
    ),
    (
        "customs.toml",
        include_str!("../../../data/policies/customs.toml"),
    ),
    (
        "gerbang.toml",
        include_str!("../../../data/policies/gerbang.toml"),
    ),
    (
        "immigration.toml",
        include_str!("../../../data/policies/immigration.toml"),
    ),
    (
        "integration_bus.toml",
        include_str!("../../../data/policies/integration_bus.toml"),
    ),
    (
        "police.toml",
        include_str!("../../../data/policies/police.toml"),
    ),
    (
        "quarantine.toml",
        include_str!("../../../data/policies/quarantine.toml"),
    ),
    (
        "statistics_indonesia.toml",
        include_str!("../../../data/policies/statistics_indonesia.toml"),
    ),
    (
        "us_cbp.toml",
        include_str!("../../../data/policies/us_cbp.toml"),
    ),
];

/// Every agency's policy file, checked against each other.
#[derive(Debug, Clone)]
pub struct PolicySet {
    agencies: Vec<AgencyPolicy>,
}

/// One agency's file: the tables it owns and what it grants others.
#[derive(Debug, Clone)]
pub struct AgencyPolicy {
    pub agency: String,
    /// Bumped by the owner on every change; the audit and reports quote it.
    pub version: u32,
    /// Where the file came from, for error messages.
    pub origin: String,
    /// Tables the agency owns. Its own users see them in full; others see what a grant
    /// allows and nothing else.
    pub tables: Vec<String>,
    /// Tables the agency owns and publishes: everyone sees them in full.
    pub public: Vec<String>,
    pub grants: Vec<Grant>,
}

/// Who a grant is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every agency but the owner.
    Everyone,
    Agencies(BTreeSet<String>),
}

impl Audience {
    pub fn includes(&self, agency: &str) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Agencies(agencies) => agencies.contains(agency),
        }
    }
}

/// What a grant shares of one table or view.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Records: the listed columns (all when `None`), those in `hash` replaced by a
    /// keyed hash that differs per receiving agency, and the rows `rows` keeps.
    Records {
        columns: Option<Vec<String>>,
        hash: Vec<String>,
    },
    /// Only counts (and sums or means) per group of `by`, never single records; groups of
    /// fewer than `min_count` records have their numbers withheld.
    Aggregate(Aggregate),
}

/// The minimum level of aggregation a grant allows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    /// The finest grain shown, e.g. `["port", "local_date", "local_hour"]`.
    pub by: Vec<String>,
    /// The name of the count column.
    #[serde(default = "default_count")]
    pub count: String,
    /// Columns summed per group (shown as `sum_<column>`).
    #[serde(default)]
    pub sum: Vec<String>,
    /// Columns averaged per group (shown as `mean_<column>`).
    #[serde(default)]
    pub mean: Vec<String>,
    /// Groups with fewer records than this have their count, sums and means withheld
    /// (NULL, with `suppressed` true). At least [`SMALL_COUNT_LIMIT`].
    #[serde(default = "default_min_count")]
    pub min_count: i64,
}

fn default_count() -> String {
    "records".to_string()
}

fn default_min_count() -> i64 {
    SMALL_COUNT_LIMIT
}

/// One grant: an owner lets an audience see part of one of its tables, or one KPI view.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// The agency whose file holds the grant.
    pub owner: String,
    /// A name for messages and `gerbang policy check`: the file's `name`, or one made up.
    pub name: String,
    /// The table or view shared.
    pub on: String,
    pub to: Audience,
    /// The roles of the audience it is for; `None`: every role.
    pub roles: Option<BTreeSet<Role>>,
    pub shape: Shape,
    /// A SQL condition on the table's columns; `{agency}` stands for the receiving
    /// agency's name as a string literal.
    pub rows: Option<String>,
    /// The last day the grant is in force (inclusive), as the MoU granting it says.
    pub expires: NaiveDate,
    /// The MoU (or other agreement) the grant rests on.
    pub mou: String,
}

impl Grant {
    /// Whether the grant is for this agency and these roles on this day.
    pub fn applies_to(&self, agency: &str, roles: &BTreeSet<Role>, on: NaiveDate) -> bool {
        agency != self.owner
            && self.to.includes(agency)
            && self.roles.as_ref().is_none_or(|r| !r.is_disjoint(roles))
            && on <= self.expires
    }

    /// The row condition for one receiving agency, `{agency}` filled in.
    pub fn rows_for(&self, agency: &str) -> Option<String> {
        self.rows
            .as_ref()
            .map(|rows| rows.replace("{agency}", &format!("'{agency}'")))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileText {
    agency: String,
    version: u32,
    #[serde(default)]
    tables: Vec<String>,
    #[serde(default)]
    public: Vec<String>,
    #[serde(default, rename = "grant")]
    grants: Vec<GrantText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantText {
    name: Option<String>,
    on: String,
    to: Vec<String>,
    roles: Option<Vec<Role>>,
    columns: Option<Vec<String>>,
    #[serde(default)]
    hash: Vec<String>,
    rows: Option<String>,
    aggregate: Option<Aggregate>,
    expires: String,
    mou: String,
}

impl PolicySet {
    /// The policies in `data/policies/`, as built into the binary.
    pub fn embedded() -> Result<PolicySet> {
        PolicySet::parse(
            EMBEDDED
                .iter()
                .map(|(name, text)| (format!("data/policies/{name}"), text.to_string())),
        )
    }

    /// Every `*.toml` file of a folder.
    pub fn load_dir(folder: &Path) -> Result<PolicySet> {
        let fail = |message: String| QueryError::Policy {
            origin: folder.display().to_string(),
            message,
        };
        let entries = std::fs::read_dir(folder)
            .map_err(|e| fail(format!("the folder could not be read: {e}")))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| fail(format!("the folder could not be read: {e}")))?
                .path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).map_err(|e| QueryError::Policy {
                    origin: path.display().to_string(),
                    message: format!("could not be read: {e}"),
                })?;
                files.push((path.display().to_string(), text));
            }
        }
        if files.is_empty() {
            return Err(fail("holds no policy files (*.toml)".to_string()));
        }
        files.sort();
        PolicySet::parse(files)
    }

    /// Policy files from `(origin, text)` pairs; an origin's file name (without `.toml`)
    /// must be its agency.
    pub fn parse(files: impl IntoIterator<Item = (String, String)>) -> Result<PolicySet> {
        let mut texts = Vec::new();
        for (origin, text) in files {
            let parsed: FileText = toml::from_str(&text).map_err(|e| QueryError::Policy {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
            texts.push((origin, parsed));
        }
        let agencies: BTreeSet<String> = texts.iter().map(|(_, f)| f.agency.clone()).collect();
        let mut set = PolicySet {
            agencies: Vec::new(),
        };
        let mut owners: BTreeMap<String, String> = BTreeMap::new();
        for (origin, text) in texts {
            let policy = agency_policy(&origin, text, &agencies)?;
            for table in policy.tables.iter().chain(&policy.public) {
                if let Some(other) = owners.insert(table.clone(), policy.agency.clone()) {
                    return Err(QueryError::Policy {
                        origin,
                        message: format!(
                            "table {table} is also claimed by {other}; a table has one owner"
                        ),
                    });
                }
            }
            set.agencies.push(policy);
        }
        set.agencies.sort_by(|a, b| a.agency.cmp(&b.agency));
        Ok(set)
    }

    pub fn agencies(&self) -> &[AgencyPolicy] {
        &self.agencies
    }

    pub fn agency(&self, name: &str) -> Option<&AgencyPolicy> {
        self.agencies.iter().find(|a| a.agency == name)
    }

    /// The agency that owns a table (published or not).
    pub fn owner_of(&self, table: &str) -> Option<&AgencyPolicy> {
        self.agencies
            .iter()
            .find(|a| a.tables.iter().chain(&a.public).any(|t| t == table))
    }

    pub fn is_public(&self, table: &str) -> bool {
        self.agencies
            .iter()
            .any(|a| a.public.iter().any(|t| t == table))
    }

    /// Every grant of every file.
    pub fn grants(&self) -> impl Iterator<Item = &Grant> {
        self.agencies.iter().flat_map(|a| &a.grants)
    }

    /// `customs v3, immigration v2, …`: which versions are in force.
    pub fn versions(&self) -> String {
        self.agencies
            .iter()
            .map(|a| format!("{} v{}", a.agency, a.version))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Grants in force on `on` that end within `days` days (inclusive), soonest first.
    pub fn expiring(&self, on: NaiveDate, days: i64) -> Vec<(&Grant, i64)> {
        let mut soon: Vec<_> = self
            .grants()
            .map(|g| (g, (g.expires - on).num_days()))
            .filter(|(_, left)| (0..=days).contains(left))
            .collect();
        soon.sort_by_key(|(g, left)| (*left, g.name.clone()));
        soon
    }

    /// Grants no longer in force on `on`.
    pub fn expired(&self, on: NaiveDate) -> Vec<&Grant> {
        self.grants().filter(|g| g.expires < on).collect()
    }
}

fn agency_policy(
    origin: &str,
    text: FileText,
    agencies: &BTreeSet<String>,
) -> Result<AgencyPolicy> {
    let fail = |message: String| QueryError::Policy {
        origin: origin.to_string(),
        message,
    };
    let stem = Path::new(origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !is_identifier(&text.agency) {
        return Err(fail(format!(
            "agency '{}' must be lower-case letters, digits and underscores",
            text.agency
        )));
    }
    if stem != text.agency {
        return Err(fail(format!(
            "the file says agency = \"{}\" but is named {stem}.toml; name each file after its agency",
            text.agency
        )));
    }
    if text.version == 0 {
        return Err(fail(
            "version must be 1 or more, and go up with every change".to_string(),
        ));
    }
    let mut seen = BTreeSet::new();
    for table in text.tables.iter().chain(&text.public) {
        if !is_identifier(table) {
            return Err(fail(format!("'{table}' is not a table name")));
        }
        if !seen.insert(table) {
            return Err(fail(format!("table {table} is listed twice")));
        }
    }
    let mut grants = Vec::new();
    let mut aggregate_audiences: BTreeSet<(String, String)> = BTreeSet::new();
    for (index, grant) in text.grants.into_iter().enumerate() {
        let label = grant
            .name
            .clone()
            .unwrap_or_else(|| format!("{} grant #{} on {}", text.agency, index + 1, grant.on));
        let grant = grant_of(&text.agency, label.clone(), grant, agencies, &text.public)
            .map_err(|message| fail(format!("grant '{label}': {message}")))?;
        if matches!(grant.shape, Shape::Aggregate(_)) {
            let audiences: Vec<String> = match &grant.to {
                Audience::Everyone => vec!["*".to_string()],
                Audience::Agencies(a) => a.iter().cloned().collect(),
            };
            for audience in audiences {
                if !aggregate_audiences.insert((grant.on.clone(), audience.clone())) {
                    return Err(fail(format!(
                        "grant '{label}': {} already has an aggregate grant for {audience}; \
                         give each audience one grain",
                        grant.on
                    )));
                }
            }
        }
        grants.push(grant);
    }
    Ok(AgencyPolicy {
        agency: text.agency,
        version: text.version,
        origin: origin.to_string(),
        tables: text.tables,
        public: text.public,
        grants,
    })
}

fn grant_of(
    owner: &str,
    name: String,
    text: GrantText,
    agencies: &BTreeSet<String>,
    public: &[String],
) -> Result<Grant, String> {
    if !is_identifier(&text.on) {
        return Err(format!("on = '{}' is not a table or view name", text.on));
    }
    if public.contains(&text.on) {
        return Err(format!(
            "{} is public (everyone sees it in full); a grant on it means nothing",
            text.on
        ));
    }
    let to = if text.to.iter().any(|a| a == "*") {
        if text.to.len() > 1 {
            return Err("to = [\"*\"] means every agency; list nothing else with it".to_string());
        }
        Audience::Everyone
    } else if text.to.is_empty() {
        return Err("to is empty: name the agencies, or \"*\" for every agency".to_string());
    } else {
        for agency in &text.to {
            if agency == owner {
                return Err(format!(
                    "to names {owner} itself; an agency always sees its own tables"
                ));
            }
            if !agencies.contains(agency) {
                return Err(format!(
                    "to names '{agency}', which has no policy file; the agencies are {}",
                    agencies.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        Audience::Agencies(text.to.into_iter().collect())
    };
    let roles = match text.roles {
        Some(roles) if roles.is_empty() => {
            return Err("roles is empty: leave it out to mean every role".to_string());
        }
        Some(roles) => Some(roles.into_iter().collect()),
        None => None,
    };
    let shape = match text.aggregate {
        Some(aggregate) => {
            if text.columns.is_some() || !text.hash.is_empty() {
                return Err(
                    "an aggregate grant shows only its `by` columns and measures; \
                     leave out columns and hash"
                        .to_string(),
                );
            }
            check_aggregate(&aggregate)?;
            Shape::Aggregate(aggregate)
        }
        None => {
            if let Some(columns) = &text.columns {
                if columns.is_empty() {
                    return Err("columns is empty: leave it out to mean every column".to_string());
                }
                check_names("columns", columns)?;
            }
            check_names("hash", &text.hash)?;
            if let Some(columns) = &text.columns
                && let Some(missing) = text.hash.iter().find(|h| !columns.contains(h))
            {
                return Err(format!(
                    "hash names {missing}, which is not among the columns shown"
                ));
            }
            Shape::Records {
                columns: text.columns,
                hash: text.hash,
            }
        }
    };
    if let Some(rows) = &text.rows {
        let without = rows.replace("{agency}", "");
        if rows.trim().is_empty() || without.contains('{') || without.contains('}') {
            return Err(format!(
                "rows = \"{rows}\" must be a SQL condition; the only placeholder is {{agency}}"
            ));
        }
    }
    let expires = NaiveDate::parse_from_str(text.expires.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "expires = \"{}\" is not a date (YYYY-MM-DD): give the last day the MoU grants it",
            text.expires
        )
    })?;
    if text.mou.trim().is_empty() {
        return Err("mou is empty: name the agreement that grants this".to_string());
    }
    Ok(Grant {
        owner: owner.to_string(),
        name,
        on: text.on,
        to,
        roles,
        shape,
        rows: text.rows,
        expires,
        mou: text.mou,
    })
}

fn check_names(key: &str, names: &[String]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !is_identifier(name) {
            return Err(format!("{key} names '{name}', which is not a column name"));
        }
        if !seen.insert(name) {
            return Err(format!("{key} names {name} twice"));
        }
    }
    Ok(())
}

fn check_aggregate(aggregate: &Aggregate) -> Result<(), String> {
    if aggregate.by.is_empty() {
        return Err(
            "aggregate.by is empty: name the columns of the finest grain shown".to_string(),
        );
    }
    check_names("aggregate.by", &aggregate.by)?;
    check_names("aggregate.sum", &aggregate.sum)?;
    check_names("aggregate.mean", &aggregate.mean)?;
    if !is_identifier(&aggregate.count) {
        return Err(format!(
            "aggregate.count = '{}' is not a column name",
            aggregate.count
        ));
    }
    if aggregate.min_count < SMALL_COUNT_LIMIT {
        return Err(format!(
            "aggregate.min_count = {} is below {SMALL_COUNT_LIMIT}, the smallest count \
             Gerbang shows to anyone without detail rights",
            aggregate.min_count
        ));
    }
    let mut outputs: Vec<String> = aggregate.by.clone();
    outputs.push(aggregate.count.clone());
    outputs.push("suppressed".to_string());
    outputs.extend(aggregate.sum.iter().map(|c| format!("sum_{c}")));
    outputs.extend(aggregate.mean.iter().map(|c| format!("mean_{c}")));
    let mut seen = BTreeSet::new();
    if let Some(clash) = outputs.iter().find(|name| !seen.insert(*name)) {
        return Err(format!(
            "the aggregate would show two columns named {clash}; rename aggregate.count"
        ));
    }
    Ok(())
}
