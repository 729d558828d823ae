//! A principal's session: a DataFusion context whose catalog holds only what the
//! principal may see, and the one way to run SQL in it (checked, bounded, audited).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::{DataType, Schema, SchemaRef};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::datasource::{TableProvider, source_as_provider};
use datafusion::error::DataFusionError;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::context::SQLOptions;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::functions::string::expr_fn::concat;
use datafusion::logical_expr::utils::{conjunction, disjunction};
use datafusion::logical_expr::{Expr, LogicalPlan, ScalarUDF, col, lit, when};
use datafusion::physical_plan::coop::CooperativeExec;
use datafusion::physical_plan::recursive_query::RecursiveQueryExec;
use datafusion::physical_plan::unnest::UnnestExec;
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};

use super::access::{
    self, AUDIT_TABLE, CatalogInfo, TableAccess, Treatment, ViewAccess, base_name,
};
use super::file::{Grant, PolicySet, Shape};
use super::principal::{Principal, Role};
use super::provider::{PolicyTable, aggregate_view, mask_udf, null_of, sources_of};
use crate::Warehouse;
use crate::audit::{AuditLog, AuditRecord, Outcome};
use crate::error::{QueryError, Result};
use crate::guard;

/// Per-query limits, so that one heavy query cannot take the dashboard down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Planning and running together; the query is cancelled when it is reached.
    pub timeout: Duration,
    /// Memory a query's operators may hold; sorts and aggregations spill to disk first,
    /// the rest fails with a clear error.
    pub memory_bytes: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            timeout: Duration::from_secs(60),
            memory_bytes: 1 << 30,
        }
    }
}

/// What a warehouse keeps for its sessions: the policies, limits, the audit log and the
/// restricted contexts already built.
pub(crate) struct Access {
    policies: std::result::Result<Arc<PolicySet>, String>,
    limits: QueryLimits,
    audit: AuditLog,
    mask_key: [u8; 32],
    /// The catalog and the policies' problems with it, at one data version.
    checked: tokio::sync::Mutex<Option<Arc<Checked>>>,
    built: Mutex<HashMap<SessionKey, Arc<Restricted>>>,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("policies", &self.policies.as_ref().map(|p| p.versions()))
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Checked {
    catalog: Arc<CatalogInfo>,
    problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SessionKey {
    agency: String,
    roles: Vec<Role>,
    on: NaiveDate,
    version: u64,
}

/// A restricted context, shared by every session of the same agency, roles and day.
struct Restricted {
    ctx: SessionContext,
    visibility: Arc<Visibility>,
}

impl Access {
    /// The embedded policies, default limits, and an audit log in the lake (in memory
    /// without one).
    pub(crate) fn new(lake: Option<&gerbang_ingest::lake::Lake>) -> Result<Access> {
        let audit = match lake {
            Some(lake) => AuditLog::in_lake(lake)?,
            None => AuditLog::in_memory(),
        };
        Ok(Access {
            policies: PolicySet::embedded()
                .map(Arc::new)
                .map_err(|e| e.to_string()),
            limits: QueryLimits::default(),
            audit,
            mask_key: random_key(),
            checked: tokio::sync::Mutex::new(None),
            built: Mutex::new(HashMap::new()),
        })
    }
}

/// A key nobody knows, for masks that only need to hold for this process.
fn random_key() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut digest = Sha256::new();
    for round in 0_u64..4 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(round);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        digest.update(hasher.finish().to_le_bytes());
    }
    digest.finalize().into()
}

/// What one principal sees: each table and view, and the views left out with why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Visibility {
    pub objects: BTreeMap<String, Seen>,
    /// KPI views left out, with the reason (`it reads crossings, which is not shared …`).
    pub absent: BTreeMap<String, String>,
}

