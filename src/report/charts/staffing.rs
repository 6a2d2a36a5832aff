//! Chart 3, for a sweep over one axis: the swept value (say, L1 agents)
//! against service level, ASA and cost per incident, with the targets:
//! the "how many agents do we need" picture.

use super::style::{self, Dash, DrawResult, Key, Panel, Rule};
use super::{Chart, Context, has_targets, missed_targets, service_level_target};
use crate::experiment::Results;
use crate::kpi::Kpi;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The sweep points of a run whose sweep has one axis.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The swept path (`line.L1.agents`).
    pub key: String,
    /// Per point: index of its scenario in the results, its x position,
    /// its value as written.
    pub points: Vec<(usize, f64, String)>,
    /// True when every value is a number (x is the value); false: x is the
    /// point's position and the values are labels.
    pub numeric: bool,
}

/// The sweep of these results when it has exactly one axis and at least
/// two points: the scenarios named `path=value` (the names the loader gives
/// sweep points). `None` for no sweep or several axes (`a=1, b=2`).
pub fn sweep(results: &Results) -> Option<Sweep> {
    let mut key: Option<&str> = None;
    let mut raw = Vec::new();
    for (i, s) in results.scenarios.iter().enumerate().skip(1) {
        let Some((k, v)) = s.name.split_once('=') else {
            continue; // a variant
        };
        if k.is_empty() || k.contains(' ') {
            continue;
        }
        if v.contains(", ") && v.contains('=') {
            return None; // several axes
        }
        match key {
            None => key = Some(k),
            Some(prev) if prev != k => return None,
            _ => {}
        }
        raw.push((i, v.trim().trim_matches('"').to_string()));
    }
    if raw.len() < 2 {
        return None;
    }
    let numbers: Option<Vec<f64>> = raw.iter().map(|(_, v)| v.parse::<f64>().ok()).collect();
    let numeric = numbers.is_some();
    let points = raw
        .into_iter()
        .enumerate()
        .map(|(j, (i, v))| {
            let x = numbers.as_ref().map_or(j as f64, |n| n[j]);
            (i, x, v)
        })
        .collect();
    Some(Sweep {
        key: key?.to_string(),
        points,
        numeric,
    })
}

/// Service level, ASA and cost per incident against the swept value.
pub struct Staffing {
    sweep: Sweep,
    service_level: Vec<(f64, f64)>,
    asa: Vec<(f64, f64)>,
    cost: Vec<(f64, f64)>,
    target: Option<f64>,
    asa_max: Option<f64>,
    /// The smallest swept value meeting every target.
    enough: Option<(f64, String)>,
    currency: String,
    replications: u32,
}

const WIDTH: u32 = 1000;
const PANEL: u32 = 250;

impl Staffing {
    /// The chart, when the results hold a sweep over one axis.
    pub fn new(ctx: Context) -> Option<Self> {
        let sweep = sweep(ctx.results)?;
        let at = |key: Kpi| -> Vec<(f64, f64)> {
            sweep
                .points
                .iter()
                .map(|(i, _, _)| Context::kpi(&ctx.scenarios()[*i], key).unwrap_or((0.0, 0.0)))
                .collect()
        };
        let enough = if has_targets(ctx.base) {
            let mut ok: Vec<&(usize, f64, String)> = sweep
                .points
                .iter()
                .filter(|(i, _, _)| missed_targets(&ctx.scenarios()[*i], ctx.base).is_empty())
                .collect();
            ok.sort_by(|a, b| a.1.total_cmp(&b.1));
            ok.first().map(|(_, x, v)| (*x, v.clone()))
        } else {
            None
        };
        Some(Staffing {
            service_level: at(Kpi::ServiceLevel),
            asa: at(Kpi::AsaSeconds),
            cost: at(Kpi::CostPerIncident),
            target: service_level_target(ctx.base),
            asa_max: ctx.base.targets.asa_max_seconds,
            enough,
            currency: ctx.currency().to_string(),
            replications: ctx.replications(),
            sweep,
        })
    }

    fn legend(&self) -> Vec<(Key, String)> {
        let mut l = vec![
            (Key::Series(0), "mean".to_string()),
            (
                Key::Interval,
                format!("95% CI over {} replications", self.replications),
            ),
        ];
        if self.target.is_some() || self.asa_max.is_some() {
            l.push((Key::Rule(Dash::Dashed), "target".into()));
        }
        if self.enough.is_some() {
            l.push((
                Key::Rule(Dash::Dotted),
                "smallest value meeting every target".into(),
            ));
        }
        l
    }

    fn x_axis(&self) -> (std::ops::Range<f64>, Vec<f64>) {
        let xs: Vec<f64> = self.sweep.points.iter().map(|p| p.1).collect();
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.06).max(0.3);
        let ticks = if xs.len() <= 16 {
            xs.clone()
        } else {
            style::ticks(lo, hi, 10)
        };
        (lo - pad..hi + pad, ticks)
    }

    fn x_label(&self, x: f64) -> String {
        if self.sweep.numeric {
            let s = format!("{x:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            self.sweep
                .points
                .iter()
                .find(|p| (p.1 - x).abs() < 1e-9)
                .map(|p| p.2.clone())
                .unwrap_or_default()
        }
    }
}

