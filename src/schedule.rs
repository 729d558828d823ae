//! The nightly ingest inside `gerbang serve`: at a local time of day, land what is new in
//! the inbox, archive it, and serve the new lake version without a restart.

use std::sync::Arc;

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use gerbang_ingest::lake::Lake;
use gerbang_ingest::run::{FileOutcome, IngestOptions, Progress, ingest};
use gerbang_query::Warehouse;
use gerbang_query::policy::{Principal, Role};

/// When and what the nightly job ingests.
#[derive(Debug, Clone)]
pub struct NightlyIngest {
    pub inbox: String,
    pub at: NaiveTime,
    pub zone: Tz,
}

impl NightlyIngest {
    /// Reads `HH:MM` and an IANA zone name, with errors that say what to write instead.
    pub fn parse(inbox: String, at: &str, zone: &str) -> anyhow::Result<NightlyIngest> {
        let at = NaiveTime::parse_from_str(at, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(at, "%H:%M:%S"))
            .map_err(|_| {
                anyhow::anyhow!(
                    "the ingest time '{at}' is not a time of day like 01:30 (24-hour HH:MM)"
                )
            })?;
        let zone: Tz = zone.parse().map_err(|_| {
            anyhow::anyhow!(
                "the ingest time zone '{zone}' is not an IANA zone name; Indonesia's are \
                 Asia/Jakarta (WIB), Asia/Makassar (WITA) and Asia/Jayapura (WIT)"
            )
        })?;
        Ok(NightlyIngest { inbox, at, zone })
    }

    /// The first moment strictly after `now` at which the local clock in `zone` reads `at`.
    /// A local time that a daylight-saving jump skips runs at the first instant after the
    /// gap; one that happens twice runs at its first occurrence.
    pub fn next_run(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let mut day = now.with_timezone(&self.zone).date_naive();
        loop {
            let local = day.and_time(self.at);
            let instant = match self.zone.from_local_datetime(&local) {
                chrono::LocalResult::Single(t) => Some(t),
                chrono::LocalResult::Ambiguous(first, _) => Some(first),
                chrono::LocalResult::None => {
                    // Skipped by a jump forward: the hour after is the first time that exists.
                    self.zone
                        .from_local_datetime(&(local + chrono::Duration::hours(1)))
                        .earliest()
                }
            };
            if let Some(instant) = instant.map(|t| t.with_timezone(&Utc))
                && instant > now
            {
                return instant;
            }
            day = match day.checked_add_days(Days::new(1)) {
                Some(next) => next,
                None => return now,
            };
        }
    }
}

