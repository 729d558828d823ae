//! `gerbang shell` (and `gerbang sql` without a query): SQL statements typed at a prompt
//! or read from stdin, run one by one as a user of an agency (or with the lake's own access
//! without `--as`).
//!
//! At a terminal: line editing and history (`~/.gerbang_history`), statements over several
//! lines ending with `;`, `\d` (what the user may see), `\d name` (its columns), `\timing`,
//! `\q`; a failed statement prints its error and the prompt comes back; Ctrl-C stops the
//! running query (or clears the statement being typed), Ctrl-D leaves. From a pipe or a
//! file: every statement runs in turn, errors go to stderr, and the exit status is 1 when
//! any statement failed.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::util::pretty::pretty_format_batches_with_schema;
use gerbang_query::Warehouse;
use gerbang_query::pgwire::split_statements;
use gerbang_query::policy::Session;
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use crate::Format;
use crate::output;

/// Who the statements run as.
#[derive(Debug)]
pub enum Runner {
    /// A signed-in principal's session: policies, limits and audit apply.
    Session(Box<Session>),
    /// The lake's own, full access (no `--as`), unaudited, as `gerbang sql` without `--as`.
    Lake(Arc<Warehouse>),
}

impl Runner {
    async fn sql(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        Ok(match self {
            Runner::Session(session) => {
                let answer = session.sql(sql).await?;
                (answer.schema, answer.batches)
            }
            Runner::Lake(warehouse) => {
                let frame = warehouse.context().sql(sql).await?;
                let schema = Arc::new(frame.schema().as_arrow().clone());
                (schema, frame.collect().await?)
            }
        })
    }

    /// The tables and views there are to query, with their kind.
    async fn relations(&self) -> Result<Vec<(String, &'static str)>> {
        Ok(match self {
            Runner::Session(session) => session
                .visibility()
                .objects
                .iter()
                .map(|(name, seen)| {
                    let kind = match seen {
                        gerbang_query::policy::Seen::GrantedView(_)
                        | gerbang_query::policy::Seen::DerivedView
                        | gerbang_query::policy::Seen::Aggregate(_) => "view",
                        _ => "table",
                    };
                    (name.clone(), kind)
                })
                .collect(),
            Runner::Lake(warehouse) => {
                let views: Vec<&str> = warehouse.views().iter().map(|v| v.name.as_str()).collect();
                let mut names = warehouse
                    .context()
                    .catalog("gerbang")
                    .and_then(|c| c.schema("public"))
                    .map(|s| s.table_names())
                    .unwrap_or_default();
                names.sort();
                names
                    .into_iter()
                    .map(|name| {
                        let kind = if views.contains(&name.as_str()) {
                            "view"
                        } else {
                            "table"
                        };
                        (name, kind)
                    })
                    .collect()
            }
        })
    }

    /// A relation's columns.
    async fn columns(&self, name: &str) -> Result<SchemaRef> {
        let query = format!("SELECT * FROM \"{}\"", name.replace('"', "\"\""));
        Ok(match self {
            Runner::Session(session) => session.describe(&query).await?.schema,
            Runner::Lake(warehouse) => {
                let frame = warehouse.context().sql(&query).await?;
                Arc::new(frame.schema().as_arrow().clone())
            }
        })
    }
}

/// Reads statements from stdin: a prompt on a terminal, a script otherwise.
pub async fn run(runner: Runner, format: Format) -> Result<()> {
    let mut shell = Shell {
        runner,
        format,
        timing: false,
        buffer: String::new(),
        failures: 0,
        interactive: std::io::stdin().is_terminal(),
    };
    if shell.interactive {
        shell.interactive().await
    } else {
        let mut script = String::new();
        std::io::stdin().read_to_string(&mut script)?;
        for line in script.lines() {
            if !shell.line(line).await? {
                break;
            }
        }
        let rest = std::mem::take(&mut shell.buffer);
        if !rest.trim().is_empty() {
            shell.statement(rest.trim()).await;
        }
        if shell.failures > 0 {
            bail!("{} statement(s) failed", shell.failures);
        }
        Ok(())
    }
}

struct Shell {
    runner: Runner,
    format: Format,
    timing: bool,
    /// The statement being typed, up to its `;`.
    buffer: String,
    failures: usize,
    /// At a terminal: Ctrl-C stops the running statement, not the shell.
    interactive: bool,
}

