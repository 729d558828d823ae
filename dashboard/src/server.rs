//! HTTP: the routes, the choice of language per request, and turning pages and failures
//! into responses.
//!
//! Handlers are plain axum handlers: each asks the warehouse first, then renders the page
//! to a string. A failing query becomes an error page with status 500 and an unknown
//! address a not-found page with status 404; nothing a visitor sends can make a handler
//! panic.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{
    ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_TYPE, COOKIE, SET_COOKIE, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gerbang_query::Warehouse;

use crate::error::Result;
use crate::i18n::Lang;
use crate::layout::{PageContext, error_page, not_found_page};
use crate::{overview, port};

/// The stylesheet every page links to.
const STYLESHEET: &str = include_str!("gerbang.css");

/// How long the `lang` cookie remembers a visitor's choice: a year.
const LANG_COOKIE_MAX_AGE_SECONDS: u32 = 365 * 24 * 60 * 60;

/// The dashboard's routes over one warehouse.
pub fn router(warehouse: Arc<Warehouse>) -> Router {
    Router::new()
        .route("/", get(overview_handler))
        .route("/port/{code}", get(port_handler))
        .route("/static/gerbang.css", get(stylesheet))
        .fallback(not_found_handler)
        .with_state(warehouse)
}

/// Serves the dashboard on a listener the caller bound, until the server fails.
pub async fn serve(
    warehouse: Arc<Warehouse>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    axum::serve(listener, router(warehouse)).await
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

fn page_context(warehouse: &Warehouse, lang: Lang, path: &str) -> PageContext {
    PageContext {
        lang,
        path: path.to_string(),
        data_version: warehouse.data_version(),
        targets_version: warehouse.targets().version.clone(),
    }
}

/// An HTML response in the chosen language.
fn html(choice: LangChoice, status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        CONTENT_LANGUAGE,
        HeaderValue::from_static(choice.lang.code()),
    );
    headers.insert(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if choice.chosen_now {
        let cookie = format!(
            "lang={}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE_SECONDS}; SameSite=Lax",
            choice.lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.insert(SET_COOKIE, value);
        }
    }
    response
}

/// The page, or the error page with status 500 when a query behind it failed.
fn page_or_error(choice: LangChoice, context: &PageContext, page: Result<String>) -> Response {
    match page {
        Ok(body) => html(choice, StatusCode::OK, body),
        Err(error) => html(
            choice,
            StatusCode::INTERNAL_SERVER_ERROR,
            error_page(context, &error.to_string()),
        ),
    }
}

async fn overview_handler(
    State(warehouse): State<Arc<Warehouse>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(query.as_deref(), &headers);
    let context = page_context(&warehouse, choice.lang, "/");
    let page = overview::overview_page(&warehouse, &context).await;
    page_or_error(choice, &context, page)
}

async fn port_handler(
    State(warehouse): State<Arc<Warehouse>>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(query.as_deref(), &headers);
    let Some(registered) = warehouse.ports().get(&code.trim().to_ascii_uppercase()) else {
        let context = page_context(&warehouse, choice.lang, "/");
        return html(choice, StatusCode::NOT_FOUND, not_found_page(&context));
    };
    let context = page_context(
        &warehouse,
        choice.lang,
        &format!("/port/{}", registered.code),
    );
    let page = port::port_page(&warehouse, &context, registered).await;
    page_or_error(choice, &context, page)
}

async fn not_found_handler(
    State(warehouse): State<Arc<Warehouse>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(uri.query(), &headers);
    let context = page_context(&warehouse, choice.lang, "/");
    html(choice, StatusCode::NOT_FOUND, not_found_page(&context))
}

async fn stylesheet() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
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
