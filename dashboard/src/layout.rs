//! The frame every page shares (head, navigation, language switch, footer) and the small
//! views that several pages use: target verdicts, chart figures, the filter form, and the
//! not-found and error pages.
//!
//! Pages are Leptos views rendered once to a `String` on the server: no hydration and no
//! script, so every page is complete HTML and every filter is a plain link or GET form.

use std::sync::LazyLock;

use gerbang_ingest::reference::PortRegistry;
use leptos::prelude::*;

use gerbang_query::policy::Principal;

use crate::charts::css_colour;
use crate::data::{NotShared, Period};
use crate::filters::{Choice, Filters, Param};
use crate::i18n::Lang;

/// The stylesheet every page links to.
pub const STYLESHEET: &str = include_str!("gerbang.css");

/// The address of the stylesheet, with a hash of its content so that a changed stylesheet
/// is never taken from a browser's cache. Worked out once: every response's tag names it.
pub fn stylesheet_href() -> &'static str {
    static HREF: LazyLock<String> = LazyLock::new(|| {
        format!(
            "/static/gerbang.css?v={:016x}",
            crate::cache::fnv1a(STYLESHEET.as_bytes())
        )
    });
    HREF.as_str()
}

/// Where the frame shows who is signed in. A drawn page is shared by every user who may
/// see the same (see [`crate::cache`]), so the server fills this in for each response
/// ([`account_html`]); page text is escaped and can never contain it.
pub const ACCOUNT_SLOT: &str = "<!--gerbang:account-->";

/// [`ACCOUNT_SLOT`] in meeting mode, where the page has no forms: who is signed in, without
/// the sign-out button ([`signed_in_html`]).
pub const MEETING_ACCOUNT_SLOT: &str = "<!--gerbang:account-meeting-->";

/// How often the meeting mode reloads itself, in seconds.
pub const MEETING_REFRESH_SECONDS: u32 = 300;

/// The sections of the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Agencies,
    Health,
    Benchmarks,
    Glossary,
    Console,
    Reports,
    /// A page outside the navigation (a port's page, not found, an error).
    Elsewhere,
}

impl Section {
    const LISTED: [Section; 7] = [
        Section::Overview,
        Section::Agencies,
        Section::Health,
        Section::Benchmarks,
        Section::Glossary,
        Section::Console,
        Section::Reports,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Section::Overview | Section::Elsewhere => "/",
            Section::Agencies => "/agencies",
            Section::Health => "/health",
            Section::Benchmarks => "/benchmarks",
            Section::Glossary => "/glossary",
            Section::Console => "/console",
            Section::Reports => "/reports",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        let labels = lang.labels();
        match self {
            Section::Overview | Section::Elsewhere => labels.nav_overview,
            Section::Agencies => labels.nav_agencies,
            Section::Health => labels.nav_health,
            Section::Benchmarks => labels.nav_benchmarks,
            Section::Glossary => labels.nav_glossary,
            Section::Console => labels.nav_console,
            Section::Reports => labels.nav_reports,
        }
    }
}

/// What the frame of a page needs to know.
#[derive(Debug, Clone)]
pub struct PageContext {
    pub lang: Lang,
    /// The path of this page without its query, for the language switch.
    pub path: String,
    /// The page's filters in canonical form (see [`Filters::canonical`]), which the
    /// language switch carries over.
    pub query: String,
    pub section: Section,
    /// Meeting mode: large type, no forms, and the page reloads itself.
    pub meeting: bool,
    pub data_version: u64,
    pub targets_version: String,
}

impl PageContext {
    /// A link to `path` that keeps the page's language.
    pub fn link(&self, path: &str) -> String {
        link_in(self.lang, path)
    }

    /// A link to `path` with the filters `query` (canonical, may be empty) in the page's
    /// language.
    pub fn link_with(&self, path: &str, query: &str) -> String {
        link_with_in(self.lang, path, query)
    }
}

/// A link to `path` in `lang`.
pub fn link_in(lang: Lang, path: &str) -> String {
    format!("{path}?lang={}", lang.code())
}

/// A link to `path` with the filters `query` in `lang`.
pub fn link_with_in(lang: Lang, path: &str, query: &str) -> String {
    if query.is_empty() {
        link_in(lang, path)
    } else {
        format!("{path}?{query}&lang={}", lang.code())
    }
}

