//! Chart 7: occupancy of every staffed line in every scenario, as grouped
//! bars with their 95% CIs.

use super::style::{self, DrawResult, HBars, Key};
use super::{Chart, Context};
use crate::kpi::Kpi;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Occupancy by line and scenario.
pub struct Occupancy {
    names: Vec<String>,
    lines: Vec<String>,
    /// Per line, per scenario.
    values: Vec<Vec<Option<(f64, f64)>>>,
    replications: u32,
}

const WIDTH: u32 = 1000;

impl Occupancy {
    /// The chart, when some line has agents.
    pub fn new(ctx: Context) -> Option<Self> {
        let base = ctx.scenarios().first()?;
        let lines: Vec<String> = base
            .lines
            .iter()
            .filter(|(_, m)| m.get(&Kpi::Agents).is_some_and(|e| e.mean > 0.0))
            .map(|(name, _)| name.clone())
            .collect();
        if lines.is_empty() {
            return None;
        }
        let values = lines
            .iter()
            .map(|l| {
                ctx.scenarios()
                    .iter()
                    .map(|s| {
                        s.lines
                            .get(l)
                            .and_then(|m| m.get(&Kpi::Occupancy))
                            .map(|e| (e.mean, e.ci95))
                    })
                    .collect()
            })
            .collect();
        Some(Occupancy {
            names: ctx.labels(),
            lines,
            values,
            replications: ctx.replications(),
        })
    }

    fn legend(&self) -> Vec<(Key, String)> {
        let mut l: Vec<(Key, String)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, name)| (Key::Bar(i), format!("line {name}")))
            .collect();
        l.push((
            Key::Interval,
            format!("95% CI over {} replications", self.replications),
        ));
        l
    }
}

impl Chart for Occupancy {
    fn id(&self) -> &'static str {
        "occupancy"
    }

    fn title(&self) -> String {
        "Agent occupancy by line and scenario".into()
    }

    fn subtitle(&self) -> String {
        "Occupancy: time agents spend handling contacts, of the time they are on duty and not \
         on a break. Lines staffed by an outside vendor are left out."
            .into()
    }

    fn size(&self) -> (u32, u32) {
        let body = style::group_height(self.lines.len()) * self.names.len() as u32 + 90;
        (
            WIDTH,
            style::header_for(&self.subtitle(), WIDTH)
                + style::legend_rows(&self.legend(), WIDTH) * style::LEGEND_ROW
                + body,
        )
    }

    fn plot<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let legend = self.legend();
        let (top, body) =
            area.split_vertically(style::legend_rows(&legend, WIDTH) * style::LEGEND_ROW);
        style::legend(&top, &legend)?;
        style::hbars(
            &body,
            &HBars {
                title: String::new(),
                x_desc: "occupancy (% of available time)".into(),
                categories: &self.names,
                series: self.values.clone(),
                fmt: &style::pct,
                tick: &style::pct_tick,
                x_max: Some(1.0),
                rules: Vec::new(),
                names_width: style::names_width(&self.names),
            },
        )
    }
}
