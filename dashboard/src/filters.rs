//! The filters a visitor sets in the address: port, date range, terminal, lane kind,
//! citizen or foreigner, direction, and the overview's meeting mode.
//!
//! Filters travel as plain GET parameters (`?from=2026-10-14&lane=autogate`) so that any
//! view can be shared as a link and every form works without script. A page reads only the
//! parameters it offers ([`Param`]); values are checked against what they may be (a date,
//! a registered port, one of the known lane kinds) and anything else is ignored rather than
//! reaching SQL. What is left is written back in one canonical order: that string is part
//! of the page's cache key and `ETag`, so `?lane=autogate&from=…` and `?from=…&lane=autogate`
//! are the same page and a parameter the page does not read shares the page without it.

use chrono::{Days, NaiveDate};
use gerbang_ingest::reference::PortRegistry;

use crate::data::{Period, sql_text};
use crate::i18n::Lang;

/// The longest period a page reports on, in days: a quarter.
pub const MAX_DAYS: u64 = 92;

/// The longest terminal name the filter accepts.
const MAX_TERMINAL_CHARS: usize = 40;

/// One parameter a page may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Port,
    From,
    To,
    Terminal,
    Lane,
    Citizenship,
    Direction,
    Mode,
}

impl Param {
    /// The name of the parameter in the address.
    pub fn name(self) -> &'static str {
        match self {
            Param::Port => "port",
            Param::From => "from",
            Param::To => "to",
            Param::Terminal => "terminal",
            Param::Lane => "lane",
            Param::Citizenship => "citizenship",
            Param::Direction => "direction",
            Param::Mode => "mode",
        }
    }
}

/// The parameters of the overview.
pub const OVERVIEW_PARAMS: &[Param] = &[
    Param::Port,
    Param::From,
    Param::To,
    Param::Lane,
    Param::Citizenship,
    Param::Direction,
    Param::Mode,
];
/// The parameters of a port's page (the port is in the path).
pub const PORT_PARAMS: &[Param] = &[
    Param::From,
    Param::To,
    Param::Terminal,
    Param::Lane,
    Param::Citizenship,
    Param::Direction,
];
/// The parameters of the agency comparison and the benchmarks.
pub const PORT_AND_DATES: &[Param] = &[Param::Port, Param::From, Param::To];

/// A traveller-level choice: a column of `crossings` and the values it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Lane,
    Citizenship,
    Direction,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Lane, Choice::Citizenship, Choice::Direction];

    pub fn param(self) -> Param {
        match self {
            Choice::Lane => Param::Lane,
            Choice::Citizenship => Param::Citizenship,
            Choice::Direction => Param::Direction,
        }
    }

    /// The `crossings` column the choice filters.
    fn column(self) -> &'static str {
        match self {
            Choice::Lane => "lane_kind",
            Choice::Citizenship => "citizenship",
            Choice::Direction => "direction",
        }
    }

    /// The values the column holds (see the crossings schema).
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Choice::Lane => &["counter", "autogate"],
            Choice::Citizenship => &["citizen", "foreigner"],
            Choice::Direction => &["arrival", "departure"],
        }
    }

    /// What the choice is called on the form.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = lang.labels();
        match self {
            Choice::Lane => labels.filter_lane,
            Choice::Citizenship => labels.filter_citizenship,
            Choice::Direction => labels.filter_direction,
        }
    }

    /// The name of one value in `lang`.
    pub fn value_label(self, lang: Lang, value: &str) -> &'static str {
        let labels = lang.labels();
        match value {
            "counter" => labels.lane_counter,
            "autogate" => labels.lane_autogate,
            "citizen" => labels.citizen,
            "foreigner" => labels.foreigner,
            "arrival" => labels.arrival,
            "departure" => labels.departure,
            _ => labels.no_value,
        }
    }
}

/// The filters of one request, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// A registered port code, upper case.
    pub port: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub terminal: Option<String>,
    pub lane: Option<&'static str>,
    pub citizenship: Option<&'static str>,
    pub direction: Option<&'static str>,
    /// The overview's meeting mode: large type for a projector, refreshing itself.
    pub meeting: bool,
}

