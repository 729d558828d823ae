//! What one principal may see of each table and view on one day, and the check of the
//! policy files against the warehouse's catalog.
//!
//! A table is seen in full (own agency, public tables), as records (union of the record
//! grants that apply: their rows, their columns, some hashed), only as an aggregate at
//! the grain of the one aggregate grant that applies, or not at all.
//!
//! A KPI view is either
//! - *granted*: every agency whose tables it reads (but the principal's own) grants the
//!   view itself; it is then computed over all data and cut to the grants' columns and
//!   rows. This is how an agency shares a KPI without sharing its records.
//! - *derived*: made again from the principal's own restricted tables, when every column
//!   it reads is visible to them in clear (rows may be fewer: the KPI then covers the
//!   rows they may see). A view that would read a hidden, hashed or aggregated column is
//!   left out, never computed over NULLs or hashes that would make it wrong.
//! - *absent* otherwise, with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::common::DFSchema;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::datasource::MemTable;
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan};
use datafusion::prelude::SessionContext;

use super::file::{Grant, PolicySet, Shape};
use super::principal::Principal;
use super::session::{Seen, Visibility, new_context};
use crate::error::Result;
use crate::kpi::ViewDefinition;

/// Tables that are another table under a second name: the rollup's view of the crossings
/// of partitions without a fresh rollup reads the same rows, under the same rules.
pub(crate) const ALIASES: [(&str, &str); 1] = [("rollup_source_crossings", "crossings")];

/// The table of the audit log; its rules are in code, not in policy files.
pub(crate) const AUDIT_TABLE: &str = "audit";

pub(crate) fn base_name(table: &str) -> &str {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == table)
        .map_or(table, |(_, base)| base)
}

/// The warehouse's catalog as the policies need it.
#[derive(Debug, Clone)]
pub(crate) struct CatalogInfo {
    /// Data version it was read at.
    pub version: u64,
    /// Every table that is not a view, an alias or the audit.
    pub tables: BTreeMap<String, SchemaRef>,
    /// Every view of the KPI library.
    pub views: BTreeMap<String, ViewInfo>,
}

#[derive(Debug, Clone)]
pub(crate) struct ViewInfo {
    pub schema: SchemaRef,
    /// The tables (aliases resolved) the view reads, through the views it is built on,
    /// and which of their columns: whose data it shows.
    pub sources: BTreeMap<String, BTreeSet<String>>,
    /// The tables and views its own SQL names, and which of their columns.
    pub direct: BTreeMap<String, BTreeSet<String>>,
}

impl CatalogInfo {
    /// Reads the catalog of the warehouse's own (unrestricted) session. The columns a
    /// view reads are those its optimised plan scans: projection push-down leaves exactly
    /// the columns used, or more, never fewer.
    ///
    /// What a view's own SQL reads is found by planning it where the views before it are
    /// empty tables of the same shape, so that their scans are not looked through.
    pub async fn read(
        ctx: &SessionContext,
        library: &[ViewDefinition],
        version: u64,
    ) -> Result<Self> {
        let mut tables = BTreeMap::new();
        let mut views = BTreeMap::new();
        let names = ctx
            .catalog("gerbang")
            .and_then(|c| c.schema("public"))
            .map(|s| s.table_names())
            .unwrap_or_default();
        let lineage = new_context(ctx, false);
        for name in names {
            if name == AUDIT_TABLE || library.iter().any(|v| v.name == name) {
                continue;
            }
            let schema = ctx.table_provider(name.as_str()).await?.schema();
            lineage.register_table(name.as_str(), empty(&schema)?)?;
            if base_name(&name) == name {
                tables.insert(name, schema);
            }
        }
        for view in library {
            let Ok(frame) = ctx.table(view.name.as_str()).await else {
                continue;
            };
            let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
            let sources = scanned_columns(&frame.into_optimized_plan()?)?;
            let direct = scanned_columns(&lineage.sql(view.sql).await?.into_optimized_plan()?)?;
            lineage.register_table(view.name.as_str(), empty(&schema)?)?;
            views.insert(
                view.name.clone(),
                ViewInfo {
                    schema,
                    sources,
                    direct,
                },
            );
        }
        Ok(CatalogInfo {
            version,
            tables,
            views,
        })
    }
}

fn empty(schema: &SchemaRef) -> Result<Arc<MemTable>> {
    Ok(Arc::new(MemTable::try_new(
        Arc::clone(schema),
        vec![vec![]],
    )?))
}

/// Tables scanned by a plan and the columns read of each.
fn scanned_columns(plan: &LogicalPlan) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut sources: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            let schema = scan.source.schema();
            let columns = sources
                .entry(base_name(scan.table_name.table()).to_string())
                .or_default();
            match &scan.projection {
                Some(indices) => {
                    columns.extend(indices.iter().map(|i| schema.field(*i).name().clone()));
                }
                None => columns.extend(schema.fields().iter().map(|f| f.name().clone())),
            }
            for filter in &scan.filters {
                columns.extend(filter.column_refs().into_iter().map(|c| c.name.clone()));
            }
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    Ok(sources)
}

