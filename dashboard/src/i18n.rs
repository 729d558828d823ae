//! The two languages of the dashboard: every label, number and date in Bahasa Indonesia
//! and in English.
//!
//! Leadership often meets in Bahasa Indonesia, analysts often read English, so the page
//! language is chosen per visitor: `?lang=id|en` wins and is remembered in the `lang`
//! cookie; without either, the browser's `Accept-Language` decides. Numbers follow the
//! language too (`1.234,5` in Indonesian, `1,234.5` in English), because a decimal comma
//! read as a thousands separator turns 12,5 minutes into twelve thousand.

use chrono::{Datelike, NaiveDate, Weekday};

/// A language the dashboard speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    /// The BCP 47 code used in `lang` attributes, links and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The language a `lang` query value or cookie names, if it is one we speak.
    pub fn parse(value: &str) -> Option<Lang> {
        match value.trim().to_ascii_lowercase().as_str() {
            "id" | "in" | "id-id" => Some(Lang::Id),
            "en" | "en-gb" | "en-us" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language an `Accept-Language` header prefers: Indonesian when it ranks
    /// Indonesian above English, English otherwise.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let lang = match primary {
                // "in" is the withdrawn ISO 639 code some older systems still send.
                "id" | "in" => Lang::Id,
                "en" => Lang::En,
                _ => continue,
            };
            // Strictly greater: on a tie the entry listed first wins.
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    /// The other language, for the language switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// The language's own name, written in that language.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Id => "Bahasa Indonesia",
            Lang::En => "English",
        }
    }

    /// The fixed labels of the dashboard in this language.
    pub fn labels(self) -> &'static Labels {
        match self {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    fn separators(self) -> (char, char) {
        match self {
            Lang::Id => ('.', ','),
            Lang::En => (',', '.'),
        }
    }

    /// A number with `decimals` digits after the separator and grouped thousands.
    pub fn number(self, value: f64, decimals: usize) -> String {
        let (thousands, decimal) = self.separators();
        let text = format!("{:.*}", decimals, value.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), ""));
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 1);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(thousands);
            }
            grouped.push(digit);
        }
        // A value that rounds to zero is shown without a minus sign.
        let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
        let sign = if negative { "-" } else { "" };
        if fraction.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{decimal}{fraction}")
        }
    }

    /// A count: whole number with grouped thousands.
    pub fn count(self, value: i64) -> String {
        self.number(value as f64, 0)
    }

    /// A number with as few decimals as it needs, up to `max_decimals` (targets: 35, 32,5).
    pub fn number_trimmed(self, value: f64, max_decimals: usize) -> String {
        let mut decimals = 0;
        while decimals < max_decimals {
            let scale = 10f64.powi(decimals as i32);
            if ((value * scale).round() - value * scale).abs() < 1e-9 {
                break;
            }
            decimals += 1;
        }
        self.number(value, decimals)
    }

    /// Minutes with one decimal and the unit: "45.5 min" / "45,5 menit".
    pub fn minutes(self, value: f64) -> String {
        format!("{} {}", self.number(value, 1), self.labels().minutes_unit)
    }

    /// Minutes with as few decimals as needed, for limits: "30 min" / "32,5 menit".
    pub fn minutes_trimmed(self, value: f64) -> String {
        format!(
            "{} {}",
            self.number_trimmed(value, 1),
            self.labels().minutes_unit
        )
    }

    /// The share of passengers who waited longer than a threshold: "Waited over 30 min".
    pub fn waited_over(self, threshold_minutes: f64) -> String {
        let limit = self.minutes_trimmed(threshold_minutes);
        match self {
            Lang::En => format!("Waited over {limit}"),
            Lang::Id => format!("Menunggu lebih dari {limit}"),
        }
    }

    /// Hours with as few decimals as needed and the unit: "12 h" / "12 jam".
    pub fn hours(self, value: f64) -> String {
        format!(
            "{} {}",
            self.number_trimmed(value, 1),
            self.labels().hours_unit
        )
    }

    /// A share as a percentage with one decimal: "12.5%" / "12,5%".
    pub fn percent(self, share: f64) -> String {
        format!("{}%", self.number(share * 100.0, 1))
    }

    /// A date written out: "Senin, 20 Oktober 2026" / "Monday 20 October 2026".
    pub fn date_long(self, date: NaiveDate) -> String {
        let weekday = self.weekday(date.weekday());
        let month = self.month(date.month());
        match self {
            Lang::Id => format!("{weekday}, {} {month} {}", date.day(), date.year()),
            Lang::En => format!("{weekday} {} {month} {}", date.day(), date.year()),
        }
    }

    /// A date in few letters, with its year: "20 Okt 2026" / "20 Oct 2026".
    pub fn date_compact(self, date: NaiveDate) -> String {
        let month: String = self.month(date.month()).chars().take(3).collect();
        format!("{} {month} {}", date.day(), date.year())
    }

    /// A short date for chart axes and narrow columns: "Sen 20/10" / "Mon 20/10".
    pub fn date_short(self, date: NaiveDate) -> String {
        let weekday: String = self.weekday(date.weekday()).chars().take(3).collect();
        format!("{weekday} {}/{}", date.day(), date.month())
    }

    /// The shortest date, for the axes of small charts: "Sen 19" / "Mon 19".
    pub fn date_tiny(self, date: NaiveDate) -> String {
        let weekday: String = self.weekday(date.weekday()).chars().take(3).collect();
        format!("{weekday} {}", date.day())
    }

    /// A clock time: "14.00" in Indonesian, "14:00" in English.
    pub fn clock(self, hour: u32, minute: u32) -> String {
        match self {
            Lang::Id => format!("{hour:02}.{minute:02}"),
            Lang::En => format!("{hour:02}:{minute:02}"),
        }
    }

    pub fn weekday(self, day: Weekday) -> &'static str {
        let index = day.num_days_from_monday() as usize;
        match self {
            Lang::Id => [
                "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
            ][index],
            Lang::En => [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ][index],
        }
    }

    fn month(self, month: u32) -> &'static str {
        const ID_MONTHS: [&str; 12] = [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ];
        const EN_MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let index = (month.clamp(1, 12) - 1) as usize;
        match self {
            Lang::Id => ID_MONTHS[index],
            Lang::En => EN_MONTHS[index],
        }
    }

    /// "Tuesday 14 October 2026 – Monday 20 October 2026".
    pub fn date_range(self, first: NaiveDate, last: NaiveDate) -> String {
        format!("{} – {}", self.date_long(first), self.date_long(last))
    }

    /// A local moment: "Jumat, 17 Oktober 2026, 19.00 WIB" / "Friday 17 October 2026, 19:00 WIB".
    pub fn local_moment(self, date: NaiveDate, hour: u32, minute: u32, zone: &str) -> String {
        format!(
            "{}, {} {zone}",
            self.date_long(date),
            self.clock(hour, minute)
        )
    }

    /// How many ports need attention, for the top of the overview.
    pub fn attention_summary(self, missed: usize, total: usize) -> String {
        match (self, missed) {
            (Lang::En, 0) => format!("All {total} ports with crossings met their targets."),
            (Lang::Id, 0) => {
                format!("Semua {total} TPI yang memiliki perlintasan mencapai targetnya.")
            }
            (Lang::En, 1) => format!("1 of {total} ports with crossings missed a target."),
            (Lang::En, _) => format!("{missed} of {total} ports with crossings missed a target."),
            (Lang::Id, _) => {
                format!(
                    "{missed} dari {total} TPI yang memiliki perlintasan tidak mencapai target."
                )
            }
        }
    }

    /// The first sentence of a chart's text alternative.
    pub fn chart_intro(self, what: &str, first: NaiveDate, last: NaiveDate, zones: &str) -> String {
        match self {
            Lang::En => format!(
                "Line chart of {} by hour, {} to {}, local time ({zones}).",
                what.to_lowercase(),
                self.date_long(first),
                self.date_long(last)
            ),
            Lang::Id => format!(
                "Grafik garis {} per jam, {} sampai {}, waktu setempat ({zones}).",
                what.to_lowercase(),
                self.date_long(first),
                self.date_long(last)
            ),
        }
    }

    /// "CGK: highest 52.3 min on Friday 17 October 2026, 19:00 WIB"
    pub fn series_peak(self, label: &str, peak: &str, moment: &str) -> String {
        match self {
            Lang::En => format!("{label}: highest {peak} on {moment}"),
            Lang::Id => format!("{label}: tertinggi {peak} pada {moment}"),
        }
    }

    /// "38 of 150 hours above the 35 min target"
    pub fn hours_above(self, above: usize, total: usize, limit: &str) -> String {
        match self {
            Lang::En => format!("{above} of {total} hours above {limit}"),
            Lang::Id => format!("{above} dari {total} jam di atas {limit}"),
        }
    }

    /// The name of an agency as the KPI tables write it (`immigration`, `customs`, ...);
    /// an unknown name is shown as it is.
    pub fn agency(self, code: &str) -> String {
        let labels = self.labels();
        match code.trim() {
            "immigration" => labels.agency_immigration.into(),
            "customs" => labels.agency_customs.into(),
            "quarantine" | "health_quarantine" => labels.agency_quarantine.into(),
            "police" => labels.agency_police.into(),
            "authority" => labels.agency_authority.into(),
            "integration_bus" | "bus" => labels.agency_bus.into(),
            "us_cbp" => labels.agency_cbp.into(),
            "statistics_indonesia" => labels.agency_bps.into(),
            "all agencies" => labels.agency_all.into(),
            other => other.to_string(),
        }
    }

    /// "from last week" for a week, "from the previous 14 days" for other periods.
    pub fn since_previous(self, days: u64) -> String {
        match (self, days) {
            (_, 7) => self.labels().from_last_week.to_string(),
            (Lang::En, _) => format!("from the previous {days} days"),
            (Lang::Id, _) => format!("dari {days} hari sebelumnya"),
        }
    }

    /// "no data last week" for a week, "no data in the previous 14 days" otherwise.
    pub fn no_data_previous(self, days: u64) -> String {
        match (self, days) {
            (_, 7) => self.labels().no_data_last_week.to_string(),
            (Lang::En, _) => format!("no data in the previous {days} days"),
            (Lang::Id, _) => format!("tidak ada data pada {days} hari sebelumnya"),
        }
    }

    /// "no change from last week" for a week, "no change from the previous 14 days".
    pub fn no_change_previous(self, days: u64) -> String {
        match (self, days) {
            (_, 7) => self.labels().no_change_from_last_week.to_string(),
            (Lang::En, _) => format!("no change from the previous {days} days"),
            (Lang::Id, _) => format!("tidak berubah dari {days} hari sebelumnya"),
        }
    }

    /// The name of a port kind ("air", "sea", "land").
    pub fn port_kind(self, kind: &str) -> &'static str {
        let labels = self.labels();
        match kind {
            "air" => labels.kind_air,
            "sea" => labels.kind_sea,
            "land" => labels.kind_land,
            _ => labels.kind_other,
        }
    }
}

