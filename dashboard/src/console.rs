//! The SQL console: a page where a signed-in user writes read-only SQL and sees the result
//! as a table and a quick chart, with a browser of what their agency may see, their own
//! query history, and saved queries (private or shared with their agency); the result
//! downloads as CSV, XLSX or Parquet.
//!
//! The page is a plain HTML form posted to the server, so it works without JavaScript.
//! Every query runs in the user's policy session as the `console` interface (checked,
//! bounded by the query limits and audited like any other); a download runs the SQL again
//! and is audited as an `export` as well. The history is read from the audit (the records
//! still in memory and the files in the lake), for the signed-in user only. Saved queries
//! are small JSON objects in the lake's object store under `_console/saved/<agency>/`, so
//! they survive restarts; a user lists, loads and deletes only in their own agency's
//! folder, and so can never reach another agency's query. A warehouse without a lake keeps
//! them in memory.

use std::sync::Arc;
use std::time::Instant;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Float64Type, Int64Type, TimeUnit, TimestampMillisecondType,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::logical_expr::{col, lit};
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::TryStreamExt;
use gerbang_query::audit::{AuditRecord, Outcome};
use gerbang_query::policy::{Answer, Principal, Seen, Session};
use gerbang_query::{QueryError, Warehouse};
use leptos::prelude::*;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use crate::auth::SignedIn;
use crate::charts::{self, BarColours, BarScale, LineChart, Series, StackedBars};
use crate::i18n::Lang;
use crate::layout::{ACCOUNT_SLOT, ChartFigure, PageContext, Section, account_html, document};
use crate::server::{Dashboard, LangChoice, private_page};

/// Rows of a result shown in the page; the download has them all.
pub(crate) const SHOWN_ROWS: usize = 1_000;
/// Queries of the history shown.
const HISTORY: usize = 50;
/// Bars of a quick bar chart.
const BARS: usize = 30;
/// Lines of a quick line chart.
const LINES: usize = 6;
/// Days a quick line chart spans at most.
const CHART_DAYS: i64 = 400;
/// The most rows a worksheet holds, header included.
const XLSX_ROWS: usize = 1_048_576;
/// Where saved queries live below the lake's root.
const SAVED_DIR: &str = "_console/saved";

/// The console's words, in both languages side by side.
struct Texts {
    title: &'static str,
    intro: &'static str,
    sql_label: &'static str,
    run: &'static str,
    download: &'static str,
    result: &'static str,
    rows_total: &'static str,
    rows_shown: &'static str,
    no_rows: &'static str,
    chart: &'static str,
    no_chart: &'static str,
    chart_bars_first: &'static str,
    chart_first_numeric_only: &'static str,
    why_no_rows: &'static str,
    why_first_column: &'static str,
    why_no_numbers: &'static str,
    why_too_long: &'static str,
    refused: &'static str,
    limit: &'static str,
    policy: &'static str,
    not_found: &'static str,
    syntax: &'static str,
    internal: &'static str,
    schema: &'static str,
    schema_intro: &'static str,
    not_shared: &'static str,
    seen_full: &'static str,
    seen_records: &'static str,
    seen_aggregate: &'static str,
    seen_granted_view: &'static str,
    seen_derived_view: &'static str,
    seen_audit: &'static str,
    history: &'static str,
    history_empty: &'static str,
    history_unreadable: &'static str,
    load: &'static str,
    saved: &'static str,
    saved_empty: &'static str,
    saved_unreadable: &'static str,
    saved_in_memory: &'static str,
    saved_not_written: &'static str,
    save_title: &'static str,
    save_shared: &'static str,
    save: &'static str,
    delete: &'static str,
    mine: &'static str,
    shared_by: &'static str,
    private: &'static str,
    shared: &'static str,
    not_loaded: &'static str,
    too_many_for_xlsx: &'static str,
    empty_sql: &'static str,
    unknown_format: &'static str,
}

const EN: Texts = Texts {
    title: "SQL console",
    intro: "Read-only SQL over what your agency may see under the sharing policies. Every query is bounded by the query limits and written to the audit log.",
    sql_label: "SQL",
    run: "Run",
    download: "Download",
    result: "Result",
    rows_total: "{n} rows.",
    rows_shown: "{n} rows; the first {shown} are shown, the download has them all.",
    no_rows: "The query returned no rows.",
    chart: "Quick chart",
    no_chart: "No chart",
    chart_bars_first: "The first {n} rows are drawn.",
    chart_first_numeric_only: "Only the first numeric column, {column}, is drawn.",
    why_no_rows: "there are no rows to draw.",
    why_first_column: "a chart needs a first column of text, dates or times; this one is {type}.",
    why_no_numbers: "a chart needs a numeric column after the first; there is none.",
    why_too_long: "the dates span more than 400 days; aggregate them (by week or month) to chart them.",
    refused: "Refused by the sharing policy or the console's rules",
    limit: "Stopped by the query limit",
    policy: "The sharing policies give you no session",
    not_found: "Not found, or not shared with your agency",
    syntax: "The SQL could not be run",
    internal: "The query failed",
    schema: "What you may see",
    schema_intro: "Tables and views of your session, with their columns and types.",
    not_shared: "Not shared with your agency",
    seen_full: "all rows",
    seen_records: "the shared rows and columns",
    seen_aggregate: "counts only",
    seen_granted_view: "the shared view",
    seen_derived_view: "made from what you may see",
    seen_audit: "the audit",
    history: "Your recent queries",
    history_empty: "You have not run a query in the console yet.",
    history_unreadable: "The history could not be read: ",
    load: "Load",
    saved: "Saved queries",
    saved_empty: "No saved queries yet.",
    saved_unreadable: "The saved queries could not be read: ",
    saved_in_memory: "This warehouse has no lake: saved queries last until the server stops.",
    saved_not_written: "The saved queries could not be changed: ",
    save_title: "Title",
    save_shared: "Share with my agency",
    save: "Save",
    delete: "Delete",
    mine: "mine",
    shared_by: "shared by {user}",
    private: "private",
    shared: "shared",
    not_loaded: "That saved query is not yours and not shared with your agency, or it no longer exists.",
    too_many_for_xlsx: "The result has more rows than a worksheet holds (1,048,575); download CSV or Parquet.",
    empty_sql: "Write a SQL statement first.",
    unknown_format: "Choose a download format: csv, xlsx or parquet.",
};

