//! What the generator knows about each Indonesian entry point beyond the port registry:
//! its daily volume (from the BPS calibration), nationality mix, terminals and counters,
//! carriers or ferry operators, the shape of its day and of its week, and how congested it
//! gets. Ports the generator has no specific knowledge of get sensible defaults for their
//! kind (air, sea, land), so a new registry entry works as long as BPS has its row.

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use super::GenerateError;
use super::calibration::{BPS_SOURCE, Calibration};
use super::rng::Weighted;
use crate::reference::{Port, PortKind};

/// Total BCM records per foreign arrival: foreign arrivals (1) + citizen arrivals (0.35),
/// and departures mirroring arrivals. With the 26 ports' BPS 2024 figures (11.8 million
/// foreign arrivals) a year at scale 1 is about 32 million records; scale 1.25 gives the
/// domain's "about 40 million".
pub(crate) const RECORDS_PER_FOREIGN_ARRIVAL: f64 = 2.7;
/// Citizens per foreign traveller in each direction.
pub(crate) const CITIZEN_SHARE: f64 = 0.35 / 1.35;

/// A terminal (or ferry terminal, or border post) of a port.
#[derive(Debug, Clone)]
pub(crate) struct Terminal {
    pub(crate) code: &'static str,
    /// Manual counters per direction.
    pub(crate) manual: u32,
    /// Autogates per direction (0 where there are none).
    pub(crate) autogates: u32,
}

/// How travellers reach the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Flights: bursts of one aircraft load.
    Air,
    /// Ferries and cruise ships: bursts of one vessel load.
    Sea,
    /// Land crossings: cars, motorbikes and the odd bus.
    Land,
}

/// Everything the day simulation needs about one port.
#[derive(Debug)]
pub(crate) struct PortPlan {
    pub(crate) code: String,
    pub(crate) zone: Tz,
    pub(crate) mode: Mode,
    /// Foreign arrivals per month (calibration year).
    monthly: [f64; 12],
    bps_year: i32,
    /// 0 (tiny border post) … 1 (CGK, DPS): how congested the port's peaks get.
    pub(crate) size: f64,
    /// Whether the port has autogates (big airports only).
    pub(crate) autogate: bool,
    /// Cruise terminal: few, very large vessel calls instead of ferries.
    pub(crate) cruise: bool,
    pub(crate) nationalities: Vec<&'static str>,
    pub(crate) nationality_weights: Weighted,
    pub(crate) terminals: Vec<Terminal>,
    pub(crate) terminal_weights: Weighted,
    /// Airline codes (air), ferry operators or ships (sea), bus operators (land).
    pub(crate) carriers: &'static [&'static str],
    /// Relative share of the day's travellers joining the queue in each local hour.
    pub(crate) hourly_weights: Weighted,
    /// Share of a typical day's queue load in its busiest hour: what counters are staffed
    /// for (see [`super::day::staffed_peak_share`]).
    pub(crate) peak_share: f64,
    /// Daytime-only ports: first and last open local hour (exclusive end).
    pub(crate) open_hours: Option<(u32, u32)>,
    /// Volume factor per weekday, Monday first; averages 1.
    weekday: [f64; 7],
}

fn days_in_month(year: i32, month: u32) -> f64 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days() as f64,
        _ => 30.0,
    }
}

fn days_in_year(year: i32) -> f64 {
    (1..=12).map(|m| days_in_month(year, m)).sum()
}

impl PortPlan {
    pub(crate) fn new(port: &Port, cal: &Calibration) -> Result<Self, GenerateError> {
        let bps_name = port
            .bps_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| GenerateError::NoBpsName {
                code: port.code.clone(),
            })?;
        let monthly = *cal
            .monthly(bps_name)
            .ok_or_else(|| GenerateError::NoBpsRow {
                code: port.code.clone(),
                bps_name: bps_name.to_string(),
                year: cal.bps_year,
                source_name: BPS_SOURCE,
            })?;
        let code = port.code.clone();
        let mode = match port.kind {
            PortKind::Air => Mode::Air,
            PortKind::Sea => Mode::Sea,
            PortKind::Land => Mode::Land,
        };
        let daily_foreign = monthly.iter().sum::<f64>() / days_in_year(cal.bps_year);
        // log-scaled: ~200 foreign arrivals a day → 0, ≥ 12,000 a day → 1.
        let size =
            ((daily_foreign.max(1.0).log10() - 2.3) / (12_000f64.log10() - 2.3)).clamp(0.0, 1.0);
        let autogate = mode == Mode::Air && daily_foreign >= 500.0;

