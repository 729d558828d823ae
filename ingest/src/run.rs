//! One ingest run: read what is new in the inbox, convert it, land it in one commit.
//!
//! A run reads every file in the inbox (a local folder or an object-store prefix), skips
//! files whose content already landed, converts the rest with their feed's adapter, writes
//! the data files, rejects and findings, and then commits once. Until that commit nothing
//! of the run is visible; if it never happens (crash, kill, full disk) the lake reads as
//! before and the next run lands the same files again. After the commit the files it read
//! are moved to the inbox's `_archive/` folder, unless the caller keeps them.
//!
//! Files of the line-based feeds are streamed: read a block of lines at a time, converted,
//! checked for duplicates and written to Parquet before the next block is read, so a file
//! larger than memory lands in bounded memory. Every row is checked against its table's
//! source key (`Table::key_columns`): a record that already landed, from this file, another
//! file or an earlier run, is kept as a duplicate reject instead of landing twice.

mod keys;
mod sink;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};

use crate::error::{IngestError, Result};
use crate::feeds::{Feed, FeedContext, FeedOutput, Finding, NightlyName, Reject};
use crate::lake::{Commit, Lake, SourceFile};
use crate::pseudonym::PseudonymKey;
use crate::reference::PortRegistry;
use keys::{KeyIndex, Seen};
use sink::Landing;

/// How much of a streamed file is converted at a time. Blocks end at a line break.
const BLOCK_BYTES: usize = 8 << 20;

/// What a run needs besides the inbox and the lake.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub registry: PortRegistry,
    pub key: Option<PseudonymKey>,
    /// The clock, injected so that tests can fix "now".
    pub now: fn() -> DateTime<Utc>,
    /// Move the files a run has dealt with to `<inbox>/_archive/<run id>/` after its commit.
    pub archive: bool,
}

impl IngestOptions {
    pub fn new(registry: PortRegistry, key: Option<PseudonymKey>) -> IngestOptions {
        IngestOptions {
            registry,
            key,
            now: Utc::now,
            archive: false,
        }
    }

    /// The same options, archiving what the run lands (the nightly job's behaviour).
    pub fn archiving(self) -> IngestOptions {
        IngestOptions {
            archive: true,
            ..self
        }
    }
}

/// What happened to one inbox file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileOutcome {
    /// Converted and part of this run's commit.
    Landed,
    /// Its content landed before, in the named run.
    AlreadyLanded { run_id: String },
    /// No adapter recognises it; it stays in the inbox untouched.
    Unrecognised,
}

/// The per-file line of a run's summary.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: String,
    pub feed: Option<&'static str>,
    pub outcome: FileOutcome,
    pub rows_in: u64,
    pub rows_landed: u64,
    pub rows_rejected: u64,
    /// Of the rejected rows, those that were duplicates of records already landed.
    pub duplicates: u64,
    pub findings: u64,
    /// Where the file was moved after the commit, if it was archived.
    pub archived_to: Option<String>,
}

