//! What a report is asked for: the period, the ports, the agencies, the language and the
//! formats, checked before any query runs.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ReportError;
use crate::i18n::Lang;

/// The agencies whose KPIs a report can cover, as the KPI views name them.
pub const AGENCIES: [&str; 7] = [
    "immigration",
    "customs",
    "quarantine",
    "police",
    "authority",
    "integration_bus",
    "statistics_indonesia",
];

/// The longest period one report covers: a year, so a report stays readable and its
/// queries stay within the per-query limits.
pub const MAX_DAYS: i64 = 366;

/// One MoU review report as asked for. The language changes the words, never the numbers
/// or the fingerprint.
///
/// # Example
/// ```
/// use gerbang_dashboard::report::{Lang, Request};
/// let request = Request::month("2026-10", Lang::Id)?
///     .with_ports("cgk, DPS")?
///     .with_agencies("immigration,customs")?;
/// assert_eq!(request.last.to_string(), "2026-10-31");
/// assert_eq!(request.ports, ["CGK", "DPS"]);
/// # Ok::<(), gerbang_dashboard::report::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// First local date of the period.
    pub first: NaiveDate,
    /// Last local date of the period, included.
    pub last: NaiveDate,
    /// Port codes, upper case, sorted; empty: every Indonesian entry point.
    pub ports: Vec<String>,
    /// Agencies, sorted; empty: every agency.
    pub agencies: Vec<String>,
    #[serde(with = "lang_code")]
    pub lang: Lang,
}

impl Request {
    /// A calendar month, `YYYY-MM`.
    pub fn month(period: &str, lang: Lang) -> Result<Request, ReportError> {
        let first = NaiveDate::parse_from_str(&format!("{}-01", period.trim()), "%Y-%m-%d")
            .map_err(|_| {
                ReportError::Request(format!(
                    "the period '{period}' is not a month like 2026-10 (YYYY-MM)"
                ))
            })?;
        let last = first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|next| next.checked_sub_days(Days::new(1)))
            .ok_or_else(|| ReportError::Request(format!("the month {period} has no end")))?;
        Request::between(first, last, lang)
    }

    /// The local dates from `first` to `last`, both included.
    pub fn between(first: NaiveDate, last: NaiveDate, lang: Lang) -> Result<Request, ReportError> {
        if last < first {
            return Err(ReportError::Request(format!(
                "the period ends ({last}) before it starts ({first}); --to must not be before --from"
            )));
        }
        let days = (last - first).num_days() + 1;
        if days > MAX_DAYS {
            return Err(ReportError::Request(format!(
                "the period {first} to {last} has {days} days; a report covers at most {MAX_DAYS}: \
                 make one report per month or quarter"
            )));
        }
        Ok(Request {
            first,
            last,
            ports: Vec::new(),
            agencies: Vec::new(),
            lang,
        })
    }

    /// Port codes separated by commas (`all` or empty: every Indonesian entry point). They
    /// are checked against the port registry when the report is built.
    pub fn with_ports(mut self, ports: &str) -> Result<Request, ReportError> {
        let mut codes: Vec<String> = ports
            .split(',')
            .map(|p| p.trim().to_ascii_uppercase())
            .filter(|p| !p.is_empty() && p != "ALL")
            .collect();
        if let Some(bad) = codes
            .iter()
            .find(|c| !c.chars().all(|ch| ch.is_ascii_alphanumeric()))
        {
            return Err(ReportError::Request(format!(
                "'{bad}' is not a port code; port codes are letters like CGK or DPS"
            )));
        }
        codes.sort();
        codes.dedup();
        self.ports = codes;
        Ok(self)
    }

    /// Agencies separated by commas (`all` or empty: every agency).
    pub fn with_agencies(mut self, agencies: &str) -> Result<Request, ReportError> {
        let mut names: Vec<String> = agencies
            .split(',')
            .map(|a| a.trim().to_ascii_lowercase().replace('-', "_"))
            .filter(|a| !a.is_empty() && a != "all")
            .collect();
        if let Some(bad) = names.iter().find(|a| !AGENCIES.contains(&a.as_str())) {
            return Err(ReportError::Request(format!(
                "'{bad}' is not an agency; the agencies are {}",
                AGENCIES.join(", ")
            )));
        }
        names.sort();
        names.dedup();
        self.agencies = names;
        Ok(self)
    }

    pub fn with_lang(mut self, lang: Lang) -> Request {
        self.lang = lang;
        self
    }

    /// Whether the report covers any of these agencies' KPIs.
    pub fn covers_any(&self, agencies: &[&str]) -> bool {
        self.agencies.is_empty() || agencies.iter().any(|a| self.covers(a))
    }

    pub fn covers(&self, agency: &str) -> bool {
        self.agencies.is_empty() || self.agencies.iter().any(|a| a == agency)
    }

    /// Every date of the period, in order.
    pub fn dates(&self) -> Vec<NaiveDate> {
        self.first
            .iter_days()
            .take_while(|d| *d <= self.last)
            .collect()
    }

    /// Whether the period is one whole calendar month.
    pub fn is_month(&self) -> bool {
        self.first.day() == 1
            && self.last.month() == self.first.month()
            && self.last.year() == self.first.year()
            && self.last.succ_opt().is_none_or(|next| next.day() == 1)
    }

    /// A short name for files: `2026-10` for a month, `2026-10-01_2026-10-15` otherwise.
    pub fn period_slug(&self) -> String {
        if self.is_month() {
            self.first.format("%Y-%m").to_string()
        } else {
            format!(
                "{}_{}",
                self.first.format("%Y-%m-%d"),
                self.last.format("%Y-%m-%d")
            )
        }
    }

    /// A SQL condition keeping `column` (a local date) inside the period.
    pub(crate) fn period_sql(&self, column: &str) -> String {
        format!(
            "{column} BETWEEN DATE '{}' AND DATE '{}'",
            self.first.format("%Y-%m-%d"),
            self.last.format("%Y-%m-%d")
        )
    }
}

