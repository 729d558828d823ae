//! The shared pages as the leadership of each of the five agencies at a port sees them.
//!
//! Immigration grants its clearance KPIs, and the rollups they are made of, to every
//! agency (`to = ["*"]` in `data/policies/immigration.toml`), so every agency's leadership
//! must see the same clearance figures on the overview and a port's page as Immigration's
//! own, with no "not shared" notice in their place; only what an agency is truly not
//! granted shows the notice, with its reason.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use gerbang_query::accounts::{Accounts, token_hash};

use super::{
    figure_text, get, policy_day, port_sections_tables, tile, token, warehouse, week_fixture,
};
use crate::SignIn;
use crate::cache::PageCache;
use crate::server::{PolicyDay, router_with_cache};

/// The leadership account of each agency at a port, Immigration first.
const LEADERS: [(&str, &str); 5] = [
    ("immigration-head", "immigration"),
    ("customs-head", "customs"),
    ("police-head", "police"),
    ("quarantine-head", "quarantine"),
    ("authority-head", "authority"),
];

/// The dashboard over `tables` for the five leadership accounts (API tokens as
/// [`token`]), under the policies in force on [`policy_day`].
async fn leaders_router(
    tables: Vec<(String, Vec<datafusion::arrow::array::RecordBatch>)>,
) -> Router {
    let mut text = String::new();
    for (name, agency) in LEADERS {
        text.push_str(&format!(
            "[[user]]\nname = \"{name}\"\nagency = \"{agency}\"\nroles = [\"leadership\"]\n\
             tokens = [\"{}\"]\n",
            token_hash(&token(name))
        ));
    }
    let accounts = Accounts::parse(&text, "leaders").expect("the accounts parse");
    router_with_cache(
        Arc::new(warehouse(tables).await),
        SignIn::new(Arc::new(accounts)),
        Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY)),
        PolicyDay::Fixed(policy_day()),
    )
}

async fn page_as(app: &Router, uri: &str, name: &str) -> String {
    let bearer = format!("Bearer {}", token(name));
    let page = get(app.clone(), uri, &[("authorization", &bearer)]).await;
    assert_eq!(page.status, StatusCode::OK, "{name}: {}", page.body);
    assert!(
        page.body
            .contains(&format!(" · {} · leadership", agency_of(name))),
        "{name} is signed in: {}",
        page.body
    );
    page.body
}

fn agency_of(name: &str) -> &'static str {
    LEADERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, agency)| *agency)
        .expect("a leader")
}

/// The HTML of the section `id` of a page, up to the end of that section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    page.split(&format!("id=\"{id}\""))
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("no section {id} in {page}"))
}

#[tokio::test]
async fn every_agencys_leadership_sees_the_granted_clearance_figures_on_the_overview() {
    let tables = vec![(
        "crossings".to_string(),
        vec![super::crossings(&week_fixture())],
    )];
    let app = leaders_router(tables).await;
    let mut seen = Vec::new();
    for (name, _) in LEADERS {
        let body = page_as(&app, "/?lang=en", name).await;
        let cgk = tile(&body, "CGK");
        let dps = tile(&body, "DPS");
        // The figures of the week fixture (see `week_fixture`): CGK 10 travellers, p90
        // 45.5 min against 35 (missed), one bottleneck hour; DPS 4 travellers, p90 15.4.
        let figures: Vec<String> = [cgk, dps]
            .iter()
            .flat_map(|t| {
                ["Travellers", "Clearance time p90", "Bottleneck hours"]
                    .map(|label| figure_text(t, label))
            })
            .collect();
        assert!(figures[0].starts_with("10"), "{name}: {figures:?}");
        assert!(figures[1].starts_with("45.5 min"), "{name}: {figures:?}");
        assert!(figures[1].contains("missed"), "{name}: {figures:?}");
        assert!(figures[2].starts_with("1 h"), "{name}: {figures:?}");
        assert!(figures[3].starts_with('4'), "{name}: {figures:?}");
        assert!(figures[4].starts_with("15.4 min"), "{name}: {figures:?}");
        for figure in &figures {
            assert!(!figure.contains("Not shared"), "{name}: {figure}");
        }
        // The chart of the busiest ports' hourly p90 is drawn for everyone.
        assert!(
            body.contains("CGK: highest 45.5 min"),
            "{name}: the hourly chart: {body}"
        );
        seen.push((name, figures));
    }
    let (_, immigration) = &seen[0];
    for (name, figures) in &seen[1..] {
        assert_eq!(figures, immigration, "{name} sees Immigration's figures");
    }
}

