//! HTTP: the routes, sign-in on every page, the choice of language per request, the cache
//! of drawn pages, and turning pages and failures into responses.
//!
//! Every route but `/sign-in` and the stylesheet takes a [`SignedIn`] user (see
//! [`crate::auth`]). A page is drawn through that user's session ([`Viewer`]), so it shows
//! only what their agency may see, and [`Dashboard::respond`] answers from the cache of
//! pages drawn for the same audience (or with `304 Not Modified` when the browser's copy is
//! current) before asking the warehouse anything. Every page served is written to the
//! audit log as a `page_view`. A failing query becomes an error page with status 500,
//! which is never cached, and an unknown address a not-found page with status 404; nothing
//! a visitor sends can make a handler panic.

use std::collections::BTreeSet;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, Path, State};
use axum::http::header::{
    ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_TYPE, COOKIE, ETAG, IF_NONE_MATCH,
    SET_COOKIE, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use gerbang_query::Warehouse;
use gerbang_query::audit::{AuditRecord, Outcome};
use gerbang_query::policy::{Principal, Session};

use crate::api::{self, ApiError};
use crate::auth::{self, Auth, SignIn, SignedIn};
use crate::cache::{CachedPage, PageCache, PageKey, PageRoute, fnv1a, none_match_names};
use crate::console::{self, SavedQueries};
use crate::data::Viewer;
use crate::error::{DashboardError, Result};
use crate::filters::{self, Filters, Param};
use crate::i18n::Lang;
use crate::layout::{
    ACCOUNT_SLOT, MEETING_ACCOUNT_SLOT, PageContext, STYLESHEET, Section, account_html, error_page,
    not_found_page, not_shared_page, signed_in_html,
};
use crate::reports::{self, ReportJobs, Reports};
use crate::{agencies, benchmarks, glossary, health, overview, port};

/// How long the `lang` cookie remembers a visitor's choice: a year.
const LANG_COOKIE_MAX_AGE_SECONDS: u32 = 365 * 24 * 60 * 60;

/// The dashboard's routes over one warehouse, for the accounts of `sign_in`.
pub fn router(warehouse: Arc<Warehouse>, sign_in: SignIn) -> Router {
    router_with_cache(
        warehouse,
        sign_in,
        Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY)),
        PolicyDay::Today,
    )
}

/// The dashboard's routes over one warehouse, keeping drawn pages in `pages`, under the
/// sharing policies in force on `day`.
pub(crate) fn router_with_cache(
    warehouse: Arc<Warehouse>,
    sign_in: SignIn,
    pages: Arc<PageCache>,
    day: PolicyDay,
) -> Router {
    router_with(warehouse, sign_in, pages, day, None)
}

/// [`router_with_cache`], listing the monthly reports written to `reports_out` (a folder
/// or object-store prefix) on the reports page.
pub(crate) fn router_with(
    warehouse: Arc<Warehouse>,
    sign_in: SignIn,
    pages: Arc<PageCache>,
    day: PolicyDay,
    reports_out: Option<String>,
) -> Router {
    let mut router = Router::new()
        .route("/", get(overview_handler))
        .route("/port/{code}", get(port_handler))
        .route("/agencies", get(page_handler::<AgenciesPage>))
        .route("/health", get(page_handler::<HealthPage>))
        .route("/benchmarks", get(page_handler::<BenchmarksPage>))
        .route("/glossary", get(glossary_handler))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/console", get(console::page).post(console::run))
        .route(
            "/console/download",
            get(console::download_get).post(console::download_post),
        )
        .route("/console/saved", post(console::save))
        .route("/console/saved/delete", post(console::delete))
        .route("/reports", get(reports::page).post(reports::make))
        .route("/reports/made/{id}", get(reports::made))
        .route("/reports/made/{id}/{file}", get(reports::made_file))
        .route("/reports/monthly/{file}", get(reports::monthly_file))
        .route("/static/gerbang.css", get(stylesheet));
    for route in api::routes() {
        router = router.route(route.path, route.handler);
    }
    router.fallback(not_found_handler).with_state(Dashboard {
        console: Arc::new(SavedQueries::of(&warehouse)),
        reports: Arc::new(Reports {
            jobs: ReportJobs::default(),
            out: reports_out,
        }),
        warehouse,
        pages,
        auth: Arc::new(Auth::new(sign_in)),
        day,
    })
}

