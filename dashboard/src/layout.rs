//! The frame every page shares (head, language switch, footer) and the small views that
//! several pages use: target verdicts, chart figures, and the not-found and error pages.
//!
//! Pages are Leptos views rendered once to a `String` on the server: no hydration and no
//! script, so every page is complete HTML and every filter is a plain link.

use leptos::prelude::*;

use crate::charts::css_colour;
use crate::i18n::Lang;

/// What the frame of a page needs to know.
#[derive(Debug, Clone)]
pub struct PageContext {
    pub lang: Lang,
    /// The path of this page without its query, for the language switch.
    pub path: String,
    pub data_version: u64,
    pub targets_version: String,
}

impl PageContext {
    /// A link to `path` that keeps the page's language.
    pub fn link(&self, path: &str) -> String {
        link_in(self.lang, path)
    }
}

/// A link to `path` in `lang`.
pub fn link_in(lang: Lang, path: &str) -> String {
    format!("{path}?lang={}", lang.code())
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
    let page = view! {
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>{format!("{title} · Gerbang")}</title>
                <link rel="stylesheet" href="/static/gerbang.css" />
            </head>
            <body>
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
                                    href=link_in(other, &context.path)
                                    hreflang=other.code()
                                    lang=other.code()
                                >
                                    {other.endonym()}
                                </a>
                            </li>
                        </ul>
                    </nav>
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

/// Met, missed or not measured: shown by colour, by a mark and in words, so no reader has
/// to rely on colour alone.
pub fn verdict(lang: Lang, met: Option<bool>, target_text: String) -> AnyView {
    let labels = lang.labels();
    let (class, mark, word) = match met {
        Some(true) => ("verdict met", "✓", labels.met),
        Some(false) => ("verdict missed", "✗", labels.missed),
        None => ("verdict unknown", "–", labels.no_value),
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
