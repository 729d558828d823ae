//! The report as one self-contained HTML page: inline CSS and inline SVG charts, nothing
//! fetched, print-friendly (A4, table headers repeated on every printed page, each
//! section on a new page).

use std::fmt::Write as _;

use super::model::*;
use super::text::Words;
use super::{ReportError, cell_text, charts, fingerprint_table, runs_table, summary_table};
use crate::charts::escape_xml as escape;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 2rem auto; max-width: 62rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.9rem; margin: 0 0 .2rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .4rem; border-bottom: 2px solid #1a1a1a; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.4rem 0 .3rem; }
.subtitle, .note, .source, figcaption { color: #555; }
.note, .source { font-size: .85rem; }
dl.cover { display: grid; grid-template-columns: 12rem 1fr; gap: .25rem 1rem; border-top: 2px solid #1a1a1a; padding-top: .8rem; }
dl.cover dt { font-weight: bold; }
dl.cover dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .82rem; margin: .3rem 0 1.2rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th { background: #ddd; text-align: left; vertical-align: bottom; padding: .25rem .4rem; border-bottom: 1px solid #444; }
td { padding: .2rem .4rem; vertical-align: top; border-bottom: 1px solid #e4e4e4; }
tbody tr:nth-child(even) td { background: #f4f4f4; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.met { color: #006b38; }
.missed { color: #b81a1a; font-weight: bold; }
.other { color: #555; }
figure { margin: 1rem 0 1.4rem; }
figure svg { width: 100%; height: auto; }
.unit { font-weight: normal; color: #444; }
section { break-before: page; }
footer { margin-top: 3rem; font-size: .8rem; color: #555; border-top: 1px solid #999; padding-top: .5rem; }
@page { size: A4; margin: 16mm 14mm; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
"#;

pub fn render(report: &Report) -> Result<String, ReportError> {
    let w = Words::of(report.request.lang);
    let lang = report.request.lang;
    let mut page = String::new();
    let title = format!("{} · {}", report.title, report.period_text);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"gerbang report mou\">\n\
         <meta name=\"fingerprint\" content=\"{}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.code(),
        report.fingerprint.hex,
        escape(&title)
    );
    let _ = write!(
        page,
        "<header>\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n<p><strong>{}</strong></p>\n<dl class=\"cover\">\n",
        escape(&report.title),
        escape(w.subtitle),
        escape(&report.period_text)
    );
    for (label, value) in &report.cover {
        let _ = writeln!(page, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
    }
    let _ = write!(
        page,
        "</dl>\n<p class=\"note\">{}</p>\n<nav><h3>{}</h3><ol>\n<li><a href=\"#summary\">{}</a></li>\n",
        escape(w.cover_note),
        escape(w.contents),
        escape(w.summary_title)
    );
    for section in &report.sections {
        let _ = writeln!(
            page,
            "<li value=\"{}\"><a href=\"#{}\">{}</a></li>",
            section.number,
            section.key,
            escape(&section.title)
        );
    }
    let _ = write!(
        page,
        "</ol><p><a href=\"#definitions\">{}</a> · <a href=\"#provenance\">{}</a></p></nav>\n</header>\n",
        escape(w.definitions_title),
        escape(w.provenance_title)
    );

    let _ = write!(
        page,
        "<section id=\"summary\">\n<h2>1 {}</h2>\n<p class=\"note\">{}</p>\n",
        escape(w.summary_title),
        escape(w.summary_intro)
    );
    table(&mut page, &summary_table(report, w), report, w);
    let _ = writeln!(page, "<h3>{}</h3>", escape(w.left_out_title));
    if report.left_out.is_empty() {
        let _ = writeln!(page, "<p>{}</p>", escape(w.left_out_none));
    } else {
        let _ = writeln!(
            page,
            "<p class=\"note\">{}</p><ul>",
            escape(w.left_out_intro)
        );
        for item in &report.left_out {
            let _ = writeln!(
                page,
                "<li><strong>{}</strong>: {}</li>",
                escape(&item.title),
                escape(&item.reason)
            );
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</section>\n");

    for section in &report.sections {
        let _ = write!(
            page,
            "<section id=\"{}\">\n<h2>{} {}</h2>\n<p>{}</p>\n<p class=\"source\">{}: {}</p>\n",
            section.key,
            section.number,
            escape(&section.title),
            escape(&section.intro),
            escape(w.source),
            escape(&section.sources.join(", "))
        );
        for block in &section.blocks {
            match block {
                Block::Paragraph(text) => {
                    let _ = writeln!(page, "<p class=\"note\">{}</p>", escape(text));
                }
                Block::Table(t) => table(&mut page, t, report, w),
                Block::Chart(chart) => {
                    let svg = charts::svg(chart, lang).map_err(ReportError::Render)?;
                    let svg = svg.trim_start().replacen(
                        "<svg ",
                        &format!(
                            "<svg role=\"img\" aria-labelledby=\"{0}-title\" ",
                            escape(&chart.id)
                        ),
                        1,
                    );
                    let svg = match svg.find('>') {
                        Some(end) => format!(
                            "{}<title id=\"{}-title\">{}</title>{}",
                            &svg[..=end],
                            escape(&chart.id),
                            escape(&chart.summary),
                            &svg[end + 1..]
                        ),
                        None => svg,
                    };
                    let _ = write!(
                        page,
                        "<figure>\n<h3>{}</h3>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
                        escape(&chart.title),
                        escape(&chart.summary)
                    );
                }
            }
        }
        page.push_str("</section>\n");
    }

    let _ = write!(
        page,
        "<section id=\"definitions\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        escape(w.definitions_title),
        escape(w.definitions_note)
    );
    for d in &report.definitions {
        let _ = write!(
            page,
            "<h3>{} <span class=\"unit\">({})</span></h3>\n<p class=\"note\">{}: {} · {}: {} · {}: {} · {}: {}</p>\n<p>{}</p>\n",
            escape(&d.title),
            escape(&d.view),
            escape(w.unit),
            escape(&d.unit),
            escape(w.grain),
            escape(&d.grain),
            escape(w.owner),
            escape(&d.owner),
            escape(w.target),
            escape(&d.target),
            escape(&d.definition)
        );
    }
    page.push_str("</section>\n");
    let _ = write!(
        page,
        "<section id=\"provenance\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        escape(w.provenance_title),
        escape(w.provenance_intro)
    );
    let (runs, _) = runs_table(report, w, usize::MAX);
    table(&mut page, &runs, report, w);
    table(&mut page, &fingerprint_table(report, w), report, w);
    let _ = write!(
        page,
        "<p class=\"note\">{}</p>\n</section>\n<footer>Gerbang · {}: {}</footer>\n</body>\n</html>\n",
        escape(w.regenerate),
        escape(w.fingerprint_label),
        report.fingerprint.hex
    );
    Ok(page)
}

fn table(page: &mut String, table: &Table, report: &Report, w: &Words) {
    let lang = report.request.lang;
    let _ = write!(
        page,
        "<table id=\"table-{}\">\n<caption>{}</caption>\n<thead><tr>",
        escape(&table.key),
        escape(&table.caption)
    );
    for column in &table.columns {
        let class = if column.kind.is_numeric() {
            " class=\"num\""
        } else {
            ""
        };
        let unit = column
            .unit
            .as_ref()
            .map(|u| format!(" <span class=\"unit\">({})</span>", escape(u)))
            .unwrap_or_default();
        let _ = write!(
            page,
            "<th scope=\"col\"{class}>{}{unit}</th>",
            escape(&column.header)
        );
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    if table.rows.is_empty() {
        let _ = writeln!(
            page,
            "<tr><td colspan=\"{}\">{}</td></tr>",
            table.columns.len(),
            escape(&table.empty)
        );
    }
    for row in &table.rows {
        page.push_str("<tr>");
        for (cell, column) in row.iter().zip(&table.columns) {
            let text = escape(&cell_text(cell, column.kind, lang, w));
            let class = match cell {
                Cell::Verdict(Verdict::Met) => " class=\"met\"",
                Cell::Verdict(Verdict::Missed) => " class=\"missed\"",
                Cell::Verdict(_) => " class=\"other\"",
                _ if column.kind.is_numeric() => " class=\"num\"",
                _ => "",
            };
            let _ = write!(page, "<td{class}>{text}</td>");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n");
}
