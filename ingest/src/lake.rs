//! The lake: Hive-partitioned Parquet files plus a commit log, on any object store.
//!
//! Layout below the lake's root:
//! ```text
//! crossings/port=CGK/local_date=2026-10-20/part-<run>-00000.parquet
//! rejects/run_id=<run>/part-<run>-00000.parquet
//! _gerbang_log/00000000000000000001.json      one commit per ingest run
//! ```
//! A run first writes its data files under names nobody else uses, then makes them visible
//! with one small commit object written with [`PutMode::Create`]. A reader sees exactly the
//! files named by the commits, so a run that dies before its commit leaves only unreferenced
//! files behind and the lake reads as before; two runs racing for the same version cannot
//! both win. The commit also records every source file with its content hash, which is what
//! makes re-ingesting a file a no-op.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::DataType;
use datafusion::parquet::arrow::AsyncArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
use datafusion::parquet::schema::types::ColumnPath;
use futures::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{IngestError, Result};
use crate::schema::Table;

const LOG_DIR: &str = "_gerbang_log";

/// A lake location: an object store and the prefix the lake lives under.
#[derive(Debug, Clone)]
pub struct Lake {
    store: Arc<dyn ObjectStore>,
    root: Path,
    /// `scheme://authority/` of the store, as DataFusion registers object stores.
    store_url: Url,
    location: String,
}

/// One data file that a commit made visible.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataFile {
    pub table: String,
    /// Path below the lake root.
    pub path: String,
    /// Partition column values, as written in the folder names.
    pub partition: BTreeMap<String, String>,
    pub rows: u64,
    pub bytes: u64,
}

/// What a run did with one source file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    /// Location of the file in the inbox when it was read.
    pub file: String,
    pub feed: String,
    pub sha256: String,
    pub rows_in: u64,
    pub rows_landed: u64,
    pub rows_rejected: u64,
    /// The port and local night the file's name says it covers, when it follows the
    /// nightly naming convention.
    #[serde(default)]
    pub port: Option<String>,
    #[serde(default)]
    pub night: Option<chrono::NaiveDate>,
    /// When the agency's system exported the file, if its name says.
    #[serde(default)]
    pub exported_at: Option<DateTime<Utc>>,
}

/// One committed ingest run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Commit {
    pub version: u64,
    pub run_id: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub sources: Vec<SourceFile>,
    pub files: Vec<DataFile>,
}

/// A data file being written (see [`Lake::data_file_writer`]).
pub struct PartitionWriter {
    store: Arc<dyn ObjectStore>,
    parquet: AsyncArrowWriter<object_store::buffered::BufWriter>,
    path: Path,
    table: Table,
    relative: String,
    partition: BTreeMap<String, String>,
    rows: u64,
}

impl std::fmt::Debug for PartitionWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartitionWriter")
            .field("path", &self.relative)
            .field("rows", &self.rows)
            .finish()
    }
}

impl PartitionWriter {
    pub async fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.rows += batch.num_rows() as u64;
        Ok(self.parquet.write(batch).await?)
    }

    /// Finishes the file and describes it for the commit.
    pub async fn close(self) -> Result<DataFile> {
        self.parquet.close().await?;
        let bytes = self
            .store
            .head(&self.path)
            .await
            .map_err(IngestError::store(format!(
                "checking the data file {}",
                self.path
            )))?
            .size;
        Ok(DataFile {
            table: self.table.name().to_string(),
            path: self.relative,
            partition: self.partition,
            rows: self.rows,
            bytes,
        })
    }
}

/// The lake as of one version: every commit up to it.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub commits: Vec<Commit>,
}

impl Snapshot {
    /// The lake version (0 for an empty lake). It changes with every committed run.
    pub fn version(&self) -> u64 {
        self.commits.last().map_or(0, |c| c.version)
    }

    /// The visible data files of `table`.
    pub fn files(&self, table: &str) -> impl Iterator<Item = &DataFile> {
        self.commits
            .iter()
            .flat_map(|c| c.files.iter())
            .filter(move |f| f.table == table)
    }

    /// Every landed source file by content hash, with the run that landed it.
    pub fn landed_sources(&self) -> HashMap<&str, Vec<(&SourceFile, &str)>> {
        let mut landed: HashMap<&str, Vec<(&SourceFile, &str)>> = HashMap::new();
        for commit in &self.commits {
            for source in &commit.sources {
                landed
                    .entry(source.sha256.as_str())
                    .or_default()
                    .push((source, commit.run_id.as_str()));
            }
        }
        landed
    }
}