/// The formats a report is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// For signing: A4, page numbers, vector charts.
    Pdf,
    /// The annex: one sheet per table, numbers with their formats.
    Xlsx,
    /// One self-contained page, print-friendly.
    Html,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Pdf, Format::Xlsx, Format::Html];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    /// One format by its name or file extension.
    pub fn parse(name: &str) -> Result<Format, ReportError> {
        let wanted = name.trim().trim_start_matches('.').to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extension() == wanted)
            .ok_or_else(|| {
                ReportError::Request(format!(
                    "'{name}' is not a report format; the formats are pdf, xlsx and html"
                ))
            })
    }

    /// Formats separated by commas, e.g. `pdf,xlsx`.
    pub fn parse_list(names: &str) -> Result<Vec<Format>, ReportError> {
        let mut formats = names
            .split(',')
            .filter(|n| !n.trim().is_empty())
            .map(Format::parse)
            .collect::<Result<Vec<_>, _>>()?;
        formats.sort();
        formats.dedup();
        if formats.is_empty() {
            return Err(ReportError::Request(
                "no report format given; use pdf, xlsx or html".to_string(),
            ));
        }
        Ok(formats)
    }
}

/// A language as its code in the request's JSON.
mod lang_code {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::i18n::Lang;

    pub fn serialize<S: Serializer>(lang: &Lang, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(lang.code())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Lang, D::Error> {
        let code = String::deserialize(deserializer)?;
        Lang::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("'{code}' is not id or en")))
    }
}

/// A language by its code, for the command line and the configuration file.
pub fn parse_lang(code: &str) -> Result<Lang, ReportError> {
    Lang::parse(code).ok_or_else(|| {
        ReportError::Request(format!(
            "'{code}' is not a report language; use id (Bahasa Indonesia) or en (English)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        let feb = Request::month("2028-02", Lang::En).unwrap();
        assert_eq!(
            (feb.first.to_string(), feb.last.to_string()),
            ("2028-02-01".into(), "2028-02-29".into())
        );
        assert!(feb.is_month());
        assert_eq!(feb.period_slug(), "2028-02");
        let part = Request::between(feb.first, feb.first + Days::new(9), Lang::En).unwrap();
        assert!(!part.is_month());
        assert_eq!(part.period_slug(), "2028-02-01_2028-02-10");
    }

    #[test]
    fn bad_periods_ports_agencies_and_formats_say_what_to_write() {
        let err = Request::month("10-2026", Lang::Id).unwrap_err().to_string();
        assert!(err.contains("YYYY-MM"), "{err}");
        let first = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        let err = Request::between(first, first - Days::new(1), Lang::Id)
            .unwrap_err()
            .to_string();
        assert!(err.contains("before it starts"), "{err}");
        let err = Request::between(first, first + Days::new(400), Lang::Id)
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most 366"), "{err}");
        let month = Request::month("2026-10", Lang::Id).unwrap();
        let err = month
            .clone()
            .with_agencies("customs,army")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("'army'") && err.contains("integration_bus"),
            "{err}"
        );
        let err = month.with_ports("CGK;DPS").unwrap_err().to_string();
        assert!(err.contains("not a port code"), "{err}");
        let err = Format::parse_list("pdf,docx").unwrap_err().to_string();
        assert!(err.contains("'docx'"), "{err}");
        assert_eq!(
            Format::parse_list("html, PDF,pdf").unwrap(),
            vec![Format::Pdf, Format::Html]
        );
    }

    #[test]
    fn the_request_round_trips_through_json_with_its_language_code() {
        let request = Request::month("2026-10", Lang::Id)
            .unwrap()
            .with_ports("dps,cgk")
            .unwrap();
        let json = serde_json::to_string(&request).unwrap();
        assert!(
            json.contains("\"lang\":\"id\"") && json.contains("[\"CGK\",\"DPS\"]"),
            "{json}"
        );
        let back: Request = serde_json::from_str(&json).unwrap();
        assert_eq!(back, request);
    }
}
