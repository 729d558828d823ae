//! Calibration of the feed generator from the two real public datasets.
//!
//! Both files are embedded in the binary (`include_bytes!` / `include_str!`), so the
//! generator never opens a path at run time:
//! - Statistics Indonesia (BPS) monthly foreign arrivals per entry point, 2017–2024
//!   (`data/real/bps/foreign-arrivals-by-port-2017-2024.xlsx`): the generator takes the
//!   latest year in the workbook and, for each port, that year's figure for the generated
//!   month. Group rows ("a. pintu udara", "jumlah (a+b+c)", "total", …) are kept in the
//!   table but never looked up, because lookups go by a registry port's `bps_name`.
//! - US CBP Airport Wait Times for JFK, 2018 (`data/real/cbp-awt/JFK-2018.csv`): the share
//!   of passengers per local hour of day (the airport diurnal profile) and the share of
//!   passengers per wait bucket (0-15 … 120+ minutes; the base wait distribution).
//!
//! Parsing happens once per process and is cached.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::OnceLock;

use calamine::{Data, Reader, Xlsx};

use super::GenerateError;
use crate::feeds::bps::MONTHS;

/// Where the BPS workbook came from (for error messages).
pub(crate) const BPS_SOURCE: &str = "data/real/bps/foreign-arrivals-by-port-2017-2024.xlsx";
/// Where the CBP wait-time export came from (for error messages).
pub(crate) const CBP_SOURCE: &str = "data/real/cbp-awt/JFK-2018.csv";

static BPS_XLSX: &[u8] =
    include_bytes!("../../../data/real/bps/foreign-arrivals-by-port-2017-2024.xlsx");
static CBP_CSV: &str = include_str!("../../../data/real/cbp-awt/JFK-2018.csv");

/// CBP wait-bucket columns and the minute range each covers (the last one is open-ended).
pub(crate) const WAIT_BUCKETS: [(&str, f64, f64); 7] = [
    ("Number_Of_Passengers_Time_Interval_0-15", 0.0, 15.0),
    ("Number_Of_Passengers_Time_Interval_16-30", 15.0, 30.0),
    ("Number_Of_Passengers_Time_Interval_31-45", 30.0, 45.0),
    ("Number_Of_Passengers_Time_Interval_46-60", 45.0, 60.0),
    ("Number_Of_Passengers_Time_Interval_61-90", 60.0, 90.0),
    ("Number_Of_Passengers_Time_Interval_91-120", 90.0, 120.0),
    (
        "Number_Of_Passengers_Time_Interval_120_plus",
        120.0,
        f64::INFINITY,
    ),
];

/// Everything the generator takes from the real data.
#[derive(Debug)]
pub(crate) struct Calibration {
    /// Latest year present in the BPS workbook.
    pub(crate) bps_year: i32,
    /// Monthly foreign arrivals of `bps_year`, keyed by normalised BPS entry-point name.
    bps: HashMap<String, [f64; 12]>,
    /// Share of passengers per local hour of day (sums to 1), from the CBP `Total` column.
    pub(crate) airport_hourly: [f64; 24],
    /// Share of passengers per wait bucket (sums to 1), in [`WAIT_BUCKETS`] order.
    pub(crate) wait_buckets: [f64; 7],
}

impl Calibration {
    /// The twelve monthly foreign-arrival figures of the latest year for a BPS name.
    pub(crate) fn monthly(&self, bps_name: &str) -> Option<&[f64; 12]> {
        self.bps.get(&normalise(bps_name))
    }
}

/// The parsed calibration, loaded on first use.
pub(crate) fn get() -> Result<&'static Calibration, GenerateError> {
    static CELL: OnceLock<Result<Calibration, (&'static str, String)>> = OnceLock::new();
    match CELL.get_or_init(load) {
        Ok(c) => Ok(c),
        Err((source_name, detail)) => Err(GenerateError::Calibration {
            source_name,
            detail: detail.clone(),
        }),
    }
}

fn load() -> Result<Calibration, (&'static str, String)> {
    let (bps_year, bps) = load_bps().map_err(|e| (BPS_SOURCE, e))?;
    let (airport_hourly, wait_buckets) = load_cbp().map_err(|e| (CBP_SOURCE, e))?;
    Ok(Calibration {
        bps_year,
        bps,
        airport_hourly,
        wait_buckets,
    })
}

/// Lower case, trimmed, inner whitespace collapsed: how BPS names are compared.
pub(crate) fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn cell_text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => normalise(s),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Float(f)) => f.to_string(),
        _ => String::new(),
    }
}

fn cell_number(cell: Option<&Data>) -> Option<f64> {
    match cell {
        Some(Data::Int(i)) => Some(*i as f64),
        Some(Data::Float(f)) if f.is_finite() => Some(*f),
        Some(Data::String(s)) => {
            let cleaned: String = s
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '.')
                .collect();
            cleaned.parse::<f64>().ok()
        }
        Some(Data::Empty) | None => None,
        _ => None,
    }
}

type BpsTable = (i32, HashMap<String, [f64; 12]>);

