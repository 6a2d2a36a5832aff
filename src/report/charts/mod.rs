//! Charts of a run, drawn with plotters, each as SVG text and as PNG bytes
//! (no I/O: the command line writes them).
//!
//! One type per chart, one file per type, all behind the [`Chart`] trait;
//! [`render_all`] draws every chart that applies to the results.
//! Text in PNGs uses the shipped DejaVu Sans (`assets/fonts`), so no
//! system font is needed. Series differ by dash pattern and marker, bars by
//! lightness, so every chart reads in black-and-white print.

mod agent_load;
mod cost;
mod intraday;
mod occupancy;
mod raster;
mod service_level;
mod staffing;
pub(crate) mod style;
mod waiting;

pub use agent_load::AgentLoad;
pub use cost::Cost;
pub use intraday::{DayProfile, Intraday, average_weekday, day_profile};
pub use occupancy::Occupancy;
pub use service_level::ServiceLevel;
pub use staffing::{Staffing, Sweep, sweep};
pub use waiting::WaitingTime;

use crate::error::{Error, Result};
use crate::experiment::{Results, ScenarioResult};
use crate::kpi::Kpi;
use crate::scenario::Scenario;
use plotters::coord::Shift;
use plotters::prelude::*;
use style::DrawResult;

/// Every chart id, in report order.
pub const CHART_IDS: [&str; 7] = [
    "service-level",
    "cost",
    "staffing",
    "intraday",
    "waiting-time",
    "agent-load",
    "occupancy",
];

/// What a chart is drawn from: the results and the base scenario (its
/// targets, currency and interval).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The results of every scenario, base first.
    pub results: &'a Results,
    /// The base scenario as loaded.
    pub base: &'a Scenario,
    /// The weekday the intraday chart shows (`mon` .. `sun`); `None`: the
    /// average Monday to Friday.
    pub day: Option<&'static str>,
}

impl<'a> Context<'a> {
    /// The scenarios' results.
    pub fn scenarios(&self) -> &'a [ScenarioResult] {
        &self.results.scenarios
    }

    /// Scenario names for axis labels, shortened, unstable ones marked.
    pub fn labels(&self) -> Vec<String> {
        self.scenarios()
            .iter()
            .map(|s| {
                let name = style::short(&s.name, 34);
                if s.unstable {
                    format!("{name} (unstable)")
                } else {
                    name
                }
            })
            .collect()
    }

    /// Replications of the base (every scenario runs as many).
    pub fn replications(&self) -> u32 {
        self.scenarios().first().map_or(0, |s| s.replications)
    }

    /// Days in the measured window (horizon minus warm-up).
    pub fn window_days(&self) -> f64 {
        self.base.window().as_secs_f64() / 86_400.0
    }

    /// The currency, as written in the scenario.
    pub fn currency(&self) -> &'a str {
        &self.base.economics.currency
    }

    /// Mean and CI half-width of a scenario-wide KPI; `None` when it is
    /// absent or undefined (no traffic).
    pub fn kpi(s: &ScenarioResult, key: Kpi) -> Option<(f64, f64)> {
        s.kpis
            .get(&key)
            .filter(|e| e.mean.is_finite())
            .map(|e| (e.mean, e.ci95))
    }
}

/// The overall service-level target: `targets.service_level`, else the
/// target every channel that states one shares.
pub fn service_level_target(base: &Scenario) -> Option<f64> {
    if let Some(t) = base.targets.service_level {
        return Some(t);
    }
    let mut targets = base.channels.iter().filter_map(|c| c.targets.service_level);
    let first = targets.next()?;
    targets.all(|t| t == first).then_some(first)
}

/// True when the base scenario states any target, for the desk or a channel.
pub fn has_targets(base: &Scenario) -> bool {
    base.has_targets()
}

/// The targets a scenario misses by its mean, in words, the one missed by
/// most first (channels before the whole desk); empty when it meets them
/// all. An unstable scenario misses by definition. Each scenario is judged
/// on its own targets (see [`crate::targets`]); `_base` is kept for callers
/// that pass it.
pub fn missed_targets(s: &ScenarioResult, _base: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    if s.unstable {
        out.push("the queue grows without bound (unstable)".to_string());
    }
    let mut missed: Vec<_> = s.targets.iter().filter(|j| j.missed()).collect();
    missed.sort_by(|a, b| {
        a.channel()
            .is_none()
            .cmp(&b.channel().is_none())
            .then(b.shortfall().total_cmp(&a.shortfall()))
    });
    out.extend(missed.into_iter().map(crate::report::words::judgement));
    out
}