/// Every fixed label of the dashboard. One constant per language, so a label missing in
/// one language is a compile error rather than a blank on the page.
#[derive(Debug)]
pub struct Labels {
    pub site_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub language_nav: &'static str,
    pub overview_title: &'static str,
    pub overview_intro: &'static str,
    pub period: &'static str,
    pub local_time_note: &'static str,
    pub mou_targets: &'static str,
    pub data_version: &'static str,
    pub entry_points: &'static str,
    pub travellers: &'static str,
    pub passengers: &'static str,
    pub clearance_p90: &'static str,
    pub bottleneck_hours: &'static str,
    pub target: &'static str,
    pub per_week: &'static str,
    pub met: &'static str,
    pub missed: &'static str,
    pub needs_attention: &'static str,
    pub on_target: &'static str,
    pub no_crossings_in_period: &'static str,
    pub minutes_unit: &'static str,
    pub hours_unit: &'static str,
    pub chart_overview_title: &'static str,
    pub chart_port_title: &'static str,
    pub axis_local_time: &'static str,
    pub axis_p90_minutes: &'static str,
    pub axis_wait_minutes: &'static str,
    pub benchmarks: &'static str,
    pub benchmarks_intro: &'static str,
    pub empty_title: &'static str,
    pub empty_body: &'static str,
    pub empty_how_ingest: &'static str,
    pub empty_how_demo: &'static str,
    pub empty_then: &'static str,
    pub back_to_overview: &'static str,
    pub per_day: &'static str,
    pub local_date: &'static str,
    pub p50: &'static str,
    pub p90: &'static str,
    pub p95: &'static str,
    pub episodes: &'static str,
    pub episodes_none: &'static str,
    pub episode_start: &'static str,
    pub episode_end: &'static str,
    pub episode_hours: &'static str,
    pub episode_where: &'static str,
    pub whole_port: &'static str,
    pub terminal: &'static str,
    pub port_no_data: &'static str,
    pub benchmark_note: &'static str,
    pub benchmark_period: &'static str,
    pub average_wait: &'static str,
    pub maximum_wait: &'static str,
    pub flights: &'static str,
    pub chart_wait_title: &'static str,
    pub wait_threshold: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub error_title: &'static str,
    pub error_body: &'static str,
    pub error_details: &'static str,
    pub definitions: &'static str,
    pub kind_air: &'static str,
    pub kind_sea: &'static str,
    pub kind_land: &'static str,
    pub kind_other: &'static str,
    pub no_value: &'static str,
    pub day_missed_target: &'static str,
    pub average_short: &'static str,
    pub mou_target_line: &'static str,
    pub maximum_short: &'static str,
    pub from_last_week: &'static str,
    pub no_change_from_last_week: &'static str,
    pub no_data_last_week: &'static str,
    pub worse: &'static str,
    pub better: &'static str,
    pub main_nav: &'static str,
    pub nav_overview: &'static str,
    pub nav_agencies: &'static str,
    pub nav_health: &'static str,
    pub nav_benchmarks: &'static str,
    pub nav_glossary: &'static str,
    pub filters: &'static str,
    pub filter_port: &'static str,
    pub filter_from: &'static str,
    pub filter_to: &'static str,
    pub filter_terminal: &'static str,
    pub filter_lane: &'static str,
    pub filter_citizenship: &'static str,
    pub filter_direction: &'static str,
    pub lane_counter: &'static str,
    pub lane_autogate: &'static str,
    pub citizen: &'static str,
    pub foreigner: &'static str,
    pub arrival: &'static str,
    pub departure: &'static str,
    pub all_ports: &'static str,
    pub all_terminals: &'static str,
    pub all_values: &'static str,
    pub apply_filters: &'static str,
    pub clear_filters: &'static str,
    pub showing: &'static str,
    pub bottleneck_grain_note: &'static str,
    pub weekly_target_only: &'static str,
    pub meeting_mode: &'static str,
    pub meeting_mode_hint: &'static str,
    pub leave_meeting_mode: &'static str,
    pub print_hint: &'static str,
    pub agency_immigration: &'static str,
    pub agency_customs: &'static str,
    pub agency_quarantine: &'static str,
    pub agency_police: &'static str,
    pub agency_authority: &'static str,
    pub agency_bus: &'static str,
    pub agency_cbp: &'static str,
    pub agency_bps: &'static str,
    pub agency_all: &'static str,
    pub port_summary_table: &'static str,
    pub entry_point: &'static str,
    pub status: &'static str,
    pub change: &'static str,
    pub not_judged: &'static str,
}

