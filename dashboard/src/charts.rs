//! Charts drawn on the server with plotters into an SVG string that the page embeds inline:
//! line charts of hourly figures over a period, and stacked bars of shares.
//!
//! Each chart carries its own text alternative (`role="img"`, an `aria-labelledby` and a
//! `<title>`). Each line is labelled at its end with its short name and each bar segment
//! wide enough with its percentage, so colour is never the only way to tell them apart.
//! The legend with full names is HTML under the chart, where it can be read, translated and
//! zoomed like any text, and the pages give the exact numbers in a table as well.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{DashboardError, Result};
use crate::i18n::Lang;

/// Colours that stay distinguishable for the common kinds of colour blindness
/// (Okabe and Ito), in the order lines are given them.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];

/// The colour of line number `index`, as CSS.
pub fn css_colour(index: usize) -> String {
    let RGBColor(r, g, b) = PALETTE[index % PALETTE.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// One line: points `(x, y)` where `x` is hours since the start of the period (local
/// time) and `y` is in the chart's unit.
#[derive(Debug, Clone)]
pub struct Series {
    /// Written at the end of the line: a port code or a short word.
    pub short_label: String,
    pub points: Vec<(i32, f64)>,
}

/// A horizontal reference line, such as a target.
#[derive(Debug, Clone)]
pub struct Reference {
    pub short_label: String,
    pub value: f64,
}

/// Everything one chart shows.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Unique within the page: names the SVG `<title>`.
    pub id: String,
    /// The label under each day's start, one per day of the period.
    pub day_labels: Vec<String>,
    pub x_description: String,
    pub y_description: String,
    pub series: Vec<Series>,
    pub reference: Option<Reference>,
    /// The text alternative: what a reader who cannot see the chart needs to know.
    pub summary: String,
    /// The page's language, for the numbers of the y axis.
    pub lang: Lang,
    /// Width and height in SVG pixels ([`WIDE`] or [`SMALL`]); the page scales it.
    pub size: (u32, u32),
    /// The top of the y axis, when several charts share a scale; otherwise from the data.
    pub y_max: Option<f64>,
    /// Points at most this many hours apart are joined by the line; further apart, the
    /// hours between had nobody: [`HOURLY`] for hourly points, [`DAILY`] for daily ones.
    pub join_within: i32,
}

/// `join_within` of a line with a point per hour.
pub const HOURLY: i32 = 1;
/// `join_within` of a line with a point per day (drawn at midday, 24 hours apart).
pub const DAILY: i32 = 24;

/// The size of a chart that spans the page.
pub const WIDE: (u32, u32) = (1000, 380);
/// The size of one chart of a grid of small charts.
pub const SMALL: (u32, u32) = (480, 270);
/// Plotters writes SVG text at 1/1.24 of the size asked for: this gives about 14 pixels.
const FONT_SIZE: f64 = 17.5;
/// Hours of room right of the last day, for the labels at the ends of the lines.
const LABEL_ROOM: i32 = 12;

/// Draws the chart as an SVG document with its text alternative.
pub fn line_chart_svg(chart: &LineChart) -> Result<String> {
    let mut svg = String::new();
    draw(chart, &mut svg).map_err(DashboardError::Chart)?;
    Ok(with_text_alternative(&svg, &chart.id, &chart.summary))
}

fn draw(chart: &LineChart, svg: &mut String) -> std::result::Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let end = i32::try_from(chart.day_labels.len().max(1) * 24).unwrap_or(24);
    let highest = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|(_, y)| *y))
        .chain(chart.reference.iter().map(|r| r.value))
        .filter(|y| y.is_finite())
        .fold(0.0_f64, f64::max);
    let y_max = chart.y_max.unwrap_or((highest * 1.1).max(10.0));
    let key_points: Vec<i32> = (0..=end).step_by(24).collect();

    let root = SVGBackend::with_string(svg, chart.size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let x_range = (0..end + LABEL_ROOM).with_key_points(key_points);
    let mut plot = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(56)
        .y_label_area_size(64)
        .build_cartesian_2d(x_range, 0.0..y_max)
        .map_err(|e| fail(&e))?;
    let every = label_step(chart, end);
    let day_label = |x: &i32| {
        usize::try_from(x / 24)
            .ok()
            .filter(|day| x % 24 == 0 && day % every == 0)
            .and_then(|day| chart.day_labels.get(day).cloned())
            .unwrap_or_default()
    };
    let y_label = |y: &f64| chart.lang.number(*y, 0);
    plot.configure_mesh()
        .x_desc(chart.x_description.as_str())
        .y_desc(chart.y_description.as_str())
        .x_label_formatter(&day_label)
        .y_label_formatter(&y_label)
        .y_labels(8)
        .label_style(("sans-serif", FONT_SIZE).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", FONT_SIZE + 1.0).into_font().color(&BLACK))
        .bold_line_style(RGBColor(200, 200, 200).stroke_width(1))
        .light_line_style(RGBColor(235, 235, 235).stroke_width(1))
        .axis_style(RGBColor(90, 90, 90).stroke_width(1))
        .draw()
        .map_err(|e| fail(&e))?;

    if let Some(reference) = &chart.reference {
        let style = BLACK.stroke_width(2);
        plot.draw_series(DashedLineSeries::new(
            [(0, reference.value), (end, reference.value)],
            10,
            6,
            style,
        ))
        .map_err(|e| fail(&e))?;
        // Just above the line at its left end, where it does not meet the line labels.
        let font = ("sans-serif", FONT_SIZE)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Bottom));
        plot.draw_series(std::iter::once(Text::new(
            reference.short_label.clone(),
            (1, reference.value),
            font,
        )))
        .map_err(|e| fail(&e))?;
    }

    for (index, series) in chart.series.iter().enumerate() {
        let colour = PALETTE[index % PALETTE.len()];
        let style = colour.stroke_width(2);
        for segment in segments(&series.points, chart.join_within) {
            if let [only] = segment {
                plot.draw_series(std::iter::once(Circle::new(*only, 2, colour.filled())))
                    .map_err(|e| fail(&e))?;
            } else {
                plot.draw_series(LineSeries::new(segment.iter().copied(), style))
                    .map_err(|e| fail(&e))?;
            }
        }
        if let Some(&(x, y)) = series.points.last() {
            let font = ("sans-serif", FONT_SIZE).into_font().color(&colour);
            plot.draw_series(std::iter::once(Text::new(
                series.short_label.clone(),
                (x + 1, y),
                font,
            )))
            .map_err(|e| fail(&e))?;
        }
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Colours for the ordered segments of a stacked bar, from short waits to long ones: a
/// sequential scale (viridis) whose steps differ in lightness, not only in hue.
pub const SEQUENTIAL: [RGBColor; 7] = [
    RGBColor(253, 231, 37),
    RGBColor(144, 215, 67),
    RGBColor(53, 183, 121),
    RGBColor(33, 145, 140),
    RGBColor(49, 104, 142),
    RGBColor(68, 57, 131),
    RGBColor(68, 1, 84),
];

/// The colour of stacked-bar segment `index`, as CSS.
pub fn css_sequential(index: usize) -> String {
    let RGBColor(r, g, b) = SEQUENTIAL[index.min(SEQUENTIAL.len() - 1)];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// What the bars of a [`StackedBars`] measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarScale {
    /// Shares of one (each row adds up to one), drawn as percentages on a 0–100% axis.
    Shares,
    /// Minutes, on an axis from 0 to a little past the longest bar.
    Minutes,
}

/// How the segments of a [`StackedBars`] are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarColours {
    /// Ordered segments (short waits to long ones): [`SEQUENTIAL`].
    Sequential,
    /// Segments that are different things (agencies): [`PALETTE`].
    Categorical,
}

