//! The report as an XLSX annex: a cover sheet with the filters and the fingerprint, the
//! summary with every figure as a number, one sheet per table of every section, the KPI
//! definitions and the ingest runs. Numbers stay numbers (with their number formats and
//! their units in the header), dates are dates, and each sheet's header row is frozen.

use std::collections::BTreeSet;

use chrono::Datelike;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as CellFormat, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

use super::model::*;
use super::text::Words;
use super::{ReportError, cell_text, fingerprint_table, runs_table, verdict_label};

/// Excel's sheet names: at most 31 characters, none of `[]:*?/\`.
const SHEET_NAME_MAX: usize = 31;

pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    write(report).map_err(|e| ReportError::Render(format!("writing the XLSX annex: {e}")))
}

struct Formats {
    title: CellFormat,
    header: CellFormat,
    header_number: CellFormat,
    label: CellFormat,
    wrap: CellFormat,
    text: CellFormat,
}

impl Formats {
    fn new() -> Formats {
        let header = CellFormat::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(0xDDDDDD)
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        Formats {
            title: CellFormat::new().set_bold().set_font_size(13),
            header_number: header.clone().set_align(FormatAlign::Right),
            header,
            label: CellFormat::new().set_bold().set_align(FormatAlign::Top),
            wrap: CellFormat::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            text: CellFormat::new().set_align(FormatAlign::Top),
        }
    }

    fn number(kind: Kind) -> CellFormat {
        match kind {
            Kind::Count | Kind::Money => CellFormat::new().set_num_format("#,##0"),
            Kind::Decimal(0) => CellFormat::new().set_num_format("#,##0"),
            Kind::Decimal(decimals) => {
                CellFormat::new().set_num_format(format!("#,##0.{}", "0".repeat(decimals)))
            }
            Kind::Share => CellFormat::new().set_num_format("0.0%"),
            Kind::Date => CellFormat::new().set_num_format("yyyy-mm-dd"),
            Kind::Text | Kind::Verdict => CellFormat::new(),
        }
    }
}