const EN: Labels = Labels {
    site_tagline: "Border services at Indonesia's entry points",
    skip_to_content: "Skip to content",
    language_nav: "Language",
    overview_title: "Weekly overview",
    overview_intro: "Immigration clearance and bottlenecks at every Indonesian entry point, each against its MoU target. Ports that missed a target come first.",
    period: "Period",
    local_time_note: "Dates and hours are local to each port (WIB, WITA, WIT).",
    mou_targets: "MoU targets",
    data_version: "Lake version",
    entry_points: "Entry points",
    travellers: "Travellers",
    passengers: "Passengers",
    clearance_p90: "Clearance time p90",
    bottleneck_hours: "Bottleneck hours",
    target: "target",
    per_week: "per week",
    met: "met",
    missed: "missed",
    needs_attention: "Needs attention",
    on_target: "On target",
    no_crossings_in_period: "No crossings recorded in this period",
    minutes_unit: "min",
    hours_unit: "h",
    chart_overview_title: "Hourly clearance time p90 at the busiest ports",
    chart_port_title: "Hourly clearance time p90",
    axis_local_time: "Local time",
    axis_p90_minutes: "Clearance p90 (minutes)",
    axis_wait_minutes: "Wait (minutes)",
    benchmarks: "Benchmarks",
    benchmarks_intro: "Foreign airports that publish hourly wait reports, shown for comparison and never added into national totals.",
    empty_title: "No data has been ingested yet",
    empty_body: "The warehouse has no Immigration crossings yet, so there is nothing to show for the weekly meeting.",
    empty_how_ingest: "Land the night's exports from their delivery folder:",
    empty_how_demo: "Or try the dashboard with generated sample feeds and the real CBP benchmark:",
    empty_then: "Then start the dashboard again on the same lake.",
    back_to_overview: "Back to the weekly overview",
    per_day: "Per day",
    local_date: "Local date",
    p50: "p50",
    p90: "p90",
    p95: "p95",
    episodes: "Bottleneck episodes",
    episodes_none: "No bottleneck episodes in this period.",
    episode_start: "Start",
    episode_end: "End",
    episode_hours: "Hours",
    episode_where: "Where",
    whole_port: "whole port",
    terminal: "terminal",
    port_no_data: "No data has been ingested for this port yet.",
    benchmark_note: "Benchmark airport: hourly wait reports, shown for comparison and never added into national totals.",
    benchmark_period: "The last 7 days of its reports",
    average_wait: "Average wait",
    maximum_wait: "Longest wait",
    flights: "Flights",
    chart_wait_title: "Hourly waits",
    wait_threshold: "bottleneck wait threshold",
    not_found_title: "Page not found",
    not_found_body: "There is no entry point or page at this address.",
    error_title: "This page could not be shown",
    error_body: "A query behind this page failed. Nothing was changed; please try again, and if it keeps failing, send the details below to the Gerbang team.",
    error_details: "Details",
    definitions: "How these figures are defined",
    kind_air: "Airport",
    kind_sea: "Seaport",
    kind_land: "Land crossing",
    kind_other: "Entry point",
    no_value: "no data",
    day_missed_target: "above the p90 target",
    average_short: "avg",
    mou_target_line: "the port's MoU target for p90",
    maximum_short: "max",
    from_last_week: "from last week",
    no_change_from_last_week: "no change from last week",
    no_data_last_week: "no data last week",
    worse: "worse",
    better: "better",
    main_nav: "Pages",
    nav_overview: "Weekly overview",
    nav_agencies: "Agencies",
    nav_health: "Data health",
    nav_benchmarks: "Benchmarks",
    nav_glossary: "KPI glossary",
    filters: "Filters",
    filter_port: "Entry point",
    filter_from: "From",
    filter_to: "To",
    filter_terminal: "Terminal",
    filter_lane: "Lane",
    filter_citizenship: "Citizen or foreigner",
    filter_direction: "Direction",
    lane_counter: "Manual counter",
    lane_autogate: "Autogate",
    citizen: "Citizens",
    foreigner: "Foreigners",
    arrival: "Arrivals",
    departure: "Departures",
    all_ports: "All entry points",
    all_terminals: "All terminals",
    all_values: "All",
    apply_filters: "Apply",
    clear_filters: "Clear filters",
    showing: "Showing",
    bottleneck_grain_note: "Bottleneck hours are defined per port and terminal, so they count every traveller whatever the lane, citizenship or direction chosen.",
    weekly_target_only: "the MoU sets this target for a whole port over 7 days",
    meeting_mode: "Meeting mode",
    meeting_mode_hint: "large type for a projector; the page reloads itself every 5 minutes",
    leave_meeting_mode: "Leave meeting mode",
    print_hint: "Printing this page gives one A4 page.",
    agency_immigration: "Immigration",
    agency_customs: "Customs",
    agency_quarantine: "Health Quarantine",
    agency_police: "Police",
    agency_authority: "Airport or port authority",
    agency_bus: "Integration bus",
    agency_cbp: "US CBP (benchmark)",
    agency_bps: "Statistics Indonesia (BPS)",
    agency_all: "All agencies",
    port_summary_table: "Every entry point at a glance",
    entry_point: "Entry point",
    status: "Status",
    change: "Change",
    not_judged: "not judged",
};

