//! Chart 1: service level and abandon rate of every scenario, side by side,
//! with their 95% CIs and the targets as dashed lines.

use super::style::{self, Dash, DrawResult, HBars, Key, Rule};
use super::{Chart, Context, service_level_target};
use crate::kpi::Kpi;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Service level and abandon rate per scenario.
pub struct ServiceLevel {
    names: Vec<String>,
    service_level: Vec<Option<(f64, f64)>>,
    abandon_rate: Vec<Option<(f64, f64)>>,
    target: Option<f64>,
    abandon_max: Option<f64>,
    replications: u32,
}

impl ServiceLevel {
    /// The chart for these results.
    pub fn new(ctx: Context) -> Self {
        let s = ctx.scenarios();
        ServiceLevel {
            names: ctx.labels(),
            service_level: s
                .iter()
                .map(|s| Context::kpi(s, Kpi::ServiceLevel))
                .collect(),
            abandon_rate: s
                .iter()
                .map(|s| Context::kpi(s, Kpi::AbandonRate))
                .collect(),
            target: service_level_target(ctx.base),
            abandon_max: ctx.base.targets.abandon_rate_max,
            replications: ctx.replications(),
        }
    }

    fn legend(&self) -> Vec<(Key, String)> {
        let mut l = vec![(
            Key::Interval,
            format!("mean of {} replications, 95% CI", self.replications),
        )];
        if self.target.is_some() || self.abandon_max.is_some() {
            l.push((Key::Rule(Dash::Dashed), "target".into()));
        }
        l
    }
}

const WIDTH: u32 = 1000;

impl Chart for ServiceLevel {
    fn id(&self) -> &'static str {
        "service-level"
    }

    fn title(&self) -> String {
        "Service level and abandon rate by scenario".into()
    }

    fn subtitle(&self) -> String {
        let mut s = String::from(
            "Service level: contacts answered within their channel's threshold, of all offered. \
             Abandon rate: contacts that hung up before an answer.",
        );
        if self.target.is_none() && self.abandon_max.is_none() {
            s.push_str(" The scenario sets no targets.");
        }
        s
    }

    fn size(&self) -> (u32, u32) {
        let rules = if self.target.is_some() || self.abandon_max.is_some() {
            20
        } else {
            0
        };
        let body = style::group_height(1) * self.names.len() as u32 + rules + 90;
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
        let names_w = style::names_width(&self.names);
        let (left, right) = body.split_horizontally(names_w + (WIDTH - names_w) / 2);
        style::hbars(
            &left,
            &HBars {
                title: "Service level".into(),
                x_desc: "service level (% of offered contacts)".into(),
                categories: &self.names,
                series: vec![self.service_level.clone()],
                fmt: &style::pct,
                tick: &style::pct_tick,
                x_max: Some(1.0),
                rules: self
                    .target
                    .map(|t| Rule {
                        value: t,
                        label: format!("target {}", style::pct_tick(t)),
                        dash: Dash::Dashed,
                    })
                    .into_iter()
                    .collect(),
                names_width: names_w,
            },
        )?;
        style::hbars(
            &right,
            &HBars {
                title: "Abandon rate".into(),
                x_desc: "abandon rate (% of offered contacts)".into(),
                categories: &self.names,
                series: vec![self.abandon_rate.clone()],
                fmt: &style::pct,
                tick: &style::pct_tick,
                x_max: None,
                rules: self
                    .abandon_max
                    .map(|t| Rule {
                        value: t,
                        label: format!("at most {}", style::pct_tick(t)),
                        dash: Dash::Dashed,
                    })
                    .into_iter()
                    .collect(),
                names_width: 0,
            },
        )?;
        Ok(())
    }
}