/// What a principal sees of one table.
#[derive(Debug)]
pub(crate) enum TableAccess<'a> {
    Full,
    Records(Vec<&'a Grant>),
    Aggregate(&'a Grant),
    Hidden,
}

pub(crate) fn table_access<'a>(
    policies: &'a PolicySet,
    principal: &Principal,
    table: &str,
    on: NaiveDate,
) -> TableAccess<'a> {
    let table = base_name(table);
    if principal.is_administrator() || policies.is_public(table) {
        return TableAccess::Full;
    }
    let Some(owner) = policies.owner_of(table) else {
        return TableAccess::Hidden;
    };
    if owner.agency == principal.agency {
        return TableAccess::Full;
    }
    let applying: Vec<&Grant> = owner
        .grants
        .iter()
        .filter(|g| g.on == table && g.applies_to(&principal.agency, &principal.roles, on))
        .collect();
    let records: Vec<&Grant> = applying
        .iter()
        .copied()
        .filter(|g| matches!(g.shape, Shape::Records { .. }))
        .collect();
    if !records.is_empty() {
        return TableAccess::Records(records);
    }
    match applying.first() {
        Some(aggregate) => TableAccess::Aggregate(aggregate),
        None => TableAccess::Hidden,
    }
}

/// How a record grant shows one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Treatment {
    Clear,
    Hashed,
    Hidden,
}

pub(crate) fn treatment(grant: &Grant, column: &str) -> Treatment {
    match &grant.shape {
        Shape::Records { columns, hash } => {
            if columns
                .as_ref()
                .is_some_and(|c| !c.iter().any(|c| c == column))
            {
                Treatment::Hidden
            } else if hash.iter().any(|h| h == column) {
                Treatment::Hashed
            } else {
                Treatment::Clear
            }
        }
        Shape::Aggregate(_) => Treatment::Hidden,
    }
}

/// How a principal sees one library view.
#[derive(Debug)]
pub(crate) enum ViewAccess<'a> {
    Derived,
    Granted(Vec<&'a Grant>),
    Absent(String),
}

pub(crate) fn view_access<'a>(
    policies: &'a PolicySet,
    principal: &Principal,
    name: &str,
    view: &ViewInfo,
    on: NaiveDate,
    seen: &Visibility,
) -> ViewAccess<'a> {
    if principal.is_administrator() {
        return ViewAccess::Derived;
    }
    let owners: BTreeSet<&str> = view
        .sources
        .keys()
        .filter(|t| !policies.is_public(t))
        .filter_map(|t| policies.owner_of(t).map(|o| o.agency.as_str()))
        .filter(|owner| *owner != principal.agency)
        .collect();
    let granted: Vec<&Grant> = policies
        .grants()
        .filter(|g| g.on == name && owners.contains(g.owner.as_str()))
        .filter(|g| g.applies_to(&principal.agency, &principal.roles, on))
        .collect();
    if !owners.is_empty() && owners.iter().all(|o| granted.iter().any(|g| g.owner == *o)) {
        return ViewAccess::Granted(granted);
    }
    for (table, columns) in &view.direct {
        if seen.absent.contains_key(table) {
            return ViewAccess::Absent(format!("it is built on {table}, which is absent here"));
        }
        if matches!(
            seen.objects.get(table),
            Some(Seen::GrantedView(_) | Seen::DerivedView)
        ) {
            continue;
        }
        match table_access(policies, principal, table, on) {
            TableAccess::Full => {}
            TableAccess::Records(grants) => {
                let unclear = columns.iter().find(|c| {
                    grants
                        .iter()
                        .any(|g| treatment(g, c.as_str()) != Treatment::Clear)
                });
                if let Some(column) = unclear {
                    return ViewAccess::Absent(format!(
                        "it reads {table}.{column}, which {} does not see in clear",
                        principal.agency
                    ));
                }
            }
            TableAccess::Aggregate(grant) => {
                return ViewAccess::Absent(format!(
                    "it reads single records of {table}, which {} sees only as counts ({})",
                    principal.agency, grant.name
                ));
            }
            TableAccess::Hidden => {
                return ViewAccess::Absent(format!(
                    "it reads {table}, which is not shared with {}",
                    principal.agency
                ));
            }
        }
    }
    ViewAccess::Derived
}

/// Everything in the policies that does not fit the catalog, one message per problem.
pub(crate) fn check_against(
    ctx: &SessionContext,
    policies: &PolicySet,
    catalog: &CatalogInfo,
) -> Vec<String> {
    let mut problems = Vec::new();
    for table in catalog.tables.keys() {
        if policies.owner_of(table).is_none() {
            problems.push(format!(
                "table {table} is owned by no policy file in data/policies/: add it to its \
                 owner's `tables` (or `public`); until then only administrators see it"
            ));
        }
    }
    for agency in policies.agencies() {
        for table in agency.tables.iter().chain(&agency.public) {
            if !catalog.tables.contains_key(table) {
                problems.push(format!(
                    "{}: table {table} is not a table of the warehouse",
                    agency.origin
                ));
            }
        }
        for grant in &agency.grants {
            if let Err(message) = check_grant(ctx, policies, catalog, grant) {
                problems.push(format!(
                    "{}: grant '{}': {message}",
                    agency.origin, grant.name
                ));
            }
        }
    }
    problems
}

