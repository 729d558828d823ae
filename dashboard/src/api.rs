//! The HTTP API for programs: `POST /api/sql` runs one read-only statement in the signed-in
//! user's session (their agency's sharing policies, the query limits and the audit, as the
//! `api` interface) and answers in the format `Accept` asks for; `GET /api/openapi.json`
//! describes it.
//!
//! Every failure under `/api` has one JSON shape, made by the named constructors of
//! [`ApiError`]:
//! `{"error": {"code": "refused", "message": "COPY is refused: …"}}`. A query stopped by its
//! time or memory limit answers `422` (`limit`): the request was understood but cannot be
//! carried out as asked, and unlike `408` no client retries it on its own, which a
//! runaway query must not be.
//!
//! For everyone but administrators, a table or column that is not found answers `403`
//! (`refused`), the same whether it does not exist or is not shared with the agency: the
//! answer must not tell the two apart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use chrono::Utc;
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type, UInt64Type};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::error::DataFusionError;
use gerbang_query::QueryError;
use gerbang_query::audit::{AuditRecord, Outcome};
use gerbang_query::policy::{Answer, Principal};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::SignedIn;
use crate::server::Dashboard;

/// The longest SQL text `/api/sql` reads.
const MAX_SQL_BYTES: usize = 1 << 20;

/// An API failure: its status, its code and a message written for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// For `429`: when to try again.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// `403`: a statement the user may not run, or a name their agency does not see.
    pub fn refused(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "refused", message)
    }

    /// `422`: stopped by the per-query time or memory limit.
    pub fn limit(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "limit", message)
    }

    /// `403`: the sharing policies give the user no session (an agency without a policy
    /// file, or policies that do not fit the warehouse).
    pub fn policy(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "policy", message)
    }

    /// `400`: bad SQL, a plan that cannot be made, or a malformed request.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// `400` with another status: a body too large (`413`) or of a type not read (`415`).
    fn bad_request_with(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(status, "bad_request", message)
    }

    /// `401`: no valid sign-in (cookie) or API token.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// `429`: too many failed sign-ins; try again after `retry_after`.
    pub fn rate_limited(message: impl Into<String>, retry_after: Duration) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
        }
    }

    /// `406`: none of the formats `Accept` names is one the API writes.
    pub fn not_acceptable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_ACCEPTABLE, "not_acceptable", message)
    }

    /// `500`: the lake could not be read, or a result could not be written.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// `404`: no API route at this address.
    pub fn not_found(path: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no API route {path}; see /api/openapi.json"),
        )
    }

    /// `405`: the route exists, but not with this method.
    fn method_not_allowed(method: &Method) -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not allowed here; see /api/openapi.json"),
        )
    }

    /// The API's answer to a failed query.
    fn of_query(error: QueryError, principal: &Principal) -> ApiError {
        match error {
            QueryError::Refused(message) => ApiError::refused(message),
            QueryError::Limit(message) => ApiError::limit(message),
            QueryError::Policy { .. } => ApiError::policy(error.to_string()),
            QueryError::Sql(error) => ApiError::of_sql(&error, principal),
            QueryError::Lake(_) | QueryError::Definition { .. } | QueryError::Targets { .. } => {
                ApiError::internal(error.to_string())
            }
        }
    }

    fn of_sql(error: &DataFusionError, principal: &Principal) -> ApiError {
        let text = error.to_string();
        let root = error.find_root();
        let missing_column =
            matches!(root, DataFusionError::SchemaError(..)) || text.contains("No field named");
        let missing_table = matches!(root, DataFusionError::Plan(_)) && text.contains("not found");
        let admin = principal.is_administrator();
        match root {
            _ if !admin && missing_table => ApiError::refused(text),
            _ if !admin && missing_column => ApiError::refused(format!(
                "{text} (it does not exist, or is not shared with {})",
                principal.agency
            )),
            DataFusionError::IoError(_)
            | DataFusionError::ObjectStore(_)
            | DataFusionError::ParquetError(_)
            | DataFusionError::Internal(_)
            | DataFusionError::External(_) => ApiError::internal(text),
            _ => ApiError::bad_request(text),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        let mut response = (
            self.status,
            [(CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
        if let Some(wait) = self.retry_after {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
        }
        response
    }
}

/// One route of the API: the router is made of these, and the OpenAPI document must
/// describe each (a test checks).
pub(crate) struct ApiRoute {
    pub path: &'static str,
    pub handler: MethodRouter<Dashboard>,
}

/// Every route of the API.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute {
            path: "/api/sql",
            handler: post(sql_handler).fallback(wrong_method),
        },
        ApiRoute {
            path: "/api/openapi.json",
            handler: get(openapi_handler).fallback(wrong_method),
        },
    ]
}

