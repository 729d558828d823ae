//! The report's words in Bahasa Indonesia and in English. One constant per language, so
//! a word missing in one language is a compile error rather than a blank in a signed
//! report. KPI titles come from the views' headers (`title_id`, `title_en`); numbers,
//! dates and agency names from [`crate::i18n::Lang`].

use chrono::{Datelike, NaiveDate};

use super::model::{ChartSeries, Verdict};
use crate::i18n::Lang;

/// Every fixed word of the report in one language, and the sentences made with numbers.
#[derive(Debug)]
pub struct Words {
    pub lang: Lang,
    pub title: &'static str,
    pub subtitle: &'static str,
    pub period_label: &'static str,
    pub ports_label: &'static str,
    pub agencies_label: &'static str,
    pub language_label: &'static str,
    pub prepared_for: &'static str,
    pub policies_label: &'static str,
    pub targets_label: &'static str,
    pub data_as_of_label: &'static str,
    pub fingerprint_label: &'static str,
    pub generated_label: &'static str,
    pub generated_note: &'static str,
    pub cover_note: &'static str,
    pub all_agencies: &'static str,
    pub all_ports_short: &'static str,
    pub no_data_landed: &'static str,
    pub none: &'static str,
    pub dash: &'static str,
    pub contents: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub continued: &'static str,
    pub source: &'static str,
    pub section: &'static str,
    pub summary_title: &'static str,
    pub summary_intro: &'static str,
    pub kpi: &'static str,
    pub result: &'static str,
    pub verdict: &'static str,
    pub met: &'static str,
    pub missed: &'static str,
    pub no_target: &'static str,
    pub no_data: &'static str,
    pub left_out_title: &'static str,
    pub left_out_intro: &'static str,
    pub left_out_none: &'static str,
    pub definitions_title: &'static str,
    pub definitions_note: &'static str,
    pub unit: &'static str,
    pub grain: &'static str,
    pub owner: &'static str,
    pub provenance_title: &'static str,
    pub provenance_intro: &'static str,
    pub run: &'static str,
    pub lake_version: &'static str,
    pub finished: &'static str,
    pub rows_landed: &'static str,
    pub fingerprint_parts: &'static str,
    pub part: &'static str,
    pub part_definitions: &'static str,
    pub part_targets: &'static str,
    pub part_data: &'static str,
    pub part_request: &'static str,
    pub part_access: &'static str,
    pub regenerate: &'static str,
    pub figure: &'static str,
    pub value: &'static str,
    pub sheet_cover: &'static str,
    pub sheet_summary: &'static str,
    pub sheet_definitions: &'static str,
    pub sheet_runs: &'static str,
    // Sections and tables.
    pub trends_title: &'static str,
    pub trends_intro: &'static str,
    pub chart_travellers: &'static str,
    pub chart_p90: &'static str,
    pub chart_bottleneck_hours: &'static str,
    pub chart_service_level: &'static str,
    pub chart_exchange: &'static str,
    pub chart_stages: &'static str,
    pub minutes_axis: &'static str,
    pub hours_axis: &'static str,
    pub share_axis: &'static str,
    pub clearance_title: &'static str,
    pub clearance_intro: &'static str,
    pub clearance_table: &'static str,
    pub weekly_table: &'static str,
    pub service_level_table: &'static str,
    pub p90_line: &'static str,
    pub weekly_bottleneck_line: &'static str,
    pub service_level_line: &'static str,
    pub throughput_line: &'static str,
    pub port: &'static str,
    pub ports_col: &'static str,
    pub travellers: &'static str,
    pub processed: &'static str,
    pub cleared: &'static str,
    pub busiest_hour: &'static str,
    pub days: &'static str,
    pub days_measured: &'static str,
    pub days_on_target_col: &'static str,
    pub port_days: &'static str,
    pub port_days_met: &'static str,
    pub port_weeks: &'static str,
    pub port_weeks_met: &'static str,
    pub route_days: &'static str,
    pub route_days_met: &'static str,
    pub median_daily_p90: &'static str,
    pub highest_daily_p90: &'static str,
    pub highest_daily_p95: &'static str,
    pub p90: &'static str,
    pub target: &'static str,
    pub allowed: &'static str,
    pub p90_verdict: &'static str,
    pub hours_verdict: &'static str,
    pub week_from: &'static str,
    pub bottleneck_hours: &'static str,
    pub no_whole_week: &'static str,
    pub within_target: &'static str,
    pub share_within: &'static str,
    pub required_share: &'static str,
    pub min_unit: &'static str,
    pub hours_unit: &'static str,
    pub no_rows: &'static str,
    pub episodes_title: &'static str,
    pub episodes_intro: &'static str,
    pub episodes_line: &'static str,
    pub episodes: &'static str,
    pub longest: &'static str,
    pub terminal_episodes: &'static str,
    pub episodes_per_port: &'static str,
    pub episodes_list: &'static str,
    pub no_episodes: &'static str,
    pub local_start: &'static str,
    pub local_end: &'static str,
    pub zone: &'static str,
    pub length: &'static str,
    pub counted_from: &'static str,
    pub service_title: &'static str,
    pub service_intro: &'static str,
    pub service_by_agency_table: &'static str,
    pub customs_service_line: &'static str,
    pub immigration_in_clearance: &'static str,
    pub agency: &'static str,
    pub measured: &'static str,
    pub stage_title: &'static str,
    pub stage_intro: &'static str,
    pub stage_line: &'static str,
    pub stage_table: &'static str,
    pub flights: &'static str,
    pub attributed: &'static str,
    pub immigration_minutes: &'static str,
    pub customs_minutes: &'static str,
    pub door_to_door: &'static str,
    pub immigration_share: &'static str,
    pub days_immigration_longer: &'static str,
    pub days_customs_longer: &'static str,
    pub enforcement_title: &'static str,
    pub enforcement_intro: &'static str,
    pub enforcement_line: &'static str,
    pub enforcement_exact_note: &'static str,
    pub enforcement_public_note: &'static str,
    pub enforcement_per_measure: &'static str,
    pub enforcement_per_port: &'static str,
    pub enforcement_by_category: &'static str,
    pub measure_col: &'static str,
    pub category_col: &'static str,
    pub cases: &'static str,
    pub per_10k: &'static str,
    pub detail: &'static str,
    pub exact: &'static str,
    pub small_counts_withheld: &'static str,
    pub needs_detail_rights: &'static str,
    pub seizures_title: &'static str,
    pub seizures_intro: &'static str,
    pub seizures_line: &'static str,
    pub seizures_table: &'static str,
    pub seizures: &'static str,
    pub valued: &'static str,
    pub goods_value: &'static str,
    pub i247_title: &'static str,
    pub i247_intro: &'static str,
    pub i247_line: &'static str,
    pub i247_table: &'static str,
    pub checks: &'static str,
    pub share_ok: &'static str,
    pub median_p50_ms: &'static str,
    pub highest_p95_ms: &'static str,
    pub timeouts: &'static str,
    pub errors: &'static str,
    pub exchange_title: &'static str,
    pub exchange_intro: &'static str,
    pub exchange_line: &'static str,
    pub exchange_target: &'static str,
    pub exchange_table: &'static str,
    pub sender: &'static str,
    pub receiver: &'static str,
    pub kind: &'static str,
    pub messages: &'static str,
    pub arrived: &'static str,
    pub share_failed: &'static str,
    pub share_manual: &'static str,
    pub joint_title: &'static str,
    pub joint_intro: &'static str,
    pub joint_line: &'static str,
    pub joint_table: &'static str,
    pub operations: &'static str,
    pub operation: &'static str,
    pub agencies_col: &'static str,
    pub duration: &'static str,
    pub lanes: &'static str,
    pub lane_hours_lost: &'static str,
    pub cleared_per_hour: &'static str,
    pub baseline_per_hour: &'static str,
    pub change: &'static str,
    pub below_baseline: &'static str,
    pub no_operations: &'static str,
    pub feed_title: &'static str,
    pub feed_intro: &'static str,
    pub feed_line: &'static str,
    pub feed_target: &'static str,
    pub feed_note: &'static str,
    pub feed_per_agency: &'static str,
    pub feed_problems: &'static str,
    pub no_feed_problems: &'static str,
    pub files: &'static str,
    pub files_late: &'static str,
    pub nights_missing: &'static str,
    pub nights_delivered: &'static str,
    pub last_night: &'static str,
    pub earliest_last_night: &'static str,
    pub rows_in: &'static str,
    pub rows_rejected: &'static str,
    pub rejected_share: &'static str,
    pub rejects_table: &'static str,
    pub reason: &'static str,
    pub example: &'static str,
    pub no_rejects: &'static str,
    pub findings_table: &'static str,
    pub check: &'static str,
    pub findings: &'static str,
    pub no_findings: &'static str,
    pub arrivals_line: &'static str,
    pub arrivals: &'static str,
    pub arrivals_none: &'static str,
}