impl FileReport {
    fn skipped(file: String, feed: Option<&'static str>, outcome: FileOutcome) -> FileReport {
        FileReport {
            file,
            feed,
            outcome,
            rows_in: 0,
            rows_landed: 0,
            rows_rejected: 0,
            duplicates: 0,
            findings: 0,
            archived_to: None,
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub run_id: String,
    /// The lake version this run committed, or `None` when there was nothing new.
    pub version: Option<u64>,
    pub files: Vec<FileReport>,
}

impl RunReport {
    /// Files no adapter recognised; they stay in the inbox.
    pub fn unrecognised(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.outcome == FileOutcome::Unrecognised)
            .count()
    }
}

/// Progress callbacks, for a progress bar and a log.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A file is about to be read (index from 0 of `total`).
    Reading {
        index: usize,
        total: usize,
        file: &'a str,
        bytes: u64,
    },
    /// Bytes of the current file converted so far.
    Converting { done: u64, bytes: u64 },
    /// A file is done.
    Converted(&'a FileReport),
    /// Every file is read; the last data files are being written and the run committed.
    Writing { files: usize },
}

/// Lands everything new in `inbox` into `lake` as one commit.
///
/// # Example
/// ```no_run
/// # async fn demo() -> gerbang_ingest::Result<()> {
/// use gerbang_ingest::{lake::Lake, reference::PortRegistry, run::{ingest, IngestOptions}};
/// let lake = Lake::open("lake")?;
/// let options = IngestOptions::new(PortRegistry::embedded(), None);
/// let report = ingest("inbox", &lake, &options, &mut |_| {}).await?;
/// println!("landed as version {:?}", report.version);
/// # Ok(()) }
/// ```
pub async fn ingest(
    inbox: &str,
    lake: &Lake,
    options: &IngestOptions,
    progress: &mut (dyn FnMut(Progress<'_>) + Send),
) -> Result<RunReport> {
    let started_at = (options.now)();
    let run_id = format!(
        "{}-{:08x}",
        started_at.format("%Y%m%dT%H%M%SZ"),
        rand::random::<u32>()
    );
    let snapshot = lake.snapshot().await?;
    let landed = snapshot.landed_sources();
    let (inbox_store, prefix, files) = list_inbox(inbox).await?;

    let mut landing = Landing::new(lake, &run_id);
    let mut keys = KeyIndex::new(&snapshot);
    let mut reports: Vec<FileReport> = Vec::with_capacity(files.len());
    let mut sources = Vec::new();
    let mut hashes_this_run: HashMap<String, String> = HashMap::new();
    let mut dealt_with: Vec<(usize, &InboxFile)> = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let display = format!("{}/{}", inbox.trim_end_matches('/'), file.relative);
        progress(Progress::Reading {
            index,
            total: files.len(),
            file: &display,
            bytes: file.size,
        });
        let name = file.path.filename().unwrap_or_default();
        let streamed = Feed::recognise(name, b"").filter(|feed| feed.streams());
        // A streamed file is read twice: once for its content hash (to know whether it
        // landed before), once to convert it. Other files are small and read once.
        let (feed, sha256, whole) = match streamed {
            Some(feed) => {
                let sha256 = hash_object(&inbox_store, file, &display).await?;
                (feed, sha256, None)
            }
            None => {
                let bytes = read_object(&inbox_store, &file.path, &display).await?;
                let Some(feed) = Feed::recognise(name, &bytes) else {
                    let report = FileReport::skipped(display, None, FileOutcome::Unrecognised);
                    progress(Progress::Converted(&report));
                    reports.push(report);
                    continue;
                };
                (feed, hex::encode(Sha256::digest(&bytes)), Some(bytes))
            }
        };

        let earlier_run = landed.get(sha256.as_str()).and_then(|sources| {
            sources
                .iter()
                .find(|(source, _)| source.file == display)
                .map(|(_, run)| run.to_string())
        });
        if let Some(run_id) = earlier_run {
            let report = FileReport::skipped(
                display,
                Some(feed.name()),
                FileOutcome::AlreadyLanded { run_id },
            );
            progress(Progress::Converted(&report));
            dealt_with.push((reports.len(), file));
            reports.push(report);
            continue;
        }
        // The same bytes under another name, landed before or earlier in this run: a
        // re-sent export. Its records are kept as rejects so that nothing is lost and
        // nothing is counted twice.
        let copy_of = landed
            .get(sha256.as_str())
            .and_then(|sources| sources.first())
            .map(|(source, run)| format!("{}, landed in run {run}", source.file))
            .or_else(|| {
                hashes_this_run
                    .get(&sha256)
                    .map(|first| format!("{first}, landed in this run"))
            });
        hashes_this_run
            .entry(sha256.clone())
            .or_insert_with(|| display.clone());

        let file_number = u32::try_from(sources.len()).unwrap_or(u32::MAX);
        let mut tally = Tally::default();
        let context = FeedContext::whole_file(&options.registry, options.key.as_ref(), &display);
        match (whole, copy_of) {
            // A re-sent police document is converted like any other: its records are
            // elements, not lines, and the source-key check rejects each as a duplicate.
            (Some(bytes), Some(first)) if feed != Feed::Police => {
                let skip = u64::from(feed.has_header_line());
                let reason = duplicate_reason_of_copy(&first);
                tally.add_rejects(reject_all(feed, &bytes, 1, skip, &reason), true);
            }
            (Some(bytes), _) => {
                let output = convert_guarded(feed, &bytes, &context)?;
                let raw = RawSource::Whole {
                    feed,
                    bytes: &bytes,
                };
                tally
                    .add_output(output, &raw, file_number, &mut keys, &mut landing, &sources)
                    .await?;
            }
            (None, copy_of) => {
                stream_file(
                    &inbox_store,
                    file,
                    feed,
                    &context,
                    copy_of.as_deref(),
                    file_number,
                    &mut tally,
                    &mut keys,
                    &mut landing,
                    &sources,
                    progress,
                )
                .await?;
            }
        }
        landing.add_findings(feed.name(), &display, &mut tally.findings);
        let report = FileReport {
            file: display.clone(),
            feed: Some(feed.name()),
            outcome: FileOutcome::Landed,
            rows_in: tally.rows_in,
            rows_landed: tally.rows_landed,
            rows_rejected: tally.rows_rejected,
            duplicates: tally.duplicates,
            findings: tally.finding_count,
            archived_to: None,
        };
        progress(Progress::Converted(&report));
        let named = NightlyName::parse(name);
        sources.push(SourceFile {
            file: display,
            feed: feed.name().to_string(),
            sha256,
            rows_in: report.rows_in,
            rows_landed: report.rows_landed,
            rows_rejected: report.rows_rejected,
            port: named.as_ref().map(|n| n.port.clone()),
            night: named.as_ref().map(|n| n.night),
            exported_at: named.and_then(|n| n.exported_at),
        });
        landing.add_rejects(feed.name(), &report.file, &mut tally.rejects);
        dealt_with.push((reports.len(), file));
        reports.push(report);
        landing.bound_memory().await?;
    }

    if sources.is_empty() {
        let mut report = RunReport {
            run_id,
            version: None,
            files: reports,
        };
        if options.archive {
            archive(&inbox_store, &prefix, &dealt_with, &mut report).await?;
        }
        return Ok(report);
    }

    progress(Progress::Writing {
        files: landing.open_files(),
    });
    let data_files = landing.finish().await?;
    let commit = Commit {
        version: 0,
        run_id: run_id.clone(),
        started_at,
        finished_at: (options.now)(),
        sources,
        files: data_files,
    };
    let commit = lake.commit(commit, &snapshot).await?;
    let mut report = RunReport {
        run_id,
        version: Some(commit.version),
        files: reports,
    };
    if options.archive {
        archive(&inbox_store, &prefix, &dealt_with, &mut report).await?;
    }
    Ok(report)
}

/// Counts for one file, and the rejects and findings not yet handed to the landing.
#[derive(Debug, Default)]
struct Tally {
    rows_in: u64,
    rows_landed: u64,
    rows_rejected: u64,
    duplicates: u64,
    finding_count: u64,
    rejects: Vec<Reject>,
    findings: Vec<Finding>,
}

impl Tally {
    /// Takes a file's records as rejects (a re-sent copy of a file: `duplicates`).
    fn add_rejects(&mut self, output: FeedOutput, duplicates: bool) {
        self.rows_in += output.rows_in;
        self.rows_rejected += output.rejects.len() as u64;
        if duplicates {
            self.duplicates += output.rejects.len() as u64;
        }
        self.rejects.extend(output.rejects);
    }

    /// Takes an adapter's output: checks every row's source key, writes the rows that are
    /// new and keeps the others as duplicate rejects.
    async fn add_output(
        &mut self,
        output: FeedOutput,
        raw: &RawSource<'_>,
        file_number: u32,
        keys: &mut KeyIndex,
        landing: &mut Landing<'_>,
        sources: &[SourceFile],
    ) -> Result<()> {
        self.rows_in += output.rows_in;
        self.rows_rejected += output.rejects.len() as u64;
        self.finding_count += output.findings.len() as u64;
        self.rejects.extend(output.rejects);
        self.findings.extend(output.findings);
        // A feed whose record is not one row (a BPS sheet row is twelve port-months)
        // counts records itself; its repeated rows are dropped with one finding.
        let counts_records = output.records_landed;
        let mut landed_rows = 0u64;
        let mut dropped_rows = 0u64;
        for part in output.partitions {
            keys.load_partition(landing.lake(), &part).await?;
            let checked = keys.check(&part, file_number);
            let mut keep = Vec::with_capacity(part.batch.num_rows());
            for (row, seen) in checked.iter().enumerate() {
                match seen {
                    None => keep.push(true),
                    Some(seen) => {
                        keep.push(false);
                        if counts_records.is_some() {
                            dropped_rows += 1;
                            continue;
                        }
                        let record = part.records.get(row).copied().unwrap_or(0);
                        self.rejects.push(Reject {
                            record_number: record,
                            reason: duplicate_reason(&part, row, seen, file_number, sources),
                            raw: raw.record(record, &part, row),
                        });
                        self.rows_rejected += 1;
                        self.duplicates += 1;
                    }
                }
            }
            landed_rows += landing.write(part, &keep).await? as u64;
        }
        match counts_records {
            Some(records) => self.rows_landed += records,
            None => self.rows_landed += landed_rows,
        }
        if dropped_rows > 0 {
            self.finding_count += 1;
            self.findings.push(Finding {
                record_number: 0,
                check_name: "rows_already_landed",
                declared: Some(dropped_rows as f64),
                computed: None,
                message: format!(
                    "{dropped_rows} rows of this file were already in the lake from an earlier \
                     file and were not landed again; the earlier figures stand"
                ),
            });
        }
        Ok(())
    }
}

/// Where a duplicate reject's raw record comes from.
enum RawSource<'a> {
    /// A file read whole: lines for text feeds, the canonical row for documents.
    Whole { feed: Feed, bytes: &'a [u8] },
    /// A block of lines of a streamed file, starting at `first_line`.
    Block { bytes: &'a [u8], first_line: u64 },
}

impl RawSource<'_> {
    fn record(&self, record: u64, part: &crate::feeds::PartitionBatch, row: usize) -> String {
        match self {
            RawSource::Whole { feed, bytes } if !feed.is_binary() && *feed != Feed::Police => {
                line_at(bytes, 1, record).unwrap_or_else(|| keys::render_row(part, row))
            }
            RawSource::Whole { .. } => keys::render_row(part, row),
            RawSource::Block { bytes, first_line } => {
                line_at(bytes, *first_line, record).unwrap_or_else(|| keys::render_row(part, row))
            }
        }
    }
}

/// Line `line` of `bytes`, whose first line is `first_line`.
fn line_at(bytes: &[u8], first_line: u64, line: u64) -> Option<String> {
    let index = usize::try_from(line.checked_sub(first_line)?).ok()?;
    let text = bytes.split(|b| *b == b'\n').nth(index)?;
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    Some(String::from_utf8_lossy(text).into_owned())
}

fn duplicate_reason(
    part: &crate::feeds::PartitionBatch,
    row: usize,
    seen: &Seen,
    file_number: u32,
    sources: &[SourceFile],
) -> String {
    let key = keys::render_key(part, row);
    let table = part.table.name();
    match *seen {
        Seen::Lake => format!(
            "duplicate: {table} record {key} is already in the lake from an earlier run; it \
             was not landed again"
        ),
        Seen::Run { file, record } if file == file_number => format!(
            "duplicate: {table} record {key} was already given at record {record} of this \
             file; it was not landed again"
        ),
        Seen::Run { file, record } => {
            let earlier = sources
                .get(file as usize)
                .map_or("an earlier file of this run", |s| s.file.as_str());
            format!(
                "duplicate: {table} record {key} was already given at record {record} of \
                 {earlier}; it was not landed again"
            )
        }
    }
}

/// Converts a line-based file a block at a time.
#[allow(clippy::too_many_arguments)]
async fn stream_file(
    store: &Arc<dyn ObjectStore>,
    file: &InboxFile,
    feed: Feed,
    context: &FeedContext<'_>,
    copy_of: Option<&str>,
    file_number: u32,
    tally: &mut Tally,
    keys: &mut KeyIndex,
    landing: &mut Landing<'_>,
    sources: &[SourceFile],
    progress: &mut (dyn FnMut(Progress<'_>) + Send),
) -> Result<()> {
    let display = context.source_file;
    let mut stream = store
        .get(&file.path)
        .await
        .map_err(IngestError::store(format!("reading {display}")))?
        .into_stream();
    let mut pending: Vec<u8> = Vec::new();
    let mut first_line = 1u64;
    let mut header: Option<String> = None;
    let mut done_bytes = 0u64;
    loop {
        let chunk = stream
            .try_next()
            .await
            .map_err(IngestError::store(format!("reading {display}")))?;
        let finished = chunk.is_none();
        if let Some(chunk) = chunk {
            pending.extend_from_slice(&chunk);
            if pending.len() < BLOCK_BYTES {
                continue;
            }
        }
        let cut = if finished {
            pending.len()
        } else {
            match pending.iter().rposition(|b| *b == b'\n') {
                Some(newline) => newline + 1,
                // One line longer than a block: keep reading until it ends.
                None => continue,
            }
        };
        let rest = pending.split_off(cut);
        let block = std::mem::replace(&mut pending, rest);
        if !block.is_empty() {
            let lines = block.iter().filter(|b| **b == b'\n').count() as u64;
            match copy_of {
                Some(first) => {
                    let skip = u64::from(feed.has_header_line() && first_line == 1);
                    let reason = duplicate_reason_of_copy(first);
                    let output = reject_all(feed, &block, first_line, skip, &reason);
                    tally.add_rejects(output, true);
                }
                None => {
                    let block_context = FeedContext {
                        first_line,
                        header: header.as_deref(),
                        ..*context
                    };
                    let output = convert_guarded(feed, &block, &block_context)?;
                    let raw = RawSource::Block {
                        bytes: &block,
                        first_line,
                    };
                    tally
                        .add_output(output, &raw, file_number, keys, landing, sources)
                        .await?;
                }
            }
            if feed.has_header_line() && header.is_none() {
                header = block
                    .split(|b| *b == b'\n')
                    .next()
                    .map(|line| String::from_utf8_lossy(line).trim_end().to_string());
            }
            first_line += lines;
            done_bytes += block.len() as u64;
            landing.add_rejects(feed.name(), display, &mut tally.rejects);
            landing.bound_memory().await?;
            progress(Progress::Converting {
                done: done_bytes,
                bytes: file.size,
            });
        }
        if finished {
            return Ok(());
        }
    }
}

/// Converts a file or block, turning a panic in an adapter (a bug, or a library it uses
/// failing on malformed input) into rejects of every record instead of a stopped run.
fn convert_guarded(feed: Feed, bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        feed.convert(bytes, context)
    })) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            let skip = u64::from(feed.has_header_line() && context.header.is_none());
            Ok(reject_all(
                feed,
                bytes,
                context.first_line,
                skip,
                &format!(
                    "internal: the {} adapter failed on this file ({what}); its records are \
                     kept here unconverted, please report the file to Gerbang's maintainers",
                    feed.name()
                ),
            ))
        }
    }
}