async fn wrong_method(_signed_in: SignedIn, method: Method) -> Response {
    ApiError::method_not_allowed(&method).into_response()
}

/// The formats `/api/sql` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Csv,
    Arrow,
    Parquet,
}

impl Format {
    const ALL: [Format; 4] = [Format::Json, Format::Csv, Format::Arrow, Format::Parquet];

    fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv",
            Format::Arrow => "application/vnd.apache.arrow.stream",
            Format::Parquet => "application/vnd.apache.parquet",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Arrow => "arrows",
            Format::Parquet => "parquet",
        }
    }

    /// The format an `Accept` header prefers: the highest quality first, then the order
    /// listed; `*/*`, `application/*` and no header at all give JSON. `None` when it names
    /// only formats the API does not write.
    fn of_accept(header: Option<&str>) -> Option<Format> {
        let header = header.map(str::trim).filter(|h| !h.is_empty());
        let Some(header) = header else {
            return Some(Format::Json);
        };
        let mut ranges: Vec<(f32, usize, String)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, range)| {
                let mut parts = range.split(';');
                let media = parts.next()?.trim().to_ascii_lowercase();
                let quality = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, position, media))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges
            .iter()
            .find_map(|(_, _, media)| match media.as_str() {
                "*/*" | "application/*" => Some(Format::Json),
                "text/*" => Some(Format::Csv),
                other => Format::ALL.into_iter().find(|f| f.media_type() == other),
            })
    }
}

/// The JSON body `/api/sql` takes instead of plain SQL text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SqlRequest {
    sql: String,
}

/// The SQL text of a request: `text/plain` (or no type) is the SQL itself,
/// `application/json` is `{"sql": "…"}`, and `application/x-www-form-urlencoded` is either
/// a form's `sql=…` or, as `curl --data-binary 'SELECT …'` sends it, the SQL itself.
fn sql_text(headers: &HeaderMap, body: &Bytes) -> Result<String, ApiError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let sql = match content_type.as_str() {
        "application/json" => {
            serde_json::from_slice::<SqlRequest>(body)
                .map_err(|e| {
                    ApiError::bad_request(format!(
                        "the JSON body should be {{\"sql\": \"SELECT …\"}}: {e}"
                    ))
                })?
                .sql
        }
        "" | "text/plain" | "application/sql" => utf8(body)?,
        "application/x-www-form-urlencoded" => {
            let text = utf8(body)?;
            match text.strip_prefix("sql=") {
                Some(field) => form_decoded(field.split('&').next().unwrap_or_default())?,
                None => text,
            }
        }
        other => {
            return Err(ApiError::bad_request_with(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "a body of type {other} is not read; send the SQL as text/plain or \
                     {{\"sql\": \"…\"}} as application/json"
                ),
            ));
        }
    };
    if sql.trim().is_empty() {
        return Err(ApiError::bad_request("the SQL text is empty"));
    }
    Ok(sql)
}

fn utf8(body: &Bytes) -> Result<String, ApiError> {
    String::from_utf8(body.to_vec()).map_err(|_| ApiError::bad_request("the SQL text is not UTF-8"))
}

