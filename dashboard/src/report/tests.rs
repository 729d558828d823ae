//! Tests of the MoU reports over lakes of generated nights: the summary against the KPI
//! views queried directly, the fingerprint over two runs and another night, what a
//! principal without rights to a dataset gets, and the structure of the PDF and XLSX.

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::OnceLock;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use gerbang_ingest::generate::{GenerateOptions, generate};
use gerbang_ingest::lake::Lake;
use gerbang_ingest::pseudonym::PseudonymKey;
use gerbang_ingest::reference::PortRegistry;
use gerbang_ingest::run::{IngestOptions, ingest};
use gerbang_query::Warehouse;
use gerbang_query::policy::{PolicySet, Principal};

use super::*;

const KEY: &str = "report-test-key-0123456789abcdef0123456789";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Generates `days` nights from `from` for `ports` (with a few faults, so that feed
/// health has something to say) and lands them in `lake` with their rollups, as
/// `gerbang ingest` does.
async fn land(lake: &Lake, inbox: &Path, from: &str, days: u32, ports: &[&str]) {
    generate(
        &GenerateOptions {
            out_dir: inbox.to_path_buf(),
            from: date(from),
            days,
            ports: ports.iter().map(|p| p.to_string()).collect(),
            seed: 7,
            scale: 0.02,
            faults: 0.002,
        },
        &PortRegistry::embedded(),
        &mut |_| {},
    )
    .unwrap();
    let options = IngestOptions::new(
        PortRegistry::embedded(),
        Some(PseudonymKey::new(KEY).unwrap()),
    );
    let report = ingest(&inbox.to_string_lossy(), lake, &options, &mut |_| {})
        .await
        .unwrap();
    gerbang_query::rollup::refresh_after_ingest(lake, report.version, &mut |_| {})
        .await
        .unwrap();
}

/// A week of three ports (Monday 5 to Sunday 11 October 2026), landed once for the
/// tests that only read it.
pub(crate) fn week_lake() -> &'static str {
    static LAKE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            // Its own runtime on its own thread: the tests' runtimes come and go.
            std::thread::spawn(|| {
                let runtime = tokio::runtime::Runtime::new().unwrap();
                runtime.block_on(async {
                    let dir = tempfile::tempdir().unwrap();
                    let lake_dir = dir.path().join("lake");
                    let lake = Lake::open(&lake_dir.to_string_lossy()).unwrap();
                    land(
                        &lake,
                        &dir.path().join("inbox"),
                        "2026-10-05",
                        7,
                        &["CGK", "DPS", "BTM"],
                    )
                    .await;
                    (dir, lake_dir.to_string_lossy().into_owned())
                })
            })
            .join()
            .unwrap()
        })
        .1
}

pub(crate) fn week(lang: Lang) -> Request {
    Request::between(date("2026-10-05"), date("2026-10-11"), lang)
        .unwrap()
        .with_ports("CGK,DPS,BTM")
        .unwrap()
}

fn administrator() -> Principal {
    Principal::parse("auditor", "gerbang:administrator").unwrap()
}

/// Every value of a query's first row as a number.
async fn numbers(warehouse: &Warehouse, sql: &str) -> Vec<Option<f64>> {
    let batches = warehouse.sql(sql).await.unwrap();
    values::rows(&batches).unwrap()[0]
        .iter()
        .map(values::Value::f64)
        .collect()
}