impl Lake {
    /// Opens a lake at a local path or a `file://` URL.
    /// A local folder is created if missing.
    pub fn open(location: &str) -> Result<Lake> {
        let url = location_url(location)?;
        if url.scheme() == "file" {
            let dir = local_dir(&url, location)?;
            std::fs::create_dir_all(&dir).map_err(|source| IngestError::Io {
                context: format!("creating the lake folder {}", dir.display()),
                source,
            })?;
        }
        Self::at(&url, location)
    }

    /// Opens a lake that must already be there, for commands that only read it: a local
    /// folder that does not exist is an error saying how to create it, not a new empty lake
    /// (a mistyped path would otherwise read as a lake without data). An object-store
    /// prefix cannot be told apart from an empty lake and opens as one.
    pub fn open_existing(location: &str) -> Result<Lake> {
        let url = location_url(location)?;
        if url.scheme() == "file" && !local_dir(&url, location)?.exists() {
            return Err(IngestError::LakeMissing {
                location: location.to_string(),
            });
        }
        Self::at(&url, location)
    }

    /// The lake at `url`; a local folder must be there already.
    fn at(url: &Url, location: &str) -> Result<Lake> {
        let (store, root) = open_store(url, location)?;
        let mut store_url = url.clone();
        store_url.set_path("/");
        store_url.set_query(None);
        Ok(Lake {
            store: Arc::from(store),
            root,
            store_url,
            location: location.to_string(),
        })
    }

    pub fn store(&self) -> Arc<dyn ObjectStore> {
        Arc::clone(&self.store)
    }

    /// `scheme://authority/` of the lake's object store.
    pub fn store_url(&self) -> &Url {
        &self.store_url
    }

    /// The location the lake was opened with, for messages.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The full object-store path of a path below the lake root.
    pub fn path(&self, relative: &str) -> Path {
        relative
            .split('/')
            .filter(|part| !part.is_empty())
            .fold(self.root.clone(), |path, part| path.join(part))
    }

    /// Reads every commit. Commits are small; a lake with years of nightly runs has a few
    /// thousand.
    pub async fn snapshot(&self) -> Result<Snapshot> {
        let log = self.path(LOG_DIR);
        let mut names: Vec<(u64, Path)> = self
            .store
            .list(Some(&log))
            .map_ok(|meta| meta.location)
            .try_collect::<Vec<_>>()
            .await
            .map_err(IngestError::store(format!(
                "listing the commit log of {}",
                self.location
            )))?
            .into_iter()
            .filter_map(|path| {
                let name = path.filename()?;
                let version = name.strip_suffix(".json")?.parse::<u64>().ok()?;
                Some((version, path))
            })
            .collect();
        names.sort_by_key(|(version, _)| *version);
        let mut commits = Vec::with_capacity(names.len());
        for (version, path) in names {
            let bytes = self
                .store
                .get(&path)
                .await
                .map_err(IngestError::store(format!("reading commit {path}")))?
                .bytes()
                .await
                .map_err(IngestError::store(format!("reading commit {path}")))?;
            let commit: Commit =
                serde_json::from_slice(&bytes).map_err(|e| IngestError::CorruptLog {
                    path: path.to_string(),
                    message: e.to_string(),
                })?;
            if commit.version != version {
                return Err(IngestError::CorruptLog {
                    path: path.to_string(),
                    message: format!("it says it is version {}", commit.version),
                });
            }
            commits.push(commit);
        }
        Ok(Snapshot { commits })
    }

    /// Writes one Parquet data file of `table` and returns its description. The file stays
    /// invisible until a commit names it.
    pub async fn write_data_file(
        &self,
        table: Table,
        partition: BTreeMap<String, String>,
        file_name: &str,
        batches: &[RecordBatch],
    ) -> Result<DataFile> {
        let mut writer = self.data_file_writer(table, partition, file_name)?;
        for batch in batches {
            writer.write(batch).await?;
        }
        writer.close().await
    }

    /// Opens a Parquet data file of `table` for writing batch by batch. Row groups are
    /// written out as they fill, so memory stays bounded however many rows go in. The file
    /// stays invisible until a commit names it.
    pub fn data_file_writer(
        &self,
        table: Table,
        partition: BTreeMap<String, String>,
        file_name: &str,
    ) -> Result<PartitionWriter> {
        let mut relative = table.name().to_string();
        for (column, value) in &partition {
            relative.push_str(&format!("/{column}={value}"));
        }
        relative.push('/');
        relative.push_str(file_name);
        let path = self.path(&relative);
        let writer = object_store::buffered::BufWriter::new(self.store(), path.clone());
        let parquet =
            AsyncArrowWriter::try_new(writer, table.schema(), Some(writer_properties(table)))?;
        Ok(PartitionWriter {
            store: self.store(),
            parquet,
            path,
            table,
            relative,
            partition,
            rows: 0,
        })
    }