/// A chart: a title, a size and a drawing on any plotters backend.
pub trait Chart {
    /// Stable name: the file stem under `charts/` and, as `chart-<id>`, the
    /// id of its `<svg>` in the HTML report.
    fn id(&self) -> &'static str;
    /// The title, drawn on the chart.
    fn title(&self) -> String;
    /// What is drawn and how to read it, under the title.
    fn subtitle(&self) -> String;
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the chart into `area` (below the title block).
    fn plot<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// One chart, rendered.
#[derive(Debug, Clone)]
pub struct RenderedChart {
    /// See [`Chart::id`].
    pub id: &'static str,
    /// The title.
    pub title: String,
    /// The subtitle.
    pub subtitle: String,
    /// Width in pixels (of both the SVG and the PNG).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The SVG document.
    pub svg: String,
    /// The PNG file.
    pub png: Vec<u8>,
}

fn failed(id: &str, ext: &str, e: impl std::fmt::Display) -> Error {
    Error::Write {
        path: format!("charts/{id}.{ext}").into(),
        source: std::io::Error::other(format!("cannot draw the chart: {e}")),
    }
}

fn draw<DB: DrawingBackend, C: Chart>(chart: &C, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let area = style::frame(root, &chart.title(), &chart.subtitle())?;
    chart.plot(&area)?;
    root.present()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart as an SVG document whose root has the id `chart-<id>` and a
/// `<title>`.
pub fn svg<C: Chart>(chart: &C) -> Result<String> {
    style::register_fonts();
    let (w, h) = chart.size();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(chart, &root).map_err(|e| failed(chart.id(), "svg", e))?;
    }
    let id = chart.id();
    let head = format!(r#"<svg id="chart-{id}" role="img" aria-labelledby="chart-{id}-title" "#);
    let out = out.replacen("<svg ", &head, 1);
    let Some(end) = out.find('>') else {
        return Err(failed(id, "svg", "no <svg> element"));
    };
    let title = format!(
        "\n<title id=\"chart-{id}-title\">{}</title>",
        escape(&chart.title())
    );
    Ok(format!("{}{title}{}", &out[..=end], &out[end + 1..]))
}

/// The chart as a PNG file (RGB, 8 bits).
pub fn png<C: Chart>(chart: &C) -> Result<Vec<u8>> {
    style::register_fonts();
    let (w, h) = chart.size();
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = raster::Raster::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw(chart, &root).map_err(|e| failed(chart.id(), "png", e))?;
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::High);
    let mut writer = enc
        .write_header()
        .map_err(|e| failed(chart.id(), "png", e))?;
    writer
        .write_image_data(&pixels)
        .and_then(|_| writer.finish())
        .map_err(|e| failed(chart.id(), "png", e))?;
    Ok(out)
}

/// Renders one chart both ways.
pub fn render<C: Chart>(chart: &C) -> Result<RenderedChart> {
    let (width, height) = chart.size();
    Ok(RenderedChart {
        id: chart.id(),
        title: chart.title(),
        subtitle: chart.subtitle(),
        width,
        height,
        svg: svg(chart)?,
        png: png(chart)?,
    })
}

/// Every chart that applies to these results, in [`CHART_IDS`] order: the
/// staffing chart needs a sweep over one axis; the others need only
/// results.
pub fn render_all(results: &Results, base: &Scenario) -> Result<Vec<RenderedChart>> {
    render_all_for_day(results, base, None)
}

/// [`render_all`], with the intraday chart of one weekday (`mon` .. `sun`)
/// instead of the average Monday to Friday; that chart is left out when the
/// day never occurred in the measured window.
pub fn render_all_for_day(
    results: &Results,
    base: &Scenario,
    day: Option<&'static str>,
) -> Result<Vec<RenderedChart>> {
    let ctx = Context { results, base, day };
    let mut out = Vec::new();
    if results.scenarios.is_empty() {
        return Ok(out);
    }
    out.push(render(&ServiceLevel::new(ctx))?);
    out.push(render(&Cost::new(ctx))?);
    if let Some(c) = Staffing::new(ctx) {
        out.push(render(&c)?);
    }
    if let Some(c) = Intraday::new(ctx) {
        out.push(render(&c)?);
    }
    out.push(render(&WaitingTime::new(ctx))?);
    if let Some(c) = AgentLoad::new(ctx) {
        out.push(render(&c)?);
    }
    if let Some(c) = Occupancy::new(ctx) {
        out.push(render(&c)?);
    }
    Ok(out)
}
