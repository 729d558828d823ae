//! HTTP: the routes, the choice of language per request, the cache of drawn pages, and
//! turning pages and failures into responses.
//!
//! Handlers are plain axum handlers: each names the page it shows and how to draw it, and
//! [`Dashboard::respond`] answers from the cache (or with `304 Not Modified` when the
//! browser's copy is current) before asking the warehouse anything. A failing query becomes
//! an error page with status 500, which is never cached, and an unknown address a not-found
//! page with status 404; nothing a visitor sends can make a handler panic.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{
    ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_TYPE, COOKIE, ETAG, IF_NONE_MATCH,
    SET_COOKIE, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gerbang_query::Warehouse;

use crate::cache::{CachedPage, PageCache, PageKey, PageRoute, none_match_names};
use crate::error::Result;
use crate::filters::{self, Filters, Param};
use crate::i18n::Lang;
use crate::layout::{PageContext, STYLESHEET, Section, error_page, not_found_page};
use crate::{agencies, benchmarks, glossary, health, overview, port};

/// How long the `lang` cookie remembers a visitor's choice: a year.
const LANG_COOKIE_MAX_AGE_SECONDS: u32 = 365 * 24 * 60 * 60;

/// The dashboard's routes over one warehouse.
pub fn router(warehouse: Arc<Warehouse>) -> Router {
    router_with_cache(
        warehouse,
        Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY)),
    )
}

/// The dashboard's routes over one warehouse, keeping drawn pages in `pages`.
pub(crate) fn router_with_cache(warehouse: Arc<Warehouse>, pages: Arc<PageCache>) -> Router {
    Router::new()
        .route("/", get(overview_handler))
        .route("/port/{code}", get(port_handler))
        .route("/agencies", get(agencies_handler))
        .route("/health", get(health_handler))
        .route("/benchmarks", get(benchmarks_handler))
        .route("/glossary", get(glossary_handler))
        .route("/static/gerbang.css", get(stylesheet))
        .fallback(not_found_handler)
        .with_state(Dashboard { warehouse, pages })
}

/// Serves the dashboard on a listener the caller bound, until the server fails.
pub async fn serve(
    warehouse: Arc<Warehouse>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    axum::serve(listener, router(warehouse)).await
}

/// What every handler shares: the warehouse and the pages already drawn from it.
#[derive(Debug, Clone)]
struct Dashboard {
    warehouse: Arc<Warehouse>,
    pages: Arc<PageCache>,
}

impl Dashboard {
    /// The response for `route` in the visitor's language: `304` when the request already
    /// holds the current page, else the cached page, else the page `draw` draws (stored
    /// unless it is an error page). `draw` is not run unless the page is drawn.
    async fn respond(
        &self,
        (route, filters): (PageRoute, &Filters),
        choice: LangChoice,
        request: &HeaderMap,
        draw: impl Future<Output = CachedPage>,
    ) -> Response {
        let key = PageKey {
            data_version: self.warehouse.data_version(),
            route,
            filters: filters.canonical(),
            lang: choice.lang,
        };
        let etag = key.etag();
        // Only a page that exists is revalidated: a conditional request for an address
        // that is not found still gets its 404 (RFC 9110, section 13.2.1).
        let exists = key.route != PageRoute::NotFound;
        let holds_current = request
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| none_match_names(value, &etag));
        if exists && holds_current {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            page_headers(response.headers_mut(), choice, Some(&etag));
            return response;
        }
        let page = match self.pages.get(&key) {
            Some(page) => page,
            None => {
                self.pages.count_render();
                let page = draw.await;
                if page.status.is_server_error() {
                    return html(choice, page, None);
                }
                self.pages.insert(key, page.clone());
                page
            }
        };
        html(choice, page, Some(&etag))
    }
}

/// The language of one request, and whether it was chosen just now (and so is to be
/// remembered in the cookie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LangChoice {
    lang: Lang,
    chosen_now: bool,
}

