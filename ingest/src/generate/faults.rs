//! Realistic faults injected into the generated exports, and the ground truth of each.
//!
//! Two levels, both drawn from streams of their own (seeded by seed, feed, port and night),
//! so that the fault rate never changes the records themselves and a rate of 0 writes
//! exactly the clean files:
//! - per record, with probability `rate`, one of the feed's record faults: a malformed
//!   line (JSON cut short, or a CSV line with a field too few or too many), an impossible
//!   time, an unknown port code, or a duplicate (the same line again a little later);
//! - per file, with probability `rate ×` [`FILE_FAULT_FACTOR`], one whole-file fault: late
//!   (exported one to three days after the night), re-sent (the same file again with a
//!   later export stamp), truncated (cut inside a record), or, for BCM, the wrong
//!   encoding (Windows-1252 instead of UTF-8, with one non-ASCII name).
//!
//! [`LineSink`] applies the record faults of the line-oriented feeds (BCM, Customs,
//! authority, bus) as the lines are streamed out, and keeps the line number of each, so
//! the ground truth names the line an adapter will reject.

use std::io::{self, Write};

use rand_chacha::ChaCha8Rng;

use super::rng::{Key, below, uniform, unit};
use crate::feeds::Feed;

/// A file gets a whole-file fault at this multiple of the record fault rate: at the
/// default rate of 0.001 a 35-night demo of 26 ports (5,460 files) gets about a dozen.
pub(crate) const FILE_FAULT_FACTOR: f64 = 2.0;

/// The name of the ground-truth list written next to the night folders. Ingest skips files
/// whose name starts with `_`, so the output folder can be the inbox.
pub const FAULTS_FILE: &str = "_faults.csv";

/// A fault in one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordFault {
    Malformed,
    ImpossibleTime,
    UnknownPort,
    Duplicate,
}

impl RecordFault {
    pub(crate) fn name(self) -> &'static str {
        match self {
            RecordFault::Malformed => "malformed",
            RecordFault::ImpossibleTime => "impossible_time",
            RecordFault::UnknownPort => "unknown_port",
            RecordFault::Duplicate => "duplicate",
        }
    }
}

/// The record faults every line-oriented feed can carry.
pub(crate) const LINE_FAULTS: &[RecordFault] = &[
    RecordFault::Malformed,
    RecordFault::ImpossibleTime,
    RecordFault::UnknownPort,
    RecordFault::Duplicate,
];

/// A fault of a whole file, with the draws that shape it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FileFault {
    /// Exported `days` days (and `extra_ms` more) after its usual time.
    Late { days: u32, extra_ms: i64 },
    /// Sent again `after_ms` after the first export, unchanged.
    Resent { after_ms: i64 },
    /// Cut inside a record at about `at` (0–1) of the way through the file.
    Truncated { at: f64 },
    /// Written in Windows-1252; the record at about `at` of the way holds a non-ASCII name.
    Encoding { at: f64 },
}

/// Draws the whole-file fault of one file, if any.
pub(crate) fn file_fault(key: Key, rate: f64, feed: Feed) -> Option<FileFault> {
    if rate <= 0.0 {
        return None;
    }
    let mut rng = key.chacha();
    if unit(&mut rng) >= (rate * FILE_FAULT_FACTOR).min(1.0) {
        return None;
    }
    // Only BCM carries free text (names) that a wrong encoding would damage.
    let kinds = if feed == Feed::Bcm { 4 } else { 3 };
    Some(match below(&mut rng, kinds) {
        0 => FileFault::Late {
            days: 1 + below(&mut rng, 3) as u32,
            extra_ms: (uniform(&mut rng, 0.0, 3.0) * 3_600_000.0) as i64,
        },
        1 => FileFault::Resent {
            after_ms: (uniform(&mut rng, 3.0, 30.0) * 3_600_000.0) as i64,
        },
        2 => FileFault::Truncated {
            at: uniform(&mut rng, 0.3, 0.98),
        },
        _ => FileFault::Encoding {
            at: uniform(&mut rng, 0.0, 1.0),
        },
    })
}

