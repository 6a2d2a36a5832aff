//! What every chart shares: the shipped font, colours that stay apart in
//! black-and-white print, line and marker styles, the title block, the
//! legend, horizontal bar panels and number formats for people.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;
use std::sync::Once;

/// The result of drawing on a backend.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The font family every chart uses, registered from the shipped font.
pub const FONT: &str = "sans-serif";

/// DejaVu Sans (assets/fonts, Bitstream Vera licence).
pub const REGULAR_FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub const BOLD_FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

static FONTS: Once = Once::new();

/// Registers the shipped DejaVu Sans for [`FONT`]: plotters measures text
/// with it (label areas, SVG layout); PNG text is drawn from the same bytes
/// (see `raster.rs`), so no system font is needed.
pub fn register_fonts() {
    FONTS.call_once(|| {
        // the bytes are the shipped fonts: they parse, and a test renders text with them
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, REGULAR_FONT);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, BOLD_FONT);
    });
}

/// Text, axes and reference lines.
pub const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
/// Secondary text.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xe2, 0xe2, 0xe2);

/// Line series colours (Okabe–Ito, colour-blind safe), in an order that
/// alternates dark and light; dash patterns and markers tell them apart in
/// grey print.
const LINE_COLORS: [RGBColor; 8] = [
    RGBColor(0x00, 0x3f, 0x88),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x7a, 0x5a),
    RGBColor(0x80, 0x4a, 0x8c),
    RGBColor(0x1a, 0x1a, 0x1a),
    RGBColor(0x3c, 0x8d, 0xc8),
    RGBColor(0x8c, 0x6d, 0x00),
    RGBColor(0x99, 0x99, 0x99),
];

/// Bar fills, far apart in lightness (dark, light, white, mid, …), all
/// drawn with a dark outline.
const BAR_FILLS: [RGBColor; 6] = [
    RGBColor(0x1f, 0x3b, 0x73),
    RGBColor(0xf0, 0xb4, 0x4c),
    RGBColor(0xff, 0xff, 0xff),
    RGBColor(0x6f, 0x8f, 0xb8),
    RGBColor(0x33, 0x33, 0x33),
    RGBColor(0xc9, 0xdd, 0xee),
];

/// True for a colour on which white text reads best.
pub fn is_dark(c: RGBColor) -> bool {
    let RGBColor(r, g, b) = c;
    0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b) < 128.0
}

/// The fill of bar series `i`.
pub fn bar_fill(i: usize) -> RGBColor {
    BAR_FILLS[i % BAR_FILLS.len()]
}

/// A stroke pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// Unbroken.
    Solid,
    /// Medium dashes.
    Dashed,
    /// Dots.
    Dotted,
    /// Long dashes.
    Long,
}

impl Dash {
    /// Dash length and gap in pixels (`None`: solid).
    fn pattern(self) -> Option<(f64, f64)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((9.0, 5.0)),
            Dash::Dotted => Some((2.5, 4.0)),
            Dash::Long => Some((18.0, 6.0)),
        }
    }
}

/// A point marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// Filled circle.
    Circle,
    /// Filled triangle.
    Triangle,
    /// Hollow square.
    Square,
    /// Diagonal cross.
    Cross,
    /// Hollow circle.
    Ring,
    /// Filled diamond.
    Diamond,
}

const MARKERS: [Marker; 6] = [
    Marker::Circle,
    Marker::Triangle,
    Marker::Square,
    Marker::Cross,
    Marker::Ring,
    Marker::Diamond,
];
const DASHES: [Dash; 4] = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::Long];

/// How line series `i` looks: colour, dash pattern and marker all change
/// from one series to the next.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// Stroke and marker colour.
    pub color: RGBColor,
    /// Stroke pattern.
    pub dash: Dash,
    /// Marker at data points.
    pub marker: Marker,
}

/// The look of line series `i`.
pub fn look(i: usize) -> Look {
    Look {
        color: LINE_COLORS[i % LINE_COLORS.len()],
        dash: DASHES[i % DASHES.len()],
        marker: MARKERS[i % MARKERS.len()],
    }
}

/// Text of `size` pixels in `color`.
pub fn text(size: u32, color: RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color)
}