/// Horizontal stacked bars, one bar per row.
#[derive(Debug, Clone)]
pub struct StackedBars {
    /// Unique within the page: names the SVG `<title>`.
    pub id: String,
    /// Each row's label and its segments' values, in segment order. A negative value is
    /// drawn as nothing; the page's table gives it as it is.
    pub rows: Vec<(String, Vec<f64>)>,
    pub x_description: String,
    pub summary: String,
    pub lang: Lang,
    pub scale: BarScale,
    pub colours: BarColours,
}

/// The colour of segment `index` of bars coloured `colours`.
fn segment_colour(colours: BarColours, index: usize) -> RGBColor {
    match colours {
        BarColours::Sequential => SEQUENTIAL[index.min(SEQUENTIAL.len() - 1)],
        BarColours::Categorical => PALETTE[index % PALETTE.len()],
    }
}

/// Black or white, whichever reads better on `background` (WCAG contrast ratio).
fn ink_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    let on_black = (luminance + 0.05) / 0.05;
    let on_white = 1.05 / (luminance + 0.05);
    if on_black >= on_white { BLACK } else { WHITE }
}

/// Height of one bar and the gap after it, in SVG pixels.
const BAR_ROW: u32 = 44;
/// The width of a stacked-bar chart.
const BARS_WIDTH: u32 = 1000;
/// The height of a row on the y axis of stacked bars, the half of it, and the space above
/// and below a bar.
const ROW_UNITS: usize = 100;
const HALF_ROW: i32 = 50;
const BAR_MARGIN: i32 = 12;
/// A segment narrower than this share of the axis gets no number written in it.
const LABELLED_SHARE: f64 = 0.07;

