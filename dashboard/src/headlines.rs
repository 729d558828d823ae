//! The overview's figures from beyond Immigration clearance, per port, for the period and
//! the days just before it: enforcement cases, I-24/7 check health and data-exchange
//! latency.
//!
//! Each comes from its KPI view: enforcement from `kpi_enforcement_public_daily` (what
//! anyone without detail rights may see, so the overview never gives a suppressed count
//! back), I-24/7 from `kpi_i247_health_daily`, data exchange from
//! `kpi_exchange_latency_daily`. A period's figure adds up the view's daily counts; a share
//! is the period's count over the period's total, never a mean of daily shares. Like the
//! tiles' other figures, both periods come from one pass, grouped by a period label.

use std::collections::BTreeMap;

use crate::data::{self, Answer, NotShared, Period, Shared, Viewer};
use crate::error::Result;

/// The enforcement measures of the weekly headline `enforcement_hits`: refusals,
/// detentions, I-24/7 notice hits, customs seizures, quarantine isolations and police
/// incidents. Secondary referrals and quarantine referrals are routine steps and left out.
const ENFORCEMENT_MEASURES: &str =
    "'refusal', 'detention', 'notice_hit', 'seizure', 'isolation', 'incident'";

/// Enforcement cases over a period, as the public may see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Enforcement {
    /// The daily counts shown, added up.
    pub shown: i64,
    /// Daily counts of a measure that were hidden ('<5' or withheld): the total leaves
    /// them out.
    pub hidden: i64,
}

/// I-24/7 checks over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interpol {
    pub checks: i64,
    pub ok: i64,
    pub timeouts: i64,
}

impl Interpol {
    /// The share of checks answered OK; `None` without checks.
    pub fn share_ok(&self) -> Option<f64> {
        (self.checks > 0).then(|| self.ok as f64 / self.checks as f64)
    }
}

/// Messages between agency systems over a period, and how many routes (sender, receiver
/// and kind) met their MoU share within the latency target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exchange {
    pub messages: i64,
    pub within_target: i64,
    pub routes: i64,
    pub routes_met: i64,
}

impl Exchange {
    /// The share of messages that arrived within their route's target; `None` without
    /// messages.
    pub fn share_within(&self) -> Option<f64> {
        (self.messages > 0).then(|| self.within_target as f64 / self.messages as f64)
    }

    /// Met when every route met its MoU share over the period; `None` without messages.
    pub fn met(&self) -> Option<bool> {
        (self.messages > 0).then_some(self.routes_met == self.routes)
    }
}

/// One figure of a port over the period and the days before it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TwoPeriods<T> {
    pub current: Option<T>,
    pub previous: Option<T>,
}

/// The three figures of one port.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Headlines {
    pub enforcement: TwoPeriods<Enforcement>,
    pub interpol: TwoPeriods<Interpol>,
    pub exchange: TwoPeriods<Exchange>,
}

/// The headlines of every port that has any, and which of the three figures the user's
/// agency may not see.
#[derive(Debug, Clone, Default)]
pub struct PortHeadlines {
    pub by_port: BTreeMap<String, Headlines>,
    pub unshared: Unshared,
}

/// Which of the three figures' views are not shared with the user's agency, and why.
#[derive(Debug, Clone, Default)]
pub struct Unshared {
    pub enforcement: Option<NotShared>,
    pub interpol: Option<NotShared>,
    pub exchange: Option<NotShared>,
}