/// A form field's value: `+` is a space, `%XX` a byte.
fn form_decoded(field: &str) -> Result<String, ApiError> {
    let malformed = || ApiError::bad_request("the form field sql is not well encoded");
    let mut bytes = Vec::with_capacity(field.len());
    let mut rest = field.bytes();
    while let Some(byte) = rest.next() {
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let high = rest.next().and_then(|h| (h as char).to_digit(16));
                let low = rest.next().and_then(|l| (l as char).to_digit(16));
                let (Some(high), Some(low)) = (high, low) else {
                    return Err(malformed());
                };
                bytes.push(u8::try_from(high * 16 + low).map_err(|_| malformed())?);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).map_err(|_| malformed())
}

async fn sql_handler(
    State(dashboard): State<Dashboard>,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match run_sql(&dashboard, &signed_in.principal, &headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn run_sql(
    dashboard: &Dashboard,
    principal: &Principal,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let accept = headers.get(ACCEPT).and_then(|v| v.to_str().ok());
    let format = Format::of_accept(accept).ok_or_else(|| {
        ApiError::not_acceptable(format!(
            "none of '{}' is written here; ask for application/json, text/csv, \
             application/vnd.apache.arrow.stream or application/vnd.apache.parquet",
            accept.unwrap_or_default()
        ))
    })?;
    let body = axum::body::to_bytes(body, MAX_SQL_BYTES)
        .await
        .map_err(|_| {
            ApiError::bad_request_with(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the SQL text is longer than {} KiB", MAX_SQL_BYTES >> 10),
            )
        })?;
    let sql = sql_text(headers, &body)?;
    let warehouse = &dashboard.warehouse;
    let session = dashboard
        .session_for(principal)
        .await
        .map_err(|e| ApiError::of_query(e, principal))?
        .with_interface("api");
    let started = Instant::now();
    let answer = session
        .sql(&sql)
        .await
        .map_err(|e| ApiError::of_query(e, principal))?;
    let (content, body) = match format {
        Format::Json => ("application/json", json_body(&answer)?),
        Format::Csv => ("text/csv; charset=utf-8", csv_body(&answer)?),
        Format::Arrow => (Format::Arrow.media_type(), arrow_body(&answer)?),
        Format::Parquet => (Format::Parquet.media_type(), parquet_body(&answer)?),
    };
    if format != Format::Json {
        warehouse.audit_log().record(AuditRecord {
            at: Utc::now(),
            user: principal.user.clone(),
            agency: principal.agency.clone(),
            roles: principal.roles_text(),
            action: "export".to_string(),
            interface: "api".to_string(),
            sql,
            tables: answer.tables.clone(),
            rows: Some(answer.rows as u64),
            outcome: Outcome::Ok,
            error: None,
            duration: started.elapsed(),
        });
    }
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content));
    if format != Format::Json {
        let disposition = format!(
            "attachment; filename=\"gerbang-query.{}\"",
            format.extension()
        );
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

fn write_failed(format: &str, error: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!(
        "the result could not be written as {format}: {error}"
    ))
}

/// `{"columns": [{"name", "type"}], "rows": [[…]], "row_count": N, "tables": […]}`:
/// numbers and booleans as JSON, text as strings, everything else (dates, times,
/// decimals) as its text.
fn json_body(answer: &Answer) -> Result<Bytes, ApiError> {
    let schema = Arc::clone(&answer.schema);
    let columns: Vec<Value> = schema
        .fields()
        .iter()
        .map(|f| json!({"name": f.name(), "type": f.data_type().to_string()}))
        .collect();
    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(answer.rows);
    for batch in &answer.batches {
        let cells: Vec<Vec<Value>> = batch
            .columns()
            .iter()
            .map(json_cells)
            .collect::<Result<_, _>>()?;
        for row in 0..batch.num_rows() {
            rows.push(cells.iter().map(|column| column[row].clone()).collect());
        }
    }
    let body = json!({
        "columns": columns,
        "rows": rows,
        "row_count": answer.rows,
        "tables": answer.tables.iter().collect::<Vec<_>>(),
    });
    Ok(Bytes::from(body.to_string()))
}

/// One column's values as JSON.
fn json_cells(column: &ArrayRef) -> Result<Vec<Value>, ApiError> {
    let cast_to = |to: &DataType| cast(column, to).map_err(|e| write_failed("JSON", e));
    let values = match column.data_type() {
        DataType::Null => vec![Value::Null; column.len()],
        DataType::Boolean => column.as_boolean().iter().map(|v| json!(v)).collect(),
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            let ints = cast_to(&DataType::Int64)?;
            ints.as_primitive::<Int64Type>()
                .iter()
                .map(|v| json!(v))
                .collect()
        }
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
            let ints = cast_to(&DataType::UInt64)?;
            ints.as_primitive::<UInt64Type>()
                .iter()
                .map(|v| json!(v))
                .collect()
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            let floats = cast_to(&DataType::Float64)?;
            floats
                .as_primitive::<Float64Type>()
                .iter()
                .map(|v| {
                    v.and_then(serde_json::Number::from_f64)
                        .map_or(Value::Null, Value::Number)
                })
                .collect()
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let text = cast_to(&DataType::Utf8)?;
            text.as_string::<i32>().iter().map(|v| json!(v)).collect()
        }
        _ => {
            let options = FormatOptions::default();
            let formatter = ArrayFormatter::try_new(column.as_ref(), &options)
                .map_err(|e| write_failed("JSON", e))?;
            (0..column.len())
                .map(|i| {
                    if column.is_null(i) {
                        Value::Null
                    } else {
                        Value::String(formatter.value(i).to_string())
                    }
                })
                .collect()
        }
    };
    Ok(values)
}