/// Serves the dashboard on a listener the caller bound until `shutdown` completes; then
/// lets the requests under way finish. The reports page lists the monthly reports written
/// to `reports_out` (a folder or `s3://bucket/prefix`), when there is one.
pub async fn serve(
    warehouse: Arc<Warehouse>,
    sign_in: SignIn,
    reports_out: Option<String>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let pages = Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY));
    // The peer's address counts failed sign-ins per address.
    let app = router_with(warehouse, sign_in, pages, PolicyDay::Today, reports_out)
        .into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// What every handler shares: the warehouse, the pages already drawn from it, and who is
/// signed in.
#[derive(Debug, Clone)]
pub(crate) struct Dashboard {
    pub(crate) warehouse: Arc<Warehouse>,
    pub(crate) pages: Arc<PageCache>,
    pub(crate) auth: Arc<Auth>,
    /// The SQL console's saved queries.
    pub(crate) console: Arc<SavedQueries>,
    /// Reports made on the reports page, and where the monthly ones are written.
    pub(crate) reports: Arc<Reports>,
    day: PolicyDay,
}

/// The day whose sharing policies apply: today in Jakarta, or in tests a fixed day (so
/// that grants expiring do not change what a test sees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PolicyDay {
    Today,
    #[cfg(test)]
    Fixed(chrono::NaiveDate),
}

impl Dashboard {
    /// The policy session of a signed-in user.
    pub(crate) async fn session_for(&self, who: &Principal) -> gerbang_query::Result<Session> {
        match self.day {
            PolicyDay::Today => self.warehouse.session_for(who).await,
            #[cfg(test)]
            PolicyDay::Fixed(day) => self.warehouse.session_for_on(who, day).await,
        }
    }
}

impl FromRef<Dashboard> for Arc<Auth> {
    fn from_ref(dashboard: &Dashboard) -> Arc<Auth> {
        Arc::clone(&dashboard.auth)
    }
}

/// One request for a page: who asks, for what, in which language.
struct PageRequest<'a> {
    who: &'a Principal,
    route: PageRoute,
    filters: &'a Filters,
    choice: LangChoice,
    headers: &'a HeaderMap,
    /// The address asked for, as the audit records it.
    address: &'a str,
}

impl Dashboard {
    /// The response for a page in the visitor's language: `304` when the request already
    /// holds the current page, else the page cached for the user's audience, else the
    /// page `draw` draws through the user's [`Viewer`] (stored unless it is an error
    /// page). `draw` is not run unless the page is drawn. The view is audited whatever
    /// the answer.
    async fn respond<F, Fut>(&self, request: PageRequest<'_>, draw: F) -> Response
    where
        F: FnOnce(Arc<Viewer>) -> Fut,
        Fut: Future<Output = CachedPage>,
    {
        let started = Instant::now();
        let PageRequest {
            who,
            route,
            filters,
            choice,
            headers,
            address,
        } = request;
        let viewer = match self.session_for(who).await {
            Ok(session) => Arc::new(Viewer::new(Arc::clone(&self.warehouse), session)),
            Err(error) => {
                // No session: an agency without a policy file or policies that do not fit
                // the warehouse (refused), or a warehouse that cannot be read (a failure).
                // Nothing is drawn and nothing is cached.
                let status = match error {
                    gerbang_query::QueryError::Policy { .. } => StatusCode::FORBIDDEN,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                let message = error.to_string();
                self.audit_view(who, address, BTreeSet::new(), Some(&message), started);
                let context = page_context(
                    &self.warehouse,
                    choice.lang,
                    ("/", Section::Elsewhere),
                    &Filters::default(),
                );
                let page = drawn(status, error_page(&context, &message));
                return html(choice, Some(who), page, None);
            }
        };
        let key = PageKey {
            data_version: self.warehouse.data_version(),
            audience: audience(&viewer),
            route,
            filters: filters.canonical(),
            lang: choice.lang,
        };
        let etag = key.etag(&who.user);
        // Only a page that exists is revalidated: a conditional request for an address
        // that is not found still gets its 404 (RFC 9110, section 13.2.1).
        let exists = key.route != PageRoute::NotFound;
        let holds_current = headers
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| none_match_names(value, &etag));
        if exists && holds_current {
            self.audit_view(who, address, self.pages.tables_of(&key), None, started);
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            page_headers(response.headers_mut(), choice, Some(&etag));
            return response;
        }
        let page = match self.pages.get(&key) {
            Some(page) => page,
            None => {
                self.pages.count_render();
                let mut page = draw(Arc::clone(&viewer)).await;
                page.tables = viewer.tables_read();
                if page.status.is_server_error() {
                    let failure = Some("the page could not be drawn (see the query records)");
                    self.audit_view(who, address, page.tables.clone(), failure, started);
                    return html(choice, Some(who), page, None);
                }
                self.pages.insert(key, page.clone());
                page
            }
        };
        self.audit_view(who, address, page.tables.clone(), None, started);
        html(choice, Some(who), page, Some(&etag))
    }

    /// Writes the `page_view` record of one page served.
    fn audit_view(
        &self,
        who: &Principal,
        address: &str,
        tables: BTreeSet<String>,
        failure: Option<&str>,
        started: Instant,
    ) {
        self.warehouse.audit_log().record(AuditRecord {
            at: Utc::now(),
            user: who.user.clone(),
            agency: who.agency.clone(),
            roles: who.roles_text(),
            action: "page_view".to_string(),
            interface: "dashboard".to_string(),
            sql: address.to_string(),
            tables,
            rows: None,
            outcome: if failure.is_some() {
                Outcome::Failed
            } else {
                Outcome::Ok
            },
            error: failure.map(str::to_string),
            duration: started.elapsed(),
        });
    }
}

/// What decides which pages a user may be shown: their agency, their roles, and what the
/// policies in force show them (a digest of their [`Visibility`], which changes when a
/// grant expires). Users with the same audience see the same pages.
///
/// [`Visibility`]: gerbang_query::policy::Visibility
fn audience(viewer: &Viewer) -> String {
    let principal = viewer.principal();
    format!(
        "{}|{}|{:016x}",
        principal.agency,
        principal.roles_text(),
        fnv1a(format!("{:?}", viewer.visibility()).as_bytes())
    )
}

/// The language of one request, and whether it was chosen just now (and so is to be
/// remembered in the cookie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LangChoice {
    pub(crate) lang: Lang,
    chosen_now: bool,
}

