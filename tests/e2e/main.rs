//! End-to-end tests of the `gerbang` command: generate, ingest, query and serve, as an
//! operator runs them. One test binary (linking is the slow part).

// Tests fail loudly on anything unexpected; unwrapping is how they say so.
#![allow(clippy::unwrap_used)]

mod browser;
mod cli;
mod crash;
mod crosscheck;
mod faults;
mod rollup;
mod s3;
mod serve;

use std::path::Path;
use std::process::{Command, Output};

pub const KEY: &str = "e2e-test-key-0123456789abcdef0123456789";

/// Runs `gerbang` with `args`; `key` sets or clears GERBANG_PSEUDONYM_KEY.
pub fn gerbang(args: &[&str], key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gerbang"));
    command
        .args(args)
        .env_remove("GERBANG_CONFIG")
        .env_remove("GERBANG_LAKE");
    match key {
        Some(key) => command.env("GERBANG_PSEUDONYM_KEY", key),
        None => command.env_remove("GERBANG_PSEUDONYM_KEY"),
    };
    command.output().expect("the gerbang binary runs")
}

/// Runs `gerbang` and insists that it succeeds; returns stdout.
pub fn gerbang_ok(args: &[&str], key: Option<&str>) -> String {
    stdout_of(gerbang(args, key))
}

/// Insists that a run succeeded; returns its stdout.
pub fn stdout_of(output: Output) -> String {
    assert!(
        output.status.success(),
        "gerbang failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs a query and returns its CSV rows (header dropped), each split into fields.
pub fn sql_rows(lake: &Path, query: &str) -> Vec<Vec<String>> {
    let out = gerbang_ok(
        &[
            "sql",
            "--lake",
            &lake.to_string_lossy(),
            "--format",
            "csv",
            query,
        ],
        None,
    );
    out.lines()
        .skip(1)
        .map(|line| line.split(',').map(str::to_string).collect())
        .collect()
}

pub fn repo_file(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A scratch folder with an inbox and a lake, removed when the test ends.
#[derive(Debug)]
pub struct Scratch {
    _dir: tempfile::TempDir,
    pub inbox: std::path::PathBuf,
    pub lake: std::path::PathBuf,
}

impl Scratch {
    pub fn folder() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let (inbox, lake) = (dir.path().join("inbox"), dir.path().join("lake"));
        Scratch {
            _dir: dir,
            inbox,
            lake,
        }
    }

    pub fn inbox_arg(&self) -> String {
        self.inbox.to_string_lossy().into_owned()
    }

    pub fn lake_arg(&self) -> String {
        self.lake.to_string_lossy().into_owned()
    }

    /// `gerbang generate` into the inbox, without faults.
    pub fn generate(&self, from: &str, days: &str, ports: &str, scale: &str) {
        let inbox = self.inbox_arg();
        let args = [
            "generate", "--out", &inbox, "--from", from, "--days", days, "--ports", ports,
            "--scale", scale, "--faults", "0",
        ];
        gerbang_ok(&args, None);
    }

    /// `gerbang ingest --keep` of the inbox into the lake (files stay in the inbox, so a
    /// test can ingest them again); returns its output.
    pub fn ingest(&self, key: Option<&str>) -> Output {
        let args = self.ingest_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        gerbang(&args, key)
    }

    pub fn ingest_args(&self) -> Vec<String> {
        [
            "ingest",
            "--keep",
            "--inbox",
            &self.inbox_arg(),
            "--lake",
            &self.lake_arg(),
        ]
        .map(str::to_string)
        .to_vec()
    }
}