fn load_bps() -> Result<BpsTable, String> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(BPS_XLSX))
        .map_err(|e| format!("not a readable XLSX workbook ({e})"))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| "the workbook has no worksheet".to_string())?
        .map_err(|e| format!("the first worksheet cannot be read ({e})"))?;

    let mut rows = range.rows();
    // The header is the first row that names the "Pintu Masuk" column.
    let header = loop {
        match rows.next() {
            Some(row) => {
                let texts: Vec<String> = row.iter().map(|c| cell_text(Some(c))).collect();
                if texts.iter().any(|t| t == "pintu masuk") {
                    break texts;
                }
            }
            None => return Err("no header row with a 'Pintu Masuk' column".to_string()),
        }
    };
    let find = |label: &str| header.iter().position(|t| t == label);
    let name_col = find("pintu masuk").ok_or_else(|| "no 'Pintu Masuk' column".to_string())?;
    let year_col = find("tahun").ok_or_else(|| "no 'Tahun' (year) column".to_string())?;
    let mut month_cols = [0usize; 12];
    for (i, month) in MONTHS.iter().enumerate() {
        month_cols[i] = find(month).ok_or_else(|| format!("no '{month}' column"))?;
    }

    let mut by_year: HashMap<i32, HashMap<String, [f64; 12]>> = HashMap::new();
    for row in rows {
        let name = cell_text(row.get(name_col));
        if name.is_empty() {
            continue;
        }
        let Some(year) = cell_number(row.get(year_col)) else {
            continue;
        };
        let year = year.round() as i32;
        let mut months = [0.0; 12];
        for (slot, col) in months.iter_mut().zip(month_cols) {
            // A blank month is a month without recorded arrivals.
            *slot = cell_number(row.get(col)).unwrap_or(0.0).max(0.0);
        }
        // The first row of a name in a year wins; later duplicates are ignored.
        by_year
            .entry(year)
            .or_default()
            .entry(name)
            .or_insert(months);
    }
    let (year, table) = by_year
        .into_iter()
        .max_by_key(|(year, _)| *year)
        .ok_or_else(|| "no data rows with a year".to_string())?;
    Ok((year, table))
}

fn load_cbp() -> Result<([f64; 24], [f64; 7]), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(CBP_CSV.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("no header line ({e})"))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("no '{name}' column"))
    };
    let hour_col = col("Hour")?;
    let total_col = col("Total")?;
    let mut bucket_cols = [0usize; 7];
    for (i, (name, _, _)) in WAIT_BUCKETS.iter().enumerate() {
        bucket_cols[i] = col(name)?;
    }

    let mut hourly = [0.0f64; 24];
    let mut buckets = [0.0f64; 7];
    let mut used = 0usize;
    for record in reader.records() {
        let Ok(record) = record else { continue };
        let number = |i: usize| record.get(i).and_then(|v| v.trim().parse::<f64>().ok());
        // Hour labels look like "0900 - 1000": the first two digits are the local hour.
        let hour = record
            .get(hour_col)
            .and_then(|h| h.trim().get(0..2))
            .and_then(|h| h.parse::<usize>().ok())
            .filter(|h| *h < 24);
        if let (Some(hour), Some(total)) = (hour, number(total_col)) {
            hourly[hour] += total.max(0.0);
            used += 1;
        }
        for (slot, col) in buckets.iter_mut().zip(bucket_cols) {
            *slot += number(col).unwrap_or(0.0).max(0.0);
        }
    }
    let hourly_sum: f64 = hourly.iter().sum();
    let bucket_sum: f64 = buckets.iter().sum();
    if used == 0 || hourly_sum <= 0.0 || bucket_sum <= 0.0 {
        return Err("no usable hourly rows (Hour, Total and wait buckets)".to_string());
    }
    hourly.iter_mut().for_each(|v| *v /= hourly_sum);
    buckets.iter_mut().for_each(|v| *v /= bucket_sum);
    Ok((hourly, buckets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_calibration_reads_latest_bps_year() {
        let cal = get().expect("embedded calibration parses");
        assert_eq!(cal.bps_year, 2024);
        let cgk = cal.monthly("soekarno-hatta").expect("CGK row");
        assert_eq!(cgk[0], 157_979.0);
        assert_eq!(
            cal.monthly("  Ngurah   Rai ").map(|m| m[11]),
            Some(548_685.0)
        );
        // Group rows are in the table but are not entry points anyone looks up.
        assert!(cal.monthly("total").is_some());
        assert!(cal.monthly("no such port").is_none());
    }

    #[test]
    fn generate_calibration_cbp_profile_is_a_distribution() {
        let cal = get().expect("embedded calibration parses");
        let sum: f64 = cal.airport_hourly.iter().sum();
        assert!((sum - 1.0).abs() < 1e-9);
        // JFK's international arrivals peak in the afternoon and are quiet before dawn.
        assert!(cal.airport_hourly[13] > 0.07, "{:?}", cal.airport_hourly);
        assert!(cal.airport_hourly[3] < 0.01);
        let waits: f64 = cal.wait_buckets.iter().sum();
        assert!((waits - 1.0).abs() < 1e-9);
        assert!(cal.wait_buckets[0] > 0.45 && cal.wait_buckets[0] < 0.55);
    }
}
