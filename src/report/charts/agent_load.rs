//! Chart 6: contacts handled by each agent of the base scenario, bars
//! grouped by line, with each line's mean: the balance picture.

use super::style::{self, Dash, DrawResult, INK, Key, Panel};
use super::{Chart, Context};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Per-agent handled contacts of the base scenario, by line.
pub struct AgentLoad {
    name: String,
    /// Per line: its name and each agent's mean handled contacts.
    lines: Vec<(String, Vec<f64>)>,
    days: f64,
    replications: u32,
}

const WIDTH: u32 = 1000;
const PLOT: u32 = 430;
/// Empty slots between two lines' groups of bars.
const GAP: f64 = 2.0;

impl AgentLoad {
    /// The chart, when the base scenario has agents.
    pub fn new(ctx: Context) -> Option<Self> {
        let base = ctx.scenarios().first()?;
        let mut lines: Vec<(String, Vec<f64>)> = Vec::new();
        for a in &base.agents {
            match lines.last_mut() {
                Some((l, v)) if *l == a.line => v.push(a.handled),
                _ => lines.push((a.line.clone(), vec![a.handled])),
            }
        }
        if lines.is_empty() {
            return None;
        }
        Some(AgentLoad {
            name: base.name.clone(),
            lines,
            days: ctx.window_days(),
            replications: ctx.replications(),
        })
    }

    fn legend(&self) -> Vec<(Key, String)> {
        let mut l: Vec<(Key, String)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (Key::Bar(i), format!("line {name}")))
            .collect();
        l.push((Key::Rule(Dash::Dashed), "mean of the line".into()));
        l
    }

    /// x position of each agent's bar, group by group, each group's centre
    /// and the last bar's position.
    fn layout(&self) -> (Vec<Vec<f64>>, Vec<f64>, f64) {
        let mut x = 0.0;
        let mut bars = Vec::new();
        let mut centres = Vec::new();
        for (_, v) in &self.lines {
            let xs: Vec<f64> = (0..v.len()).map(|i| x + i as f64).collect();
            centres.push(x + (v.len() as f64 - 1.0) / 2.0);
            x += v.len() as f64 + GAP;
            bars.push(xs);
        }
        (bars, centres, x - GAP - 1.0)
    }
}

fn cv(v: &[f64]) -> f64 {
    crate::stats::coefficient_of_variation(v)
}

impl Chart for AgentLoad {
    fn id(&self) -> &'static str {
        "agent-load"
    }

    fn title(&self) -> String {
        "Contacts handled per agent, by line".into()
    }

    fn subtitle(&self) -> String {
        format!(
            "Base scenario \"{}\": one bar per agent, numbered within the line in shift order; \
             mean per replication over the measured {:.0} days ({} replications). Even bars \
             within a line mean a balanced load; agents on shorter or later shifts handle fewer.",
            self.name, self.days, self.replications
        )
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
        let (bars, centres, end) = self.layout();
        let hi = self
            .lines
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .fold(0.0_f64, f64::max);
        let hi = if hi > 0.0 { hi * 1.15 } else { 1.0 };
        let labels: Vec<String> = self
            .lines
            .iter()
            .map(|(name, v)| format!("{name}: {} agents, CV {:.2}", v.len(), cv(v)))
            .collect();
        let x_tick = |x: f64| {
            centres
                .iter()
                .position(|c| (c - x).abs() < 1e-9)
                .map(|i| labels[i].clone())
                .unwrap_or_default()
        };
        let count = |v: f64| style::thousands(v);
        let chart = style::panel(
            &body,
            &Panel {
                title: String::new(),
                x: (-0.8..end + 0.8, centres.clone()),
                x_tick: &x_tick,
                x_desc: "agents, grouped by line (CV: spread of the load, 0 = even)".into(),
                y: style::value_axis(0.0, hi),
                y_tick: &count,
                y_desc: format!("contacts handled in {:.0} days", self.days),
            },
        )?;
        let plot = chart.plotting_area();
        for (g, ((_, values), xs)) in self.lines.iter().zip(&bars).enumerate() {
            for (x, v) in xs.iter().zip(values) {
                let rect = [(x - 0.42, 0.0), (x + 0.42, *v)];
                plot.draw(&Rectangle::new(rect, style::bar_fill(g).filled()))?;
                plot.draw(&Rectangle::new(rect, INK))?;
            }
            let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
            let (x0, x1) = (xs[0] - 0.5, xs[xs.len() - 1] + 0.5);
            style::path(
                plot,
                vec![(x0, mean), (x1, mean)],
                Dash::Dashed,
                INK.stroke_width(2),
            )?;
            // the label above the group's tallest bar, clear of the bars
            let top = values.iter().copied().fold(0.0_f64, f64::max);
            plot.draw(
                &(EmptyElement::at((x0, top))
                    + Text::new(
                        format!("mean {}", style::thousands(mean)),
                        (2, -6),
                        style::text(12, INK).pos(Pos::new(HPos::Left, VPos::Bottom)),
                    )),
            )?;
        }
        Ok(())
    }
}
