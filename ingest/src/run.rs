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

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{GetResultPayload, ObjectStore, ObjectStoreExt};
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

/// Blocks at least this large are converted in two halves on two threads.
const PARALLEL_BYTES: usize = 1 << 20;

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
    let registry = Arc::new(options.registry.clone());
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
                    &registry,
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
    registry: &Arc<PortRegistry>,
    copy_of: Option<&str>,
    file_number: u32,
    tally: &mut Tally,
    keys: &mut KeyIndex,
    landing: &mut Landing<'_>,
    sources: &[SourceFile],
    progress: &mut (dyn FnMut(Progress<'_>) + Send),
) -> Result<()> {
    let display = context.source_file;
    let mut stream = open_chunks(store, &file.path, display).await?;
    let mut pending: Vec<u8> = Vec::new();
    let mut first_line = 1u64;
    let mut header: Option<String> = None;
    let owned = OwnedContext {
        registry: Arc::clone(registry),
        key: context.key.cloned(),
        source_file: Arc::from(display),
    };
    let mut converted: Option<(Vec<u8>, u64, Result<FeedOutput>)> = None;
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
            let lines = crate::feeds::count_newlines(&block);
            let block_bytes = block.len() as u64;
            // The header line, kept from the first block for those after it.
            let file_header =
                (feed.has_header_line() && header.is_none()).then(|| header_line(&block));
            let converting = match copy_of {
                Some(first) => {
                    let skip = u64::from(feed.has_header_line() && first_line == 1);
                    let reason = duplicate_reason_of_copy(first);
                    let output = reject_all(feed, &block, first_line, skip, &reason);
                    tally.add_rejects(output, true);
                    None
                }
                None => {
                    // Converted on a blocking thread while the block before it is checked
                    // and written here: parsing and Parquet encoding use a core each.
                    let job = BlockJob {
                        feed,
                        registry: Arc::clone(&owned.registry),
                        key: owned.key.clone(),
                        source_file: Arc::clone(&owned.source_file),
                        header: header.clone(),
                        first_line,
                    };
                    Some(tokio::task::spawn_blocking(move || {
                        let output = job.convert(&block);
                        (block, job.first_line, output)
                    }))
                }
            };
            if let Some(file_header) = file_header {
                header = file_header;
            }
            if let Some((block, line, output)) = converted.take() {
                land_block(
                    &block,
                    line,
                    output?,
                    file_number,
                    tally,
                    keys,
                    landing,
                    sources,
                )
                .await?;
                landing.add_rejects(feed.name(), display, &mut tally.rejects);
                landing.bound_memory().await?;
            }
            if let Some(converting) = converting {
                converted = Some(converting.await.map_err(|e| {
                    IngestError::Interrupted(format!(
                        "converting {display} stopped unexpectedly ({e}); nothing of this run \
                         was committed, run ingest again"
                    ))
                })?);
            }
            first_line += lines;
            done_bytes += block_bytes;
            landing.add_rejects(feed.name(), display, &mut tally.rejects);
            progress(Progress::Converting {
                done: done_bytes,
                bytes: file.size,
            });
        }
        if finished {
            if let Some((block, line, output)) = converted.take() {
                land_block(
                    &block,
                    line,
                    output?,
                    file_number,
                    tally,
                    keys,
                    landing,
                    sources,
                )
                .await?;
                landing.add_rejects(feed.name(), display, &mut tally.rejects);
                landing.bound_memory().await?;
            }
            return Ok(());
        }
    }
}

/// A block to convert away from the async task: owns what its [`FeedContext`] borrows.
struct BlockJob {
    feed: Feed,
    registry: Arc<PortRegistry>,
    key: Option<PseudonymKey>,
    source_file: Arc<str>,
    header: Option<String>,
    first_line: u64,
}

