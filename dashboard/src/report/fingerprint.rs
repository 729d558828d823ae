//! The fingerprint of a report: SHA-256 over everything its numbers follow from, and over
//! nothing else, so the same request on the same lake, definitions and targets gives the
//! same fingerprint, and any change to one of them gives another.
//!
//! Five parts are hashed on their own and then together, so that two fingerprints that
//! differ also say which part differs:
//! - `definitions`: every view of the KPI library, name and SQL text, in registration
//!   order (a view may rest on any view before it, so all of them are the definitions);
//! - `targets`: the MoU targets as the warehouse holds them (`mou_targets`,
//!   `mou_exchange_targets`, every column, every row, with the targets file's version);
//! - `data`: the lake version and every committed ingest run with every source file it
//!   landed and that file's content hash (`ingest_runs`): the lake is the files the
//!   commits name, so these name the data exactly;
//! - `request`: the period, the ports and the agencies (not the language: the numbers are
//!   the same in both);
//! - `access`: the principal's agency and roles (not the user's name), the sharing
//!   policies' versions and what the session sees, since the same request shows other
//!   numbers to another agency.
//!
//! The time the report was made is not part of it.

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use gerbang_query::kpi::ViewDefinition;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ReportError;
use super::request::Request;

/// The report's fingerprint and its parts, each a SHA-256 in hexadecimal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub hex: String,
    pub definitions: String,
    pub targets: String,
    pub data: String,
    pub request: String,
    pub access: String,
}

/// What the fingerprint is made of, in the canonical text each part is hashed as.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub views: &'a [ViewDefinition],
    /// [`canonical_rows`] of the targets tables, after the targets version.
    pub targets: String,
    /// [`canonical_rows`] of `ingest_runs`, after the lake version.
    pub data: String,
    pub request: &'a Request,
    /// Agency, roles, policy versions and the session's visibility.
    pub access: String,
}

impl Fingerprint {
    pub fn of(inputs: &Inputs<'_>) -> Fingerprint {
        let mut definitions = Sha256::new();
        for view in inputs.views {
            definitions.update(view.name.as_bytes());
            definitions.update([0]);
            definitions.update(view.sql.as_bytes());
            definitions.update([0]);
        }
        let request = format!(
            "first={}\nlast={}\nports={}\nagencies={}\n",
            inputs.request.first,
            inputs.request.last,
            inputs.request.ports.join(","),
            inputs.request.agencies.join(",")
        );
        let definitions = hex::encode(definitions.finalize());
        let targets = sha256_hex(inputs.targets.as_bytes());
        let data = sha256_hex(inputs.data.as_bytes());
        let request = sha256_hex(request.as_bytes());
        let access = sha256_hex(inputs.access.as_bytes());
        let whole = format!(
            "gerbang mou report 1\ndefinitions {definitions}\ntargets {targets}\ndata {data}\n\
             request {request}\naccess {access}\n"
        );
        Fingerprint {
            hex: sha256_hex(whole.as_bytes()),
            definitions,
            targets,
            data,
            request,
            access,
        }
    }

    /// The fingerprint in groups of eight, for reading aloud and comparing on paper.
    pub fn grouped(&self) -> String {
        self.hex
            .as_bytes()
            .chunks(8)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Query results as text, one line per row, cells separated by a unit separator: the same
/// rows in the same order always give the same text. The query must order its rows.
pub fn canonical_rows(batches: &[RecordBatch]) -> Result<String, ReportError> {
    let options = FormatOptions::default().with_null("\u{2400}");
    let mut text = String::new();
    for batch in batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|column| ArrayFormatter::try_new(column.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ReportError::Render(format!("fingerprinting a query result: {e}")))?;
        for row in 0..batch.num_rows() {
            for (index, formatter) in formatters.iter().enumerate() {
                if index > 0 {
                    text.push('\u{1f}');
                }
                text.push_str(&formatter.value(row).to_string());
            }
            text.push('\n');
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn inputs<'a>(views: &'a [ViewDefinition], request: &'a Request, data: &str) -> Inputs<'a> {
        Inputs {
            views,
            targets: "2026.1\nCGK 35".into(),
            data: data.into(),
            request,
            access: "administrator".into(),
        }
    }

    #[test]
    fn the_fingerprint_follows_its_inputs_and_not_the_language() {
        let views = gerbang_query::kpi::library().unwrap();
        let id = Request::month("2026-10", Lang::Id).unwrap();
        let en = id.clone().with_lang(Lang::En);
        let a = Fingerprint::of(&inputs(&views, &id, "version 3"));
        assert_eq!(a, Fingerprint::of(&inputs(&views, &en, "version 3")));
        let b = Fingerprint::of(&inputs(&views, &id, "version 4"));
        assert_ne!(a.hex, b.hex);
        assert_ne!(a.data, b.data);
        assert_eq!(
            (a.definitions.as_str(), a.request.as_str()),
            (b.definitions.as_str(), b.request.as_str()),
            "only the part that changed differs"
        );
        let cgk = id.clone().with_ports("CGK").unwrap();
        assert_ne!(
            Fingerprint::of(&inputs(&views, &cgk, "version 3")).hex,
            a.hex
        );
        assert_eq!(a.hex.len(), 64);
        assert_eq!(a.grouped().split(' ').count(), 8);
    }
}