/// One injected fault, as listed in [`FAULTS_FILE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFault {
    pub feed: Feed,
    /// The file's path relative to the output folder, `/`-separated.
    pub file: String,
    /// The record's line (text feeds, header included), data row (workbook: the rows under
    /// the header, from 1) or element number (police document: incidents, then
    /// operations); `None` for a whole-file fault.
    pub record_number: Option<u64>,
    /// `malformed`, `impossible_time`, `unknown_port`, `duplicate`, `late`, `resent`,
    /// `truncated` or `encoding`.
    pub kind: &'static str,
    pub detail: String,
}

/// A fault noted while one file was written, before its path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Noted {
    pub(crate) record_number: Option<u64>,
    pub(crate) kind: &'static str,
    pub(crate) detail: String,
}

/// Per-record fault draws for one file.
pub(crate) struct RecordFaults {
    rng: ChaCha8Rng,
    rate: f64,
    kinds: &'static [RecordFault],
}

impl std::fmt::Debug for RecordFaults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordFaults")
            .field("rate", &self.rate)
            .field("kinds", &self.kinds)
            .finish()
    }
}

impl RecordFaults {
    pub(crate) fn new(key: Key, rate: f64, kinds: &'static [RecordFault]) -> Self {
        RecordFaults {
            rng: key.chacha(),
            rate,
            kinds,
        }
    }

    /// The fault of the next record, if it gets one.
    pub(crate) fn draw(&mut self) -> Option<RecordFault> {
        if self.rate <= 0.0 || self.kinds.is_empty() || unit(&mut self.rng) >= self.rate {
            return None;
        }
        let i = below(&mut self.rng, self.kinds.len() as u64) as usize;
        self.kinds.get(i).copied()
    }

    /// The stream that shapes a drawn fault (which time to break, where to cut).
    pub(crate) fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }
}

/// A port code that is not in the registry, as a clerk's typo would make it: the last two
/// letters swapped (CGK → CKG), else the last letter changed.
pub(crate) fn unknown_port_code(code: &str, known: impl Fn(&str) -> bool) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut candidates = Vec::new();
    if let [head @ .., a, b] = chars.as_slice() {
        let mut swapped: String = head.iter().collect();
        swapped.push(*b);
        swapped.push(*a);
        candidates.push(swapped);
    }
    let stem: String = chars[..chars.len().saturating_sub(1)].iter().collect();
    for last in ['X', 'Q', 'Z'] {
        candidates.push(format!("{stem}{last}"));
    }
    candidates
        .into_iter()
        .find(|c| c != code && !known(c))
        .unwrap_or_else(|| "XXX".to_string())
}

/// How the lines of a feed are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineStyle {
    /// One JSON object per line.
    Json,
    /// Delimited text with this separator.
    Csv(u8),
}

/// What a [`LineSink`] wrote.
#[derive(Debug)]
pub(crate) struct SinkResult {
    /// Data lines written, faulty ones included (a cut last line counts).
    pub(crate) records: u64,
    pub(crate) noted: Vec<Noted>,
}

/// Writes a line-oriented export, applying record faults and a truncation as it goes.
pub(crate) struct LineSink<W: Write> {
    out: W,
    style: LineStyle,
    faults: RecordFaults,
    /// Lines written so far, a header included.
    line: u64,
    /// Data lines written so far.
    data_lines: u64,
    /// For a truncated file, about where (0–1) it is cut, until the record count is known.
    truncate: Option<f64>,
    /// The data line (1-based) at which the file is cut.
    truncate_at: Option<u64>,
    stopped: bool,
    /// Duplicates waiting to be written: (after this many data lines, line, original line).
    pending: Vec<(u64, Vec<u8>, u64)>,
    noted: Vec<Noted>,
}

impl<W: Write> std::fmt::Debug for LineSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineSink")
            .field("style", &self.style)
            .field("line", &self.line)
            .field("truncate_at", &self.truncate_at)
            .finish()
    }
}

impl<W: Write> LineSink<W> {
    /// A sink writing to `out`. `truncate`: for a truncated file, about where (0–1) to
    /// cut it, once [`LineSink::expect_records`] has said how many records are coming.
    pub(crate) fn new(
        out: W,
        style: LineStyle,
        faults: RecordFaults,
        truncate: Option<f64>,
    ) -> Self {
        LineSink {
            out,
            style,
            faults,
            line: 0,
            data_lines: 0,
            truncate,
            truncate_at: None,
            stopped: false,
            pending: Vec::new(),
            noted: Vec::new(),
        }
    }