impl Filters {
    /// The filters of a query string, keeping only the parameters in `accepted` and only
    /// values they may take. A parameter given twice counts the first time.
    pub fn parse(query: Option<&str>, accepted: &[Param], ports: &PortRegistry) -> Filters {
        let mut filters = Filters::default();
        let mut seen: Vec<Param> = Vec::new();
        for (key, value) in query_pairs(query.unwrap_or_default()) {
            let Some(&param) = accepted.iter().find(|p| p.name() == key) else {
                continue;
            };
            if seen.contains(&param) {
                continue;
            }
            seen.push(param);
            let value = value.trim();
            match param {
                Param::Port => {
                    filters.port = ports
                        .get(&value.to_ascii_uppercase())
                        .map(|p| p.code.clone());
                }
                Param::From => filters.from = parse_date(value),
                Param::To => filters.to = parse_date(value),
                Param::Terminal => filters.terminal = checked_terminal(value),
                Param::Lane => filters.lane = known_value(Choice::Lane, value),
                Param::Citizenship => {
                    filters.citizenship = known_value(Choice::Citizenship, value);
                }
                Param::Direction => filters.direction = known_value(Choice::Direction, value),
                Param::Mode => filters.meeting = value == "meeting",
            }
        }
        filters
    }

    /// The value of a traveller-level choice.
    pub fn choice(&self, choice: Choice) -> Option<&'static str> {
        match choice {
            Choice::Lane => self.lane,
            Choice::Citizenship => self.citizenship,
            Choice::Direction => self.direction,
        }
    }

    /// The filters as a query string in canonical order, without `lang`: `""` when none
    /// is set. Equal filters give equal strings.
    pub fn canonical(&self) -> String {
        let date = |d: &Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let pairs = [
            (Param::Port, self.port.clone()),
            (Param::From, date(&self.from)),
            (Param::To, date(&self.to)),
            (Param::Terminal, self.terminal.clone()),
            (Param::Lane, self.lane.map(str::to_string)),
            (Param::Citizenship, self.citizenship.map(str::to_string)),
            (Param::Direction, self.direction.map(str::to_string)),
            (Param::Mode, self.meeting.then(|| "meeting".to_string())),
        ];
        pairs
            .into_iter()
            .filter_map(|(param, value)| {
                value.map(|v| format!("{}={}", param.name(), encode_component(&v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Whether every traveller of a port counts: no terminal, lane kind, citizenship or
    /// direction is chosen.
    pub fn selects_every_traveller(&self) -> bool {
        self.terminal.is_none() && !self.beyond_bottleneck_grain()
    }

    /// Whether a filter that bottleneck hours cannot follow is set: bottleneck hours are
    /// defined per port and terminal, never per lane kind, citizenship or direction.
    pub fn beyond_bottleneck_grain(&self) -> bool {
        self.lane.is_some() || self.citizenship.is_some() || self.direction.is_some()
    }

    /// `AND …` conditions on `crossings` columns for the traveller-level filters (terminal,
    /// lane kind, citizenship, direction), each column prefixed with `alias.` when given.
    pub fn crossing_conditions(&self, alias: Option<&str>) -> String {
        let column = |name: &str| match alias {
            Some(alias) => format!("{alias}.{name}"),
            None => name.to_string(),
        };
        let mut conditions = String::new();
        if let Some(terminal) = &self.terminal {
            conditions.push_str(&format!(
                " AND {} = {}",
                column("terminal"),
                sql_text(terminal)
            ));
        }
        for choice in Choice::ALL {
            if let Some(value) = self.choice(choice) {
                conditions.push_str(&format!(
                    " AND {} = {}",
                    column(choice.column()),
                    sql_text(value)
                ));
            }
        }
        conditions
    }

    /// The period the filters ask for, given the latest local date with data: `to`
    /// defaults to that date and `from` to a week before `to`; a reversed range is turned
    /// round and a range longer than [`MAX_DAYS`] keeps its last days.
    pub fn period(&self, latest: NaiveDate) -> Period {
        let week = Period::DAYS - 1;
        let (mut first, mut last) = match (self.from, self.to) {
            (Some(from), Some(to)) => (from, to),
            (Some(from), None) => (from, from.checked_add_days(Days::new(week)).unwrap_or(from)),
            (None, Some(to)) => (to.checked_sub_days(Days::new(week)).unwrap_or(to), to),
            (None, None) => (
                latest.checked_sub_days(Days::new(week)).unwrap_or(latest),
                latest,
            ),
        };
        if first > last {
            std::mem::swap(&mut first, &mut last);
        }
        let longest = MAX_DAYS - 1;
        if (last - first).num_days() > longest as i64 {
            first = last.checked_sub_days(Days::new(longest)).unwrap_or(first);
        }
        Period { first, last }
    }
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..2100).contains(&chrono::Datelike::year(d)))
}

/// A terminal name as the filter accepts it: letters, digits, spaces and a few marks.
fn checked_terminal(value: &str) -> Option<String> {
    let fits = !value.is_empty()
        && value.chars().count() <= MAX_TERMINAL_CHARS
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || " -_().".contains(c));
    fits.then(|| value.to_string())
}

fn known_value(choice: Choice, value: &str) -> Option<&'static str> {
    choice.values().iter().copied().find(|v| *v == value)
}

/// The `key=value` pairs of a query string, percent-decoded (`+` is a space).
pub fn query_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode_component(key), decode_component(value))
    })
}