/// How a principal sees one table or view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Every row and column: own agency, a public table, or an administrator.
    Full,
    /// The rows and columns of these grants (names as in the policy files).
    Records(Vec<String>),
    /// Counts at the grain of this grant, small counts withheld.
    Aggregate(String),
    /// A KPI view its owners grant, cut to these grants' columns and rows.
    GrantedView(Vec<String>),
    /// A KPI view made from what the principal sees of its tables.
    DerivedView,
    /// The audit log (administrators: all; data owners: queries on their tables).
    Audit,
}

impl Visibility {
    /// Detail rights on a table: single records rather than aggregates or nothing. KPIs
    /// show small enforcement counts exactly only to those with detail rights.
    pub fn detail_rights(&self, table: &str) -> bool {
        matches!(
            self.objects.get(base_name(table)),
            Some(Seen::Full | Seen::Records(_))
        )
    }
}

/// One principal's session. Cheap to make again; the restricted catalog is shared.
///
/// # Example
/// ```no_run
/// # async fn demo(warehouse: &gerbang_query::Warehouse) -> gerbang_query::Result<()> {
/// use gerbang_query::policy::Principal;
/// let analyst = Principal::parse("siti", "customs:analyst")?;
/// let session = warehouse.session_for(&analyst).await?;
/// let answer = session.sql("SELECT port, count(*) FROM customs_inspections GROUP BY port").await?;
/// println!("{} rows", answer.rows);
/// # Ok(()) }
/// ```
pub struct Session {
    principal: Principal,
    ctx: SessionContext,
    visibility: Arc<Visibility>,
    catalog: Arc<CatalogInfo>,
    limits: QueryLimits,
    audit: AuditLog,
    interface: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("principal", &self.principal)
            .field("interface", &self.interface)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// A query's result.
#[derive(Debug, Clone)]
pub struct Answer {
    pub batches: Vec<RecordBatch>,
    pub rows: usize,
    /// The warehouse tables it read, views resolved (as the audit records them).
    pub tables: BTreeSet<String>,
    /// The result's columns, also when there are no rows (and so no batches).
    pub schema: SchemaRef,
}

/// What a statement would return, found without running it ([`Session::describe`]).
#[derive(Debug, Clone)]
pub struct Described {
    /// The result's columns.
    pub schema: SchemaRef,
    /// The type of each parameter `$1`, `$2`, … in order, where the statement fixes one.
    pub parameters: Vec<Option<DataType>>,
}

impl Warehouse {
    /// This warehouse with other sharing policies than the embedded ones (e.g. a folder's,
    /// [`PolicySet::load_dir`]). They are checked against the catalog by
    /// [`Warehouse::policy_problems`] and before any session is made.
    pub fn with_policies(mut self, policies: PolicySet) -> Warehouse {
        self.access.policies = Ok(Arc::new(policies));
        self.access.checked = tokio::sync::Mutex::new(None);
        self.forget_sessions();
        self
    }

    pub fn with_query_limits(mut self, limits: QueryLimits) -> Warehouse {
        self.access.limits = limits;
        self
    }

    /// Derives the key of masked (hashed) columns from a secret, so that masked values stay
    /// the same across restarts. Without it they hold for the life of the process.
    pub fn with_mask_secret(mut self, secret: &[u8]) -> Warehouse {
        let mut digest = Sha256::new();
        digest.update(b"gerbang sharing-policy mask\0");
        digest.update(secret);
        self.access.mask_key = digest.finalize().into();
        self.forget_sessions();
        self
    }

    fn forget_sessions(&self) {
        lock(&self.access.built).clear();
    }

    /// The sharing policies in use.
    pub fn policies(&self) -> Result<&PolicySet> {
        self.access
            .policies
            .as_deref()
            .map_err(|message| QueryError::Policy {
                origin: "data/policies".to_string(),
                message: message.clone(),
            })
    }

    pub fn query_limits(&self) -> QueryLimits {
        self.access.limits
    }

    /// The audit log of every session of this warehouse.
    pub fn audit_log(&self) -> &AuditLog {
        &self.access.audit
    }

    /// Writes waiting audit records to the lake; call before the process ends.
    pub async fn flush_audit(&self) -> Result<usize> {
        self.access.audit.flush().await
    }

