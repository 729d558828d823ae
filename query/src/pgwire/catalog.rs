//! Answers to system-catalog queries (`pg_catalog.pg_class` and friends), made from what
//! the session may see and nothing else: psql's `\d`, `\dt`, `\dv`, `\d name`, `\dn` and
//! `\l` work, and list only the tables and views the sharing policies show the user.
//!
//! Gerbang has no Postgres catalog, so the answers are built, not read:
//! - `pg_class` (relations): one row per visible table or view, filtered by the
//!   `relkind IN (…)`, `relname ~ '…'` and `oid = '…'` conditions psql writes;
//! - `pg_attribute` (columns) of one relation, from the relation's own schema;
//! - `pg_namespace`: the one schema, `public`; `pg_database`: the one database, `gerbang`;
//! - `pg_type`: the types results and parameters come in (filtered by `oid` or `typname`);
//! - catalogs of things Gerbang does not have (indexes, constraints, triggers, row
//!   policies, inheritance, publications, rules, defaults, comments, …): no rows;
//! - any other catalog (`pg_proc`, `pg_settings`, `pg_roles`, …): an error that points to
//!   `information_schema`, which the session answers from the same restricted catalog.
//!
//! Only the columns psql reads are known; any other column is NULL. psql's `\gdesc`
//! (the columns a query would return, asked with the extended protocol's Describe) is
//! answered too: it names the types with `format_type()` over a `VALUES` list.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, Query, SelectItem, SetExpr, TableFactor, UnaryOperator, Value,
    visit_expressions, visit_relations,
};
use pgwire::api::Type;
use pgwire::error::PgWireError;

use super::answers::{DATABASE, Reply, last_part};
use super::errors::{error, query_error, sqlstate};
use super::text::quote_identifier;
use super::types::{fields, pg_type};
use crate::policy::{Seen, Session};

/// The first object id given out; Postgres's own objects are below it.
const FIRST_OID: u32 = 16_384;
/// The oid of the `public` schema in Postgres.
const PUBLIC_OID: &str = "2200";
const OWNER: &str = "gerbang";

/// Catalogs of objects Gerbang does not have: a query on them has no rows.
const EMPTY_CATALOGS: &[&str] = &[
    "pg_attrdef",
    "pg_constraint",
    "pg_depend",
    "pg_description",
    "pg_event_trigger",
    "pg_extension",
    "pg_foreign_server",
    "pg_foreign_table",
    "pg_index",
    "pg_inherits",
    "pg_partitioned_table",
    "pg_policy",
    "pg_publication",
    "pg_publication_namespace",
    "pg_publication_rel",
    "pg_rewrite",
    "pg_sequence",
    "pg_statistic_ext",
    "pg_statistic_ext_data",
    "pg_subscription",
    "pg_trigger",
];