    /// Makes a run visible as version `snapshot.version() + 1`. Fails with
    /// [`IngestError::ConcurrentCommit`] if another run took that version first.
    pub async fn commit(&self, mut commit: Commit, based_on: &Snapshot) -> Result<Commit> {
        commit.version = based_on.version() + 1;
        let path = self.path(&format!("{LOG_DIR}/{:020}.json", commit.version));
        let body = serde_json::to_vec_pretty(&commit)
            .map_err(|e| IngestError::Config(format!("the commit could not be serialised: {e}")))?;
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .store
            .put_opts(&path, PutPayload::from(body), options)
            .await
        {
            Ok(_) => Ok(commit),
            Err(object_store::Error::AlreadyExists { .. }) => Err(IngestError::ConcurrentCommit {
                version: commit.version,
            }),
            Err(source) => Err(IngestError::ObjectStore {
                context: format!("writing commit {path}"),
                source,
            }),
        }
    }
}

/// Data files are sorted by time within a partition and carry page-level statistics so that
/// DataFusion can prune row groups and pages on the columns KPIs filter by.
fn writer_properties(table: Table) -> WriterProperties {
    let mut builder = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(128 * 1024));
    // Columns whose values hardly repeat (record ids, traveller keys, times to the
    // millisecond) get no dictionary: building one costs time for every value, and the
    // writer gives it up anyway once it grows past its limit.
    let keys = table.key_columns();
    for field in table.schema().fields() {
        let name = field.name().as_str();
        let unique = (keys.contains(&name) && name != "port")
            || name == "traveller_key"
            || matches!(field.data_type(), DataType::Timestamp(..)) && name != "hour_start";
        if unique {
            builder = builder.set_column_dictionary_enabled(ColumnPath::from(name), false);
        }
    }
    builder.build()
}

/// The object store and prefix of a location URL: a local folder (`file://` or a plain
/// path) or an S3-compatible bucket (`s3://bucket/prefix`), configured by the usual
/// environment variables: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and
/// for a store other than Amazon's `AWS_ENDPOINT` (with `AWS_ALLOW_HTTP=true` for plain
/// HTTP). Other schemes are refused with that said plainly.
pub fn open_store(url: &Url, location: &str) -> Result<(Box<dyn ObjectStore>, Path)> {
    match url.scheme() {
        "file" => object_store::parse_url(url).map_err(|source| IngestError::ObjectStore {
            context: format!("opening {location}"),
            source,
        }),
        "s3" | "s3a" => {
            let store = object_store::aws::AmazonS3Builder::from_env()
                .with_url(url.as_str())
                .build()
                .map_err(|source| IngestError::ObjectStore {
                    context: format!(
                        "opening {location} (S3 settings come from AWS_ACCESS_KEY_ID, \
                         AWS_SECRET_ACCESS_KEY, AWS_REGION and, for a store other than \
                         Amazon's, AWS_ENDPOINT)"
                    ),
                    source,
                })?;
            let prefix =
                Path::from_url_path(url.path()).map_err(|source| IngestError::ObjectStore {
                    context: format!("reading the path of {location}"),
                    source: source.into(),
                })?;
            Ok((Box::new(store), prefix))
        }
        other => Err(IngestError::Config(format!(
            "'{location}': Gerbang reads and writes local folders and S3-compatible buckets \
             (s3://bucket/prefix); {other}:// is not one of them"
        ))),
    }
}

/// The local folder of a `file://` lake URL.
fn local_dir(url: &Url, location: &str) -> Result<std::path::PathBuf> {
    url.to_file_path()
        .map_err(|()| IngestError::Config(format!("'{location}' is not a usable local path")))
}

/// Turns a path or URL into a URL; relative paths are taken from the current directory.
pub fn location_url(location: &str) -> Result<Url> {
    if let Ok(url) = Url::parse(location)
        && url.scheme().len() > 1
    {
        return Ok(url);
    }
    let path = std::path::absolute(location).map_err(|source| IngestError::Io {
        context: format!("resolving the path {location}"),
        source,
    })?;
    Url::from_directory_path(&path)
        .map_err(|()| IngestError::Config(format!("'{location}' is not a usable path")))
}