fn write(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let w = Words::of(report.request.lang);
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let generated = report.generated_at;
    let created = ExcelDateTime::from_ymd(
        u16::try_from(generated.year()).unwrap_or(2000),
        u8::try_from(generated.month()).unwrap_or(1),
        u8::try_from(generated.day()).unwrap_or(1),
    )?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} · {}", report.title, report.period_text))
            .set_author("Gerbang")
            .set_subject(format!(
                "{}: {}",
                w.fingerprint_label, report.fingerprint.hex
            ))
            .set_comment(w.cover_note)
            .set_creation_datetime(&created),
    );
    let mut names = BTreeSet::new();

    // The cover: every filter, the provenance, the fingerprint and what each sheet holds.
    let sheet_names: Vec<(String, String)> = sheet_plan(report, &mut names.clone());
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(unique(w.sheet_cover, &mut names))?;
        sheet.write_string_with_format(0, 0, &report.title, &formats.title)?;
        sheet.write_string(1, 0, &report.period_text)?;
        let mut row = 3;
        for (label, value) in &report.cover {
            sheet.write_string_with_format(row, 0, label, &formats.label)?;
            sheet.write_string_with_format(row, 1, value, &formats.wrap)?;
            row += 1;
        }
        row += 1;
        sheet.write_string_with_format(row, 0, w.fingerprint_parts, &formats.label)?;
        row += 1;
        for cells in fingerprint_table(report, w).rows {
            if let [Cell::Text(part), Cell::Text(hash)] = cells.as_slice() {
                sheet.write_string(row, 0, part)?;
                sheet.write_string(row, 1, hash)?;
                row += 1;
            }
        }
        row += 1;
        sheet.write_string_with_format(row, 0, w.contents, &formats.label)?;
        row += 1;
        for (name, caption) in &sheet_names {
            sheet.write_string(row, 0, name)?;
            sheet.write_string(row, 1, caption)?;
            row += 1;
        }
        row += 1;
        sheet.write_string_with_format(row, 0, w.left_out_title, &formats.label)?;
        row += 1;
        if report.left_out.is_empty() {
            sheet.write_string(row, 0, w.left_out_none)?;
        }
        for item in &report.left_out {
            sheet.write_string(row, 0, &item.title)?;
            sheet.write_string_with_format(row, 1, &item.reason, &formats.wrap)?;
            row += 1;
        }
        sheet.write_string(row + 1, 0, w.cover_note)?;
        sheet.set_column_width(0, 34)?;
        sheet.set_column_width(1, 100)?;
    }

    // The summary: one row per figure, its value a number.
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(unique(w.sheet_summary, &mut names))?;
        sheet.write_string_with_format(0, 0, w.summary_title, &formats.title)?;
        let headers = [
            w.kpi, w.target, w.verdict, w.figure, w.value, w.result, w.section, "view",
        ];
        for (col, header) in headers.iter().enumerate() {
            let format = if col == 4 {
                &formats.header_number
            } else {
                &formats.header
            };
            sheet.write_string_with_format(1, col as u16, *header, format)?;
        }
        let mut row = 2;
        for line in &report.summary {
            let figures: Vec<Option<&Figure>> = if line.figures.is_empty() {
                vec![None]
            } else {
                line.figures.iter().map(Some).collect()
            };
            for (index, figure) in figures.into_iter().enumerate() {
                sheet.write_string_with_format(row, 0, &line.title, &formats.text)?;
                sheet.write_string_with_format(row, 1, &line.target, &formats.text)?;
                sheet.write_string(row, 2, verdict_label(line.verdict, w))?;
                if let Some(figure) = figure {
                    sheet.write_string(row, 3, &figure.label)?;
                    if let Some(value) = figure.value {
                        sheet.write_number_with_format(
                            row,
                            4,
                            value,
                            &Formats::number(figure.kind),
                        )?;
                    }
                }
                if index == 0 {
                    sheet.write_string(row, 5, &line.result)?;
                }
                if let Some(section) = line.section {
                    sheet.write_number(row, 6, section as f64)?;
                }
                sheet.write_string(row, 7, &line.view)?;
                row += 1;
            }
        }
        sheet.set_freeze_panes(2, 1)?;
        for (col, width) in [40, 45, 18, 28, 14, 70, 8, 32].into_iter().enumerate() {
            sheet.set_column_width(col as u16, width)?;
        }
    }

    // One sheet per table.
    for ((section, table), (name, _)) in report.tables().zip(&sheet_names) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(unique(name, &mut names))?;
        let caption = format!("{} {} · {}", section.number, section.title, table.caption);
        write_table(sheet, table, &caption, report, &formats, w)?;
    }

    // The definitions and the ingest runs.
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(unique(w.sheet_definitions, &mut names))?;
        sheet.write_string_with_format(0, 0, w.definitions_title, &formats.title)?;
        let headers = [
            "view",
            w.kpi,
            w.unit,
            w.grain,
            w.owner,
            w.target,
            w.definitions_title,
        ];
        for (col, header) in headers.iter().enumerate() {
            sheet.write_string_with_format(1, col as u16, *header, &formats.header)?;
        }
        for (index, d) in report.definitions.iter().enumerate() {
            let row = 2 + index as u32;
            for (col, text) in [
                &d.view,
                &d.title,
                &d.unit,
                &d.grain,
                &d.owner,
                &d.target,
                &d.definition,
            ]
            .into_iter()
            .enumerate()
            {
                sheet.write_string_with_format(row, col as u16, text, &formats.wrap)?;
            }
        }
        sheet.set_freeze_panes(2, 1)?;
        for (col, width) in [30, 40, 20, 30, 20, 30, 100].into_iter().enumerate() {
            sheet.set_column_width(col as u16, width)?;
        }
    }
    {
        let (runs, _) = runs_table(report, w, usize::MAX);
        let sheet = workbook.add_worksheet();
        sheet.set_name(unique(w.sheet_runs, &mut names))?;
        write_table(sheet, &runs, w.provenance_title, report, &formats, w)?;
    }
    workbook.save_to_buffer()
}

