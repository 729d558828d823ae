//! The PDF's two fonts, the standard Helvetica and Helvetica-Bold in WinAnsiEncoding
//! (which holds every letter Bahasa Indonesia and English need), and the few signs they
//! lack (✓ ✗ ○ ● ■ ≥ ≤ →), drawn as small vector shapes so that they show in every PDF
//! reader, also where the Symbol and ZapfDingbats fonts are not installed. Every PDF
//! reader has Helvetica, so nothing is embedded; its advance widths (Adobe's published
//! font metrics, in thousandths of the font size) lay text out without a font file.

use pdf_writer::types::{LineCapStyle, LineJoinStyle};
use pdf_writer::{Content, Name, Str};

/// The fonts' resource names on every page.
pub const REGULAR: Name<'static> = Name(b"F1");
pub const BOLD: Name<'static> = Name(b"F2");

/// A font the text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// A character as the PDF writes it: a byte of the font, or a drawn sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Glyph {
    Text(u8),
    Sign(Sign),
}

/// The signs drawn as vector shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    Check,
    Cross,
    Circle,
    Dot,
    Square,
    AtLeast,
    AtMost,
    Arrow,
}

impl Sign {
    /// The advance width in thousandths of the font size.
    fn width(self) -> u16 {
        match self {
            Sign::Check => 820,
            Sign::Cross => 780,
            Sign::Circle | Sign::Dot => 780,
            Sign::Square => 720,
            Sign::AtLeast | Sign::AtMost => 600,
            Sign::Arrow => 960,
        }
    }

    /// Draws the sign with its left end at `x` on the baseline, in the current colour.
    fn draw(self, content: &mut Content, x: f32, size: f32) {
        let p = |dx: f32, dy: f32| (x + dx * size, dy * size);
        let stroke = |content: &mut Content, width: f32, points: &[(f32, f32)]| {
            content.set_line_width(width * size);
            content.set_line_cap(LineCapStyle::RoundCap);
            content.set_line_join(LineJoinStyle::RoundJoin);
            let mut points = points.iter();
            if let Some((x, y)) = points.next() {
                content.move_to(*x, *y);
            }
            for (x, y) in points {
                content.line_to(*x, *y);
            }
            content.stroke();
        };
        match self {
            Sign::Check => stroke(
                content,
                0.12,
                &[p(0.10, 0.36), p(0.30, 0.12), p(0.72, 0.70)],
            ),
            Sign::Cross => {
                stroke(content, 0.12, &[p(0.14, 0.12), p(0.62, 0.64)]);
                stroke(content, 0.12, &[p(0.14, 0.64), p(0.62, 0.12)]);
            }
            Sign::Circle | Sign::Dot => {
                let (cx, cy) = p(0.38, 0.36);
                let r = 0.25 * size;
                let k = 0.552_284_8 * r;
                content.move_to(cx + r, cy);
                content.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
                content.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
                content.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
                content.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
                content.close_path();
                if self == Sign::Dot {
                    content.fill_nonzero();
                } else {
                    content.set_line_width(0.08 * size);
                    content.stroke();
                }
            }
            Sign::Square => {
                let (x0, y0) = p(0.10, 0.08);
                content.rect(x0, y0, 0.5 * size, 0.5 * size);
                content.fill_nonzero();
            }
            Sign::AtLeast => {
                stroke(
                    content,
                    0.07,
                    &[p(0.10, 0.64), p(0.50, 0.47), p(0.10, 0.30)],
                );
                stroke(content, 0.07, &[p(0.10, 0.13), p(0.50, 0.13)]);
            }
            Sign::AtMost => {
                stroke(
                    content,
                    0.07,
                    &[p(0.50, 0.64), p(0.10, 0.47), p(0.50, 0.30)],
                );
                stroke(content, 0.07, &[p(0.10, 0.13), p(0.50, 0.13)]);
            }
            Sign::Arrow => {
                stroke(content, 0.07, &[p(0.06, 0.34), p(0.86, 0.34)]);
                stroke(
                    content,
                    0.07,
                    &[p(0.62, 0.52), p(0.88, 0.34), p(0.62, 0.16)],
                );
            }
        }
    }
}

/// Helvetica's widths for WinAnsiEncoding bytes 32 to 255.
#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 350,
    556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,
    350, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

/// Helvetica-Bold's widths for WinAnsiEncoding bytes 32 to 255.
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 350,
    556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,
    350, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

/// The byte of a character in WinAnsiEncoding, where it has one.
fn win_ansi(c: char) -> Option<u8> {
    let code = u32::from(c);
    match code {
        0x20..=0x7e | 0xa0..=0xff => u8::try_from(code).ok(),
        _ => Some(match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8a,
            '‹' => 0x8b,
            'Œ' => 0x8c,
            'Ž' => 0x8e,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9a,
            '›' => 0x9b,
            'œ' => 0x9c,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            '−' => b'-',
            '\u{2009}' | '\u{202f}' => b' ',
            _ => return None,
        }),
    }
}

fn glyph(c: char) -> Glyph {
    match c {
        '≥' => Glyph::Sign(Sign::AtLeast),
        '≤' => Glyph::Sign(Sign::AtMost),
        '→' => Glyph::Sign(Sign::Arrow),
        '✓' | '✔' => Glyph::Sign(Sign::Check),
        '✗' | '✘' => Glyph::Sign(Sign::Cross),
        '○' => Glyph::Sign(Sign::Circle),
        '●' => Glyph::Sign(Sign::Dot),
        '■' => Glyph::Sign(Sign::Square),
        other => Glyph::Text(win_ansi(other).unwrap_or(b'?')),
    }
}