/// Every record of a file or block as a reject with `reason`: its non-blank lines after
/// `skip` header lines, or, for a workbook, the file as one record.
fn reject_all(feed: Feed, bytes: &[u8], first_line: u64, skip: u64, reason: &str) -> FeedOutput {
    let mut output = FeedOutput::default();
    if feed.is_binary() {
        output.rows_in = 1;
        output.rejects.push(Reject {
            record_number: 1,
            reason: reason.to_string(),
            raw: format!("<workbook of {} bytes>", bytes.len()),
        });
        return output;
    }
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_number = first_line + index as u64;
        if line_number < first_line + skip {
            continue;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        output.rows_in += 1;
        output.rejects.push(Reject {
            record_number: line_number,
            reason: reason.to_string(),
            raw: String::from_utf8_lossy(line).into_owned(),
        });
    }
    output
}

fn duplicate_reason_of_copy(first: &str) -> String {
    format!(
        "duplicate: this file has exactly the content of {first}; none of its records were \
         landed again"
    )
}

/// A file found in the inbox: its store path, its name relative to the inbox and its size.
#[derive(Debug)]
struct InboxFile {
    path: Path,
    relative: String,
    size: u64,
}

async fn read_object(
    store: &Arc<dyn ObjectStore>,
    path: &Path,
    display: &str,
) -> Result<bytes::Bytes> {
    store
        .get(path)
        .await
        .map_err(IngestError::store(format!("reading {display}")))?
        .bytes()
        .await
        .map_err(IngestError::store(format!("reading {display}")))
}