/// The sheet name and caption of every table, in order, so the cover can list them.
fn sheet_plan(report: &Report, taken: &mut BTreeSet<String>) -> Vec<(String, String)> {
    let mut plan = Vec::new();
    let mut previous_section = 0;
    let mut letter = b'a';
    for (section, table) in report.tables() {
        if section.number != previous_section {
            previous_section = section.number;
            letter = b'a';
        }
        let name = format!("{}{} {}", section.number, letter as char, table.caption);
        letter = letter.saturating_add(1);
        plan.push((
            unique(&name, taken),
            format!("{} · {}", section.title, table.caption),
        ));
    }
    plan
}

/// A valid sheet name not yet taken (and now taken).
fn unique(wanted: &str, taken: &mut BTreeSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| match c {
            '/' | '\\' => '-',
            '[' | ']' | ':' | '*' | '?' | '\'' => ' ',
            c => c,
        })
        .collect();
    let clean = clean.trim();
    // Cut at the last whole word that fits, so that a name does not end mid-word.
    let base: String = if clean.chars().count() <= SHEET_NAME_MAX {
        clean.to_string()
    } else {
        let cut: String = clean.chars().take(SHEET_NAME_MAX + 1).collect();
        match cut.rfind(' ') {
            Some(space) if space > 10 => cut[..space].to_string(),
            _ => cut.chars().take(SHEET_NAME_MAX).collect(),
        }
    };
    let base = base
        .trim()
        .trim_end_matches([',', '(', '·'])
        .trim()
        .to_string();
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" {n}");
        let keep = SHEET_NAME_MAX - suffix.len();
        name = format!(
            "{}{suffix}",
            base.chars().take(keep).collect::<String>().trim_end()
        );
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

/// Days from Excel's day zero (1899-12-30) to `date`.
fn excel_serial(date: chrono::NaiveDate) -> f64 {
    let zero = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (date - zero).num_days() as f64
}

fn write_table(
    sheet: &mut Worksheet,
    table: &Table,
    caption: &str,
    report: &Report,
    formats: &Formats,
    w: &Words,
) -> Result<(), XlsxError> {
    let lang = report.request.lang;
    sheet.write_string_with_format(0, 0, caption, &formats.title)?;
    let mut widths: Vec<usize> = Vec::new();
    for (col, column) in table.columns.iter().enumerate() {
        let header = match &column.unit {
            Some(unit) => format!("{} ({unit})", column.header),
            None => column.header.clone(),
        };
        let format = if column.kind.is_numeric() {
            &formats.header_number
        } else {
            &formats.header
        };
        sheet.write_string_with_format(1, col as u16, &header, format)?;
        widths.push(header.chars().count().min(24));
    }
    let number_formats: Vec<CellFormat> = table
        .columns
        .iter()
        .map(|c| Formats::number(c.kind))
        .collect();
    for (index, cells) in table.rows.iter().enumerate() {
        let row = 2 + index as u32;
        for (col, (cell, column)) in cells.iter().zip(&table.columns).enumerate() {
            let c = col as u16;
            let shown = match cell {
                Cell::Empty => continue,
                Cell::Number(value) => {
                    sheet.write_number_with_format(row, c, *value, &number_formats[col])?;
                    cell_text(cell, column.kind, lang, w)
                }
                Cell::Date(date) => {
                    sheet.write_number_with_format(
                        row,
                        c,
                        excel_serial(*date),
                        &number_formats[col],
                    )?;
                    "2026-10-31".to_string()
                }
                Cell::Text(text) => {
                    sheet.write_string(row, c, text)?;
                    text.clone()
                }
                Cell::Verdict(_) | Cell::AtLeast(_) | Cell::Suppressed => {
                    let text = cell_text(cell, column.kind, lang, w);
                    sheet.write_string(row, c, &text)?;
                    text
                }
            };
            if let Some(width) = widths.get_mut(col) {
                *width = (*width).max(shown.chars().count());
            }
        }
    }
    if table.rows.is_empty() {
        sheet.write_string(2, 0, &table.empty)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (*width as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    Ok(())
}
