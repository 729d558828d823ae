//! The report's charts, drawn by one piece of code on any plotters backend: the PDF's
//! vector backend ([`super::pdf_backend`]) and the SVG of the HTML page.
//!
//! Colour is never the only way to tell things apart: every line carries its own marker
//! shape and its name at its end, a target line is dashed and named, and stacked bars
//! have their numbers written in them and a legend naming their order.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::model::{Chart, ChartStyle};
use crate::charts::PALETTE;
use crate::i18n::Lang;

/// Width of every chart, in chart units; the PDF scales it to the text width.
pub const WIDTH: u32 = 900;
/// Height of line and column charts.
const HEIGHT: u32 = 360;
/// Height of one bar of a stacked-bar chart.
const BAR_ROW: u32 = 30;
/// Font size as plotters takes it; text is drawn at 1/1.24 of it (14 units).
const FONT: f64 = 17.5;

/// The size a chart is drawn at, in chart units.
pub fn size(chart: &Chart) -> (u32, u32) {
    match chart.style {
        ChartStyle::StackedBars => {
            let rows = u32::try_from(chart.labels.len().max(1)).unwrap_or(1);
            (WIDTH, rows * BAR_ROW + 110)
        }
        ChartStyle::Lines | ChartStyle::Columns => (WIDTH, HEIGHT),
    }
}

/// Draws `chart` on `root`, which must be [`size`] large.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
    lang: Lang,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    match chart.style {
        ChartStyle::Lines | ChartStyle::Columns => draw_days(root, chart, lang),
        ChartStyle::StackedBars => draw_bars(root, chart, lang),
    }?;
    root.present().map_err(|e| e.to_string())
}