/// The expected value of every summary figure, each worked out by its own query of the
/// KPI view (shares as sums of the days' rows, added up here).
async fn expected_figures(warehouse: &Warehouse) -> Vec<(&'static str, &'static str, Option<f64>)> {
    let scope = "local_date >= DATE '2026-10-05' AND local_date <= DATE '2026-10-11' \
                 AND port IN ('BTM', 'CGK', 'DPS')";
    let mut expected = Vec::new();
    let mut add = |view: &'static str, keys: &[&'static str], values: Vec<Option<f64>>| {
        for (key, value) in keys.iter().zip(values) {
            expected.push((view, *key, value));
        }
    };
    add(
        "kpi_clearance_daily_rollup",
        &[
            "port_days",
            "port_days_met",
            "highest_daily_p90",
            "travellers",
        ],
        numbers(
            warehouse,
            &format!(
                "SELECT count(clearance_p90), count(*) FILTER (WHERE p90_met), max(clearance_p90), \
             sum(travellers) FROM kpi_clearance_daily_rollup WHERE {scope}"
            ),
        )
        .await,
    );
    add(
        "kpi_clearance_weekly_rollup",
        &["port_weeks", "port_weeks_met", "bottleneck_hours"],
        numbers(
            warehouse,
            "SELECT count(*), count(*) FILTER (WHERE bottleneck_hours_met), sum(bottleneck_hours) \
             FROM kpi_clearance_weekly_rollup WHERE week_start = DATE '2026-10-05' \
             AND port IN ('BTM', 'CGK', 'DPS') AND travellers > 0",
        )
        .await,
    );
    add(
        "kpi_bottleneck_episodes",
        &["episodes", "episode_hours", "longest_episode_hours"],
        numbers(
            warehouse,
            "SELECT count(*), sum(hours), max(hours) FROM kpi_bottleneck_episodes \
             WHERE terminal IS NULL AND local_start >= '2026-10-05' AND local_start < '2026-10-12' \
             AND port IN ('BTM', 'CGK', 'DPS')",
        )
        .await,
    );
    // Shares over the period: the days' counts added up here, divided here.
    let days = values::rows(
        &warehouse
            .sql(&format!(
                "SELECT within_target, travellers, met FROM kpi_service_level_daily \
                 WHERE {scope} AND travellers > 0"
            ))
            .await
            .unwrap(),
    )
    .unwrap();
    let within: f64 = days.iter().filter_map(|r| r[0].f64()).sum();
    let travellers: f64 = days.iter().filter_map(|r| r[1].f64()).sum();
    let met = days.iter().filter(|r| r[2].bool() == Some(true)).count() as f64;
    add(
        "kpi_service_level_daily",
        &["port_days", "port_days_met", "share_within_target"],
        vec![
            Some(days.len() as f64),
            Some(met),
            Some(within / travellers),
        ],
    );
    let days = values::rows(
        &warehouse
            .sql(&format!(
                "SELECT within_target, measured, met FROM kpi_service_level_by_agency_daily \
                 WHERE {scope} AND agency = 'customs' AND measured > 0"
            ))
            .await
            .unwrap(),
    )
    .unwrap();
    let within: f64 = days.iter().filter_map(|r| r[0].f64()).sum();
    let measured: f64 = days.iter().filter_map(|r| r[1].f64()).sum();
    let met = days.iter().filter(|r| r[2].bool() == Some(true)).count() as f64;
    add(
        "kpi_service_level_by_agency_daily",
        &["port_days", "port_days_met", "share_within_target"],
        vec![Some(days.len() as f64), Some(met), Some(within / measured)],
    );
    add(
        "kpi_throughput_hourly",
        &["travellers_processed", "travellers_cleared", "busiest_hour"],
        numbers(warehouse, &format!(
            "SELECT sum(travellers_processed), sum(travellers_cleared), max(travellers_processed) \
             FROM kpi_throughput_hourly WHERE {scope}"
        ))
        .await,
    );
    add(
        "kpi_stage_attribution_daily",
        &[
            "flights",
            "flights_attributed",
            "days_immigration_longer",
            "days_customs_longer",
        ],
        numbers(
            warehouse,
            &format!(
                "SELECT sum(flights), sum(flights_attributed), \
             count(*) FILTER (WHERE longer_stage = 'immigration'), \
             count(*) FILTER (WHERE longer_stage = 'customs') \
             FROM kpi_stage_attribution_daily WHERE {scope}"
            ),
        )
        .await,
    );
    let measures = [
        ("refusals", "refusal"),
        ("detentions", "detention"),
        ("notice_hits", "notice_hit"),
        ("secondary_referrals", "secondary_referral"),
        ("seizures", "seizure"),
        ("isolations", "isolation"),
        ("quarantine_referrals", "referral"),
        ("incidents", "incident"),
    ];
    for (key, measure) in measures {
        let value = numbers(
            warehouse,
            &format!(
                "SELECT coalesce(sum(\"count\"), 0) FROM kpi_enforcement_counts_daily \
             WHERE {scope} AND measure = '{measure}' AND category = 'all'"
            ),
        )
        .await;
        add("kpi_enforcement_counts_daily", &[key], value);
    }
    add(
        "kpi_customs_seizures_daily",
        &["seizures", "goods_value_idr"],
        numbers(warehouse, &format!(
            "SELECT sum(seizures), sum(goods_value_idr) FROM kpi_customs_seizures_daily WHERE {scope}"
        ))
        .await,
    );
    let days = values::rows(
        &warehouse
            .sql(&format!(
                "SELECT checks, checks_ok, timeouts, errors FROM kpi_i247_health_daily \
                 WHERE {scope} AND checks > 0"
            ))
            .await
            .unwrap(),
    )
    .unwrap();
    let sum = |i: usize| days.iter().filter_map(|r| r[i].f64()).sum::<f64>();
    add(
        "kpi_i247_health_daily",
        &["checks", "share_ok", "timeouts", "errors"],
        vec![
            Some(sum(0)),
            Some(sum(1) / sum(0)),
            Some(sum(2)),
            Some(sum(3)),
        ],
    );
    let days = values::rows(
        &warehouse
            .sql(&format!(
                "SELECT within_target, messages, met FROM kpi_exchange_latency_daily \
                 WHERE {scope} AND messages > 0"
            ))
            .await
            .unwrap(),
    )
    .unwrap();
    let within: f64 = days.iter().filter_map(|r| r[0].f64()).sum();
    let messages: f64 = days.iter().filter_map(|r| r[1].f64()).sum();
    let met = days.iter().filter(|r| r[2].bool() == Some(true)).count() as f64;
    add(
        "kpi_exchange_latency_daily",
        &[
            "route_days",
            "route_days_met",
            "messages",
            "share_within_target",
        ],
        vec![
            Some(days.len() as f64),
            Some(met),
            Some(messages),
            Some(within / messages),
        ],
    );
    add(
        "kpi_joint_operation_impact",
        &["operations", "lane_hours_lost", "operations_below_baseline"],
        numbers(warehouse, &format!(
            "SELECT count(*), sum(lane_hours_lost), count(*) FILTER (WHERE change_per_hour < 0) \
             FROM kpi_joint_operation_impact WHERE {scope}"
        ))
        .await,
    );
    add(
        "kpi_feed_health",
        &[
            "files",
            "files_late",
            "nights_missing",
            "rows_in",
            "rows_rejected",
        ],
        numbers(
            warehouse,
            "SELECT sum(files), sum(files_late), sum(nights_missing), sum(rows_in), \
             sum(rows_rejected) FROM kpi_feed_health WHERE port IN ('BTM', 'CGK', 'DPS')",
        )
        .await,
    );
    add(
        "kpi_national_arrivals",
        &["arrivals"],
        numbers(
            warehouse,
            "SELECT sum(arrivals) FROM kpi_national_arrivals WHERE port IN ('BTM', 'CGK', 'DPS') \
             AND month_start BETWEEN DATE '2026-10-01' AND DATE '2026-10-11'",
        )
        .await,
    );
    expected
}