/// Whether a query reads a system catalog (`pg_catalog.x`, or an unqualified `pg_x`).
pub fn reads_system_catalog(query: &Query) -> bool {
    visit_relations(query, |name| {
        let parts: Vec<String> = name
            .0
            .iter()
            .filter_map(|p| p.as_ident())
            .map(|i| i.value.to_ascii_lowercase())
            .collect();
        let system = match parts.as_slice() {
            [.., schema, _] => schema == "pg_catalog",
            [table] => table.starts_with("pg_"),
            [] => false,
        };
        if system {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// psql's `\gdesc` query, `SELECT name AS "Column", pg_catalog.format_type(tp, tpm) AS
/// "Type" FROM (VALUES ('port', '25'::pg_catalog.oid, -1), …) s(name, tp, tpm)`: the type
/// names of oids it was told at Describe.
pub fn type_names(query: &Query) -> Option<Reply> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return None;
    };
    let [item, type_item] = select.projection.as_slice() else {
        return None;
    };
    let (
        SelectItem::ExprWithAlias { alias: column, .. },
        SelectItem::ExprWithAlias { expr, alias: kind },
    ) = (item, type_item)
    else {
        return None;
    };
    let Expr::Function(function) = expr else {
        return None;
    };
    let [from] = select.from.as_slice() else {
        return None;
    };
    let TableFactor::Derived { subquery, .. } = &from.relation else {
        return None;
    };
    let SetExpr::Values(values) = subquery.body.as_ref() else {
        return None;
    };
    if last_part(&function.name) != "format_type" {
        return None;
    }
    let rows: Vec<Vec<Option<String>>> = values
        .rows
        .iter()
        .map(|row| {
            let name = row.first().and_then(literal_text);
            let oid = row.get(1).and_then(literal_text)?.trim().parse().ok()?;
            let modifier = match row.get(2)? {
                Expr::UnaryOp {
                    op: UnaryOperator::Minus,
                    expr,
                } => -literal_text(expr)?.parse::<i32>().ok()?,
                other => literal_text(other)?.parse().ok()?,
            };
            let ty = Type::from_oid(oid).unwrap_or(Type::UNKNOWN);
            Some(vec![name, Some(type_display(&ty, modifier))])
        })
        .collect::<Option<_>>()?;
    Some(Reply::text_rows(
        &[column.value.as_str(), kind.value.as_str()],
        &rows,
    ))
}

/// One visible table or view, as `pg_class` describes it.
#[derive(Debug, Clone)]
struct Relation {
    oid: u32,
    name: String,
    view: bool,
    description: Option<String>,
}

fn relations(session: &Session) -> Vec<Relation> {
    let titles: Vec<(String, String)> = crate::kpi::library()
        .map(|views| {
            views
                .into_iter()
                .map(|v| (v.name.clone(), v.title_en.clone()))
                .collect()
        })
        .unwrap_or_default();
    session
        .visibility()
        .objects
        .iter()
        .enumerate()
        .map(|(i, (name, seen))| Relation {
            oid: FIRST_OID + i as u32,
            name: name.clone(),
            view: matches!(
                seen,
                Seen::GrantedView(_) | Seen::DerivedView | Seen::Aggregate(_)
            ),
            description: titles
                .iter()
                .find(|(view, _)| view == name)
                .map(|(_, title)| title.clone()),
        })
        .collect()
}

/// The answer to a query on the system catalogs.
pub async fn answer(session: &Session, query: &Query) -> Result<Reply, PgWireError> {
    let from = top_relations(query);
    if from
        .iter()
        .any(|name| EMPTY_CATALOGS.contains(&name.as_str()))
    {
        return Ok(rows_of(query, Vec::new()));
    }
    let filters = Filters::of(query);
    let rows = match from.first().map(String::as_str) {
        Some("pg_class") => relations(session)
            .into_iter()
            .filter(|r| filters.admit(r))
            .map(|r| class_row(&r))
            .collect(),
        Some("pg_attribute") => {
            let relation = relations(session)
                .into_iter()
                .find(|r| filters.oid == Some(r.oid));
            match relation {
                Some(relation) => attribute_rows(session, &relation).await?,
                None => Vec::new(),
            }
        }
        Some("pg_namespace") if filters.schema_admits("public") => vec![namespace_row()],
        Some("pg_namespace") => Vec::new(),
        Some("pg_database") => vec![database_row()],
        Some("pg_type") => TYPES
            .iter()
            .filter(|(ty, ..)| {
                filters.oid.is_none_or(|oid| oid == ty.oid())
                    && filters.type_patterns.iter().all(|p| p.matches(ty.name()))
            })
            .map(type_row)
            .collect(),
        other => {
            return Err(error(
                sqlstate::FEATURE_NOT_SUPPORTED,
                format!(
                    "the Postgres system catalog {} is not available on Gerbang's Postgres port; \
                     list tables and columns with information_schema.tables and \
                     information_schema.columns, or psql's \\dt and \\d",
                    other.unwrap_or("")
                ),
            ));
        }
    };
    Ok(rows_of(query, rows))
}

/// The relations in the outermost `FROM` clauses (of every branch of a `UNION`), not those
/// of subqueries in the select list.
fn top_relations(query: &Query) -> Vec<String> {
    fn of_set(body: &SetExpr, names: &mut Vec<String>) {
        match body {
            SetExpr::Select(select) => {
                for table in &select.from {
                    for factor in std::iter::once(&table.relation)
                        .chain(table.joins.iter().map(|j| &j.relation))
                    {
                        if let TableFactor::Table { name, .. } = factor {
                            names.push(last_part(name));
                        }
                    }
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                of_set(left, names);
                of_set(right, names);
            }
            SetExpr::Query(query) => of_set(&query.body, names),
            _ => {}
        }
    }
    let mut names = Vec::new();
    of_set(&query.body, &mut names);
    names
}

/// The conditions psql puts on `pg_class` and `pg_namespace`, found anywhere in the query.
#[derive(Debug, Default)]
struct Filters {
    oid: Option<u32>,
    kinds: Option<BTreeSet<char>>,
    name_patterns: Vec<Pattern>,
    schema_patterns: Vec<Pattern>,
    type_patterns: Vec<Pattern>,
}

impl Filters {
    fn of(query: &Query) -> Filters {
        let mut filters = Filters::default();
        let _ = visit_expressions(query, |expr| {
            match expr {
                Expr::BinaryOp { left, op, right } => {
                    let column = column_name(left);
                    match (op, literal_text(right)) {
                        (BinaryOperator::Eq, Some(value))
                            if matches!(column.as_deref(), Some("oid" | "attrelid")) =>
                        {
                            filters.oid = value.trim().parse().ok();
                        }
                        (op, Some(value)) if is_regex_match(op) || op == &BinaryOperator::Eq => {
                            let pattern = if op == &BinaryOperator::Eq {
                                Pattern::exact(&value)
                            } else {
                                Pattern::parse(&value)
                            };
                            match column.as_deref() {
                                Some("relname") => filters.name_patterns.push(pattern),
                                Some("nspname") => filters.schema_patterns.push(pattern),
                                Some("typname") => filters.type_patterns.push(pattern),
                                _ => {}
                            }
                        }
                        _ => {}
                    }
                }
                Expr::InList {
                    expr,
                    list,
                    negated: false,
                } if column_name(expr).as_deref() == Some("relkind") => {
                    filters.kinds = Some(
                        list.iter()
                            .filter_map(literal_text)
                            .filter_map(|kind| kind.chars().next())
                            .collect(),
                    );
                }
                _ => {}
            }
            ControlFlow::<()>::Continue(())
        });
        filters
    }

    fn admit(&self, relation: &Relation) -> bool {
        let kind = if relation.view { 'v' } else { 'r' };
        self.oid.is_none_or(|oid| oid == relation.oid)
            && self
                .kinds
                .as_ref()
                .is_none_or(|kinds| kinds.contains(&kind))
            && self.name_patterns.iter().all(|p| p.matches(&relation.name))
            && self.schema_admits("public")
    }

    fn schema_admits(&self, schema: &str) -> bool {
        self.schema_patterns.iter().all(|p| p.matches(schema))
    }
}

fn is_regex_match(op: &BinaryOperator) -> bool {
    match op {
        BinaryOperator::PGRegexMatch => true,
        BinaryOperator::PGCustomBinaryOperator(parts) => {
            parts.last().map(String::as_str) == Some("~")
        }
        _ => false,
    }
}

/// The column an expression names (`c.relname` → `relname`).
fn column_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(ident) => Some(ident.value.to_ascii_lowercase()),
        Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.to_ascii_lowercase()),
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => column_name(inner),
        Expr::Collate { expr, .. } => column_name(expr),
        _ => None,
    }
}

