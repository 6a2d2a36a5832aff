//! Chart 4: the average weekday of the base scenario, interval by interval:
//! contacts offered per channel, agents on duty and queue length per line.

use super::style::{self, DrawResult, Key, Panel};
use super::{Chart, Context};
use crate::experiment::ScenarioResult;
use crate::kpi::Kpi;
use crate::scenario::{WEEKDAY_NAMES, WEEKDAYS};
use indexmap::IndexMap;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;

/// One scenario's intervals averaged over days by clock time.
#[derive(Debug, Clone, Default)]
pub struct DayProfile {
    /// Interval starts, minutes after midnight, ascending.
    pub starts: Vec<f64>,
    /// The days averaged (`mon` .. `fri`, or every day when the results
    /// hold no weekday).
    pub days: Vec<&'static str>,
    /// Offered contacts per interval, per channel.
    pub offered: IndexMap<String, Vec<f64>>,
    /// Mean agents on duty (breaks included), per line.
    pub on_duty: IndexMap<String, Vec<f64>>,
    /// Mean number of tickets waiting, per line.
    pub queue: IndexMap<String, Vec<f64>>,
}

/// `mon` -> `Monday`.
fn day_name(d: &str) -> &'static str {
    WEEKDAYS
        .iter()
        .position(|w| *w == d)
        .map_or("", |i| WEEKDAY_NAMES[i])
}

fn minutes(hhmm: &str) -> f64 {
    let (h, m) = hhmm.split_once(':').unwrap_or((hhmm, "0"));
    h.parse::<f64>().unwrap_or(0.0) * 60.0 + m.parse::<f64>().unwrap_or(0.0)
}

/// Sums of one clock time's values by (kind: 0 offered, 1 on duty, 2 queue; name).
type Sums = IndexMap<(u8, String), f64>;

/// The average Monday-to-Friday of `s`: its intervals on weekdays averaged
/// by clock time (every day when no weekday occurred in the window).
pub fn average_weekday(s: &ScenarioResult) -> DayProfile {
    day_profile(s, None)
}

/// One weekday of `s` (`mon` .. `sun`), or the average Monday-to-Friday
/// when `day` is `None`. Empty when that day never occurred in the
/// measured window.
pub fn day_profile(s: &ScenarioResult, day: Option<&str>) -> DayProfile {
    const WEEK: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];
    let chosen: Vec<_> = match day {
        Some(d) => s.intervals.iter().filter(|i| i.weekday == d).collect(),
        None => {
            let weekday: Vec<_> = s
                .intervals
                .iter()
                .filter(|i| WEEK.contains(&i.weekday))
                .collect();
            if weekday.is_empty() {
                s.intervals.iter().collect()
            } else {
                weekday
            }
        }
    };
    let mut days: Vec<&'static str> = Vec::new();
    // clock time -> (days seen, sums by series name)
    let mut by_time: BTreeMap<u32, (f64, Sums)> = BTreeMap::new();
    for i in &chosen {
        if !days.contains(&i.weekday) {
            days.push(i.weekday);
        }
        let e = by_time
            .entry(minutes(&i.start) as u32)
            .or_insert_with(|| (0.0, IndexMap::new()));
        e.0 += 1.0;
        for (c, m) in &i.channels {
            *e.1.entry((0, c.clone())).or_insert(0.0) +=
                m.get(&Kpi::Offered).copied().unwrap_or(0.0);
        }
        for (l, m) in &i.lines {
            *e.1.entry((1, l.clone())).or_insert(0.0) +=
                m.get(&Kpi::AgentsOnDuty).copied().unwrap_or(0.0);
            *e.1.entry((2, l.clone())).or_insert(0.0) +=
                m.get(&Kpi::MeanQueue).copied().unwrap_or(0.0);
        }
    }
    let mut out = DayProfile {
        days,
        ..Default::default()
    };
    let names = |kind: u8| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for (_, sums) in by_time.values() {
            for (k, n) in sums.keys() {
                if *k == kind && !v.contains(n) {
                    v.push(n.clone());
                }
            }
        }
        v
    };
    let (channels, lines) = (names(0), names(1));
    for (t, (count, sums)) in &by_time {
        out.starts.push(*t as f64);
        let get = |k: u8, n: &String| sums.get(&(k, n.clone())).copied().unwrap_or(0.0) / count;
        for c in &channels {
            out.offered.entry(c.clone()).or_default().push(get(0, c));
        }
        for l in &lines {
            out.on_duty.entry(l.clone()).or_default().push(get(1, l));
            out.queue.entry(l.clone()).or_default().push(get(2, l));
        }
    }
    // a line nobody ever staffs (an outside vendor) has no agents or queue to show
    let staffed: Vec<String> = out
        .on_duty
        .iter()
        .filter(|(_, v)| v.iter().any(|x| *x > 0.0))
        .map(|(k, _)| k.clone())
        .collect();
    out.on_duty.retain(|k, _| staffed.contains(k));
    out.queue.retain(|k, _| staffed.contains(k));
    out
}