    pub(crate) fn header(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.line += 1;
        Ok(())
    }

    /// Says how many records the writer is about to give, so that a truncated file can be
    /// cut inside one of them.
    pub(crate) fn expect_records(&mut self, records: usize) {
        if let (Some(at), true) = (self.truncate, records > 0) {
            let records = records as u64;
            self.truncate_at = Some(((at * records as f64) as u64 + 1).min(records));
        }
    }

    /// The line number the next record will get.
    pub(crate) fn next_line(&self) -> u64 {
        self.line + 1
    }

    /// Whether the file has been cut: later records are not written.
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    /// The fault of the next record, if it gets one.
    pub(crate) fn draw(&mut self) -> Option<RecordFault> {
        if self.stopped {
            return None;
        }
        self.faults.draw()
    }

    /// The stream that shapes a drawn fault.
    pub(crate) fn fault_rng(&mut self) -> &mut ChaCha8Rng {
        self.faults.rng()
    }

    /// Writes one record's line (no newline). `fault` is the record's fault, with the
    /// detail of an impossible time or unknown port (which the caller already wrote into
    /// the line); malformed lines and duplicates are made here.
    pub(crate) fn record(
        &mut self,
        line: &[u8],
        fault: Option<(RecordFault, String)>,
    ) -> io::Result<()> {
        if self.stopped {
            return Ok(());
        }
        match fault {
            Some((RecordFault::Malformed, _)) => {
                let (broken, detail) = self.malformed(line);
                self.emit(&broken, Some(("malformed", detail)))?;
            }
            Some((RecordFault::Duplicate, _)) => {
                self.emit(line, None)?;
                let due = self.data_lines + 1 + below(self.faults.rng(), 40);
                self.pending.push((due, line.to_vec(), self.line));
            }
            Some((kind, detail)) => self.emit(line, Some((kind.name(), detail)))?,
            None => self.emit(line, None)?,
        }
        self.flush_due(false)
    }

    /// Writes what is still waiting and hands back what was written.
    pub(crate) fn finish(mut self) -> io::Result<(W, SinkResult)> {
        self.flush_due(true)?;
        Ok((
            self.out,
            SinkResult {
                records: self.data_lines,
                noted: self.noted,
            },
        ))
    }

    fn flush_due(&mut self, all: bool) -> io::Result<()> {
        while !self.stopped {
            let Some(i) = self
                .pending
                .iter()
                .position(|(due, _, _)| all || *due <= self.data_lines)
            else {
                break;
            };
            let (_, copy, original) = self.pending.remove(i);
            self.emit(
                &copy,
                Some(("duplicate", format!("repeats line {original}"))),
            )?;
        }
        Ok(())
    }