fn literal_text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(text) => Some(text.clone()),
            Value::Number(number, _) => Some(number.to_string()),
            _ => None,
        },
        Expr::Collate { expr, .. } | Expr::Nested(expr) | Expr::Cast { expr, .. } => {
            literal_text(expr)
        }
        _ => None,
    }
}

/// The regular expressions psql makes of `\d` patterns: `^(kpi_.*)$`, `^(ports)$`. Only
/// what psql writes is understood: anchors, groups, `.`, `*`, `?`, `+` and escapes.
#[derive(Debug, Clone)]
struct Pattern {
    atoms: Vec<(Atom, Repeat)>,
    start: bool,
    end: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Atom {
    Any,
    Char(char),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Repeat {
    One,
    Optional,
    Many,
    AtLeastOne,
}

impl Pattern {
    fn exact(text: &str) -> Pattern {
        Pattern {
            atoms: text.chars().map(|c| (Atom::Char(c), Repeat::One)).collect(),
            start: true,
            end: true,
        }
    }

    fn parse(regex: &str) -> Pattern {
        let mut chars: Vec<char> = regex.chars().collect();
        let start = chars.first() == Some(&'^');
        if start {
            chars.remove(0);
        }
        let end =
            chars.last() == Some(&'$') && !(chars.len() >= 2 && chars[chars.len() - 2] == '\\');
        if end {
            chars.pop();
        }
        let mut atoms: Vec<(Atom, Repeat)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let atom = match chars[i] {
                '(' | ')' => {
                    i += 1;
                    continue;
                }
                '.' => Atom::Any,
                '\\' if i + 1 < chars.len() => {
                    i += 1;
                    Atom::Char(chars[i])
                }
                c => Atom::Char(c),
            };
            i += 1;
            let repeat = match chars.get(i) {
                Some('*') => Repeat::Many,
                Some('?') => Repeat::Optional,
                Some('+') => Repeat::AtLeastOne,
                _ => Repeat::One,
            };
            if repeat != Repeat::One {
                i += 1;
            }
            atoms.push((atom, repeat));
        }
        Pattern { atoms, start, end }
    }

    fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let starts: Vec<usize> = if self.start {
            vec![0]
        } else {
            (0..=text.len()).collect()
        };
        starts
            .into_iter()
            .any(|from| self.match_here(&self.atoms, &text[from..]))
    }