pub(crate) fn csv_body(answer: &Answer) -> Result<Bytes, ApiError> {
    let mut writer = datafusion::arrow::csv::WriterBuilder::new()
        .with_header(true)
        .build(Vec::new());
    for batch in &answer.batches {
        writer.write(batch).map_err(|e| write_failed("CSV", e))?;
    }
    Ok(Bytes::from(writer.into_inner()))
}

fn arrow_body(answer: &Answer) -> Result<Bytes, ApiError> {
    let schema = Arc::clone(&answer.schema);
    let mut writer = datafusion::arrow::ipc::writer::StreamWriter::try_new(Vec::new(), &schema)
        .map_err(|e| write_failed("Arrow IPC", e))?;
    for batch in &answer.batches {
        writer
            .write(batch)
            .map_err(|e| write_failed("Arrow IPC", e))?;
    }
    writer.finish().map_err(|e| write_failed("Arrow IPC", e))?;
    let bytes = writer
        .into_inner()
        .map_err(|e| write_failed("Arrow IPC", e))?;
    Ok(Bytes::from(bytes))
}

pub(crate) fn parquet_body(answer: &Answer) -> Result<Bytes, ApiError> {
    let schema = Arc::clone(&answer.schema);
    let mut writer = datafusion::parquet::arrow::ArrowWriter::try_new(Vec::new(), schema, None)
        .map_err(|e| write_failed("Parquet", e))?;
    for batch in &answer.batches {
        writer
            .write(batch)
            .map_err(|e| write_failed("Parquet", e))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| write_failed("Parquet", e))?;
    Ok(Bytes::from(bytes))
}

async fn openapi_handler(_signed_in: SignedIn) -> Response {
    ([(CONTENT_TYPE, "application/json")], openapi().to_string()).into_response()
}