const ID: Texts = Texts {
    title: "Konsol SQL",
    intro: "SQL baca-saja atas data yang boleh dilihat instansi Anda menurut kebijakan berbagi data. Setiap kueri dibatasi oleh batas kueri dan dicatat dalam log audit.",
    sql_label: "SQL",
    run: "Jalankan",
    download: "Unduh",
    result: "Hasil",
    rows_total: "{n} baris.",
    rows_shown: "{n} baris; {shown} baris pertama ditampilkan, unduhan memuat semuanya.",
    no_rows: "Kueri tidak menghasilkan baris.",
    chart: "Grafik cepat",
    no_chart: "Tanpa grafik",
    chart_bars_first: "{n} baris pertama digambar.",
    chart_first_numeric_only: "Hanya kolom numerik pertama, {column}, yang digambar.",
    why_no_rows: "tidak ada baris untuk digambar.",
    why_first_column: "grafik memerlukan kolom pertama berisi teks, tanggal, atau waktu; kolom ini bertipe {type}.",
    why_no_numbers: "grafik memerlukan kolom numerik setelah kolom pertama; tidak ada.",
    why_too_long: "rentang tanggal lebih dari 400 hari; agregasikan (per minggu atau bulan) untuk menggambarnya.",
    refused: "Ditolak oleh kebijakan berbagi data atau aturan konsol",
    limit: "Dihentikan oleh batas kueri",
    policy: "Kebijakan berbagi data tidak memberi Anda sesi",
    not_found: "Tidak ditemukan, atau tidak dibagikan dengan instansi Anda",
    syntax: "SQL tidak dapat dijalankan",
    internal: "Kueri gagal",
    schema: "Yang boleh Anda lihat",
    schema_intro: "Tabel dan view dalam sesi Anda, dengan kolom dan tipenya.",
    not_shared: "Tidak dibagikan dengan instansi Anda",
    seen_full: "semua baris",
    seen_records: "baris dan kolom yang dibagikan",
    seen_aggregate: "hanya hitungan",
    seen_granted_view: "view yang dibagikan",
    seen_derived_view: "dibuat dari yang boleh Anda lihat",
    seen_audit: "audit",
    history: "Kueri terakhir Anda",
    history_empty: "Anda belum menjalankan kueri di konsol.",
    history_unreadable: "Riwayat tidak dapat dibaca: ",
    load: "Muat",
    saved: "Kueri tersimpan",
    saved_empty: "Belum ada kueri tersimpan.",
    saved_unreadable: "Kueri tersimpan tidak dapat dibaca: ",
    saved_in_memory: "Gudang data ini tanpa lake: kueri tersimpan hilang saat server berhenti.",
    saved_not_written: "Kueri tersimpan tidak dapat diubah: ",
    save_title: "Judul",
    save_shared: "Bagikan dengan instansi saya",
    save: "Simpan",
    delete: "Hapus",
    mine: "milik saya",
    shared_by: "dibagikan oleh {user}",
    private: "pribadi",
    shared: "dibagikan",
    not_loaded: "Kueri tersimpan itu bukan milik Anda dan tidak dibagikan dengan instansi Anda, atau sudah tidak ada.",
    too_many_for_xlsx: "Hasil memiliki lebih banyak baris daripada yang muat di lembar kerja (1.048.575); unduh CSV atau Parquet.",
    empty_sql: "Tulis pernyataan SQL terlebih dahulu.",
    unknown_format: "Pilih format unduhan: csv, xlsx, atau parquet.",
};

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Id => &ID,
    }
}

/// One saved query, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SavedQuery {
    pub id: String,
    pub title: String,
    pub sql: String,
    pub user: String,
    pub agency: String,
    /// Shared with the user's agency; otherwise only the user sees it.
    pub shared: bool,
    pub saved_at: DateTime<Utc>,
}

impl SavedQuery {
    fn visible_to(&self, who: &Principal) -> bool {
        self.agency == who.agency && (self.shared || self.user == who.user)
    }
}

/// The saved queries of every agency, one JSON object each.
#[derive(Debug)]
pub(crate) struct SavedQueries {
    store: Arc<dyn ObjectStore>,
    root: Path,
    /// Whether they are in a lake (and so survive a restart).
    lasting: bool,
}

impl SavedQueries {
    /// In the warehouse's lake, or in memory for a warehouse without one.
    pub(crate) fn of(warehouse: &Warehouse) -> SavedQueries {
        match warehouse.lake() {
            Some(lake) => SavedQueries {
                store: lake.store(),
                root: lake.path(SAVED_DIR),
                lasting: true,
            },
            None => SavedQueries {
                store: Arc::new(InMemory::new()),
                root: Path::from(SAVED_DIR),
                lasting: false,
            },
        }
    }

    fn folder(&self, agency: &str) -> Path {
        self.root.clone().join(agency)
    }

    fn location(&self, agency: &str, id: &str) -> Path {
        self.folder(agency).join(format!("{id}.json").as_str())
    }

