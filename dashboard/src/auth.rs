//! Signing in: the sign-in page, the browser's sign-in kept on the server, API tokens, and
//! the [`SignedIn`] extractor every page and API route takes.
//!
//! A browser signs in with its user name and password (`POST /sign-in`, checked by
//! [`Accounts::sign_in`] off the async threads: argon2 is slow on purpose) and gets a random
//! 256-bit session id in the `gerbang_session` cookie (`HttpOnly`, `SameSite=Strict`,
//! `Path=/`, `Secure` when the request came over HTTPS). The sign-in itself stays on the
//! server, in memory, until it expires (`[auth] session_hours`), the user signs out, or the
//! account is disabled or changed in the accounts file (which the accounts follow while the
//! server runs); a restart signs everyone out. Programs send `Authorization: Bearer gbt_…`
//! instead; a revoked token stops working as soon as the accounts see the file's change.
//!
//! Without a sign-in, a page redirects to `/sign-in?next=<the page>` and an API route
//! answers `401` in the API's error shape. Only `/sign-in` and the stylesheet are public.
//! Cross-site requests: the cookie is `SameSite=Strict`, and every POST made with it (and
//! the sign-in and sign-out forms) must carry an `Origin` (or `Referer`) of this very host.
//! A wrong password and an unknown user get the same answer; too many failures answer
//! `429` with `Retry-After` (the limits are [`Accounts`]').

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Form;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts, Query, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, COOKIE, HOST, LOCATION, ORIGIN, REFERER,
    RETRY_AFTER, SET_COOKIE, WWW_AUTHENTICATE,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use gerbang_query::accounts::{Accounts, SignInError};
use gerbang_query::policy::Principal;
use leptos::prelude::*;
use serde::Deserialize;

use crate::api::ApiError;
use crate::i18n::Lang;
use crate::layout::{ACCOUNT_SLOT, PageContext, Section, document};
use crate::server::{Dashboard, LangChoice};

/// The cookie that carries a browser's sign-in.
pub const SESSION_COOKIE: &str = "gerbang_session";

/// How long a browser's sign-in lasts unless `[auth] session_hours` says otherwise.
pub const DEFAULT_SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// Who may sign in to the dashboard and its API, and how long a browser's sign-in lasts.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub accounts: Arc<Accounts>,
    pub session_lifetime: Duration,
}

impl SignIn {
    /// These accounts, with sign-ins lasting [`DEFAULT_SESSION_LIFETIME`].
    pub fn new(accounts: Arc<Accounts>) -> SignIn {
        SignIn {
            accounts,
            session_lifetime: DEFAULT_SESSION_LIFETIME,
        }
    }

    /// Sign-ins lasting `hours` (at least one).
    pub fn with_session_hours(self, hours: u64) -> SignIn {
        SignIn {
            session_lifetime: Duration::from_secs(hours.max(1) * 60 * 60),
            ..self
        }
    }
}

/// The accounts and the browsers signed in now.
#[derive(Debug)]
pub(crate) struct Auth {
    accounts: Arc<Accounts>,
    lifetime: Duration,
    sessions: Mutex<HashMap<String, Held>>,
}

/// One browser's sign-in.
#[derive(Debug)]
struct Held {
    principal: Principal,
    expires: Instant,
}

