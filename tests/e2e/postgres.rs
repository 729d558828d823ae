//! The Postgres wire protocol of `gerbang serve`, spoken to by Debian's psql (and a few
//! bytes of the protocol by hand), and the SQL shell fed on stdin.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use gerbang_query::accounts::AccountsEditor;

use crate::{KEY, Scratch, stdout_of};

const PSQL: &str = "/usr/bin/psql";
const PASSWORD: &str = "correct horse battery staple";
/// A KPI a customs analyst sees; numbers that are not integers are compared as Arrow
/// writes them (the CSV of `gerbang sql`), so they are cast to text in the query.
const KPI_QUERY: &str = "SELECT port, CAST(local_date AS VARCHAR) AS local_date, travellers, \
     within_target, CAST(share_within_target AS VARCHAR) AS share, CAST(met AS VARCHAR) AS met \
     FROM kpi_service_level_daily ORDER BY port, local_date";
/// A table customs is not given: immigration's stored hourly rollup.
const FORBIDDEN: &str = "rollup_stored_crossings_hourly";

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A lake of two nights at CGK, an accounts file with the customs analyst `siti` (and an
/// API token of hers), and `gerbang serve` with its Postgres port on 127.0.0.1.
struct Setup {
    scratch: Scratch,
    _server: Server,
    port: u16,
    token: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn setup() -> Setup {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-13", "2", "CGK", "0.05");
    stdout_of(scratch.ingest(Some(KEY)));
    let dir = scratch.lake.parent().unwrap().to_path_buf();
    let users = dir.join("users.toml");
    let mut editor = AccountsEditor::open(&users).unwrap();
    editor
        .add("siti", "customs:analyst", Some(PASSWORD))
        .unwrap();
    let token = editor.add_token("siti").unwrap();
    editor.save(&users).unwrap();
    let config = dir.join("gerbang.toml");
    std::fs::write(
        &config,
        format!("[auth]\nusers_file = \"{}\"\n", users.display()),
    )
    .unwrap();

    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .arg("--config")
        .arg(&config)
        .args([
            "serve",
            "--lake",
            &scratch.lake_arg(),
            "--addr",
            "127.0.0.1:0",
        ])
        .args(["--pg-addr", &format!("127.0.0.1:{port}")])
        .env("GERBANG_PSEUDONYM_KEY", KEY)
        .env_remove("GERBANG_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // The dashboard's line comes once both listeners are bound.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("http://"), "server did not start: {line}");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the Postgres port never opened");
        std::thread::sleep(Duration::from_millis(100));
    }
    Setup {
        scratch,
        _server: server,
        port,
        token,
    }
}

/// psql as siti with `password`, unaligned, tuples only, comma-separated, stopping at the
/// first error, verbose errors (with their SQLSTATE); `args` add commands.
fn psql(setup: &Setup, password: &str, args: &[&str]) -> Output {
    Command::new(PSQL)
        .args(["-X", "-h", "127.0.0.1", "-p", &setup.port.to_string()])
        .args(["-U", "siti", "-d", "gerbang", "-v", "ON_ERROR_STOP=1"])
        .args(["-v", "VERBOSITY=verbose", "-A", "-t", "-F", ","])
        .args(args)
        .env("PGPASSWORD", password)
        .env("PGCONNECT_TIMEOUT", "30")
        .env_remove("PGSERVICE")
        .env_remove("PGSSLMODE")
        .output()
        .expect("psql runs (Debian's postgresql-client)")
}

/// psql reading `script` from stdin (where psql's backslash commands may follow a query).
fn psql_stdin(setup: &Setup, script: &str) -> Output {
    let mut child = Command::new(PSQL)
        .args(["-X", "-h", "127.0.0.1", "-p", &setup.port.to_string()])
        .args(["-U", "siti", "-d", "gerbang", "-v", "ON_ERROR_STOP=1"])
        .args(["-A", "-t", "-F", ","])
        .env("PGPASSWORD", PASSWORD)
        .env("PGCONNECT_TIMEOUT", "30")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn lines(output: &Output) -> Vec<String> {
    assert!(
        output.status.success(),
        "psql failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The same query through `gerbang sql --as customs:analyst` (a session of the same
/// principal), as CSV lines without the header.
fn through_the_session(setup: &Setup, query: &str) -> Vec<String> {
    let out = stdout_of(
        Command::new(env!("CARGO_BIN_EXE_gerbang"))
            .args([
                "sql",
                "--lake",
                &setup.scratch.lake_arg(),
                "--format",
                "csv",
            ])
            .args(["--as", "customs:analyst", "--user", "siti", query])
            .env("GERBANG_PSEUDONYM_KEY", KEY)
            .env_remove("GERBANG_CONFIG")
            .output()
            .unwrap(),
    );
    out.lines().skip(1).map(str::to_string).collect()
}

#[test]
fn psql_runs_kpi_queries_as_an_analyst_and_meets_the_same_policies() {
    let setup = setup();

    // The KPI through psql equals the KPI through the analyst's session.
    let expected = through_the_session(&setup, KPI_QUERY);
    assert_eq!(expected.len(), 2, "two days at CGK: {expected:?}");
    assert_eq!(lines(&psql(&setup, PASSWORD, &["-c", KPI_QUERY])), expected);

    // psql's \gdesc asks the extended protocol (Parse, Describe) what a query with a
    // parameter would return, then asks format_type() for the type names.
    let described = psql_stdin(
        &setup,
        "SELECT port, local_date, share_within_target, met FROM kpi_service_level_daily \
         WHERE port = $1 \\gdesc\n",
    );
    assert_eq!(
        lines(&described),
        [
            "port,text",
            "local_date,date",
            "share_within_target,double precision",
            "met,boolean"
        ]
    );

    // A table customs is not given: refused with insufficient_privilege, psql exits non-zero.
    let refused = psql(
        &setup,
        PASSWORD,
        &["-c", &format!("SELECT count(*) FROM {FORBIDDEN}")],
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("ERROR:  42501:") && stderr.contains("not shared with customs"),
        "{stderr}"
    );
    // Read-only: DDL is refused the same way.
    let ddl = psql(&setup, PASSWORD, &["-c", "CREATE TABLE x AS SELECT 1"]);
    assert!(!ddl.status.success());
    assert!(String::from_utf8_lossy(&ddl.stderr).contains("ERROR:  42501:"));

    // \dt lists customs' own table and not the ones it is not given; \dv the KPI views.
    let tables = lines(&psql(&setup, PASSWORD, &["-c", "\\dt"]));
    let names: Vec<&str> = tables.iter().filter_map(|l| l.split(',').nth(1)).collect();
    assert!(names.contains(&"customs_inspections"), "{tables:?}");
    assert!(!names.contains(&FORBIDDEN), "{tables:?}");
    assert!(
        tables
            .iter()
            .all(|l| l.starts_with("public,") && l.ends_with(",table,gerbang")),
        "{tables:?}"
    );
    let views = lines(&psql(&setup, PASSWORD, &["-c", "\\dv kpi_service*"]));
    assert_eq!(
        views,
        [
            "public,kpi_service_level_by_agency_daily,view,gerbang",
            "public,kpi_service_level_daily,view,gerbang"
        ]
    );
    // \d name describes a relation's columns.
    let columns = lines(&psql(
        &setup,
        PASSWORD,
        &["-c", "\\d kpi_service_level_daily"],
    ));
    assert!(
        columns.contains(&"travellers,bigint,,not null,".to_string()),
        "{columns:?}"
    );

    // What clients ask on connect is answered without the session.
    let about = lines(&psql(
        &setup,
        PASSWORD,
        &[
            "-c",
            "SET application_name = 'e2e'",
            "-c",
            "SHOW server_version",
            "-c",
            "SELECT current_user, current_schema(), current_database()",
        ],
    ));
    assert_eq!(about, ["SET", "16.6", "siti,public,gerbang"]);

    // An API token works as the password.
    let token = lines(&psql(&setup, &setup.token, &["-c", "SELECT current_user"]));
    assert_eq!(token, ["siti"]);
}

#[test]
fn a_wrong_password_is_refused_with_28p01_and_queries_speak_the_binary_protocol() {
    let setup = setup();
    let wrong = psql(&setup, "not the password", &["-c", "SELECT 1"]);
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("wrong user name or password"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    // psql does not print the SQLSTATE of a failed sign-in; the protocol does.
    let mut client = Wire::connect(setup.port, "siti");
    let (kind, body) = client.password("not the password either");
    assert_eq!(kind, b'E');
    let fields = error_fields(&body);
    assert_eq!(fields[&b'C'], "28P01");
    assert_eq!(fields[&b'S'], "FATAL");

    // The extended protocol by hand: a text parameter, the result in binary.
    let mut client = Wire::connect(setup.port, "siti");
    let (kind, _) = client.password(PASSWORD);
    assert_eq!(kind, b'R', "signed in");
    client.read_until(b'Z');
    let query = "SELECT count(*) AS n FROM customs_inspections WHERE port = $1";
    client.parse(query, &[25]);
    client.bind(&["CGK"], 1);
    client.describe_portal();
    client.execute();
    client.sync();
    let replies = client.read_until(b'Z');
    let kinds: Vec<u8> = replies.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds, b"12TDCZ",
        "ParseComplete, BindComplete, RowDescription, DataRow, CommandComplete, ReadyForQuery"
    );
    let description = &replies[2].1;
    // One field "n" of type int8 (oid 20) in binary format (1).
    assert_eq!(&description[0..2], &[0, 1]);
    assert_eq!(&description[2..4], b"n\0");
    let oid = u32::from_be_bytes(description[10..14].try_into().unwrap());
    let format = i16::from_be_bytes(description[description.len() - 2..].try_into().unwrap());
    assert_eq!((oid, format), (20, 1));
    let row = &replies[3].1;
    assert_eq!(&row[0..2], &[0, 1]);
    assert_eq!(i32::from_be_bytes(row[2..6].try_into().unwrap()), 8);
    let count = i64::from_be_bytes(row[6..14].try_into().unwrap());
    let expected = through_the_session(
        &setup,
        "SELECT count(*) FROM customs_inspections WHERE port = 'CGK'",
    );
    assert_eq!(vec![count.to_string()], expected);

    // A parameter is a value, never SQL: quotes and backslashes in it match no port.
    for sneaky in ["CGK' OR 'x' = 'x", "CGK\\' OR 1 = 1 --"] {
        client.bind(&[sneaky], 1);
        client.execute();
        client.sync();
        let replies = client.read_until(b'Z');
        let row = &replies[1].1;
        assert_eq!(
            i64::from_be_bytes(row[6..14].try_into().unwrap()),
            0,
            "{sneaky}"
        );
    }
}

/// A few messages of the Postgres protocol, enough to sign in and run one statement.
struct Wire(TcpStream);

impl Wire {
    fn connect(port: u16, user: &str) -> Wire {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut body = 196_608_i32.to_be_bytes().to_vec(); // protocol 3.0
        for (key, value) in [("user", user), ("database", "gerbang")] {
            body.extend(key.as_bytes());
            body.push(0);
            body.extend(value.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut message = ((body.len() + 4) as i32).to_be_bytes().to_vec();
        message.extend(body);
        stream.write_all(&message).unwrap();
        let mut wire = Wire(stream);
        let (kind, body) = wire.read();
        assert_eq!(
            (kind, body),
            (b'R', 3_i32.to_be_bytes().to_vec()),
            "asks for a password"
        );
        wire
    }

    fn send(&mut self, kind: u8, body: &[u8]) {
        let mut message = vec![kind];
        message.extend(((body.len() + 4) as i32).to_be_bytes());
        message.extend(body);
        self.0.write_all(&message).unwrap();
    }

    fn read(&mut self) -> (u8, Vec<u8>) {
        let mut head = [0_u8; 5];
        self.0.read_exact(&mut head).unwrap();
        let length = i32::from_be_bytes(head[1..5].try_into().unwrap()) as usize;
        let mut body = vec![0; length - 4];
        self.0.read_exact(&mut body).unwrap();
        (head[0], body)
    }

    /// Every message up to and including the first of `kind`.
    fn read_until(&mut self, kind: u8) -> Vec<(u8, Vec<u8>)> {
        let mut messages = Vec::new();
        loop {
            let message = self.read();
            let last = message.0 == kind;
            messages.push(message);
            if last {
                return messages;
            }
        }
    }

    fn password(&mut self, password: &str) -> (u8, Vec<u8>) {
        let mut body = password.as_bytes().to_vec();
        body.push(0);
        self.send(b'p', &body);
        self.read()
    }

    fn parse(&mut self, query: &str, types: &[u32]) {
        let mut body = vec![0]; // unnamed statement
        body.extend(query.as_bytes());
        body.push(0);
        body.extend((types.len() as i16).to_be_bytes());
        for oid in types {
            body.extend(oid.to_be_bytes());
        }
        self.send(b'P', &body);
    }

    fn bind(&mut self, parameters: &[&str], result_format: i16) {
        let mut body = vec![0, 0]; // unnamed portal, unnamed statement
        body.extend(0_i16.to_be_bytes()); // parameters in text
        body.extend((parameters.len() as i16).to_be_bytes());
        for parameter in parameters {
            body.extend((parameter.len() as i32).to_be_bytes());
            body.extend(parameter.as_bytes());
        }
        body.extend(1_i16.to_be_bytes());
        body.extend(result_format.to_be_bytes());
        self.send(b'B', &body);
    }

    fn describe_portal(&mut self) {
        self.send(b'D', b"P\0");
    }

    fn execute(&mut self) {
        let mut body = vec![0];
        body.extend(0_i32.to_be_bytes());
        self.send(b'E', &body);
    }

    fn sync(&mut self) {
        self.send(b'S', &[]);
    }
}

/// The fields of an ErrorResponse: severity `S`, code `C`, message `M`, ….
fn error_fields(body: &[u8]) -> HashMap<u8, String> {
    body.split(|&b| b == 0)
        .filter(|field| !field.is_empty())
        .map(|field| (field[0], String::from_utf8_lossy(&field[1..]).into_owned()))
        .collect()
}

/// `gerbang shell` with `script` on stdin.
fn shell(lake: &Path, script: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .args(["shell", "--lake", &lake.to_string_lossy()])
        .args(["--as", "customs:analyst", "--user", "siti"])
        .env("GERBANG_PSEUDONYM_KEY", KEY)
        .env_remove("GERBANG_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_shell_runs_a_script_from_stdin_and_fails_when_a_statement_fails() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-13", "1", "CGK", "0.02");
    stdout_of(scratch.ingest(Some(KEY)));

    let good = shell(
        &scratch.lake,
        "SELECT port,\n  count(*) AS inspections\nFROM customs_inspections\nGROUP BY port;\n\\d\n\\d customs_inspections\nSELECT 'a;b' AS text; SELECT 2 AS two",
    );
    let out = String::from_utf8_lossy(&good.stdout);
    assert!(
        good.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(out.contains("| CGK  |"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("customs_inspections ") && l.ends_with("| table")),
        "{out}"
    );
    assert!(out.contains("kpi_service_level_daily"), "{out}");
    assert!(out.contains("inspection_id"), "{out}");
    assert!(
        out.contains("| a;b  |"),
        "a ; inside quotes is not the end: {out}"
    );
    assert!(
        out.contains("| 2   |"),
        "the last statement runs without a ;: {out}"
    );

    let bad = shell(
        &scratch.lake,
        &format!("SELECT count(*) FROM {FORBIDDEN};\nSELECT 1 AS still_runs;\n"),
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not shared with customs"));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("still_runs"));
}