/// Bold text of `size` pixels.
pub fn bold(size: u32) -> TextStyle<'static> {
    // FontDesc::style keeps the regular face: ask for the bold one by name
    (FONT, size, FontStyle::Bold).into_font().color(&INK)
}

/// Draws a polyline with a dash pattern on any drawing area.
pub fn path<DB, CT>(
    area: &DrawingArea<DB, CT>,
    points: Vec<CT::From>,
    dash: Dash,
    style: ShapeStyle,
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate,
    CT::From: Clone,
{
    match dash.pattern() {
        None => area.draw(&PathElement::new(points, style)),
        Some((on, off)) => area.draw(&DashedPathElement::new(points, on, off, style)),
    }
}

/// Draws a marker centred on `at`.
pub fn marker<DB, CT>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    kind: Marker,
    color: RGBColor,
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate,
    CT::From: Clone,
{
    let s = 5;
    let at = || EmptyElement::<CT::From, DB>::at(at.clone());
    match kind {
        Marker::Circle => area.draw(&(at() + Circle::new((0, 0), s, color.filled()))),
        Marker::Ring => area.draw(
            &(at()
                + Circle::new((0, 0), s, WHITE.filled())
                + Circle::new((0, 0), s, color.stroke_width(2))),
        ),
        Marker::Triangle => area.draw(
            &(at() + Polygon::new(vec![(0, -s - 1), (s + 1, s), (-s - 1, s)], color.filled())),
        ),
        Marker::Square => area.draw(
            &(at()
                + Rectangle::new([(-s, -s), (s, s)], WHITE.filled())
                + Rectangle::new([(-s, -s), (s, s)], color.stroke_width(2))),
        ),
        Marker::Cross => area.draw(
            &(at()
                + PathElement::new(vec![(-s, -s), (s, s)], color.stroke_width(2))
                + PathElement::new(vec![(-s, s), (s, -s)], color.stroke_width(2))),
        ),
        Marker::Diamond => area.draw(
            &(at()
                + Polygon::new(
                    vec![(0, -s - 1), (s + 1, 0), (0, s + 1), (-s - 1, 0)],
                    color.filled(),
                )),
        ),
    }
}

/// Draws series `i` through `points`: the line in its pattern, a marker
/// at every `every`-th point.
pub fn series<DB, CT>(
    area: &DrawingArea<DB, CT>,
    points: &[CT::From],
    i: usize,
    every: usize,
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate,
    CT::From: Clone,
{
    let l = look(i);
    if points.len() > 1 {
        path(area, points.to_vec(), l.dash, l.color.stroke_width(2))?;
    }
    for p in points.iter().step_by(every.max(1)) {
        marker(area, p.clone(), l.marker, l.color)?;
    }
    Ok(())
}

/// One entry of a legend.
#[derive(Debug, Clone)]
pub enum Key {
    /// A bar of series `i`.
    Bar(usize),
    /// Line series `i`.
    Series(usize),
    /// A reference line.
    Rule(Dash),
    /// A mean with its confidence interval.
    Interval,
}

/// Height of a one-row legend strip.
pub const LEGEND_ROW: u32 = 24;

/// Rows a legend with `entries` needs in `width` pixels.
pub fn legend_rows(entries: &[(Key, String)], width: u32) -> u32 {
    let mut rows = 1;
    let mut x = 16;
    for (_, label) in entries {
        let w = entry_width(label);
        if x + w > width as i32 - 8 && x > 16 {
            rows += 1;
            x = 16;
        }
        x += w;
    }
    rows
}

fn entry_width(label: &str) -> i32 {
    // DejaVu Sans at 13 px: about 7.4 px a character
    44 + (label.chars().count() as f64 * 7.4) as i32 + 18
}

/// Draws a legend left to right, wrapping into rows, on a strip in pixels.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Key, String)],
) -> DrawResult<DB> {
    let width = area.dim_in_pixel().0 as i32;
    let (mut x, mut y) = (16, LEGEND_ROW as i32 / 2);
    for (key, label) in entries {
        let w = entry_width(label);
        if x + w > width - 8 && x > 16 {
            x = 16;
            y += LEGEND_ROW as i32;
        }
        match key {
            Key::Bar(i) => {
                area.draw(&Rectangle::new(
                    [(x + 4, y - 6), (x + 32, y + 6)],
                    bar_fill(*i).filled(),
                ))?;
                area.draw(&Rectangle::new([(x + 4, y - 6), (x + 32, y + 6)], INK))?;
            }
            Key::Series(i) => {
                let l = look(*i);
                path(
                    area,
                    vec![(x, y), (x + 36, y)],
                    l.dash,
                    l.color.stroke_width(2),
                )?;
                marker(area, (x + 18, y), l.marker, l.color)?;
            }
            Key::Rule(dash) => {
                path(area, vec![(x, y), (x + 36, y)], *dash, INK.stroke_width(2))?;
            }
            Key::Interval => {
                let s = INK.stroke_width(2);
                area.draw(&PathElement::new(vec![(x + 4, y), (x + 32, y)], s))?;
                area.draw(&PathElement::new(vec![(x + 4, y - 5), (x + 4, y + 5)], s))?;
                area.draw(&PathElement::new(vec![(x + 32, y - 5), (x + 32, y + 5)], s))?;
                area.draw(&Circle::new((x + 18, y), 4, INK.filled()))?;
            }
        }
        area.draw(&Text::new(
            label.clone(),
            (x + 44, y),
            text(13, INK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += w;
    }
    Ok(())
}

/// Height of the title block with `lines` subtitle lines.
fn header_height(lines: usize) -> u32 {
    44 + 18 * lines as u32 + 8
}

/// Splits `s` into lines of at most about `width` pixels of 13-px text.
pub fn wrap(s: &str, width: u32) -> Vec<String> {
    let max = ((width as f64 - 32.0) / 7.0).max(20.0) as usize;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Height of the title block of a chart `width` wide.
pub fn header_for(subtitle: &str, width: u32) -> u32 {
    header_height(wrap(subtitle, width).len())
}

/// Paints the background, the title and the subtitle; returns the area below.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let width = root.dim_in_pixel().0;
    let lines = wrap(subtitle, width);
    root.draw(&Text::new(title.to_string(), (16, 12), bold(21)))?;
    for (i, l) in lines.iter().enumerate() {
        root.draw(&Text::new(
            l.clone(),
            (16, 44 + 18 * i as i32),
            text(14, MUTED),
        ))?;
    }
    let (_, rest) = root.split_vertically(header_height(lines.len()));
    Ok(rest)
}

/// Nice tick values from 0 up to at least `hi`.
pub fn ticks(lo: f64, hi: f64, want: usize) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / want.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= want as f64 * 1.3)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let mut out = Vec::new();
    for i in first.. {
        let v = i as f64 * step;
        if v > hi + step * 1e-9 {
            break;
        }
        // round away the binary noise of the multiplication (0.6000000000000001)
        out.push(format!("{v:.9e}").parse().unwrap_or(v));
    }
    out
}

/// A vertical or horizontal reference line (a target, the base's value).
#[derive(Debug, Clone)]
pub struct Rule {
    /// Where it crosses the value axis.
    pub value: f64,
    /// Text drawn beside it.
    pub label: String,
    /// Its pattern.
    pub dash: Dash,
}

/// A panel of horizontal bars: one group per category (top to bottom), one
/// bar per series in each group, each with its 95% CI.
pub struct HBars<'a> {
    /// Heading above the panel.
    pub title: String,
    /// Description of the value axis, with its unit.
    pub x_desc: String,
    /// Group names, top first.
    pub categories: &'a [String],
    /// Per series, per category: (mean, CI half-width); `None`: no bar.
    pub series: Vec<Vec<Option<(f64, f64)>>>,
    /// Value labels.
    pub fmt: &'a dyn Fn(f64) -> String,
    /// Tick labels.
    pub tick: &'a dyn Fn(f64) -> String,
    /// Upper end of the value axis (shares: 1.0), else from the data.
    pub x_max: Option<f64>,
    /// Reference lines.
    pub rules: Vec<Rule>,
    /// Width of the category names on the left (0: none drawn).
    pub names_width: u32,
}

/// Pixels a category group needs for `k` bars.
pub fn group_height(k: usize) -> u32 {
    (16 * k as u32 + 14).max(30)
}

/// Width of the widest of `names` in 13-px text, plus padding, capped.
pub fn names_width(names: &[String]) -> u32 {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    ((longest as f64 * 7.6) as u32 + 20).clamp(60, 300)
}

/// Shortens a name for an axis label.
pub fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// Draws a bar panel.
pub fn hbars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &HBars) -> DrawResult<DB> {
    let n = p.categories.len();
    let k = p.series.len().max(1);
    let mut hi = p
        .series
        .iter()
        .flatten()
        .flatten()
        .map(|(m, c)| m + c)
        .fold(0.0_f64, f64::max);
    for r in &p.rules {
        hi = hi.max(r.value);
    }
    let top = match p.x_max {
        Some(m) => m.max(hi),
        None => {
            if hi > 0.0 {
                hi * 1.08
            } else {
                1.0
            }
        }
    };
    let tick_values = ticks(0.0, top, 6);
    // room on the right for the value labels
    let x_end = top * 1.16;
    let rules_room = if p.rules.is_empty() { 0.0 } else { 0.55 };
    let y_top = n as f64 - 0.5 + rules_room;
    let cats: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let names = p.categories;
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, bold(15))
        .margin_right(12)
        .margin_left(4)
        .x_label_area_size(46)
        .y_label_area_size(p.names_width.max(6))
        .build_cartesian_2d(linear(0.0..x_end, tick_values), linear(-0.5..y_top, cats))?;
    let fmt_tick = |v: &f64| (p.tick)(*v);
    let fmt_name = |y: &f64| {
        let i = n as i64 - 1 - y.round() as i64;
        if p.names_width == 0 || i < 0 || i as usize >= n {
            String::new()
        } else {
            names[i as usize].clone()
        }
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(INK)
        .x_label_formatter(&fmt_tick)
        .y_label_formatter(&fmt_name)
        .label_style(text(13, INK))
        .axis_desc_style(text(14, INK))
        .x_desc(p.x_desc.clone())
        .draw()?;
    let plot = chart.plotting_area();
    let h = 0.8 / k as f64;
    for (s, values) in p.series.iter().enumerate() {
        for (i, v) in values.iter().enumerate() {
            let Some((mean, ci)) = *v else { continue };
            let yc = (n - 1 - i) as f64;
            let y1 = yc + 0.4 - s as f64 * h;
            let y0 = y1 - h * 0.92;
            let ym = (y0 + y1) / 2.0;
            let mean_drawn = mean.max(0.0);
            plot.draw(&Rectangle::new(
                [(0.0, y0), (mean_drawn, y1)],
                bar_fill(s).filled(),
            ))?;
            plot.draw(&Rectangle::new([(0.0, y0), (mean_drawn, y1)], INK))?;
            let mut label_at = mean_drawn;
            let low_end = (mean - ci.max(0.0)).max(0.0);
            if ci > 0.0 {
                let (lo, hi) = ((mean - ci).max(0.0), mean + ci);
                let st = INK.stroke_width(2);
                let cap = h * 0.28;
                plot.draw(&PathElement::new(vec![(lo, ym), (hi, ym)], st))?;
                plot.draw(&PathElement::new(vec![(lo, ym - cap), (lo, ym + cap)], st))?;
                plot.draw(&PathElement::new(vec![(hi, ym - cap), (hi, ym + cap)], st))?;
                label_at = hi;
            }
            // inside the bar when it is long enough (clear of target lines
            // near its end), else after the interval
            let label = (p.fmt)(mean);
            let room = low_end / x_end * plot.dim_in_pixel().0 as f64;
            if room > label.chars().count() as f64 * 7.5 + 14.0 {
                let color = if is_dark(bar_fill(s)) { WHITE } else { INK };
                plot.draw(
                    &(EmptyElement::at((low_end, ym))
                        + Text::new(
                            label,
                            (-6, 0),
                            text(12, color).pos(Pos::new(HPos::Right, VPos::Center)),
                        )),
                )?;
            } else {
                plot.draw(
                    &(EmptyElement::at((label_at, ym))
                        + Text::new(
                            label,
                            (6, 0),
                            text(12, INK).pos(Pos::new(HPos::Left, VPos::Center)),
                        )),
                )?;
            }
        }
    }
    for (j, r) in p.rules.iter().enumerate() {
        path(
            plot,
            vec![(r.value, -0.5), (r.value, y_top)],
            r.dash,
            INK.stroke_width(2),
        )?;
        plot.draw(
            &(EmptyElement::at((r.value, y_top))
                + Text::new(
                    r.label.clone(),
                    (5, 3 + 15 * j as i32),
                    text(12, INK).pos(Pos::new(HPos::Left, VPos::Top)),
                )),
        )?;
    }
    Ok(())
}