        let mix = nationality_mix(&code, mode);
        let nationalities: Vec<&'static str> = mix.iter().map(|(n, _)| *n).collect();
        let nationality_weights = Weighted::new(mix.iter().map(|(_, w)| *w))
            .ok_or_else(|| internal(&code, "empty nationality mix"))?;

        // Counters per direction scale with the square root of the unscaled daily volume.
        let counters = (daily_foreign * RECORDS_PER_FOREIGN_ARRIVAL).sqrt() / 4.0;
        let counters = counters.clamp(2.0, 60.0);
        let layout = terminal_layout(&code, mode);
        let terminals: Vec<Terminal> = layout
            .iter()
            .map(|(t, share)| {
                let manual = (counters * share).round().max(2.0) as u32;
                Terminal {
                    code: t,
                    manual,
                    autogates: if autogate { (manual / 2).max(2) } else { 0 },
                }
            })
            .collect();
        let terminal_weights = Weighted::new(layout.iter().map(|(_, s)| *s))
            .ok_or_else(|| internal(&code, "no terminals"))?;

        let (hourly, open_hours) = match mode {
            Mode::Air => (cal.airport_hourly, None),
            // Ferries and border posts: daytime only (07:00–21:00 local) and flatter than
            // an airport: the CBP profile's shape, flattened.
            Mode::Sea | Mode::Land => {
                let mut h = [0.0; 24];
                for (i, slot) in h.iter_mut().enumerate().take(21).skip(7) {
                    *slot = cal.airport_hourly[i].max(1e-6).powf(0.4);
                }
                let sum: f64 = h.iter().sum();
                h.iter_mut().for_each(|v| *v /= sum);
                (h, Some((7, 21)))
            }
        };
        let hourly_weights =
            Weighted::new(hourly).ok_or_else(|| internal(&code, "empty diurnal profile"))?;

        let mut plan = PortPlan {
            carriers: carriers(&code, mode),
            weekday: weekday_factors(&code, mode),
            code,
            zone: port.zone,
            mode,
            monthly,
            bps_year: cal.bps_year,
            size,
            autogate,
            cruise: mode == Mode::Sea && matches!(port.code.as_str(), "TBN" | "TMS"),
            nationalities,
            nationality_weights,
            terminals,
            terminal_weights,
            hourly_weights,
            peak_share: 0.0,
            open_hours,
        };
        plan.peak_share = super::day::staffed_peak_share(&plan);
        Ok(plan)
    }

    /// Foreign arrivals per day in `date`'s month, from the calibration year.
    pub(crate) fn foreign_per_day(&self, date: NaiveDate) -> f64 {
        let m = date.month0() as usize;
        self.monthly.get(m).copied().unwrap_or(0.0) / days_in_month(self.bps_year, date.month())
    }

    /// Expected BCM records on an average day of `date`'s month.
    pub(crate) fn planned_records(&self, date: NaiveDate, scale: f64) -> f64 {
        self.foreign_per_day(date) * RECORDS_PER_FOREIGN_ARRIVAL * scale
    }

    /// How much busier than the month's average `date`'s weekday is.
    pub(crate) fn weekday_factor(&self, date: NaiveDate) -> f64 {
        let wd = date.weekday().num_days_from_monday() as usize;
        self.weekday.get(wd).copied().unwrap_or(1.0)
    }

    /// Expected BCM records on `date` itself (the month's average times the weekday factor).
    pub(crate) fn expected_records(&self, date: NaiveDate, scale: f64) -> f64 {
        self.planned_records(date, scale) * self.weekday_factor(date)
    }
}

fn internal(code: &str, what: &str) -> GenerateError {
    GenerateError::Calibration {
        source_name: "generator port profiles",
        detail: format!("port {code}: {what}"),
    }
}

fn weekday_factors(code: &str, mode: Mode) -> [f64; 7] {
    match (code, mode) {
        // Singapore weekenders: Friday to Sunday ferries are full.
        ("BTM" | "TUB" | "TPN" | "TBK", _) => [0.82, 0.78, 0.82, 0.92, 1.18, 1.35, 1.13],
        (_, Mode::Air) => [0.97, 0.93, 0.95, 0.99, 1.05, 1.07, 1.04],
        (_, Mode::Land) => [0.95, 0.92, 0.95, 0.98, 1.05, 1.12, 1.03],
        (_, Mode::Sea) => [1.0; 7],
    }
}