/// The figures of every port (or of `only` that one) that has any, by port code, as far
/// as the user's agency may see them.
pub async fn headlines(
    viewer: &Viewer,
    period: &Period,
    only: Option<&str>,
) -> Result<PortHeadlines> {
    let span = Span::new(period, only);
    let enforcement_sql = format!(
        "SELECT port, period,
                sum(CASE WHEN suppressed IS NULL THEN CAST(count_shown AS BIGINT) ELSE 0 END)
                    AS shown,
                sum(CASE WHEN suppressed IS NULL THEN 0 ELSE 1 END) AS hidden
         FROM (SELECT *, {label} AS period FROM kpi_enforcement_public_daily
               WHERE category = 'all' AND measure IN ({ENFORCEMENT_MEASURES})
                 AND {conditions})
         GROUP BY port, period",
        label = span.label,
        conditions = span.conditions,
    );
    let interpol_sql = format!(
        "SELECT port, period, sum(checks) AS checks, sum(checks_ok) AS ok,
                sum(timeouts) AS timeouts
         FROM (SELECT *, {label} AS period FROM kpi_i247_health_daily WHERE {conditions})
         GROUP BY port, period",
        label = span.label,
        conditions = span.conditions,
    );
    let exchange_sql = format!(
        "WITH routes AS (
            SELECT port, period, sum(messages) AS messages,
                   sum(within_target) AS within_target,
                   max(required_share) AS required_share
            FROM (SELECT *, {label} AS period FROM kpi_exchange_latency_daily
                  WHERE {conditions})
            GROUP BY port, period, sender, receiver, kind
        )
        SELECT port, period, sum(messages) AS messages,
               sum(within_target) AS within_target, count(*) AS routes,
               sum(CASE WHEN CAST(within_target AS DOUBLE) / messages >= required_share
                        THEN 1 ELSE 0 END) AS routes_met
        FROM routes GROUP BY port, period",
        label = span.label,
        conditions = span.conditions,
    );
    let (enforcement, interpol, exchange) = tokio::try_join!(
        async { data::shared(Answer::ask(viewer, &enforcement_sql).await) },
        async { data::shared(Answer::ask(viewer, &interpol_sql).await) },
        async { data::shared(Answer::ask(viewer, &exchange_sql).await) },
    )?;

    let mut by_port: BTreeMap<String, Headlines> = BTreeMap::new();
    let mut unshared = Unshared::default();
    if let Some(enforcement) = kept(enforcement, &mut unshared.enforcement) {
        let shown = enforcement.i64s("shown")?;
        let hidden = enforcement.i64s("hidden")?;
        for (i, (port, current)) in span.rows(&enforcement)?.into_iter().enumerate() {
            let value = Enforcement {
                shown: shown[i].unwrap_or(0),
                hidden: hidden[i].unwrap_or(0),
            };
            set(
                &mut by_port.entry(port).or_default().enforcement,
                current,
                value,
            );
        }
    }
    if let Some(interpol) = kept(interpol, &mut unshared.interpol) {
        let checks = interpol.i64s("checks")?;
        let ok = interpol.i64s("ok")?;
        let timeouts = interpol.i64s("timeouts")?;
        for (i, (port, current)) in span.rows(&interpol)?.into_iter().enumerate() {
            let value = Interpol {
                checks: checks[i].unwrap_or(0),
                ok: ok[i].unwrap_or(0),
                timeouts: timeouts[i].unwrap_or(0),
            };
            set(
                &mut by_port.entry(port).or_default().interpol,
                current,
                value,
            );
        }
    }
    if let Some(exchange) = kept(exchange, &mut unshared.exchange) {
        let messages = exchange.i64s("messages")?;
        let within = exchange.i64s("within_target")?;
        let routes = exchange.i64s("routes")?;
        let routes_met = exchange.i64s("routes_met")?;
        for (i, (port, current)) in span.rows(&exchange)?.into_iter().enumerate() {
            let value = Exchange {
                messages: messages[i].unwrap_or(0),
                within_target: within[i].unwrap_or(0),
                routes: routes[i].unwrap_or(0),
                routes_met: routes_met[i].unwrap_or(0),
            };
            set(
                &mut by_port.entry(port).or_default().exchange,
                current,
                value,
            );
        }
    }
    Ok(PortHeadlines { by_port, unshared })
}

/// The answer when it is shared; otherwise why not, kept in `unshared`.
fn kept(answer: Shared<Answer>, unshared: &mut Option<NotShared>) -> Option<Answer> {
    match answer {
        Ok(answer) => Some(answer),
        Err(not_shared) => {
            *unshared = Some(not_shared);
            None
        }
    }
}

fn set<T>(periods: &mut TwoPeriods<T>, current: bool, value: T) {
    if current {
        periods.current = Some(value);
    } else {
        periods.previous = Some(value);
    }
}

/// The period and the days before it, as SQL: a condition on `local_date` (and the port)
/// and a label that says which of the two a row is in.
struct Span {
    conditions: String,
    label: String,
}

impl Span {
    fn new(period: &Period, only: Option<&str>) -> Span {
        let both = Period {
            first: period.previous().first,
            last: period.last,
        };
        let mut conditions = format!(
            "{} AND port IN (SELECT port FROM ports WHERE NOT benchmark)",
            both.sql_condition("local_date")
        );
        if let Some(port) = only {
            conditions.push_str(&format!(" AND port = {}", crate::data::sql_text(port)));
        }
        Span {
            conditions,
            label: format!(
                "CASE WHEN local_date >= DATE '{}' THEN 'current' ELSE 'previous' END",
                period.first.format("%Y-%m-%d")
            ),
        }
    }

    /// Each row's port and whether it is of the current period.
    fn rows(&self, answer: &Answer) -> Result<Vec<(String, bool)>> {
        let ports = answer.strings("port")?;
        let periods = answer.strings("period")?;
        Ok(ports
            .into_iter()
            .zip(periods)
            .map(|(port, period)| {
                (
                    port.unwrap_or_default(),
                    period.as_deref() == Some("current"),
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_is_met_only_when_every_route_is_and_shares_are_over_the_period() {
        let exchange = Exchange {
            messages: 200,
            within_target: 190,
            routes: 3,
            routes_met: 2,
        };
        assert_eq!(exchange.share_within(), Some(0.95));
        assert_eq!(exchange.met(), Some(false));
        assert_eq!(
            Exchange {
                routes_met: 3,
                ..exchange
            }
            .met(),
            Some(true)
        );
        assert_eq!(Exchange::default().met(), None, "no messages, no verdict");
        let interpol = Interpol {
            checks: 8,
            ok: 6,
            timeouts: 1,
        };
        assert_eq!(interpol.share_ok(), Some(0.75));
        assert_eq!(Interpol::default().share_ok(), None);
    }
}