/// A chart's value axis for line panels: from `lo` to `hi` with nice ticks.
pub fn value_axis(lo: f64, hi: f64) -> (std::ops::Range<f64>, Vec<f64>) {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let t = ticks(lo, hi, 5);
    (lo..hi, t)
}

/// A numeric axis whose ticks (and grid lines) are exactly the given
/// values; the labels come from the chart's formatter. (plotters'
/// `WithKeyPoints` cannot be labelled on `f64` axes.)
#[derive(Clone)]
pub struct Ticked<R> {
    inner: R,
    ticks: Vec<f64>,
}

impl<R: Ranged<ValueType = f64>> Ticked<R> {
    /// `inner` with ticks at `ticks`.
    pub fn new(inner: R, ticks: Vec<f64>) -> Self {
        Ticked { inner, ticks }
    }
}

impl<R: Ranged<ValueType = f64>> Ranged for Ticked<R> {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        self.inner.axis_pixel_range(limit)
    }
}

/// A linear axis over `range` with ticks at `ticks`.
pub fn linear(range: Range<f64>, ticks: Vec<f64>) -> Axis {
    Ticked::new(RangedCoordf64::from(range), ticks)
}

/// The linear axis of every panel.
pub type Axis = Ticked<RangedCoordf64>;

/// A line panel: numeric axes with given ticks.
pub struct Panel<'a> {
    /// Heading above the panel.
    pub title: String,
    /// The horizontal axis and its ticks.
    pub x: (std::ops::Range<f64>, Vec<f64>),
    /// Tick labels of the horizontal axis.
    pub x_tick: &'a dyn Fn(f64) -> String,
    /// Description of the horizontal axis ("" for none).
    pub x_desc: String,
    /// The vertical axis and its ticks.
    pub y: (std::ops::Range<f64>, Vec<f64>),
    /// Tick labels of the vertical axis.
    pub y_tick: &'a dyn Fn(f64) -> String,
    /// Description of the vertical axis, with its unit.
    pub y_desc: String,
}