impl BlockJob {
    /// Converts the block, in two halves on two threads when it is large: the halves are
    /// cut at a line end, so each is a block of its own, and their outputs are joined in
    /// line order.
    fn convert(&self, block: &[u8]) -> Result<FeedOutput> {
        let middle = block.len() / 2;
        let cut = (block.len() >= PARALLEL_BYTES)
            .then(|| memchr::memchr(b'\n', &block[middle..]))
            .flatten()
            .map(|at| middle + at + 1)
            .filter(|cut| *cut < block.len());
        let Some(cut) = cut else {
            return self.convert_part(block, self.first_line, self.header.as_deref());
        };
        let (first, second) = block.split_at(cut);
        let second_line = self.first_line + crate::feeds::count_newlines(first);
        // The second half starts below the header line: it needs the header given to it.
        let header = match (&self.header, self.feed.has_header_line()) {
            (Some(header), _) => Some(header.clone()),
            (None, true) => header_line(first),
            (None, false) => None,
        };
        let (one, two) = std::thread::scope(|scope| {
            let later = scope.spawn(|| self.convert_part(second, second_line, header.as_deref()));
            let one = self.convert_part(first, self.first_line, self.header.as_deref());
            (one, later.join())
        });
        let two = two.map_err(|_| {
            IngestError::Interrupted(format!(
                "converting {} stopped unexpectedly; nothing of this run was committed, run \
                 ingest again",
                self.source_file
            ))
        })?;
        let mut output = one?;
        let two = two?;
        output.rows_in += two.rows_in;
        output.partitions.extend(two.partitions);
        output.rejects.extend(two.rejects);
        output.findings.extend(two.findings);
        output.records_landed = match (output.records_landed, two.records_landed) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        Ok(output)
    }

    fn convert_part(
        &self,
        bytes: &[u8],
        first_line: u64,
        header: Option<&str>,
    ) -> Result<FeedOutput> {
        let context = FeedContext {
            registry: &self.registry,
            key: self.key.as_ref(),
            source_file: &self.source_file,
            first_line,
            header,
        };
        convert_guarded(self.feed, bytes, &context)
    }
}

/// The first line of the top of a file: its header, for the blocks after it.
fn header_line(bytes: &[u8]) -> Option<String> {
    crate::feeds::split_lines(bytes)
        .next()
        .map(|line| String::from_utf8_lossy(line).trim_end().to_string())
}

/// What a [`BlockJob`] needs from the run, shared by every block of every file.
struct OwnedContext {
    registry: Arc<PortRegistry>,
    key: Option<PseudonymKey>,
    source_file: Arc<str>,
}

/// Checks the keys of a converted block's rows and writes the new ones.
#[allow(clippy::too_many_arguments)]
async fn land_block(
    block: &[u8],
    first_line: u64,
    output: FeedOutput,
    file_number: u32,
    tally: &mut Tally,
    keys: &mut KeyIndex,
    landing: &mut Landing<'_>,
    sources: &[SourceFile],
) -> Result<()> {
    let raw = RawSource::Block {
        bytes: block,
        first_line,
    };
    tally
        .add_output(output, &raw, file_number, keys, landing, sources)
        .await
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

/// Bytes read from a local file at a time.
const READ_CHUNK: usize = 4 << 20;

/// An object's bytes as a stream of chunks. A local file is read in large chunks on the
/// blocking pool: the store's own stream reads 8 KiB at a time, a thread hand-off each,
/// which cost more than parsing on a large export.
async fn open_chunks(
    store: &Arc<dyn ObjectStore>,
    path: &Path,
    display: &str,
) -> Result<BoxStream<'static, object_store::Result<Bytes>>> {
    let result = store
        .get(path)
        .await
        .map_err(IngestError::store(format!("reading {display}")))?;
    let range = result.range.clone();
    match result.payload {
        GetResultPayload::File(file, _) => {
            let chunks = futures::stream::try_unfold(
                (Some(file), range.start),
                move |(file, at)| async move {
                    let Some(mut file) = file.filter(|_| at < range.end) else {
                        return Ok(None);
                    };
                    let len =
                        usize::try_from(range.end - at).map_or(READ_CHUNK, |n| n.min(READ_CHUNK));
                    let read = tokio::task::spawn_blocking(move || {
                        use std::io::{Read, Seek, SeekFrom};
                        let mut buffer = vec![0u8; len];
                        file.seek(SeekFrom::Start(at))?;
                        file.read_exact(&mut buffer)?;
                        Ok::<_, std::io::Error>((file, buffer))
                    })
                    .await;
                    let generic = |source: Box<dyn std::error::Error + Send + Sync>| {
                        object_store::Error::Generic {
                            store: "LocalFileSystem",
                            source,
                        }
                    };
                    let (file, buffer) = read
                        .map_err(|e| generic(Box::new(e)))?
                        .map_err(|e| generic(Box::new(e)))?;
                    Ok(Some((Bytes::from(buffer), (Some(file), at + len as u64))))
                },
            );
            Ok(chunks.boxed())
        }
        GetResultPayload::Stream(stream) => Ok(stream),
    }
}

/// The SHA-256 of an inbox file, read as a stream.
async fn hash_object(
    store: &Arc<dyn ObjectStore>,
    file: &InboxFile,
    display: &str,
) -> Result<String> {
    let mut stream = open_chunks(store, &file.path, display).await?;
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