/// Nationality mix of foreign travellers (ISO 3166 alpha-3, relative weights).
fn nationality_mix(code: &str, mode: Mode) -> &'static [(&'static str, f64)] {
    match code {
        "CGK" => &[
            ("CHN", 13.0),
            ("MYS", 12.0),
            ("SGP", 9.0),
            ("JPN", 8.0),
            ("KOR", 7.0),
            ("IND", 7.0),
            ("AUS", 6.0),
            ("USA", 6.0),
            ("SAU", 4.0),
            ("PHL", 4.0),
            ("GBR", 4.0),
            ("NLD", 4.0),
            ("DEU", 3.0),
            ("FRA", 3.0),
            ("THA", 3.0),
            ("TWN", 3.0),
            ("VNM", 2.0),
            ("CAN", 1.0),
        ],
        "DPS" => &[
            ("AUS", 26.0),
            ("IND", 8.0),
            ("CHN", 8.0),
            ("GBR", 5.0),
            ("USA", 5.0),
            ("RUS", 5.0),
            ("MYS", 5.0),
            ("FRA", 4.0),
            ("DEU", 4.0),
            ("JPN", 4.0),
            ("KOR", 4.0),
            ("SGP", 4.0),
            ("NLD", 3.0),
            ("NZL", 2.0),
            ("CAN", 2.0),
            ("TWN", 1.0),
        ],
        "SUB" => &[
            ("MYS", 18.0),
            ("SGP", 16.0),
            ("CHN", 14.0),
            ("TWN", 6.0),
            ("JPN", 5.0),
            ("KOR", 5.0),
            ("IND", 5.0),
            ("AUS", 5.0),
            ("SAU", 4.0),
            ("USA", 4.0),
            ("NLD", 3.0),
            ("PHL", 3.0),
        ],
        "KNO" | "PDG" | "PKU" | "BTJ" | "PLM" => &[
            ("MYS", 58.0),
            ("SGP", 10.0),
            ("CHN", 8.0),
            ("IND", 6.0),
            ("THA", 3.0),
            ("AUS", 3.0),
            ("NLD", 3.0),
            ("DEU", 2.0),
            ("USA", 2.0),
            ("GBR", 2.0),
            ("JPN", 1.0),
            ("KOR", 1.0),
            ("SAU", 1.0),
        ],
        "JOG" => &[
            ("MYS", 30.0),
            ("SGP", 12.0),
            ("NLD", 10.0),
            ("AUS", 6.0),
            ("DEU", 6.0),
            ("FRA", 6.0),
            ("CHN", 6.0),
            ("JPN", 5.0),
            ("USA", 5.0),
            ("GBR", 4.0),
            ("KOR", 3.0),
            ("IND", 3.0),
        ],
        "LOP" => &[
            ("AUS", 24.0),
            ("MYS", 18.0),
            ("SGP", 12.0),
            ("GBR", 6.0),
            ("NLD", 6.0),
            ("DEU", 6.0),
            ("FRA", 6.0),
            ("USA", 5.0),
            ("CHN", 5.0),
            ("JPN", 3.0),
            ("KOR", 3.0),
            ("IND", 3.0),
            ("NZL", 3.0),
        ],
        "MDC" => &[
            ("CHN", 55.0),
            ("SGP", 10.0),
            ("PHL", 8.0),
            ("KOR", 6.0),
            ("MYS", 5.0),
            ("JPN", 4.0),
            ("USA", 4.0),
            ("AUS", 3.0),
            ("DEU", 2.0),
            ("NLD", 2.0),
            ("TWN", 1.0),
        ],
        "BTM" | "TUB" | "TPN" => &[
            ("SGP", 62.0),
            ("MYS", 12.0),
            ("CHN", 7.0),
            ("IND", 5.0),
            ("KOR", 3.0),
            ("JPN", 2.0),
            ("GBR", 2.0),
            ("AUS", 2.0),
            ("PHL", 2.0),
            ("USA", 1.0),
            ("DEU", 1.0),
            ("FRA", 1.0),
        ],
        "TBK" => &[
            ("SGP", 45.0),
            ("MYS", 38.0),
            ("CHN", 6.0),
            ("IND", 4.0),
            ("AUS", 2.0),
            ("GBR", 2.0),
            ("KOR", 1.0),
            ("JPN", 1.0),
            ("PHL", 1.0),
        ],
        "TBN" | "TMS" => &[
            ("AUS", 30.0),
            ("USA", 18.0),
            ("GBR", 10.0),
            ("DEU", 8.0),
            ("CAN", 6.0),
            ("NLD", 5.0),
            ("FRA", 5.0),
            ("JPN", 4.0),
            ("CHN", 4.0),
            ("NZL", 4.0),
            ("SGP", 3.0),
            ("MYS", 3.0),
        ],
        "ETK" | "ARK" | "NBD" => &[
            ("MYS", 92.0),
            ("BRN", 3.0),
            ("CHN", 2.0),
            ("SGP", 1.0),
            ("IND", 1.0),
            ("PHL", 1.0),
        ],
        "ATB" => &[
            ("TLS", 94.0),
            ("PRT", 2.0),
            ("AUS", 2.0),
            ("PHL", 1.0),
            ("CHN", 1.0),
        ],
        "JYP" => &[("PNG", 96.0), ("AUS", 3.0), ("PHL", 1.0)],
        _ => match mode {
            Mode::Air => &[
                ("MYS", 35.0),
                ("SGP", 15.0),
                ("CHN", 12.0),
                ("AUS", 8.0),
                ("JPN", 5.0),
                ("KOR", 5.0),
                ("IND", 5.0),
                ("USA", 4.0),
                ("GBR", 3.0),
                ("NLD", 3.0),
                ("DEU", 3.0),
                ("FRA", 2.0),
            ],
            Mode::Sea => &[
                ("SGP", 40.0),
                ("MYS", 25.0),
                ("AUS", 8.0),
                ("CHN", 8.0),
                ("USA", 5.0),
                ("GBR", 4.0),
                ("IND", 4.0),
                ("DEU", 3.0),
                ("JPN", 3.0),
            ],
            Mode::Land => &[
                ("MYS", 80.0),
                ("TLS", 8.0),
                ("PNG", 8.0),
                ("CHN", 2.0),
                ("SGP", 2.0),
            ],
        },
    }
}

