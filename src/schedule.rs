//! The nightly ingest inside `gerbang serve`: at a local time of day, land what is new in
//! the inbox, archive it, and serve the new lake version without a restart.

use std::sync::Arc;

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use gerbang_ingest::lake::Lake;
use gerbang_ingest::run::{FileOutcome, IngestOptions, Progress, ingest};
use gerbang_query::Warehouse;

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
                        eprintln!("nightly ingest: the dashboard now serves lake version {version}")
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

/// The nightly job logs a summary, not progress.
fn no_progress(_: Progress<'_>) {}

fn no_rollup_progress(_: gerbang_query::rollup::RollupProgress<'_>) {}

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
}