/// A complete HTML document around `main`.
pub fn document(context: &PageContext, title: &str, main: AnyView) -> String {
    let lang = context.lang;
    let labels = lang.labels();
    let other = lang.other();
    let footer = format!(
        "{} v{} · {} {} · {}",
        labels.mou_targets,
        context.targets_version,
        labels.data_version,
        context.data_version,
        labels.local_time_note
    );
    let refresh = context.meeting.then(
        || view! { <meta http-equiv="refresh" content=MEETING_REFRESH_SECONDS.to_string() /> },
    );
    let body_class = if context.meeting { "meeting" } else { "" };
    let sections = Section::LISTED
        .into_iter()
        .map(|section| {
            let current = (section == context.section).then_some("page");
            view! {
                <li>
                    <a href=context.link(section.path()) aria-current=current>
                        {section.label(lang)}
                    </a>
                </li>
            }
        })
        .collect_view();
    let page = view! {
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                {refresh}
                <title>{format!("{title} · Gerbang")}</title>
                <link rel="stylesheet" href=stylesheet_href() />
            </head>
            <body class=body_class>
                <a class="skip-link" href="#main">
                    {labels.skip_to_content}
                </a>
                <header class="site-header">
                    <p class="brand">
                        <a href=context.link("/")>"Gerbang"</a>
                        <span class="tagline">{labels.site_tagline}</span>
                    </p>
                    <nav class="lang-switch" aria-label=labels.language_nav>
                        <ul>
                            <li>
                                <span class="current-lang" aria-current="true">
                                    {lang.endonym()}
                                </span>
                            </li>
                            <li>
                                <a
                                    href=link_with_in(other, &context.path, &context.query)
                                    hreflang=other.code()
                                    lang=other.code()
                                >
                                    {other.endonym()}
                                </a>
                            </li>
                        </ul>
                    </nav>
                    <nav class="site-nav" aria-label=labels.main_nav>
                        <ul>{sections}</ul>
                    </nav>
                    <div
                        class="account"
                        role="group"
                        aria-label=labels.account_nav
                        inner_html=if context.meeting { MEETING_ACCOUNT_SLOT } else { ACCOUNT_SLOT }
                    ></div>
                </header>
                <main id="main" tabindex="-1">
                    {main}
                </main>
                <footer class="site-footer">
                    <p>{footer}</p>
                </footer>
            </body>
        </html>
    };
    format!("<!DOCTYPE html>\n{}", page.to_html())
}

/// Who is signed in (user, agency, roles) and the sign-out button, for [`ACCOUNT_SLOT`].
pub fn account_html(lang: Lang, principal: &Principal) -> String {
    let labels = lang.labels();
    let sign_out = view! {
        <form method="post" action="/sign-out">
            <button type="submit">{labels.sign_out}</button>
        </form>
    };
    format!("{}{}", signed_in_html(lang, principal), sign_out.to_html())
}

/// Who is signed in, for [`MEETING_ACCOUNT_SLOT`].
pub fn signed_in_html(lang: Lang, principal: &Principal) -> String {
    let roles = principal.roles_text().replace(',', ", ");
    view! {
        <p class="signed-in">
            {format!("{} ", lang.labels().signed_in_as)}
            <strong translate="no">{principal.user.clone()}</strong>
            <span translate="no">{format!(" · {} · {roles}", principal.agency)}</span>
        </p>
    }
    .to_html()
}

/// What a section would show when the user's agency may not see the data behind it:
/// the notice, and which tables or views and why, in the policy engine's words.
pub fn not_shared_notice(lang: Lang, not_shared: &NotShared) -> AnyView {
    let labels = lang.labels();
    let reasons = not_shared
        .objects
        .iter()
        .map(|(name, why)| {
            view! {
                <li>
                    <code>{name.clone()}</code>
                    {format!(": {why}")}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="notice not-shared" role="note">
            <p>
                <strong>{labels.not_shared_title}</strong>
                {format!(" — {}", labels.not_shared_body)}
            </p>
            <details>
                <summary>{labels.not_shared_why}</summary>
                <ul lang="en">{reasons}</ul>
            </details>
        </div>
    }
    .into_any()
}

/// A section of a page (`id` and heading) whose data the user's agency may not see.
pub fn not_shared_section(
    lang: Lang,
    (id, title): (&'static str, &'static str),
    not_shared: &NotShared,
) -> AnyView {
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section aria-labelledby=labelled_by id=id>
            <h2 id=heading>{title}</h2>
            {not_shared_notice(lang, not_shared)}
        </section>
    }
    .into_any()
}

/// A page none of whose figures the user's agency may see.
pub fn not_shared_page(context: &PageContext, title: &str, not_shared: &NotShared) -> String {
    let main = view! {
        <h1>{title.to_string()}</h1>
        {not_shared_notice(context.lang, not_shared)}
    }
    .into_any();
    document(context, title, main)
}

/// Met, missed or not measured: shown by colour, by a mark and in words, so no reader has
/// to rely on colour alone.
pub fn verdict(lang: Lang, met: Option<bool>, target_text: String) -> AnyView {
    verdict_or(lang, met, target_text, lang.labels().no_value)
}

/// [`verdict`], saying `unknown` when there is no verdict.
pub fn verdict_or(
    lang: Lang,
    met: Option<bool>,
    target_text: String,
    unknown: &'static str,
) -> AnyView {
    let labels = lang.labels();
    let (class, mark, word) = match met {
        Some(true) => ("verdict met", "✓", labels.met),
        Some(false) => ("verdict missed", "✗", labels.missed),
        None => ("verdict unknown", "–", unknown),
    };
    view! {
        <span class=class>
            <span class="mark" aria-hidden="true">
                {mark}
            </span>
            <span class="verdict-word">{word}</span>
            <span class="target-text">{target_text}</span>
        </span>
    }
    .into_any()
}

/// "target ≤ 35 min" / "target ≤ 35 menit".
pub fn p90_target_text(lang: Lang, target_minutes: f64) -> String {
    let labels = lang.labels();
    format!(
        "{} ≤ {} {}",
        labels.target,
        lang.number_trimmed(target_minutes, 1),
        labels.minutes_unit
    )
}

/// "target ≤ 20 h per week" / "target ≤ 20 jam per minggu".
pub fn weekly_hours_target_text(lang: Lang, max_hours: i64) -> String {
    let labels = lang.labels();
    format!(
        "{} ≤ {} {} {}",
        labels.target,
        lang.count(max_hours),
        labels.hours_unit,
        labels.per_week
    )
}

/// One entry of a chart's HTML legend.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    pub label: String,
    /// Index into the chart palette; `None` for the black dashed reference line.
    pub colour: Option<usize>,
}