/// Terminals and their share of the port's traffic.
fn terminal_layout(code: &str, mode: Mode) -> &'static [(&'static str, f64)] {
    match code {
        "CGK" => &[("T3", 0.72), ("T2", 0.28)],
        "SUB" => &[("T2", 1.0)],
        // Batam: Batam Centre, Harbour Bay, Sekupang, Nongsapura.
        "BTM" => &[("BTC", 0.55), ("HBB", 0.2), ("SKP", 0.15), ("NSP", 0.1)],
        // Bandar Bentan Telani (Lagoi).
        "TUB" => &[("BBT", 1.0)],
        // Sri Bintan Pura.
        "TPN" => &[("SBP", 1.0)],
        "TBN" | "TMS" => &[("CRUISE", 1.0)],
        _ => match mode {
            Mode::Air => &[("INTL", 1.0)],
            Mode::Sea => &[("FERRY", 1.0)],
            // Pos Lintas Batas Negara: the border post.
            Mode::Land => &[("PLBN", 1.0)],
        },
    }
}

/// Airline codes (repeated for weight), vessel names or bus operators.
fn carriers(code: &str, mode: Mode) -> &'static [&'static str] {
    match code {
        "CGK" => &[
            "GA", "GA", "GA", "GA", "ID", "JT", "QZ", "QZ", "SQ", "SQ", "MH", "AK", "AK", "CX",
            "CZ", "MU", "KE", "JL", "NH", "EK", "QR", "SV", "TR", "QF", "KL", "TK", "EY", "VN",
            "TG", "PR", "CI", "OD",
        ],
        "DPS" => &[
            "GA", "GA", "QZ", "QZ", "JQ", "JQ", "JQ", "QF", "QF", "VA", "VA", "SQ", "AK", "AK",
            "MH", "CX", "CZ", "KE", "TR", "EK", "QR", "TK", "ID", "JT", "OD", "D7", "3K", "SU",
        ],
        "SUB" => &[
            "GA", "GA", "QZ", "QZ", "AK", "SQ", "CX", "MH", "OD", "TR", "CZ", "SV",
        ],
        "KNO" => &["GA", "QZ", "QZ", "AK", "AK", "MH", "OD", "SQ", "TR", "3K"],
        "MDC" => &["GA", "CZ", "CZ", "MU", "SQ", "OD", "AK"],
        "LOP" => &["GA", "QZ", "AK", "AK", "TR", "JQ"],
        "TBN" | "TMS" => &[
            "MV-OVATION",
            "MV-QUANTUM",
            "MV-SPECTRUM",
            "MV-EXPLORER",
            "MV-VOYAGER",
            "MV-PRINCESS",
            "MV-DREAM",
            "MV-ODYSSEY",
        ],
        _ => match mode {
            Mode::Air => &["GA", "GA", "QZ", "QZ", "AK", "AK", "OD", "ID", "TR", "MH"],
            Mode::Sea => &[
                "MV-SINDO",
                "MV-SINDO",
                "MV-BATAMFAST",
                "MV-BATAMFAST",
                "MV-MAJESTIC",
                "MV-HORIZON",
                "MV-WAVEMASTER",
                "MV-DOLPHIN",
                "MV-OCEANNA",
                "MV-MARINA",
            ],
            // Cross-border bus services; private cars and motorbikes have no operator.
            Mode::Land => match code {
                "ATB" => &["DAMRI", "TIMOR"],
                "JYP" => &["DAMRI"],
                _ => &["DAMRI", "SJS", "BINTANG"],
            },
        },
    }
}