/// Decodes `application/x-www-form-urlencoded` text; a malformed escape is kept as it is.
fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a query value: unreserved characters stay, a space is `+`, the rest `%XX`.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a valid date")
    }

    #[test]
    fn dates_and_the_meeting_mode_keep_every_traveller_and_any_traveller_filter_does_not() {
        let ports = PortRegistry::embedded();
        let every = [
            Param::From,
            Param::To,
            Param::Mode,
            Param::Terminal,
            Param::Lane,
            Param::Citizenship,
            Param::Direction,
        ];
        let parse = |query: &str| Filters::parse(Some(query), &every, &ports);
        let dates = parse("from=2026-10-01&to=2026-10-20&mode=meeting");
        assert!(dates.meeting && dates.from.is_some() && dates.to.is_some());
        assert!(dates.selects_every_traveller());
        for chosen in [
            "terminal=T3",
            "lane=autogate",
            "citizenship=citizen",
            "direction=arrival",
        ] {
            assert!(!parse(chosen).selects_every_traveller(), "{chosen}");
        }
    }

    #[test]
    fn only_accepted_parameters_with_valid_values_are_kept_in_one_order() {
        let ports = PortRegistry::embedded();
        let filters = Filters::parse(
            Some(
                "lane=autogate&utm_source=mail&from=2026-10-01&port=cgk&direction=sideways&lang=id&terminal=Terminal+4%20(IAT)",
            ),
            PORT_PARAMS,
            &ports,
        );
        assert_eq!(filters.lane, Some("autogate"));
        assert_eq!(filters.from, Some(date("2026-10-01")));
        assert_eq!(
            filters.port, None,
            "a port page takes its port from the path"
        );
        assert_eq!(filters.direction, None, "an unknown direction is ignored");
        assert_eq!(filters.terminal.as_deref(), Some("Terminal 4 (IAT)"));
        assert_eq!(
            filters.canonical(),
            "from=2026-10-01&terminal=Terminal+4+%28IAT%29&lane=autogate"
        );
        let overview = Filters::parse(
            Some("port=dps&port=CGK&mode=meeting&terminal=T3"),
            OVERVIEW_PARAMS,
            &ports,
        );
        assert_eq!(
            overview.port.as_deref(),
            Some("DPS"),
            "the first one counts"
        );
        assert!(overview.meeting);
        assert_eq!(overview.terminal, None);
        assert_eq!(overview.canonical(), "port=DPS&mode=meeting");
        assert_eq!(Filters::default().canonical(), "");
    }

    #[test]
    fn values_that_could_reach_sql_are_refused_or_quoted() {
        let ports = PortRegistry::embedded();
        let hostile = Filters::parse(
            Some("terminal=T1'%20OR%20'1'='1&port=CGK'--&from=2026-13-40"),
            &[Param::Terminal, Param::Port, Param::From],
            &ports,
        );
        assert_eq!(hostile, Filters::default());
        let quoted = Filters {
            terminal: Some("T3".into()),
            citizenship: Some("foreigner"),
            ..Filters::default()
        };
        assert_eq!(
            quoted.crossing_conditions(Some("t")),
            " AND t.terminal = 'T3' AND t.citizenship = 'foreigner'"
        );
    }

    #[test]
    fn the_period_defaults_to_the_last_week_and_is_bounded() {
        let latest = date("2026-10-20");
        let none = Filters::default().period(latest);
        assert_eq!((none.first, none.last), (date("2026-10-14"), latest));
        let reversed = Filters {
            from: Some(date("2026-10-10")),
            to: Some(date("2026-10-01")),
            ..Filters::default()
        }
        .period(latest);
        assert_eq!(
            (reversed.first, reversed.last),
            (date("2026-10-01"), date("2026-10-10"))
        );
        let from_only = Filters {
            from: Some(date("2026-09-01")),
            ..Filters::default()
        }
        .period(latest);
        assert_eq!(from_only.last, date("2026-09-07"));
        let long = Filters {
            from: Some(date("2025-01-01")),
            to: Some(latest),
            ..Filters::default()
        }
        .period(latest);
        assert_eq!(long.dates().len(), MAX_DAYS as usize);
        assert_eq!(long.last, latest);
    }
}
