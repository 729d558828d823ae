//! `gerbang user`: the accounts file (who may sign in to the dashboard, the HTTP API and the
//! Postgres port). A running `gerbang serve` follows the file, so every change here applies
//! within seconds without a restart.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use gerbang_ingest::config::Config;
use gerbang_query::accounts::AccountsEditor;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. The password is asked for twice on a terminal, or read as one line
    /// from standard input (`printf '%s\n' "$PW" | gerbang user add …`).
    Add {
        name: String,
        /// The account's agency and roles, e.g. customs:analyst or immigration:leadership,data_owner.
        #[arg(long = "as", value_name = "AGENCY:ROLE[,ROLE]")]
        spec: String,
        /// Make an account that signs in with API tokens only, without a password.
        #[arg(long)]
        no_password: bool,
    },
    /// Set a new password (asked as for `add`).
    Passwd { name: String },
    /// Make a new API token for programs and print it once; only its hash is kept.
    Token { name: String },
    /// Remove every API token of an account; a running `gerbang serve` refuses them within
    /// seconds.
    RevokeTokens { name: String },
    /// Stop an account from signing in. A running `gerbang serve` sees this (and any other
    /// change here) within seconds, without a restart: the account's browser sign-ins,
    /// tokens and open Postgres connections stop working.
    Disable { name: String },
    /// Let a disabled account sign in again.
    Enable { name: String },
    /// List the accounts: name, agency, roles, tokens, state.
    List,
}

/// Where the accounts file is: `--users-file`, or `[auth] users_file` in the configuration.
pub fn users_file(flag: Option<PathBuf>, config: &Config) -> Result<PathBuf> {
    flag.or_else(|| config.auth.as_ref().map(|auth| auth.users_file.clone()))
        .context(
            "no accounts file: pass --users-file, set GERBANG_USERS_FILE, or set \
             `[auth] users_file` in the configuration file",
        )
}

pub fn run(command: UserCommand, path: &Path) -> Result<()> {
    let mut editor = AccountsEditor::open(path)?;
    match command {
        UserCommand::Add {
            name,
            spec,
            no_password,
        } => {
            let password = if no_password {
                None
            } else {
                Some(read_password(&name)?)
            };
            editor.add(&name, &spec, password.as_deref())?;
            editor.save(path)?;
            println!("added {name} ({spec}) to {}", path.display());
        }
        UserCommand::Passwd { name } => {
            let password = read_password(&name)?;
            editor.set_password(&name, &password)?;
            editor.save(path)?;
            println!("set a new password for {name}");
        }
        UserCommand::Token { name } => {
            let token = editor.add_token(&name)?;
            editor.save(path)?;
            eprintln!(
                "a new API token for {name}; it is shown only now, so store it safely \
                 (send it as `Authorization: Bearer <token>`, or as the password on the Postgres port):"
            );
            println!("{token}");
        }
        UserCommand::RevokeTokens { name } => {
            let count = editor.revoke_tokens(&name)?;
            editor.save(path)?;
            println!("revoked {count} token(s) of {name}");
        }
        UserCommand::Disable { name } => {
            editor.set_disabled(&name, true)?;
            editor.save(path)?;
            println!("disabled {name}");
        }
        UserCommand::Enable { name } => {
            editor.set_disabled(&name, false)?;
            editor.save(path)?;
            println!("enabled {name}");
        }
        UserCommand::List => {
            println!(
                "{:<24} {:<14} {:<28} {:>6} {:<8}",
                "user", "agency", "roles", "tokens", "state"
            );
            for account in editor.accounts() {
                let roles: Vec<_> = account.roles.iter().map(|r| r.as_str()).collect();
                println!(
                    "{:<24} {:<14} {:<28} {:>6} {:<8}",
                    account.name,
                    account.agency,
                    roles.join(","),
                    account.tokens.len(),
                    if account.disabled {
                        "disabled"
                    } else if account.password.is_empty() {
                        "tokens"
                    } else {
                        "active"
                    }
                );
            }
        }
    }
    Ok(())
}

fn read_password(name: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("password for {name}: "))?;
        let second = rpassword::prompt_password("again: ")?;
        if first != second {
            bail!("the two passwords differ; nothing was changed");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.is_empty() {
            bail!("no password on standard input; pipe one line, or use --no-password");
        }
        Ok(password)
    }
}