impl Chart for Staffing {
    fn id(&self) -> &'static str {
        "staffing"
    }

    fn title(&self) -> String {
        format!(
            "How much is enough? {} against service level, ASA and cost",
            self.sweep.key
        )
    }

    fn subtitle(&self) -> String {
        let mut s = format!(
            "One point per value of the sweep over {} (the other scenarios are left out). \
             ASA: mean wait of answered contacts.",
            self.sweep.key
        );
        match &self.enough {
            Some((_, v)) => {
                s.push_str(&format!(" The smallest value meeting every target is {v}."))
            }
            None if self.target.is_some() || self.asa_max.is_some() => {
                s.push_str(" No value of the sweep meets every target.")
            }
            None => {}
        }
        if self.cost.iter().all(|c| c.0 == 0.0) {
            s.push_str(" The scenario sets no costs, so the cost is zero.");
        }
        s
    }

    fn size(&self) -> (u32, u32) {
        (
            WIDTH,
            style::header_for(&self.subtitle(), WIDTH)
                + style::legend_rows(&self.legend(), WIDTH) * style::LEGEND_ROW
                + 3 * PANEL
                + 30,
        )
    }

    fn plot<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let legend = self.legend();
        let (top, body) =
            area.split_vertically(style::legend_rows(&legend, WIDTH) * style::LEGEND_ROW);
        style::legend(&top, &legend)?;
        let (p1, rest) = body.split_vertically(PANEL);
        let (p2, p3) = rest.split_vertically(PANEL);
        let x = self.x_axis();
        let x_tick = |v: f64| self.x_label(v);
        let xs: Vec<f64> = self.sweep.points.iter().map(|p| p.1).collect();
        let enough = self.enough.as_ref().map(|(x, v)| Rule {
            value: *x,
            label: format!("enough: {v}"),
            dash: Dash::Dotted,
        });

        // service level
        let (lo, hi) = span(&self.service_level, self.target);
        let lo = (lo - 0.05).max(0.0);
        let hi = (hi + 0.05).min(1.0);
        let y = style::value_axis(lo, hi);
        let chart = style::panel(
            &p1,
            &Panel {
                title: "Service level".into(),
                x: x.clone(),
                x_tick: &x_tick,
                x_desc: String::new(),
                y: y.clone(),
                y_tick: &style::pct_tick,
                y_desc: "% answered in time".into(),
            },
        )?;
        let plot = chart.plotting_area();
        if let Some(t) = self.target {
            style::h_rule(
                plot,
                &x.0,
                &Rule {
                    value: t,
                    label: format!("target {}", style::pct_tick(t)),
                    dash: Dash::Dashed,
                },
            )?;
        }
        draw_points(plot, &xs, &self.service_level)?;
        if let Some(r) = &enough {
            style::v_rule(plot, &y.0, r)?;
        }

        // ASA
        let (_, hi) = span(&self.asa, self.asa_max);
        let hi = if hi > 0.0 { hi * 1.15 } else { 1.0 };
        let unit = style::duration_unit(hi);
        let ticks = style::duration_ticks(hi);
        let asa_tick = |v: f64| style::duration_tick(v, unit);
        let y = (0.0..hi, ticks);
        let chart = style::panel(
            &p2,
            &Panel {
                title: "Average speed of answer (ASA)".into(),
                x: x.clone(),
                x_tick: &x_tick,
                x_desc: String::new(),
                y: y.clone(),
                y_tick: &asa_tick,
                y_desc: format!("mean wait ({})", unit.1),
            },
        )?;
        let plot = chart.plotting_area();
        if let Some(t) = self.asa_max {
            style::h_rule(
                plot,
                &x.0,
                &Rule {
                    value: t,
                    label: format!("at most {}", style::duration(t)),
                    dash: Dash::Dashed,
                },
            )?;
        }
        draw_points(plot, &xs, &self.asa)?;
        if let Some(r) = &enough {
            style::v_rule(
                plot,
                &y.0,
                &Rule {
                    label: String::new(),
                    ..r.clone()
                },
            )?;
        }

        // cost per incident
        let (_, hi) = span(&self.cost, None);
        let hi = if hi > 0.0 { hi * 1.15 } else { 1.0 };
        let y = style::value_axis(0.0, hi);
        let unit = if self.currency.is_empty() {
            "money".to_string()
        } else {
            self.currency.clone()
        };
        let chart = style::panel(
            &p3,
            &Panel {
                title: "Cost per incident".into(),
                x: x.clone(),
                x_tick: &x_tick,
                x_desc: self.sweep.key.clone(),
                y: y.clone(),
                y_tick: &style::money_tick,
                y_desc: format!("{unit} per resolved ticket"),
            },
        )?;
        let plot = chart.plotting_area();
        draw_points(plot, &xs, &self.cost)?;
        if self.cost.iter().all(|c| c.0 == 0.0) {
            plot.draw(&Text::new(
                "the scenario sets no wages or costs",
                ((x.0.start + x.0.end) / 2.0, 0.5),
                style::text(14, style::MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        }
        if let Some(r) = &enough {
            style::v_rule(
                plot,
                &y.0,
                &Rule {
                    label: String::new(),
                    ..r.clone()
                },
            )?;
        }
        Ok(())
    }
}

/// Lowest and highest ends of the intervals, and the target.
fn span(values: &[(f64, f64)], target: Option<f64>) -> (f64, f64) {
    let mut lo = values
        .iter()
        .map(|(m, c)| m - c)
        .fold(f64::INFINITY, f64::min);
    let mut hi = values
        .iter()
        .map(|(m, c)| m + c)
        .fold(f64::NEG_INFINITY, f64::max);
    if let Some(t) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if !lo.is_finite() {
        lo = 0.0;
    }
    if !hi.is_finite() {
        hi = 1.0;
    }
    (lo, hi)
}

fn draw_points<DB, CT>(
    plot: &DrawingArea<DB, CT>,
    xs: &[f64],
    values: &[(f64, f64)],
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    for (x, (m, c)) in xs.iter().zip(values) {
        style::v_interval(plot, *x, *m, *c)?;
    }
    let points: Vec<(f64, f64)> = xs.iter().zip(values).map(|(x, v)| (*x, v.0)).collect();
    style::series(plot, &points, 0, 1)
}