/// Draws stacked bars as an SVG document with its text alternative.
pub fn stacked_bars_svg(chart: &StackedBars) -> Result<String> {
    let mut svg = String::new();
    draw_bars(chart, &mut svg).map_err(DashboardError::Chart)?;
    Ok(with_text_alternative(&svg, &chart.id, &chart.summary))
}

fn draw_bars(chart: &StackedBars, svg: &mut String) -> std::result::Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let rows = chart.rows.len().max(1);
    let height = u32::try_from(rows).unwrap_or(1) * BAR_ROW + 90;
    let root = SVGBackend::with_string(svg, (BARS_WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    // Each row is ROW_UNITS high on the y axis, the first row at the top.
    let top_of = |row: usize| i32::try_from((rows - row) * ROW_UNITS).unwrap_or(i32::MAX);
    let centres: Vec<i32> = (0..rows).map(|row| top_of(row) - HALF_ROW).collect();
    let y_range = (0..top_of(0)).with_key_points(centres);
    // Shares are drawn as percentages; minutes as they are.
    let (factor, x_max) = match chart.scale {
        BarScale::Shares => (100.0, 100.0),
        BarScale::Minutes => {
            let longest = chart
                .rows
                .iter()
                .map(|(_, values)| values.iter().map(|v| v.max(0.0)).sum::<f64>())
                .fold(0.0_f64, f64::max);
            (1.0, (longest * 1.1).max(10.0))
        }
    };
    let mut plot = ChartBuilder::on(&root)
        .margin(12)
        .margin_right(36)
        .x_label_area_size(56)
        .y_label_area_size(230)
        .build_cartesian_2d(0.0..x_max, y_range)
        .map_err(|e| fail(&e))?;
    let row_label = |y: &i32| {
        usize::try_from(*y)
            .ok()
            .and_then(|y| rows.checked_sub(y / ROW_UNITS + 1))
            .and_then(|row| chart.rows.get(row))
            .map(|(label, _)| label.clone())
            .unwrap_or_default()
    };
    let number = |x: f64| match chart.scale {
        BarScale::Shares => format!("{}%", chart.lang.number(x, 0)),
        BarScale::Minutes => chart.lang.number(x, 0),
    };
    let x_label = |x: &f64| number(*x);
    plot.configure_mesh()
        .disable_y_mesh()
        .x_desc(chart.x_description.as_str())
        .x_labels(6)
        .x_label_formatter(&x_label)
        .y_label_formatter(&row_label)
        .label_style(("sans-serif", FONT_SIZE).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", FONT_SIZE + 1.0).into_font().color(&BLACK))
        .bold_line_style(RGBColor(200, 200, 200).stroke_width(1))
        .light_line_style(RGBColor(235, 235, 235).stroke_width(1))
        .axis_style(RGBColor(90, 90, 90).stroke_width(1))
        .draw()
        .map_err(|e| fail(&e))?;
    for (row, (_, values)) in chart.rows.iter().enumerate() {
        let top = top_of(row) - BAR_MARGIN;
        let bottom = top_of(row) - 2 * HALF_ROW + BAR_MARGIN;
        let mut left = 0.0;
        for (index, value) in values.iter().enumerate() {
            let width = value.max(0.0) * factor;
            if width <= 0.0 {
                continue;
            }
            let colour = segment_colour(chart.colours, index);
            plot.draw_series(std::iter::once(Rectangle::new(
                [(left, bottom), (left + width, top)],
                colour.filled(),
            )))
            .map_err(|e| fail(&e))?;
            if width >= LABELLED_SHARE * x_max {
                let font = ("sans-serif", FONT_SIZE)
                    .into_font()
                    .color(&ink_on(colour))
                    .pos(Pos::new(HPos::Center, VPos::Center));
                plot.draw_series(std::iter::once(Text::new(
                    number(width),
                    (left + width / 2.0, top_of(row) - HALF_ROW),
                    font,
                )))
                .map_err(|e| fail(&e))?;
            }
            left += width;
        }
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// A grid of local days (rows) by local hours (columns), each cell coloured by its value in
/// steps of a sequential scale, with some cells outlined.
#[derive(Debug, Clone)]
pub struct HeatMap {
    /// Unique within the page: names the SVG `<title>`.
    pub id: String,
    /// One label per row (day), top to bottom.
    pub row_labels: Vec<String>,
    /// `cells[row][hour]`: the value of the hour, `None` where nothing was counted.
    pub cells: Vec<[Option<f64>; 24]>,
    /// `outlined[row][hour]`: cells drawn with a thick black frame.
    pub outlined: Vec<[bool; 24]>,
    /// The upper edges of the colour steps but the last, ascending: a value up to
    /// `steps[0]` gets the first colour, above the last edge the last colour.
    pub steps: Vec<f64>,
    pub x_description: String,
    pub summary: String,
    pub lang: Lang,
}

/// The colour step of `value` among the upper edges `steps`.
pub fn heat_step(steps: &[f64], value: f64) -> usize {
    steps
        .iter()
        .position(|edge| value <= *edge)
        .unwrap_or(steps.len())
}

/// The colour of heat-map step `index`, as CSS: the sequential scale, light to dark.
pub fn css_heat(index: usize) -> String {
    css_sequential(index)
}

/// The fill of a cell in which nobody was counted.
const EMPTY_CELL: RGBColor = RGBColor(242, 242, 242);
/// Rows at least this high (SVG pixels) get the value written in each cell.
const WRITTEN_ROW_PX: u32 = 22;

/// Draws the heat map as an SVG document with its text alternative.
pub fn heat_map_svg(chart: &HeatMap) -> Result<String> {
    let mut svg = String::new();
    draw_heat_map(chart, &mut svg).map_err(DashboardError::Chart)?;
    Ok(with_text_alternative(&svg, &chart.id, &chart.summary))
}

fn draw_heat_map(chart: &HeatMap, svg: &mut String) -> std::result::Result<(), String> {
    // Ten units per cell on each axis, so that a cell's centre (where its number goes) and
    // a frame just inside it have whole coordinates.
    const UNIT: i32 = 10;
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let rows = chart.row_labels.len().max(1);
    // A week gets tall rows with the numbers in them; a quarter thin ones.
    let row_px = u32::try_from(560 / rows).unwrap_or(6).clamp(6, 36);
    let height = u32::try_from(rows).unwrap_or(1) * row_px + 100;
    let root = SVGBackend::with_string(svg, (WIDE.0, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let top = i32::try_from(rows).unwrap_or(1) * UNIT;
    // The bottom of row `row` (the first row at the top).
    let bottom_of = |row: usize| top - (i32::try_from(row).unwrap_or(0) + 1) * UNIT;
    // Label every how many rows so that labels do not overlap (about 20 pixels each).
    let every = usize::try_from((20 / row_px.max(1)).max(1)).unwrap_or(1);
    let row_keys: Vec<i32> = (0..rows)
        .filter(|row| row % every == 0)
        .map(|row| bottom_of(row) + UNIT / 2)
        .collect();
    let hour_keys: Vec<i32> = (0..24).step_by(3).map(|h| h * UNIT + UNIT / 2).collect();
    let mut plot = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(56)
        .y_label_area_size(120)
        .build_cartesian_2d(
            (0..24 * UNIT).with_key_points(hour_keys),
            (0..top).with_key_points(row_keys),
        )
        .map_err(|e| fail(&e))?;
    let row_label = |y: &i32| {
        usize::try_from((top - y) / UNIT)
            .ok()
            .and_then(|row| chart.row_labels.get(row))
            .cloned()
            .unwrap_or_default()
    };
    let hour_label = |x: &i32| format!("{:02}", x / UNIT);
    plot.configure_mesh()
        .disable_mesh()
        .x_desc(chart.x_description.as_str())
        .x_label_formatter(&hour_label)
        .y_label_formatter(&row_label)
        .label_style(("sans-serif", FONT_SIZE).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", FONT_SIZE + 1.0).into_font().color(&BLACK))
        .axis_style(RGBColor(90, 90, 90).stroke_width(1))
        .draw()
        .map_err(|e| fail(&e))?;
    let write_values = row_px >= WRITTEN_ROW_PX;
    let cell = |row: usize, hour: usize| {
        let (x, y) = (i32::try_from(hour).unwrap_or(0) * UNIT, bottom_of(row));
        [(x, y), (x + UNIT, y + UNIT)]
    };
    // An outlined cell is framed in black with a white ring inside, which shows on light
    // and dark cells alike. The frame is drawn as filled rectangles, one inside the other:
    // the SVG backend does not write a rectangle's stroke width.
    let inset =
        |[(x0, y0), (x1, y1)]: [(i32, i32); 2], by: i32| [(x0 + by, y0 + by), (x1 - by, y1 - by)];
    for (row, hours) in chart.cells.iter().enumerate() {
        for (hour, value) in hours.iter().enumerate() {
            let colour = value.map_or(EMPTY_CELL, |v| {
                SEQUENTIAL[heat_step(&chart.steps, v).min(SEQUENTIAL.len() - 1)]
            });
            let outlined = chart.outlined.get(row).is_some_and(|marks| marks[hour]);
            let area = cell(row, hour);
            let layers: &[(RGBColor, i32)] = if outlined {
                &[(BLACK, 0), (WHITE, 1), (colour, 2)]
            } else {
                &[(colour, 0)]
            };
            for (fill, by) in layers {
                plot.draw_series(std::iter::once(Rectangle::new(
                    inset(area, *by),
                    fill.filled(),
                )))
                .map_err(|e| fail(&e))?;
            }
            // A white hairline between cells keeps neighbours of one colour apart.
            plot.draw_series(std::iter::once(Rectangle::new(area, WHITE.stroke_width(1))))
                .map_err(|e| fail(&e))?;
            if let (true, Some(v)) = (write_values, value) {
                let [(x, y), _] = area;
                let font = ("sans-serif", FONT_SIZE - 2.5)
                    .into_font()
                    .color(&ink_on(colour))
                    .pos(Pos::new(HPos::Center, VPos::Center));
                plot.draw_series(std::iter::once(Text::new(
                    chart.lang.number(*v, 0),
                    (x + UNIT / 2, y + UNIT / 2),
                    font,
                )))
                .map_err(|e| fail(&e))?;
            }
        }
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Bars along the hours of a period, one row of bars per place: when something lasted.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// Unique within the page: names the SVG `<title>`.
    pub id: String,
    /// The label under each day's start, one per day of the period.
    pub day_labels: Vec<String>,
    /// Each row's label and its bars, `(start, end)` in hours since the period's first
    /// local midnight, cut to the period.
    pub rows: Vec<(String, Vec<(f64, f64)>)>,
    pub x_description: String,
    pub summary: String,
}

/// The height of one row of a timeline, in SVG pixels.
const TIMELINE_ROW: u32 = 40;

/// Draws the timeline as an SVG document with its text alternative.
pub fn timeline_svg(chart: &Timeline) -> Result<String> {
    let mut svg = String::new();
    draw_timeline(chart, &mut svg).map_err(DashboardError::Chart)?;
    Ok(with_text_alternative(&svg, &chart.id, &chart.summary))
}

fn draw_timeline(chart: &Timeline, svg: &mut String) -> std::result::Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let rows = chart.rows.len().max(1);
    let height = u32::try_from(rows).unwrap_or(1) * TIMELINE_ROW + 90;
    let root = SVGBackend::with_string(svg, (WIDE.0, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let end = i32::try_from(chart.day_labels.len().max(1) * 24).unwrap_or(24);
    let top = i32::try_from(rows * ROW_UNITS).unwrap_or(i32::MAX);
    let centres: Vec<i32> = (0..rows)
        .filter_map(|row| i32::try_from((rows - row) * ROW_UNITS).ok())
        .map(|row_top| row_top - HALF_ROW)
        .collect();
    let key_points: Vec<i32> = (0..=end).step_by(24).collect();
    let mut plot = ChartBuilder::on(&root)
        .margin(12)
        .margin_right(24)
        .x_label_area_size(56)
        .y_label_area_size(170)
        .build_cartesian_2d(
            (0..end).with_key_points(key_points),
            (0..top).with_key_points(centres),
        )
        .map_err(|e| fail(&e))?;
    let every = day_label_step(&chart.day_labels, WIDE.0, 170, end);
    let day_label = |x: &i32| {
        usize::try_from(x / 24)
            .ok()
            .filter(|day| x % 24 == 0 && day % every == 0)
            .and_then(|day| chart.day_labels.get(day).cloned())
            .unwrap_or_default()
    };
    let row_label = |y: &i32| {
        usize::try_from(*y)
            .ok()
            .and_then(|y| rows.checked_sub(y / ROW_UNITS + 1))
            .and_then(|row| chart.rows.get(row))
            .map(|(label, _)| label.clone())
            .unwrap_or_default()
    };
    plot.configure_mesh()
        .disable_y_mesh()
        .x_desc(chart.x_description.as_str())
        .x_label_formatter(&day_label)
        .y_label_formatter(&row_label)
        .label_style(("sans-serif", FONT_SIZE).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", FONT_SIZE + 1.0).into_font().color(&BLACK))
        .bold_line_style(RGBColor(200, 200, 200).stroke_width(1))
        .light_line_style(RGBColor(235, 235, 235).stroke_width(1))
        .axis_style(RGBColor(90, 90, 90).stroke_width(1))
        .draw()
        .map_err(|e| fail(&e))?;
    let colour = PALETTE[1];
    for (row, (_, bars)) in chart.rows.iter().enumerate() {
        let row_top = i32::try_from((rows - row) * ROW_UNITS).unwrap_or(0);
        let (bar_top, bar_bottom) = (
            row_top - 2 * BAR_MARGIN,
            row_top - 2 * HALF_ROW + 2 * BAR_MARGIN,
        );
        for &(start, finish) in bars {
            // Hours on the axis are whole: an episode is whole hours, so nothing is lost.
            let from = (start.floor() as i32).clamp(0, end);
            let to = (finish.ceil() as i32).clamp(0, end);
            if to <= from {
                continue;
            }
            plot.draw_series(std::iter::once(Rectangle::new(
                [(from, bar_bottom), (to, bar_top)],
                colour.filled(),
            )))
            .map_err(|e| fail(&e))?;
            plot.draw_series(std::iter::once(Rectangle::new(
                [(from, bar_bottom), (to, bar_top)],
                BLACK.stroke_width(1),
            )))
            .map_err(|e| fail(&e))?;
        }
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Label every how many days so that the day labels of a line chart do not overlap.
fn label_step(chart: &LineChart, end: i32) -> usize {
    day_label_step(&chart.day_labels, chart.size.0, 64, end + LABEL_ROOM)
}

/// Label every how many days so that day labels do not overlap: a label is about
/// `LABEL_CHAR_PX` per character plus a gap, a day is the plot's width over its hours.
fn day_label_step(labels: &[String], width: u32, y_label_px: u32, hours: i32) -> usize {
    const LABEL_CHAR_PX: f64 = 7.0;
    const GAP_PX: f64 = 10.0;
    let plot_px = f64::from(width) - 24.0 - f64::from(y_label_px);
    let day_px = plot_px * 24.0 / f64::from(hours.max(1));
    let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let needed = widest * LABEL_CHAR_PX + GAP_PX;
    ((needed / day_px).ceil() as usize).max(1)
}

/// Splits a line where points are more than `join_within` hours apart, so a quiet night is
/// not drawn as a slope.
fn segments(points: &[(i32, f64)], join_within: i32) -> Vec<&[(i32, f64)]> {
    let mut segments = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        let broken = i == points.len() || points[i].0 - points[i - 1].0 > join_within;
        if broken {
            if start < i {
                segments.push(&points[start..i]);
            }
            start = i;
        }
    }
    segments
}

/// Gives the SVG `role="img"`, an `aria-label` and a `<title>`: screen readers announce
/// the summary instead of reading out every tick label.
fn with_text_alternative(svg: &str, id: &str, summary: &str) -> String {
    let summary = escape_xml(summary);
    let id = escape_xml(id);
    let opening = format!(
        "<svg role=\"img\" aria-labelledby=\"{id}-title\" focusable=\"false\" class=\"chart-svg\" "
    );
    let svg = svg.trim_start_matches(|c: char| c.is_whitespace());
    let svg = svg.replacen("<svg ", &opening, 1);
    match svg.find('>') {
        Some(end) => format!(
            "{}<title id=\"{id}-title\">{summary}</title>{}",
            &svg[..=end],
            &svg[end + 1..]
        ),
        None => svg,
    }
}

/// Escapes text for XML content and attribute values.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_hours_split_a_line_into_segments() {
        let points = [(0, 1.0), (1, 2.0), (5, 3.0), (6, 4.0), (9, 5.0)];
        let lengths: Vec<usize> = segments(&points, HOURLY).iter().map(|s| s.len()).collect();
        assert_eq!(lengths, vec![2, 2, 1]);
    }

    #[test]
    fn stacked_bars_label_rows_and_wide_segments() {
        let chart = StackedBars {
            id: "bars".into(),
            rows: vec![
                ("CGK".into(), vec![0.5, 0.45, 0.05]),
                ("JFK".into(), vec![0.25, 0.25, 0.5]),
            ],
            x_description: "Share of passengers".into(),
            summary: "Waits".into(),
            lang: Lang::Id,
            scale: BarScale::Shares,
            colours: BarColours::Sequential,
        };
        let svg = stacked_bars_svg(&chart).expect("bars draw");
        assert!(svg.contains("<title id=\"bars-title\">Waits</title>"));
        assert!(
            svg.contains("\nCGK\n</text>") && svg.contains("\nJFK\n</text>"),
            "{svg}"
        );
        assert!(svg.contains("\n45%\n</text>"), "a wide segment is labelled");
        assert!(!svg.contains("\n5%\n</text>"), "a narrow one is not");
        assert!(svg.contains("\n100%\n</text>"), "the axis ends at 100%");
    }

    #[test]
    fn minute_bars_scale_to_the_longest_and_ignore_negative_segments() {
        let chart = StackedBars {
            id: "stages".into(),
            rows: vec![
                ("Sen 19/10".into(), vec![30.0, 20.0]),
                ("Sel 20/10".into(), vec![40.0, -3.0]),
            ],
            x_description: "Menit".into(),
            summary: "Tahapan".into(),
            lang: Lang::Id,
            scale: BarScale::Minutes,
            colours: BarColours::Categorical,
        };
        let svg = stacked_bars_svg(&chart).expect("bars draw");
        assert!(
            svg.contains("\n30\n</text>") && svg.contains("\n40\n</text>"),
            "{svg}"
        );
        assert!(
            !svg.contains("\n-3\n</text>"),
            "a negative stage is not drawn"
        );
        assert!(!svg.contains("%"), "minutes are not percentages");
        // Blue gets white ink, orange black (the higher contrast of the two).
        assert_eq!(ink_on(PALETTE[0]), WHITE);
        assert_eq!(ink_on(PALETTE[1]), BLACK);
    }

    #[test]
    fn heat_steps_are_upper_edges_and_cells_are_written_and_outlined() {
        let steps = [5.0, 10.0, 15.0];
        assert_eq!(heat_step(&steps, 0.0), 0);
        assert_eq!(
            heat_step(&steps, 5.0),
            0,
            "an edge belongs to the step below"
        );
        assert_eq!(heat_step(&steps, 5.1), 1);
        assert_eq!(heat_step(&steps, 99.0), 3);
        let mut cells = [None; 24];
        cells[8] = Some(27.5);
        let mut outlined = [false; 24];
        outlined[8] = true;
        let chart = HeatMap {
            id: "heat".into(),
            row_labels: vec!["Tue 20/10".into()],
            cells: vec![cells],
            outlined: vec![outlined],
            steps: steps.to_vec(),
            x_description: "Local hour (WIB)".into(),
            summary: "Waits".into(),
            lang: Lang::En,
        };
        let svg = heat_map_svg(&chart).expect("heat map draws");
        assert!(svg.contains("<title id=\"heat-title\">Waits</title>"));
        assert!(
            svg.contains("\n28\n</text>"),
            "the cell's value, rounded: {svg}"
        );
        assert!(
            svg.contains("\nTue 20/10\n</text>") && svg.contains("\n09\n</text>"),
            "{svg}"
        );
        assert_eq!(
            svg.matches("fill=\"#000000\" stroke=\"none\"").count(),
            1,
            "one outlined cell, framed in black: {svg}"
        );
    }

    #[test]
    fn timeline_draws_one_row_per_place() {
        let chart = Timeline {
            id: "episodes".into(),
            day_labels: vec!["Mon 19/10".into(), "Tue 20/10".into()],
            rows: vec![
                ("whole port".into(), vec![(32.0, 34.0)]),
                ("terminal T3".into(), vec![(32.0, 33.0), (40.0, 99.0)]),
            ],
            x_description: "Local time (WIB)".into(),
            summary: "Two episodes".into(),
        };
        let svg = timeline_svg(&chart).expect("timeline draws");
        assert!(svg.contains("\nwhole port\n</text>") && svg.contains("\nterminal T3\n</text>"));
        assert!(svg.contains("\nTue 20/10\n</text>"));
        assert_eq!(
            svg.matches("fill=\"#D55E00\"").count(),
            3,
            "one bar per episode, the one past the period's end cut to it: {svg}"
        );
    }

    #[test]
    fn day_labels_of_a_long_period_are_thinned_so_they_do_not_overlap() {
        let chart = |days: usize, size| LineChart {
            id: "c".into(),
            day_labels: (0..days).map(|d| format!("Sen {d:02}")).collect(),
            x_description: String::new(),
            y_description: String::new(),
            series: Vec::new(),
            reference: None,
            summary: String::new(),
            lang: Lang::Id,
            size,
            y_max: None,
            join_within: HOURLY,
        };
        let step = |days: usize, size| label_step(&chart(days, size), days as i32 * 24);
        assert_eq!(
            step(7, SMALL),
            1,
            "a week of small labels fits a small chart"
        );
        assert!(step(14, SMALL) >= 2);
        assert_eq!(step(7, WIDE), 1);
        // 92 days on 912 pixels: about 10 pixels a day, a 52-pixel label every 6 days.
        assert_eq!(step(92, WIDE), 6);
    }

    #[test]
    fn chart_has_a_title_and_escapes_it() {
        let chart = LineChart {
            id: "c".into(),
            day_labels: vec!["Mon 19/10".into(), "Tue 20/10".into()],
            x_description: "Local time".into(),
            y_description: "Minutes".into(),
            series: vec![Series {
                short_label: "CGK".into(),
                points: vec![(0, 10.0), (12, 20.0)],
            }],
            reference: Some(Reference {
                short_label: "target".into(),
                value: 35.0,
            }),
            summary: "p90 <= 35 & rising".into(),
            lang: Lang::En,
            size: SMALL,
            y_max: None,
            join_within: HOURLY,
        };
        let svg = line_chart_svg(&chart).expect("chart draws");
        assert!(
            svg.starts_with("<svg role=\"img\" aria-labelledby=\"c-title\""),
            "{}",
            &svg[..80]
        );
        assert!(svg.contains("<title id=\"c-title\">p90 &lt;= 35 &amp; rising</title>"));
        assert!(
            svg.contains("\nCGK\n</text>") && svg.contains("\nTue 20/10\n</text>"),
            "{svg}"
        );
    }
}