#[tokio::test]
async fn every_summary_figure_equals_its_kpi_view_queried_directly() {
    let warehouse = Warehouse::open(week_lake()).await.unwrap();
    let report = build_for(&warehouse, &administrator(), &week(Lang::En))
        .await
        .unwrap();
    let expected = expected_figures(&warehouse).await;
    let mut checked = 0;
    for line in &report.summary {
        for figure in &line.figures {
            let (_, _, want) = expected
                .iter()
                .find(|(view, key, _)| *view == line.view && *key == figure.key)
                .unwrap_or_else(|| panic!("no expectation for {} {}", line.view, figure.key));
            match (figure.value, want) {
                (Some(got), Some(want)) => assert!(
                    (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                    "{} {}: the summary says {got}, the view {want}",
                    line.view,
                    figure.key
                ),
                (got, want) => assert_eq!(got, *want, "{} {}", line.view, figure.key),
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        expected.len(),
        "every KPI has its line: {:#?}",
        report.summary
    );
    // The week has data: the figures are not all empty.
    let travellers = report.summary_of("kpi_clearance_daily_rollup").unwrap();
    assert!(
        travellers.figures[3].value.unwrap() > 100.0,
        "{travellers:?}"
    );
    assert_eq!(
        report
            .summary_of("kpi_clearance_weekly_rollup")
            .unwrap()
            .figures[0]
            .value,
        Some(3.0)
    );
    // And the pages print the sentences made of those figures.
    let html = String::from_utf8(render(&report, Format::Html).unwrap()).unwrap();
    for line in &report.summary {
        let written = crate::charts::escape_xml(&line.result);
        assert!(html.contains(&written), "the page lacks '{written}'");
    }
}

#[tokio::test]
async fn the_fingerprint_is_stable_across_runs_and_changes_when_another_night_lands() {
    let dir = tempfile::tempdir().unwrap();
    let lake_dir = dir.path().join("lake").to_string_lossy().into_owned();
    let lake = Lake::open(&lake_dir).unwrap();
    land(
        &lake,
        &dir.path().join("inbox-1"),
        "2026-10-05",
        2,
        &["CGK"],
    )
    .await;
    let request = Request::between(date("2026-10-05"), date("2026-10-06"), Lang::En)
        .unwrap()
        .with_ports("CGK")
        .unwrap();
    let make = |request: Request| {
        let lake_dir = lake_dir.clone();
        async move {
            let warehouse = Warehouse::open(&lake_dir).await.unwrap();
            build_for(&warehouse, &administrator(), &request)
                .await
                .unwrap()
        }
    };
    let first = make(request.clone()).await;
    let second = make(request.clone()).await;
    assert_eq!(first.fingerprint, second.fingerprint);
    assert_eq!(first.summary, second.summary, "the same numbers");
    let tables = |r: &Report| {
        r.tables()
            .map(|(_, t)| format!("{:?}", t.rows))
            .collect::<Vec<_>>()
    };
    assert_eq!(tables(&first), tables(&second));
    assert_eq!(first.file_stem(), second.file_stem());
    let indonesian = make(request.clone().with_lang(Lang::Id)).await;
    assert_eq!(
        indonesian.fingerprint, first.fingerprint,
        "the language changes the words, not the numbers"
    );

    // Another night lands (after the period): the data the report rests on changed.
    land(
        &lake,
        &dir.path().join("inbox-2"),
        "2026-10-07",
        1,
        &["CGK"],
    )
    .await;
    let later = make(request).await;
    assert_ne!(later.fingerprint.hex, first.fingerprint.hex);
    assert_ne!(later.fingerprint.data, first.fingerprint.data);
    assert_eq!(later.fingerprint.definitions, first.fingerprint.definitions);
    assert_eq!(later.fingerprint.targets, first.fingerprint.targets);
    assert_eq!(later.fingerprint.request, first.fingerprint.request);
    assert_eq!(later.fingerprint.access, first.fingerprint.access);
    assert_eq!(later.provenance.runs.len(), 2);
    assert_eq!(
        later.summary_of("kpi_clearance_daily_rollup"),
        first.summary_of("kpi_clearance_daily_rollup"),
        "the period's own figures did not change"
    );
}

/// The policies of `data/policies/` with Customs granting nothing to anyone.
pub(crate) fn policies_without_customs_grants() -> PolicySet {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/policies");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = if name == "customs.toml" {
            "agency = \"customs\"\nversion = 2\ntables = [\"customs_inspections\"]\n".to_string()
        } else {
            std::fs::read_to_string(&path).unwrap()
        };
        files.push((name, text));
    }
    PolicySet::parse(files).unwrap()
}

/// The text shown on each page of a PDF: the strings of its content stream, in order.
fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let mut pages = Vec::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let body = &rest[start + 7..];
        let end = find(body, b"\nendstream").unwrap();
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&body[..end])
            .read_to_end(&mut inflated)
            .unwrap();
        pages.push(strings_of(&inflated));
        rest = &body[end + b"\nendstream".len()..];
    }
    pages
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The literal strings shown with `Tj`, joined by spaces.
fn strings_of(content: &[u8]) -> String {
    let mut text = String::new();
    let mut i = 0;
    while i < content.len() {
        if content[i] == b'(' {
            // A literal string: balanced parentheses may stand unescaped inside it.
            let mut s = Vec::new();
            let mut depth = 1;
            i += 1;
            while i < content.len() {
                match content[i] {
                    b'\\' if i + 1 < content.len() => i += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                s.push(content[i]);
                i += 1;
            }
            // WinAnsi bytes: Latin-1 is close enough for the assertions.
            text.extend(s.iter().map(|b| char::from(*b)));
            text.push(' ');
        }
        i += 1;
    }
    text
}

/// Every cell of every sheet of an XLSX file.
fn xlsx_cells(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

#[tokio::test]
async fn a_principal_without_rights_to_customs_data_gets_a_report_without_customs() {
    let open = Warehouse::open(week_lake()).await.unwrap();
    let full = build_for(&open, &administrator(), &week(Lang::En))
        .await
        .unwrap();
    let seizures = full.summary_of("kpi_customs_seizures_daily").unwrap();
    let goods_value = seizures.figures[1].value.unwrap();
    assert!(
        goods_value > 0.0,
        "the week has seizures to hide: {seizures:?}"
    );

    let restricted = Warehouse::open(week_lake())
        .await
        .unwrap()
        .with_policies(policies_without_customs_grants());
    let immigration = Principal::parse("rina", "immigration:leadership").unwrap();
    let report = build_for(&restricted, &immigration, &week(Lang::En))
        .await
        .unwrap();
    let customs_views = [
        "kpi_customs_seizures_daily",
        "kpi_service_level_by_agency_daily",
        "kpi_stage_attribution_daily",
        "kpi_enforcement_counts_daily",
        "kpi_enforcement_public_daily",
    ];
    for view in customs_views {
        assert!(
            report.summary_of(view).is_none(),
            "{view} is in the summary"
        );
        assert!(
            report
                .sections
                .iter()
                .all(|s| !s.sources.iter().any(|v| v == view)),
            "a section reads {view}"
        );
    }
    assert!(
        report
            .left_out
            .iter()
            .any(|l| l.title == "Customs seizures per day, by category"
                && l.reason.contains("customs_inspections")),
        "the report says what was left out and why: {:?}",
        report.left_out
    );
    // What Immigration may see is still there.
    assert!(report.summary_of("kpi_clearance_daily_rollup").is_some());
    assert!(report.sections.iter().any(|s| s.key == "clearance"));

    // None of the files holds a customs number or section.
    let value_text = Lang::En.number(goods_value, 0);
    let html = String::from_utf8(render(&report, Format::Html).unwrap()).unwrap();
    let pdf = pdf_pages(&render(&report, Format::Pdf).unwrap()).join(" ");
    for text in [&html, &pdf] {
        assert!(
            !text.contains(&value_text),
            "the goods value {value_text} is shown"
        );
        assert!(!text.contains("Customs service level"));
    }
    assert!(!html.contains(">Customs seizures<") && !html.contains("Customs seizures</h2>"));
    assert!(
        !pdf.contains("  Customs seizures"),
        "no section heading or contents line"
    );
    assert!(
        html.contains("Customs seizures per day, by category"),
        "the left-out list names it"
    );
    for (sheet, rows) in xlsx_cells(&render(&report, Format::Xlsx).unwrap()) {
        assert!(
            !sheet.contains("Customs seizures") && !sheet.contains("Seizures"),
            "{sheet}"
        );
        for cell in rows.iter().flatten() {
            assert_ne!(cell, &Data::Float(goods_value), "in sheet {sheet}");
        }
    }

    // Under the policies as shipped, Quarantine sees customs inspections only as hourly
    // counts: no seizure detail either, and the report says so in the policies' words.
    let quarantine = Principal::parse("dewi", "quarantine:analyst").unwrap();
    let report = build_for(&open, &quarantine, &week(Lang::Id))
        .await
        .unwrap();
    assert!(report.summary_of("kpi_customs_seizures_daily").is_none());
    assert!(
        report
            .left_out
            .iter()
            .any(|l| l.reason.contains("customs_inspections") && l.reason.contains("counts")),
        "{:?}",
        report.left_out
    );
}

#[tokio::test]
async fn the_pdf_numbers_every_page_and_repeats_a_long_tables_header() {
    let warehouse = Warehouse::open(week_lake()).await.unwrap();
    let mut report = build_for(&warehouse, &administrator(), &week(Lang::En))
        .await
        .unwrap();
    // A table far longer than a page, after the real ones.
    report.sections.push(Section {
        key: "long",
        number: 99,
        title: "A long table".into(),
        intro: "Many rows.".into(),
        sources: Vec::new(),
        blocks: vec![Block::Table(Table {
            key: "long".into(),
            caption: "Every row".into(),
            columns: vec![
                Column {
                    header: "Row label".into(),
                    unit: None,
                    kind: Kind::Text,
                },
                Column {
                    header: "Value".into(),
                    unit: Some("min".into()),
                    kind: Kind::Decimal(1),
                },
            ],
            rows: (0..150)
                .map(|i| {
                    vec![
                        Cell::Text(format!("row {i:03}")),
                        Cell::Number(f64::from(i) / 2.0),
                    ]
                })
                .collect(),
            empty: String::new(),
        })],
    });
    let pdf = render(&report, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pdf_pages(&pdf);
    let count = pages.len();
    assert!(count > 1, "{count} pages");
    assert_eq!(
        count,
        pdf.windows(b"/Type /Page\n".len())
            .filter(|w| w == b"/Type /Page\n")
            .count(),
        "one content stream per page"
    );
    for (index, text) in pages.iter().enumerate() {
        let wanted = format!("page {} of {count}", index + 1);
        assert!(
            text.contains(&wanted),
            "page {} lacks '{wanted}': {text}",
            index + 1
        );
    }
    assert!(pages[0].contains("MoU review report") && pages[0].contains("Fingerprint"));
    let with_rows: Vec<usize> = (0..count)
        .filter(|&i| pages[i].contains("Every row"))
        .collect();
    assert!(
        with_rows.len() >= 3,
        "150 rows take several pages: {with_rows:?}"
    );
    for (n, &page) in with_rows.iter().enumerate() {
        let text = &pages[page];
        assert!(
            text.contains("Row label") && text.contains("(min)"),
            "page {page}: {text}"
        );
        if n == 0 {
            assert!(text.contains("Every row") && !text.contains("Every row (continued)"));
        } else {
            assert!(
                text.contains("Every row (continued)"),
                "page {page}: {text}"
            );
        }
    }
    assert!(pages[with_rows[0]].contains("row 000"));
    assert!(pages[*with_rows.last().unwrap()].contains("row 149"));
    // Every summary verdict is a word next to its mark, not a colour alone.
    assert!(pages[1].contains("Missed") || pages[1].contains("Met"));
}

/// The files of a ZIP archive (an XLSX) by name, inflated.
fn zip_files(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at = |i: usize| {
        u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize
    };
    let end = bytes
        .windows(4)
        .rposition(|w| w == [0x50, 0x4b, 0x05, 0x06])
        .unwrap();
    let (entries, mut at) = (u16_at(end + 10), u32_at(end + 16));
    let mut files = Vec::new();
    for _ in 0..entries {
        let (method, size) = (u16_at(at + 10), u32_at(at + 20));
        let (name_len, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let local = u32_at(at + 42);
        let name = String::from_utf8_lossy(&bytes[at + 46..at + 46 + name_len]).into_owned();
        let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let raw = &bytes[data..data + size];
        let content = if method == 8 {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(raw)
                .read_to_end(&mut out)
                .unwrap();
            out
        } else {
            raw.to_vec()
        };
        files.push((name, content));
        at += 46 + name_len + extra + comment;
    }
    files
}

#[tokio::test]
async fn the_xlsx_annex_has_a_sheet_per_table_with_numbers_units_and_frozen_headers() {
    let warehouse = Warehouse::open(week_lake()).await.unwrap();
    let report = build_for(&warehouse, &administrator(), &week(Lang::Id))
        .await
        .unwrap();
    let bytes = render(&report, Format::Xlsx).unwrap();
    let sheets = xlsx_cells(&bytes);
    let tables: Vec<(&Section, &Table)> = report.tables().collect();
    assert_eq!(
        sheets.len(),
        2 + tables.len() + 2,
        "{:?}",
        sheets.iter().map(|s| &s.0).collect::<Vec<_>>()
    );
    assert_eq!(sheets[0].0, "Sampul");
    assert_eq!(sheets[1].0, "Ringkasan");
    assert!(
        sheets[0]
            .1
            .iter()
            .flatten()
            .any(|c| c == &Data::String(report.fingerprint.hex.clone()))
    );
    for ((name, rows), (section, table)) in sheets[2..].iter().zip(&tables) {
        assert!(name.starts_with(&section.number.to_string()), "{name}");
        let headers: Vec<String> = rows[1].iter().map(|c| c.to_string()).collect();
        for (header, column) in headers.iter().zip(&table.columns) {
            match &column.unit {
                Some(unit) => assert_eq!(header, &format!("{} ({unit})", column.header)),
                None => assert_eq!(header, &column.header),
            }
        }
        for (row, cells) in rows[2..].iter().zip(&table.rows) {
            for (got, cell) in row.iter().zip(cells) {
                match cell {
                    Cell::Number(value) => assert_eq!(got, &Data::Float(*value), "{name}"),
                    Cell::Text(text) => assert_eq!(got, &Data::String(text.clone()), "{name}"),
                    _ => {}
                }
            }
        }
    }
    // A figure of the summary is a number in its sheet.
    let travellers = report
        .summary_of("kpi_clearance_daily_rollup")
        .unwrap()
        .figures[3]
        .value
        .unwrap();
    assert!(
        sheets[1]
            .1
            .iter()
            .flatten()
            .any(|c| c == &Data::Float(travellers))
    );
    // Every sheet but the cover freezes its header rows.
    let files = zip_files(&bytes);
    let worksheets: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(name, _)| name.starts_with("xl/worksheets/sheet"))
        .collect();
    assert_eq!(worksheets.len(), sheets.len());
    let frozen = worksheets
        .iter()
        .filter(|(_, xml)| String::from_utf8_lossy(xml).contains("state=\"frozen\""))
        .count();
    assert_eq!(frozen, sheets.len() - 1);
}

#[tokio::test]
async fn written_reports_are_listed_with_their_request_and_can_be_made_again() {
    let warehouse = Warehouse::open(week_lake()).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().join("reports").to_string_lossy().into_owned();
    assert!(
        list_reports(&out_arg).await.unwrap().is_empty(),
        "no folder yet: no reports"
    );
    let customs = Principal::parse("siti", "customs:leadership").unwrap();
    let report = build_for(&warehouse, &customs, &week(Lang::En))
        .await
        .unwrap();
    let written = write(&out_arg, &report, &[Format::Html, Format::Pdf])
        .await
        .unwrap();
    assert_eq!(written.len(), 3, "{written:?}");
    assert!(
        written[2].ends_with(".request.json"),
        "the sidecar comes last"
    );
    let listed = list_reports(&out_arg).await.unwrap();
    assert_eq!(listed.len(), 1);
    let listing = &listed[0];
    assert_eq!(listing.record.fingerprint, report.fingerprint);
    assert_eq!(listing.files.len(), 2);
    assert!(listing.visible_to(&Principal::parse("ani", "customs:analyst").unwrap()));
    assert!(!listing.visible_to(&Principal::parse("rina", "immigration:leadership").unwrap()));
    let pdf = fetch_report(&out_arg, &listing.files[0].1).await.unwrap();
    assert_eq!(pdf.len() as u64, listing.files[0].2);
    assert!(fetch_report(&out_arg, "../secret.pdf").await.is_err());

    // The sidecar gives back the request and the principal: the same report again.
    let record = read_request(
        &String::from_utf8(
            fetch_report(&out_arg, &format!("{}.request.json", listing.record.name))
                .await
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let again = build_for(&warehouse, &record.principal().unwrap(), &record.request)
        .await
        .unwrap();
    assert_eq!(again.fingerprint, report.fingerprint);
    assert_eq!(again.summary, report.summary);
}
