//! The tables a restricted session sees: a [`PolicyTable`] wraps the warehouse's own
//! table (or view) and shows only the rows and columns its grants allow; an aggregate
//! grant is a view of counts over one.
//!
//! The policy's row filter and column masks run inside one opaque execution node
//! ([`PolicyExec`]), below everything the user wrote. The user's own conditions are never
//! pushed into it (`supports_filters_pushdown` answers `Unsupported`, and the node has no
//! children for the physical optimiser to push through), so they only ever see rows the
//! policy has already let through: a condition that fails on a hidden row (say a division
//! by zero on a refused traveller at another port) cannot be evaluated on it and give the
//! row away by its error.

use std::any::Any;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{Array, AsArray, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::Session;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DFSchema, Result, ScalarValue, exec_err, internal_err};
use datafusion::datasource::{TableProvider, TableType, ViewTable, provider_as_source};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::functions_aggregate::expr_fn::{avg, count, sum};
use datafusion::logical_expr::utils::split_conjunction;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ExprSchemable, LogicalPlanBuilder, ScalarUDF, TableProviderFilterPushDown,
    Volatility, col, create_udf, lit, when,
};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::filter::FilterExec;
use datafusion::physical_plan::projection::{ProjectionExec, ProjectionExpr};
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties};
use sha2::{Digest, Sha256};

use super::file::Aggregate;

/// One table or view as a restricted session sees it.
#[derive(Debug)]
pub(crate) struct PolicyTable {
    base: Arc<dyn TableProvider>,
    schema: SchemaRef,
    /// One expression over the base's columns per column shown.
    outputs: Vec<Expr>,
    /// The rows shown, over the base's columns; `None`: all.
    filter: Option<Expr>,
    table_type: TableType,
    /// The warehouse tables behind it, for the audit.
    sources: Vec<String>,
}

impl PolicyTable {
    /// `base` shown as `outputs` (name, expression over the base's columns), rows where
    /// `filter` holds.
    pub fn new(
        base: Arc<dyn TableProvider>,
        outputs: Vec<(String, Expr)>,
        filter: Option<Expr>,
        sources: Vec<String>,
    ) -> Result<PolicyTable> {
        let base_schema = DFSchema::try_from(base.schema().as_ref().clone())?;
        let mut fields = Vec::with_capacity(outputs.len());
        for (name, expr) in &outputs {
            let (_, field) = expr.to_field(&base_schema)?;
            fields.push(Field::new(
                name,
                field.data_type().clone(),
                field.is_nullable(),
            ));
        }
        let table_type = match base.table_type() {
            TableType::View => TableType::View,
            _ => TableType::Base,
        };
        Ok(PolicyTable {
            schema: Arc::new(Schema::new(fields)),
            outputs: outputs.into_iter().map(|(_, e)| e).collect(),
            base,
            filter,
            table_type,
            sources,
        })
    }

    /// Every column of `base`, rows where `filter` holds.
    pub fn filtered(
        base: Arc<dyn TableProvider>,
        filter: Option<Expr>,
        sources: Vec<String>,
    ) -> Result<PolicyTable> {
        let outputs = base
            .schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), col(f.name().as_str())))
            .collect();
        PolicyTable::new(base, outputs, filter, sources)
    }

    pub fn sources(&self) -> &[String] {
        &self.sources
    }
}

#[async_trait]
impl TableProvider for PolicyTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        self.table_type
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let chosen: Vec<usize> = match projection {
            Some(indices) => indices.clone(),
            None => (0..self.outputs.len()).collect(),
        };
        let base_schema = self.base.schema();
        let mut needed = BTreeSet::new();
        let used = chosen
            .iter()
            .map(|i| &self.outputs[*i])
            .chain(self.filter.as_ref());
        for expr in used {
            for column in expr.column_refs() {
                needed.insert(base_schema.index_of(&column.name)?);
            }
        }
        let base_projection: Vec<usize> = needed.into_iter().collect();
        // The row filter is also offered to a base table for pruning files; it is applied
        // again below whatever the base does with it.
        let mut pruning = Vec::new();
        if let Some(filter) = &self.filter
            && self.base.table_type() == TableType::Base
        {
            let conjuncts = split_conjunction(filter);
            let support = self.base.supports_filters_pushdown(&conjuncts)?;
            for (expr, support) in conjuncts.into_iter().zip(support) {
                if support != TableProviderFilterPushDown::Unsupported {
                    pruning.push(expr.clone());
                }
            }
        }
        let base_limit = if self.filter.is_none() { limit } else { None };
        let mut plan = self
            .base
            .scan(state, Some(&base_projection), &pruning, base_limit)
            .await?;
        let inner = DFSchema::try_from(plan.schema().as_ref().clone())?;
        if let Some(filter) = &self.filter {
            let predicate = state.create_physical_expr(filter.clone(), &inner)?;
            plan = Arc::new(FilterExec::try_new(predicate, plan)?);
        }
        let mut exprs = Vec::with_capacity(chosen.len());
        for index in chosen {
            let expr: Arc<dyn PhysicalExpr> =
                state.create_physical_expr(self.outputs[index].clone(), &inner)?;
            exprs.push(ProjectionExpr::new(
                expr,
                self.schema.field(index).name().clone(),
            ));
        }
        plan = Arc::new(ProjectionExec::try_new(exprs, plan)?);
        Ok(Arc::new(PolicyExec { inner: plan }))
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        Ok(vec![
            TableProviderFilterPushDown::Unsupported;
            filters.len()
        ])
    }
}