fn glyph_width(glyph: Glyph, face: Face) -> u16 {
    match glyph {
        Glyph::Text(byte) => {
            let table = match face {
                Face::Regular => &HELVETICA,
                Face::Bold => &HELVETICA_BOLD,
            };
            table
                .get(usize::from(byte).saturating_sub(32))
                .copied()
                .unwrap_or(556)
        }
        Glyph::Sign(sign) => sign.width(),
    }
}

/// The width of `text` set in `face` at `size` points.
pub fn width(text: &str, face: Face, size: f32) -> f32 {
    let thousandths: u32 = text
        .chars()
        .map(|c| u32::from(glyph_width(glyph(c), face)))
        .sum();
    thousandths as f32 * size / 1000.0
}

/// Draws `text` with its baseline starting at `origin`, turned by the angle whose cosine
/// and sine are `direction` (`(1, 0)`: left to right), in `colour`: runs of letters as
/// text, signs as shapes.
pub fn draw(
    content: &mut Content,
    origin: (f32, f32),
    direction: (f32, f32),
    text: &str,
    face: Face,
    size: f32,
    colour: (f32, f32, f32),
) {
    let font = match face {
        Face::Regular => REGULAR,
        Face::Bold => BOLD,
    };
    let (cos, sin) = direction;
    content.save_state();
    content.set_fill_rgb(colour.0, colour.1, colour.2);
    content.set_stroke_rgb(colour.0, colour.1, colour.2);
    content.transform([cos, sin, -sin, cos, origin.0, origin.1]);
    let mut x = 0.0;
    let mut run: Vec<u8> = Vec::new();
    let flush = |content: &mut Content, run: &mut Vec<u8>, x: &mut f32| {
        if run.is_empty() {
            return;
        }
        content.begin_text();
        content.set_font(font, size);
        content.next_line(*x, 0.0);
        content.show(Str(run));
        content.end_text();
        let thousandths: u32 = run
            .iter()
            .map(|b| u32::from(glyph_width(Glyph::Text(*b), face)))
            .sum();
        *x += thousandths as f32 * size / 1000.0;
        run.clear();
    };
    for c in text.chars() {
        match glyph(c) {
            Glyph::Text(byte) => run.push(byte),
            Glyph::Sign(sign) => {
                flush(content, &mut run, &mut x);
                sign.draw(content, x, size);
                x += f32::from(sign.width()) * size / 1000.0;
            }
        }
    }
    flush(content, &mut run, &mut x);
    content.restore_state();
}

/// Breaks `text` into lines no wider than `max` points (a word longer than a line is
/// broken between characters).
pub fn wrap(text: &str, face: Face, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, face, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if width(word, face, size) <= max {
                line = word.to_string();
            } else {
                for c in word.chars() {
                    if !line.is_empty() && width(&format!("{line}{c}"), face, size) > max {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_helvetica_metrics() {
        // "Imigrasi" in Helvetica: I 278, m 833, i 222, g 556, r 333, a 556, s 500, i 222 = 3500.
        assert!((width("Imigrasi", Face::Regular, 10.0) - 35.0).abs() < 1e-4);
        // Bold is wider: I 278, m 889, i 278, g 611, r 389, a 556, s 556, i 278 = 3835.
        assert!((width("Imigrasi", Face::Bold, 10.0) - 38.35).abs() < 1e-4);
        // Latin-1 letters have their own widths, unknown characters fall back to '?'.
        assert_eq!(width("é", Face::Regular, 1.0), 0.556);
        assert_eq!(
            width("≥", Face::Regular, 1.0),
            0.6,
            "a drawn sign has its own width"
        );
    }

    #[test]
    fn wrapping_keeps_words_whole_and_fits_the_width() {
        let lines = wrap(
            "Waktu penyelesaian per jam menurut terminal",
            Face::Regular,
            8.0,
            80.0,
        );
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, Face::Regular, 8.0) <= 80.0));
        assert_eq!(
            lines.join(" "),
            "Waktu penyelesaian per jam menurut terminal"
        );
    }

    #[test]
    fn signs_are_drawn_and_letters_are_text() {
        let mut content = Content::new();
        draw(
            &mut content,
            (10.0, 20.0),
            (1.0, 0.0),
            "✓ Met ≥ 5",
            Face::Bold,
            10.0,
            (0.0, 0.0, 0.0),
        );
        let bytes = content.finish();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("1 0 0 1 10 20 cm"), "{text}");
        assert!(text.contains("/F2 10 Tf"), "{text}");
        assert!(text.contains("( Met ) Tj"), "{text}");
        assert!(text.contains("( 5) Tj"), "{text}");
        // The check mark is a stroked path before the text, starting at 0.10 em.
        let check = text
            .find("\n1 3.6")
            .expect("the check is drawn from (1, 3.6)");
        assert!(check < text.find("( Met ) Tj").unwrap(), "{text}");
        assert!(!text.contains('\u{2713}'));
        // ' Met ' starts after the check's 0.82 em advance.
        assert!(text.contains("8.2 0 Td"), "{text}");
    }
}
