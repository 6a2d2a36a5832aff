//! Chart 2: cost per incident and total cost of every scenario, with their
//! 95% CIs and the base scenario's value as a dotted line.

use super::style::{self, Dash, DrawResult, HBars, Key, Rule};
use super::{Chart, Context};
use crate::kpi::Kpi;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Cost per incident and total cost per scenario.
pub struct Cost {
    names: Vec<String>,
    per_incident: Vec<Option<(f64, f64)>>,
    total: Vec<Option<(f64, f64)>>,
    currency: String,
    days: f64,
    replications: u32,
}

const WIDTH: u32 = 1000;

impl Cost {
    /// The chart for these results.
    pub fn new(ctx: Context) -> Self {
        let s = ctx.scenarios();
        Cost {
            names: ctx.labels(),
            per_incident: s
                .iter()
                .map(|s| Context::kpi(s, Kpi::CostPerIncident))
                .collect(),
            total: s.iter().map(|s| Context::kpi(s, Kpi::CostTotal)).collect(),
            currency: ctx.currency().to_string(),
            days: ctx.window_days(),
            replications: ctx.replications(),
        }
    }

    fn no_costs(&self) -> bool {
        self.total.iter().flatten().all(|(m, _)| *m == 0.0)
    }

    fn legend(&self) -> Vec<(Key, String)> {
        let mut l = vec![(
            Key::Interval,
            format!("mean of {} replications, 95% CI", self.replications),
        )];
        if self.names.len() > 1 && !self.no_costs() {
            l.push((Key::Rule(Dash::Dotted), "base scenario".into()));
        }
        l
    }

    fn unit(&self) -> String {
        if self.currency.is_empty() {
            "money".into()
        } else {
            self.currency.clone()
        }
    }
}

impl Chart for Cost {
    fn id(&self) -> &'static str {
        "cost"
    }

    fn title(&self) -> String {
        "Cost per incident and total cost by scenario".into()
    }

    fn subtitle(&self) -> String {
        let mut s = format!(
            "Total over the measured {:.0} days: wages with overhead, training, overtime, vendor \
             fees and the revenue lost to abandoned contacts. Cost per incident: total cost per \
             resolved ticket.",
            self.days
        );
        if self.no_costs() {
            s.push_str(" The scenario sets no wages or costs, so every cost is zero.");
        }
        s
    }

    fn size(&self) -> (u32, u32) {
        let rules = if self.names.len() > 1 && !self.no_costs() {
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
        let currency = self.currency.clone();
        let value = move |v: f64| style::money(v, &currency);
        let base_rule = |values: &[Option<(f64, f64)>]| -> Vec<Rule> {
            match values.first() {
                Some(Some((m, _))) if self.names.len() > 1 && !self.no_costs() => vec![Rule {
                    value: *m,
                    label: "base".into(),
                    dash: Dash::Dotted,
                }],
                _ => Vec::new(),
            }
        };
        style::hbars(
            &left,
            &HBars {
                title: "Cost per incident".into(),
                x_desc: format!("{} per resolved ticket", self.unit()),
                categories: &self.names,
                series: vec![self.per_incident.clone()],
                fmt: &value,
                tick: &style::money_tick,
                x_max: None,
                rules: base_rule(&self.per_incident),
                names_width: names_w,
            },
        )?;
        style::hbars(
            &right,
            &HBars {
                title: "Total cost".into(),
                x_desc: format!("{} over {:.0} days", self.unit(), self.days),
                categories: &self.names,
                series: vec![self.total.clone()],
                fmt: &value,
                tick: &style::money_tick,
                x_max: None,
                rules: base_rule(&self.total),
                names_width: 0,
            },
        )?;
        Ok(())
    }
}