/// The value axis of a chart: from 0 (or, for shares, a little below the lowest value, so
/// that 92% and 97% do not look alike) to a little above the highest value or target.
fn value_range(chart: &Chart) -> (f64, f64) {
    let values = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .chain(chart.reference.iter().map(|(_, v)| *v))
        .filter(|v| v.is_finite());
    let (low, high) = values.fold((f64::MAX, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if chart.percent {
        let low = if low == f64::MAX { 0.0 } else { low };
        let floor = ((low - 0.05) * 10.0).floor() / 10.0;
        (floor.clamp(0.0, 0.9), 1.0)
    } else {
        (0.0, (high * 1.12).max(1.0))
    }
}

fn axis_number(chart: &Chart, lang: Lang, value: f64) -> String {
    if chart.percent {
        format!("{}%", lang.number(value * 100.0, 0))
    } else if value.abs() >= 1000.0 || value.fract() == 0.0 {
        lang.number(value, 0)
    } else {
        lang.number(value, 1)
    }
}

/// Draws one of four marker shapes at a point of `area` (in its pixels), so that lines
/// differ by more than their colour.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    index: usize,
    (x, y): (i32, i32),
    colour: RGBColor,
) -> Result<(), String> {
    let drawn = match index % 4 {
        0 => area.draw(&Circle::new((x, y), 4, colour.filled())),
        1 => area.draw(&TriangleMarker::new((x, y), 5, colour.filled())),
        2 => area.draw(&Cross::new((x, y), 4, colour.stroke_width(2))),
        _ => area.draw(&Rectangle::new(
            [(x - 4, y - 4), (x + 4, y + 4)],
            colour.filled(),
        )),
    };
    drawn.map_err(|e| e.to_string())
}

/// One entry of a chart's legend.
enum Key<'a> {
    /// A line with its marker: series `index`.
    Line(usize, &'a str),
    /// A dashed target line.
    Target(&'a str),
    /// A block of colour: segment `index` of stacked bars.
    Swatch(usize, &'a str),
}

/// Height of one line of a legend.
const LEGEND_LINE: i32 = 26;

/// Draws the legend on top of `root` (wrapping into more lines when needed) and returns
/// the area left for the chart.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    keys: &[Key<'_>],
) -> Result<DrawingArea<DB, Shift>, String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    if keys.is_empty() {
        return Ok(root.clone());
    }
    let font = ("sans-serif", FONT).into_font().color(&BLACK);
    let right = i32::try_from(WIDTH).unwrap_or(900) - 20;
    let mut placed = Vec::new();
    let (mut x, mut line) = (80, 0);
    for key in keys {
        let label = match key {
            Key::Line(_, label) | Key::Target(label) | Key::Swatch(_, label) => *label,
        };
        let (text_width, _) = root
            .estimate_text_size(label, &font)
            .map_err(|e| fail(&e))?;
        let width = 32 + i32::try_from(text_width).unwrap_or(100);
        if x + width > right && x > 80 {
            x = 80;
            line += 1;
        }
        placed.push((x, line));
        x += width + 24;
    }
    let height = (line + 1) * LEGEND_LINE + 6;
    let (area, rest) = root.split_vertically(height);
    for (key, (x, line)) in keys.iter().zip(placed) {
        let y = line * LEGEND_LINE + LEGEND_LINE / 2 + 4;
        let label = match key {
            Key::Line(index, label) => {
                let colour = PALETTE[index % PALETTE.len()];
                area.draw(&PathElement::new(
                    vec![(x, y), (x + 24, y)],
                    colour.stroke_width(2),
                ))
                .map_err(|e| fail(&e))?;
                marker(&area, *index, (x + 12, y), colour)?;
                label
            }
            Key::Target(label) => {
                for start in [0, 9, 18] {
                    area.draw(&PathElement::new(
                        vec![(x + start, y), (x + start + 6, y)],
                        BLACK.stroke_width(2),
                    ))
                    .map_err(|e| fail(&e))?;
                }
                label
            }
            Key::Swatch(index, label) => {
                let colour = PALETTE[index % PALETTE.len()];
                area.draw(&Rectangle::new(
                    [(x + 4, y - 8), (x + 20, y + 8)],
                    colour.filled(),
                ))
                .map_err(|e| fail(&e))?;
                label
            }
        };
        area.draw(&Text::new(
            label.to_string(),
            (x + 30, y),
            font.pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(|e| fail(&e))?;
    }
    Ok(rest)
}

/// Tenths of a day (or of a bar's row) per unit of the category axis: the axis is in
/// whole numbers, so that plotters labels exactly the key points given.
const STEP: i32 = 10;

fn draw_days<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
    lang: Lang,
) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let days = chart.labels.len().max(1);
    let days_i = i32::try_from(days).unwrap_or(1);
    let (low, high) = value_range(chart);
    let mut keys: Vec<Key<'_>> = Vec::new();
    if chart.style == ChartStyle::Lines {
        keys.extend(
            chart
                .series
                .iter()
                .enumerate()
                .map(|(index, s)| Key::Line(index, s.label.as_str())),
        );
    }
    if let Some((label, _)) = &chart.reference {
        keys.push(Key::Target(label.as_str()));
    }
    let area = legend(root, &keys)?;
    let end = days_i * STEP;
    // Label every how many days: a label is about 8.5 units a character.
    let plot_width = f64::from(WIDTH) - 100.0;
    let day_width = plot_width * f64::from(STEP) / f64::from(end.max(1));
    let widest = chart
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1) as f64;
    let every = ((widest * 8.5 + 8.0) / day_width).ceil().max(1.0) as usize;
    let centre = |day: usize| i32::try_from(day).unwrap_or(0) * STEP + STEP / 2;
    let centres: Vec<i32> = (0..days).step_by(every).map(centre).collect();
    let mut plot = ChartBuilder::on(&area)
        .margin(10)
        .margin_right(14)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((0..end).with_key_points(centres), low..high)
        .map_err(|e| fail(&e))?;
    let day_label = |x: &i32| {
        usize::try_from(x / STEP)
            .ok()
            .and_then(|day| chart.labels.get(day))
            .cloned()
            .unwrap_or_default()
    };
    let value_label = |y: &f64| axis_number(chart, lang, *y);
    plot.configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&day_label)
        .y_labels(6)
        .y_label_formatter(&value_label)
        .y_desc(chart.y_label.as_str())
        .label_style(("sans-serif", FONT).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", FONT).into_font().color(&BLACK))
        .bold_line_style(RGBColor(215, 215, 215).stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(90, 90, 90).stroke_width(1))
        .draw()
        .map_err(|e| fail(&e))?;
    if chart.style == ChartStyle::Columns {
        let colour = PALETTE[0];
        if let Some(series) = chart.series.first() {
            for (day, value) in series.values.iter().enumerate() {
                let Some(value) = value else { continue };
                let x = centre(day);
                plot.draw_series(std::iter::once(Rectangle::new(
                    [(x - STEP / 2 + 1, low), (x + STEP / 2 - 1, *value)],
                    colour.filled(),
                )))
                .map_err(|e| fail(&e))?;
            }
        }
    } else {
        for (index, series) in chart.series.iter().enumerate() {
            let colour = PALETTE[index % PALETTE.len()];
            let points: Vec<(usize, f64)> = series
                .values
                .iter()
                .enumerate()
                .filter_map(|(day, v)| v.map(|v| (day, v)))
                .collect();
            // A day without a value breaks the line.
            let mut run: Vec<(i32, f64)> = Vec::new();
            let mut previous: Option<usize> = None;
            for &(day, value) in &points {
                if previous.is_some_and(|p| p + 1 != day) {
                    if run.len() > 1 {
                        plot.draw_series(LineSeries::new(run.drain(..), colour.stroke_width(2)))
                            .map_err(|e| fail(&e))?;
                    }
                    run.clear();
                }
                run.push((centre(day), value));
                previous = Some(day);
            }
            if run.len() > 1 {
                plot.draw_series(LineSeries::new(run, colour.stroke_width(2)))
                    .map_err(|e| fail(&e))?;
            }
            for &(day, value) in &points {
                marker(
                    root,
                    index,
                    plot.backend_coord(&(centre(day), value)),
                    colour,
                )?;
            }
        }
    }
    if let Some((_, value)) = &chart.reference {
        plot.draw_series(DashedLineSeries::new(
            [(0, *value), (end, *value)],
            10,
            6,
            BLACK.stroke_width(2),
        ))
        .map_err(|e| fail(&e))?;
    }
    Ok(())
}

fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
    lang: Lang,
) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let rows = chart.labels.len().max(1);
    let rows_i = i32::try_from(rows).unwrap_or(1);
    let longest = (0..chart.labels.len())
        .map(|row| {
            chart
                .series
                .iter()
                .filter_map(|s| s.values.get(row).copied().flatten())
                .map(|v| v.max(0.0))
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    let x_max = (longest * 1.08).max(1.0);
    let keys: Vec<Key<'_>> = chart
        .series
        .iter()
        .enumerate()
        .map(|(index, s)| Key::Swatch(index, s.label.as_str()))
        .collect();
    let bars = legend(root, &keys)?;
    // Row `row` (the first at the top) is centred at this y.
    let centre = |row: usize| (rows_i - i32::try_from(row).unwrap_or(0) - 1) * STEP + STEP / 2;
    let centres: Vec<i32> = (0..rows).map(centre).collect();
    let mut plot = ChartBuilder::on(&bars)
        .margin(10)
        .margin_right(20)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, (0..rows_i * STEP).with_key_points(centres))
        .map_err(|e| fail(&e))?;
    let row_label = |y: &i32| {
        usize::try_from(rows_i - y / STEP - 1)
            .ok()
            .and_then(|row| chart.labels.get(row))
            .cloned()
            .unwrap_or_default()
    };
    let value_label = |x: &f64| axis_number(chart, lang, *x);
    plot.configure_mesh()
        .disable_y_mesh()
        .y_label_formatter(&row_label)
        .x_labels(8)
        .x_label_formatter(&value_label)
        .x_desc(chart.y_label.as_str())
        .label_style(("sans-serif", FONT).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", FONT).into_font().color(&BLACK))
        .bold_line_style(RGBColor(215, 215, 215).stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(90, 90, 90).stroke_width(1))
        .draw()
        .map_err(|e| fail(&e))?;
    for row in 0..chart.labels.len() {
        let (top, bottom) = (centre(row) + STEP / 2 - 2, centre(row) - STEP / 2 + 2);
        let mut left = 0.0;
        for (index, series) in chart.series.iter().enumerate() {
            let Some(value) = series.values.get(row).copied().flatten() else {
                continue;
            };
            let width = value.max(0.0);
            if width <= 0.0 {
                continue;
            }
            let colour = PALETTE[index % PALETTE.len()];
            plot.draw_series(std::iter::once(Rectangle::new(
                [(left, bottom), (left + width, top)],
                colour.filled(),
            )))
            .map_err(|e| fail(&e))?;
            if width >= x_max * 0.06 {
                let ink = if index == 0 { WHITE } else { BLACK };
                plot.draw_series(std::iter::once(Text::new(
                    lang.number(value, 0),
                    (left + width / 2.0, centre(row)),
                    ("sans-serif", FONT - 2.0)
                        .into_font()
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))
                .map_err(|e| fail(&e))?;
            }
            left += width;
        }
    }
    Ok(())
}

/// The chart as an SVG document, for the HTML page: the same drawing as the PDF's.
pub fn svg(chart: &Chart, lang: Lang) -> Result<String, String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size(chart)).into_drawing_area();
        draw(&root, chart, lang)?;
    }
    Ok(text)
}
