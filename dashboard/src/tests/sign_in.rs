//! Signing in: the form, the cookie, sign-out, expiry, API tokens, the rate limit, open
//! redirects, cross-site posts, and that nothing but the sign-in page and the stylesheet
//! answers without a sign-in.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};

use super::{
    PASSWORD, Page, accounts, bearer, crossings, get, policy_day, send, warehouse, week_fixture,
};
use crate::SignIn;
use crate::auth::local_next;
use crate::cache::PageCache;
use crate::server::{PolicyDay, router_with_cache};

use std::sync::Arc;

use axum::Router;

/// The host the tests' requests are sent to, and the origin of its own pages.
const HOST: &str = "dashboard.test";
const ORIGIN: &str = "http://dashboard.test";

/// The week fixture's dashboard with sign-ins lasting `lifetime`.
async fn dashboard(lifetime: Duration) -> Router {
    let tables = vec![("crossings".to_string(), vec![crossings(&week_fixture())])];
    router_with_cache(
        Arc::new(warehouse(tables).await),
        SignIn {
            accounts: accounts(),
            session_lifetime: lifetime,
        },
        Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY)),
        PolicyDay::Fixed(policy_day()),
    )
}

async fn twelve_hours() -> Router {
    dashboard(Duration::from_secs(12 * 60 * 60)).await
}

/// `POST /sign-in` from the dashboard's own sign-in page.
fn sign_in_request(
    user: &str,
    password: &str,
    next: &str,
    extra: &[(&str, &str)],
) -> Request<Body> {
    let form = format!(
        "user={}&password={}&next={}&lang=en",
        encode(user),
        encode(password),
        encode(next)
    );
    let mut request = Request::post("/sign-in")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.body(Body::from(form)).expect("a valid request")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn header<'a>(page: &'a Page, name: &str) -> &'a str {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Signs `user` in with [`PASSWORD`]; returns the `Cookie` header that carries the sign-in.
async fn signed_in(app: &Router, user: &str) -> String {
    let answer = send(app.clone(), sign_in_request(user, PASSWORD, "/", &[])).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = header(&answer, "set-cookie");
    cookie.split(';').next().expect("a cookie").to_string()
}

