//! End-to-end tests of the `gerbang` command: generate, ingest, query and serve, as an
//! operator runs them. One test binary (linking is the slow part).

// Tests fail loudly on anything unexpected; unwrapping is how they say so.
#![allow(clippy::unwrap_used)]

mod browser;
mod cli;
mod crash;
mod crosscheck;
mod faults;
mod policies;
mod postgres;
mod report;
mod rollup;
mod s3;
mod serve;

use std::path::{Path, PathBuf};
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

/// The password of the accounts [`config_with_accounts`] makes.
pub const PASSWORD: &str = "e2e password, not a secret";

/// The API token [`config_with_accounts`] gives the account `name`.
pub fn token(name: &str) -> String {
    format!("gbt_e2e_{name}")
}

/// An accounts file and a configuration file naming it (`[auth] users_file`), in `dir`:
/// each `(name, "agency:role[,role]")` signs in with [`PASSWORD`] or its [`token`].
/// `extra` is appended to the configuration (a `[query]` table, say). Returns the
/// configuration file's path, for `--config`.
pub fn config_with_accounts(dir: &Path, users: &[(&str, &str)], extra: &str) -> PathBuf {
    use gerbang_query::accounts::{hash_password, token_hash};
    std::fs::create_dir_all(dir).unwrap();
    let password = hash_password(PASSWORD).unwrap();
    let mut accounts = String::new();
    for (name, spec) in users {
        let (agency, roles) = spec.split_once(':').unwrap();
        let roles: Vec<String> = roles.split(',').map(|r| format!("\"{r}\"")).collect();
        accounts.push_str(&format!(
            "[[user]]\nname = \"{name}\"\nagency = \"{agency}\"\nroles = [{}]\n\
             password = \"{password}\"\ntokens = [\"{}\"]\n\n",
            roles.join(", "),
            token_hash(&token(name))
        ));
    }
    let users_file = dir.join("users.toml");
    std::fs::write(&users_file, accounts).unwrap();
    let config = dir.join("gerbang.toml");
    std::fs::write(
        &config,
        format!(
            "[auth]\nusers_file = \"{}\"\n\n{extra}",
            users_file.display()
        ),
    )
    .unwrap();
    config
}