const ID: Labels = Labels {
    site_tagline: "Layanan perbatasan di tempat pemeriksaan imigrasi Indonesia",
    skip_to_content: "Langsung ke isi",
    language_nav: "Bahasa",
    overview_title: "Ikhtisar mingguan",
    overview_intro: "Waktu penyelesaian imigrasi dan kemacetan di setiap TPI Indonesia, masing-masing terhadap target MoU. TPI yang tidak mencapai target ditampilkan lebih dulu.",
    period: "Periode",
    local_time_note: "Tanggal dan jam mengikuti waktu setempat setiap TPI (WIB, WITA, WIT).",
    mou_targets: "Target MoU",
    data_version: "Versi data",
    entry_points: "Tempat pemeriksaan imigrasi (TPI)",
    travellers: "Pelintas",
    passengers: "Penumpang",
    clearance_p90: "Waktu penyelesaian p90",
    bottleneck_hours: "Jam kemacetan",
    target: "target",
    per_week: "per minggu",
    met: "tercapai",
    missed: "tidak tercapai",
    needs_attention: "Perlu perhatian",
    on_target: "Sesuai target",
    no_crossings_in_period: "Tidak ada perlintasan tercatat pada periode ini",
    minutes_unit: "menit",
    hours_unit: "jam",
    chart_overview_title: "Waktu penyelesaian p90 per jam di TPI tersibuk",
    chart_port_title: "Waktu penyelesaian p90 per jam",
    axis_local_time: "Waktu setempat",
    axis_p90_minutes: "Penyelesaian p90 (menit)",
    axis_wait_minutes: "Waktu tunggu (menit)",
    benchmarks: "Pembanding",
    benchmarks_intro: "Bandara luar negeri yang menerbitkan laporan waktu tunggu per jam, ditampilkan sebagai pembanding dan tidak pernah dijumlahkan ke total nasional.",
    empty_title: "Belum ada data yang dimuat",
    empty_body: "Gudang data belum berisi perlintasan Imigrasi, jadi belum ada yang dapat ditampilkan untuk rapat mingguan.",
    empty_how_ingest: "Muat ekspor malam ini dari folder pengirimannya:",
    empty_how_demo: "Atau coba dasbor dengan data contoh yang dibangkitkan dan pembanding CBP yang asli:",
    empty_then: "Lalu jalankan ulang dasbor pada lake yang sama.",
    back_to_overview: "Kembali ke ikhtisar mingguan",
    per_day: "Per hari",
    local_date: "Tanggal setempat",
    p50: "p50",
    p90: "p90",
    p95: "p95",
    episodes: "Episode kemacetan",
    episodes_none: "Tidak ada episode kemacetan pada periode ini.",
    episode_start: "Mulai",
    episode_end: "Selesai",
    episode_hours: "Jam",
    episode_where: "Lokasi",
    whole_port: "seluruh TPI",
    terminal: "terminal",
    port_no_data: "Belum ada data yang dimuat untuk TPI ini.",
    benchmark_note: "Bandara pembanding: laporan waktu tunggu per jam, ditampilkan sebagai pembanding dan tidak pernah dijumlahkan ke total nasional.",
    benchmark_period: "7 hari terakhir laporannya",
    average_wait: "Rata-rata waktu tunggu",
    maximum_wait: "Waktu tunggu terlama",
    flights: "Penerbangan",
    chart_wait_title: "Waktu tunggu per jam",
    wait_threshold: "ambang waktu tunggu kemacetan",
    not_found_title: "Halaman tidak ditemukan",
    not_found_body: "Tidak ada TPI atau halaman di alamat ini.",
    error_title: "Halaman ini tidak dapat ditampilkan",
    error_body: "Kueri di balik halaman ini gagal. Tidak ada yang diubah; silakan coba lagi, dan jika tetap gagal, kirim rincian di bawah ke tim Gerbang.",
    error_details: "Rincian",
    definitions: "Definisi angka-angka ini",
    kind_air: "Bandara",
    kind_sea: "Pelabuhan laut",
    kind_land: "Pos lintas batas darat",
    kind_other: "TPI",
    no_value: "tidak ada data",
    day_missed_target: "di atas target p90",
    average_short: "rata-rata",
    mou_target_line: "target MoU p90 TPI tersebut",
    maximum_short: "maks",
    from_last_week: "dari minggu lalu",
    no_change_from_last_week: "tidak berubah dari minggu lalu",
    no_data_last_week: "tidak ada data minggu lalu",
    worse: "memburuk",
    better: "membaik",
    main_nav: "Halaman",
    nav_overview: "Ikhtisar mingguan",
    nav_agencies: "Instansi",
    nav_health: "Kesehatan data",
    nav_benchmarks: "Pembanding",
    nav_glossary: "Glosarium KPI",
    filters: "Filter",
    filter_port: "TPI",
    filter_from: "Dari",
    filter_to: "Sampai",
    filter_terminal: "Terminal",
    filter_lane: "Jalur",
    filter_citizenship: "WNI atau WNA",
    filter_direction: "Arah",
    lane_counter: "Loket manual",
    lane_autogate: "Autogate",
    citizen: "WNI",
    foreigner: "WNA",
    arrival: "Kedatangan",
    departure: "Keberangkatan",
    all_ports: "Semua TPI",
    all_terminals: "Semua terminal",
    all_values: "Semua",
    apply_filters: "Terapkan",
    clear_filters: "Hapus filter",
    showing: "Ditampilkan",
    bottleneck_grain_note: "Jam kemacetan didefinisikan per TPI dan terminal, sehingga menghitung semua pelintas apa pun jalur, kewarganegaraan, atau arah yang dipilih.",
    weekly_target_only: "MoU menetapkan target ini untuk seluruh TPI selama 7 hari",
    meeting_mode: "Mode rapat",
    meeting_mode_hint: "huruf besar untuk proyektor; halaman memuat ulang sendiri setiap 5 menit",
    leave_meeting_mode: "Keluar dari mode rapat",
    print_hint: "Mencetak halaman ini menghasilkan satu halaman A4.",
    agency_immigration: "Imigrasi",
    agency_customs: "Bea Cukai",
    agency_quarantine: "Karantina Kesehatan",
    agency_police: "Kepolisian",
    agency_authority: "Otoritas bandara/pelabuhan",
    agency_bus: "Bus integrasi",
    agency_cbp: "CBP AS (pembanding)",
    agency_bps: "Badan Pusat Statistik (BPS)",
    agency_all: "Semua instansi",
    port_summary_table: "Semua TPI sekilas",
    entry_point: "TPI",
    status: "Status",
    change: "Perubahan",
    not_judged: "tidak dinilai",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_numbers_use_decimal_comma_and_dot_thousands() {
        assert_eq!(Lang::Id.number(1234.5, 1), "1.234,5");
        assert_eq!(Lang::En.number(1234.5, 1), "1,234.5");
        assert_eq!(Lang::Id.count(1_234_567), "1.234.567");
        assert_eq!(Lang::En.count(999), "999");
        assert_eq!(Lang::En.number(-0.04, 1), "0.0");
        assert_eq!(Lang::En.number(-1234.0, 0), "-1,234");
        assert_eq!(Lang::Id.number_trimmed(35.0, 1), "35");
        assert_eq!(Lang::Id.number_trimmed(32.5, 1), "32,5");
        assert_eq!(Lang::Id.percent(0.125), "12,5%");
    }

    #[test]
    fn dates_are_written_out_per_language() {
        let date = NaiveDate::from_ymd_opt(2026, 10, 19).expect("valid date");
        assert_eq!(Lang::Id.date_long(date), "Senin, 19 Oktober 2026");
        assert_eq!(Lang::En.date_long(date), "Monday 19 October 2026");
        assert_eq!(Lang::Id.date_short(date), "Sen 19/10");
        assert_eq!(Lang::En.date_tiny(date), "Mon 19");
        assert_eq!(Lang::Id.clock(7, 0), "07.00");
    }

    #[test]
    fn accept_language_prefers_indonesian_only_when_ranked_above_english() {
        assert_eq!(
            Lang::from_accept_language("id-ID,id;q=0.9,en;q=0.8"),
            Lang::Id
        );
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,id;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("fr, id;q=0.5"), Lang::Id);
        assert_eq!(Lang::from_accept_language("en;q=0.4, id;q=0.6"), Lang::Id);
        assert_eq!(Lang::from_accept_language("de"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }
}