/// Where an arriving flight, vessel or bus comes from: IATA airport codes for flights,
/// UN/LOCODEs for ports and border towns. Foreign airlines fly from their hubs; Indonesian
/// airlines from the port's usual foreign destinations.
pub(crate) fn origins(code: &str, mode: Mode, carrier: &str) -> &'static [&'static str] {
    match mode {
        Mode::Air => match carrier {
            "SQ" | "TR" | "3K" => &["SIN"],
            "MH" | "AK" | "OD" | "D7" => &["KUL", "KUL", "PEN"],
            "CX" => &["HKG"],
            "CZ" => &["CAN", "SZX"],
            "MU" => &["PVG"],
            "KE" => &["ICN"],
            "JL" | "NH" => &["NRT", "HND"],
            "EK" => &["DXB"],
            "QR" => &["DOH"],
            "SV" => &["JED", "MED", "RUH"],
            "QF" => &["SYD", "MEL", "PER"],
            "JQ" => &["SYD", "MEL", "PER", "BNE", "DRW"],
            "VA" => &["SYD", "MEL", "BNE", "PER"],
            "KL" => &["AMS"],
            "TK" => &["IST"],
            "EY" => &["AUH"],
            "VN" => &["SGN", "HAN"],
            "TG" => &["BKK"],
            "PR" => &["MNL"],
            "CI" => &["TPE"],
            "SU" => &["SVO"],
            _ => match code {
                "CGK" => &[
                    "SIN", "KUL", "BKK", "HKG", "NRT", "ICN", "PVG", "SYD", "MEL", "JED", "MED",
                    "AMS", "DXB", "BOM",
                ],
                "DPS" => &[
                    "SYD", "MEL", "PER", "BNE", "DRW", "SIN", "KUL", "NRT", "ICN", "PVG", "BKK",
                ],
                "LOP" => &["PER", "SIN", "KUL"],
                "MDC" => &["CAN", "PVG", "SIN"],
                _ => &["KUL", "SIN", "PEN", "JED", "BKK"],
            },
        },
        Mode::Sea => match code {
            "TBN" | "TMS" => &["AUSYD", "AUDRW", "AUBNE", "SGSIN", "HKHKG"],
            "TBK" => &["SGSIN", "MYJHB", "MYKUK"],
            _ => &["SGSIN", "SGSIN", "MYJHB", "MYPGU"],
        },
        Mode::Land => match code {
            "ATB" => &["TLDIL"],
            "JYP" => &["PGVAI"],
            _ => &["MYKCH"],
        },
    }
}

/// Origins Customs profiles as risky (narcotics and smuggling routes): travellers from
/// them are inspected more often and sent to the red channel more often.
pub(crate) fn risky_origin(origin: &str) -> bool {
    matches!(
        origin,
        "BKK" | "KUL" | "PEN" | "DXB" | "AMS" | "CAN" | "MYPGU" | "MYJHB" | "PGVAI"
    )
}