/// The SHA-256 of an inbox file, read as a stream.
async fn hash_object(
    store: &Arc<dyn ObjectStore>,
    file: &InboxFile,
    display: &str,
) -> Result<String> {
    let mut stream = store
        .get(&file.path)
        .await
        .map_err(IngestError::store(format!("reading {display}")))?
        .into_stream();
    let mut hasher = Sha256::new();
    while let Some(chunk) = stream
        .try_next()
        .await
        .map_err(IngestError::store(format!("reading {display}")))?
    {
        hasher.update(&chunk);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Lists the inbox's files (recursively, in name order), skipping hidden and `_` files.
async fn list_inbox(inbox: &str) -> Result<(Arc<dyn ObjectStore>, Path, Vec<InboxFile>)> {
    let url = crate::lake::location_url(inbox)?;
    if url.scheme() == "file" && !url.to_file_path().is_ok_and(|dir| dir.is_dir()) {
        return Err(IngestError::Config(format!(
            "the inbox {inbox} is not a folder; give the folder the nightly exports are \
             delivered to"
        )));
    }
    let (store, prefix) = crate::lake::open_store(&url, inbox)?;
    let store: Arc<dyn ObjectStore> = Arc::from(store);
    let listed: Vec<object_store::ObjectMeta> = store
        .list(Some(&prefix))
        .try_collect()
        .await
        .map_err(IngestError::store(format!("listing the inbox {inbox}")))?;
    let mut files: Vec<InboxFile> = listed
        .into_iter()
        .filter_map(|meta| {
            let parts: Vec<String> = meta
                .location
                .prefix_match(&prefix)?
                .map(|part| part.as_ref().to_string())
                .collect();
            let visible = parts
                .iter()
                .all(|p| !p.starts_with('.') && !p.starts_with('_') && !p.ends_with(".partial"));
            visible.then(|| InboxFile {
                relative: parts.join("/"),
                path: meta.location,
                size: meta.size,
            })
        })
        .collect();
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((store, prefix, files))
}

/// Moves the files a run dealt with to `<inbox>/_archive/<run id>/<relative path>`.
async fn archive(
    store: &Arc<dyn ObjectStore>,
    prefix: &Path,
    dealt_with: &[(usize, &InboxFile)],
    report: &mut RunReport,
) -> Result<()> {
    let folder = prefix.clone().join("_archive").join(report.run_id.as_str());
    // One rename after another: on a local disk each is instant, and a plain loop keeps
    // the run's future `Send` for callers that spawn it.
    for (index, file) in dealt_with {
        let target = file
            .relative
            .split('/')
            .fold(folder.clone(), |path, part| path.join(part));
        store
            .rename(&file.path, &target)
            .await
            .map_err(IngestError::store(format!(
                "archiving {} to {target}",
                file.relative
            )))?;
        if let Some(report) = report.files.get_mut(*index) {
            report.archived_to = Some(target.to_string());
        }
    }
    Ok(())
}