impl Words {
    pub fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    fn month(&self, month: u32) -> &'static str {
        self.lang.month(month)
    }

    /// "1–31 Oktober 2026", "28 September – 4 Oktober 2026".
    pub fn period(&self, first: NaiveDate, last: NaiveDate) -> String {
        let (fm, lm) = (self.month(first.month()), self.month(last.month()));
        if first.year() != last.year() {
            format!(
                "{} {fm} {} – {} {lm} {}",
                first.day(),
                first.year(),
                last.day(),
                last.year()
            )
        } else if first.month() != last.month() {
            format!("{} {fm} – {} {lm} {}", first.day(), last.day(), last.year())
        } else if first == last {
            format!("{} {fm} {}", first.day(), first.year())
        } else {
            format!("{}–{} {fm} {}", first.day(), last.day(), first.year())
        }
    }

    pub fn verdict(&self, verdict: Verdict) -> &'static str {
        match verdict {
            Verdict::Met => self.met,
            Verdict::Missed => self.missed,
            Verdict::NoTarget => self.no_target,
            Verdict::NoData => self.no_data,
        }
    }

    /// "page 3 of 12".
    pub fn page_of(&self, page: usize, pages: usize) -> String {
        format!("{} {page} {} {pages}", self.page, self.of)
    }

    pub fn all_ports(&self, count: usize) -> String {
        match self.lang {
            Lang::En => format!("all {count} Indonesian entry points"),
            Lang::Id => format!("semua {count} TPI Indonesia"),
        }
    }

    pub fn data_as_of(&self, version: u64, runs: usize, finished: &str) -> String {
        match self.lang {
            Lang::En => {
                format!("lake version {version}: {runs} ingest runs, the last finished {finished}")
            }
            Lang::Id => format!(
                "versi lake {version}: {runs} proses ingest, yang terakhir selesai {finished}"
            ),
        }
    }

    pub fn targets_version(&self, version: &str) -> String {
        match self.lang {
            Lang::En => format!("data/mou-targets.toml version {version}"),
            Lang::Id => format!("data/mou-targets.toml versi {version}"),
        }
    }

    pub fn p90_target(&self, target: &str) -> String {
        match self.lang {
            Lang::En => format!("p90 at most {target} every day"),
            Lang::Id => format!("p90 paling lama {target} setiap hari"),
        }
    }

    pub fn weekly_allowance(&self, allowance: &str) -> String {
        match self.lang {
            Lang::En => format!("at most {allowance} a week"),
            Lang::Id => format!("paling banyak {allowance} per minggu"),
        }
    }

    pub fn service_target(&self, lang: Lang, required: Option<f64>, within: Option<f64>) -> String {
        let (Some(required), Some(within)) = (required, within) else {
            return self.dash.to_string();
        };
        match self.lang {
            Lang::En => format!(
                "at least {} cleared within {} every day",
                lang.percent(required),
                lang.minutes_trimmed(within)
            ),
            Lang::Id => format!(
                "paling sedikit {} selesai dalam {} setiap hari",
                lang.percent(required),
                lang.minutes_trimmed(within)
            ),
        }
    }

    pub fn customs_target(&self, lang: Lang, required: Option<f64>, release: &str) -> String {
        let Some(required) = required else {
            return self.dash.to_string();
        };
        match self.lang {
            Lang::En => format!(
                "at least {} of inspections ended within {release} every day",
                lang.percent(required)
            ),
            Lang::Id => format!(
                "paling sedikit {} pemeriksaan selesai dalam {release} setiap hari",
                lang.percent(required)
            ),
        }
    }

    /// "on target on 742 of 806 port-days (92.1%)".
    pub fn days_on_target(
        &self,
        lang: Lang,
        met: Option<f64>,
        measured: Option<f64>,
        unit: &str,
    ) -> String {
        let measured = measured.unwrap_or(0.0);
        if measured <= 0.0 {
            return self.no_data.to_string();
        }
        let met = met.unwrap_or(0.0);
        let share = lang.percent(met / measured);
        match self.lang {
            Lang::En => format!(
                "on target on {} of {} {unit} ({share})",
                lang.number(met, 0),
                lang.number(measured, 0)
            ),
            Lang::Id => format!(
                "sesuai target pada {} dari {} {unit} ({share})",
                lang.number(met, 0),
                lang.number(measured, 0)
            ),
        }
    }

    pub fn worst_day(&self, value: &str) -> String {
        match self.lang {
            Lang::En => format!("; highest daily p90 {value}"),
            Lang::Id => format!("; p90 harian tertinggi {value}"),
        }
    }

    pub fn period_share(&self, share: &str) -> String {
        match self.lang {
            Lang::En => format!("; {share} over the whole period"),
            Lang::Id => format!("; {share} selama seluruh periode"),
        }
    }

    pub fn throughput_result(&self, processed: &str, cleared: &str, busiest: &str) -> String {
        match self.lang {
            Lang::En => format!(
                "{processed} travellers processed, {cleared} cleared; busiest hour at one port {busiest}"
            ),
            Lang::Id => format!(
                "{processed} pelintas diproses, {cleared} diloloskan; jam tersibuk di satu TPI {busiest}"
            ),
        }
    }

    pub fn episode_rule(&self, lang: Lang, threshold: Option<f64>, share: Option<f64>) -> String {
        let (Some(threshold), Some(share)) = (threshold, share) else {
            return self.dash.to_string();
        };
        match self.lang {
            Lang::En => format!(
                "an hour is a bottleneck when over {} waited longer than {}",
                lang.percent(share),
                lang.minutes_trimmed(threshold)
            ),
            Lang::Id => format!(
                "satu jam disebut macet bila lebih dari {} menunggu lebih lama dari {}",
                lang.percent(share),
                lang.minutes_trimmed(threshold)
            ),
        }
    }

    pub fn episodes_result(
        &self,
        lang: Lang,
        episodes: Option<f64>,
        hours: Option<f64>,
        longest: Option<f64>,
    ) -> String {
        let episodes = episodes.unwrap_or(0.0);
        if episodes <= 0.0 {
            return match self.lang {
                Lang::En => "no bottleneck episode at a whole port".to_string(),
                Lang::Id => "tidak ada episode kemacetan di tingkat TPI".to_string(),
            };
        }
        let hours = lang.hours(hours.unwrap_or(0.0));
        let longest = lang.hours(longest.unwrap_or(0.0));
        match self.lang {
            Lang::En => format!(
                "{} episodes at whole ports, {hours} in all; the longest {longest}",
                lang.number(episodes, 0)
            ),
            Lang::Id => format!(
                "{} episode di tingkat TPI, seluruhnya {hours}; yang terpanjang {longest}",
                lang.number(episodes, 0)
            ),
        }
    }

    pub fn source_kind(&self, source: &str) -> &'static str {
        match (self.lang, source) {
            (Lang::En, "events") => "traveller records",
            (Lang::Id, "events") => "rekaman pelintas",
            (Lang::En, _) => "hourly reports",
            (Lang::Id, _) => "laporan per jam",
        }
    }

    pub fn stage_result(
        &self,
        lang: Lang,
        flights: Option<f64>,
        attributed: Option<f64>,
        immigration: Option<f64>,
        customs: Option<f64>,
    ) -> String {
        let n = |v: Option<f64>| lang.number(v.unwrap_or(0.0), 0);
        match self.lang {
            Lang::En => format!(
                "{} of {} arrivals attributed; Immigration held the longer stage on {} port-days, Customs on {}",
                n(attributed),
                n(flights),
                n(immigration),
                n(customs)
            ),
            Lang::Id => format!(
                "{} dari {} kedatangan teratribusi; Imigrasi memegang tahap terpanjang pada {} hari-TPI, Bea Cukai pada {}",
                n(attributed),
                n(flights),
                n(immigration),
                n(customs)
            ),
        }
    }

    pub fn measure(&self, measure: &str) -> &'static str {
        match (self.lang, measure) {
            (Lang::En, "refusal") => "refusals",
            (Lang::Id, "refusal") => "penolakan",
            (Lang::En, "detention") => "detentions",
            (Lang::Id, "detention") => "penahanan",
            (Lang::En, "notice_hit") => "notice hits",
            (Lang::Id, "notice_hit") => "temuan notice",
            (Lang::En, "secondary_referral") => "secondary referrals",
            (Lang::Id, "secondary_referral") => "rujukan pemeriksaan lanjutan",
            (Lang::En, "seizure") => "seizures",
            (Lang::Id, "seizure") => "penindakan",
            (Lang::En, "isolation") => "isolations",
            (Lang::Id, "isolation") => "isolasi",
            (Lang::En, "referral") => "health referrals",
            (Lang::Id, "referral") => "rujukan kesehatan",
            (Lang::En, "incident") => "incidents",
            (Lang::Id, "incident") => "insiden",
            (Lang::En, _) => "other",
            (Lang::Id, _) => "lainnya",
        }
    }

    pub fn category(&self, category: &str) -> String {
        let words = match (self.lang, category) {
            (Lang::Id, "narcotics") => "narkotika",
            (Lang::Id, "wildlife") => "satwa liar",
            (Lang::Id, "currency") => "uang tunai",
            (Lang::Id, "tobacco") => "tembakau",
            (Lang::Id, "alcohol") => "minuman beralkohol",
            (Lang::Id, "weapons") => "senjata",
            (Lang::Id, "other") => "lainnya",
            (Lang::Id, "theft") => "pencurian",
            (Lang::Id, "trafficking") => "perdagangan orang",
            (Lang::Id, "document_fraud") => "pemalsuan dokumen",
            (Lang::Id, "security_threat") => "ancaman keamanan",
            (Lang::Id, "wanted_list" | "wanted_list_match") => "daftar pencarian orang",
            (Lang::En, "wanted_list" | "wanted_list_match") => "wanted-list match",
            (Lang::Id, "sltd") => "dokumen perjalanan hilang/dicuri",
            (Lang::Id, "red") => "merah",
            (Lang::Id, "yellow") => "kuning",
            (Lang::Id, "blue") => "biru",
            (Lang::Id, "green") => "hijau",
            (Lang::Id, "diffusion") => "difusi",
            (Lang::En, "sltd") => "stolen or lost travel document",
            _ => return category.replace('_', " "),
        };
        words.to_string()
    }

    pub fn message_kind(&self, kind: &str) -> &'static str {
        match (self.lang, kind) {
            (Lang::En, "manifest") => "manifest",
            (Lang::Id, "manifest") => "manifes",
            (Lang::En, "alert") => "alert",
            (Lang::Id, "alert") => "peringatan",
            (Lang::En, "risk_profile") => "risk profile",
            (Lang::Id, "risk_profile") => "profil risiko",
            (Lang::En, _) => "other",
            (Lang::Id, _) => "lainnya",
        }
    }

    pub fn seizures_result(&self, lang: Lang, seizures: Option<f64>, value: Option<f64>) -> String {
        let seizures = lang.number(seizures.unwrap_or(0.0), 0);
        let value = lang.number(value.unwrap_or(0.0), 0);
        match self.lang {
            Lang::En => format!("{seizures} seizures, goods valued at IDR {value}"),
            Lang::Id => format!("{seizures} penindakan, nilai barang Rp {value}"),
        }
    }

    pub fn i247_result(
        &self,
        lang: Lang,
        checks: Option<f64>,
        share: Option<f64>,
        timeouts: Option<f64>,
    ) -> String {
        let Some(checks) = checks else {
            return self.no_data.to_string();
        };
        let share = share.map_or_else(|| self.dash.to_string(), |s| lang.percent(s));
        let timeouts = lang.number(timeouts.unwrap_or(0.0), 0);
        match self.lang {
            Lang::En => format!(
                "{} checks, {share} answered OK, {timeouts} timed out",
                lang.number(checks, 0)
            ),
            Lang::Id => format!(
                "{} pemeriksaan, {share} dijawab OK, {timeouts} melewati batas waktu",
                lang.number(checks, 0)
            ),
        }
    }

    pub fn joint_result(
        &self,
        lang: Lang,
        operations: Option<f64>,
        lane_hours: Option<f64>,
        below: Option<f64>,
    ) -> String {
        let operations = operations.unwrap_or(0.0);
        if operations <= 0.0 {
            return self.no_operations.to_string();
        }
        let lane_hours = lang.number(lane_hours.unwrap_or(0.0), 1);
        let below = lang.number(below.unwrap_or(0.0), 0);
        match self.lang {
            Lang::En => format!(
                "{} operations, {lane_hours} lane-hours lost; throughput below the usual hours in {below}",
                lang.number(operations, 0)
            ),
            Lang::Id => format!(
                "{} operasi, {lane_hours} jam-jalur hilang; jumlah terlayani di bawah jam biasa pada {below}",
                lang.number(operations, 0)
            ),
        }
    }

    pub fn feed_result(
        &self,
        lang: Lang,
        files: Option<f64>,
        late: Option<f64>,
        missing: Option<f64>,
        rejected: Option<f64>,
        rows_in: Option<f64>,
    ) -> String {
        let n = |v: Option<f64>| lang.number(v.unwrap_or(0.0), 0);
        match self.lang {
            Lang::En => format!(
                "{} files, {} late, {} nights missing; {} of {} rows rejected",
                n(files),
                n(late),
                n(missing),
                n(rejected),
                n(rows_in)
            ),
            Lang::Id => format!(
                "{} berkas, {} terlambat, {} malam tidak terkirim; {} dari {} baris ditolak",
                n(files),
                n(late),
                n(missing),
                n(rejected),
                n(rows_in)
            ),
        }
    }

    pub fn arrivals_result(&self, lang: Lang, arrivals: f64) -> String {
        match self.lang {
            Lang::En => format!("{} foreign arrivals (BPS)", lang.number(arrivals, 0)),
            Lang::Id => format!("{} kedatangan WNA (BPS)", lang.number(arrivals, 0)),
        }
    }

    /// "target 30 min" on a chart's reference line.
    pub fn target_line(&self, lang: Lang, minutes: f64) -> String {
        format!(
            "{} {}",
            self.target.to_lowercase(),
            lang.minutes_trimmed(minutes)
        )
    }

    pub fn required_line(&self, lang: Lang, share: f64) -> String {
        match self.lang {
            Lang::En => format!("required {}", lang.percent(share)),
            Lang::Id => format!("wajib {}", lang.percent(share)),
        }
    }

    pub fn chart_travellers_summary(&self, lang: Lang, values: &[Option<f64>]) -> String {
        let (total, peak) = total_and_peak(values);
        match self.lang {
            Lang::En => format!(
                "Travellers processed per day, {} in all; the busiest day had {}.",
                lang.number(total, 0),
                lang.number(peak, 0)
            ),
            Lang::Id => format!(
                "Pelintas yang diproses per hari, seluruhnya {}; hari tersibuk {}.",
                lang.number(total, 0),
                lang.number(peak, 0)
            ),
        }
    }

    pub fn chart_hours_summary(&self, lang: Lang, values: &[Option<f64>]) -> String {
        let (total, peak) = total_and_peak(values);
        match self.lang {
            Lang::En => format!(
                "Bottleneck hours per day over all ports, {} in all; at most {} on one day.",
                lang.number(total, 0),
                lang.number(peak, 0)
            ),
            Lang::Id => format!(
                "Jam kemacetan per hari di semua TPI, seluruhnya {}; paling banyak {} dalam satu hari.",
                lang.number(total, 0),
                lang.number(peak, 0)
            ),
        }
    }

    pub fn chart_p90_summary(
        &self,
        lang: Lang,
        series: &[ChartSeries],
        target: Option<f64>,
    ) -> String {
        let ports: Vec<&str> = series.iter().map(|s| s.label.as_str()).collect();
        let above: usize = series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .filter(|v| target.is_some_and(|t| **v > t))
            .count();
        let target = target.map_or_else(|| self.dash.to_string(), |t| lang.minutes_trimmed(t));
        match self.lang {
            Lang::En => format!(
                "Daily clearance p90 at the busiest ports ({}); {above} port-days above {target}.",
                ports.join(", ")
            ),
            Lang::Id => format!(
                "p90 waktu penyelesaian harian di TPI tersibuk ({}); {above} hari-TPI di atas {target}.",
                ports.join(", ")
            ),
        }
    }

    pub fn chart_share_summary(
        &self,
        lang: Lang,
        values: &[Option<f64>],
        required: Option<f64>,
    ) -> String {
        let below = values
            .iter()
            .flatten()
            .filter(|v| required.is_some_and(|r| **v < r))
            .count();
        let lowest = values.iter().flatten().copied().reduce(f64::min);
        let lowest = lowest.map_or_else(|| self.dash.to_string(), |v| lang.percent(v));
        match self.lang {
            Lang::En => format!(
                "Share of travellers cleared within the target per day, all ports together; \
                 {below} days below the required share, the lowest {lowest}."
            ),
            Lang::Id => format!(
                "Bagian pelintas yang selesai dalam target per hari, semua TPI bersama; \
                 {below} hari di bawah bagian wajib, terendah {lowest}."
            ),
        }
    }

    pub fn chart_exchange_summary(&self, lang: Lang, series: &[ChartSeries]) -> String {
        let lines: Vec<String> = series
            .iter()
            .map(|s| {
                let lowest = s.values.iter().flatten().copied().reduce(f64::min);
                format!(
                    "{} {}",
                    s.label,
                    lowest.map_or_else(|| self.dash.to_string(), |v| lang.percent(v))
                )
            })
            .collect();
        match self.lang {
            Lang::En => format!(
                "Share of messages received within the MoU target per day and route; lowest day: {}.",
                lines.join(", ")
            ),
            Lang::Id => format!(
                "Bagian pesan yang diterima dalam target MoU per hari dan rute; hari terendah: {}.",
                lines.join(", ")
            ),
        }
    }

    pub fn chart_stages_summary(&self, _lang: Lang, ports: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "Minutes from on-block to the median Immigration clearance, then to the median \
                 Customs release, per port ({ports} ports): the median of the days' medians."
            ),
            Lang::Id => format!(
                "Menit dari on-block sampai median penyelesaian Imigrasi, lalu sampai median \
                 pelepasan Bea Cukai, per TPI ({ports} TPI): median dari median harian."
            ),
        }
    }

    pub fn runs_more(&self, more: usize) -> String {
        match self.lang {
            Lang::En => format!("… and {more} earlier runs, listed in the XLSX annex"),
            Lang::Id => format!("… dan {more} proses sebelumnya, tercantum di lampiran XLSX"),
        }
    }
}

