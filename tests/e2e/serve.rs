//! `gerbang serve` on a real lake, spoken to over HTTP on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{KEY, Scratch, repo_file, sql_rows, stdout_of};

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("the server accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
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
    let (_server, address) = start(&[
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

    let child = Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .args(["serve", "--lake", &lake_s, "--addr", "127.0.0.1:0"])
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
