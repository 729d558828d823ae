//! `gerbang serve` on a real lake, spoken to over HTTP on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{KEY, Scratch, repo_file, stdout_of};

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
