//! `intervals.csv`: the average week of every scenario, interval by interval.

use super::Exporter;
use super::csv::{number, quote};
use crate::experiment::Results;

/// One row per scenario, interval and channel or line.
#[derive(Debug, Default, Clone, Copy)]
pub struct IntervalsCsv;

const CHANNEL: [&str; 5] = [
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "asa_seconds",
];
const LINE: [&str; 6] = [
    "mean_queue",
    "max_queue",
    "agents_rostered",
    "agents_on_duty",
    "agents_on_break",
    "agents_busy",
];

impl Exporter for IntervalsCsv {
    fn render(&self, results: &Results) -> Vec<u8> {
        let mut out = String::from("scenario,weekday,start,kind,name");
        for k in CHANNEL.iter().chain(LINE.iter()) {
            out.push(',');
            out.push_str(k);
        }
        out.push('\n');
        for s in &results.scenarios {
            for iv in &s.intervals {
                for (name, m) in &iv.channels {
                    out.push_str(&format!(
                        "{},{},{},channel,{}",
                        quote(&super::csv::text(&s.name)),
                        iv.weekday,
                        iv.start,
                        quote(&super::csv::text(name))
                    ));
                    for k in CHANNEL {
                        out.push(',');
                        // absent (no contact in the interval): an empty cell
                        out.push_str(&m.get(k).map_or(String::new(), |x| number(*x)));
                    }
                    out.push_str(&",".repeat(LINE.len()));
                    out.push('\n');
                }
                for (name, m) in &iv.lines {
                    out.push_str(&format!(
                        "{},{},{},line,{}",
                        quote(&super::csv::text(&s.name)),
                        iv.weekday,
                        iv.start,
                        quote(&super::csv::text(name))
                    ));
                    out.push_str(&",".repeat(CHANNEL.len()));
                    for k in LINE {
                        out.push(',');
                        out.push_str(&m.get(k).map_or(String::new(), |x| number(*x)));
                    }
                    out.push('\n');
                }
            }
        }
        out.into_bytes()
    }
}