/// The average weekday (or one chosen weekday) of the base scenario.
pub struct Intraday {
    name: String,
    day: DayProfile,
    /// The weekday asked for, if any.
    chosen: Option<&'static str>,
    step: f64,
    replications: u32,
}

const WIDTH: u32 = 1000;
const PANEL: u32 = 250;

impl Intraday {
    /// The chart, when the base has per-interval results.
    pub fn new(ctx: Context) -> Option<Self> {
        let base = ctx.scenarios().first()?;
        let day = day_profile(base, ctx.day);
        if day.starts.is_empty() {
            return None;
        }
        Some(Intraday {
            name: base.name.clone(),
            day,
            chosen: ctx.day,
            step: ctx.base.interval.as_secs_f64() / 60.0,
            replications: ctx.replications(),
        })
    }

    fn legend(&self) -> Vec<(Key, String)> {
        // channels and lines share one numbering of looks
        let mut l: Vec<(Key, String)> = Vec::new();
        for (i, c) in self.day.offered.keys().enumerate() {
            l.push((Key::Series(i), format!("channel {c}")));
        }
        let k = self.day.offered.len();
        for (j, name) in self.day.on_duty.keys().enumerate() {
            l.push((Key::Series(k + j), format!("line {name}")));
        }
        l
    }

    fn days_text(&self) -> String {
        if let Some(d) = self.chosen {
            return format!("every {}", day_name(d));
        }
        if self.day.days.len() >= 5
            && self
                .day
                .days
                .iter()
                .all(|d| ["mon", "tue", "wed", "thu", "fri"].contains(d))
        {
            "Monday to Friday".into()
        } else {
            self.day.days.join(", ")
        }
    }

    /// The step series of one interval quantity: flat over each interval.
    fn steps(&self, values: &[f64]) -> Vec<(f64, f64)> {
        let mut pts = Vec::with_capacity(values.len() * 2);
        for (t, v) in self.day.starts.iter().zip(values) {
            pts.push((*t, *v));
            pts.push((t + self.step, *v));
        }
        pts
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        title: &str,
        y_desc: &str,
        x_desc: &str,
        series: &IndexMap<String, Vec<f64>>,
        first_look: usize,
    ) -> DrawResult<DB> {
        let hi = series.values().flatten().copied().fold(0.0_f64, f64::max);
        let hi = if hi > 0.0 { hi * 1.1 } else { 1.0 };
        let y = style::value_axis(0.0, hi);
        let x = (0.0..1440.0, (0..=12).map(|h| h as f64 * 120.0).collect());
        let clock = |m: f64| format!("{:02}:{:02}", (m / 60.0) as u32, (m % 60.0) as u32);
        let chart = style::panel(
            area,
            &Panel {
                title: title.into(),
                x,
                x_tick: &clock,
                x_desc: x_desc.into(),
                y,
                y_tick: &style::number_tick,
                y_desc: y_desc.into(),
            },
        )?;
        let plot = chart.plotting_area();
        // a marker every two hours (every 4th point of 30-minute steps)
        let every = ((120.0 / self.step).round() as usize).max(1) * 2;
        for (j, values) in series.values().enumerate() {
            style::series(plot, &self.steps(values), first_look + j, every)?;
        }
        Ok(())
    }
}

impl Chart for Intraday {
    fn id(&self) -> &'static str {
        "intraday"
    }

    fn title(&self) -> String {
        match self.chosen {
            Some(d) => format!("{}: demand, staffing and queue", day_name(d)),
            None => "The average weekday: demand, staffing and queue".into(),
        }
    }

    fn subtitle(&self) -> String {
        format!(
            "Base scenario \"{}\", {} averaged by time of day, per {:.0}-minute interval, over {} \
             replications. On duty: agents at work, breaks included. Queue: mean number waiting.",
            self.name,
            self.days_text(),
            self.step,
            self.replications
        )
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
        let k = self.day.offered.len();
        self.panel(
            &p1,
            "Contacts offered",
            &format!("contacts per {:.0} min", self.step),
            "",
            &self.day.offered,
            0,
        )?;
        self.panel(&p2, "Agents on duty", "agents", "", &self.day.on_duty, k)?;
        self.panel(
            &p3,
            "Queue length",
            "tickets waiting",
            "time of day",
            &self.day.queue,
            k,
        )?;
        Ok(())
    }
}