/// The policy's scan, filter and masks as one leaf: the optimiser sees no children, so it
/// cannot move the user's conditions below the policy's.
#[derive(Debug)]
pub(crate) struct PolicyExec {
    inner: Arc<dyn ExecutionPlan>,
}

impl DisplayAs for PolicyExec {
    fn fmt_as(&self, _format: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "PolicyExec")
    }
}

impl ExecutionPlan for PolicyExec {
    fn name(&self) -> &str {
        "PolicyExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.inner.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        Vec::new()
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if children.is_empty() {
            Ok(self)
        } else {
            internal_err!("PolicyExec is a leaf and takes no children")
        }
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        self.inner.execute(partition, context)
    }
}

/// An aggregate grant's view of a table: per group of `by`, the count of records (and
/// sums and means), numbers withheld for groups under `min_count`.
pub(crate) fn aggregate_view(
    name: &str,
    base: Arc<dyn TableProvider>,
    aggregate: &Aggregate,
    filter: Option<Expr>,
    sources: Vec<String>,
) -> Result<ViewTable> {
    let rows = PolicyTable::filtered(base, filter, sources)?;
    let n = "__gerbang_records";
    let mut measures = vec![count(lit(1_i64)).alias(n)];
    for column in &aggregate.sum {
        measures.push(sum(col(column.as_str())).alias(format!("__sum_{column}")));
    }
    for column in &aggregate.mean {
        measures.push(avg(col(column.as_str())).alias(format!("__mean_{column}")));
    }
    let shown = col(n).gt_eq(lit(aggregate.min_count));
    let mut outputs: Vec<Expr> = aggregate.by.iter().map(|c| col(c.as_str())).collect();
    outputs.push(
        when(shown.clone(), col(n))
            .end()?
            .alias(aggregate.count.as_str()),
    );
    for column in &aggregate.sum {
        outputs.push(
            when(shown.clone(), col(format!("__sum_{column}")))
                .end()?
                .alias(format!("sum_{column}")),
        );
    }
    for column in &aggregate.mean {
        outputs.push(
            when(shown.clone(), col(format!("__mean_{column}")))
                .end()?
                .alias(format!("mean_{column}")),
        );
    }
    outputs.push(col(n).lt(lit(aggregate.min_count)).alias("suppressed"));
    let plan = LogicalPlanBuilder::scan(name, provider_as_source(Arc::new(rows)), None)?
        .aggregate(aggregate.by.iter().map(|c| col(c.as_str())), measures)?
        .project(outputs)?
        .build()?;
    Ok(ViewTable::new(plan, None))
}

/// A typed NULL: what a record grant shows of a column for rows it does not cover.
pub(crate) fn null_of(data_type: &DataType) -> Result<Expr> {
    Ok(lit(ScalarValue::try_from(data_type)?))
}

/// The keyed hash a grant shows instead of a text column: HMAC-SHA256 under a key made
/// for the receiving agency, so that its analysts can count and join on the column within
/// what they see, but cannot match it with the owner's values or another agency's.
pub(crate) fn mask_udf(key: &[u8; 32], agency: &str) -> ScalarUDF {
    let agency_key = hmac_sha256(key, agency.as_bytes());
    create_udf(
        "gerbang_masked",
        vec![DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(move |args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let [values] = arrays.as_slice() else {
                return exec_err!("gerbang_masked takes one text column");
            };
            let values = values.as_string::<i32>();
            let mut out = StringBuilder::with_capacity(values.len(), values.len() * 32);
            for value in values.iter() {
                out.append_option(value.map(|v| {
                    hmac_sha256(&agency_key, v.as_bytes())[..16]
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<String>()
                }));
            }
            Ok(ColumnarValue::Array(Arc::new(out.finish())))
        }),
    )
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0_u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The warehouse tables behind a provider as a restricted session has it.
pub(crate) fn sources_of(provider: &dyn TableProvider) -> Option<&[String]> {
    let any: &dyn Any = provider;
    any.downcast_ref::<PolicyTable>().map(PolicyTable::sources)
}

#[cfg(test)]
mod tests {
    use super::hmac_sha256;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
