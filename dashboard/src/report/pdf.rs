//! The report as a PDF for signing, written natively: A4 portrait, a running header with
//! the report's title and period, "page N of M" on every page, tables that break across
//! pages with their header row repeated, and charts as vector paths.
//!
//! Layout is a single pass down the page with a cursor; it runs twice so that the
//! contents on the cover can give each section's page (the second pass lays out the same
//! lines, only with the page numbers filled in).

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};
use plotters::prelude::IntoDrawingArea;

use super::charts;
use super::fonts::{self, Face};
use super::model::*;
use super::pdf_backend::PdfBackend;
use super::text::Words;
use super::{ReportError, cell_text, fingerprint_table, runs_table, summary_table};
use crate::i18n::Lang;

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_WIDTH - 50.0;
const WIDTH: f32 = RIGHT - LEFT;
/// The top of the text area, under the running header.
const TOP: f32 = PAGE_HEIGHT - 62.0;
/// The bottom of the text area, above the footer.
const BOTTOM: f32 = 58.0;

const INK: (f32, f32, f32) = (0.1, 0.1, 0.1);
const GREY: (f32, f32, f32) = (0.35, 0.35, 0.35);
const MET: (f32, f32, f32) = (0.0, 0.42, 0.22);
const MISSED: (f32, f32, f32) = (0.72, 0.1, 0.1);

/// Table text size, its line height and the padding in a cell.
const TABLE_SIZE: f32 = 7.5;
const SMALL_TABLE_SIZE: f32 = 6.5;
const PAD: f32 = 3.0;

/// Renders the report as a PDF document.
pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let first = Layout::run(report, None)?;
    let pages_of_headings: Vec<usize> = first.headings.iter().map(|(_, page)| *page).collect();
    let layout = Layout::run(report, Some(&pages_of_headings))?;
    Ok(layout.write(report))
}

/// The pages laid out so far.
struct Layout<'a> {
    report: &'a Report,
    w: &'static Words,
    lang: Lang,
    pages: Vec<Content>,
    /// The top of the space left on the current page.
    y: f32,
    /// Each numbered heading and the page (0-based) it is on, in order.
    headings: Vec<(String, usize)>,
    toc: Option<&'a [usize]>,
}