fn total_and_peak(values: &[Option<f64>]) -> (f64, f64) {
    let total = values.iter().flatten().sum();
    let peak = values.iter().flatten().copied().fold(0.0, f64::max);
    (total, peak)
}

pub const EN: Words = Words {
    lang: Lang::En,
    title: "MoU review report",
    subtitle: "Integrated border services at Indonesia's entry points (TPI)",
    period_label: "Period",
    ports_label: "Entry points",
    agencies_label: "Agencies",
    language_label: "Language",
    prepared_for: "Prepared for",
    policies_label: "Sharing policies",
    targets_label: "MoU targets",
    data_as_of_label: "Data as of",
    fingerprint_label: "Fingerprint (SHA-256)",
    generated_label: "Generated",
    generated_note: "(not part of the fingerprint)",
    cover_note: "Every figure comes from the KPI views of the Gerbang warehouse, through the sharing policies of the agency this report was prepared for. The same request on the same data, definitions and targets gives the same figures and the same fingerprint; the request is recorded next to this file so that the report can be made again.",
    all_agencies: "all agencies",
    all_ports_short: "all ports",
    no_data_landed: "no data landed yet",
    none: "none",
    dash: "–",
    contents: "Contents",
    page: "page",
    of: "of",
    continued: "(continued)",
    source: "Source",
    section: "Section",
    summary_title: "Summary: every KPI against its MoU target",
    summary_intro: "Each KPI over the period, with the target the MoU holds it to. A KPI met its target when it was on target on every day (week, route) it was measured; the figures say how often it was. Marks: ✓ met, ✗ missed, – no MoU target, ○ no data.",
    kpi: "KPI",
    result: "Result",
    verdict: "Verdict",
    met: "Met",
    missed: "Missed",
    no_target: "No MoU target",
    no_data: "No data",
    left_out_title: "Sections left out",
    left_out_intro: "The sharing policies of the agency this report was prepared for do not let it see the KPI views behind these sections, so they are left out rather than shown in part.",
    left_out_none: "None: every section the request covers is in the report.",
    definitions_title: "Appendix A: KPI definitions",
    definitions_note: "Every KPI of the warehouse as its definition was signed off (in English), with the MoU target it is held to.",
    unit: "Unit",
    grain: "Grain",
    owner: "Owner",
    provenance_title: "Appendix B: Data and reproducibility",
    provenance_intro: "The report rests on these ingest runs of the lake, these MoU targets, these KPI definitions and this request. Each part is fingerprinted on its own; the report's fingerprint is the SHA-256 of the parts.",
    run: "Ingest run",
    lake_version: "Lake version",
    finished: "Finished",
    rows_landed: "Rows landed",
    fingerprint_parts: "Fingerprint parts",
    part: "Part",
    part_definitions: "KPI definitions (SQL of every view)",
    part_targets: "MoU targets (every row)",
    part_data: "Lake data (every run and source file hash)",
    part_request: "Request (period, ports, agencies)",
    part_access: "Access (agency, roles, policies, what is visible)",
    regenerate: "To make this report again: gerbang report mou --request <file>.request.json --lake <lake> --out <folder>",
    figure: "Figure",
    value: "Value",
    sheet_cover: "Cover",
    sheet_summary: "Summary",
    sheet_definitions: "Definitions",
    sheet_runs: "Ingest runs",
    trends_title: "Trends over the period",
    trends_intro: "Day by day, in the ports' local dates, for the ports of the report.",
    chart_travellers: "Travellers processed per day",
    chart_p90: "Clearance time p90 per day, busiest ports",
    chart_bottleneck_hours: "Bottleneck hours per day, all ports",
    chart_service_level: "Travellers cleared within the target, per day",
    chart_exchange: "Messages received within the MoU target, per day",
    chart_stages: "Stage attribution per port: minutes held by each agency",
    minutes_axis: "Minutes",
    hours_axis: "Hours",
    share_axis: "Share",
    clearance_title: "Clearance time and service level",
    clearance_intro: "Immigration clearance (joined the queue to cleared) per port: the days the daily p90 was within the port's MoU target, the whole weeks of the period against the weekly bottleneck allowance, and the share of travellers cleared within the target.",
    clearance_table: "Daily clearance p90 per port over the period",
    weekly_table: "Whole weeks (Monday to Sunday) inside the period",
    service_level_table: "Immigration service level per port",
    p90_line: "Clearance time p90 (Immigration)",
    weekly_bottleneck_line: "Bottleneck hours per week",
    service_level_line: "Immigration service level",
    throughput_line: "Throughput",
    port: "Port",
    ports_col: "Ports",
    travellers: "Travellers",
    processed: "Processed",
    cleared: "Cleared",
    busiest_hour: "Busiest hour",
    days: "Days",
    days_measured: "Days",
    days_on_target_col: "Days met",
    port_days: "port-days",
    port_days_met: "port-days on target",
    port_weeks: "port-weeks",
    port_weeks_met: "port-weeks on target",
    route_days: "route-days",
    route_days_met: "route-days on target",
    median_daily_p90: "Median daily p90",
    highest_daily_p90: "Highest daily p90",
    highest_daily_p95: "Highest daily p95",
    p90: "p90",
    target: "Target",
    allowed: "Allowed",
    p90_verdict: "p90 verdict",
    hours_verdict: "Hours verdict",
    week_from: "Week from",
    bottleneck_hours: "Bottleneck hours",
    no_whole_week: "The period holds no whole week (Monday to Sunday), so the weekly allowance is not judged.",
    within_target: "Within target",
    share_within: "Share on target",
    required_share: "Required share",
    min_unit: "min",
    hours_unit: "h",
    no_rows: "Nothing was measured in the period.",
    episodes_title: "Bottleneck episodes",
    episodes_intro: "Runs of consecutive bottleneck hours, with their start and end in the port's local time. The counts are of whole ports; episodes at single terminals are counted separately.",
    episodes_line: "Bottleneck episodes",
    episodes: "Episodes",
    longest: "Longest",
    terminal_episodes: "At single terminals",
    episodes_per_port: "Episodes per port",
    episodes_list: "Every episode at a whole port",
    no_episodes: "No bottleneck episode in the period.",
    local_start: "Local start",
    local_end: "Local end",
    zone: "Zone",
    length: "Length",
    counted_from: "Counted from",
    service_title: "Service level per agency",
    service_intro: "The share of travellers each agency served within its MoU target: Immigration from joining the queue to clearance, Customs from the start to the end of the baggage inspection.",
    service_by_agency_table: "Service level per agency and port",
    customs_service_line: "Customs service level",
    immigration_in_clearance: "Immigration's service level per port is in the section on clearance time; this table gives the other agencies'.",
    agency: "Agency",
    measured: "Measured",
    stage_title: "Stage attribution",
    stage_intro: "Who holds the travellers of an arrival, and for how long: minutes from on-block to the median Immigration clearance, and from there to the median Customs release. Medians over the period are medians of the days' medians.",
    stage_line: "Stage attribution",
    stage_table: "Stages per port",
    flights: "Arrivals",
    attributed: "Attributed",
    immigration_minutes: "Immigration",
    customs_minutes: "Customs",
    door_to_door: "Door to door",
    immigration_share: "Immigration's share",
    days_immigration_longer: "Days Immigration longer",
    days_customs_longer: "Days Customs longer",
    enforcement_title: "Enforcement",
    enforcement_intro: "Refusals, detentions, secondary referrals and Interpol notice hits (Immigration), seizures (Customs), referrals and isolations (Health Quarantine) and incidents (Police), with rates per 10,000 travellers processed.",
    enforcement_line: "Enforcement",
    enforcement_exact_note: "Counts are exact: the report was prepared for someone with detail rights on every dataset shown.",
    enforcement_public_note: "Where the report's reader has no detail rights on an agency's dataset, a day's count of 1 to 4 is withheld (shown as <5 in the daily view); a period total that includes such days is given as at least (≥) the counts shown plus one for each withheld day, and has no rate.",
    enforcement_per_measure: "Enforcement per measure, all ports",
    enforcement_per_port: "Enforcement per port (cases)",
    enforcement_by_category: "Enforcement by category, all ports",
    measure_col: "Measure",
    category_col: "Category",
    cases: "Cases",
    per_10k: "Per 10,000 travellers",
    detail: "Detail",
    exact: "exact",
    small_counts_withheld: "small counts withheld",
    needs_detail_rights: "seizures by category and value are shown only to readers with detail rights on customs_inspections",
    seizures_title: "Customs seizures",
    seizures_intro: "Customs inspections whose outcome was a seizure, by category, with the declared or assessed value of the goods.",
    seizures_line: "Customs seizures",
    seizures_table: "Seizures by category",
    seizures: "Seizures",
    valued: "Valued",
    goods_value: "Goods value",
    i247_title: "Interpol I-24/7 check health",
    i247_intro: "Every traveller's passport is checked against Interpol's I-24/7 notices: the share answered OK, response times, and checks that timed out or failed.",
    i247_line: "Interpol I-24/7 check health",
    i247_table: "I-24/7 checks per port",
    checks: "Checks",
    share_ok: "Share OK",
    median_p50_ms: "Median daily p50",
    highest_p95_ms: "Highest daily p95",
    timeouts: "Timeouts",
    errors: "Errors",
    exchange_title: "Data-exchange latency per agency pair",
    exchange_intro: "Messages between agency systems over the integration bus, from production to receipt, against the MoU target for each pair and kind of message. A message that failed or never arrived counts as late.",
    exchange_line: "Data-exchange latency",
    exchange_target: "received within the pair's target (5 min unless the MoU says otherwise) for the required share, every day",
    exchange_table: "Latency per sender, receiver and kind",
    sender: "Sender",
    receiver: "Receiver",
    kind: "Kind",
    messages: "Messages",
    arrived: "Arrived",
    share_failed: "Failed",
    share_manual: "By hand",
    joint_title: "Joint operations and their impact",
    joint_intro: "Each joint enforcement operation in the period: how long it ran, the Immigration lanes it halted, the lane-hours lost, and travellers cleared per hour during it against the same hours on the four previous same weekdays.",
    joint_line: "Joint operations",
    joint_table: "Joint operations",
    operations: "Operations",
    operation: "Operation",
    agencies_col: "Agencies",
    duration: "Duration",
    lanes: "Lanes halted",
    lane_hours_lost: "Lane-hours lost",
    cleared_per_hour: "Cleared per hour",
    baseline_per_hour: "Usual per hour",
    change: "Change",
    below_baseline: "Below the usual hours",
    no_operations: "No joint operation in the period.",
    feed_title: "Feed health and data quality",
    feed_intro: "Each agency's nightly exports: nights delivered and missing, files late, rows rejected and why, and the checks of declared totals against their parts.",
    feed_line: "Feed health",
    feed_target: "every night delivered by 06:00 local time the next morning, nothing rejected",
    feed_note: "Feed health covers every night the lake holds up to its version, not only the period.",
    feed_per_agency: "Feed health per agency",
    feed_problems: "Feeds with late files, missing nights or rejected rows",
    no_feed_problems: "Every feed delivered every night on time, and nothing was rejected.",
    files: "Files",
    files_late: "Files late",
    nights_missing: "Nights missing",
    nights_delivered: "Nights delivered",
    last_night: "Last night",
    earliest_last_night: "Earliest last night",
    rows_in: "Rows in",
    rows_rejected: "Rows rejected",
    rejected_share: "Rejected share",
    rejects_table: "Rejected rows by reason",
    reason: "Reason",
    example: "Example",
    no_rejects: "No row was rejected.",
    findings_table: "Data-quality findings",
    check: "Check",
    findings: "Findings",
    no_findings: "No data-quality finding.",
    arrivals_line: "Foreign arrivals (BPS)",
    arrivals: "Arrivals",
    arrivals_none: "Statistics Indonesia has not published the months of the period yet",
};