    fn emit(&mut self, bytes: &[u8], noted: Option<(&'static str, String)>) -> io::Result<()> {
        self.data_lines += 1;
        self.line += 1;
        if self.truncate_at == Some(self.data_lines) {
            let cut = self.cut_point(bytes);
            self.out.write_all(&bytes[..cut])?;
            self.stopped = true;
            self.noted.push(Noted {
                record_number: None,
                kind: "truncated",
                detail: format!(
                    "the file ends inside line {} after {cut} of its {} bytes; {} complete \
                     records before it",
                    self.line,
                    bytes.len(),
                    self.data_lines - 1
                ),
            });
            return Ok(());
        }
        self.out.write_all(bytes)?;
        self.out.write_all(b"\n")?;
        if let Some((kind, detail)) = noted {
            self.noted.push(Noted {
                record_number: Some(self.line),
                kind,
                detail,
            });
        }
        Ok(())
    }

    /// Where to cut a line so that what is left is no longer a whole record: anywhere in
    /// a JSON object; before the last separator of a delimited line (a field goes missing).
    fn cut_point(&mut self, bytes: &[u8]) -> usize {
        let limit = match self.style {
            LineStyle::Json => bytes.len().saturating_sub(1),
            LineStyle::Csv(sep) => bytes.iter().rposition(|b| *b == sep).unwrap_or(1),
        }
        .max(1);
        (1 + below(self.faults.rng(), limit as u64) as usize).min(bytes.len())
    }

    fn malformed(&mut self, line: &[u8]) -> (Vec<u8>, String) {
        match self.style {
            LineStyle::Json => {
                let len = line.len();
                let cut = ((len as f64 * uniform(self.faults.rng(), 0.3, 0.9)) as usize)
                    .clamp(1, len.saturating_sub(1).max(1));
                (
                    line[..cut].to_vec(),
                    format!("the JSON object is cut after {cut} of its {len} bytes"),
                )
            }
            LineStyle::Csv(sep) => {
                let mut fields: Vec<&[u8]> = line.split(|b| *b == sep).collect();
                let expected = fields.len();
                if expected >= 3 && unit(self.faults.rng()) < 0.5 {
                    let i = 1 + below(self.faults.rng(), (expected - 1) as u64) as usize;
                    fields.remove(i);
                } else {
                    let last = fields.last().copied().unwrap_or_default();
                    fields.push(last);
                }
                let broken = fields.join(&sep);
                (
                    broken,
                    format!("{} fields instead of {expected}", fields.len()),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink(style: LineStyle, rate: f64, truncate: Option<f64>) -> LineSink<Vec<u8>> {
        LineSink::new(
            Vec::new(),
            style,
            RecordFaults::new(Key::new(3), rate, LINE_FAULTS),
            truncate,
        )
    }

    #[test]
    fn generate_faults_duplicates_follow_their_original_and_are_noted() {
        let mut s = sink(LineStyle::Json, 0.0, None);
        s.record(br#"{"a":1}"#, Some((RecordFault::Duplicate, String::new())))
            .expect("write");
        s.record(br#"{"a":2}"#, None).expect("write");
        let (bytes, result) = s.finish().expect("finish");
        let text = String::from_utf8(bytes).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], lines[2]);
        assert_eq!(result.records, 3);
        assert_eq!(result.noted[0].record_number, Some(3));
        assert_eq!(result.noted[0].detail, "repeats line 1");
    }

    #[test]
    fn generate_faults_malformed_and_truncated_lines_do_not_parse() {
        let line = b"a;b;c;d;e";
        let mut s = sink(LineStyle::Csv(b';'), 0.0, Some(0.6));
        // The cut falls in the third of four records.
        s.expect_records(4);
        s.header("h1;h2;h3;h4;h5").expect("header");
        s.record(line, Some((RecordFault::Malformed, String::new())))
            .expect("write");
        s.record(line, None).expect("write");
        s.record(line, None).expect("write");
        assert!(s.stopped());
        s.record(line, None).expect("ignored after the cut");
        let (bytes, result) = s.finish().expect("finish");
        let text = String::from_utf8(bytes).expect("utf-8");
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_ne!(lines[1].split(';').count(), 5);
        assert_eq!(lines[2], "a;b;c;d;e");
        assert!(lines[3].split(';').count() < 5, "{text}");
        assert_eq!(result.noted.len(), 2);
        assert_eq!(result.noted[0].record_number, Some(2));
        assert_eq!(result.noted[1].kind, "truncated");
        assert_eq!(result.records, 3);
    }

    #[test]
    fn generate_faults_unknown_port_codes_are_not_registered() {
        assert_eq!(unknown_port_code("CGK", |_| false), "CKG");
        assert_eq!(unknown_port_code("CGK", |c| c == "CKG"), "CGX");
        assert_eq!(unknown_port_code("AAA", |_| false), "AAX");
    }

    #[test]
    fn generate_faults_rate_zero_draws_nothing() {
        let mut faults = RecordFaults::new(Key::new(1), 0.0, LINE_FAULTS);
        assert!((0..10_000).all(|_| faults.draw().is_none()));
        assert!(file_fault(Key::new(1), 0.0, Feed::Bcm).is_none());
        let mut faults = RecordFaults::new(Key::new(1), 0.01, LINE_FAULTS);
        let n = (0..100_000).filter(|_| faults.draw().is_some()).count();
        assert!((800..1200).contains(&n), "{n}");
    }
}