impl Auth {
    pub(crate) fn new(sign_in: SignIn) -> Auth {
        Auth {
            accounts: sign_in.accounts,
            lifetime: sign_in.session_lifetime,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Held>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps a new sign-in and returns its id: 256 random bits from the thread's
    /// cryptographic generator, in hex. Expired sign-ins are dropped on the way.
    fn start(&self, principal: Principal) -> String {
        let bytes: [u8; 32] = rand::random();
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let now = Instant::now();
        let mut sessions = self.sessions();
        sessions.retain(|_, held| held.expires > now);
        sessions.insert(
            id.clone(),
            Held {
                principal,
                expires: now + self.lifetime,
            },
        );
        id
    }

    /// Who the sign-in `id` belongs to, while it lasts and while the account stays as it
    /// was: an account disabled, removed, or given another agency or roles in the accounts
    /// file since ends its browsers' sign-ins (see [`Accounts::is_active`]).
    fn principal_of(&self, id: &str) -> Option<Principal> {
        let principal = {
            let mut sessions = self.sessions();
            match sessions.get(id) {
                Some(held) if held.expires > Instant::now() => held.principal.clone(),
                Some(_) => {
                    sessions.remove(id);
                    return None;
                }
                None => return None,
            }
        };
        if self.accounts.is_active(&principal) {
            Some(principal)
        } else {
            self.end(id);
            None
        }
    }

    fn end(&self, id: &str) {
        self.sessions().remove(id);
    }
}

/// A signed-in user, by their browser's sign-in or by an API token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub principal: Principal,
}

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    Arc<Auth>: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<SignedIn, Response> {
        let auth = Arc::<Auth>::from_ref(state);
        let api = is_api(parts.uri.path());
        if let Some(token) = bearer_token(&parts.headers) {
            return match auth.accounts.sign_in_with_token(token, peer(parts)) {
                Ok(principal) => Ok(SignedIn { principal }),
                Err(SignInError::TooMany { retry_after }) => Err(ApiError::rate_limited(
                    format!("{}", SignInError::TooMany { retry_after }),
                    retry_after,
                )
                .into_response()),
                Err(error) => Err(unauthorized(&format!(
                    "the API token is not valid: {error}"
                ))),
            };
        }
        let principal = cookie(&parts.headers, SESSION_COOKIE).and_then(|id| auth.principal_of(id));
        match principal {
            Some(principal) => {
                let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
                if !safe && !same_origin(&parts.headers) {
                    return Err(cross_site(api));
                }
                Ok(SignedIn { principal })
            }
            None if api => Err(unauthorized(
                "sign in first: send Authorization: Bearer gbt_… (an API token), or the \
                 gerbang_session cookie of a dashboard sign-in",
            )),
            None => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                Err(see_other(&format!(
                    "/sign-in?next={}",
                    percent_encode(next)
                )))
            }
        }
    }
}

/// Whether a path is the API's, whose answers are JSON rather than pages.
pub(crate) fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn unauthorized(message: &str) -> Response {
    let mut response = ApiError::unauthorized(message).into_response();
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"gerbang\""),
    );
    response
}

fn cross_site(api: bool) -> Response {
    let message = "a cross-site request made with the sign-in cookie is refused; send it \
                   from the dashboard itself, or use an API token";
    if api {
        ApiError::refused(message).into_response()
    } else {
        (StatusCode::FORBIDDEN, message).into_response()
    }
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// The address the request came from; without connection information (a router driven
/// in a test), the loopback address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub(crate) IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Peer, Self::Rejection> {
        Ok(Peer(peer(parts)))
    }
}

fn peer(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip())
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The value of the cookie `name`.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|cookie| cookie.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// Whether the request says it comes from a page of this very host: its `Origin` (or,
/// without one, its `Referer`) names the host the request was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(ORIGIN)
        .or_else(|| headers.get(REFERER))
        .and_then(|v| v.to_str().ok());
    let Some((scheme, rest)) = source.and_then(|s| s.split_once("://")) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    matches!(scheme, "http" | "https") && authority.eq_ignore_ascii_case(host.trim())
}

/// Whether the request reached us over HTTPS, directly or through a proxy that says so.
fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// Where to go after signing in: a path of this site, never another site (`//evil`,
/// `https://evil`, `/\evil`); anything else goes to the overview.
pub(crate) fn local_next(next: Option<&str>) -> String {
    let Some(next) = next.map(str::trim) else {
        return "/".to_string();
    };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next.starts_with("/sign-in");
    if local {
        next.to_string()
    } else {
        "/".to_string()
    }
}

/// Percent-encodes everything but unreserved characters and `/`, for a `next` parameter.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignInQuery {
    next: Option<String>,
    lang: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    user: String,
    password: String,
    next: Option<String>,
    lang: Option<String>,
}

/// What went wrong with the last attempt, for the sign-in page.
#[derive(Debug, Clone, Copy)]
enum Attempt {
    Refused,
    TooMany { minutes: u64 },
    Disabled,
}

/// `GET /sign-in`: the form.
pub(crate) async fn sign_in_page(
    State(dashboard): State<Dashboard>,
    Query(query): Query<SignInQuery>,
    headers: HeaderMap,
) -> Response {
    let choice = LangChoice::of(
        query
            .lang
            .as_deref()
            .map(|l| format!("lang={l}"))
            .as_deref(),
        &headers,
    );
    let next = local_next(query.next.as_deref());
    form_response(&dashboard, choice, &next, None)
}