#[tokio::test]
async fn the_right_password_gives_a_strict_http_only_cookie_and_goes_where_the_user_was_going() {
    let app = twelve_hours().await;
    let form = get(
        app.clone(),
        "/sign-in?next=%2Fagencies%3Flang%3Did&lang=id",
        &[],
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("<h1>Masuk</h1>")
            && form.body.contains("Kata sandi")
            && form.body.contains("value=\"/agencies?lang=id\""),
        "{}",
        form.body
    );
    assert_eq!(header(&form, "cache-control"), "no-store");
    let english = get(app.clone(), "/sign-in?lang=en", &[]).await;
    assert!(english.body.contains("<h1>Sign in</h1>") && english.body.contains("Password"));

    let answer = send(
        app.clone(),
        sign_in_request("siti", PASSWORD, "/agencies?lang=en", &[]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(header(&answer, "location"), "/agencies?lang=en");
    let cookie = header(&answer, "set-cookie");
    let id = cookie
        .strip_prefix("gerbang_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_default();
    assert!(
        id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "a 256-bit id in hex: {cookie}"
    );
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.split("; ").any(|f| f == flag), "{flag} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

    // The sign-in works on pages, and the frame says who is signed in.
    let session = format!("gerbang_session={id}");
    let page = get(app.clone(), "/?lang=en", &[("cookie", &session)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Signed in as <strong translate=\"no\">siti</strong>")
            && page.body.contains(" · customs · analyst")
            && page
                .body
                .contains("<form method=\"post\" action=\"/sign-out\">")
            && page.body.contains(">Sign out</button>"),
        "{}",
        page.body
    );

    // Behind a proxy that terminates HTTPS, the cookie is only sent over HTTPS.
    let proxied = send(
        app.clone(),
        sign_in_request("siti", PASSWORD, "/", &[("x-forwarded-proto", "https")]),
    )
    .await;
    assert!(header(&proxied, "set-cookie").ends_with("; Secure"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer_and_the_sixth_failure_waits() {
    let app = twelve_hours().await;
    let wrong = send(app.clone(), sign_in_request("siti", "wrong", "/", &[])).await;
    let unknown = send(app.clone(), sign_in_request("nobody", PASSWORD, "/", &[])).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body, "the two failures read the same");
    assert!(wrong.body.contains("Wrong user name or password."));
    assert!(!header(&wrong, "set-cookie").contains("gerbang_session"));

    // Five failures for siti (one above, four here); the sixth attempt is not checked,
    // even with the right password, and says when to try again.
    for _ in 0..4 {
        let again = send(app.clone(), sign_in_request("siti", "wrong", "/", &[])).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    }
    let sixth = send(app.clone(), sign_in_request("siti", PASSWORD, "/", &[])).await;
    assert_eq!(
        sixth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        sixth.body
    );
    let wait: u64 = header(&sixth, "retry-after").parse().expect("seconds");
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    assert!(
        sixth
            .body
            .contains("Too many failed sign-ins. Try again in 15 minutes.")
    );
    assert!(!header(&sixth, "set-cookie").contains("gerbang_session"));

    // A disabled account is told so, and only with the right password.
    let disabled = send(app.clone(), sign_in_request("gone", PASSWORD, "/", &[])).await;
    assert_eq!(disabled.status, StatusCode::FORBIDDEN);
    assert!(disabled.body.contains("This account is disabled"));
    let guessed = send(app, sign_in_request("gone", "wrong", "/", &[])).await;
    assert!(guessed.body.contains("Wrong user name or password."));
}

#[tokio::test]
async fn signing_out_forgets_the_sign_in_on_the_server() {
    let app = twelve_hours().await;
    let session = signed_in(&app, "siti").await;
    assert_eq!(
        get(app.clone(), "/glossary", &[("cookie", &session)])
            .await
            .status,
        StatusCode::OK
    );
    // From another site, sign-out is refused and the sign-in stays.
    let forged = Request::post("/sign-out")
        .header("host", HOST)
        .header("origin", "http://evil.example")
        .header("cookie", &session)
        .body(Body::empty())
        .expect("a valid request");
    assert_eq!(
        send(app.clone(), forged).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(app.clone(), "/glossary", &[("cookie", &session)])
            .await
            .status,
        StatusCode::OK
    );
    let out = Request::post("/sign-out")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("cookie", &session)
        .body(Body::empty())
        .expect("a valid request");
    let answer = send(app.clone(), out).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(header(&answer, "location"), "/sign-in");
    assert!(header(&answer, "set-cookie").contains("gerbang_session=; "));
    assert!(header(&answer, "set-cookie").contains("Max-Age=0"));
    // The old cookie, kept by a careless browser, no longer signs anyone in.
    let after = get(app, "/glossary", &[("cookie", &session)]).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(header(&after, "location"), "/sign-in?next=/glossary");
}

#[tokio::test]
async fn an_expired_sign_in_signs_nobody_in() {
    let app = dashboard(Duration::from_millis(200)).await;
    let session = signed_in(&app, "siti").await;
    assert!(session.starts_with("gerbang_session="));
    assert_eq!(
        get(app.clone(), "/glossary", &[("cookie", &session)])
            .await
            .status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = get(app.clone(), "/glossary?lang=en", &[("cookie", &session)]).await;
    assert_eq!(expired.status, StatusCode::SEE_OTHER);
    assert_eq!(
        header(&expired, "location"),
        "/sign-in?next=/glossary%3Flang%3Den"
    );
    let api = Request::post("/api/sql")
        .header("cookie", &session)
        .header("host", HOST)
        .header("origin", ORIGIN)
        .body(Body::from("SELECT 1"))
        .expect("a valid request");
    assert_eq!(send(app, api).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_tokens_sign_programs_in_on_every_route_and_a_bad_one_gets_401() {
    let app = twelve_hours().await;
    let customs = bearer("customs-analyst");
    let page = get(app.clone(), "/?lang=en", &[("authorization", &customs)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<strong translate=\"no\">customs-analyst</strong>")
    );
    let query = Request::post("/api/sql")
        .header("authorization", &customs)
        .body(Body::from(
            "SELECT count(*) AS n FROM ports WHERE port = 'CGK'",
        ))
        .expect("a valid request");
    let answer = send(app.clone(), query).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.contains("\"rows\":[[1]]"), "{}", answer.body);

    for wrong in [
        "Bearer gbt_nobody",
        "Bearer ",
        "bearer gbt_customs-analystX",
    ] {
        let refused = Request::post("/api/sql")
            .header("authorization", wrong)
            .body(Body::from("SELECT 1"))
            .expect("a valid request");
        let answer = send(app.clone(), refused).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{wrong}");
        assert_eq!(
            header(&answer, "www-authenticate"),
            "Bearer realm=\"gerbang\""
        );
        assert!(
            answer
                .body
                .starts_with("{\"error\":{\"code\":\"unauthorized\""),
            "{}",
            answer.body
        );
    }
    // A page asked for with a bad token answers 401 too: a program is asking, not a browser.
    let page = get(app, "/", &[("authorization", "Bearer gbt_nobody")]).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_never_sends_the_browser_to_another_site() {
    let app = twelve_hours().await;
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/sign-in?next=https://evil.example",
    ] {
        let answer = send(app.clone(), sign_in_request("siti", PASSWORD, next, &[])).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(header(&answer, "location"), "/", "{next}");
        let form = get(app.clone(), &format!("/sign-in?next={}", encode(next)), &[]).await;
        assert!(form.body.contains("name=\"next\" value=\"/\""), "{next}");
    }
    assert_eq!(local_next(Some("/port/CGK?lang=id")), "/port/CGK?lang=id");
    assert_eq!(local_next(None), "/");
}

#[tokio::test]
async fn nothing_but_the_sign_in_page_and_the_stylesheet_answers_without_a_sign_in() {
    let app = twelve_hours().await;
    let pages = [
        "/",
        "/?lang=id&port=CGK",
        "/port/CGK",
        "/port/NOPE",
        "/agencies",
        "/health",
        "/benchmarks",
        "/glossary",
        "/no/such/page",
    ];
    for path in pages {
        let request = Request::get(path)
            .body(Body::empty())
            .expect("a valid request");
        let answer = send(app.clone(), request).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        let location = header(&answer, "location");
        assert!(
            location.starts_with("/sign-in?next=/"),
            "{path}: {location}"
        );
        assert!(!answer.body.contains("CGK"), "{path} tells nothing");
    }
    for (method, path) in [
        ("POST", "/api/sql"),
        ("GET", "/api/sql"),
        ("GET", "/api/openapi.json"),
        ("GET", "/api/nothing"),
        ("GET", "/api"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::from("SELECT 1"))
            .expect("a valid request");
        let answer = send(app.clone(), request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert!(
            answer
                .body
                .starts_with("{\"error\":{\"code\":\"unauthorized\""),
            "{method} {path}: {}",
            answer.body
        );
    }
    for public in ["/sign-in", "/static/gerbang.css"] {
        let request = Request::get(public)
            .body(Body::empty())
            .expect("a valid request");
        assert_eq!(
            send(app.clone(), request).await.status,
            StatusCode::OK,
            "{public}"
        );
    }
}

#[tokio::test]
async fn a_cross_site_post_with_the_sign_in_cookie_is_refused() {
    let app = twelve_hours().await;
    let session = signed_in(&app, "siti").await;
    let post = |origin: Option<&str>| {
        let mut request = Request::post("/api/sql")
            .header("host", HOST)
            .header("cookie", &session)
            .header("content-type", "text/plain");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request
            .body(Body::from("SELECT 1 AS one"))
            .expect("a valid request")
    };
    let forged = send(app.clone(), post(Some("http://evil.example"))).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        forged.body.contains("\"code\":\"refused\""),
        "{}",
        forged.body
    );
    let without_origin = send(app.clone(), post(None)).await;
    assert_eq!(without_origin.status, StatusCode::FORBIDDEN);
    let own = send(app.clone(), post(Some(ORIGIN))).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    // Signing in from another site (login forgery) is refused before any password check.
    let mut forged_sign_in = sign_in_request("siti", PASSWORD, "/", &[]);
    forged_sign_in.headers_mut().insert(
        "origin",
        axum::http::HeaderValue::from_static("http://evil.example"),
    );
    assert_eq!(
        send(app, forged_sign_in).await.status,
        StatusCode::FORBIDDEN
    );
}