pub const ID: Words = Words {
    lang: Lang::Id,
    title: "Laporan tinjauan MoU",
    subtitle: "Layanan perbatasan terpadu di tempat pemeriksaan imigrasi (TPI) Indonesia",
    period_label: "Periode",
    ports_label: "TPI",
    agencies_label: "Instansi",
    language_label: "Bahasa",
    prepared_for: "Disusun untuk",
    policies_label: "Kebijakan berbagi data",
    targets_label: "Target MoU",
    data_as_of_label: "Data per",
    fingerprint_label: "Sidik jari (SHA-256)",
    generated_label: "Dibuat",
    generated_note: "(bukan bagian dari sidik jari)",
    cover_note: "Setiap angka berasal dari view KPI gudang data Gerbang, melalui kebijakan berbagi data instansi yang menerima laporan ini. Permintaan yang sama atas data, definisi dan target yang sama menghasilkan angka dan sidik jari yang sama; permintaan dicatat di samping berkas ini agar laporan dapat dibuat kembali.",
    all_agencies: "semua instansi",
    all_ports_short: "semua TPI",
    no_data_landed: "belum ada data yang masuk",
    none: "tidak ada",
    dash: "–",
    contents: "Daftar isi",
    page: "halaman",
    of: "dari",
    continued: "(lanjutan)",
    source: "Sumber",
    section: "Bagian",
    summary_title: "Ringkasan: setiap KPI terhadap target MoU",
    summary_intro: "Setiap KPI selama periode, dengan target yang ditetapkan MoU. Sebuah KPI mencapai targetnya bila sesuai target pada setiap hari (minggu, rute) yang diukur; angkanya menunjukkan seberapa sering. Tanda: ✓ tercapai, ✗ tidak tercapai, – tanpa target MoU, ○ tidak ada data.",
    kpi: "KPI",
    result: "Hasil",
    verdict: "Penilaian",
    met: "Tercapai",
    missed: "Tidak tercapai",
    no_target: "Tanpa target MoU",
    no_data: "Tidak ada data",
    left_out_title: "Bagian yang tidak disertakan",
    left_out_intro: "Kebijakan berbagi data instansi penerima laporan ini tidak mengizinkannya melihat view KPI di balik bagian-bagian ini, sehingga bagian tersebut tidak disertakan, bukan ditampilkan sebagian.",
    left_out_none: "Tidak ada: setiap bagian yang diminta ada dalam laporan.",
    definitions_title: "Lampiran A: Definisi KPI",
    definitions_note: "Setiap KPI gudang data sebagaimana definisinya disetujui (dalam bahasa Inggris), dengan target MoU yang berlaku.",
    unit: "Satuan",
    grain: "Rincian",
    owner: "Pemilik",
    provenance_title: "Lampiran B: Data dan keterulangan",
    provenance_intro: "Laporan ini bersandar pada proses ingest lake berikut, target MoU ini, definisi KPI ini dan permintaan ini. Setiap bagian diberi sidik jari sendiri; sidik jari laporan adalah SHA-256 dari bagian-bagian itu.",
    run: "Proses ingest",
    lake_version: "Versi lake",
    finished: "Selesai",
    rows_landed: "Baris masuk",
    fingerprint_parts: "Bagian sidik jari",
    part: "Bagian",
    part_definitions: "Definisi KPI (SQL setiap view)",
    part_targets: "Target MoU (setiap baris)",
    part_data: "Data lake (setiap proses dan hash berkas sumber)",
    part_request: "Permintaan (periode, TPI, instansi)",
    part_access: "Akses (instansi, peran, kebijakan, yang terlihat)",
    regenerate: "Untuk membuat laporan ini kembali: gerbang report mou --request <berkas>.request.json --lake <lake> --out <folder>",
    figure: "Angka",
    value: "Nilai",
    sheet_cover: "Sampul",
    sheet_summary: "Ringkasan",
    sheet_definitions: "Definisi",
    sheet_runs: "Proses ingest",
    trends_title: "Perkembangan selama periode",
    trends_intro: "Hari demi hari, menurut tanggal setempat TPI, untuk TPI dalam laporan.",
    chart_travellers: "Pelintas yang diproses per hari",
    chart_p90: "p90 waktu penyelesaian per hari, TPI tersibuk",
    chart_bottleneck_hours: "Jam kemacetan per hari, semua TPI",
    chart_service_level: "Pelintas yang selesai dalam target, per hari",
    chart_exchange: "Pesan yang diterima dalam target MoU, per hari",
    chart_stages: "Atribusi tahapan per TPI: menit yang dipegang setiap instansi",
    minutes_axis: "Menit",
    hours_axis: "Jam",
    share_axis: "Bagian",
    clearance_title: "Waktu penyelesaian dan tingkat layanan",
    clearance_intro: "Penyelesaian imigrasi (masuk antrean sampai diloloskan) per TPI: hari-hari ketika p90 harian berada dalam target MoU TPI, minggu utuh dalam periode terhadap batas jam kemacetan mingguan, dan bagian pelintas yang selesai dalam target.",
    clearance_table: "p90 penyelesaian harian per TPI selama periode",
    weekly_table: "Minggu utuh (Senin sampai Minggu) di dalam periode",
    service_level_table: "Tingkat layanan imigrasi per TPI",
    p90_line: "p90 waktu penyelesaian (Imigrasi)",
    weekly_bottleneck_line: "Jam kemacetan per minggu",
    service_level_line: "Tingkat layanan imigrasi",
    throughput_line: "Jumlah pelintas terlayani",
    port: "TPI",
    ports_col: "TPI",
    travellers: "Pelintas",
    processed: "Diproses",
    cleared: "Diloloskan",
    busiest_hour: "Jam tersibuk",
    days: "Hari",
    days_measured: "Hari",
    days_on_target_col: "Hari tercapai",
    port_days: "hari-TPI",
    port_days_met: "hari-TPI sesuai target",
    port_weeks: "minggu-TPI",
    port_weeks_met: "minggu-TPI sesuai target",
    route_days: "hari-rute",
    route_days_met: "hari-rute sesuai target",
    median_daily_p90: "Median p90 harian",
    highest_daily_p90: "p90 harian tertinggi",
    highest_daily_p95: "p95 harian tertinggi",
    p90: "p90",
    target: "Target",
    allowed: "Batas",
    p90_verdict: "Penilaian p90",
    hours_verdict: "Penilaian jam",
    week_from: "Minggu mulai",
    bottleneck_hours: "Jam kemacetan",
    no_whole_week: "Periode ini tidak memuat satu minggu utuh (Senin sampai Minggu), sehingga batas mingguan tidak dinilai.",
    within_target: "Dalam target",
    share_within: "Bagian sesuai target",
    required_share: "Bagian wajib",
    min_unit: "menit",
    hours_unit: "jam",
    no_rows: "Tidak ada yang terukur dalam periode ini.",
    episodes_title: "Episode kemacetan",
    episodes_intro: "Rangkaian jam kemacetan berturut-turut, dengan awal dan akhirnya dalam waktu setempat TPI. Jumlahnya untuk TPI secara keseluruhan; episode di satu terminal dihitung terpisah.",
    episodes_line: "Episode kemacetan",
    episodes: "Episode",
    longest: "Terpanjang",
    terminal_episodes: "Di satu terminal",
    episodes_per_port: "Episode per TPI",
    episodes_list: "Setiap episode di tingkat TPI",
    no_episodes: "Tidak ada episode kemacetan dalam periode ini.",
    local_start: "Mulai (setempat)",
    local_end: "Selesai (setempat)",
    zone: "Zona",
    length: "Lama",
    counted_from: "Dihitung dari",
    service_title: "Tingkat layanan per instansi",
    service_intro: "Bagian pelintas yang dilayani setiap instansi dalam target MoU-nya: Imigrasi dari masuk antrean sampai diloloskan, Bea Cukai dari awal sampai akhir pemeriksaan bagasi.",
    service_by_agency_table: "Tingkat layanan per instansi dan TPI",
    customs_service_line: "Tingkat layanan Bea Cukai",
    immigration_in_clearance: "Tingkat layanan Imigrasi per TPI ada di bagian waktu penyelesaian; tabel ini memuat instansi lainnya.",
    agency: "Instansi",
    measured: "Terukur",
    stage_title: "Atribusi tahapan",
    stage_intro: "Siapa yang memegang pelintas sebuah kedatangan, dan berapa lama: menit dari on-block sampai median penyelesaian Imigrasi, lalu sampai median pelepasan Bea Cukai. Median selama periode adalah median dari median harian.",
    stage_line: "Atribusi tahapan",
    stage_table: "Tahapan per TPI",
    flights: "Kedatangan",
    attributed: "Teratribusi",
    immigration_minutes: "Imigrasi",
    customs_minutes: "Bea Cukai",
    door_to_door: "Pintu ke pintu",
    immigration_share: "Bagian Imigrasi",
    days_immigration_longer: "Hari Imigrasi lebih lama",
    days_customs_longer: "Hari Bea Cukai lebih lama",
    enforcement_title: "Penegakan hukum",
    enforcement_intro: "Penolakan, penahanan, rujukan pemeriksaan lanjutan dan temuan notice Interpol (Imigrasi), penindakan (Bea Cukai), rujukan dan isolasi (Kekarantinaan Kesehatan) serta insiden (Polri), dengan angka per 10.000 pelintas yang diproses.",
    enforcement_line: "Penegakan hukum",
    enforcement_exact_note: "Jumlahnya tepat: laporan disusun untuk penerima yang memiliki hak rinci atas setiap dataset yang ditampilkan.",
    enforcement_public_note: "Bila penerima laporan tidak memiliki hak rinci atas dataset suatu instansi, jumlah harian 1 sampai 4 disamarkan (<5 pada view harian); total periode yang memuat hari seperti itu ditulis paling sedikit (≥) jumlah yang tampil ditambah satu untuk setiap hari yang disamarkan, tanpa angka per 10.000.",
    enforcement_per_measure: "Penegakan hukum per ukuran, semua TPI",
    enforcement_per_port: "Penegakan hukum per TPI (kasus)",
    enforcement_by_category: "Penegakan hukum menurut kategori, semua TPI",
    measure_col: "Ukuran",
    category_col: "Kategori",
    cases: "Kasus",
    per_10k: "Per 10.000 pelintas",
    detail: "Rincian",
    exact: "tepat",
    small_counts_withheld: "jumlah kecil disamarkan",
    needs_detail_rights: "penindakan menurut kategori dan nilai hanya ditampilkan kepada penerima dengan hak rinci atas customs_inspections",
    seizures_title: "Penindakan Bea Cukai",
    seizures_intro: "Pemeriksaan Bea Cukai yang berakhir dengan penindakan (penyitaan), menurut kategori, dengan nilai barang yang diberitahukan atau ditetapkan.",
    seizures_line: "Penindakan Bea Cukai",
    seizures_table: "Penindakan menurut kategori",
    seizures: "Penindakan",
    valued: "Bernilai",
    goods_value: "Nilai barang",
    i247_title: "Kesehatan pemeriksaan Interpol I-24/7",
    i247_intro: "Paspor setiap pelintas diperiksa terhadap notice Interpol I-24/7: bagian yang dijawab OK, waktu tanggap, dan pemeriksaan yang melewati batas waktu atau gagal.",
    i247_line: "Kesehatan pemeriksaan Interpol I-24/7",
    i247_table: "Pemeriksaan I-24/7 per TPI",
    checks: "Pemeriksaan",
    share_ok: "Bagian OK",
    median_p50_ms: "Median p50 harian",
    highest_p95_ms: "p95 harian tertinggi",
    timeouts: "Batas waktu",
    errors: "Galat",
    exchange_title: "Latensi pertukaran data per pasangan instansi",
    exchange_intro: "Pesan antarsistem instansi melalui bus integrasi, dari dibuat sampai diterima, terhadap target MoU untuk setiap pasangan dan jenis pesan. Pesan yang gagal atau tidak pernah tiba dihitung terlambat.",
    exchange_line: "Latensi pertukaran data",
    exchange_target: "diterima dalam target pasangan (5 menit kecuali MoU menetapkan lain) untuk bagian wajib, setiap hari",
    exchange_table: "Latensi per pengirim, penerima dan jenis",
    sender: "Pengirim",
    receiver: "Penerima",
    kind: "Jenis",
    messages: "Pesan",
    arrived: "Tiba",
    share_failed: "Gagal",
    share_manual: "Manual",
    joint_title: "Operasi gabungan dan dampaknya",
    joint_intro: "Setiap operasi penegakan hukum gabungan dalam periode: berapa lama berlangsung, jalur Imigrasi yang dihentikan, jam-jalur yang hilang, dan pelintas yang diloloskan per jam selama operasi dibandingkan jam yang sama pada empat hari yang sama sebelumnya.",
    joint_line: "Operasi gabungan",
    joint_table: "Operasi gabungan",
    operations: "Operasi",
    operation: "Operasi",
    agencies_col: "Instansi",
    duration: "Lama",
    lanes: "Jalur dihentikan",
    lane_hours_lost: "Jam-jalur hilang",
    cleared_per_hour: "Diloloskan per jam",
    baseline_per_hour: "Biasanya per jam",
    change: "Perubahan",
    below_baseline: "Di bawah jam biasa",
    no_operations: "Tidak ada operasi gabungan dalam periode ini.",
    feed_title: "Kesehatan kiriman data dan mutu data",
    feed_intro: "Ekspor malam setiap instansi: malam yang terkirim dan yang tidak, berkas terlambat, baris yang ditolak beserta alasannya, dan pemeriksaan total yang dinyatakan terhadap rinciannya.",
    feed_line: "Kesehatan kiriman data",
    feed_target: "setiap malam terkirim paling lambat pukul 06.00 waktu setempat pagi berikutnya, tanpa baris ditolak",
    feed_note: "Kesehatan kiriman data mencakup setiap malam yang ada di lake sampai versinya, tidak hanya periode ini.",
    feed_per_agency: "Kesehatan kiriman data per instansi",
    feed_problems: "Kiriman dengan berkas terlambat, malam tidak terkirim atau baris ditolak",
    no_feed_problems: "Setiap kiriman datang tepat waktu setiap malam, dan tidak ada yang ditolak.",
    files: "Berkas",
    files_late: "Berkas terlambat",
    nights_missing: "Malam tidak terkirim",
    nights_delivered: "Malam terkirim",
    last_night: "Malam terakhir",
    earliest_last_night: "Malam terakhir paling awal",
    rows_in: "Baris dibaca",
    rows_rejected: "Baris ditolak",
    rejected_share: "Bagian ditolak",
    rejects_table: "Baris yang ditolak menurut alasan",
    reason: "Alasan",
    example: "Contoh",
    no_rejects: "Tidak ada baris yang ditolak.",
    findings_table: "Temuan mutu data",
    check: "Pemeriksaan",
    findings: "Temuan",
    no_findings: "Tidak ada temuan mutu data.",
    arrivals_line: "Kedatangan WNA (BPS)",
    arrivals: "Kedatangan",
    arrivals_none: "Badan Pusat Statistik belum menerbitkan bulan-bulan dalam periode ini",
};
