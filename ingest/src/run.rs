//! One ingest run: read what is new in the inbox, convert it, land it in one commit.
//!
//! A run reads every file in the inbox (a local folder or an object-store prefix), skips
//! files whose content already landed, converts the rest with their feed's adapter, writes
//! the data files, rejects and findings, and then commits once. Until that commit nothing
//! of the run is visible; if it never happens (crash, kill, full disk) the lake reads as
//! before and the next run lands the same files again.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};

use crate::error::{IngestError, Result};
use crate::feeds::{Feed, FeedContext, FeedOutput};
use crate::lake::{Commit, DataFile, Lake, SourceFile};
use crate::pseudonym::PseudonymKey;
use crate::reference::PortRegistry;
use crate::schema::Table;

/// How many data files a run writes at once.
const WRITE_CONCURRENCY: usize = 8;

/// What a run needs besides the inbox and the lake.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub registry: PortRegistry,
    pub key: Option<PseudonymKey>,
    /// The clock, injected so that tests can fix "now".
    pub now: fn() -> DateTime<Utc>,
}

impl IngestOptions {
    pub fn new(registry: PortRegistry, key: Option<PseudonymKey>) -> IngestOptions {
        IngestOptions {
            registry,
            key,
            now: Utc::now,
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
    pub findings: u64,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub run_id: String,
    /// The lake version this run committed, or `None` when there was nothing new.
    pub version: Option<u64>,
    pub files: Vec<FileReport>,
}

/// Progress callbacks: a file is about to be read (index, total, name), or is done.
#[derive(Debug)]
pub enum Progress<'a> {
    Reading {
        index: usize,
        total: usize,
        file: &'a str,
    },
    Converted(&'a FileReport),
    Writing {
        files: usize,
    },
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
    let (inbox_store, files) = list_inbox(inbox).await?;

    let mut reports = Vec::with_capacity(files.len());
    let mut sources = Vec::new();
    let mut outputs: Vec<(usize, FeedOutput)> = Vec::new();
    let mut hashes_this_run: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (index, InboxFile { path, relative }) in files.iter().enumerate() {
        let display = format!("{}/{relative}", inbox.trim_end_matches('/'));
        progress(Progress::Reading {
            index,
            total: files.len(),
            file: &display,
        });
        let bytes = inbox_store
            .get(path)
            .await
            .map_err(IngestError::store(format!("reading {display}")))?
            .bytes()
            .await
            .map_err(IngestError::store(format!("reading {display}")))?;
        let name = path.filename().unwrap_or_default();
        let Some(feed) = Feed::recognise(name, &bytes) else {
            reports.push(FileReport {
                file: display,
                feed: None,
                outcome: FileOutcome::Unrecognised,
                rows_in: 0,
                rows_landed: 0,
                rows_rejected: 0,
                findings: 0,
            });
            continue;
        };
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let earlier: Vec<(String, String)> = landed
            .get(sha256.as_str())
            .into_iter()
            .flatten()
            .map(|(source, run)| (source.file.clone(), run.to_string()))
            .chain(hashes_this_run.get(&sha256).into_iter().flatten().cloned())
            .collect();
        if let Some((_, run_id)) = earlier.iter().find(|(file, _)| *file == display) {
            let report = FileReport {
                file: display,
                feed: Some(feed.name()),
                outcome: FileOutcome::AlreadyLanded {
                    run_id: run_id.clone(),
                },
                rows_in: 0,
                rows_landed: 0,
                rows_rejected: 0,
                findings: 0,
            };
            progress(Progress::Converted(&report));
            reports.push(report);
            continue;
        }
        hashes_this_run
            .entry(sha256.clone())
            .or_default()
            .push((display.clone(), run_id.clone()));
        let output = match earlier.first() {
            // The same bytes under another name: a re-sent export. Its records are kept as
            // rejects so that nothing is lost and nothing is counted twice.
            Some((first, run)) => duplicate_file(feed, &bytes, first, run),
            None => {
                let context =
                    FeedContext::whole_file(&options.registry, options.key.as_ref(), &display);
                feed.convert(&bytes, &context)?
            }
        };
        let report = FileReport {
            file: display.clone(),
            feed: Some(feed.name()),
            outcome: FileOutcome::Landed,
            rows_in: output.rows_in,
            rows_landed: output.rows_landed(),
            rows_rejected: output.rejects.len() as u64,
            findings: output.findings.len() as u64,
        };
        progress(Progress::Converted(&report));
        sources.push(SourceFile {
            file: display,
            feed: feed.name().to_string(),
            sha256,
            rows_in: report.rows_in,
            rows_landed: report.rows_landed,
            rows_rejected: report.rows_rejected,
        });
        outputs.push((reports.len(), output));
        reports.push(report);
    }

    if sources.is_empty() {
        return Ok(RunReport {
            run_id,
            version: None,
            files: reports,
        });
    }

    let data_files = write_run(lake, &run_id, &reports, outputs, progress).await?;
    let commit = Commit {
        version: 0,
        run_id: run_id.clone(),
        started_at,
        finished_at: (options.now)(),
        sources,
        files: data_files,
    };
    let commit = lake.commit(commit, &snapshot).await?;
    Ok(RunReport {
        run_id,
        version: Some(commit.version),
        files: reports,
    })
}

/// Every record of a file whose exact content already landed as `first` (in `run`), as
/// duplicate rejects. Records are the file's non-blank lines after the header, if the feed
/// has one.
fn duplicate_file(feed: Feed, bytes: &[u8], first: &str, run: &str) -> FeedOutput {
    let skip = usize::from(feed.has_header_line());
    let mut output = FeedOutput::default();
    if feed.is_binary() {
        // A workbook has no lines to keep one by one: the file is one duplicate record.
        output.rows_in = 1;
        output.rejects.push(crate::feeds::Reject {
            record_number: 1,
            reason: format!(
                "duplicate: this workbook has exactly the content of {first}, landed in run \
                 {run}; nothing of it was landed again"
            ),
            raw: format!("<workbook of {} bytes>", bytes.len()),
        });
        return output;
    }
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate().skip(skip) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        output.rows_in += 1;
        output.rejects.push(crate::feeds::Reject {
            record_number: index as u64 + 1,
            reason: format!(
                "duplicate: this file has exactly the content of {first}, landed in run {run}; \
                 its records were not landed again"
            ),
            raw: String::from_utf8_lossy(line).into_owned(),
        });
    }
    output
}

/// A file found in the inbox: its store path and its name relative to the inbox.
#[derive(Debug)]
struct InboxFile {
    path: Path,
    relative: String,
}

/// Lists the inbox's files (recursively, in name order), skipping hidden and `_` files.
async fn list_inbox(inbox: &str) -> Result<(Arc<dyn ObjectStore>, Vec<InboxFile>)> {
    let url = crate::lake::location_url(inbox)?;
    if url.scheme() == "file" && !url.to_file_path().is_ok_and(|dir| dir.is_dir()) {
        return Err(IngestError::Config(format!(
            "the inbox {inbox} is not a folder; give the folder the nightly exports are \
             delivered to"
        )));
    }
    let (store, prefix) = crate::lake::open_store(&url, inbox)?;
    let store: Arc<dyn ObjectStore> = Arc::from(store);
    let paths: Vec<Path> = store
        .list(Some(&prefix))
        .map_ok(|meta| meta.location)
        .try_collect()
        .await
        .map_err(IngestError::store(format!("listing the inbox {inbox}")))?;
    let mut files: Vec<InboxFile> = paths
        .into_iter()
        .filter_map(|path| {
            let parts: Vec<String> = path
                .prefix_match(&prefix)?
                .map(|part| part.as_ref().to_string())
                .collect();
            let visible = parts
                .iter()
                .all(|p| !p.starts_with('.') && !p.starts_with('_'));
            visible.then(|| InboxFile {
                relative: parts.join("/"),
                path,
            })
        })
        .collect();
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((store, files))
}

/// Writes the run's data files, rejects and findings. Returns what the commit must name.
async fn write_run(
    lake: &Lake,
    run_id: &str,
    reports: &[FileReport],
    outputs: Vec<(usize, FeedOutput)>,
    progress: &mut (dyn FnMut(Progress<'_>) + Send),
) -> Result<Vec<DataFile>> {
    let mut by_partition: BTreeMap<(Table, String, chrono::NaiveDate), Vec<RecordBatch>> =
        BTreeMap::new();
    let mut rejects = Vec::new();
    let mut findings = Vec::new();
    for (report_index, output) in outputs {
        let report = &reports[report_index];
        let feed = report.feed.unwrap_or_default();
        for part in output.partitions {
            by_partition
                .entry((part.table, part.port, part.local_date))
                .or_default()
                .push(part.batch);
        }
        for reject in output.rejects {
            rejects.push((feed, report.file.clone(), reject));
        }
        for finding in output.findings {
            findings.push((feed, report.file.clone(), finding));
        }
    }
    progress(Progress::Writing {
        files: by_partition.len() + 2,
    });
    let mut jobs: Vec<(Table, BTreeMap<String, String>, Vec<RecordBatch>)> = by_partition
        .into_iter()
        .map(|((table, port, date), batches)| {
            let partition = BTreeMap::from([
                ("port".to_string(), port),
                ("local_date".to_string(), date.to_string()),
            ]);
            (table, partition, batches)
        })
        .collect();
    let run_partition = BTreeMap::from([("run_id".to_string(), run_id.to_string())]);
    if !rejects.is_empty() {
        jobs.push((
            Table::Rejects,
            run_partition.clone(),
            vec![rejects_batch(run_id, &rejects)?],
        ));
    }
    if !findings.is_empty() {
        jobs.push((
            Table::QualityFindings,
            run_partition,
            vec![findings_batch(run_id, &findings)?],
        ));
    }
    futures::stream::iter(
        jobs.into_iter()
            .enumerate()
            .map(|(n, (table, partition, batches))| {
                let name = format!("part-{run_id}-{n:05}.parquet");
                async move {
                    lake.write_data_file(table, partition, &name, &batches)
                        .await
                }
            }),
    )
    .buffer_unordered(WRITE_CONCURRENCY)
    .try_collect()
    .await
}

type Located<T> = (&'static str, String, T);

fn rejects_batch(run_id: &str, rejects: &[Located<crate::feeds::Reject>]) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            rejects.iter().map(|_| run_id),
        )),
        Arc::new(StringArray::from_iter_values(rejects.iter().map(|r| r.0))),
        Arc::new(StringArray::from_iter_values(
            rejects.iter().map(|r| r.1.as_str()),
        )),
        Arc::new(Int64Array::from_iter_values(
            rejects.iter().map(|r| r.2.record_number as i64),
        )),
        Arc::new(StringArray::from_iter_values(
            rejects.iter().map(|r| r.2.reason.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            rejects.iter().map(|r| r.2.raw.as_str()),
        )),
    ];
    Ok(RecordBatch::try_new(Table::Rejects.schema(), columns)?)
}

fn findings_batch(
    run_id: &str,
    findings: &[Located<crate::feeds::Finding>],
) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            findings.iter().map(|_| run_id),
        )),
        Arc::new(StringArray::from_iter_values(findings.iter().map(|f| f.0))),
        Arc::new(StringArray::from_iter_values(
            findings.iter().map(|f| f.1.as_str()),
        )),
        Arc::new(Int64Array::from_iter_values(
            findings.iter().map(|f| f.2.record_number as i64),
        )),
        Arc::new(StringArray::from_iter_values(
            findings.iter().map(|f| f.2.check_name),
        )),
        Arc::new(Float64Array::from_iter(
            findings.iter().map(|f| f.2.declared),
        )),
        Arc::new(Float64Array::from_iter(
            findings.iter().map(|f| f.2.computed),
        )),
        Arc::new(StringArray::from_iter_values(
            findings.iter().map(|f| f.2.message.as_str()),
        )),
    ];
    Ok(RecordBatch::try_new(
        Table::QualityFindings.schema(),
        columns,
    )?)
}