/// Runs the nightly ingest forever: sleeps until the next run, lands the inbox, refreshes
/// the warehouse the dashboard serves. A failed run is logged and tried again the next
/// night (nothing of it is visible; the files stay in the inbox).
pub async fn run_nightly(
    job: NightlyIngest,
    lake: Lake,
    options: IngestOptions,
    warehouse: Arc<Warehouse>,
) {
    loop {
        let next = job.next_run(Utc::now());
        eprintln!(
            "nightly ingest: next run {} ({} in {})",
            next.with_timezone(&job.zone).format("%Y-%m-%d %H:%M %Z"),
            job.inbox,
            job.zone
        );
        let wait = (next - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        match ingest(&job.inbox, &lake, &options, &mut no_progress).await {
            Ok(report) => {
                let landed = report
                    .files
                    .iter()
                    .filter(|f| f.outcome == FileOutcome::Landed);
                let (files, rows_in, rows_landed, rows_rejected) =
                    landed.fold((0, 0, 0, 0), |acc, f| {
                        (
                            acc.0 + 1,
                            acc.1 + f.rows_in,
                            acc.2 + f.rows_landed,
                            acc.3 + f.rows_rejected,
                        )
                    });
                eprintln!(
                    "nightly ingest: run {} {}: {files} files, {rows_in} rows in = {rows_landed} landed + {rows_rejected} rejected; {} files not recognised and left in the inbox",
                    report.run_id,
                    match report.version {
                        Some(version) => format!("committed lake version {version}"),
                        None => "found nothing new".to_string(),
                    },
                    report.unrecognised()
                );
                match gerbang_query::rollup::refresh_after_ingest(
                    &lake,
                    report.version,
                    &mut no_rollup_progress,
                )
                .await
                {
                    Ok(done) => eprintln!(
                        "nightly ingest: refreshed {} rollup partitions ({} touched by this run, {} found out of date)",
                        done.touched + done.healed,
                        done.touched,
                        done.healed
                    ),
                    Err(e) => eprintln!(
                        "nightly ingest: the run committed but its rollups could not be refreshed; KPIs read the raw data of those partitions until the next run: {e}"
                    ),
                }
                match warehouse.refresh().await {
                    Ok(version) => {
                        eprintln!(
                            "nightly ingest: the dashboard now serves lake version {version}"
                        );
                        warm_rollup_cache(&warehouse, "nightly ingest").await;
                    }
                    Err(e) => eprintln!(
                        "nightly ingest: the run committed but the dashboard could not read the new version, and keeps serving the previous one: {e}"
                    ),
                }
            }
            Err(e) => eprintln!(
                "nightly ingest failed, nothing of the run is visible and its files stay in the inbox for the next run: {e}"
            ),
        }
    }
}

/// Reads the latest weeks of rollups into the warehouse's rollup cache, so that the
/// dashboard's first visitor after a start or an ingest run gets the pages as fast as the
/// next one; logs what it read, prefixed with `who`. A failure is only logged: the pages
/// then read the rollups when asked.
pub async fn warm_rollup_cache(warehouse: &Warehouse, who: &str) {
    let started = std::time::Instant::now();
    match warehouse.warm_rollup_cache().await {
        Ok(warmed) => eprintln!(
            "{who}: read the latest {} days of rollups into memory for the pages: {} objects, {:.0} MiB, in {:.1} s",
            gerbang_query::rollup::WARM_DAYS,
            warmed.objects,
            warmed.bytes as f64 / f64::from(1 << 20),
            started.elapsed().as_secs_f64()
        ),
        Err(e) => eprintln!(
            "{who}: could not read the latest rollups into memory ahead of the pages, which read them when asked: {e}"
        ),
    }
}

/// The nightly job logs a summary, not progress.
fn no_progress(_: Progress<'_>) {}

fn no_rollup_progress(_: gerbang_query::rollup::RollupProgress<'_>) {}

/// MoU review reports that `gerbang serve` writes every month (`[reports]` in the
/// configuration file): on a day of the month at a local time, the previous month's
/// report for every audience, into a folder or object-store prefix the dashboard lists.
#[derive(Debug, Clone)]
pub struct ScheduledReports {
    pub out: String,
    /// 1 to 31; a month without that day gets its report on its last day.
    pub day_of_month: u32,
    pub at: NaiveTime,
    pub zone: Tz,
    pub formats: Vec<gerbang_dashboard::report::Format>,
    pub lang: gerbang_dashboard::report::Lang,
    /// One report per principal, as its agency's policies let it see the data.
    pub audiences: Vec<Principal>,
}

/// The user name scheduled reports are made (and audited) as.
const SCHEDULED_USER: &str = "scheduled-reports";

impl ScheduledReports {
    /// Reads `[reports]`, with errors that say what to write instead.
    pub fn from_config(
        config: &gerbang_ingest::config::ReportsConfig,
    ) -> anyhow::Result<ScheduledReports> {
        use gerbang_dashboard::report::{Format, parse_lang};
        let day_of_month = config.day_of_month.unwrap_or(1);
        if !(1..=31).contains(&day_of_month) {
            anyhow::bail!(
                "[reports] day_of_month = {day_of_month} is not a day of a month (1 to 31)"
            );
        }
        let at = config.at.as_deref().unwrap_or("06:00");
        let at = NaiveTime::parse_from_str(at, "%H:%M").map_err(|_| {
            anyhow::anyhow!("[reports] at = '{at}' is not a time of day like 06:00 (24-hour HH:MM)")
        })?;
        let zone = config.zone.as_deref().unwrap_or("Asia/Jakarta");
        let zone: Tz = zone.parse().map_err(|_| {
            anyhow::anyhow!(
                "[reports] zone = '{zone}' is not an IANA zone name; Indonesia's are \
                 Asia/Jakarta (WIB), Asia/Makassar (WITA) and Asia/Jayapura (WIT)"
            )
        })?;
        let formats = match &config.formats {
            Some(names) => Format::parse_list(&names.join(","))?,
            None => Format::ALL.to_vec(),
        };
        let lang = parse_lang(config.lang.as_deref().unwrap_or("id"))?;
        let audiences = match &config.audiences {
            Some(specs) if !specs.is_empty() => specs
                .iter()
                .map(|spec| Principal::parse(SCHEDULED_USER, spec))
                .collect::<Result<Vec<_>, _>>()?,
            _ => vec![Principal::new(
                SCHEDULED_USER,
                "gerbang",
                [Role::Administrator],
            )],
        };
        Ok(ScheduledReports {
            out: config.out.clone(),
            day_of_month,
            at,
            zone,
            formats,
            lang,
            audiences,
        })
    }

    /// The demo's monthly reports, into `out`: the month before today for Immigration's
    /// and Customs' leadership, in Bahasa Indonesia, in every format.
    pub fn demo(out: &str) -> anyhow::Result<ScheduledReports> {
        ScheduledReports::from_config(&gerbang_ingest::config::ReportsConfig {
            out: out.to_string(),
            day_of_month: None,
            at: None,
            zone: None,
            formats: None,
            lang: None,
            audiences: Some(vec![
                "immigration:leadership".to_string(),
                "customs:leadership".to_string(),
            ]),
        })
    }

    /// The first moment strictly after `now` at which the local clock in `zone` reads
    /// `at` on the report day of a month (its last day when the month is shorter). A time
    /// that daylight saving skips runs an hour later; one it repeats, the first time.
    pub fn next_run(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        use chrono::Datelike;
        let local = now.with_timezone(&self.zone).date_naive();
        let mut month = local.with_day(1).unwrap_or(local);
        for _ in 0..36 {
            let last_day = month
                .checked_add_months(chrono::Months::new(1))
                .and_then(|next| next.pred_opt())
                .map_or(28, |last| last.day());
            let date = month
                .with_day(self.day_of_month.min(last_day))
                .unwrap_or(month);
            let wall = date.and_time(self.at);
            let instant = match self.zone.from_local_datetime(&wall) {
                chrono::LocalResult::Single(t) => Some(t),
                chrono::LocalResult::Ambiguous(first, _) => Some(first),
                chrono::LocalResult::None => self
                    .zone
                    .from_local_datetime(&(wall + chrono::Duration::hours(1)))
                    .earliest(),
            };
            if let Some(instant) = instant.map(|t| t.with_timezone(&Utc))
                && instant > now
            {
                return instant;
            }
            month = match month.checked_add_months(chrono::Months::new(1)) {
                Some(next) => next,
                None => break,
            };
        }
        now
    }

    /// What a run at `run` reports on: the whole calendar month before its local date.
    pub fn month_reported(
        &self,
        run: DateTime<Utc>,
    ) -> Result<gerbang_dashboard::report::Request, gerbang_dashboard::report::ReportError> {
        use chrono::Datelike;
        let local = run.with_timezone(&self.zone).date_naive();
        let last = local
            .with_day(1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(local);
        let first = last.with_day(1).unwrap_or(last);
        gerbang_dashboard::report::Request::between(first, last, self.lang)
    }

    /// Makes and writes the reports due at `run`, one per audience, on the lake version
    /// the warehouse serves after a refresh. A report that fails is logged and the others
    /// are still made. Returns the files written.
    pub async fn run_once(&self, warehouse: &Warehouse, run: DateTime<Utc>) -> Vec<String> {
        use gerbang_dashboard::report;
        if let Err(e) = warehouse.refresh().await {
            eprintln!(
                "scheduled reports: could not read the newest lake version, reporting on the one served: {e}"
            );
        }
        let request = match self.month_reported(run) {
            Ok(request) => request,
            Err(e) => {
                eprintln!("scheduled reports: {e}");
                return Vec::new();
            }
        };
        let mut written = Vec::new();
        for principal in &self.audiences {
            let made = match report::build_for(warehouse, principal, &request).await {
                Ok(built) => report::write(&self.out, &built, &self.formats).await,
                Err(e) => Err(e),
            };
            match made {
                Ok(files) => {
                    eprintln!(
                        "scheduled reports: wrote the {} report for {}:{} to {} ({})",
                        request.period_slug(),
                        principal.agency,
                        principal.roles_text(),
                        self.out,
                        files.join(", ")
                    );
                    written.extend(files);
                }
                Err(e) => eprintln!(
                    "scheduled reports: the {} report for {}:{} failed and is tried again at the next run: {e}",
                    request.period_slug(),
                    principal.agency,
                    principal.roles_text()
                ),
            }
        }
        if let Err(e) = warehouse.flush_audit().await {
            eprintln!("scheduled reports: audit records could not be written yet: {e}");
        }
        written
    }
}

/// Runs the scheduled reports forever: sleeps until the next report day, writes them.
pub async fn run_reports(job: ScheduledReports, warehouse: Arc<Warehouse>) {
    loop {
        let next = job.next_run(Utc::now());
        eprintln!(
            "scheduled reports: next run {} into {}",
            next.with_timezone(&job.zone).format("%Y-%m-%d %H:%M %Z"),
            job.out
        );
        let wait = (next - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        job.run_once(&warehouse, next).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(at: &str, zone: &str) -> NightlyIngest {
        NightlyIngest::parse("inbox".into(), at, zone).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn runs_at_the_local_time_today_or_tomorrow() {
        let wib = job("01:30", "Asia/Jakarta");
        // 2026-10-20 17:00 UTC is 00:00 WIB on the 21st: today's 01:30 is still ahead.
        assert_eq!(
            wib.next_run(utc("2026-10-20T17:00:00Z")),
            utc("2026-10-20T18:30:00Z")
        );
        // Exactly at the time: the next one is a day later.
        assert_eq!(
            wib.next_run(utc("2026-10-20T18:30:00Z")),
            utc("2026-10-21T18:30:00Z")
        );
        let wit = job("01:30", "Asia/Jayapura");
        assert_eq!(
            wit.next_run(utc("2026-10-20T17:00:00Z")),
            utc("2026-10-21T16:30:00Z")
        );
    }

    #[test]
    fn daylight_saving_gaps_and_repeats_are_handled() {
        let ny = job("02:30", "America/New_York");
        // 2026-03-08: 02:00 jumps to 03:00, so 02:30 does not exist; run at 03:30 EDT.
        assert_eq!(
            ny.next_run(utc("2026-03-08T05:00:00Z")),
            utc("2026-03-08T07:30:00Z")
        );
        let ny = job("01:30", "America/New_York");
        // 2026-11-01: 01:30 happens twice; run at the first (EDT, UTC-4).
        assert_eq!(
            ny.next_run(utc("2026-11-01T04:00:00Z")),
            utc("2026-11-01T05:30:00Z")
        );
    }

    #[test]
    fn wrong_settings_say_what_to_write() {
        let err = NightlyIngest::parse("i".into(), "1.30", "Asia/Jakarta").unwrap_err();
        assert!(err.to_string().contains("like 01:30"), "{err}");
        let err = NightlyIngest::parse("i".into(), "01:30", "WIB").unwrap_err();
        assert!(err.to_string().contains("Asia/Jakarta"), "{err}");
    }

    fn reports(day: u32, at: &str, zone: &str) -> ScheduledReports {
        ScheduledReports::from_config(&gerbang_ingest::config::ReportsConfig {
            out: "reports".into(),
            day_of_month: Some(day),
            at: Some(at.into()),
            zone: Some(zone.into()),
            formats: Some(vec!["pdf".into()]),
            lang: None,
            audiences: None,
        })
        .unwrap()
    }

    #[test]
    fn monthly_reports_run_on_their_day_or_the_months_last_and_report_the_month_before() {
        let first = reports(1, "06:00", "Asia/Jakarta");
        // 2026-11-01 06:00 WIB is 2026-10-31 23:00 UTC.
        assert_eq!(
            first.next_run(utc("2026-10-20T00:00:00Z")),
            utc("2026-10-31T23:00:00Z")
        );
        assert_eq!(
            first.next_run(utc("2026-10-31T23:00:00Z")),
            utc("2026-11-30T23:00:00Z"),
            "exactly at the time: the next month's"
        );
        let request = first.month_reported(utc("2026-10-31T23:00:00Z")).unwrap();
        assert_eq!(
            (request.first.to_string(), request.last.to_string()),
            ("2026-10-01".into(), "2026-10-31".into())
        );
        let last = reports(31, "06:00", "Asia/Jakarta");
        // February 2027 has 28 days: its report day is the 28th.
        assert_eq!(
            last.next_run(utc("2027-02-01T00:00:00Z")),
            utc("2027-02-27T23:00:00Z")
        );
        assert_eq!(first.audiences.len(), 1);
        assert!(first.audiences[0].is_administrator());
    }

    #[test]
    fn wrong_report_settings_say_what_to_write() {
        let config =
            |day: u32, audiences: Option<Vec<String>>| gerbang_ingest::config::ReportsConfig {
                out: "reports".into(),
                day_of_month: Some(day),
                at: None,
                zone: None,
                formats: Some(vec!["pdf".into(), "docx".into()]),
                lang: Some("fr".into()),
                audiences,
            };
        let err = ScheduledReports::from_config(&config(0, None)).unwrap_err();
        assert!(err.to_string().contains("1 to 31"), "{err}");
        let err = ScheduledReports::from_config(&config(1, None)).unwrap_err();
        assert!(err.to_string().contains("docx"), "{err}");
        let mut ok = config(1, Some(vec!["customs:leadership".into()]));
        ok.formats = None;
        ok.lang = Some("en".into());
        let job = ScheduledReports::from_config(&ok).unwrap();
        assert_eq!(job.audiences[0].agency, "customs");
        assert_eq!(job.formats.len(), 3);
    }

    #[tokio::test]
    async fn a_scheduled_run_writes_every_audiences_report_where_the_dashboard_lists_it() {
        let out = tempfile::tempdir().unwrap();
        let mut job = reports(1, "06:00", "Asia/Jakarta");
        job.out = out.path().to_string_lossy().into_owned();
        job.audiences
            .push(Principal::parse(SCHEDULED_USER, "customs:leadership").unwrap());
        let warehouse = Warehouse::from_tables(
            Vec::new(),
            gerbang_ingest::reference::PortRegistry::embedded(),
            gerbang_query::targets::MouTargets::embedded(),
        )
        .await
        .unwrap();
        let written = job.run_once(&warehouse, utc("2026-10-31T23:00:00Z")).await;
        assert_eq!(
            written.len(),
            4,
            "a PDF and a sidecar per audience: {written:?}"
        );
        let listed = gerbang_dashboard::report::list_reports(&job.out)
            .await
            .unwrap();
        assert_eq!(listed.len(), 2);
        assert!(
            listed
                .iter()
                .all(|l| l.record.request.period_slug() == "2026-10")
        );
        let customs = Principal::parse("siti", "customs:analyst").unwrap();
        assert_eq!(
            listed.iter().filter(|l| l.visible_to(&customs)).count(),
            1,
            "customs sees its own report, not the administrator's"
        );
    }
}