impl LangChoice {
    /// `?lang=` first, then the `lang` cookie, then `Accept-Language`.
    pub(crate) fn of(query: Option<&str>, headers: &HeaderMap) -> LangChoice {
        let from_query = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter_map(|pair| pair.split_once('='))
            .filter(|(key, _)| *key == "lang")
            .find_map(|(_, value)| Lang::parse(value));
        if let Some(lang) = from_query {
            return LangChoice {
                lang,
                chosen_now: true,
            };
        }
        let from_cookie = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|cookies| cookies.split(';'))
            .filter_map(|cookie| cookie.trim().split_once('='))
            .filter(|(name, _)| *name == "lang")
            .find_map(|(_, value)| Lang::parse(value));
        if let Some(lang) = from_cookie {
            return LangChoice {
                lang,
                chosen_now: false,
            };
        }
        let accept = headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        LangChoice {
            lang: Lang::from_accept_language(accept),
            chosen_now: false,
        }
    }
}

fn page_context(
    warehouse: &Warehouse,
    lang: Lang,
    (path, section): (&str, Section),
    filters: &Filters,
) -> PageContext {
    PageContext {
        lang,
        path: path.to_string(),
        query: filters.canonical(),
        section,
        meeting: filters.meeting,
        data_version: warehouse.data_version(),
        targets_version: warehouse.targets().version.clone(),
    }
}

