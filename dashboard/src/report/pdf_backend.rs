//! A plotters drawing backend that writes PDF path and text operators into a page's
//! content stream, so the report's charts are vectors in the PDF: sharp at any zoom and
//! their text selectable, drawn by the same chart code as the HTML page's SVG.
//!
//! Plotters draws in its own units, y pointing down, from the chart's top-left corner;
//! the backend places that area at a point of the page and scales it to points.

use std::convert::Infallible;

use pdf_writer::Content;
use pdf_writer::types::{LineCapStyle, LineJoinStyle};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};

use super::fonts::{self, Face};

/// Plotters draws text at 1/1.24 of the size it is given (as its SVG backend does).
const TEXT_SCALE: f64 = 1.24;

/// Draws into `content`, a chart of `size` chart units whose top-left corner is at
/// `origin` (PDF points, y up), `scale` points per chart unit.
pub struct PdfBackend<'a> {
    content: &'a mut Content,
    size: (u32, u32),
    origin: (f32, f32),
    scale: f32,
}

impl std::fmt::Debug for PdfBackend<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfBackend")
            .field("size", &self.size)
            .field("origin", &self.origin)
            .field("scale", &self.scale)
            .finish_non_exhaustive()
    }
}

impl<'a> PdfBackend<'a> {
    pub fn new(content: &'a mut Content, size: (u32, u32), origin: (f32, f32), scale: f32) -> Self {
        PdfBackend {
            content,
            size,
            origin,
            scale,
        }
    }

    fn x(&self, x: f64) -> f32 {
        self.origin.0 + x as f32 * self.scale
    }

    fn y(&self, y: f64) -> f32 {
        self.origin.1 - y as f32 * self.scale
    }

    /// Sets the fill and stroke colour; transparency is mixed with the white page.
    fn colour(&mut self, colour: BackendColor) {
        let alpha = colour.alpha.clamp(0.0, 1.0) as f32;
        let mix = |c: u8| (f32::from(c) / 255.0) * alpha + (1.0 - alpha);
        let (r, g, b) = (mix(colour.rgb.0), mix(colour.rgb.1), mix(colour.rgb.2));
        self.content.set_fill_rgb(r, g, b);
        self.content.set_stroke_rgb(r, g, b);
    }

    fn line_width(&mut self, width: u32) {
        self.content
            .set_line_width((width.max(1) as f32 * self.scale).max(0.25));
    }
}