impl<'a> Layout<'a> {
    fn run(report: &'a Report, toc: Option<&'a [usize]>) -> Result<Layout<'a>, ReportError> {
        let mut layout = Layout {
            report,
            w: Words::of(report.request.lang),
            lang: report.request.lang,
            pages: Vec::new(),
            y: TOP,
            headings: Vec::new(),
            toc,
        };
        layout.cover();
        layout.summary();
        for section in &report.sections {
            layout.section(section)?;
        }
        layout.definitions();
        layout.provenance();
        Ok(layout)
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` still fits on this one. Returns whether it did.
    fn space(&mut self, height: f32) -> bool {
        if self.y - height < BOTTOM && self.y < TOP {
            self.new_page();
            return true;
        }
        false
    }

    fn text(
        &mut self,
        x: f32,
        baseline: f32,
        text: &str,
        face: Face,
        size: f32,
        colour: (f32, f32, f32),
    ) {
        fonts::draw(
            self.page(),
            (x, baseline),
            (1.0, 0.0),
            text,
            face,
            size,
            colour,
        );
    }

    fn rule(&mut self, y: f32, width: f32, grey: f32) {
        let content = self.page();
        content.set_stroke_gray(grey);
        content.set_line_width(width);
        content.move_to(LEFT, y);
        content.line_to(RIGHT, y);
        content.stroke();
    }

    fn paragraph(&mut self, text: &str, face: Face, size: f32, colour: (f32, f32, f32)) {
        let line_height = size * 1.35;
        for line in fonts::wrap(text, face, size, WIDTH) {
            self.space(line_height);
            let baseline = self.y - size;
            self.text(LEFT, baseline, &line, face, size, colour);
            self.y -= line_height;
        }
        self.y -= size * 0.6;
    }

    /// A numbered heading, kept with at least `keep` points of what follows it.
    fn heading(&mut self, text: &str, size: f32, keep: f32) {
        self.space(size * 1.6 + keep);
        let page = self.pages.len().saturating_sub(1);
        self.headings.push((text.to_string(), page));
        let baseline = self.y - size;
        self.text(LEFT, baseline, text, Face::Bold, size, INK);
        self.y -= size * 1.7;
    }

    fn subheading(&mut self, text: &str) {
        self.space(60.0);
        let size = 9.0;
        let baseline = self.y - size;
        self.text(LEFT, baseline, text, Face::Bold, size, INK);
        self.y -= size * 1.6;
    }

    fn cover(&mut self) {
        let report = self.report;
        let w = self.w;
        self.new_page();
        self.y = PAGE_HEIGHT - 110.0;
        let baseline = self.y;
        self.text(LEFT, baseline, &report.title, Face::Bold, 26.0, INK);
        self.y -= 22.0;
        self.paragraph(w.subtitle, Face::Regular, 11.0, GREY);
        self.y -= 4.0;
        let baseline = self.y - 16.0;
        self.text(LEFT, baseline, &report.period_text, Face::Bold, 16.0, INK);
        self.y -= 30.0;
        let y = self.y;
        self.rule(y, 1.2, 0.2);
        self.y -= 12.0;
        let label_width = 118.0;
        for (label, value) in &report.cover {
            let lines = fonts::wrap(value, Face::Regular, 9.0, WIDTH - label_width);
            let height = lines.len() as f32 * 12.0 + 5.0;
            self.space(height);
            let baseline = self.y - 9.0;
            self.text(LEFT, baseline, label, Face::Bold, 9.0, INK);
            for (i, line) in lines.iter().enumerate() {
                let baseline = self.y - 9.0 - i as f32 * 12.0;
                self.text(LEFT + label_width, baseline, line, Face::Regular, 9.0, INK);
            }
            self.y -= height;
        }
        self.y -= 6.0;
        self.paragraph(w.cover_note, Face::Regular, 8.0, GREY);
        self.y -= 8.0;
        let baseline = self.y - 11.0;
        self.text(LEFT, baseline, w.contents, Face::Bold, 11.0, INK);
        self.y -= 18.0;
        let mut titles = vec![format!("1  {}", w.summary_title)];
        titles.extend(
            report
                .sections
                .iter()
                .map(|s| format!("{}  {}", s.number, s.title)),
        );
        titles.push(w.definitions_title.to_string());
        titles.push(w.provenance_title.to_string());
        for (index, title) in titles.iter().enumerate() {
            self.space(12.0);
            let baseline = self.y - 9.0;
            self.text(LEFT, baseline, title, Face::Regular, 9.0, INK);
            if let Some(page) = self.toc.and_then(|pages| pages.get(index)) {
                let number = (page + 1).to_string();
                let x = RIGHT - fonts::width(&number, Face::Regular, 9.0);
                self.text(x, baseline, &number, Face::Regular, 9.0, INK);
            }
            self.y -= 12.5;
        }
    }

    fn summary(&mut self) {
        let report = self.report;
        let w = self.w;
        self.new_page();
        self.heading(&format!("1  {}", w.summary_title), 14.0, 80.0);
        self.paragraph(w.summary_intro, Face::Regular, 8.0, GREY);
        let table = summary_table(report, w);
        self.table(&table);
        self.y -= 6.0;
        self.subheading(w.left_out_title);
        if report.left_out.is_empty() {
            self.paragraph(w.left_out_none, Face::Regular, 8.0, INK);
        } else {
            self.paragraph(w.left_out_intro, Face::Regular, 8.0, GREY);
            for item in &report.left_out {
                self.paragraph(
                    &format!("• {}: {}", item.title, item.reason),
                    Face::Regular,
                    7.5,
                    INK,
                );
            }
        }
    }

    fn section(&mut self, section: &Section) -> Result<(), ReportError> {
        self.new_page();
        self.heading(
            &format!("{}  {}", section.number, section.title),
            14.0,
            80.0,
        );
        self.paragraph(&section.intro, Face::Regular, 8.5, INK);
        self.paragraph(
            &format!("{}: {}", self.w.source, section.sources.join(", ")),
            Face::Regular,
            7.0,
            GREY,
        );
        for block in &section.blocks {
            match block {
                Block::Paragraph(text) => self.paragraph(text, Face::Regular, 8.0, GREY),
                Block::Table(table) => self.table(table),
                Block::Chart(chart) => self.chart(chart)?,
            }
        }
        Ok(())
    }

    fn chart(&mut self, chart: &Chart) -> Result<(), ReportError> {
        let (width, height) = charts::size(chart);
        let scale = WIDTH / width as f32;
        let drawn = height as f32 * scale;
        let summary_lines = fonts::wrap(&chart.summary, Face::Regular, 7.5, WIDTH).len() as f32;
        self.space(16.0 + drawn + summary_lines * 10.0 + 8.0);
        let baseline = self.y - 9.0;
        self.text(LEFT, baseline, &chart.title, Face::Bold, 9.0, INK);
        self.y -= 15.0;
        let origin = (LEFT, self.y);
        let lang = self.lang;
        let content = self.page();
        content.save_state();
        {
            let backend = PdfBackend::new(content, (width, height), origin, scale);
            let root = backend.into_drawing_area();
            charts::draw(&root, chart, lang).map_err(ReportError::Render)?;
        }
        self.page().restore_state();
        self.y -= drawn + 4.0;
        self.paragraph(&chart.summary, Face::Regular, 7.5, GREY);
        self.y -= 4.0;
        Ok(())
    }

    fn table(&mut self, table: &Table) {
        let w = self.w;
        let lang = self.lang;
        let texts: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&table.columns)
                    .map(|(cell, column)| cell_text(cell, column.kind, lang, w))
                    .collect()
            })
            .collect();
        let (size, widths) = column_widths(table, &texts);
        let line_height = size * 1.25;
        let headers: Vec<Vec<String>> = table
            .columns
            .iter()
            .zip(&widths)
            .map(|(column, width)| {
                let mut lines = fonts::wrap(&column.header, Face::Bold, size, width - 2.0 * PAD);
                if let Some(unit) = &column.unit {
                    lines.push(format!("({unit})"));
                }
                lines
            })
            .collect();
        let header_height =
            headers.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_height + 2.0 * PAD;
        let rows: Vec<(Vec<Vec<String>>, f32)> = texts
            .iter()
            .map(|row| {
                let lines: Vec<Vec<String>> = row
                    .iter()
                    .zip(&table.columns)
                    .zip(&widths)
                    .map(|((text, column), width)| {
                        if column.kind == Kind::Text {
                            fonts::wrap(text, Face::Regular, size, width - 2.0 * PAD)
                        } else {
                            vec![text.clone()]
                        }
                    })
                    .collect();
                let height =
                    lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_height + 2.0 * PAD;
                (lines, height)
            })
            .collect();
        let caption_size = 8.5;
        let first_row = rows.first().map_or(line_height + 2.0 * PAD, |r| r.1);
        self.space(caption_size * 1.8 + header_height + first_row);
        self.caption(&table.caption, caption_size, false);
        if rows.is_empty() {
            self.paragraph(&table.empty, Face::Regular, 8.0, GREY);
            return;
        }
        self.table_header(table, &headers, &widths, header_height, size);
        for (index, (lines, height)) in rows.iter().enumerate() {
            if self.y - height < BOTTOM {
                self.new_page();
                self.caption(&table.caption, caption_size, true);
                self.table_header(table, &headers, &widths, header_height, size);
            }
            let top = self.y;
            if index % 2 == 1 {
                let content = self.page();
                content.set_fill_gray(0.955);
                content.rect(LEFT, top - height, WIDTH, *height);
                content.fill_nonzero();
            }
            let mut x = LEFT;
            for (((cell_lines, column), width), cell) in lines
                .iter()
                .zip(&table.columns)
                .zip(&widths)
                .zip(&table.rows[index])
            {
                let colour = match cell {
                    Cell::Verdict(Verdict::Met) => MET,
                    Cell::Verdict(Verdict::Missed) => MISSED,
                    Cell::Verdict(_) => GREY,
                    _ => INK,
                };
                let face = if matches!(cell, Cell::Verdict(Verdict::Missed)) {
                    Face::Bold
                } else {
                    Face::Regular
                };
                for (i, line) in cell_lines.iter().enumerate() {
                    let baseline = top - PAD - size - i as f32 * line_height + 1.0;
                    let at = if column.kind.is_numeric() {
                        x + width - PAD - fonts::width(line, face, size)
                    } else {
                        x + PAD
                    };
                    self.text(at, baseline, line, face, size, colour);
                }
                x += width;
            }
            self.y -= height;
        }
        let y = self.y;
        self.rule(y, 0.6, 0.4);
        self.y -= 10.0;
    }

    fn caption(&mut self, caption: &str, size: f32, continued: bool) {
        let text = if continued {
            format!("{caption} {}", self.w.continued)
        } else {
            caption.to_string()
        };
        let baseline = self.y - size;
        self.text(LEFT, baseline, &text, Face::Bold, size, INK);
        self.y -= size * 1.7;
    }

    fn table_header(
        &mut self,
        table: &Table,
        headers: &[Vec<String>],
        widths: &[f32],
        height: f32,
        size: f32,
    ) {
        let top = self.y;
        {
            let content = self.page();
            content.set_fill_gray(0.86);
            content.rect(LEFT, top - height, WIDTH, height);
            content.fill_nonzero();
        }
        let mut x = LEFT;
        for ((lines, column), width) in headers.iter().zip(&table.columns).zip(widths) {
            for (i, line) in lines.iter().enumerate() {
                let baseline = top - PAD - size - i as f32 * size * 1.25 + 1.0;
                let at = if column.kind.is_numeric() {
                    x + width - PAD - fonts::width(line, Face::Bold, size)
                } else {
                    x + PAD
                };
                self.text(at, baseline, line, Face::Bold, size, INK);
            }
            x += width;
        }
        self.y -= height;
        let y = self.y;
        self.rule(y, 0.8, 0.25);
    }

    fn definitions(&mut self) {
        let report = self.report;
        let w = self.w;
        self.new_page();
        self.heading(w.definitions_title, 14.0, 80.0);
        self.paragraph(w.definitions_note, Face::Regular, 8.0, GREY);
        for definition in &report.definitions {
            let title = format!("{} ({})", definition.title, definition.view);
            self.space(50.0);
            self.paragraph(&title, Face::Bold, 8.5, INK);
            self.y += 3.0;
            let meta = format!(
                "{}: {} · {}: {} · {}: {} · {}: {}",
                w.unit,
                definition.unit,
                w.grain,
                definition.grain,
                w.owner,
                definition.owner,
                w.target,
                definition.target
            );
            self.paragraph(&meta, Face::Regular, 7.0, GREY);
            self.y += 2.0;
            self.paragraph(&definition.definition, Face::Regular, 7.5, INK);
            self.y -= 2.0;
        }
    }

    fn provenance(&mut self) {
        let report = self.report;
        let w = self.w;
        self.new_page();
        self.heading(w.provenance_title, 14.0, 80.0);
        self.paragraph(w.provenance_intro, Face::Regular, 8.0, GREY);
        let (runs_table, more) = runs_table(report, w, 40);
        self.table(&runs_table);
        if more > 0 {
            self.paragraph(&w.runs_more(more), Face::Regular, 7.5, GREY);
        }
        self.table(&fingerprint_table(report, w));
        self.paragraph(w.regenerate, Face::Regular, 7.5, INK);
    }

    /// The finished document: pages with their running header and footer, fonts,
    /// outline and document information.
    fn write(mut self, report: &Report) -> Vec<u8> {
        let w = self.w;
        let count = self.pages.len();
        let header = format!("{} · {}", report.title, report.period_text);
        let for_whom = format!(
            "{}:{}",
            report.principal.agency,
            report.principal.roles_text()
        );
        let footer = format!(
            "Gerbang · {} {}…",
            w.fingerprint_label,
            &report.fingerprint.hex[..16]
        );
        for index in 0..count {
            let content = &mut self.pages[index];
            if index > 0 {
                stamp(
                    content,
                    LEFT,
                    PAGE_HEIGHT - 38.0,
                    &header,
                    Face::Regular,
                    8.0,
                );
                let x = RIGHT - fonts::width(&for_whom, Face::Regular, 8.0);
                stamp(
                    content,
                    x,
                    PAGE_HEIGHT - 38.0,
                    &for_whom,
                    Face::Regular,
                    8.0,
                );
                content.set_stroke_gray(0.6);
                content.set_line_width(0.5);
                content.move_to(LEFT, PAGE_HEIGHT - 44.0);
                content.line_to(RIGHT, PAGE_HEIGHT - 44.0);
                content.stroke();
            }
            content.set_stroke_gray(0.6);
            content.set_line_width(0.5);
            content.move_to(LEFT, 44.0);
            content.line_to(RIGHT, 44.0);
            content.stroke();
            stamp(content, LEFT, 32.0, &footer, Face::Regular, 7.5);
            let number = w.page_of(index + 1, count);
            let x = RIGHT - fonts::width(&number, Face::Regular, 8.0);
            stamp(content, x, 32.0, &number, Face::Regular, 8.0);
        }

        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let fonts_refs = [Ref::new(3), Ref::new(4)];
        let info = Ref::new(7);
        let outline = Ref::new(8);
        let first_page = 9;
        let page_ref = |i: usize| Ref::new(first_page + 2 * i as i32);
        let content_ref = |i: usize| Ref::new(first_page + 1 + 2 * i as i32);
        let first_item = first_page + 2 * count as i32;
        let item_ref = |i: usize| Ref::new(first_item + i as i32);

        pdf.catalog(catalog)
            .pages(tree)
            .outlines(outline)
            .lang(TextStr(self.lang.code()));
        pdf.pages(tree)
            .kids((0..count).map(page_ref))
            .count(i32::try_from(count).unwrap_or(i32::MAX));
        let names: [(Name<'static>, &[u8]); 2] = [
            (fonts::REGULAR, b"Helvetica"),
            (fonts::BOLD, b"Helvetica-Bold"),
        ];
        for (index, content) in self.pages.into_iter().enumerate() {
            let mut page = pdf.page(page_ref(index));
            page.parent(tree)
                .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .contents(content_ref(index));
            let mut resources = page.resources();
            let mut font_dict = resources.fonts();
            for ((name, _), id) in names.iter().zip(fonts_refs) {
                font_dict.pair(*name, id);
            }
            font_dict.finish();
            resources.finish();
            page.finish();
            let compressed = deflate(&content.finish());
            pdf.stream(content_ref(index), &compressed)
                .filter(Filter::FlateDecode);
        }
        for ((_, base), id) in names.iter().zip(fonts_refs) {
            pdf.type1_font(id)
                .base_font(Name(base))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        // The outline: every numbered heading, for the reader's sidebar.
        let headings = &self.headings;
        let items = headings.len();
        {
            let mut root = pdf.outline(outline);
            if items > 0 {
                root.first(item_ref(0)).last(item_ref(items - 1));
            }
            root.count(i32::try_from(items).unwrap_or(0));
        }
        for (index, (title, page)) in headings.iter().enumerate() {
            let mut item = pdf.outline_item(item_ref(index));
            item.title(TextStr(title)).parent(outline);
            if index > 0 {
                item.prev(item_ref(index - 1));
            }
            if index + 1 < items {
                item.next(item_ref(index + 1));
            }
            item.dest()
                .page(page_ref(*page))
                .xyz(0.0, PAGE_HEIGHT, None);
        }
        let generated = report.generated_at;
        use chrono::{Datelike, Timelike};
        let date = Date::new(u16::try_from(generated.year()).unwrap_or(2000))
            .month(generated.month() as u8)
            .day(generated.day() as u8)
            .hour(generated.hour() as u8)
            .minute(generated.minute() as u8)
            .utc_offset_hour(0);
        pdf.document_info(info)
            .title(TextStr(&format!(
                "{} · {}",
                report.title, report.period_text
            )))
            .author(TextStr("Gerbang"))
            .subject(TextStr(&format!(
                "{}: {}",
                w.fingerprint_label, report.fingerprint.hex
            )))
            .creator(TextStr("gerbang report mou"))
            .producer(TextStr("Gerbang (pdf-writer)"))
            .creation_date(date);
        pdf.finish()
    }
}

fn stamp(content: &mut Content, x: f32, baseline: f32, text: &str, face: Face, size: f32) {
    fonts::draw(content, (x, baseline), (1.0, 0.0), text, face, size, GREY);
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    if encoder.write_all(bytes).is_err() {
        return bytes.to_vec();
    }
    encoder.finish().unwrap_or_else(|_| bytes.to_vec())
}

/// Column widths that fill the text width. A column is never narrower than its header's
/// longest word (headers wrap between words only) nor, for numbers, than its widest
/// number; text columns give up width down to a floor and wrap. When that does not fit,
/// the type gets smaller; only when even that does not fit are columns squeezed.
fn column_widths(table: &Table, texts: &[Vec<String>]) -> (f32, Vec<f32>) {
    const TEXT_FLOOR: f32 = 45.0;
    let measure = |size: f32| {
        let natural: Vec<f32> = (0..table.columns.len())
            .map(|c| {
                texts
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|t| fonts::width(t, Face::Regular, size))
                    .fold(0.0, f32::max)
                    + 2.0 * PAD
                    + 1.0
            })
            .collect::<Vec<f32>>();
        let minimum: Vec<f32> = table
            .columns
            .iter()
            .zip(&natural)
            .map(|(column, natural)| {
                let unit = column.unit.as_ref().map(|u| format!("({u})"));
                let word = column
                    .header
                    .split(' ')
                    .chain(unit.as_deref())
                    .map(|w| fonts::width(w, Face::Bold, size))
                    .fold(0.0, f32::max)
                    + 2.0 * PAD
                    + 1.0;
                if column.kind == Kind::Text {
                    word.max(natural.min(TEXT_FLOOR))
                } else {
                    word.max(*natural)
                }
            })
            .collect();
        (natural, minimum)
    };
    for size in [TABLE_SIZE, SMALL_TABLE_SIZE] {
        let (natural, minimum) = measure(size);
        let wanted: Vec<f32> = natural
            .iter()
            .zip(&minimum)
            .map(|(n, m)| n.max(*m))
            .collect();
        let least: f32 = minimum.iter().sum();
        if least > WIDTH {
            continue;
        }
        let total: f32 = wanted.iter().sum();
        let widths: Vec<f32> = if total <= WIDTH {
            wanted
        } else {
            // Text columns shrink from what they want towards their minimum, all by the
            // same share of the difference.
            let give: f32 = wanted.iter().zip(&minimum).map(|(w, m)| w - m).sum();
            let share = (total - WIDTH) / give.max(f32::EPSILON);
            wanted
                .iter()
                .zip(&minimum)
                .map(|(w, m)| w - (w - m) * share)
                .collect()
        };
        let sum: f32 = widths.iter().sum();
        // Room left over goes to every column alike.
        let extra = (WIDTH - sum).max(0.0) / widths.len().max(1) as f32;
        return (size, widths.iter().map(|w| w + extra).collect());
    }
    let (_, minimum) = measure(SMALL_TABLE_SIZE);
    let total: f32 = minimum.iter().sum();
    (
        SMALL_TABLE_SIZE,
        minimum.iter().map(|w| w * WIDTH / total.max(1.0)).collect(),
    )
}