fn check_grant(
    ctx: &SessionContext,
    policies: &PolicySet,
    catalog: &CatalogInfo,
    grant: &Grant,
) -> Result<(), String> {
    let schema = if let Some(schema) = catalog.tables.get(&grant.on) {
        if policies.owner_of(&grant.on).map(|o| o.agency.as_str()) != Some(grant.owner.as_str()) {
            return Err(format!(
                "{} belongs to another agency; only a table's owner grants it",
                grant.on
            ));
        }
        schema
    } else if let Some(view) = catalog.views.get(&grant.on) {
        let owns_a_source = view.sources.keys().any(|t| {
            !policies.is_public(t)
                && policies.owner_of(t).map(|o| o.agency.as_str()) == Some(grant.owner.as_str())
        });
        if !owns_a_source {
            return Err(format!(
                "the view {} reads none of {}'s tables; only the owners of the tables a \
                 view reads may grant it",
                grant.on, grant.owner
            ));
        }
        match &grant.shape {
            Shape::Records { hash, .. } if hash.is_empty() => {}
            _ => {
                return Err(format!(
                    "{} is a view: a grant on it may choose columns and rows, not hash or \
                     aggregate (it is already an aggregate)",
                    grant.on
                ));
            }
        }
        &view.schema
    } else {
        return Err(format!(
            "on = {}: the warehouse has no such table or view",
            grant.on
        ));
    };
    let has = |column: &str| schema.field_with_name(column).is_ok();
    let missing =
        |key: &str, column: &str| format!("{key} names {column}, which {} does not have", grant.on);
    match &grant.shape {
        Shape::Records { columns, hash } => {
            for column in columns.iter().flatten() {
                if !has(column) {
                    return Err(missing("columns", column));
                }
            }
            for column in hash {
                match schema.field_with_name(column) {
                    Ok(field) if field.data_type() == &DataType::Utf8 => {}
                    Ok(_) => {
                        return Err(format!(
                            "hash names {column}, which is not text; hide it instead"
                        ));
                    }
                    Err(_) => return Err(missing("hash", column)),
                }
            }
        }
        Shape::Aggregate(aggregate) => {
            for column in &aggregate.by {
                if !has(column) {
                    return Err(missing("aggregate.by", column));
                }
            }
            for column in aggregate.sum.iter().chain(&aggregate.mean) {
                match schema.field_with_name(column) {
                    Ok(field) if field.data_type().is_numeric() => {}
                    Ok(_) => {
                        return Err(format!(
                            "aggregate sums or averages {column}, which is not a number"
                        ));
                    }
                    Err(_) => return Err(missing("aggregate", column)),
                }
            }
        }
    }
    if grant.rows.is_some() {
        for agency in policies.agencies() {
            if grant.to.includes(&agency.agency) {
                row_condition(ctx, grant, &agency.agency, schema)?;
            }
        }
    }
    Ok(())
}

/// A grant's row condition for one receiving agency, planned against the table's schema:
/// one boolean expression over its columns, without subqueries, aggregates or windows.
pub(crate) fn row_condition(
    ctx: &SessionContext,
    grant: &Grant,
    agency: &str,
    schema: &SchemaRef,
) -> Result<Option<Expr>, String> {
    let Some(sql) = grant.rows_for(agency) else {
        return Ok(None);
    };
    let fail = |message: String| {
        format!(
            "rows = \"{}\": {message}",
            grant.rows.clone().unwrap_or_default()
        )
    };
    let df_schema = DFSchema::try_from(schema.as_ref().clone()).map_err(|e| fail(e.to_string()))?;
    let expr = ctx
        .parse_sql_expr(&sql, &df_schema)
        .map_err(|e| fail(e.to_string()))?;
    let nested = expr
        .exists(|e| {
            Ok(matches!(
                e,
                Expr::ScalarSubquery(_)
                    | Expr::Exists(_)
                    | Expr::InSubquery(_)
                    | Expr::AggregateFunction(_)
                    | Expr::WindowFunction(_)
            ))
        })
        .map_err(|e| fail(e.to_string()))?;
    if nested {
        return Err(fail(
            "a row condition looks at one row: no subqueries, aggregates or windows".to_string(),
        ));
    }
    match expr.get_type(&df_schema) {
        Ok(DataType::Boolean) => Ok(Some(expr)),
        Ok(other) => Err(fail(format!("is {other}, not a true/false condition"))),
        Err(e) => Err(fail(e.to_string())),
    }
}