    /// What in the policies does not fit this warehouse's tables and views (unknown
    /// tables or columns, row conditions that do not plan, tables without an owner).
    /// Empty when the policies can be used.
    pub async fn policy_problems(&self) -> Result<Vec<String>> {
        Ok(self.checked().await?.problems.clone())
    }

    async fn checked(&self) -> Result<Arc<Checked>> {
        let policies = self.policies()?;
        let mut checked = self.access.checked.lock().await;
        let version = self.data_version();
        if let Some(current) = checked.as_ref()
            && current.catalog.version == version
        {
            return Ok(Arc::clone(current));
        }
        let catalog = Arc::new(CatalogInfo::read(self.context(), self.views(), version).await?);
        let problems = access::check_against(self.context(), policies, &catalog);
        let fresh = Arc::new(Checked { catalog, problems });
        *checked = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    /// A session for a signed-in principal, under the policies in force today (the date
    /// in Jakarta).
    pub async fn session_for(&self, principal: &Principal) -> Result<Session> {
        let today = Utc::now()
            .with_timezone(&chrono_tz::Asia::Jakarta)
            .date_naive();
        self.session_for_on(principal, today).await
    }

    /// A session under the policies in force on `on`: grants that expired before it are
    /// ignored.
    pub async fn session_for_on(&self, principal: &Principal, on: NaiveDate) -> Result<Session> {
        let policies = self.policies()?;
        if policies.agency(&principal.agency).is_none() && !principal.is_administrator() {
            return Err(QueryError::Policy {
                origin: principal.to_string(),
                message: format!(
                    "agency '{}' has no policy file; the agencies are {}",
                    principal.agency,
                    policies
                        .agencies()
                        .iter()
                        .map(|a| a.agency.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        if principal.roles.is_empty() {
            return Err(QueryError::Policy {
                origin: principal.to_string(),
                message: "a principal needs at least one role".to_string(),
            });
        }
        let checked = self.checked().await?;
        if !checked.problems.is_empty() && !principal.is_administrator() {
            return Err(QueryError::Policy {
                origin: "data/policies".to_string(),
                message: format!(
                    "the sharing policies do not fit the warehouse, so nobody but \
                     administrators can be given a session:\n  {}",
                    checked.problems.join("\n  ")
                ),
            });
        }
        let (ctx, visibility) = if principal.is_administrator() {
            self.administrator_context(&checked.catalog).await?
        } else {
            let restricted = self.restricted(principal, on, &checked.catalog).await?;
            (restricted.ctx.clone(), Arc::clone(&restricted.visibility))
        };
        Ok(Session {
            principal: principal.clone(),
            ctx,
            visibility,
            catalog: Arc::clone(&checked.catalog),
            limits: self.access.limits,
            audit: self.access.audit.clone(),
            interface: "sql".to_string(),
        })
    }

    /// Administrators get their own copy of the full catalog (plus the audit), so what
    /// they create or drop stays in their session.
    async fn administrator_context(
        &self,
        catalog: &CatalogInfo,
    ) -> Result<(SessionContext, Arc<Visibility>)> {
        let ctx = new_context(self.context(), false);
        let mut visibility = Visibility::default();
        let names = self
            .context()
            .catalog("gerbang")
            .and_then(|c| c.schema("public"))
            .map(|s| s.table_names())
            .unwrap_or_default();
        for name in names {
            ctx.register_table(
                name.as_str(),
                self.context().table_provider(name.as_str()).await?,
            )?;
            let seen = if catalog.views.contains_key(&name) {
                Seen::DerivedView
            } else {
                Seen::Full
            };
            visibility.objects.insert(name, seen);
        }
        ctx.register_table(AUDIT_TABLE, self.access.audit.table())?;
        visibility
            .objects
            .insert(AUDIT_TABLE.to_string(), Seen::Audit);
        Ok((ctx, Arc::new(visibility)))
    }

    async fn restricted(
        &self,
        principal: &Principal,
        on: NaiveDate,
        catalog: &Arc<CatalogInfo>,
    ) -> Result<Arc<Restricted>> {
        let key = SessionKey {
            agency: principal.agency.clone(),
            roles: principal.roles.iter().copied().collect(),
            on,
            version: catalog.version,
        };
        if let Some(built) = lock(&self.access.built).get(&key) {
            return Ok(Arc::clone(built));
        }
        let built = Arc::new(self.build_restricted(principal, on, catalog).await?);
        let mut cache = lock(&self.access.built);
        cache.retain(|k, _| k.on == on && k.version == catalog.version);
        cache.insert(key, Arc::clone(&built));
        Ok(built)
    }

    async fn build_restricted(
        &self,
        principal: &Principal,
        on: NaiveDate,
        catalog: &CatalogInfo,
    ) -> Result<Restricted> {
        let policies = self.policies()?;
        let admin = self.context();
        let ctx = new_context(admin, true);
        let mask = Arc::new(mask_udf(&self.access.mask_key, &principal.agency));
        let mut visibility = Visibility::default();
        let policy_error = |message: String| QueryError::Policy {
            origin: principal.to_string(),
            message,
        };
        let mut tables: Vec<&str> = catalog.tables.keys().map(String::as_str).collect();
        tables.extend(access::ALIASES.iter().map(|(alias, _)| *alias));
        for name in tables {
            let Ok(base) = admin.table_provider(name).await else {
                continue;
            };
            let base_table = base_name(name);
            let sources = vec![base_table.to_string()];
            let schema = base.schema();
            let (provider, seen): (Arc<dyn TableProvider>, Seen) =
                match access::table_access(policies, principal, name, on) {
                    TableAccess::Full => (base, Seen::Full),
                    TableAccess::Records(grants) => {
                        let (outputs, filter) =
                            record_outputs(admin, &schema, &grants, &principal.agency, &mask)
                                .map_err(policy_error)?;
                        let names = grants.iter().map(|g| g.name.clone()).collect();
                        (
                            Arc::new(PolicyTable::new(base, outputs, filter, sources)?),
                            Seen::Records(names),
                        )
                    }
                    TableAccess::Aggregate(grant) => {
                        let Shape::Aggregate(aggregate) = &grant.shape else {
                            continue;
                        };
                        let filter =
                            access::row_condition(admin, grant, &principal.agency, &schema)
                                .map_err(policy_error)?;
                        (
                            Arc::new(aggregate_view(name, base, aggregate, filter, sources)?),
                            Seen::Aggregate(grant.name.clone()),
                        )
                    }
                    TableAccess::Hidden => continue,
                };
            ctx.register_table(name, provider)?;
            visibility.objects.insert(name.to_string(), seen);
        }
        for view in self.views() {
            let Some(info) = catalog.views.get(&view.name) else {
                continue;
            };
            match access::view_access(policies, principal, &view.name, info, on, &visibility) {
                ViewAccess::Granted(grants) => {
                    let base = admin.table_provider(view.name.as_str()).await?;
                    let (outputs, filter) =
                        view_outputs(admin, &info.schema, &grants, &principal.agency)
                            .map_err(policy_error)?;
                    let sources = info.sources.keys().cloned().collect();
                    let table = PolicyTable::new(base, outputs, filter, sources)?;
                    ctx.register_table(view.name.as_str(), Arc::new(table))?;
                    let names = grants.iter().map(|g| g.name.clone()).collect();
                    visibility
                        .objects
                        .insert(view.name.clone(), Seen::GrantedView(names));
                }
                ViewAccess::Derived => {
                    let statement = format!("CREATE VIEW {} AS {}", view.name, view.sql);
                    match ctx.sql(&statement).await {
                        Ok(_) => {
                            visibility
                                .objects
                                .insert(view.name.clone(), Seen::DerivedView);
                        }
                        Err(error) => {
                            visibility.absent.insert(
                                view.name.clone(),
                                format!("it could not be made from what is visible: {error}"),
                            );
                        }
                    }
                }
                ViewAccess::Absent(reason) => {
                    visibility.absent.insert(view.name.clone(), reason);
                }
            }
        }
        if principal.has(Role::DataOwner) {
            let owned: Vec<String> = policies
                .agency(&principal.agency)
                .map(|a| a.tables.iter().chain(&a.public).cloned().collect())
                .unwrap_or_default();
            let touched = concat(vec![lit(","), col("tables_touched"), lit(",")]);
            let filter = disjunction(
                owned
                    .iter()
                    .map(|table| touched.clone().like(lit(format!("%,{table},%")))),
            )
            .unwrap_or(lit(false));
            let table = PolicyTable::filtered(
                self.access.audit.table(),
                Some(filter),
                vec![AUDIT_TABLE.to_string()],
            )?;
            ctx.register_table(AUDIT_TABLE, Arc::new(table))?;
            visibility
                .objects
                .insert(AUDIT_TABLE.to_string(), Seen::Audit);
        }
        Ok(Restricted {
            ctx,
            visibility: Arc::new(visibility),
        })
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A context sharing the warehouse's runtime (object stores, caches, spill folder) and
/// functions, with an empty catalog. A restricted one has no table functions and no
/// table factories (no `CREATE EXTERNAL TABLE` formats), whatever the guard lets through.
pub(crate) fn new_context(warehouse: &SessionContext, restricted: bool) -> SessionContext {
    let state = warehouse.state();
    let config = SessionConfig::new()
        .with_information_schema(true)
        .with_default_catalog_and_schema("gerbang", "public");
    let mut builder = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(warehouse.runtime_env())
        .with_default_features()
        .with_scalar_functions(state.scalar_functions().values().cloned().collect())
        .with_aggregate_functions(state.aggregate_functions().values().cloned().collect())
        .with_window_functions(state.window_functions().values().cloned().collect());
    if restricted {
        builder = builder
            .with_table_functions(HashMap::new())
            .with_table_factories(HashMap::new());
    }
    SessionContext::new_with_state(builder.build())
}

/// What a restricted table shows: each column (name, expression over the base's
/// columns) and the rows (a condition over them; `None`: all).
type Shown = (Vec<(String, Expr)>, Option<Expr>);

/// The columns and row filter of a table seen through record grants. A row shows when any
/// grant's condition holds; a column shows when any grant shows it, and on each row the
/// most open treatment among the grants whose condition holds there wins (clear, then
/// hashed, else NULL).
fn record_outputs(
    ctx: &SessionContext,
    schema: &Arc<Schema>,
    grants: &[&Grant],
    agency: &str,
    mask: &Arc<ScalarUDF>,
) -> std::result::Result<Shown, String> {
    let mut conditions = Vec::with_capacity(grants.len());
    for grant in grants {
        conditions.push(
            access::row_condition(ctx, grant, agency, schema)
                .map_err(|m| format!("grant '{}': {m}", grant.name))?,
        );
    }
    let filter = if conditions.iter().any(Option::is_none) {
        None
    } else {
        disjunction(conditions.iter().flatten().cloned())
    };
    let mut outputs = Vec::new();
    for field in schema.fields() {
        let name = field.name().as_str();
        let mut treatments: Vec<(Treatment, Option<&Expr>)> = grants
            .iter()
            .zip(&conditions)
            .map(|(g, c)| (access::treatment(g, name), c.as_ref()))
            .filter(|(t, _)| *t != Treatment::Hidden)
            .collect();
        if treatments.is_empty() {
            continue;
        }
        treatments.sort_by_key(|(t, _)| *t);
        let shown = |treatment: Treatment| match treatment {
            Treatment::Hashed => mask.call(vec![col(name)]),
            _ => col(name),
        };
        let uniform = treatments.len() == grants.len()
            && treatments.iter().all(|(t, _)| *t == treatments[0].0);
        let expr = if uniform {
            shown(treatments[0].0)
        } else {
            let null = null_of(field.data_type()).map_err(|e| e.to_string())?;
            let mut case: Option<datafusion::logical_expr::conditional_expressions::CaseBuilder> =
                None;
            for (treatment, condition) in &treatments {
                let condition = condition.cloned().unwrap_or(lit(true));
                case = Some(match case {
                    None => when(condition, shown(*treatment)),
                    Some(mut builder) => builder.when(condition, shown(*treatment)),
                });
            }
            match case {
                Some(mut builder) => builder.otherwise(null).map_err(|e| e.to_string())?,
                None => null,
            }
        };
        outputs.push((name.to_string(), expr));
    }
    Ok((outputs, filter))
}

/// The columns and rows of a granted KPI view: the columns every applying grant shows;
/// the rows every owner's grants allow (any of an owner's grants, all owners).
fn view_outputs(
    ctx: &SessionContext,
    schema: &Arc<Schema>,
    grants: &[&Grant],
    agency: &str,
) -> std::result::Result<Shown, String> {
    let mut by_owner: BTreeMap<&str, Vec<Option<Expr>>> = BTreeMap::new();
    for grant in grants {
        let condition = access::row_condition(ctx, grant, agency, schema)
            .map_err(|m| format!("grant '{}': {m}", grant.name))?;
        by_owner
            .entry(grant.owner.as_str())
            .or_default()
            .push(condition);
    }
    let filter = conjunction(by_owner.into_values().filter_map(|conditions| {
        if conditions.iter().any(Option::is_none) {
            None
        } else {
            disjunction(conditions.into_iter().flatten())
        }
    }));
    let outputs = schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .filter(|name| {
            grants
                .iter()
                .all(|g| access::treatment(g, name) == Treatment::Clear)
        })
        .map(|name| (name.to_string(), col(name)))
        .collect();
    Ok((outputs, filter))
}

impl Session {
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// What this session sees, and the KPI views it does not, with why.
    pub fn visibility(&self) -> &Visibility {
        &self.visibility
    }

    /// Detail rights on a table (see [`Visibility::detail_rights`]).
    pub fn detail_rights(&self, table: &str) -> bool {
        self.principal.is_administrator() || self.visibility.detail_rights(table)
    }

    /// Names the interface the session serves (`console`, `api`, `postgres`, ...), for the
    /// audit. Defaults to `sql`.
    pub fn with_interface(mut self, interface: &str) -> Session {
        self.interface = interface.to_string();
        self
    }

    pub fn limits(&self) -> QueryLimits {
        self.limits
    }

    /// Runs one statement: checked by the guard (non-administrators: read-only queries
    /// only), planned against this session's catalog, run within the time and memory
    /// limits, and audited whatever happens. Dropping the returned future cancels the
    /// query (the audit records it as cancelled).
    pub async fn sql(&self, sql: &str) -> Result<Answer> {
        let mut watch = Watch {
            log: &self.audit,
            started: Instant::now(),
            memory: false,
            record: Some(AuditRecord {
                at: Utc::now(),
                user: self.principal.user.clone(),
                agency: self.principal.agency.clone(),
                roles: self.principal.roles_text(),
                action: "query".to_string(),
                interface: self.interface.clone(),
                sql: sql.to_string(),
                tables: BTreeSet::new(),
                rows: None,
                outcome: Outcome::Cancelled,
                error: None,
                duration: Duration::ZERO,
            }),
        };
        let timeout = self.limits.timeout;
        let result = match tokio::time::timeout(timeout, self.run(sql, &mut watch)).await {
            Ok(result) => result,
            Err(_) => Err(QueryError::Limit(format!(
                "the query ran longer than {} s, the per-query time limit, and was stopped; \
                 narrow it (fewer days or ports, the rollup views for long periods)",
                timeout.as_secs_f64()
            ))),
        };
        let outcome = match &result {
            Ok(_) => Outcome::Ok,
            Err(QueryError::Refused(_)) => Outcome::Refused,
            Err(QueryError::Limit(_)) if watch.memory => Outcome::MemoryExceeded,
            Err(QueryError::Limit(_)) => Outcome::TimedOut,
            Err(_) => Outcome::Failed,
        };
        let error = result.as_ref().err().map(ToString::to_string);
        let rows = result.as_ref().ok().map(|a| a.rows as u64);
        watch.finish(outcome, error, rows);
        if let Err(e) = self.audit.flush_if_due().await {
            eprintln!("warning: audit records could not be written yet ({e}); kept in memory");
        }
        result
    }

    /// The columns a statement would return and the types of its `$n` parameters,
    /// planned under the same checks as [`Session::sql`] (a statement refused there is
    /// refused here) but not run. It reads no data, so it is not audited; the Postgres
    /// port answers a client's `Describe` with it.
    pub async fn describe(&self, sql: &str) -> Result<Described> {
        let plan = self.checked_plan(sql, None).await?;
        let mut named = plan.get_parameter_types()?;
        let count = named
            .keys()
            .filter_map(|id| id.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()))
            .max()
            .unwrap_or(0);
        let parameters = (1..=count)
            .map(|n| named.remove(&format!("${n}")).flatten())
            .collect();
        Ok(Described {
            schema: Arc::new(plan.schema().as_arrow().clone()),
            parameters,
        })
    }

    async fn run(&self, sql: &str, watch: &mut Watch<'_>) -> Result<Answer> {
        let plan = self.checked_plan(sql, Some(&mut *watch)).await?;
        let tables = tables_touched(&plan)?;
        watch.set_tables(tables.clone());
        let frame = self.ctx.execute_logical_plan(plan).await?;
        let pool = Arc::new(FairSpillPool::new(self.limits.memory_bytes));
        let runtime = RuntimeEnvBuilder::from_runtime_env(self.ctx.runtime_env().as_ref())
            .with_memory_pool(pool)
            .build_arc()?;
        let task = Arc::new(frame.task_ctx().with_runtime(runtime));
        let physical = yielding(frame.create_physical_plan().await?)?;
        let schema = physical.schema();
        let batches: Vec<RecordBatch> = execute_stream(physical, task)?
            .try_collect()
            .await
            .map_err(|e| self.memory_limit(e, watch))?;
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        Ok(Answer {
            batches,
            rows,
            tables,
            schema,
        })
    }

    /// The statement parsed, checked by the guard (non-administrators) and planned against
    /// this session's catalog; the tables it names go to the audit record when there is one.
    async fn checked_plan(&self, sql: &str, watch: Option<&mut Watch<'_>>) -> Result<LogicalPlan> {
        let admin = self.principal.is_administrator();
        let state = self.ctx.state();
        let dialect = state.config().options().sql_parser.dialect;
        let statement = state.sql_to_statement(sql, &dialect)?;
        if let (Some(watch), Ok(references)) = (watch, state.resolve_table_references(&statement)) {
            let named = references
                .iter()
                .flat_map(|r| self.tables_behind_name(r.table()))
                .collect();
            watch.set_tables(named);
        }
        if !admin {
            guard::check(&statement).map_err(|refusal| QueryError::Refused(refusal.to_string()))?;
        }
        let plan = state
            .statement_to_plan(statement)
            .await
            .map_err(|e| self.explain_missing(e))?;
        if !admin {
            SQLOptions::new()
                .with_allow_ddl(false)
                .with_allow_dml(false)
                .with_allow_statements(false)
                .verify_plan(&plan)
                .map_err(|e| QueryError::Refused(format!("{e} (read-only SQL)")))?;
        }
        Ok(plan)
    }

    /// The warehouse tables a name in a query stands for, as far as it is known.
    fn tables_behind_name(&self, name: &str) -> Vec<String> {
        if let Some(view) = self.catalog.views.get(name) {
            view.sources.keys().cloned().collect()
        } else if self.catalog.tables.contains_key(base_name(name)) || name == AUDIT_TABLE {
            vec![base_name(name).to_string()]
        } else {
            Vec::new()
        }
    }

    /// "table not found" says the same whether the table does not exist or is not
    /// shared, and now says so.
    fn explain_missing(&self, error: DataFusionError) -> QueryError {
        // The planner's own message, without its "Error during planning: " prefix, which
        // the new planning error adds once again. The planner's error may come wrapped (with
        // a diagnostic), so the prefix is taken off the text rather than matched by variant.
        let full = error.to_string();
        let text = full
            .strip_prefix("Error during planning: ")
            .unwrap_or(&full)
            .to_string();
        if !self.principal.is_administrator() && text.contains("not found") {
            QueryError::Sql(DataFusionError::Plan(format!(
                "{text} (it does not exist, or is not shared with {})",
                self.principal.agency
            )))
        } else {
            QueryError::Sql(error)
        }
    }

    fn memory_limit(&self, error: DataFusionError, watch: &mut Watch<'_>) -> QueryError {
        if matches!(error.find_root(), DataFusionError::ResourcesExhausted(_)) {
            watch.memory = true;
            QueryError::Limit(format!(
                "the query needed more than {} MiB of memory, the per-query limit, and was \
                 stopped; aggregate more or narrow it ({})",
                self.limits.memory_bytes >> 20,
                error.find_root()
            ))
        } else {
            QueryError::Sql(error)
        }
    }
}

/// The plan with a yield point above every join (and recursive query and unnest): they
/// can make many batches from few without reading their inputs, so a task running one
/// would not yield, and the time limit could stop waiting for the query but not stop the
/// query. With a yield point per batch they come back to the scheduler, where dropping
/// the query ends them.
fn yielding(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    Ok(plan
        .transform_up(|node| {
            let any: &dyn std::any::Any = node.as_ref();
            let amplifies = node.name().contains("Join")
                || any.is::<RecursiveQueryExec>()
                || any.is::<UnnestExec>();
            Ok(if amplifies {
                Transformed::yes(Arc::new(CooperativeExec::new(node)) as Arc<dyn ExecutionPlan>)
            } else {
                Transformed::no(node)
            })
        })?
        .data)
}

/// The audit record of a query in flight; recorded as cancelled if the query is dropped.
struct Watch<'a> {
    log: &'a AuditLog,
    started: Instant,
    record: Option<AuditRecord>,
    memory: bool,
}

impl Watch<'_> {
    fn set_tables(&mut self, tables: BTreeSet<String>) {
        if let Some(record) = &mut self.record {
            record.tables = tables;
        }
    }

    fn finish(&mut self, outcome: Outcome, error: Option<String>, rows: Option<u64>) {
        if let Some(mut record) = self.record.take() {
            record.outcome = outcome;
            record.error = error;
            record.rows = rows;
            record.duration = self.started.elapsed();
            self.log.record(record);
        }
    }
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        if let Some(mut record) = self.record.take() {
            record.duration = self.started.elapsed();
            self.log.record(record);
        }
    }
}

/// The warehouse tables a plan reads: views and policy tables resolved to what is behind
/// them.
fn tables_touched(plan: &LogicalPlan) -> Result<BTreeSet<String>> {
    let mut tables = BTreeSet::new();
    collect_tables(plan, &mut tables)?;
    Ok(tables)
}

fn collect_tables(plan: &LogicalPlan, tables: &mut BTreeSet<String>) -> Result<()> {
    let mut nested = Vec::new();
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            if scan.table_name.schema() == Some("information_schema") {
                tables.insert(format!("information_schema.{}", scan.table_name.table()));
                return Ok(TreeNodeRecursion::Continue);
            }
            match source_as_provider(&scan.source) {
                Ok(provider) => {
                    if let Some(sources) = sources_of(provider.as_ref()) {
                        tables.extend(sources.iter().cloned());
                    } else if let Some(view) = provider.get_logical_plan() {
                        nested.push(view.into_owned());
                    } else {
                        tables.insert(base_name(scan.table_name.table()).to_string());
                    }
                }
                Err(_) => {
                    tables.insert(base_name(scan.table_name.table()).to_string());
                }
            }
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    for view in nested {
        collect_tables(&view, tables)?;
    }
    Ok(())
}