impl DrawingBackend for PdfBackend<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        colour: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if colour.alpha <= 0.0 {
            return Ok(());
        }
        self.colour(colour);
        let (x, y) = (self.x(f64::from(point.0)), self.y(f64::from(point.1 + 1)));
        self.content.rect(x, y, self.scale, self.scale);
        self.content.fill_nonzero();
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        self.colour(style.color());
        let (x0, y0) = (
            self.x(f64::from(upper_left.0)),
            self.y(f64::from(upper_left.1)),
        );
        let (x1, y1) = (
            self.x(f64::from(bottom_right.0)),
            self.y(f64::from(bottom_right.1)),
        );
        self.content
            .rect(x0.min(x1), y0.min(y1), (x1 - x0).abs(), (y1 - y0).abs());
        if fill {
            self.content.fill_nonzero();
        } else {
            self.line_width(style.stroke_width());
            self.content.stroke();
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        let points: Vec<BackendCoord> = path.into_iter().collect();
        if points.len() < 2 {
            return Ok(());
        }
        self.colour(style.color());
        self.line_width(style.stroke_width());
        self.content.set_line_join(LineJoinStyle::RoundJoin);
        self.content.set_line_cap(LineCapStyle::ButtCap);
        let (x, y) = (
            self.x(f64::from(points[0].0)),
            self.y(f64::from(points[0].1)),
        );
        self.content.move_to(x, y);
        for point in &points[1..] {
            let (x, y) = (self.x(f64::from(point.0)), self.y(f64::from(point.1)));
            self.content.line_to(x, y);
        }
        self.content.stroke();
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        self.colour(style.color());
        let (cx, cy) = (self.x(f64::from(center.0)), self.y(f64::from(center.1)));
        let r = radius as f32 * self.scale;
        // Four cubic Béziers, each a quarter circle (control points at 0.5523 r).
        let k = 0.552_284_8 * r;
        self.content.move_to(cx + r, cy);
        self.content
            .cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        self.content
            .cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        self.content
            .cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        self.content
            .cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        self.content.close_path();
        if fill {
            self.content.fill_nonzero();
        } else {
            self.line_width(style.stroke_width());
            self.content.stroke();
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        let points: Vec<BackendCoord> = vertices.into_iter().collect();
        if points.len() < 3 {
            return Ok(());
        }
        self.colour(style.color());
        let (x, y) = (
            self.x(f64::from(points[0].0)),
            self.y(f64::from(points[0].1)),
        );
        self.content.move_to(x, y);
        for point in &points[1..] {
            let (x, y) = (self.x(f64::from(point.0)), self.y(f64::from(point.1)));
            self.content.line_to(x, y);
        }
        self.content.close_path();
        self.content.fill_nonzero();
        Ok(())
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let colour = style.color();
        if colour.alpha <= 0.0 || text.is_empty() {
            return Ok(());
        }
        let face = face_of(style.style());
        let size = (style.size() / TEXT_SCALE) as f32 * self.scale;
        let width = fonts::width(text, face, size);
        // Offsets along the text (dx) and across it (dy, up), as plotters anchors text.
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => -0.76 * size,
            VPos::Center => -0.35 * size,
            VPos::Bottom => 0.22 * size,
        };
        let (ax, ay) = (self.x(f64::from(pos.0)), self.y(f64::from(pos.1)));
        // The text's direction on the page: plotters' Rotate270 reads bottom to top.
        let (cos, sin) = match style.transform() {
            FontTransform::None => (1.0, 0.0),
            FontTransform::Rotate90 => (0.0, -1.0),
            FontTransform::Rotate180 => (-1.0, 0.0),
            FontTransform::Rotate270 => (0.0, 1.0),
        };
        let x = ax + dx * cos - dy * sin;
        let y = ay + dx * sin + dy * cos;
        let alpha = colour.alpha.clamp(0.0, 1.0) as f32;
        let mix = |c: u8| (f32::from(c) / 255.0) * alpha + (1.0 - alpha);
        let rgb = (mix(colour.rgb.0), mix(colour.rgb.1), mix(colour.rgb.2));
        fonts::draw(self.content, (x, y), (cos, sin), text, face, size, rgb);
        Ok(())
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let size = (style.size() / TEXT_SCALE) as f32;
        let width = fonts::width(text, face_of(style.style()), size);
        Ok((width.ceil() as u32, size.ceil() as u32))
    }
}

fn face_of(style: FontStyle) -> Face {
    match style {
        FontStyle::Bold => Face::Bold,
        _ => Face::Regular,
    }
}

#[cfg(test)]
mod tests {
    use plotters::prelude::*;

    use super::*;

    #[test]
    fn shapes_and_text_become_pdf_operators_at_the_chart_position() {
        let mut content = Content::new();
        {
            let backend = PdfBackend::new(&mut content, (200, 100), (50.0, 700.0), 0.5);
            let root = backend.into_drawing_area();
            root.draw(&Rectangle::new([(0, 0), (20, 10)], RED.filled()))
                .unwrap();
            root.draw(&PathElement::new(
                vec![(0, 0), (200, 100)],
                plotters::style::Color::stroke_width(&BLACK, 2),
            ))
            .unwrap();
            root.draw(&Text::new("CGK", (100, 50), ("sans-serif", 12.4)))
                .unwrap();
        }
        let bytes = content.finish();
        let ops = String::from_utf8_lossy(&bytes);
        // The rectangle's corner (0, 10) in chart units is (50, 695) on the page.
        assert!(ops.contains("50 695 10 5 re\nf"), "{ops}");
        assert!(ops.contains("50 700 m\n150 650 l\nS"), "{ops}");
        // Text at 12.4 / 1.24 = 10 units = 5 points, in Helvetica.
        assert!(
            ops.contains("/F1 5 Tf") && ops.contains("(CGK) Tj"),
            "{ops}"
        );
    }
}