/// The chart of a line panel.
pub type PanelChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Axis, Axis>>;

/// Draws a panel's axes and grid; returns it to draw series on.
pub fn panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    p: &Panel,
) -> Result<PanelChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, bold(15))
        .margin_right(24)
        .margin_left(8)
        .x_label_area_size(if p.x_desc.is_empty() { 28 } else { 50 })
        .y_label_area_size(96)
        .build_cartesian_2d(
            linear(p.x.0.clone(), p.x.1.clone()),
            linear(p.y.0.clone(), p.y.1.clone()),
        )?;
    let x_tick = |v: &f64| (p.x_tick)(*v);
    let y_tick = |v: &f64| (p.y_tick)(*v);
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(INK)
        .x_label_formatter(&x_tick)
        .y_label_formatter(&y_tick)
        .label_style(text(13, INK))
        .axis_desc_style(text(14, INK))
        .y_desc(p.y_desc.clone());
    if !p.x_desc.is_empty() {
        mesh.x_desc(p.x_desc.clone());
    }
    mesh.draw()?;
    Ok(chart)
}

/// Draws a vertical 95% CI from `mean - ci` to `mean + ci` at `x`, with caps.
pub fn v_interval<DB, CT>(area: &DrawingArea<DB, CT>, x: f64, mean: f64, ci: f64) -> DrawResult<DB>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    if ci <= 0.0 {
        return Ok(());
    }
    let st = INK.stroke_width(1);
    area.draw(&PathElement::new(vec![(x, mean - ci), (x, mean + ci)], st))?;
    for y in [mean - ci, mean + ci] {
        area.draw(&(EmptyElement::at((x, y)) + PathElement::new(vec![(-5, 0), (5, 0)], st)))?;
    }
    Ok(())
}

