//! Text helpers shared by the feed writers: fast integer and JSON-string rendering for the
//! large line-oriented exports, and the time formats each agency system writes.
//!
//! All times inside the generator are UTC epoch milliseconds; these functions render them
//! in an agency's own convention (UTC with `Z`, local with an offset, local `dd/mm/yyyy`).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub(crate) fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for b in &buf[i..] {
        out.push(char::from(*b));
    }
}

pub(crate) fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

pub(crate) fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut digits = String::with_capacity(width);
    push_u64(&mut digits, v);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Appends `s` as a JSON string literal.
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str("\\u00");
                let v = u32::from(c);
                out.push(char::from(b"0123456789abcdef"[(v >> 4) as usize]));
                out.push(char::from(b"0123456789abcdef"[(v & 15) as usize]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `,"name":` (the separator and key of a JSON object field after the first).
pub(crate) fn push_field(out: &mut String, name: &str) {
    out.push_str(",\"");
    out.push_str(name);
    out.push_str("\":");
}

/// `YYYYMMDD` of a date, as used in file names and identifiers.
pub(crate) fn ymd(date: chrono::NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// `2026-10-20T00:35:00Z`: UTC to the second.
pub(crate) fn utc_seconds(ms: i64) -> String {
    utc(ms).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `2026-10-19T23:55:02.120Z`: UTC to the millisecond (RFC 3339).
pub(crate) fn utc_millis(ms: i64) -> String {
    utc(ms).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// `20261021T010500Z`: the export-time part of a nightly file name.
pub(crate) fn utc_stamp(ms: i64) -> String {
    utc(ms).format("%Y%m%dT%H%M%SZ").to_string()
}

/// `2026-10-20T14:03:00+07:00`: local time with the zone's offset (ISO 8601).
pub(crate) fn local_with_offset(zone: Tz, ms: i64) -> String {
    utc(ms)
        .with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `2026-10-20T14:03:00`: local time with the offset left off (a malformed police time).
pub(crate) fn local_without_offset(zone: Tz, ms: i64) -> String {
    utc(ms)
        .with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// `20/10/2026 07:41:05`: local day-first time, as Customs writes it.
pub(crate) fn local_dmy(zone: Tz, ms: i64) -> String {
    utc(ms)
        .with_timezone(&zone)
        .format("%d/%m/%Y %H:%M:%S")
        .to_string()
}

/// `07:00`: the local hour and minute of an instant.
pub(crate) fn local_hm(zone: Tz, ms: i64) -> String {
    utc(ms).with_timezone(&zone).format("%H:%M").to_string()
}

/// The local calendar date of an instant.
pub(crate) fn local_date(zone: Tz, ms: i64) -> chrono::NaiveDate {
    utc(ms).with_timezone(&zone).date_naive()
}

/// Rupiah with `.` thousands separators and a decimal comma: `12.500.000,00`.
pub(crate) fn rupiah(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out.push_str(",00");
    out
}

/// A number with two decimals and a decimal comma: `0,87`.
pub(crate) fn decimal_comma(value: f64) -> String {
    format!("{value:.2}").replace('.', ",")
}

/// Milliseconds of an instant placed in 1970 at the same UTC time of day: the "clock reset"
/// time that impossible-time faults write.
pub(crate) fn in_1970(ms: i64) -> i64 {
    ms.rem_euclid(86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_format_json_strings_are_escaped() {
        let mut s = String::new();
        push_json_str(&mut s, "O'BRIEN \"X\"\\\u{1}");
        assert_eq!(s, "\"O'BRIEN \\\"X\\\"\\\\\\u0001\"");
        let mut n = String::new();
        push_padded(&mut n, 42, 7);
        push_i64(&mut n, -5);
        assert_eq!(n, "0000042-5");
    }

    #[test]
    fn generate_format_agency_time_conventions() {
        // 2026-10-20 00:41:05.120 UTC.
        let ms = 1_792_456_865_120;
        assert_eq!(utc_seconds(ms), "2026-10-20T00:41:05Z");
        assert_eq!(utc_millis(ms), "2026-10-20T00:41:05.120Z");
        assert_eq!(utc_stamp(ms), "20261020T004105Z");
        let wita = chrono_tz::Asia::Makassar;
        assert_eq!(local_with_offset(wita, ms), "2026-10-20T08:41:05+08:00");
        assert_eq!(local_without_offset(wita, ms), "2026-10-20T08:41:05");
        assert_eq!(local_dmy(wita, ms), "20/10/2026 08:41:05");
        assert_eq!(local_hm(wita, ms), "08:41");
        assert_eq!(rupiah(12_500_000), "12.500.000,00");
        assert_eq!(rupiah(950), "950,00");
        assert_eq!(rupiah(1_000), "1.000,00");
        assert_eq!(decimal_comma(0.871), "0,87");
        assert_eq!(utc_seconds(in_1970(ms)), "1970-01-01T00:41:05Z");
    }
}