/// A page of the user's own (a query result, their reports) in the chosen language, with
/// [`page_headers`] and `no-store`: never kept by any cache.
pub(crate) fn private_page(status: StatusCode, body: String, choice: LangChoice) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    page_headers(headers, choice, None);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The headers of every page response, full or `304`: its language, that it varies with
/// the language a visitor asks for and with who is signed in, that browsers are to
/// revalidate it and shared caches not to keep it, that no other site may frame it, its
/// tag, and the cookie that remembers a language chosen just now.
pub(crate) fn page_headers(headers: &mut HeaderMap, choice: LangChoice, etag: Option<&str>) {
    headers.insert(
        CONTENT_LANGUAGE,
        HeaderValue::from_static(choice.lang.code()),
    );
    headers.insert(
        VARY,
        HeaderValue::from_static("Accept-Language, Cookie, Authorization"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if let Some(value) = etag.and_then(|tag| HeaderValue::from_str(tag).ok()) {
        headers.insert(ETAG, value);
    }
    if choice.chosen_now {
        let cookie = format!(
            "lang={}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE_SECONDS}; SameSite=Lax",
            choice.lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.insert(SET_COOKIE, value);
        }
    }
}

/// An HTML response in the chosen language, the frame saying who is signed in.
fn html(
    choice: LangChoice,
    who: Option<&Principal>,
    page: CachedPage,
    etag: Option<&str>,
) -> Response {
    let text = String::from_utf8_lossy(&page.body);
    let body = match who {
        Some(who) if text.contains(MEETING_ACCOUNT_SLOT) => {
            text.replacen(MEETING_ACCOUNT_SLOT, &signed_in_html(choice.lang, who), 1)
        }
        Some(who) => text.replacen(ACCOUNT_SLOT, &account_html(choice.lang, who), 1),
        None => text.replacen(ACCOUNT_SLOT, "", 1),
    };
    let mut response = (page.status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    page_headers(headers, choice, etag);
    response
}

/// A drawn page with its status; the tables it read are added once it is drawn.
fn drawn(status: StatusCode, body: String) -> CachedPage {
    CachedPage {
        status,
        body: Bytes::from(body),
        tables: BTreeSet::new(),
    }
}

/// The page; the notice that it is not shared with the user's agency when the figures it
/// needs all are not; or the error page with status 500 when a query behind it failed.
fn drawn_or_error(context: &PageContext, page: Result<String>) -> CachedPage {
    match page {
        Ok(body) => drawn(StatusCode::OK, body),
        Err(DashboardError::NotShared(not_shared)) => {
            let title = context.lang.labels().not_shared_title;
            drawn(StatusCode::OK, not_shared_page(context, title, &not_shared))
        }
        Err(error) => drawn(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_page(context, &error.to_string()),
        ),
    }
}

/// The not-found page: the same for every address, so one cache entry per language and
/// audience.
async fn draw_not_found(warehouse: &Warehouse, lang: Lang) -> CachedPage {
    let context = page_context(
        warehouse,
        lang,
        ("/", Section::Elsewhere),
        &Filters::default(),
    );
    drawn(StatusCode::NOT_FOUND, not_found_page(&context))
}

/// The filters of a request, for a page that reads `params`.
fn filters_of(warehouse: &Warehouse, query: Option<&str>, params: &[Param]) -> Filters {
    Filters::parse(query, params, warehouse.ports())
}

/// The address of a request as the audit records it.
fn address_of(uri: &Uri) -> &str {
    uri.path_and_query().map_or("/", |p| p.as_str())
}

async fn overview_handler(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = uri.query();
    let choice = LangChoice::of(query, &headers);
    let warehouse = &dashboard.warehouse;
    let filters = filters_of(warehouse, query, filters::OVERVIEW_PARAMS);
    let on = &filters;
    let draw = |viewer: Arc<Viewer>| async move {
        let context = page_context(warehouse, choice.lang, ("/", Section::Overview), on);
        let page = overview::overview_page(&viewer, &context, on).await;
        drawn_or_error(&context, page)
    };
    let request = PageRequest {
        who: &principal,
        route: PageRoute::Overview,
        filters: &filters,
        choice,
        headers: &headers,
        address: address_of(&uri),
    };
    dashboard.respond(request, draw).await
}

/// A page of the navigation that reads the port and dates filters and is drawn by one
/// function: the agencies, data-health and benchmarks pages, all served by
/// [`page_handler`].
trait PortAndDatesPage {
    const SECTION: Section;
    const ROUTE: PageRoute;
    fn draw(
        viewer: &Viewer,
        context: &PageContext,
        filters: &Filters,
    ) -> impl Future<Output = Result<String>> + Send;
}

struct AgenciesPage;

impl PortAndDatesPage for AgenciesPage {
    const SECTION: Section = Section::Agencies;
    const ROUTE: PageRoute = PageRoute::Agencies;
    fn draw(
        viewer: &Viewer,
        context: &PageContext,
        filters: &Filters,
    ) -> impl Future<Output = Result<String>> + Send {
        agencies::agencies_page(viewer, context, filters)
    }
}

struct HealthPage;

impl PortAndDatesPage for HealthPage {
    const SECTION: Section = Section::Health;
    const ROUTE: PageRoute = PageRoute::Health;
    fn draw(
        viewer: &Viewer,
        context: &PageContext,
        filters: &Filters,
    ) -> impl Future<Output = Result<String>> + Send {
        health::health_page(viewer, context, filters)
    }
}

struct BenchmarksPage;

impl PortAndDatesPage for BenchmarksPage {
    const SECTION: Section = Section::Benchmarks;
    const ROUTE: PageRoute = PageRoute::Benchmarks;
    fn draw(
        viewer: &Viewer,
        context: &PageContext,
        filters: &Filters,
    ) -> impl Future<Output = Result<String>> + Send {
        benchmarks::benchmarks_page(viewer, context, filters)
    }
}

async fn page_handler<P: PortAndDatesPage>(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = uri.query();
    let choice = LangChoice::of(query, &headers);
    let warehouse = &dashboard.warehouse;
    let filters = filters_of(warehouse, query, filters::PORT_AND_DATES);
    let on = &filters;
    let draw = |viewer: Arc<Viewer>| async move {
        let place = (P::SECTION.path(), P::SECTION);
        let context = page_context(warehouse, choice.lang, place, on);
        let page = P::draw(&viewer, &context, on).await;
        drawn_or_error(&context, page)
    };
    let request = PageRequest {
        who: &principal,
        route: P::ROUTE,
        filters: &filters,
        choice,
        headers: &headers,
        address: address_of(&uri),
    };
    dashboard.respond(request, draw).await
}

async fn glossary_handler(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(uri.query(), &headers);
    let warehouse = &dashboard.warehouse;
    let filters = Filters::default();
    let draw = |_viewer: Arc<Viewer>| async move {
        let place = ("/glossary", Section::Glossary);
        let context = page_context(warehouse, choice.lang, place, &Filters::default());
        drawn(StatusCode::OK, glossary::glossary_page(warehouse, &context))
    };
    let request = PageRequest {
        who: &principal,
        route: PageRoute::Glossary,
        filters: &filters,
        choice,
        headers: &headers,
        address: address_of(&uri),
    };
    dashboard.respond(request, draw).await
}

async fn port_handler(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    Path(code): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = uri.query();
    let choice = LangChoice::of(query, &headers);
    let warehouse = &dashboard.warehouse;
    let address = address_of(&uri);
    let Some(registered) = warehouse.ports().get(&code.trim().to_ascii_uppercase()) else {
        let filters = Filters::default();
        let request = PageRequest {
            who: &principal,
            route: PageRoute::NotFound,
            filters: &filters,
            choice,
            headers: &headers,
            address,
        };
        let draw = |_viewer: Arc<Viewer>| draw_not_found(warehouse, choice.lang);
        return dashboard.respond(request, draw).await;
    };
    let filters = filters_of(warehouse, query, filters::PORT_PARAMS);
    let on = &filters;
    let draw = |viewer: Arc<Viewer>| async move {
        let path = format!("/port/{}", registered.code);
        let context = page_context(warehouse, choice.lang, (&path, Section::Elsewhere), on);
        let page = port::port_page(&viewer, &context, registered, on).await;
        drawn_or_error(&context, page)
    };
    let request = PageRequest {
        who: &principal,
        route: PageRoute::Port(registered.code.clone()),
        filters: &filters,
        choice,
        headers: &headers,
        address,
    };
    dashboard.respond(request, draw).await
}

/// An address that names no page: the not-found page, or under `/api/` the API's
/// not-found error. Signed-in users only, so that it tells nobody else which pages exist.
async fn not_found_handler(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if auth::is_api(uri.path()) {
        return ApiError::not_found(uri.path()).into_response();
    }
    let choice = LangChoice::of(uri.query(), &headers);
    let warehouse = &dashboard.warehouse;
    let filters = Filters::default();
    let request = PageRequest {
        who: &principal,
        route: PageRoute::NotFound,
        filters: &filters,
        choice,
        headers: &headers,
        address: address_of(&uri),
    };
    let draw = |_viewer: Arc<Viewer>| draw_not_found(warehouse, choice.lang);
    dashboard.respond(request, draw).await
}

/// The stylesheet. Pages link to it with a hash of its content in the address, so a
/// browser may keep it for a year: a new stylesheet has a new address.
async fn stylesheet() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLESHEET,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn query_beats_cookie_which_beats_accept_language() {
        let both = headers(&[("cookie", "theme=dark; lang=en"), ("accept-language", "id")]);
        assert_eq!(
            LangChoice::of(Some("x=1&lang=id"), &both),
            LangChoice {
                lang: Lang::Id,
                chosen_now: true
            }
        );
        assert_eq!(
            LangChoice::of(None, &both),
            LangChoice {
                lang: Lang::En,
                chosen_now: false
            }
        );
        let header_only = headers(&[("accept-language", "id-ID,id;q=0.9,en;q=0.5")]);
        assert_eq!(LangChoice::of(Some("lang=xx"), &header_only).lang, Lang::Id);
        assert_eq!(LangChoice::of(None, &HeaderMap::new()).lang, Lang::En);
    }
}