/// Draws a horizontal reference line across the panel with its label at the right end.
pub fn h_rule<DB, CT>(
    area: &DrawingArea<DB, CT>,
    x: &std::ops::Range<f64>,
    r: &Rule,
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    path(
        area,
        vec![(x.start, r.value), (x.end, r.value)],
        r.dash,
        INK.stroke_width(2),
    )?;
    // on a white patch, so a series passing behind does not hide it
    let w = (r.label.chars().count() as f64 * 6.9) as i32 + 6;
    area.draw(
        &(EmptyElement::at((x.end, r.value))
            + Rectangle::new([(-w - 8, -19), (-4, -3)], WHITE.filled())
            + Text::new(
                r.label.clone(),
                (-6, -4),
                text(12, INK).pos(Pos::new(HPos::Right, VPos::Bottom)),
            )),
    )
}

/// Draws a vertical reference line across the panel with its label at the top.
pub fn v_rule<DB, CT>(
    area: &DrawingArea<DB, CT>,
    y: &std::ops::Range<f64>,
    r: &Rule,
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    path(
        area,
        vec![(r.value, y.start), (r.value, y.end)],
        r.dash,
        INK.stroke_width(2),
    )?;
    area.draw(
        &(EmptyElement::at((r.value, y.end))
            + Text::new(
                r.label.clone(),
                (6, 4),
                text(12, INK).pos(Pos::new(HPos::Left, VPos::Top)),
            )),
    )
}

