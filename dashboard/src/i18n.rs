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

    /// A month's name, 1 = January.
    pub(crate) fn month(self, month: u32) -> &'static str {
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

    /// A local moment for narrow table columns: "Sel 20/10 19.16 WIB" / "Tue 20/10 19:16 WIB".
    pub fn local_moment_short(self, date: NaiveDate, hour: u32, minute: u32, zone: &str) -> String {
        format!(
            "{} {} {zone}",
            self.date_short(date),
            self.clock(hour, minute)
        )
    }

    /// "All 29 episodes as a table" / "Semua 29 episode sebagai tabel".
    pub fn episodes_as_table(self, episodes: usize) -> String {
        match self {
            Lang::En => format!("All {episodes} episodes as a table"),
            Lang::Id => format!("Semua {episodes} episode sebagai tabel"),
        }
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

    /// "not compared with last week" for a week, "not compared with the previous 14 days".
    pub fn not_compared_previous(self, days: u64) -> String {
        match (self, days) {
            (Lang::En, 7) => "not compared with last week".to_string(),
            (Lang::Id, 7) => "tidak dibandingkan dengan minggu lalu".to_string(),
            (Lang::En, _) => format!("not compared with the previous {days} days"),
            (Lang::Id, _) => format!("tidak dibandingkan dengan {days} hari sebelumnya"),
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

    /// A total of counts some of which are hidden because they are 1 to 4: each hidden one
    /// is at least 1, so the total is at least the counts shown plus one for each hidden
    /// ("≥ 14"), which anyone can work out from the public figures; "12" when none is hidden.
    pub fn lower_bound(self, shown: i64, hidden: i64) -> String {
        if hidden > 0 {
            format!("≥ {}", self.count(shown + hidden))
        } else {
            self.count(shown)
        }
    }

    /// What a lower bound counted: "with 2 daily counts under 5 counted as 1 each".
    pub fn hidden_counts(self, hidden: i64) -> String {
        match (self, hidden) {
            (Lang::En, 1) => "1 daily count under 5 hidden, counted as 1".to_string(),
            (Lang::En, _) => format!(
                "{} daily counts under 5 hidden, each counted as 1",
                self.count(hidden)
            ),
            (Lang::Id, _) => format!(
                "{} jumlah harian di bawah 5 disamarkan, masing-masing dihitung 1",
                self.count(hidden)
            ),
        }
    }

    /// "of 1,234 checks · 5 timed out" / "dari 1.234 pemeriksaan · 5 habis waktu".
    pub fn checks_line(self, checks: i64, timeouts: i64) -> String {
        match self {
            Lang::En => format!(
                "of {} checks · {} timed out",
                self.count(checks),
                self.count(timeouts)
            ),
            Lang::Id => format!(
                "dari {} pemeriksaan · {} habis waktu",
                self.count(checks),
                self.count(timeouts)
            ),
        }
    }

    /// "3 of 12 routes on target · 1,234 messages".
    pub fn routes_line(self, met: i64, routes: i64, messages: i64) -> String {
        match self {
            Lang::En => format!(
                "{met} of {routes} routes on target · {} messages",
                self.count(messages)
            ),
            Lang::Id => format!(
                "{met} dari {routes} rute sesuai target · {} pesan",
                self.count(messages)
            ),
        }
    }

    /// The national data-exchange target, and that routes may have their own.
    pub fn exchange_target(self, required_share: f64, minutes: f64) -> String {
        let labels = self.labels();
        match self {
            Lang::En => format!(
                "{} ≥ {} within {} on every route, or the route's MoU exception",
                labels.target,
                self.percent(required_share),
                self.minutes_trimmed(minutes)
            ),
            Lang::Id => format!(
                "{} ≥ {} dalam {} di setiap rute, atau pengecualian MoU rute itu",
                labels.target,
                self.percent(required_share),
                self.minutes_trimmed(minutes)
            ),
        }
    }

    /// A change of a share in percentage points: "1.2 percentage points".
    pub fn points(self, share_change: f64) -> String {
        format!(
            "{} {}",
            self.number(share_change * 100.0, 1),
            self.labels().percentage_points
        )
    }

    /// "12 cases" / "12 kasus".
    pub fn cases(self, count: i64) -> String {
        match (self, count) {
            (Lang::En, 1) => "1 case".to_string(),
            (Lang::En, _) => format!("{} cases", self.count(count)),
            (Lang::Id, _) => format!("{} kasus", self.count(count)),
        }
    }

    /// What the heat map shows and what its outlines mean.
    pub fn heatmap_intro(self, threshold_minutes: f64, max_share: f64) -> String {
        let threshold = self.minutes_trimmed(threshold_minutes);
        let share = format!("{}%", self.number_trimmed(max_share * 100.0, 1));
        match self {
            Lang::En => format!(
                "Mean queue wait (joining the queue to reaching the counter) of the travellers who joined in each local hour. Outlined hours are bottleneck hours: more than {share} of the travellers waited over {threshold}."
            ),
            Lang::Id => format!(
                "Rata-rata waktu antre (dari mulai antre sampai tiba di loket) pelintas yang mulai antre pada setiap jam setempat. Jam yang diberi bingkai adalah jam kemacetan: lebih dari {share} pelintas menunggu lebih dari {threshold}."
            ),
        }
    }

    /// A step of the heat map's colour scale: "up to 5 min", "5–10 min", "over 45 min".
    pub fn wait_step(self, lower: Option<f64>, upper: Option<f64>) -> String {
        let unit = self.labels().minutes_unit;
        match (self, lower, upper) {
            (_, Some(low), Some(high)) => format!(
                "{}–{} {unit}",
                self.number_trimmed(low, 1),
                self.number_trimmed(high, 1)
            ),
            (Lang::En, None, Some(high)) => format!("up to {}", self.minutes_trimmed(high)),
            (Lang::Id, None, Some(high)) => format!("sampai {}", self.minutes_trimmed(high)),
            (Lang::En, Some(low), None) => format!("over {}", self.minutes_trimmed(low)),
            (Lang::Id, Some(low), None) => format!("lebih dari {}", self.minutes_trimmed(low)),
            (_, None, None) => self.labels().no_value.to_string(),
        }
    }

    /// The heat map's text alternative.
    pub fn heatmap_summary(
        self,
        (first, last): (NaiveDate, NaiveDate),
        zone: &str,
        peak: Option<(NaiveDate, u32, f64)>,
        (bottleneck_hours, hours_counted): (usize, usize),
    ) -> String {
        let intro = match self {
            Lang::En => format!(
                "Heat map of mean queue wait by local day and hour, {} to {}, local time ({zone}).",
                self.date_long(first),
                self.date_long(last)
            ),
            Lang::Id => format!(
                "Peta panas rata-rata waktu antre per hari dan jam setempat, {} sampai {}, waktu setempat ({zone}).",
                self.date_long(first),
                self.date_long(last)
            ),
        };
        let peak = peak.map(|(date, hour, minutes)| {
            let moment = self.local_moment(date, hour, 0, zone);
            match self {
                Lang::En => format!(" Longest: {} on {moment}.", self.minutes(minutes)),
                Lang::Id => format!(" Terlama: {} pada {moment}.", self.minutes(minutes)),
            }
        });
        let count = match self {
            Lang::En => format!(
                " {bottleneck_hours} of {hours_counted} hours with travellers were bottleneck hours."
            ),
            Lang::Id => format!(
                " {bottleneck_hours} dari {hours_counted} jam yang ada pelintasnya adalah jam kemacetan."
            ),
        };
        format!("{intro}{}{count}", peak.unwrap_or_default())
    }

    /// The text alternative of the daily percentile lines.
    pub fn percentiles_summary(
        self,
        (first, last): (NaiveDate, NaiveDate),
        zone: &str,
        highest_p90: Option<(NaiveDate, f64)>,
        (days_above, days): (usize, usize),
        target: &str,
    ) -> String {
        let intro = match self {
            Lang::En => format!(
                "Line chart of clearance time p50, p90 and p95 per local day, {} to {} ({zone}).",
                self.date_long(first),
                self.date_long(last)
            ),
            Lang::Id => format!(
                "Grafik garis waktu penyelesaian p50, p90, dan p95 per hari setempat, {} sampai {} ({zone}).",
                self.date_long(first),
                self.date_long(last)
            ),
        };
        let highest = highest_p90.map(|(date, minutes)| match self {
            Lang::En => format!(
                " Highest p90: {} on {}.",
                self.minutes(minutes),
                self.date_long(date)
            ),
            Lang::Id => format!(
                " p90 tertinggi: {} pada {}.",
                self.minutes(minutes),
                self.date_long(date)
            ),
        });
        let above = match self {
            Lang::En => {
                format!(" p90 was above the target of {target} on {days_above} of {days} days.")
            }
            Lang::Id => format!(" p90 di atas target {target} pada {days_above} dari {days} hari."),
        };
        format!("{intro}{}{above}", highest.unwrap_or_default())
    }

    /// The text alternative of the bottleneck timeline.
    pub fn timeline_summary(self, episodes: usize, hours: f64, zone: &str) -> String {
        match self {
            Lang::En => format!(
                "Timeline of {episodes} bottleneck episodes ({} in all) in local time ({zone}); the table below lists each with its start and end.",
                self.hours(hours)
            ),
            Lang::Id => format!(
                "Lini masa {episodes} episode kemacetan (total {}) dalam waktu setempat ({zone}); tabel di bawah mencantumkan mulai dan selesainya masing-masing.",
                self.hours(hours)
            ),
        }
    }

    /// The text alternative of the throughput chart.
    pub fn throughput_summary(
        self,
        (first, last): (NaiveDate, NaiveDate),
        zone: &str,
        per_lane: Option<(NaiveDate, u32, f64)>,
        per_staffed: Option<(NaiveDate, u32, f64)>,
    ) -> String {
        let intro = match self {
            Lang::En => format!(
                "Line chart of travellers processed per lane in use and arrivals per staffed counter, per local hour, {} to {} ({zone}).",
                self.date_long(first),
                self.date_long(last)
            ),
            Lang::Id => format!(
                "Grafik garis pelintas yang diproses per jalur yang dipakai dan kedatangan per loket yang dijaga, per jam setempat, {} sampai {} ({zone}).",
                self.date_long(first),
                self.date_long(last)
            ),
        };
        let peak = |what: &str, peak: Option<(NaiveDate, u32, f64)>| {
            peak.map(|(date, hour, value)| {
                let moment = self.local_moment(date, hour, 0, zone);
                match self {
                    Lang::En => format!(" {what}: highest {} on {moment}.", self.number(value, 1)),
                    Lang::Id => format!(
                        " {what}: tertinggi {} pada {moment}.",
                        self.number(value, 1)
                    ),
                }
            })
            .unwrap_or_default()
        };
        let labels = self.labels();
        format!(
            "{intro}{}{}",
            peak(labels.per_lane_in_use, per_lane),
            peak(labels.per_staffed_counter, per_staffed)
        )
    }

    /// The text alternative of the stage bars.
    pub fn stages_summary(
        self,
        days: usize,
        immigration_longer: usize,
        customs_longer: usize,
    ) -> String {
        match self {
            Lang::En => format!(
                "Stacked bars of the median minutes of Immigration's and Customs' stages per day, {days} days with arrivals measured: Immigration's stage was the longer on {immigration_longer}, Customs' on {customs_longer}."
            ),
            Lang::Id => format!(
                "Batang bertumpuk median menit tahap Imigrasi dan Bea Cukai per hari, {days} hari dengan kedatangan terukur: tahap Imigrasi lebih lama pada {immigration_longer} hari, Bea Cukai pada {customs_longer} hari."
            ),
        }
    }

    /// A duration in minutes, written out: "1 h 30 min" / "1 jam 30 menit".
    pub fn duration(self, minutes: f64) -> String {
        let labels = self.labels();
        let total = minutes.round().max(0.0) as i64;
        let (hours, rest) = (total / 60, total % 60);
        match (hours, rest) {
            (0, _) => format!("{rest} {}", labels.minutes_unit),
            (_, 0) => format!("{hours} {}", labels.hours_unit),
            _ => format!(
                "{hours} {} {rest} {}",
                labels.hours_unit, labels.minutes_unit
            ),
        }
    }

    /// How many baseline days a comparison rests on: "(4 days)" / "(4 hari)".
    pub fn days_used(self, days: i64) -> String {
        match (self, days) {
            (Lang::En, 1) => "(1 day)".to_string(),
            (Lang::En, _) => format!("({days} days)"),
            (Lang::Id, _) => format!("({days} hari)"),
        }
    }

    /// The line above the joint-operations table.
    pub fn joint_summary(self, operations: usize, lane_hours: f64) -> String {
        match (self, operations) {
            (Lang::En, 1) => format!(
                "1 joint operation halted {} lane-hours.",
                self.number_trimmed(lane_hours, 1)
            ),
            (Lang::En, _) => format!(
                "{operations} joint operations halted {} lane-hours.",
                self.number_trimmed(lane_hours, 1)
            ),
            (Lang::Id, _) => format!(
                "{operations} operasi gabungan menghentikan {} jam-jalur.",
                self.number_trimmed(lane_hours, 1)
            ),
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
    pub nav_console: &'static str,
    pub nav_reports: &'static str,
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
    pub change: &'static str,
    pub not_judged: &'static str,
    pub enforcement_cases: &'static str,
    pub i247_share_ok: &'static str,
    pub exchange_within: &'static str,
    pub no_mou_target: &'static str,
    pub percentage_points: &'static str,
    pub other_agencies_grain_note: &'static str,
    pub tiles_explainer: &'static str,
    pub rollup_caption: &'static str,
    pub summary_key: &'static str,
    pub rollup_port_note: &'static str,
    pub rollup_figures_note: &'static str,
    pub rollup_shared_note: &'static str,
    pub on_this_page: &'static str,
    pub clearance_time: &'static str,
    pub heatmap_title: &'static str,
    pub heatmap_table: &'static str,
    pub axis_local_hour: &'static str,
    pub mean_queue_wait: &'static str,
    pub bottleneck_hour: &'static str,
    pub nobody_counted: &'static str,
    pub percentiles_title: &'static str,
    pub axis_clearance_minutes: &'static str,
    pub throughput_title: &'static str,
    pub throughput_note: &'static str,
    pub axis_per_counter: &'static str,
    pub per_lane_in_use: &'static str,
    pub per_staffed_counter: &'static str,
    pub per_staffed_short: &'static str,
    pub most_staffed: &'static str,
    pub per_staffed_hour: &'static str,
    pub per_lane_short: &'static str,
    pub travellers_processed: &'static str,
    pub travellers_cleared: &'static str,
    pub busiest_hour: &'static str,
    pub most_lanes: &'static str,
    pub per_lane_hour: &'static str,
    pub no_throughput: &'static str,
    pub stages_title: &'static str,
    pub stages_intro: &'static str,
    pub axis_stage_minutes: &'static str,
    pub arrivals_listed: &'static str,
    pub immigration_measured: &'static str,
    pub both_measured: &'static str,
    pub door_to_door: &'static str,
    pub median_minutes: &'static str,
    pub median_share: &'static str,
    pub longer_stage: &'static str,
    pub no_arrivals: &'static str,
    pub longest_arrivals: &'static str,
    pub flight: &'static str,
    pub origin: &'static str,
    pub on_block: &'static str,
    pub travellers_matched: &'static str,
    pub negative_stage_note: &'static str,
    pub joint_title: &'static str,
    pub joint_none: &'static str,
    pub joint_intro: &'static str,
    pub operation: &'static str,
    pub agencies: &'static str,
    pub duration: &'static str,
    pub lanes_halted: &'static str,
    pub lane_hours_lost: &'static str,
    pub cleared_per_hour_during: &'static str,
    pub baseline_per_hour: &'static str,
    pub whole_port_note: &'static str,
    pub not_shared_title: &'static str,
    pub not_shared_body: &'static str,
    pub not_shared_why: &'static str,
    pub signed_in_as: &'static str,
    pub account_nav: &'static str,
    pub sign_out: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub user_name: &'static str,
    pub password: &'static str,
    pub sign_in_button: &'static str,
    pub sign_in_refused: &'static str,
    /// `{n}` is the number of minutes.
    pub sign_in_too_many: &'static str,
    pub sign_in_disabled: &'static str,
}

const EN: Labels = Labels {
    site_tagline: "Border services at Indonesia's entry points",
    skip_to_content: "Skip to content",
    language_nav: "Language",
    overview_title: "Weekly overview",
    overview_intro: "Immigration clearance and bottlenecks, enforcement, I-24/7 checks and data exchange at every Indonesian entry point, each against its MoU target where the MoU sets one. Ports that missed a target come first.",
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
    nav_console: "SQL console",
    nav_reports: "MoU reports",
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
    change: "Change",
    not_judged: "not judged",
    enforcement_cases: "Enforcement cases",
    i247_share_ok: "I-24/7 checks answered OK",
    exchange_within: "Messages within MoU latency",
    no_mou_target: "no MoU target",
    percentage_points: "percentage points",
    other_agencies_grain_note: "Enforcement, I-24/7 checks and data exchange count every traveller and message at the port, whatever lane, citizenship or direction is chosen.",
    tiles_explainer: "Enforcement cases add up refusals, detentions, I-24/7 notice hits, customs seizures, quarantine isolations and police incidents as anyone without detail rights sees them: a day's count of 1 to 4 is hidden, so a total marked ≥ leaves the hidden counts out. Messages within MoU latency are the messages between agency systems that arrived within the minutes the MoU sets for their route; a port meets the target when every route does.",
    summary_key: "✓ met, ✗ missed, – not judged; the MoU target in brackets",
    rollup_caption: "Clearance percentiles on this page are read from one-minute wait histograms, so they are within 1 minute of the exact value; where a port's p90 is within a minute of its target, it is computed exactly.",
    rollup_figures_note: "The p90 above is read from one-minute wait histograms, within 1 minute of the exact value; where it is within a minute of the target, it is computed exactly.",
    rollup_shared_note: "Immigration shares its clearance times with your agency as KPIs, not as traveller records: the p90 above and the daily percentiles are read from one-minute wait histograms, within 1 minute of the exact value; the hourly p90 over all travellers is the clearance KPI itself.",
    rollup_port_note: "Over more than 7 days, the clearance percentiles on this page are read from one-minute wait histograms: within 1 minute of the exact value (the p90 above is computed exactly where it is within a minute of its target).",
    on_this_page: "On this page",
    clearance_time: "Clearance time",
    heatmap_title: "Queue wait by day and hour",
    heatmap_table: "The heat map as a table: mean queue wait in minutes",
    axis_local_hour: "Local hour",
    mean_queue_wait: "Mean queue wait",
    bottleneck_hour: "bottleneck hour",
    nobody_counted: "nobody counted",
    percentiles_title: "Clearance time per day",
    axis_clearance_minutes: "Clearance time (minutes)",
    throughput_title: "Throughput against lanes in use and staffed counters",
    throughput_note: "Counters at work, counted two ways. Lanes in use (kpi_throughput_hourly): the counters and autogates that finished at least one traveller in the hour. Counters staffed (kpi_throughput_staffed_hourly): what the airport or port authority reports for each arriving flight or vessel, the Immigration counters staffed at its terminal when it came on block; an hour takes the largest figure among its arrivals, and an hour without an arrival has no figure. Per staffed counter counts the arriving travellers finished at manual counters.",
    axis_per_counter: "Travellers per counter per hour",
    per_lane_in_use: "Travellers processed per lane in use",
    per_staffed_counter: "Arrivals per counter the authority reported staffed",
    per_staffed_short: "staffed",
    most_staffed: "Most counters staffed in an hour",
    per_staffed_hour: "Arrivals per staffed counter-hour",
    per_lane_short: "lane",
    travellers_processed: "Travellers processed",
    travellers_cleared: "Cleared",
    busiest_hour: "Busiest hour",
    most_lanes: "Most lanes in use in an hour",
    per_lane_hour: "Processed per lane-hour",
    no_throughput: "No traveller was processed in this period.",
    stages_title: "Who holds arriving travellers",
    stages_intro: "For each arriving flight or vessel: minutes from on-block to the median Immigration clearance of its travellers (Immigration's stage), then to the median Customs release (Customs' stage). Each bar is a day: the median minutes of each stage over that day's arrivals.",
    axis_stage_minutes: "Median minutes per arrival",
    arrivals_listed: "Arrivals listed",
    immigration_measured: "Immigration stage measured",
    both_measured: "Both stages measured",
    door_to_door: "Door to door",
    median_minutes: "median, min",
    median_share: "share, median",
    longer_stage: "Longer stage",
    no_arrivals: "The authority listed no arrival in this period.",
    longest_arrivals: "Arrivals with the longest door-to-door time",
    flight: "Flight or vessel",
    origin: "From",
    on_block: "On block",
    travellers_matched: "Travellers matched",
    negative_stage_note: "A Customs stage below zero (when the few travellers Customs inspected were cleared early) is shown in the table and drawn as nothing.",
    joint_title: "Joint operations and their impact",
    joint_none: "No joint operation in this period.",
    joint_intro: "Throughput during each operation against the same local hours on the four previous same weekdays, at the operation's terminal (or the whole port).",
    operation: "Operation",
    agencies: "Agencies",
    duration: "Duration",
    lanes_halted: "Lanes halted",
    lane_hours_lost: "Lane-hours lost",
    cleared_per_hour_during: "Cleared per hour during",
    baseline_per_hour: "Same hours, 4 previous same weekdays",
    whole_port_note: "Throughput, stage attribution and joint operations are for the whole port, whatever terminal, lane, citizenship or direction is chosen.",
    not_shared_title: "Not shared with your agency",
    not_shared_body: "The sharing policies in force do not let your agency see the data behind this part of the page.",
    not_shared_why: "Why",
    signed_in_as: "Signed in as",
    account_nav: "Account",
    sign_out: "Sign out",
    sign_in_title: "Sign in",
    sign_in_intro: "Sign in with the account your Gerbang administrator gave you. What you see follows your agency's sharing policies.",
    user_name: "User name",
    password: "Password",
    sign_in_button: "Sign in",
    sign_in_refused: "Wrong user name or password.",
    sign_in_too_many: "Too many failed sign-ins. Try again in {n} minutes.",
    sign_in_disabled: "This account is disabled; ask your Gerbang administrator.",
};

const ID: Labels = Labels {
    site_tagline: "Layanan perbatasan di tempat pemeriksaan imigrasi Indonesia",
    skip_to_content: "Langsung ke isi",
    language_nav: "Bahasa",
    overview_title: "Ikhtisar mingguan",
    overview_intro: "Waktu penyelesaian imigrasi dan kemacetan, penegakan hukum, pemeriksaan I-24/7, dan pertukaran data di setiap TPI Indonesia, masing-masing terhadap target MoU bila MoU menetapkannya. TPI yang tidak mencapai target ditampilkan lebih dulu.",
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
    nav_console: "Konsol SQL",
    nav_reports: "Laporan MoU",
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
    change: "Perubahan",
    not_judged: "tidak dinilai",
    enforcement_cases: "Kasus penegakan hukum",
    i247_share_ok: "Pemeriksaan I-24/7 terjawab OK",
    exchange_within: "Pesan dalam batas latensi MoU",
    no_mou_target: "tidak ada target MoU",
    percentage_points: "poin persentase",
    other_agencies_grain_note: "Penegakan hukum, pemeriksaan I-24/7, dan pertukaran data menghitung semua pelintas dan pesan di TPI, apa pun jalur, kewarganegaraan, atau arah yang dipilih.",
    tiles_explainer: "Kasus penegakan hukum menjumlahkan penolakan, penahanan, kecocokan notice I-24/7, penyitaan bea cukai, isolasi karantina, dan insiden kepolisian sebagaimana terlihat oleh yang tidak memiliki hak rinci: jumlah 1 sampai 4 dalam sehari disamarkan, sehingga total bertanda ≥ tidak memuat jumlah yang disamarkan. Pesan dalam batas latensi MoU adalah pesan antarsistem instansi yang tiba dalam batas menit yang ditetapkan MoU untuk rutenya; suatu TPI mencapai target bila setiap rutenya mencapainya.",
    summary_key: "✓ tercapai, ✗ tidak tercapai, – tidak dinilai; target MoU dalam kurung",
    rollup_caption: "Persentil waktu penyelesaian di halaman ini dibaca dari histogram waktu tunggu per satu menit, sehingga selisihnya dari nilai persis kurang dari 1 menit; jika p90 suatu TPI kurang dari satu menit dari targetnya, p90 itu dihitung persis.",
    rollup_figures_note: "p90 di atas dibaca dari histogram waktu tunggu per satu menit, dengan selisih kurang dari 1 menit dari nilai persis; jika kurang dari satu menit dari target, p90 dihitung persis.",
    rollup_shared_note: "Imigrasi membagikan waktu penyelesaiannya kepada instansi Anda sebagai KPI, bukan sebagai data pelintas: p90 di atas dan persentil harian dibaca dari histogram waktu tunggu per satu menit, dengan selisih kurang dari 1 menit dari nilai persis; p90 per jam atas semua pelintas adalah KPI waktu penyelesaian itu sendiri.",
    rollup_port_note: "Untuk lebih dari 7 hari, persentil waktu penyelesaian di halaman ini dibaca dari histogram waktu tunggu per satu menit: selisihnya dari nilai persis kurang dari 1 menit (p90 di atas dihitung persis bila kurang dari satu menit dari targetnya).",
    on_this_page: "Di halaman ini",
    clearance_time: "Waktu penyelesaian",
    heatmap_title: "Waktu antre per hari dan jam",
    heatmap_table: "Peta panas sebagai tabel: rata-rata waktu antre dalam menit",
    axis_local_hour: "Jam setempat",
    mean_queue_wait: "Rata-rata waktu antre",
    bottleneck_hour: "jam kemacetan",
    nobody_counted: "tidak ada yang dihitung",
    percentiles_title: "Waktu penyelesaian per hari",
    axis_clearance_minutes: "Waktu penyelesaian (menit)",
    throughput_title: "Pelintas terlayani terhadap jalur yang dipakai dan loket yang dijaga",
    throughput_note: "Loket yang bekerja, dihitung dengan dua cara. Jalur yang dipakai (kpi_throughput_hourly): loket dan autogate yang menyelesaikan sedikitnya satu pelintas pada jam itu. Loket yang dijaga (kpi_throughput_staffed_hourly): yang dilaporkan otoritas bandara/pelabuhan untuk setiap penerbangan atau kapal yang datang, yaitu loket Imigrasi yang dijaga di terminalnya saat on-block; satu jam memakai angka terbesar di antara kedatangannya, dan jam tanpa kedatangan tidak memiliki angka. Per loket yang dijaga menghitung pelintas kedatangan yang diselesaikan di loket manual.",
    axis_per_counter: "Pelintas per loket per jam",
    per_lane_in_use: "Pelintas diproses per jalur yang dipakai",
    per_staffed_counter: "Kedatangan per loket yang dilaporkan dijaga otoritas",
    per_staffed_short: "dijaga",
    most_staffed: "Loket dijaga terbanyak dalam sejam",
    per_staffed_hour: "Kedatangan per jam-loket dijaga",
    per_lane_short: "jalur",
    travellers_processed: "Pelintas diproses",
    travellers_cleared: "Diloloskan",
    busiest_hour: "Jam tersibuk",
    most_lanes: "Jalur terbanyak dipakai dalam sejam",
    per_lane_hour: "Diproses per jam-jalur",
    no_throughput: "Tidak ada pelintas yang diproses pada periode ini.",
    stages_title: "Siapa yang menahan pelintas yang datang",
    stages_intro: "Untuk setiap penerbangan atau kapal yang datang: menit dari on-block sampai median selesainya pemeriksaan Imigrasi para pelintasnya (tahap Imigrasi), lalu sampai median pelepasan Bea Cukai (tahap Bea Cukai). Setiap batang adalah satu hari: median menit setiap tahap atas kedatangan hari itu.",
    axis_stage_minutes: "Median menit per kedatangan",
    arrivals_listed: "Kedatangan tercatat",
    immigration_measured: "Tahap Imigrasi terukur",
    both_measured: "Kedua tahap terukur",
    door_to_door: "Total waktu",
    median_minutes: "median, menit",
    median_share: "porsi, median",
    longer_stage: "Tahap lebih lama",
    no_arrivals: "Otoritas tidak mencatat kedatangan pada periode ini.",
    longest_arrivals: "Kedatangan dengan total waktu terlama",
    flight: "Penerbangan atau kapal",
    origin: "Asal",
    on_block: "On-block",
    travellers_matched: "Pelintas tercocokkan",
    negative_stage_note: "Tahap Bea Cukai di bawah nol (bila sedikit pelintas yang diperiksa Bea Cukai selesai lebih awal) ditampilkan di tabel dan tidak digambar.",
    joint_title: "Operasi gabungan dan dampaknya",
    joint_none: "Tidak ada operasi gabungan pada periode ini.",
    joint_intro: "Jumlah pelintas terlayani selama setiap operasi dibandingkan jam setempat yang sama pada empat hari yang sama di minggu-minggu sebelumnya, di terminal operasi itu (atau seluruh TPI).",
    operation: "Operasi",
    agencies: "Instansi",
    duration: "Durasi",
    lanes_halted: "Jalur dihentikan",
    lane_hours_lost: "Jam-jalur hilang",
    cleared_per_hour_during: "Diloloskan per jam selama operasi",
    baseline_per_hour: "Jam yang sama, 4 hari serupa sebelumnya",
    whole_port_note: "Jumlah pelintas terlayani, atribusi tahapan, dan operasi gabungan berlaku untuk seluruh TPI, apa pun terminal, jalur, kewarganegaraan, atau arah yang dipilih.",
    not_shared_title: "Tidak dibagikan dengan instansi Anda",
    not_shared_body: "Kebijakan berbagi data yang berlaku tidak mengizinkan instansi Anda melihat data di balik bagian halaman ini.",
    not_shared_why: "Alasannya",
    signed_in_as: "Masuk sebagai",
    account_nav: "Akun",
    sign_out: "Keluar",
    sign_in_title: "Masuk",
    sign_in_intro: "Masuk dengan akun yang diberikan administrator Gerbang Anda. Yang Anda lihat mengikuti kebijakan berbagi data instansi Anda.",
    user_name: "Nama pengguna",
    password: "Kata sandi",
    sign_in_button: "Masuk",
    sign_in_refused: "Nama pengguna atau kata sandi salah.",
    sign_in_too_many: "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {n} menit.",
    sign_in_disabled: "Akun ini dinonaktifkan; hubungi administrator Gerbang Anda.",
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