/// The OpenAPI 3.1 description of the API, written by hand.
pub(crate) fn openapi() -> Value {
    let error = |description: &str| {
        json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        })
    };
    let sql_examples = json!({
        "text/plain": {
            "schema": {"type": "string"},
            "example": "SELECT port, sum(travellers) FROM kpi_throughput_hourly GROUP BY port"
        },
        "application/json": {"schema": {"$ref": "#/components/schemas/SqlRequest"}},
        "application/x-www-form-urlencoded": {
            "schema": {"type": "string"},
            "description": "A form's field sql=…, or the SQL text itself (what `curl --data-binary 'SELECT …'` sends)."
        }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Gerbang API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Read-only SQL over the Gerbang warehouse, as the signed-in user's \
                agency may see it under the sharing policies in force. Every query is \
                bounded by the per-query time and memory limits and written to the audit \
                log; downloads (CSV, Arrow, Parquet) are also audited as exports. Every \
                failure has the shape of the Error schema."
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/sql": {
                "post": {
                    "summary": "Run one read-only SQL statement",
                    "description": "SELECT (WITH, VALUES, set operations), SHOW TABLES, SHOW \
                        COLUMNS and DESCRIBE, over the tables and KPI views the user's agency \
                        may see; anything else is refused for everyone but administrators. \
                        The response format follows Accept (JSON when absent or */*).",
                    "requestBody": {"required": true, "content": sql_examples},
                    "responses": {
                        "200": {
                            "description": "The result, in the format Accept asked for.",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Result"}},
                                "text/csv": {"schema": {"type": "string"}, "description": "With a header line."},
                                "application/vnd.apache.arrow.stream": {"schema": {"type": "string", "format": "binary"}, "description": "An Arrow IPC stream."},
                                "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}, "description": "One Parquet file."}
                            }
                        },
                        "400": error("bad_request: bad SQL, a plan that cannot be made, a failure while running (division by zero, a bad cast), an empty or malformed body."),
                        "401": error("unauthorized: no valid session cookie or API token."),
                        "403": error("refused: a statement only administrators may run (DDL, DML, COPY, external tables, table functions, EXPLAIN, SET), or a table or column that does not exist or is not shared with the user's agency (the two are not told apart). policy: the sharing policies give the user no session."),
                        "405": error("method_not_allowed: only POST."),
                        "406": error("not_acceptable: Accept names no format written here."),
                        "413": error("bad_request: the SQL text is longer than 1 MiB."),
                        "415": error("bad_request: a body that is not text/plain, application/json or application/x-www-form-urlencoded."),
                        "422": error("limit: the query ran past the per-query time limit or needed more than the per-query memory limit, and was stopped."),
                        "429": {
                            "description": "rate_limited: too many failed sign-ins or bad tokens from this address.",
                            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                        },
                        "500": error("internal: the lake could not be read, or the result could not be written.")
                    }
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {
                        "200": {"description": "The OpenAPI 3.1 document.", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "401": error("unauthorized: no valid session cookie or API token."),
                        "405": error("method_not_allowed: only GET.")
                    }
                }
            }
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (gbt_…) made with `gerbang user token <name>`: Authorization: Bearer gbt_…"
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": crate::auth::SESSION_COOKIE,
                    "description": "The dashboard's sign-in cookie (POST /sign-in). POSTs with it must come from the dashboard's own origin."
                }
            },
            "schemas": {
                "SqlRequest": {
                    "type": "object",
                    "required": ["sql"],
                    "additionalProperties": false,
                    "properties": {"sql": {"type": "string"}}
                },
                "Result": {
                    "type": "object",
                    "required": ["columns", "rows", "row_count", "tables"],
                    "properties": {
                        "columns": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "type"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "type": {"type": "string", "description": "The Arrow data type, e.g. Int64, Utf8, Date32."}
                                }
                            }
                        },
                        "rows": {
                            "type": "array",
                            "items": {"type": "array", "items": {"type": ["string", "number", "boolean", "null"]}},
                            "description": "One array per row, in column order. Numbers and booleans as JSON; dates, times and decimals as text."
                        },
                        "row_count": {"type": "integer"},
                        "tables": {"type": "array", "items": {"type": "string"}, "description": "The warehouse tables the query read, views resolved."}
                    }
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {
                                    "type": "string",
                                    "enum": ["refused", "limit", "policy", "bad_request", "unauthorized", "rate_limited", "not_acceptable", "internal", "not_found", "method_not_allowed"]
                                },
                                "message": {"type": "string"}
                            }
                        }
                    }
                }
            }
        }
    })
}