/// A drawn chart with its legend and its summary in words.
#[derive(Debug, Clone)]
pub struct ChartFigure {
    pub svg: String,
    pub legend: Vec<LegendEntry>,
    pub summary: String,
}

/// A chart legend as HTML: a line sample (colour, or black dashes for a reference line)
/// and the words for each entry.
pub fn legend_list(legend: Vec<LegendEntry>) -> Option<AnyView> {
    if legend.is_empty() {
        return None;
    }
    let entries = legend
        .into_iter()
        .map(|entry| {
            let (class, style) = match entry.colour {
                Some(index) => ("swatch", format!("border-top-color: {}", css_colour(index))),
                None => ("swatch reference", String::new()),
            };
            view! {
                <li>
                    <span class=class style=style aria-hidden="true"></span>
                    {entry.label}
                </li>
            }
        })
        .collect_view();
    Some(view! { <ul class="legend">{entries}</ul> }.into_any())
}

/// The figure that shows a chart: the SVG, the legend and the summary as a caption.
pub fn chart_figure(figure: ChartFigure) -> AnyView {
    view! {
        <figure class="chart">
            <div class="chart-frame" inner_html=figure.svg></div>
            {legend_list(figure.legend)}
            <figcaption>{figure.summary}</figcaption>
        </figure>
    }
    .into_any()
}

/// The page for an address that names no page or no known port.
pub fn not_found_page(context: &PageContext) -> String {
    let labels = context.lang.labels();
    let main = view! {
        <h1>{labels.not_found_title}</h1>
        <p>{labels.not_found_body}</p>
        <p>
            <a href=context.link("/")>{labels.back_to_overview}</a>
        </p>
    }
    .into_any();
    document(context, labels.not_found_title, main)
}

/// The page shown when a query behind a page failed.
pub fn error_page(context: &PageContext, details: &str) -> String {
    let labels = context.lang.labels();
    let main = view! {
        <h1>{labels.error_title}</h1>
        <p>{labels.error_body}</p>
        <h2>{labels.error_details}</h2>
        <pre class="error-details">{details.to_string()}</pre>
        <p>
            <a href=context.link("/")>{labels.back_to_overview}</a>
        </p>
    }
    .into_any();
    document(context, labels.error_title, main)
}

/// What a page's filter form offers and shows.
#[derive(Debug, Clone, Default)]
pub struct FilterForm {
    /// The parameters the page reads, in the order the form shows them.
    pub params: &'static [Param],
    pub filters: Filters,
    /// The period shown, so that the date fields show it even when it was not chosen.
    pub period: Option<Period>,
    /// `(code, name)` of the ports the port field offers.
    pub ports: Vec<(String, String)>,
    /// The terminals the terminal field offers.
    pub terminals: Vec<String>,
}

