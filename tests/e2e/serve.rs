//! `gerbang serve` on a real lake, spoken to over HTTP on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{
    KEY, PASSWORD, Scratch, config_with_accounts, gerbang, repo_file, sql_rows, stdout_of, token,
};

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The account the dashboard is asked as: Immigration's leadership sees every figure of
/// the overview and the port pages.
const USERS: [(&str, &str); 2] = [
    ("ops", "immigration:leadership"),
    ("siti", "customs:analyst"),
];

/// `GET path` as `ops`, by its API token.
fn get(address: &str, path: &str) -> (u16, String) {
    let auth = format!("Authorization: Bearer {}\r\n", token("ops"));
    exchange(address, &format!("GET {path} HTTP/1.1\r\n{auth}"), "")
}

/// Sends one request (its first lines, without the Host header and the blank line) with
/// `body`; returns the status and the whole response.
fn exchange(address: &str, head: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("the server accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "{head}Host: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// Starts `gerbang serve` with `args`; returns the server and its address.
fn start(args: &[&str]) -> (Server, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .arg("serve")
        .args(args)
        .env("GERBANG_PSEUDONYM_KEY", KEY)
        .env_remove("GERBANG_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no URL in the server's first line: {line}"))
        .to_string();
    (server, address)
}

fn etag(response: &str) -> String {
    response
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("etag:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

#[test]
fn serve_lands_the_inbox_at_its_nightly_time_and_serves_the_new_version_without_a_restart() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-13", "2", "BTM", "0.02");
    std::fs::create_dir_all(&scratch.lake).unwrap();
    let at = (chrono::Utc::now() + chrono::Duration::seconds(4))
        .format("%H:%M:%S")
        .to_string();
    let (lake, inbox) = (scratch.lake_arg(), scratch.inbox_arg());
    let config = config_with_accounts(&scratch.inbox.with_extension("config"), &USERS, "");
    let (_server, address) = start(&[
        "--config",
        config.to_str().unwrap(),
        "--lake",
        &lake,
        "--addr",
        "127.0.0.1:0",
        "--inbox",
        &inbox,
        "--ingest-at",
        &at,
        "--ingest-zone",
        "UTC",
    ]);
    let (status, before) = get(&address, "/?lang=en");
    assert_eq!(status, 200);

    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let mut versions = Vec::new();
    while std::time::Instant::now() < deadline {
        versions = sql_rows(
            &scratch.lake,
            "SELECT count(DISTINCT night) FROM ingest_runs",
        );
        if versions != vec![vec!["0".to_string()]] {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(
        versions,
        vec![vec!["2".to_string()]],
        "two nights of BTM landed"
    );
    // The landed files were archived out of the inbox.
    let left: Vec<_> = walk(&scratch.inbox)
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains("/_"))
        .collect();
    assert!(left.is_empty(), "files left in the inbox: {left:?}");
    // The dashboard serves the new version: the page's tag changes.
    let mut after = String::new();
    while std::time::Instant::now() < deadline {
        after = get(&address, "/?lang=en").1;
        if etag(&after) != etag(&before) {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_ne!(
        etag(&after),
        etag(&before),
        "the dashboard still serves the old version"
    );
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn dashboard_serves_overview_and_port_pages_with_numbers_from_the_lake() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-13", "7", "CGK,BTM", "0.02");
    std::fs::copy(
        repo_file("data/real/cbp-awt/JFK-2018.csv"),
        scratch.inbox.join("JFK-2018.csv"),
    )
    .unwrap();
    stdout_of(scratch.ingest(Some(KEY)));
    let lake_s = scratch.lake_arg();

    let config = config_with_accounts(&scratch.inbox.with_extension("config"), &USERS, "");
    let child = Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .args(["serve", "--lake", &lake_s, "--addr", "127.0.0.1:0"])
        .arg("--config")
        .arg(&config)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no URL in the server's first line: {line}"))
        .to_string();

    let (status, page) = get(&address, "/?lang=en");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Soekarno-Hatta"), "overview lacks CGK");
    assert!(page.contains("<svg"), "overview lacks its chart");
    assert!(
        page.contains("2026.1"),
        "overview does not say which targets it holds to"
    );

    let (status, page) = get(&address, "/port/CGK?lang=id");
    assert_eq!(status, 200);
    assert!(page.contains("WIB"));

    let (status, page) = get(&address, "/port/JFK?lang=en");
    assert_eq!(status, 200, "{page}");

    let (status, _) = get(&address, "/port/NOPE");
    assert_eq!(status, 404);
}

/// The value of a response's header `name` (lower case), if it has one.
fn header_of(response: &str, name: &str) -> Option<String> {
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

#[test]
fn serve_refuses_to_start_without_accounts_and_names_the_setting() {
    let scratch = Scratch::folder();
    std::fs::create_dir_all(&scratch.inbox).unwrap();
    // With an inbox to land, the server makes its lake; then it needs its accounts.
    let (lake, inbox) = (scratch.lake_arg(), scratch.inbox_arg());
    let output = gerbang(
        &[
            "serve",
            "--lake",
            &lake,
            "--inbox",
            &inbox,
            "--addr",
            "127.0.0.1:0",
        ],
        None,
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`[auth] users_file`") && stderr.contains("gerbang user add"),
        "{stderr}"
    );
}

/// A browser signs in with its password and sees what its agency may; a program asks
/// `/api/sql` with a token; a runaway query meets the `[query]` time limit of the
/// configuration; and Ctrl-C stops the server cleanly, the audit of all of it in the lake.
#[test]
fn sign_in_api_and_limits_over_http_and_ctrl_c_writes_the_audit_to_the_lake() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-13", "2", "CGK", "0.02");
    stdout_of(scratch.ingest(Some(KEY)));
    let config = config_with_accounts(
        &scratch.inbox.with_extension("config"),
        &USERS,
        "[query]\ntime_limit_seconds = 2\n",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .args([
            "serve",
            "--lake",
            &scratch.lake_arg(),
            "--addr",
            "127.0.0.1:0",
        ])
        .arg("--config")
        .arg(&config)
        .env_remove("GERBANG_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let pid = child.id().to_string();
    let mut server = Server(child);
    let first = lines.next().unwrap().unwrap();
    let address = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no URL in the server's first line: {first}"))
        .to_string();
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    // A browser without a sign-in is sent to the sign-in page, and signs in there.
    let (status, response) = exchange(&address, "GET /?lang=en HTTP/1.1\r\n", "");
    assert_eq!(status, 303, "{response}");
    assert_eq!(
        header_of(&response, "location").as_deref(),
        Some("/sign-in?next=/%3Flang%3Den")
    );
    let (status, form) = exchange(&address, "GET /sign-in HTTP/1.1\r\n", "");
    assert_eq!(status, 200);
    assert!(form.contains("name=\"password\""));
    let password: String = PASSWORD
        .bytes()
        .map(|b| match b {
            b' ' => "+".to_string(),
            b if b.is_ascii_alphanumeric() => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    let (status, response) = exchange(
        &address,
        &format!(
            "POST /sign-in HTTP/1.1\r\nOrigin: http://{address}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n"
        ),
        &format!("user=siti&password={password}&next=%2F%3Flang%3Den"),
    );
    assert_eq!(status, 303, "{response}");
    assert_eq!(
        header_of(&response, "location").as_deref(),
        Some("/?lang=en")
    );
    let cookie = header_of(&response, "set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap();
    let (status, page) = exchange(
        &address,
        &format!("GET /?lang=en HTTP/1.1\r\nCookie: {session}\r\n"),
        "",
    );
    assert_eq!(status, 200);
    assert!(page.contains(">siti</strong>") && page.contains(" · customs · analyst"));
    // Immigration grants its clearance figures to every agency; the I-24/7 health it
    // keeps from Customs shows the notice instead.
    assert!(
        page.contains("href=\"/port/CGK?"),
        "Customs sees the clearance figures Immigration shares with every agency"
    );
    assert!(
        page.contains("Not shared with your agency") && page.contains("kpi_i247_health_daily"),
        "what Customs may not see says so, with the view"
    );

    // A program asks with a token and gets CSV: the figure the unrestricted CLI gives.
    let sql = "SELECT count(*) AS travellers FROM crossings WHERE port = 'CGK'";
    let (status, csv) = exchange(
        &address,
        &format!(
            "POST /api/sql HTTP/1.1\r\nAuthorization: Bearer {}\r\nAccept: text/csv\r\n",
            token("ops")
        ),
        sql,
    );
    assert_eq!(status, 200, "{csv}");
    let expected = sql_rows(&scratch.lake, sql);
    assert_eq!(
        csv.split("\r\n\r\n").nth(1).unwrap().trim_end(),
        format!("travellers\n{}", expected[0][0])
    );

    // A runaway query meets the 2-second limit of the configuration.
    let runaway = "SELECT count(*) FROM ports a, ports b, ports c, ports d, ports e, ports f \
                   WHERE a.name || b.name || c.name || d.name <> e.name || f.name";
    let (status, answer) = exchange(
        &address,
        &format!(
            "POST /api/sql HTTP/1.1\r\nAuthorization: Bearer {}\r\n",
            token("ops")
        ),
        runaway,
    );
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer.contains("\"code\":\"limit\"") && answer.contains("2 s"),
        "{answer}"
    );

    // Ctrl-C: the server stops by itself and writes the audit it holds to the lake.
    let signalled = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(signalled.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not stop"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status}");
    let printed = rest.join().unwrap().join("\n");
    assert!(printed.contains("stopped; wrote the last"), "{printed}");
    // Every API request and page view, and its outcome (the queries a page asks for
    // itself are audited too, as many as it asks, and left out here).
    let audit = gerbang(
        &[
            "sql",
            "--lake",
            &scratch.lake_arg(),
            "--format",
            "csv",
            "--as",
            "gerbang:administrator",
            "SELECT user, action, interface, outcome, count(*) AS n FROM audit \
             WHERE interface <> 'cli' AND action <> 'query' OR interface = 'api' \
             GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        ],
        None,
    );
    assert_eq!(
        stdout_of(audit),
        "user,action,interface,outcome,n\n\
         ops,export,api,ok,1\n\
         ops,query,api,ok,1\n\
         ops,query,api,timed_out,1\n\
         siti,page_view,dashboard,ok,1\n"
    );
}