    fn match_here(&self, atoms: &[(Atom, Repeat)], text: &[char]) -> bool {
        let Some(((atom, repeat), rest)) = atoms.split_first() else {
            return !self.end || text.is_empty();
        };
        let fits = |c: &char| match atom {
            Atom::Any => true,
            Atom::Char(expected) => expected == c,
        };
        let (least, most) = match repeat {
            Repeat::One => (1, 1),
            Repeat::Optional => (0, 1),
            Repeat::Many => (0, usize::MAX),
            Repeat::AtLeastOne => (1, usize::MAX),
        };
        let available = text.iter().take_while(|c| fits(c)).count().min(most);
        (least..=available)
            .rev()
            .any(|taken| self.match_here(rest, &text[taken..]))
    }
}

/// A value of a built catalog row.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Bool(bool),
    Null,
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

/// A built row: what it knows about each column (by column, alias or function name).
type Row = Box<dyn Fn(&str) -> Option<Cell> + Send + Sync>;

fn class_row(relation: &Relation) -> Row {
    let relation = relation.clone();
    Box::new(move |column: &str| {
        Some(match column {
            "oid" => text(relation.oid.to_string()),
            "relname" | "name" => text(relation.name.clone()),
            "nspname" | "schema" => text("public"),
            "relnamespace" => text(PUBLIC_OID),
            "relkind" => text(if relation.view { "v" } else { "r" }),
            "type" => text(if relation.view { "view" } else { "table" }),
            "relowner" => text("10"),
            "owner" | "pg_get_userbyid" => text(OWNER),
            "relchecks" | "reltablespace" | "reloftype" | "relam" => text("0"),
            "relhasindex"
            | "relhasrules"
            | "relhastriggers"
            | "relrowsecurity"
            | "relforcerowsecurity"
            | "relispartition"
            | "relhasoids"
            | "relhassubclass" => Cell::Bool(false),
            "pg_table_is_visible" => Cell::Bool(true),
            "relpersistence" => text("p"),
            "persistence" => text("permanent"),
            "relreplident" => text("d"),
            "array_to_string" => text(""),
            "description" | "obj_description" => {
                relation.description.clone().map_or(Cell::Null, Cell::Text)
            }
            _ => return None,
        })
    })
}

async fn attribute_rows(session: &Session, relation: &Relation) -> Result<Vec<Row>, PgWireError> {
    let described = session
        .describe(&format!(
            "SELECT * FROM {}",
            quote_identifier(&relation.name)
        ))
        .await
        .map_err(|e| query_error(&e, session.principal()))?;
    Ok(described
        .schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let name = field.name().clone();
            let ty = pg_type(field.data_type());
            let modifier = type_modifier(field.data_type());
            let type_name = type_display(&ty, modifier);
            let not_null = !field.is_nullable();
            let row: Row = Box::new(move |column: &str| {
                Some(match column {
                    "attname" => text(name.clone()),
                    "attnum" => text((i + 1).to_string()),
                    "atttypid" => text(ty.oid().to_string()),
                    "format_type" => text(type_name.clone()),
                    "attnotnull" => Cell::Bool(not_null),
                    "atthasdef" | "attisdropped" => Cell::Bool(false),
                    "attidentity" | "attgenerated" | "attcompression" => text(""),
                    "attstorage" => text("p"),
                    _ => return None,
                })
            });
            row
        })
        .collect())
}

/// The `atttypmod` of a column: precision and scale of a decimal, -1 for the rest.
fn type_modifier(data_type: &DataType) -> i32 {
    let schema = Schema::new(vec![Field::new("x", data_type.clone(), true)]);
    fields(&schema, None)
        .first()
        .map_or(-1, |field| field.type_modifier())
}

