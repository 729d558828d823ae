//! Where written reports live: a local folder or an object-store prefix (the same kinds
//! of location the lake may be), one file per format and a `<name>.request.json` sidecar
//! that records everything needed to make the report again. The sidecar is written last,
//! so a report is listed only once all its files are there.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use gerbang_ingest::lake::{location_url, open_store};
use gerbang_query::policy::Principal;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use super::fingerprint::Fingerprint;
use super::model::Report;
use super::request::{Format, Request};
use super::{ReportError, render};

const SIDECAR: &str = ".request.json";

/// The sidecar of a written report: the request, who it was made for, and the data,
/// targets, policies and definitions (by fingerprint) it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// The kind of report: `mou`.
    pub report: String,
    /// The files' common name, without extension.
    pub name: String,
    pub request: Request,
    pub user: String,
    pub agency: String,
    pub roles: Vec<String>,
    pub formats: Vec<Format>,
    pub fingerprint: Fingerprint,
    pub lake_version: u64,
    /// The committed ingest runs the lake held.
    pub ingest_runs: Vec<String>,
    pub targets_version: String,
    pub policies: String,
    /// Sections the principal's policies kept out, with why.
    pub left_out: Vec<String>,
    /// When it was made (not part of the fingerprint).
    pub generated_at: DateTime<Utc>,
    pub gerbang_version: String,
}