    /// The user's own queries and those shared with their agency, newest first.
    async fn list(&self, who: &Principal) -> Result<Vec<SavedQuery>, String> {
        let metas: Vec<_> = self
            .store
            .list(Some(&self.folder(&who.agency)))
            .try_collect()
            .await
            .map_err(|e| e.to_string())?;
        let mut queries = Vec::new();
        for meta in metas {
            if !meta.location.as_ref().ends_with(".json") {
                continue;
            }
            if let Some(query) = self.read(&meta.location).await?
                && query.visible_to(who)
            {
                queries.push(query);
            }
        }
        queries.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then(a.id.cmp(&b.id)));
        Ok(queries)
    }

    async fn read(&self, location: &Path) -> Result<Option<SavedQuery>, String> {
        let bytes = match self.store.get(location).await {
            Ok(found) => found.bytes().await.map_err(|e| e.to_string())?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{location}: {e}"))
    }

    /// A query the user may load: in their agency's folder, and theirs or shared.
    pub(crate) async fn get(&self, who: &Principal, id: &str) -> Option<SavedQuery> {
        if !is_id(id) {
            return None;
        }
        let query = self
            .read(&self.location(&who.agency, id))
            .await
            .ok()
            .flatten()?;
        query.visible_to(who).then_some(query)
    }

    pub(crate) async fn save(
        &self,
        who: &Principal,
        title: &str,
        sql: &str,
        shared: bool,
    ) -> Result<SavedQuery, String> {
        let bytes: [u8; 16] = rand::random();
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let title = match title.trim() {
            "" => sql
                .trim()
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(60)
                .collect(),
            given => given.chars().take(200).collect(),
        };
        let query = SavedQuery {
            id,
            title,
            sql: sql.to_string(),
            user: who.user.clone(),
            agency: who.agency.clone(),
            shared,
            saved_at: Utc::now(),
        };
        let json = serde_json::to_vec_pretty(&query).map_err(|e| e.to_string())?;
        self.store
            .put(
                &self.location(&who.agency, &query.id),
                PutPayload::from(json),
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(query)
    }

    /// Deletes one of the user's own queries; `false` when there is none by that id.
    pub(crate) async fn delete(&self, who: &Principal, id: &str) -> Result<bool, String> {
        if !is_id(id) {
            return Ok(false);
        }
        let location = self.location(&who.agency, id);
        match self.read(&location).await? {
            Some(query) if query.user == who.user && query.agency == who.agency => {
                self.store
                    .delete(&location)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// A saved query's id: 32 lowercase hex digits, nothing that could name another folder.
fn is_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// One query of the user's history.
#[derive(Debug, Clone)]
struct HistoryEntry {
    at: DateTime<Utc>,
    sql: String,
    outcome: String,
    rows: Option<i64>,
}

/// The user's last console queries, newest first, read from the audit.
async fn history(warehouse: &Warehouse, who: &Principal) -> Result<Vec<HistoryEntry>, String> {
    let fail = |e: datafusion::error::DataFusionError| e.to_string();
    let ctx =
        SessionContext::new_with_config_rt(SessionConfig::new(), warehouse.context().runtime_env());
    let mine = col("user")
        .eq(lit(who.user.as_str()))
        .and(col("agency").eq(lit(who.agency.as_str())))
        .and(col("action").eq(lit("query")))
        .and(col("interface").eq(lit("console")));
    let batches = ctx
        .read_table(warehouse.audit_log().table())
        .map_err(fail)?
        .filter(mine)
        .map_err(fail)?
        .sort(vec![col("at").sort(false, false)])
        .map_err(fail)?
        .limit(0, Some(HISTORY))
        .map_err(fail)?
        .select_columns(&["at", "sql", "outcome", "rows_returned"])
        .map_err(fail)?
        .collect()
        .await
        .map_err(fail)?;
    let mut entries = Vec::new();
    for batch in batches {
        let at = cast(
            batch.column(0),
            &DataType::Timestamp(TimeUnit::Millisecond, None),
        )
        .map_err(|e| e.to_string())?;
        let at = at.as_primitive::<TimestampMillisecondType>();
        let sql = batch.column(1).as_string::<i32>();
        let outcome = batch.column(2).as_string::<i32>();
        let rows = batch.column(3).as_primitive::<Int64Type>();
        for i in 0..batch.num_rows() {
            entries.push(HistoryEntry {
                at: DateTime::from_timestamp_millis(at.value(i)).unwrap_or_default(),
                sql: sql.value(i).to_string(),
                outcome: outcome.value(i).to_string(),
                rows: rows.is_valid(i).then(|| rows.value(i)),
            });
        }
    }
    Ok(entries)
}

/// One table or view of the schema browser.
#[derive(Debug, Clone)]
struct SchemaEntry {
    name: String,
    seen: Seen,
    columns: Vec<(String, String)>,
}

/// What the session sees, with each object's columns (planned, not run: nothing is read
/// and nothing is audited).
async fn schema_of(session: &Session) -> Vec<SchemaEntry> {
    let mut entries = Vec::new();
    for (name, seen) in &session.visibility().objects {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let columns = match session.describe(&format!("SELECT * FROM {quoted}")).await {
            Ok(described) => described
                .schema
                .fields()
                .iter()
                .map(|f| (f.name().clone(), f.data_type().to_string()))
                .collect(),
            Err(_) => Vec::new(),
        };
        entries.push(SchemaEntry {
            name: name.clone(),
            seen: seen.clone(),
            columns,
        });
    }
    entries
}

/// Why a query gave no result, as the page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Refused,
    Limit,
    Policy,
    NotFound,
    Syntax,
    Internal,
}

impl Failure {
    fn of(error: &QueryError, principal: &Principal) -> Failure {
        match error {
            QueryError::Refused(_) => Failure::Refused,
            QueryError::Limit(_) => Failure::Limit,
            QueryError::Policy { .. } => Failure::Policy,
            QueryError::Sql(sql) => {
                let text = sql.to_string();
                let missing = text.contains("not found") || text.contains("No field named");
                if missing && !principal.is_administrator() {
                    Failure::NotFound
                } else {
                    Failure::Syntax
                }
            }
            _ => Failure::Internal,
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Failure::Refused | Failure::Policy | Failure::NotFound => StatusCode::FORBIDDEN,
            Failure::Limit => StatusCode::UNPROCESSABLE_ENTITY,
            Failure::Syntax => StatusCode::BAD_REQUEST,
            Failure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn heading(self, lang: Lang) -> &'static str {
        let t = texts(lang);
        match self {
            Failure::Refused => t.refused,
            Failure::Limit => t.limit,
            Failure::Policy => t.policy,
            Failure::NotFound => t.not_found,
            Failure::Syntax => t.syntax,
            Failure::Internal => t.internal,
        }
    }
}

/// What the page shows under the editor.
enum Shown {
    Nothing,
    Answer(Answer),
    Failed(Failure, String),
    Notice(String),
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageParams {
    sql: Option<String>,
    load: Option<String>,
    lang: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ConsoleForm {
    #[serde(default)]
    sql: String,
    lang: Option<String>,
    title: Option<String>,
    shared: Option<String>,
    id: Option<String>,
    format: Option<String>,
}

fn choice_of(lang: Option<&str>, headers: &HeaderMap) -> LangChoice {
    LangChoice::of(lang.map(|l| format!("lang={l}")).as_deref(), headers)
}

/// `GET /console`: the editor, empty, with `?sql=` (from the history) or with `?load=`
/// (a saved query).
pub(crate) async fn page(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Response {
    let choice = choice_of(params.lang.as_deref(), &headers);
    let (sql, outcome) = match params.load.as_deref() {
        Some(id) => match dashboard.console.get(&principal, id).await {
            Some(saved) => (saved.sql, Shown::Nothing),
            None => (
                String::new(),
                Shown::Notice(texts(choice.lang).not_loaded.to_string()),
            ),
        },
        None => (params.sql.unwrap_or_default(), Shown::Nothing),
    };
    render(&dashboard, &principal, choice, &sql, outcome).await
}

/// `POST /console`: runs the SQL and shows its result.
pub(crate) async fn run(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    headers: HeaderMap,
    Form(form): Form<ConsoleForm>,
) -> Response {
    let choice = choice_of(form.lang.as_deref(), &headers);
    let outcome = if form.sql.trim().is_empty() {
        Shown::Notice(texts(choice.lang).empty_sql.to_string())
    } else {
        match session(&dashboard, &principal).await {
            Ok(session) => match session.sql(&form.sql).await {
                Ok(answer) => Shown::Answer(answer),
                Err(error) => Shown::Failed(Failure::of(&error, &principal), error.to_string()),
            },
            Err(error) => Shown::Failed(Failure::Policy, error.to_string()),
        }
    };
    render(&dashboard, &principal, choice, &form.sql, outcome).await
}

/// `POST /console/saved`: saves the editor's SQL and loads it back.
pub(crate) async fn save(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    headers: HeaderMap,
    Form(form): Form<ConsoleForm>,
) -> Response {
    let choice = choice_of(form.lang.as_deref(), &headers);
    if form.sql.trim().is_empty() {
        let notice = Shown::Notice(texts(choice.lang).empty_sql.to_string());
        return render(&dashboard, &principal, choice, "", notice).await;
    }
    let shared = form
        .shared
        .is_some_and(|v| v == "on" || v == "true" || v == "1");
    let title = form.title.unwrap_or_default();
    match dashboard
        .console
        .save(&principal, &title, &form.sql, shared)
        .await
    {
        Ok(saved) => see_other(&format!(
            "/console?load={}&lang={}",
            saved.id,
            choice.lang.code()
        )),
        Err(error) => {
            let notice = Shown::Notice(format!("{}{error}", texts(choice.lang).saved_not_written));
            render(&dashboard, &principal, choice, &form.sql, notice).await
        }
    }
}

/// `POST /console/saved/delete`: deletes one of the user's own saved queries.
pub(crate) async fn delete(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    headers: HeaderMap,
    Form(form): Form<ConsoleForm>,
) -> Response {
    let choice = choice_of(form.lang.as_deref(), &headers);
    let id = form.id.unwrap_or_default();
    match dashboard.console.delete(&principal, &id).await {
        Ok(_) => see_other(&format!("/console?lang={}", choice.lang.code())),
        Err(error) => {
            let notice = Shown::Notice(format!("{}{error}", texts(choice.lang).saved_not_written));
            render(&dashboard, &principal, choice, "", notice).await
        }
    }
}

/// `GET /console/download?format=…&sql=…`.
pub(crate) async fn download_get(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    headers: HeaderMap,
    Query(params): Query<ConsoleForm>,
) -> Response {
    download(&dashboard, &principal, &headers, params).await
}

/// `POST /console/download?format=…` with the SQL in the form (the editor's buttons).
pub(crate) async fn download_post(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    headers: HeaderMap,
    uri: Uri,
    Form(mut form): Form<ConsoleForm>,
) -> Response {
    if form.format.is_none() {
        form.format = Query::<ConsoleForm>::try_from_uri(&uri)
            .ok()
            .and_then(|q| q.0.format);
    }
    download(&dashboard, &principal, &headers, form).await
}

/// The formats a download is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Download {
    Csv,
    Xlsx,
    Parquet,
}

impl Download {
    fn parse(text: &str) -> Option<Download> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Download::Csv),
            "xlsx" => Some(Download::Xlsx),
            "parquet" => Some(Download::Parquet),
            _ => None,
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Download::Csv => "text/csv; charset=utf-8",
            Download::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Download::Parquet => "application/vnd.apache.parquet",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Download::Csv => "csv",
            Download::Xlsx => "xlsx",
            Download::Parquet => "parquet",
        }
    }
}

async fn download(
    dashboard: &Dashboard,
    principal: &Principal,
    headers: &HeaderMap,
    form: ConsoleForm,
) -> Response {
    let choice = choice_of(form.lang.as_deref(), headers);
    let t = texts(choice.lang);
    let Some(format) = form.format.as_deref().and_then(Download::parse) else {
        let notice = Shown::Notice(t.unknown_format.to_string());
        let mut response = render(dashboard, principal, choice, &form.sql, notice).await;
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return response;
    };
    if form.sql.trim().is_empty() {
        let notice = Shown::Notice(t.empty_sql.to_string());
        let mut response = render(dashboard, principal, choice, "", notice).await;
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return response;
    }
    let started = Instant::now();
    let answer = match session(dashboard, principal).await {
        Ok(session) => session.sql(&form.sql).await,
        Err(error) => Err(error),
    };
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            let failure = Failure::of(&error, principal);
            let outcome = Shown::Failed(failure, error.to_string());
            return render(dashboard, principal, choice, &form.sql, outcome).await;
        }
    };
    let body = match format {
        Download::Csv => crate::api::csv_body(&answer)
            .map(|b| b.to_vec())
            .map_err(|e| e.message),
        Download::Parquet => crate::api::parquet_body(&answer)
            .map(|b| b.to_vec())
            .map_err(|e| e.message),
        Download::Xlsx if answer.rows >= XLSX_ROWS => Err(t.too_many_for_xlsx.to_string()),
        Download::Xlsx => {
            xlsx_body(&answer).map_err(|e| format!("the XLSX could not be written: {e}"))
        }
    };
    let body = match body {
        Ok(body) => body,
        Err(message) => {
            let outcome = Shown::Failed(Failure::Internal, message);
            return render(dashboard, principal, choice, &form.sql, outcome).await;
        }
    };
    dashboard.warehouse.audit_log().record(AuditRecord {
        at: Utc::now(),
        user: principal.user.clone(),
        agency: principal.agency.clone(),
        roles: principal.roles_text(),
        action: "export".to_string(),
        interface: "console".to_string(),
        sql: form.sql.clone(),
        tables: answer.tables.clone(),
        rows: Some(answer.rows as u64),
        outcome: Outcome::Ok,
        error: None,
        duration: started.elapsed(),
    });
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let disposition = format!(
        "attachment; filename=\"gerbang-console.{}\"",
        format.extension()
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

async fn session(dashboard: &Dashboard, principal: &Principal) -> gerbang_query::Result<Session> {
    Ok(dashboard
        .session_for(principal)
        .await?
        .with_interface("console"))
}

/// The result as one worksheet: a bold header row that stays in view, numbers as numbers,
/// booleans as booleans, everything else as its text.
fn xlsx_body(answer: &Answer) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook, XlsxError};
    let text_error =
        |e: datafusion::arrow::error::ArrowError| XlsxError::ParameterError(e.to_string());
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("result")?;
    for (c, field) in answer.schema.fields().iter().enumerate() {
        let c = u16::try_from(c).map_err(|e| XlsxError::ParameterError(e.to_string()))?;
        sheet.write_string_with_format(0, c, field.name(), &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let options = FormatOptions::default();
    let mut first_row: u32 = 1;
    for batch in &answer.batches {
        for (c, column) in batch.columns().iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| XlsxError::ParameterError(e.to_string()))?;
            let data_type = column.data_type();
            if data_type.is_numeric() {
                let numbers = cast(column, &DataType::Float64).map_err(text_error)?;
                let numbers = numbers.as_primitive::<Float64Type>();
                for i in 0..numbers.len() {
                    if numbers.is_valid(i) && numbers.value(i).is_finite() {
                        sheet.write_number(first_row + i as u32, c, numbers.value(i))?;
                    }
                }
            } else if *data_type == DataType::Boolean {
                let flags = column.as_boolean();
                for i in 0..flags.len() {
                    if flags.is_valid(i) {
                        sheet.write_boolean(first_row + i as u32, c, flags.value(i))?;
                    }
                }
            } else {
                let formatter =
                    ArrayFormatter::try_new(column.as_ref(), &options).map_err(text_error)?;
                for i in 0..column.len() {
                    if column.is_valid(i) {
                        sheet.write_string(
                            first_row + i as u32,
                            c,
                            formatter.value(i).to_string(),
                        )?;
                    }
                }
            }
        }
        first_row += u32::try_from(batch.num_rows()).unwrap_or(u32::MAX);
    }
    sheet.autofit();
    workbook.save_to_buffer()
}

/// The first [`SHOWN_ROWS`] rows of an answer, as one batch.
fn shown_rows(answer: &Answer) -> Option<RecordBatch> {
    let mut parts = Vec::new();
    let mut left = SHOWN_ROWS;
    for batch in &answer.batches {
        if left == 0 {
            break;
        }
        let take = batch.num_rows().min(left);
        parts.push(batch.slice(0, take));
        left -= take;
    }
    datafusion::arrow::compute::concat_batches(&answer.schema, &parts).ok()
}

/// A quick chart of the rows shown: text in the first column gives bars of the first
/// numeric column, dates or times give a line per numeric column. `Err` says why not.
fn quick_chart(lang: Lang, rows: &RecordBatch) -> Result<(ChartFigure, Vec<String>), String> {
    let t = texts(lang);
    if rows.num_rows() == 0 {
        return Err(t.why_no_rows.to_string());
    }
    let schema = rows.schema();
    let first = rows.column(0);
    let numeric: Vec<usize> = (1..rows.num_columns())
        .filter(|&c| schema.field(c).data_type().is_numeric())
        .collect();
    let first_type = first.data_type();
    let is_text = matches!(
        first_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    );
    let is_time = matches!(
        first_type,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(..)
    );
    if !is_text && !is_time {
        return Err(t
            .why_first_column
            .replace("{type}", &first_type.to_string()));
    }
    if numeric.is_empty() {
        return Err(t.why_no_numbers.to_string());
    }
    let values = |c: usize| -> Result<Vec<Option<f64>>, String> {
        let floats = cast(rows.column(c), &DataType::Float64).map_err(|e| e.to_string())?;
        let floats = floats.as_primitive::<Float64Type>();
        Ok((0..floats.len())
            .map(|i| (floats.is_valid(i) && floats.value(i).is_finite()).then(|| floats.value(i)))
            .collect())
    };
    let mut notes = Vec::new();
    if is_text {
        let labels = cast(first, &DataType::Utf8).map_err(|e| e.to_string())?;
        let labels = labels.as_string::<i32>();
        let column = numeric[0];
        let numbers = values(column)?;
        let count = rows.num_rows().min(BARS);
        let bars: Vec<(String, Vec<f64>)> = (0..count)
            .map(|i| {
                let label: String = if labels.is_valid(i) {
                    labels.value(i).chars().take(28).collect()
                } else {
                    "NULL".to_string()
                };
                (label, vec![numbers[i].unwrap_or(0.0)])
            })
            .collect();
        if rows.num_rows() > BARS {
            notes.push(t.chart_bars_first.replace("{n}", &BARS.to_string()));
        }
        if numeric.len() > 1 {
            notes.push(
                t.chart_first_numeric_only
                    .replace("{column}", schema.field(column).name()),
            );
        }
        let summary = format!(
            "{}: {} / {}",
            t.chart,
            schema.field(column).name(),
            schema.field(0).name()
        );
        let chart = StackedBars {
            id: "console-chart".to_string(),
            rows: bars,
            x_description: schema.field(column).name().clone(),
            summary: summary.clone(),
            lang,
            scale: BarScale::Minutes,
            colours: BarColours::Categorical,
        };
        let svg = charts::stacked_bars_svg(&chart).map_err(|e| e.to_string())?;
        return Ok((
            ChartFigure {
                svg,
                legend: Vec::new(),
                summary,
            },
            notes,
        ));
    }
    // Dates and times: hours since the start of the first day.
    let millis = cast(first, &DataType::Timestamp(TimeUnit::Millisecond, None))
        .or_else(|_| {
            cast(first, &DataType::Date32)
                .and_then(|d| cast(&d, &DataType::Timestamp(TimeUnit::Millisecond, None)))
        })
        .map_err(|e| e.to_string())?;
    let millis = millis.as_primitive::<TimestampMillisecondType>();
    let moments: Vec<Option<DateTime<Utc>>> = (0..millis.len())
        .map(|i| {
            millis
                .is_valid(i)
                .then(|| DateTime::from_timestamp_millis(millis.value(i)))
                .flatten()
        })
        .collect();
    let (Some(start), Some(end)) = (
        moments.iter().flatten().map(|m| m.date_naive()).min(),
        moments.iter().flatten().map(|m| m.date_naive()).max(),
    ) else {
        return Err(t.why_no_rows.to_string());
    };
    let days = (end - start).num_days() + 1;
    if days > CHART_DAYS {
        return Err(t.why_too_long.to_string());
    }
    let daily = matches!(first_type, DataType::Date32 | DataType::Date64);
    let hour_of = |moment: DateTime<Utc>| -> i32 {
        let hours = (moment - start.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()).num_hours();
        let hours = i32::try_from(hours).unwrap_or(0);
        if daily { hours + 12 } else { hours }
    };
    let mut series = Vec::new();
    for &column in numeric.iter().take(LINES) {
        let numbers = values(column)?;
        let mut points: Vec<(i32, f64)> = moments
            .iter()
            .zip(&numbers)
            .filter_map(|(moment, value)| Some((hour_of((*moment)?), (*value)?)))
            .collect();
        points.sort_by_key(|(x, _)| *x);
        series.push(Series {
            short_label: schema.field(column).name().chars().take(16).collect(),
            points,
        });
    }
    let highest = series
        .iter()
        .flat_map(|s| s.points.iter().map(|(_, y)| *y))
        .fold(0.0_f64, f64::max);
    let day_labels: Vec<String> = (0..days)
        .map(|d| lang.date_tiny(start + chrono::Duration::days(d)))
        .collect();
    let names: Vec<String> = series.iter().map(|s| s.short_label.clone()).collect();
    let summary = format!(
        "{}: {} / {} ({})",
        t.chart,
        names.join(", "),
        schema.field(0).name(),
        lang.date_range(start, end)
    );
    let legend = names
        .iter()
        .enumerate()
        .map(|(index, name)| crate::layout::LegendEntry {
            label: name.clone(),
            colour: Some(index),
        })
        .collect();
    let chart = LineChart {
        id: "console-chart".to_string(),
        day_labels,
        x_description: schema.field(0).name().clone(),
        y_description: String::new(),
        series,
        reference: None,
        summary: summary.clone(),
        lang,
        size: charts::WIDE,
        y_max: (highest > 0.0).then_some(highest * 1.1),
        join_within: if daily { charts::DAILY } else { charts::HOURLY },
    };
    let svg = charts::line_chart_svg(&chart).map_err(|e| e.to_string())?;
    if numeric.len() > LINES {
        notes.push(
            t.chart_first_numeric_only
                .replace("{column}", &names.join(", ")),
        );
    }
    Ok((
        ChartFigure {
            svg,
            legend,
            summary,
        },
        notes,
    ))
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The console page, with what it shows under the editor.
async fn render(
    dashboard: &Dashboard,
    principal: &Principal,
    choice: LangChoice,
    sql: &str,
    outcome: Shown,
) -> Response {
    let lang = choice.lang;
    let t = texts(lang);
    let status = match &outcome {
        Shown::Failed(failure, _) => failure.status(),
        _ => StatusCode::OK,
    };
    let (schema, absent) = match session(dashboard, principal).await {
        Ok(session) => (
            schema_of(&session).await,
            session.visibility().absent.clone().into_iter().collect(),
        ),
        Err(_) => (Vec::new(), Vec::new()),
    };
    let history = history(&dashboard.warehouse, principal).await;
    let saved = dashboard.console.list(principal).await;
    let context = PageContext {
        lang,
        path: "/console".to_string(),
        query: String::new(),
        section: Section::Console,
        meeting: false,
        data_version: dashboard.warehouse.data_version(),
        targets_version: dashboard.warehouse.targets().version.clone(),
    };
    let main = view! {
        <h1>{t.title}</h1>
        <p class="lead">{t.intro}</p>
        <style>{CONSOLE_CSS}</style>
        <div class="console">
            <div class="console-main">
                {editor(lang, sql)}
                {outcome_view(lang, outcome)}
            </div>
            <aside class="console-side">
                {saved_view(lang, principal, saved, dashboard.console.lasting)}
                {history_view(lang, history)}
                {schema_view(lang, schema, absent)}
            </aside>
        </div>
    }
    .into_any();
    let body =
        document(&context, t.title, main).replacen(ACCOUNT_SLOT, &account_html(lang, principal), 1);
    // A result is the user's own and may be large: never kept.
    private_page(status, body, choice)
}

const CONSOLE_CSS: &str = "\
.console { display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 1fr); gap: 1.5rem; align-items: start; }\
@media (max-width: 60rem) { .console { grid-template-columns: 1fr; } }\
.console textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; font-size: 0.95rem; }\
.console-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0 1rem; }\
.console-save { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }\
.console-side section { margin-bottom: 1.5rem; }\
.console-side ul { padding-left: 1.1rem; }\
.console-side li { margin: 0.3rem 0; }\
.console-side code { overflow-wrap: anywhere; }\
.console button { font: inherit; padding: 0.3rem 0.9rem; cursor: pointer; }\
.console-result { max-height: 36rem; overflow: auto; }\
.console-result td, .console-result th { white-space: nowrap; }\
.console-error { border-left-color: #b00020; }\
.console .type { color: var(--muted); font-weight: 400; font-size: 0.8rem; }\
";

fn editor(lang: Lang, sql: &str) -> AnyView {
    let t = texts(lang);
    view! {
        <form class="console-form" method="post" action="/console">
            <input type="hidden" name="lang" value=lang.code() />
            <label for="sql">{t.sql_label}</label>
            <textarea id="sql" name="sql" rows="10" spellcheck="false" autocapitalize="none">
                {sql.to_string()}
            </textarea>
            <div class="console-actions">
                <button type="submit">{t.run}</button>
                <span>{format!("{}:", t.download)}</span>
                <button type="submit" formaction="/console/download?format=csv">"CSV"</button>
                <button type="submit" formaction="/console/download?format=xlsx">"XLSX"</button>
                <button type="submit" formaction="/console/download?format=parquet">
                    "Parquet"
                </button>
            </div>
            <div class="console-save">
                <label for="title">{t.save_title}</label>
                <input id="title" name="title" maxlength="200" />
                <label>
                    <input type="checkbox" name="shared" value="on" />
                    {format!(" {}", t.save_shared)}
                </label>
                <button type="submit" formaction="/console/saved">{t.save}</button>
            </div>
        </form>
    }
    .into_any()
}

fn outcome_view(lang: Lang, outcome: Shown) -> AnyView {
    let t = texts(lang);
    match outcome {
        Shown::Nothing => ().into_any(),
        Shown::Notice(text) => view! { <p class="notice" role="status">{text}</p> }.into_any(),
        Shown::Failed(failure, message) => view! {
            <div class="notice console-error" role="alert">
                <h2>{failure.heading(lang)}</h2>
                <pre class="error-details" lang="en">{message}</pre>
            </div>
        }
        .into_any(),
        Shown::Answer(answer) => {
            let count = if answer.rows > SHOWN_ROWS {
                t.rows_shown
                    .replace("{n}", &lang.count(answer.rows as i64))
                    .replace("{shown}", &lang.count(SHOWN_ROWS as i64))
            } else {
                t.rows_total.replace("{n}", &lang.count(answer.rows as i64))
            };
            let rows = shown_rows(&answer);
            let table = rows.as_ref().map(result_table);
            let chart = match rows.as_ref().map(|rows| quick_chart(lang, rows)) {
                Some(Ok((figure, notes))) => {
                    let notes = notes
                        .into_iter()
                        .map(|n| view! { <p>{n}</p> })
                        .collect_view();
                    view! {
                        <h2>{t.chart}</h2>
                        {crate::layout::chart_figure(figure)}
                        {notes}
                    }
                    .into_any()
                }
                Some(Err(why)) => view! {
                    <p class="console-no-chart">{format!("{}: {why}", t.no_chart)}</p>
                }
                .into_any(),
                None => ().into_any(),
            };
            let empty = (answer.rows == 0).then(|| view! { <p>{t.no_rows}</p> });
            view! {
                <section aria-labelledby="console-result-title">
                    <h2 id="console-result-title">{t.result}</h2>
                    <p class="console-count">{count}</p>
                    {empty}
                    {table}
                    {chart}
                </section>
            }
            .into_any()
        }
    }
}

fn result_table(rows: &RecordBatch) -> AnyView {
    let schema = rows.schema();
    let numeric: Vec<bool> = schema
        .fields()
        .iter()
        .map(|f| f.data_type().is_numeric())
        .collect();
    let head = schema
        .fields()
        .iter()
        .zip(&numeric)
        .map(|(field, &num)| {
            view! {
                <th scope="col" class=num.then_some("num")>
                    {field.name().clone()}
                    <br />
                    <span class="type">{field.data_type().to_string()}</span>
                </th>
            }
        })
        .collect_view();
    let options = FormatOptions::default().with_null("NULL");
    let formatters: Vec<Option<ArrayFormatter>> = rows
        .columns()
        .iter()
        .map(|c: &ArrayRef| ArrayFormatter::try_new(c.as_ref(), &options).ok())
        .collect();
    let body = (0..rows.num_rows())
        .map(|i| {
            let cells = formatters
                .iter()
                .zip(&numeric)
                .map(|(formatter, &num)| {
                    let text = formatter
                        .as_ref()
                        .map(|f| f.value(i).to_string())
                        .unwrap_or_default();
                    view! { <td class=num.then_some("num")>{text}</td> }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-wrap console-result">
            <table>
                <thead>
                    <tr>{head}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn seen_words(lang: Lang, seen: &Seen) -> String {
    let t = texts(lang);
    match seen {
        Seen::Full => t.seen_full.to_string(),
        Seen::Records(_) => t.seen_records.to_string(),
        Seen::Aggregate(grain) => format!("{} ({grain})", t.seen_aggregate),
        Seen::GrantedView(_) => t.seen_granted_view.to_string(),
        Seen::DerivedView => t.seen_derived_view.to_string(),
        Seen::Audit => t.seen_audit.to_string(),
    }
}

fn schema_view(lang: Lang, schema: Vec<SchemaEntry>, absent: Vec<(String, String)>) -> AnyView {
    let t = texts(lang);
    let objects = schema
        .into_iter()
        .map(|entry| {
            let columns = entry
                .columns
                .into_iter()
                .map(|(name, data_type)| {
                    view! {
                        <li>
                            <code>{name}</code>
                            " "
                            <span class="type">{data_type}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <li class="console-object">
                    <details>
                        <summary>
                            <code>{entry.name}</code>
                            {format!(" — {}", seen_words(lang, &entry.seen))}
                        </summary>
                        <ul>{columns}</ul>
                    </details>
                </li>
            }
        })
        .collect_view();
    let absent = (!absent.is_empty()).then(|| {
        let items = absent
            .into_iter()
            .map(|(name, why)| {
                view! {
                    <li class="console-absent">
                        <code>{name}</code>
                        <span lang="en">{format!(": {why}")}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>{t.not_shared}</h3>
            <ul>{items}</ul>
        }
    });
    view! {
        <section class="console-schema" aria-labelledby="console-schema-title">
            <h2 id="console-schema-title">{t.schema}</h2>
            <p>{t.schema_intro}</p>
            <ul>{objects}</ul>
            {absent}
        </section>
    }
    .into_any()
}

fn history_view(lang: Lang, history: Result<Vec<HistoryEntry>, String>) -> AnyView {
    let t = texts(lang);
    let content = match history {
        Err(error) => view! { <p>{format!("{}{error}", t.history_unreadable)}</p> }.into_any(),
        Ok(entries) if entries.is_empty() => view! { <p>{t.history_empty}</p> }.into_any(),
        Ok(entries) => {
            let items = entries
                .into_iter()
                .map(|entry| {
                    let href = format!("/console?sql={}&lang={}", encode(&entry.sql), lang.code());
                    let shown: String = entry.sql.chars().take(160).collect();
                    let rows = entry
                        .rows
                        .map(|n| format!(" · {}", t.rows_total.replace("{n}", &lang.count(n))))
                        .unwrap_or_default();
                    let when = entry.at.format("%Y-%m-%d %H:%M UTC").to_string();
                    view! {
                        <li>
                            <code>{shown}</code>
                            <br />
                            <small>{format!("{when} · {}{rows} · ", entry.outcome)}</small>
                            <a href=href>{t.load}</a>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="console-history">{items}</ol> }.into_any()
        }
    };
    view! {
        <section aria-labelledby="console-history-title">
            <h2 id="console-history-title">{t.history}</h2>
            {content}
        </section>
    }
    .into_any()
}

fn saved_view(
    lang: Lang,
    who: &Principal,
    saved: Result<Vec<SavedQuery>, String>,
    lasting: bool,
) -> AnyView {
    let t = texts(lang);
    let content = match saved {
        Err(error) => view! { <p>{format!("{}{error}", t.saved_unreadable)}</p> }.into_any(),
        Ok(queries) if queries.is_empty() => view! { <p>{t.saved_empty}</p> }.into_any(),
        Ok(queries) => {
            let items = queries
                .into_iter()
                .map(|query| {
                    let mine = query.user == who.user;
                    let whose = if mine {
                        format!(
                            "{}, {}",
                            t.mine,
                            if query.shared { t.shared } else { t.private }
                        )
                    } else {
                        t.shared_by.replace("{user}", &query.user)
                    };
                    let href = format!("/console?load={}&lang={}", query.id, lang.code());
                    let delete = mine.then(|| {
                        view! {
                            <form class="inline" method="post" action="/console/saved/delete">
                                <input type="hidden" name="lang" value=lang.code() />
                                <input type="hidden" name="id" value=query.id.clone() />
                                <button type="submit">{t.delete}</button>
                            </form>
                        }
                    });
                    view! {
                        <li class="console-saved">
                            <a href=href>{query.title.clone()}</a>
                            <small>{format!(" ({whose})")}</small>
                            {delete}
                        </li>
                    }
                })
                .collect_view();
            view! { <ul>{items}</ul> }.into_any()
        }
    };
    let note = (!lasting).then(|| view! { <p><small>{t.saved_in_memory}</small></p> });
    view! {
        <section aria-labelledby="console-saved-title">
            <h2 id="console-saved-title">{t.saved}</h2>
            {content}
            {note}
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_query_ids_cannot_name_another_folder() {
        assert!(is_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_id("../customs/0123456789abcdef01234567"));
        assert!(!is_id("0123456789ABCDEF0123456789ABCDEF"));
        assert!(!is_id(""));
    }

    #[test]
    fn every_text_is_in_both_languages() {
        assert_ne!(EN.title, ID.title);
        assert_ne!(EN.refused, ID.refused);
    }
}