/// How `format_type()` names a type with its modifier.
fn type_display(ty: &Type, modifier: i32) -> String {
    match *ty {
        Type::BOOL => "boolean".to_string(),
        Type::INT2 => "smallint".to_string(),
        Type::INT4 => "integer".to_string(),
        Type::INT8 => "bigint".to_string(),
        Type::FLOAT4 => "real".to_string(),
        Type::FLOAT8 => "double precision".to_string(),
        Type::NUMERIC if modifier >= 4 => {
            let shape = modifier - 4;
            format!("numeric({},{})", shape >> 16, shape & 0xffff)
        }
        Type::TIME => "time without time zone".to_string(),
        Type::TIMESTAMP => "timestamp without time zone".to_string(),
        Type::TIMESTAMPTZ => "timestamp with time zone".to_string(),
        ref other => other.name().to_string(),
    }
}

/// The types results and parameters come in: (type, `typlen`, `typcategory`).
const TYPES: &[(Type, i16, &str)] = &[
    (Type::BOOL, 1, "B"),
    (Type::BYTEA, -1, "U"),
    (Type::INT8, 8, "N"),
    (Type::INT2, 2, "N"),
    (Type::INT4, 4, "N"),
    (Type::TEXT, -1, "S"),
    (Type::OID, 4, "N"),
    (Type::FLOAT4, 4, "N"),
    (Type::FLOAT8, 8, "N"),
    (Type::UNKNOWN, -2, "X"),
    (Type::VARCHAR, -1, "S"),
    (Type::DATE, 4, "D"),
    (Type::TIME, 8, "D"),
    (Type::TIMESTAMP, 8, "D"),
    (Type::TIMESTAMPTZ, 8, "D"),
    (Type::INTERVAL, 16, "T"),
    (Type::NUMERIC, -1, "N"),
];