// ---- numbers for people (the values themselves: crate::kpi) ----

pub use crate::kpi::{duration, money, pct, thousands};

/// A share as a tick label: no decimals when whole.
pub fn pct_tick(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 1e-6 {
        format!("{:.0}%", p)
    } else {
        format!("{:.1}%", p)
    }
}

/// A plain number tick: `1,200`, `8`, `0.25`.
pub fn number_tick(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        thousands(x)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The unit of a duration axis that ends at `hi` seconds: (seconds per
/// unit, its name).
pub fn duration_unit(hi: f64) -> (f64, &'static str) {
    if hi <= 180.0 {
        (1.0, "s")
    } else if hi <= 3.0 * 3600.0 {
        (60.0, "min")
    } else if hi <= 4.0 * 86_400.0 {
        (3600.0, "h")
    } else {
        (86_400.0, "days")
    }
}

/// Round ticks from 0 to `hi` seconds in the unit of [`duration_unit`].
pub fn duration_ticks(hi: f64) -> Vec<f64> {
    let (unit, _) = duration_unit(hi);
    ticks(0.0, hi / unit, 5)
        .into_iter()
        .map(|t| t * unit)
        .collect()
}

/// A duration tick in a given unit: `30 s`, `2.5 min`.
pub fn duration_tick(secs: f64, (unit, name): (f64, &str)) -> String {
    let v = secs / unit;
    if (v - v.round()).abs() < 0.01 {
        format!("{:.0} {name}", v)
    } else {
        format!("{:.1} {name}", v)
    }
}

/// Money for a tick: no cents, `k` for thousands.
pub fn money_tick(x: f64) -> String {
    if x.abs() >= 10_000.0 {
        format!("{}k", thousands(x / 1000.0))
    } else if x.abs() >= 100.0 || (x - x.round()).abs() < 1e-9 {
        thousands(x)
    } else {
        format!("{:.1}", x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(pct(0.8123), "81.2%");
        assert_eq!(pct_tick(0.8), "80%");
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(300.0), "5.0 min");
        assert_eq!(duration(74_804.0), "20.8 h");
        assert_eq!(money(582_907.467, "EUR"), "EUR 582,907");
        assert_eq!(money(15.203, "EUR"), "EUR 15.20");
        assert_eq!(money(15.203, ""), "15.20");
        assert_eq!(thousands(-1234.0), "-1,234");
        assert_eq!(money_tick(25_000.0), "25k");
        assert_eq!(number_tick(8.0), "8");
        assert_eq!(number_tick(1.25), "1.25");
        assert_eq!(number_tick(0.5), "0.5");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        let t = ticks(0.0, 583_000.0, 6);
        assert_eq!(t[1], 100_000.0);
    }

    #[test]
    fn wraps_long_subtitles() {
        let w = wrap(&"word ".repeat(60), 500);
        assert!(w.len() > 1);
        assert!(w.iter().all(|l| l.len() <= 70));
    }
}