impl Shell {
    async fn interactive(&mut self) -> Result<()> {
        let mut editor = DefaultEditor::new()?;
        let history =
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".gerbang_history"));
        if let Some(history) = &history {
            let _ = editor.load_history(history);
        }
        println!(
            "Gerbang SQL shell{}. End statements with ;  \\d lists tables, \\? help, \\q quits.",
            match &self.runner {
                Runner::Session(session) => format!(" as {}", session.principal()),
                Runner::Lake(_) => " with the lake's full access".to_string(),
            }
        );
        loop {
            let prompt = if self.buffer.is_empty() {
                "gerbang=> "
            } else {
                "gerbang-> "
            };
            let line = tokio::task::block_in_place(|| editor.readline(prompt));
            match line {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    if !self.line(&line).await? {
                        break;
                    }
                }
                Err(ReadlineError::Interrupted) => self.buffer.clear(),
                Err(ReadlineError::Eof) => break,
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(history) = &history {
            let _ = editor.save_history(history);
        }
        Ok(())
    }

    /// Takes one line; `false` when it asks to quit.
    async fn line(&mut self, line: &str) -> Result<bool> {
        // A backslash command runs at once, also in the middle of a statement (which it
        // leaves as it is), as in psql.
        let trimmed = line.trim();
        if trimmed.starts_with('\\') {
            return Ok(self.command(trimmed).await);
        }
        self.buffer.push_str(line);
        self.buffer.push('\n');
        let buffer = std::mem::take(&mut self.buffer);
        let cut = split_statements(&buffer);
        for statement in &cut.complete {
            self.statement(statement).await;
        }
        if !cut.rest.is_empty() {
            self.buffer = format!("{}\n", cut.rest);
        }
        Ok(true)
    }

    async fn statement(&mut self, sql: &str) {
        let started = Instant::now();
        let result = if self.interactive {
            tokio::select! {
                result = self.runner.sql(sql) => Some(result),
                _ = tokio::signal::ctrl_c() => None,
            }
        } else {
            Some(self.runner.sql(sql).await)
        };
        match result {
            Some(Ok((schema, batches))) => {
                if let Err(e) = self.print(&schema, &batches) {
                    eprintln!("error: {e}");
                    self.failures += 1;
                }
            }
            Some(Err(e)) => {
                eprintln!("error: {e}");
                self.failures += 1;
            }
            None => {
                eprintln!("cancelled");
                self.failures += 1;
            }
        }
        if self.timing {
            println!("Time: {:.3} ms", duration_ms(started.elapsed()));
        }
    }

    fn print(&self, schema: &SchemaRef, batches: &[RecordBatch]) -> Result<()> {
        match self.format {
            Format::Table => {
                let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
                println!(
                    "{}",
                    pretty_format_batches_with_schema(Arc::clone(schema), batches)?
                );
                println!("({rows} row{})", if rows == 1 { "" } else { "s" });
                Ok(())
            }
            format => output::print(batches, format),
        }
    }

    /// A backslash command; `false` for `\q`.
    async fn command(&mut self, line: &str) -> bool {
        let mut words = line.split_whitespace();
        let command = words.next().unwrap_or_default();
        let argument = words.next();
        match (command, argument) {
            ("\\q", _) => return false,
            ("\\timing", setting) => {
                self.timing = match setting {
                    Some("on") => true,
                    Some("off") => false,
                    _ => !self.timing,
                };
                println!("Timing is {}.", if self.timing { "on" } else { "off" });
            }
            ("\\d" | "\\dt" | "\\dv", None) => match self.runner.relations().await {
                Ok(relations) => {
                    let wanted = match command {
                        "\\dt" => Some("table"),
                        "\\dv" => Some("view"),
                        _ => None,
                    };
                    let shown: Vec<_> = relations
                        .iter()
                        .filter(|(_, kind)| wanted.is_none_or(|w| w == *kind))
                        .collect();
                    let width = shown.iter().map(|(n, _)| n.len()).max().unwrap_or(4).max(4);
                    println!("{:<width$} | type", "name");
                    println!("{}-+------", "-".repeat(width));
                    for (name, kind) in &shown {
                        println!("{name:<width$} | {kind}");
                    }
                    println!("({} relations)", shown.len());
                }
                Err(e) => eprintln!("error: {e}"),
            },
            ("\\d", Some(name)) => match self.runner.columns(name).await {
                Ok(schema) => {
                    let width = schema
                        .fields()
                        .iter()
                        .map(|f| f.name().len())
                        .max()
                        .unwrap_or(6)
                        .max(6);
                    println!("{:<width$} | {:<28} | nullable", "column", "type");
                    println!("{}-+-{}-+---------", "-".repeat(width), "-".repeat(28));
                    for field in schema.fields() {
                        println!(
                            "{:<width$} | {:<28} | {}",
                            field.name(),
                            field.data_type().to_string(),
                            if field.is_nullable() { "yes" } else { "no" }
                        );
                    }
                }
                Err(e) => eprintln!("error: {e}"),
            },
            ("\\?" | "\\h" | "\\help", _) => println!(
                "  \\d          tables and views you may query\n  \
                 \\d NAME     the columns of one\n  \
                 \\dt, \\dv    tables only, views only\n  \
                 \\timing     show how long each statement took\n  \
                 \\q          quit (or Ctrl-D)\n  \
                 End each SQL statement with ; — Ctrl-C stops a running query."
            ),
            (other, _) => {
                eprintln!("unknown command {other}; \\? lists the commands");
                self.failures += 1;
            }
        }
        true
    }
}

fn duration_ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
