//! The accounts file is followed while the dashboard runs: `gerbang user disable` and
//! `gerbang user revoke-tokens` (here: the same editor they use) apply to the very next
//! request, browser sign-ins included, and a file broken by an edit keeps the accounts
//! that were in force.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use gerbang_query::accounts::{Accounts, AccountsEditor, token_hash};

use super::{PASSWORD, crossings, get, policy_day, send, warehouse, week_fixture};
use crate::SignIn;
use crate::cache::PageCache;
use crate::server::{PolicyDay, router_with_cache};

const HOST: &str = "dashboard.test";
const ORIGIN: &str = "http://dashboard.test";

/// An accounts file with `siti` (customs analyst, a password and a token) and `rudi`
/// (immigration leadership, a token), written as `gerbang user` writes it; the tokens.
fn accounts_file(path: &Path) -> (String, String) {
    let mut editor = AccountsEditor::default();
    editor
        .add("siti", "customs:analyst", Some(PASSWORD))
        .expect("siti");
    editor
        .add("rudi", "immigration:leadership", None)
        .expect("rudi");
    let siti = editor.add_token("siti").expect("a token");
    let rudi = editor.add_token("rudi").expect("a token");
    editor.save(path).expect("the file is written");
    (siti, rudi)
}

/// The dashboard over the accounts file, which it looks at on every check.
async fn dashboard(path: &Path) -> (Router, Arc<Accounts>) {
    let accounts = Arc::new(
        Accounts::load(path)
            .expect("the accounts load")
            .with_reload_interval(Duration::ZERO),
    );
    let tables = vec![("crossings".to_string(), vec![crossings(&week_fixture())])];
    let app = router_with_cache(
        Arc::new(warehouse(tables).await),
        SignIn::new(Arc::clone(&accounts)),
        Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY)),
        PolicyDay::Fixed(policy_day()),
    );
    (app, accounts)
}

async fn overview_with_token(app: &Router, token: &str) -> StatusCode {
    let bearer = format!("Bearer {token}");
    get(app.clone(), "/?lang=en", &[("authorization", &bearer)])
        .await
        .status
}

/// Signs `siti` in with her password; the `Cookie` header of the sign-in.
async fn browser_sign_in(app: &Router) -> String {
    let request = Request::post("/sign-in")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "user=siti&password={}&next=%2F&lang=en",
            PASSWORD.replace(' ', "+")
        )))
        .expect("a valid request");
    let answer = send(app.clone(), request).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    answer
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a sign-in cookie")
        .to_string()
}

async fn overview_with_cookie(app: &Router, cookie: &str) -> StatusCode {
    get(app.clone(), "/?lang=en", &[("cookie", cookie)])
        .await
        .status
}

fn edit(path: &Path, change: impl FnOnce(&mut AccountsEditor)) {
    let mut editor = AccountsEditor::open(path).expect("the file opens");
    change(&mut editor);
    editor.save(path).expect("the file is written");
}