fn type_row(&(ref ty, length, category): &(Type, i16, &'static str)) -> Row {
    let ty = ty.clone();
    Box::new(move |column: &str| {
        Some(match column {
            "oid" => text(ty.oid().to_string()),
            "typname" => text(ty.name()),
            "typnamespace" => text("11"),
            "nspname" => text("pg_catalog"),
            "typlen" => text(length.to_string()),
            "typtype" => text("b"),
            "typcategory" => text(category),
            "typdelim" => text(","),
            "typbasetype" | "typelem" | "typrelid" | "typarray" | "typcollation" => text("0"),
            "typtypmod" => text("-1"),
            "typnotnull" => Cell::Bool(false),
            "format_type" => text(type_display(&ty, -1)),
            _ => return None,
        })
    })
}

fn namespace_row() -> Row {
    Box::new(|column: &str| {
        Some(match column {
            "oid" => text(PUBLIC_OID),
            "nspname" | "name" => text("public"),
            "nspowner" => text("10"),
            "owner" | "pg_get_userbyid" => text(OWNER),
            _ => return None,
        })
    })
}

fn database_row() -> Row {
    Box::new(|column: &str| {
        Some(match column {
            "datname" | "name" => text(DATABASE),
            "owner" | "pg_get_userbyid" => text(OWNER),
            "encoding" | "pg_encoding_to_char" => text("UTF8"),
            "collate" | "ctype" | "datcollate" | "datctype" => text("C"),
            "locale provider" => text("libc"),
            _ => return None,
        })
    })
}

/// The query's select list evaluated on each row: a column a row knows by its alias, its
/// name or the function that computes it gets the row's value, a literal gets itself,
/// anything else NULL.
fn rows_of(query: &Query, rows: Vec<Row>) -> Reply {
    let items = select_items(query);
    let columns: Vec<(String, Vec<Cell>)> = items
        .iter()
        .map(|(expr, alias)| {
            let name = alias.clone().unwrap_or_else(|| output_name(expr));
            let values = rows
                .iter()
                .map(|row| {
                    alias
                        .as_deref()
                        .and_then(|a| row(&a.to_ascii_lowercase()))
                        .or_else(|| evaluate(expr, row))
                        .unwrap_or(Cell::Null)
                })
                .collect();
            (name, values)
        })
        .collect();
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, values) in columns {
        let boolean = values.iter().any(|v| matches!(v, Cell::Bool(_)))
            && values
                .iter()
                .all(|v| matches!(v, Cell::Bool(_) | Cell::Null));
        if boolean {
            fields.push(Field::new(name, DataType::Boolean, true));
            arrays.push(Arc::new(BooleanArray::from(
                values
                    .iter()
                    .map(|v| match v {
                        Cell::Bool(b) => Some(*b),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            )));
        } else {
            fields.push(Field::new(name, DataType::Utf8, true));
            arrays.push(Arc::new(StringArray::from(
                values
                    .into_iter()
                    .map(|v| match v {
                        Cell::Text(t) => Some(t),
                        Cell::Bool(b) => Some(if b { "t" } else { "f" }.to_string()),
                        Cell::Null => None,
                    })
                    .collect::<Vec<_>>(),
            )));
        }
    }
    Reply::rows(Arc::new(Schema::new(fields)), arrays)
}

/// The select list of the query's first `SELECT` (the left of a `UNION`).
fn select_items(query: &Query) -> Vec<(Expr, Option<String>)> {
    fn first_select(body: &SetExpr) -> Option<&datafusion::sql::sqlparser::ast::Select> {
        match body {
            SetExpr::Select(select) => Some(select),
            SetExpr::SetOperation { left, .. } => first_select(left),
            SetExpr::Query(query) => first_select(&query.body),
            _ => None,
        }
    }
    first_select(&query.body)
        .map(|select| {
            select
                .projection
                .iter()
                .filter_map(|item| match item {
                    SelectItem::UnnamedExpr(expr) => Some((expr.clone(), None)),
                    SelectItem::ExprWithAlias { expr, alias } => {
                        Some((expr.clone(), Some(alias.value.clone())))
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

fn output_name(expr: &Expr) -> String {
    match expr {
        Expr::Function(function) => last_part(&function.name),
        Expr::Nested(inner) => output_name(inner),
        Expr::Cast { expr, .. } => output_name(expr),
        other => column_name(other).unwrap_or_else(|| "?column?".to_string()),
    }
}

fn evaluate(expr: &Expr, row: &Row) -> Option<Cell> {
    match expr {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => row(&column_name(expr)?),
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => evaluate(inner, row),
        Expr::Function(function) => row(&last_part(&function.name)),
        Expr::Value(value) => match &value.value {
            Value::Boolean(b) => Some(Cell::Bool(*b)),
            Value::Null => Some(Cell::Null),
            Value::SingleQuotedString(text) => Some(Cell::Text(text.clone())),
            Value::Number(number, _) => Some(Cell::Text(number.to_string())),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } => match evaluate(expr, row)? {
            Cell::Bool(b) => Some(Cell::Bool(!b)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psql_patterns_match_as_psql_means_them() {
        let kpi = Pattern::parse("^(kpi_.*)$");
        assert!(kpi.matches("kpi_wait_daily"));
        assert!(!kpi.matches("crossings"));
        let exact = Pattern::parse("^(ports)$");
        assert!(exact.matches("ports"));
        assert!(!exact.matches("ports_x"));
        let one = Pattern::parse("^(port.)$");
        assert!(one.matches("ports") && !one.matches("port"));
        assert!(Pattern::parse("^(.*wait.*)$").matches("kpi_wait_daily"));
        assert!(!Pattern::parse("^pg_toast").matches("public"));
        assert!(Pattern::exact("public").matches("public"));
    }

    #[test]
    fn psql_describe_queries_are_recognised_by_their_conditions() {
        use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
        use datafusion::sql::sqlparser::parser::Parser;
        let sql = "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c \
                   LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                   WHERE c.relname OPERATOR(pg_catalog.~) '^(ports)$' COLLATE pg_catalog.default \
                   AND c.relkind IN ('r','p','v','m','S','f','') \
                   AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3;";
        let statement = Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .unwrap()
            .remove(0);
        let datafusion::sql::sqlparser::ast::Statement::Query(query) = statement else {
            panic!("not a query");
        };
        assert!(reads_system_catalog(&query));
        assert_eq!(top_relations(&query), ["pg_class", "pg_namespace"]);
        let filters = Filters::of(&query);
        assert_eq!(filters.name_patterns.len(), 1);
        let ports = Relation {
            oid: FIRST_OID,
            name: "ports".into(),
            view: false,
            description: None,
        };
        assert!(filters.admit(&ports));
        let view = Relation {
            name: "kpi_x".into(),
            view: true,
            ..ports.clone()
        };
        assert!(!filters.admit(&view));
        let Reply::Rows { batches, schema } = rows_of(&query, vec![class_row(&ports)]) else {
            panic!("no rows");
        };
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["oid", "nspname", "relname"]);
        assert_eq!(batches[0].num_rows(), 1);
    }
}