impl LangChoice {
    /// `?lang=` first, then the `lang` cookie, then `Accept-Language`.
    fn of(query: Option<&str>, headers: &HeaderMap) -> LangChoice {
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

/// The headers of every page response, full or `304`: its language, that it varies with
/// the language a visitor asks for, that browsers are to revalidate it, its tag, and the
/// cookie that remembers a language chosen just now.
fn page_headers(headers: &mut HeaderMap, choice: LangChoice, etag: Option<&str>) {
    headers.insert(
        CONTENT_LANGUAGE,
        HeaderValue::from_static(choice.lang.code()),
    );
    headers.insert(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
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

/// An HTML response in the chosen language.
fn html(choice: LangChoice, page: CachedPage, etag: Option<&str>) -> Response {
    let mut response = (page.status, page.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    page_headers(headers, choice, etag);
    response
}

/// A drawn page with its status.
fn drawn(status: StatusCode, body: String) -> CachedPage {
    CachedPage {
        status,
        body: Bytes::from(body),
    }
}

/// The page, or the error page with status 500 when a query behind it failed.
fn drawn_or_error(context: &PageContext, page: Result<String>) -> CachedPage {
    match page {
        Ok(body) => drawn(StatusCode::OK, body),
        Err(error) => drawn(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_page(context, &error.to_string()),
        ),
    }
}

/// The not-found page: the same for every address, so one cache entry per language.
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

async fn overview_handler(
    State(dashboard): State<Dashboard>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(query.as_deref(), &headers);
    let warehouse = &dashboard.warehouse;
    let filters = filters_of(warehouse, query.as_deref(), filters::OVERVIEW_PARAMS);
    let draw = async {
        let context = page_context(warehouse, choice.lang, ("/", Section::Overview), &filters);
        let page = overview::overview_page(warehouse, &context, &filters).await;
        drawn_or_error(&context, page)
    };
    dashboard
        .respond((PageRoute::Overview, &filters), choice, &headers, draw)
        .await
}

async fn agencies_handler(
    State(dashboard): State<Dashboard>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(query.as_deref(), &headers);
    let warehouse = &dashboard.warehouse;
    let filters = filters_of(warehouse, query.as_deref(), filters::PORT_AND_DATES);
    let draw = async {
        let place = ("/agencies", Section::Agencies);
        let context = page_context(warehouse, choice.lang, place, &filters);
        let page = agencies::agencies_page(warehouse, &context, &filters).await;
        drawn_or_error(&context, page)
    };
    dashboard
        .respond((PageRoute::Agencies, &filters), choice, &headers, draw)
        .await
}

async fn health_handler(
    State(dashboard): State<Dashboard>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(query.as_deref(), &headers);
    let warehouse = &dashboard.warehouse;
    let filters = filters_of(warehouse, query.as_deref(), filters::PORT_AND_DATES);
    let draw = async {
        let place = ("/health", Section::Health);
        let context = page_context(warehouse, choice.lang, place, &filters);
        let page = health::health_page(warehouse, &context, &filters).await;
        drawn_or_error(&context, page)
    };
    dashboard
        .respond((PageRoute::Health, &filters), choice, &headers, draw)
        .await
}

async fn benchmarks_handler(
    State(dashboard): State<Dashboard>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(query.as_deref(), &headers);
    let warehouse = &dashboard.warehouse;
    let filters = filters_of(warehouse, query.as_deref(), filters::PORT_AND_DATES);
    let draw = async {
        let place = ("/benchmarks", Section::Benchmarks);
        let context = page_context(warehouse, choice.lang, place, &filters);
        let page = benchmarks::benchmarks_page(warehouse, &context, &filters).await;
        drawn_or_error(&context, page)
    };
    dashboard
        .respond((PageRoute::Benchmarks, &filters), choice, &headers, draw)
        .await
}

async fn glossary_handler(
    State(dashboard): State<Dashboard>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(query.as_deref(), &headers);
    let warehouse = &dashboard.warehouse;
    let filters = Filters::default();
    let draw = async {
        let place = ("/glossary", Section::Glossary);
        let context = page_context(warehouse, choice.lang, place, &filters);
        drawn(StatusCode::OK, glossary::glossary_page(warehouse, &context))
    };
    dashboard
        .respond((PageRoute::Glossary, &filters), choice, &headers, draw)
        .await
}

async fn port_handler(
    State(dashboard): State<Dashboard>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(query.as_deref(), &headers);
    let warehouse = &dashboard.warehouse;
    let Some(registered) = warehouse.ports().get(&code.trim().to_ascii_uppercase()) else {
        let draw = draw_not_found(warehouse, choice.lang);
        return dashboard
            .respond(
                (PageRoute::NotFound, &Filters::default()),
                choice,
                &headers,
                draw,
            )
            .await;
    };
    let filters = filters_of(warehouse, query.as_deref(), filters::PORT_PARAMS);
    let route = PageRoute::Port(registered.code.clone());
    let draw = async {
        let path = format!("/port/{}", registered.code);
        let context = page_context(
            warehouse,
            choice.lang,
            (&path, Section::Elsewhere),
            &filters,
        );
        let page = port::port_page(warehouse, &context, registered, &filters).await;
        drawn_or_error(&context, page)
    };
    dashboard
        .respond((route, &filters), choice, &headers, draw)
        .await
}

async fn not_found_handler(
    State(dashboard): State<Dashboard>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(uri.query(), &headers);
    let draw = draw_not_found(&dashboard.warehouse, choice.lang);
    dashboard
        .respond(
            (PageRoute::NotFound, &Filters::default()),
            choice,
            &headers,
            draw,
        )
        .await
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