#[tokio::test]
async fn what_an_agency_is_not_granted_still_shows_the_notice_with_its_reason() {
    let tables = vec![(
        "crossings".to_string(),
        vec![super::crossings(&week_fixture())],
    )];
    let app = leaders_router(tables).await;
    // I-24/7 check health is Immigration's, granted to the police only.
    for name in ["customs-head", "quarantine-head", "authority-head"] {
        let body = page_as(&app, "/?lang=en", name).await;
        let cgk = tile(&body, "CGK");
        let interpol = figure_text(cgk, "I-24/7 checks answered OK");
        assert!(
            interpol.contains("Not shared with your agency")
                && interpol.contains("kpi_i247_health_daily"),
            "{name}: {interpol}"
        );
    }
    for name in ["immigration-head", "police-head"] {
        let body = page_as(&app, "/?lang=en", name).await;
        let interpol = figure_text(tile(&body, "CGK"), "I-24/7 checks answered OK");
        assert!(!interpol.contains("Not shared"), "{name}: {interpol}");
    }
}

#[tokio::test]
async fn every_agencys_leadership_sees_a_ports_granted_sections_as_immigration_does() {
    let app = leaders_router(port_sections_tables()).await;
    let immigration = page_as(&app, "/port/CGK?lang=en", "immigration-head").await;
    assert!(!immigration.contains("Not shared with your agency"));
    // The daily table of Tuesday 20 October (see `port_page_shows_days_and_episodes_in_local_time`):
    // 10 travellers, p50 27.5, p90 45.5 (missed), p95 47.75 shown as 47.7.
    let day_rows = |page: &str| super::table_rows(section(page, "days"), "<table>");
    let immigration_days = day_rows(&immigration);
    assert!(
        immigration_days.iter().any(|row| row
            .starts_with("Tuesday 20 October 2026 10 27.5 ✗ 45.5")
            && row.contains("47.7 1")),
        "{immigration_days:?}"
    );
    for (name, _) in &LEADERS[1..] {
        let body = page_as(&app, "/port/CGK?lang=en", name).await;
        // Queue waits and bottleneck hours, episodes, stage attribution and joint
        // operations are the very sections Immigration's leadership sees.
        for id in ["waits", "episodes", "stages", "joint"] {
            assert_eq!(
                section(&body, id),
                section(&immigration, id),
                "{name}: section {id}"
            );
        }
        // The daily percentiles: the same figures, read from the granted histograms.
        assert_eq!(day_rows(&body), immigration_days, "{name}: the days");
        assert!(!section(&body, "days").contains("Not shared"), "{name}");
        // The hourly p90 over every traveller is kpi_clearance_hourly itself.
        assert_eq!(
            section(&body, "hourly"),
            section(&immigration, "hourly"),
            "{name}: the hourly chart"
        );
        assert!(
            body.contains("read from one-minute wait histograms"),
            "{name}"
        );
        let throughput = section(&body, "throughput");
        assert!(
            !throughput.contains("Not shared")
                || throughput.contains("kpi_throughput_staffed_hourly"),
            "{name}: {throughput}"
        );
    }
}

#[tokio::test]
async fn throughput_per_lane_shows_where_the_staffed_counters_are_not_shared() {
    let app = leaders_router(port_sections_tables()).await;
    let immigration = page_as(&app, "/port/CGK?lang=en", "immigration-head").await;
    let rows = |page: &str| {
        super::table_rows(section(page, "throughput"), "<table>")
            .into_iter()
            .map(|row| row.split(' ').take(6).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
    };
    let immigration_rows = rows(&immigration);
    assert!(!immigration_rows.is_empty());
    // Arrivals per staffed counter reads Immigration's crossings and the authority's
    // flights; neither grants it, and the police and Health Quarantine see the crossings
    // only as counts, so they cannot make it again: the notice says so, the figures per
    // lane in use (kpi_throughput_hourly, granted to every agency) still show.
    for name in ["police-head", "quarantine-head"] {
        let body = page_as(&app, "/port/CGK?lang=en", name).await;
        let throughput = section(&body, "throughput");
        assert!(
            throughput.contains("Not shared with your agency")
                && throughput.contains("kpi_throughput_staffed_hourly"),
            "{name}: {throughput}"
        );
        assert_eq!(rows(&body), immigration_rows, "{name}: per lane in use");
    }
}