/// The filters as a GET form: every field labelled, the current choice selected, the
/// language kept in a hidden field, and a link that clears them all.
pub fn filter_form(context: &PageContext, form: FilterForm) -> AnyView {
    let lang = context.lang;
    let labels = lang.labels();
    let filters = &form.filters;
    let fields = form
        .params
        .iter()
        .filter_map(|param| match param {
            Param::Port => {
                let options = form
                    .ports
                    .iter()
                    .map(|(code, name)| {
                        let selected = filters.port.as_deref() == Some(code.as_str());
                        view! {
                            <option value=code.clone() selected=selected>
                                {format!("{name} ({code})")}
                            </option>
                        }
                    })
                    .collect_view();
                Some(
                    view! {
                        <div class="field">
                            <label for="f-port">{labels.filter_port}</label>
                            <select id="f-port" name="port">
                                <option value="">{labels.all_ports}</option>
                                {options}
                            </select>
                        </div>
                    }
                    .into_any(),
                )
            }
            Param::From | Param::To => {
                let (id, label, date) = if *param == Param::From {
                    ("f-from", labels.filter_from, form.period.map(|p| p.first))
                } else {
                    ("f-to", labels.filter_to, form.period.map(|p| p.last))
                };
                let value = date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                Some(
                    view! {
                        <div class="field">
                            <label for=id>{label}</label>
                            <input type="date" id=id name=param.name() value=value />
                        </div>
                    }
                    .into_any(),
                )
            }
            Param::Terminal => {
                let options = form
                    .terminals
                    .iter()
                    .map(|terminal| {
                        let selected = filters.terminal.as_deref() == Some(terminal.as_str());
                        view! {
                            <option value=terminal.clone() selected=selected>
                                {terminal.clone()}
                            </option>
                        }
                    })
                    .collect_view();
                Some(
                    view! {
                        <div class="field">
                            <label for="f-terminal">{labels.filter_terminal}</label>
                            <select id="f-terminal" name="terminal">
                                <option value="">{labels.all_terminals}</option>
                                {options}
                            </select>
                        </div>
                    }
                    .into_any(),
                )
            }
            Param::Lane | Param::Citizenship | Param::Direction => {
                let choice = Choice::ALL.into_iter().find(|c| c.param() == *param)?;
                let id = format!("f-{}", param.name());
                let options = choice
                    .values()
                    .iter()
                    .map(|value| {
                        let selected = filters.choice(choice) == Some(*value);
                        view! {
                            <option value=*value selected=selected>
                                {choice.value_label(lang, value)}
                            </option>
                        }
                    })
                    .collect_view();
                Some(
                    view! {
                        <div class="field">
                            <label for=id.clone()>{choice.label(lang)}</label>
                            <select id=id name=param.name()>
                                <option value="">{labels.all_values}</option>
                                {options}
                            </select>
                        </div>
                    }
                    .into_any(),
                )
            }
            Param::Mode => None,
        })
        .collect_view();
    view! {
        <form class="filters" method="get" action=context.path.clone() aria-label=labels.filters>
            <input type="hidden" name="lang" value=lang.code() />
            {fields}
            <div class="field actions">
                <button type="submit">{labels.apply_filters}</button>
                <a href=context.link(&context.path)>{labels.clear_filters}</a>
            </div>
        </form>
    }
    .into_any()
}

/// The traveller filters in force, in words ("Autogate · Foreigners · terminal T3"), or
/// `None` when every traveller is shown.
pub fn selection_summary(lang: Lang, filters: &Filters) -> Option<String> {
    let labels = lang.labels();
    let mut parts: Vec<String> = Choice::ALL
        .into_iter()
        .filter_map(|choice| {
            filters
                .choice(choice)
                .map(|value| choice.value_label(lang, value).to_string())
        })
        .collect();
    if let Some(terminal) = &filters.terminal {
        parts.push(format!("{} {terminal}", labels.terminal));
    }
    (!parts.is_empty()).then(|| format!("{}: {}", labels.showing, parts.join(" · ")))
}

/// The Indonesian ports of the registry as the port filter offers them, `(code, name)`,
/// by name.
pub fn national_ports(registry: &PortRegistry) -> Vec<(String, String)> {
    let mut ports: Vec<(String, String)> = registry
        .iter()
        .filter(|p| !p.benchmark)
        .map(|p| (p.code.clone(), p.name.clone()))
        .collect();
    ports.sort_by(|a, b| a.1.cmp(&b.1));
    ports
}

/// A yes-or-no state in colour, mark and words: `✓ on time` or `✗ late or missing`.
pub fn status(good: bool, yes: &'static str, no: &'static str) -> AnyView {
    let (class, mark, word) = if good {
        ("verdict met", "✓", yes)
    } else {
        ("verdict missed", "✗", no)
    };
    view! {
        <span class=class>
            <span class="mark" aria-hidden="true">
                {mark}
            </span>
            <span class="verdict-word">{word}</span>
        </span>
    }
    .into_any()
}
