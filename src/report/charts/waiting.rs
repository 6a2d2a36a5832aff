//! Chart 5: how long contacts wait, per scenario. The results keep only the
//! 50th, 90th and 99th percentile of the wait (and its mean), so the chart
//! draws those three points as a step sketch of the distribution and says
//! so, rather than inventing the curve between them.

use super::style::{self, Dash, DrawResult, INK, Key, Rule};
use super::{Chart, Context, service_level_target};
use crate::kpi::Kpi;
use plotters::coord::Shift;
use plotters::coord::combinators::LogCoord;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// At most this many scenarios are drawn, so the chart stays readable.
const MAX_SERIES: usize = 8;

/// The wait quantiles of every scenario as a step sketch.
pub struct WaitingTime {
    /// Name, ASA, p50, p90, p99 (seconds).
    rows: Vec<(String, f64, [f64; 3])>,
    total: usize,
    /// (threshold seconds, target share), when every channel shares one threshold.
    target: Option<(f64, f64)>,
}

const WIDTH: u32 = 1000;
const PLOT: u32 = 470;
const QUANTILES: [f64; 3] = [0.5, 0.9, 0.99];

impl WaitingTime {
    /// The chart for these results.
    pub fn new(ctx: Context) -> Self {
        let labels = ctx.labels();
        let rows = ctx
            .scenarios()
            .iter()
            .zip(labels)
            .take(MAX_SERIES)
            .map(|(s, name)| {
                let k = |key: Kpi| Context::kpi(s, key).map_or(0.0, |e| e.0);
                (
                    name,
                    k(Kpi::AsaSeconds),
                    [
                        k(Kpi::WaitP50Seconds),
                        k(Kpi::WaitP90Seconds),
                        k(Kpi::WaitP99Seconds),
                    ],
                )
            })
            .collect();
        let thresholds: Vec<f64> = ctx
            .base
            .channels
            .iter()
            .map(|c| c.answer_within.as_secs_f64())
            .collect();
        let one_threshold = thresholds.windows(2).all(|w| w[0] == w[1]);
        let target = match (service_level_target(ctx.base), thresholds.first()) {
            (Some(t), Some(th)) if one_threshold => Some((*th, t)),
            _ => None,
        };
        WaitingTime {
            rows,
            total: ctx.scenarios().len(),
            target,
        }
    }

    fn legend(&self) -> Vec<(Key, String)> {
        let mut l: Vec<(Key, String)> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, (name, asa, _))| {
                (
                    Key::Series(i),
                    format!("{name} (ASA {})", style::duration(*asa)),
                )
            })
            .collect();
        if self.target.is_some() {
            l.push((Key::Rule(Dash::Dashed), "service-level threshold".into()));
        }
        l
    }

    fn x_end(&self) -> f64 {
        let hi = self
            .rows
            .iter()
            .map(|r| r.2[2])
            .fold(0.0_f64, f64::max)
            .max(self.target.map_or(0.0, |t| t.0));
        (hi * 2.0).max(10.0)
    }
}

/// Round durations for a log axis, in seconds.
const LOG_TICKS: [f64; 20] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0,
    10_800.0, 21_600.0, 43_200.0, 86_400.0, 172_800.0, 604_800.0,
];

fn log_tick(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.0} s")
    } else if s < 3600.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 86_400.0 {
        format!("{:.0} h", s / 3600.0)
    } else {
        format!("{:.0} d", s / 86_400.0)
    }
}

impl Chart for WaitingTime {
    fn id(&self) -> &'static str {
        "waiting-time"
    }

    fn title(&self) -> String {
        "How long contacts wait for an answer, by scenario".into()
    }

    fn subtitle(&self) -> String {
        let mut s = String::from(
            "A sketch, not a measured curve: only the median, 90th and 99th percentile of each \
             scenario's wait are recorded (the markers); the steps join them. Waits under 1 s are \
             drawn at 1 s; the time axis is logarithmic.",
        );
        if self.target.is_some() {
            s.push_str(
                " The service-level target counts abandoned contacts too, so it cannot be read \
                 off these curves.",
            );
        }
        if self.total > self.rows.len() {
            s.push_str(&format!(
                " The first {} of {} scenarios are drawn.",
                self.rows.len(),
                self.total
            ));
        }
        s
    }

    fn size(&self) -> (u32, u32) {
        (
            WIDTH,
            style::header_for(&self.subtitle(), WIDTH)
                + style::legend_rows(&self.legend(), WIDTH) * style::LEGEND_ROW
                + PLOT,
        )
    }

    fn plot<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let legend = self.legend();
        let (top, body) =
            area.split_vertically(style::legend_rows(&legend, WIDTH) * style::LEGEND_ROW);
        style::legend(&top, &legend)?;
        let x_end = self.x_end();
        let mut xt: Vec<f64> = LOG_TICKS.iter().copied().filter(|t| *t <= x_end).collect();
        while xt.len() > 11 {
            xt = xt.into_iter().step_by(2).collect();
        }
        let yt = vec![0.0, 0.25, 0.5, 0.75, 0.9, 0.99];
        let mut chart = ChartBuilder::on(&body)
            .margin_right(24)
            .margin_left(8)
            .margin_top(8)
            .x_label_area_size(50)
            .y_label_area_size(96)
            .build_cartesian_2d(
                style::Ticked::new(LogCoord::from((1.0..x_end).log_scale()), xt),
                style::linear(0.0..1.04, yt),
            )?;
        let x_tick = |v: &f64| log_tick(*v);
        let y_tick = |v: &f64| style::pct_tick(*v);
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(INK)
            .x_label_formatter(&x_tick)
            .y_label_formatter(&y_tick)
            .label_style(style::text(13, INK))
            .axis_desc_style(style::text(14, INK))
            .x_desc("wait until answered (log scale)")
            .y_desc("answered contacts that waited at most this long")
            .draw()?;
        let plot = chart.plotting_area();
        if let Some((th, share)) = self.target {
            style::path(
                plot,
                vec![(th, 0.0), (th, 1.04)],
                Dash::Dashed,
                INK.stroke_width(2),
            )?;
            let r = Rule {
                value: th,
                label: format!(
                    "answered within {}: target {} of offered",
                    style::duration(th),
                    style::pct_tick(share)
                ),
                dash: Dash::Dashed,
            };
            plot.draw(
                &(EmptyElement::at((r.value, 0.0))
                    + Text::new(
                        r.label,
                        (6, -6),
                        style::text(12, INK).pos(Pos::new(HPos::Left, VPos::Bottom)),
                    )),
            )?;
        }
        for (i, (_, _, q)) in self.rows.iter().enumerate() {
            let at = |v: f64| v.max(1.0);
            let mut pts = vec![(1.0, 0.0)];
            let mut level = 0.0;
            for (v, p) in q.iter().zip(QUANTILES) {
                pts.push((at(*v), level));
                pts.push((at(*v), p));
                level = p;
            }
            pts.push((x_end, level));
            let l = style::look(i);
            style::path(plot, pts, l.dash, l.color.stroke_width(2))?;
            for (v, p) in q.iter().zip(QUANTILES) {
                style::marker(plot, (at(*v), p), l.marker, l.color)?;
            }
        }
        Ok(())
    }
}