impl RequestRecord {
    pub fn of(report: &Report, formats: &[Format]) -> RequestRecord {
        RequestRecord {
            report: "mou".to_string(),
            name: report.file_stem(),
            request: report.request.clone(),
            user: report.principal.user.clone(),
            agency: report.principal.agency.clone(),
            roles: report
                .principal
                .roles
                .iter()
                .map(|r| r.as_str().to_string())
                .collect(),
            formats: formats.to_vec(),
            fingerprint: report.fingerprint.clone(),
            lake_version: report.provenance.lake_version,
            ingest_runs: report
                .provenance
                .runs
                .iter()
                .map(|r| r.run_id.clone())
                .collect(),
            targets_version: report.provenance.targets_version.clone(),
            policies: report.provenance.policies.clone(),
            left_out: report
                .left_out
                .iter()
                .map(|l| format!("{}: {}", l.title, l.reason))
                .collect(),
            generated_at: report.generated_at,
            gerbang_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// The principal the report was made for, to make it again.
    pub fn principal(&self) -> Result<Principal, ReportError> {
        Ok(Principal::parse(
            &self.user,
            &format!("{}:{}", self.agency, self.roles.join(",")),
        )?)
    }
}

/// Reads a sidecar's JSON.
pub fn read_request(json: &str) -> Result<RequestRecord, ReportError> {
    serde_json::from_str(json)
        .map_err(|e| ReportError::Request(format!("the request file is not a report request: {e}")))
}

/// One written report, as the dashboard lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportListing {
    pub record: RequestRecord,
    /// Each format's file name and size in bytes.
    pub files: Vec<(Format, String, u64)>,
}

impl ReportListing {
    /// Whether `reader` may download it: administrators any report; others the reports
    /// made for their own agency by someone who was not an administrator (an
    /// administrator's report may hold what the agency's policies do not show it).
    pub fn visible_to(&self, reader: &Principal) -> bool {
        reader.is_administrator()
            || (self.record.agency == reader.agency
                && !self.record.roles.iter().any(|r| r == "administrator"))
    }
}

/// A location's store and prefix; a local folder is created when `create`.
fn open(out: &str, create: bool) -> Result<(Box<dyn ObjectStore>, Path), ReportError> {
    let fail = |message: String| ReportError::Store {
        location: out.to_string(),
        message,
    };
    let url = location_url(out).map_err(|e| fail(e.to_string()))?;
    if url.scheme() == "file" && create {
        let dir = url
            .to_file_path()
            .map_err(|()| fail("not a usable local path".to_string()))?;
        std::fs::create_dir_all(&dir).map_err(|e| fail(format!("creating the folder: {e}")))?;
    }
    open_store(&url, out).map_err(|e| fail(e.to_string()))
}

/// Renders the report in each format and writes the files and the sidecar to `out` (a
/// folder or an `s3://bucket/prefix`). Returns the files written, sidecar last.
pub async fn write(
    out: &str,
    report: &Report,
    formats: &[Format],
) -> Result<Vec<String>, ReportError> {
    let (store, prefix) = open(out, true)?;
    let stem = report.file_stem();
    let mut written = Vec::new();
    let put = |name: String, bytes: Vec<u8>| {
        let path = prefix.clone().join(name.as_str());
        let store = &store;
        async move {
            store
                .put(&path, PutPayload::from(bytes))
                .await
                .map_err(|e| ReportError::Store {
                    location: out.to_string(),
                    message: format!("writing {name}: {e}"),
                })
                .map(|_| name)
        }
    };
    for format in formats {
        let bytes = render(report, *format)?;
        written.push(put(format!("{stem}.{}", format.extension()), bytes).await?);
    }
    let record = RequestRecord::of(report, formats);
    let json = serde_json::to_vec_pretty(&record)
        .map_err(|e| ReportError::Render(format!("writing the request record: {e}")))?;
    written.push(put(format!("{stem}{SIDECAR}"), json).await?);
    Ok(written)
}

/// Every report written to `out`, newest period first. A folder that does not exist yet
/// has none.
pub async fn list_reports(out: &str) -> Result<Vec<ReportListing>, ReportError> {
    if let Ok(url) = location_url(out)
        && url.scheme() == "file"
        && url.to_file_path().is_ok_and(|dir| !dir.exists())
    {
        return Ok(Vec::new());
    }
    let (store, prefix) = open(out, false)?;
    let fail = |message: String| ReportError::Store {
        location: out.to_string(),
        message,
    };
    let objects: Vec<_> = store
        .list(Some(&prefix))
        .try_collect()
        .await
        .map_err(|e| fail(format!("listing: {e}")))?;
    let sizes: BTreeMap<String, u64> = objects
        .iter()
        .filter_map(|meta| {
            meta.location
                .filename()
                .map(|name| (name.to_string(), meta.size))
        })
        .collect();
    let mut listings = Vec::new();
    for meta in &objects {
        let Some(name) = meta.location.filename() else {
            continue;
        };
        if !name.ends_with(SIDECAR) {
            continue;
        }
        let bytes = store
            .get(&meta.location)
            .await
            .map_err(|e| fail(format!("reading {name}: {e}")))?
            .bytes()
            .await
            .map_err(|e| fail(format!("reading {name}: {e}")))?;
        let Ok(record) = serde_json::from_slice::<RequestRecord>(&bytes) else {
            continue;
        };
        let files = record
            .formats
            .iter()
            .filter_map(|format| {
                let file = format!("{}.{}", record.name, format.extension());
                sizes.get(&file).map(|size| (*format, file, *size))
            })
            .collect();
        listings.push(ReportListing { record, files });
    }
    listings.sort_by(|a, b| {
        b.record
            .request
            .first
            .cmp(&a.record.request.first)
            .then_with(|| a.record.name.cmp(&b.record.name))
    });
    Ok(listings)
}

/// One file of a written report, by its name as [`list_reports`] gives it. Names with
/// anything but letters, digits, `.`, `-` and `_` are refused, so a request cannot reach
/// outside the reports.
pub async fn fetch_report(out: &str, file: &str) -> Result<Vec<u8>, ReportError> {
    let allowed = !file.is_empty()
        && !file.starts_with('.')
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && (Format::ALL
            .iter()
            .any(|f| file.ends_with(&format!(".{}", f.extension())))
            || file.ends_with(SIDECAR));
    if !allowed {
        return Err(ReportError::Request(format!(
            "'{file}' is not a report file"
        )));
    }
    let (store, prefix) = open(out, false)?;
    let path = prefix.join(file);
    let result = store.get(&path).await.map_err(|e| ReportError::Store {
        location: out.to_string(),
        message: format!("reading {file}: {e}"),
    })?;
    let bytes = result.bytes().await.map_err(|e| ReportError::Store {
        location: out.to_string(),
        message: format!("reading {file}: {e}"),
    })?;
    Ok(bytes.to_vec())
}