#[tokio::test]
async fn a_user_disabled_in_the_file_is_refused_at_the_next_request_and_signed_out() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("users.toml");
    let (siti_token, rudi_token) = accounts_file(&path);
    let (app, _) = dashboard(&path).await;

    let cookie = browser_sign_in(&app).await;
    assert_eq!(overview_with_cookie(&app, &cookie).await, StatusCode::OK);
    assert_eq!(overview_with_token(&app, &siti_token).await, StatusCode::OK);

    edit(&path, |e| e.set_disabled("siti", true).expect("siti"));
    // Her token, and the browser she signed in with before, no longer get in.
    assert_eq!(
        overview_with_token(&app, &siti_token).await,
        StatusCode::UNAUTHORIZED
    );
    let page = get(app.clone(), "/?lang=en", &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(
        page.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.starts_with("/sign-in")),
        "back to the sign-in page"
    );
    // Another account is untouched.
    assert_eq!(overview_with_token(&app, &rudi_token).await, StatusCode::OK);

    // Enabled again, she signs in again; the old browser sign-in stays ended.
    edit(&path, |e| e.set_disabled("siti", false).expect("siti"));
    assert_eq!(overview_with_token(&app, &siti_token).await, StatusCode::OK);
    assert_eq!(
        overview_with_cookie(&app, &cookie).await,
        StatusCode::SEE_OTHER
    );
    let again = browser_sign_in(&app).await;
    assert_eq!(overview_with_cookie(&app, &again).await, StatusCode::OK);
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_the_next_request_and_a_new_one_works() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("users.toml");
    let (_, rudi_token) = accounts_file(&path);
    let (app, _) = dashboard(&path).await;
    assert_eq!(overview_with_token(&app, &rudi_token).await, StatusCode::OK);

    let mut fresh = String::new();
    edit(&path, |e| {
        e.revoke_tokens("rudi").expect("rudi");
        fresh = e.add_token("rudi").expect("a token");
    });
    assert_eq!(
        overview_with_token(&app, &rudi_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(overview_with_token(&app, &fresh).await, StatusCode::OK);
}

#[tokio::test]
async fn a_file_broken_by_an_edit_keeps_the_accounts_in_force_and_says_where() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("users.toml");
    let (siti_token, rudi_token) = accounts_file(&path);
    let (app, accounts) = dashboard(&path).await;
    let cookie = browser_sign_in(&app).await;

    // A hand edit that disables siti but leaves a quote open three lines below.
    let text = std::fs::read_to_string(&path).expect("the file");
    let broken =
        text.replacen("disabled = false", "disabled = true", 1) + "\n[[user]]\nname = \"oops\n";
    std::fs::write(&path, &broken).expect("written");
    let broken_line = broken.lines().count();

    // Nobody is let in and nobody is locked out: the accounts before the edit hold.
    assert_eq!(overview_with_token(&app, &siti_token).await, StatusCode::OK);
    assert_eq!(overview_with_token(&app, &rudi_token).await, StatusCode::OK);
    assert_eq!(overview_with_cookie(&app, &cookie).await, StatusCode::OK);
    assert_eq!(
        overview_with_token(&app, "gbt_0000000000000000000000000000000000000000").await,
        StatusCode::UNAUTHORIZED
    );
    let problem = accounts.problem().expect("the problem is kept");
    assert!(
        problem.contains(&path.display().to_string())
            && problem.contains(&format!("line {broken_line}")),
        "{problem}"
    );

    // A file that parses but holds a bad account keeps them too, and names its line.
    let bad = text.replacen(&token_hash(&rudi_token), "not-a-hash", 1);
    std::fs::write(&path, &bad).expect("written");
    assert_eq!(overview_with_token(&app, &rudi_token).await, StatusCode::OK);
    let rudi_line = bad
        .lines()
        .position(|line| line.trim() == "name = \"rudi\"")
        .expect("rudi's line")
        + 1;
    let problem = accounts.problem().expect("the problem is kept");
    assert!(
        problem.contains(&format!("{}, line {rudi_line}", path.display()))
            && problem.contains("account 'rudi'"),
        "{problem}"
    );

    // Corrected, the edit applies.
    std::fs::write(
        &path,
        text.replacen("disabled = false", "disabled = true", 1),
    )
    .expect("written");
    assert_eq!(
        overview_with_token(&app, &siti_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        overview_with_cookie(&app, &cookie).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(overview_with_token(&app, &rudi_token).await, StatusCode::OK);
    assert_eq!(accounts.problem(), None);
}

/// One psql session on the Postgres port as `user` with `token`, running `script` (which may
/// change the accounts file half-way with `\!`); its exit success, standard output and
/// standard error.
fn psql_session(port: u16, user: &str, token: &str, script: &str) -> (bool, String, String) {
    let mut output = std::process::Command::new("/usr/bin/psql")
        .args([
            "-X",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-v",
            "VERBOSITY=verbose",
        ])
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-d", "gerbang"])
        .args(["-U", user, "-f", "-"])
        .env("PGPASSWORD", token)
        .env("PGSSLMODE", "disable")
        .env("PGCONNECT_TIMEOUT", "10")
        .env_remove("PGSERVICE")
        .env_remove("PGOPTIONS")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("psql runs (postgresql-client is installed)");
    {
        use std::io::Write;
        let mut stdin = output.stdin.take().expect("psql's input");
        stdin
            .write_all(script.as_bytes())
            .expect("the script is sent");
    }
    let output = output.wait_with_output().expect("psql ends");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_port_follows_the_file_for_new_sign_ins_and_open_connections() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("users.toml");
    let (siti_token, rudi_token) = accounts_file(&path);
    let accounts = Arc::new(
        Accounts::load(&path)
            .expect("the accounts load")
            .with_reload_interval(Duration::ZERO),
    );
    let tables = vec![("crossings".to_string(), vec![crossings(&week_fixture())])];
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let port = listener.local_addr().expect("a local address").port();
    let server = tokio::spawn(gerbang_query::pgwire::serve(
        Arc::new(warehouse(tables).await),
        accounts,
        listener,
        None,
    ));
    let run = |user: &'static str, token: String, script: String| {
        tokio::task::spawn_blocking(move || psql_session(port, user, &token, &script))
    };

    // Rudi's token works; revoked in the file, the next connection is refused.
    let (ok, out, err) = run("rudi", rudi_token.clone(), "SELECT 41 + 1;\n".into())
        .await
        .expect("psql ran");
    assert!(ok && out.trim() == "42", "{out}{err}");
    {
        let mut editor = AccountsEditor::open(&path).expect("the file opens");
        editor.revoke_tokens("rudi").expect("rudi");
        editor.save(&path).expect("the file is written");
    }
    let (ok, _, err) = run("rudi", rudi_token, "SELECT 1;\n".into())
        .await
        .expect("psql ran");
    assert!(
        !ok && err.contains("wrong user name or password"),
        "refused at sign-in: {err}"
    );

    // Siti is connected when she is disabled: her next statement on the same connection
    // is refused.
    let disable = format!(
        "SELECT 7;\n\\! sed -i '0,/disabled = false/s//disabled = true/' '{}'\nSELECT 8;\n",
        path.display()
    );
    let (ok, out, err) = run("siti", siti_token, disable).await.expect("psql ran");
    assert!(!ok, "{out}{err}");
    assert!(out.trim() == "7", "the first statement ran: {out}{err}");
    assert!(
        err.contains("disabled or changed since it signed in"),
        "{err}"
    );
    server.abort();
}