/// `POST /sign-in`: checks the password off the async threads, then keeps the sign-in
/// and sends the browser on to where it was going.
pub(crate) async fn sign_in(
    State(dashboard): State<Dashboard>,
    Peer(peer): Peer,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let choice = LangChoice::of(
        form.lang.as_deref().map(|l| format!("lang={l}")).as_deref(),
        &headers,
    );
    let next = local_next(form.next.as_deref());
    if !same_origin(&headers) {
        return cross_site(false);
    }
    let accounts = Arc::clone(&dashboard.auth.accounts);
    let SignInForm { user, password, .. } = form;
    let checked =
        tokio::task::spawn_blocking(move || accounts.sign_in(user.trim(), &password, peer)).await;
    let attempt = match checked {
        Ok(Ok(principal)) => {
            let id = dashboard.auth.start(principal);
            let mut response = see_other(&next);
            let secure = if over_https(&headers) { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                dashboard.auth.lifetime.as_secs()
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(SET_COOKIE, value);
            }
            response
                .headers_mut()
                .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return response;
        }
        Ok(Err(SignInError::Refused)) => Attempt::Refused,
        Ok(Err(SignInError::TooMany { retry_after })) => {
            let mut response = form_response(
                &dashboard,
                choice,
                &next,
                Some(Attempt::TooMany {
                    minutes: retry_after.as_secs().div_ceil(60).max(1),
                }),
            );
            let seconds = retry_after.as_secs().max(1).to_string();
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            return response;
        }
        Ok(Err(SignInError::Disabled)) => Attempt::Disabled,
        Err(_) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the password check failed",
            )
                .into_response();
        }
    };
    let mut response = form_response(&dashboard, choice, &next, Some(attempt));
    *response.status_mut() = match attempt {
        Attempt::Disabled => StatusCode::FORBIDDEN,
        _ => StatusCode::UNAUTHORIZED,
    };
    response
}

/// `POST /sign-out`: forgets the browser's sign-in and sends it to the sign-in page.
pub(crate) async fn sign_out(State(dashboard): State<Dashboard>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return cross_site(false);
    }
    if let Some(id) = cookie(&headers, SESSION_COOKIE) {
        dashboard.auth.end(id);
    }
    let mut response = see_other("/sign-in");
    let secure = if over_https(&headers) { "; Secure" } else { "" };
    let expired =
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}");
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

fn form_response(
    dashboard: &Dashboard,
    choice: LangChoice,
    next: &str,
    attempt: Option<Attempt>,
) -> Response {
    let lang = choice.lang;
    let context = PageContext {
        lang,
        path: "/sign-in".to_string(),
        query: format!("next={}", percent_encode(next)),
        section: Section::Elsewhere,
        meeting: false,
        data_version: dashboard.warehouse.data_version(),
        targets_version: dashboard.warehouse.targets().version.clone(),
    };
    let body = sign_in_html(&context, next, attempt).replacen(ACCOUNT_SLOT, "", 1);
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    crate::server::page_headers(headers, choice, None);
    // A sign-in page is never kept: it may carry an error about this very attempt.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn sign_in_html(context: &PageContext, next: &str, attempt: Option<Attempt>) -> String {
    let lang: Lang = context.lang;
    let labels = lang.labels();
    let problem = attempt.map(|attempt| {
        let text = match attempt {
            Attempt::Refused => labels.sign_in_refused.to_string(),
            Attempt::TooMany { minutes } => {
                labels.sign_in_too_many.replace("{n}", &minutes.to_string())
            }
            Attempt::Disabled => labels.sign_in_disabled.to_string(),
        };
        view! {
            <p class="notice sign-in-error" role="alert">
                {text}
            </p>
        }
    });
    let main = view! {
        <h1>{labels.sign_in_title}</h1>
        <p class="lead">{labels.sign_in_intro}</p>
        {problem}
        <form class="sign-in" method="post" action="/sign-in">
            <input type="hidden" name="next" value=next.to_string() />
            <input type="hidden" name="lang" value=lang.code() />
            <div>
                <label for="user">{labels.user_name}</label>
                <input
                    id="user"
                    name="user"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required=true
                    autofocus=true
                />
            </div>
            <div>
                <label for="password">{labels.password}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required=true
                />
            </div>
            <button type="submit">{labels.sign_in_button}</button>
        </form>
    }
    .into_any();
    document(context, labels.sign_in_title, main)
}
