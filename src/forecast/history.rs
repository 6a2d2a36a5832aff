//! The volume-history CSV `staffsim forecast` reads: timestamps with counts, per channel.
//!
//! The first column is the start of each bucket, an ISO 8601 date-time; a
//! trailing `Z` or UTC offset is ignored and the clock time is kept as
//! written (the history's local clock: a call center's 09:00 is its
//! 09:00, whatever zone the export was stamped with). Every other column
//! is a channel's count; a history with one count column is channel
//! `calls` (unless its header names another channel). Buckets may be any
//! width that divides a day; rows are in time order. A bucket missing
//! inside a day is a bucket with no contact; a date with no row is a day
//! the history does not have (a holiday, a weekend).
//!
//! Like every input file, an error names the file, the row (1 is the
//! header) and the column, and never quotes a cell.

use crate::error::{Error, Result};
use crate::scenario::read_input;
use crate::scenario::replay::{MAX_REPLAY_BYTES, parse_datetime};
use jiff::civil::{Date, DateTime};
use std::path::Path;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// Generic header words of a lone count column: the channel is `calls`.
const GENERIC: [&str; 8] = [
    "", "calls", "call", "count", "counts", "volume", "contacts", "n",
];

/// A volume history: per channel, per date it has, the count of every
/// bucket of the day.
#[derive(Debug, Clone)]
pub struct History {
    /// The file, as the user named it.
    pub file: String,
    /// Width of a bucket, seconds (it divides a day).
    pub bucket: u32,
    /// The channels, in the file's column order.
    pub channels: Vec<String>,
    /// The dates the history has (with at least one row), in order.
    pub dates: Vec<Date>,
    /// `counts[channel][day][bucket of the day]`; a bucket with no row is 0.
    pub counts: Vec<Vec<Vec<f64>>>,
}

impl History {
    /// Buckets in a day.
    pub fn buckets_per_day(&self) -> usize {
        (DAY / i64::from(self.bucket)) as usize
    }

    /// A history from counts already in memory (tests, benches): `counts`
    /// as in [`History::counts`].
    pub fn from_counts(
        file: &str,
        bucket: u32,
        channels: Vec<String>,
        dates: Vec<Date>,
        counts: Vec<Vec<Vec<f64>>>,
    ) -> Result<History> {
        let h = History {
            file: file.to_string(),
            bucket,
            channels,
            dates,
            counts,
        };
        let bad = |m: String| Err(Error::History { message: m });
        if h.bucket == 0 || DAY % i64::from(h.bucket) != 0 {
            return bad(format!("{file}: a bucket must divide a day"));
        }
        if h.counts.len() != h.channels.len()
            || h.counts.iter().any(|c| {
                c.len() != h.dates.len() || c.iter().any(|d| d.len() != h.buckets_per_day())
            })
        {
            return bad(format!(
                "{file}: counts do not match channels × dates × buckets"
            ));
        }
        if h.dates.windows(2).any(|w| w[0] >= w[1]) {
            return bad(format!("{file}: dates out of order"));
        }
        Ok(h)
    }
}

/// A timestamp of the history: a local date-time, with a trailing `Z` or
/// UTC offset ignored (the clock time is kept as written).
pub fn parse_timestamp(text: &str) -> Option<DateTime> {
    let t = text.trim();
    let local = if let Some(s) = t.strip_suffix(['Z', 'z']) {
        s
    } else if t.len() > 19 && matches!(t.as_bytes()[t.len() - 6], b'+' | b'-') {
        let (s, off) = t.split_at(t.len() - 6);
        let o = off.as_bytes();
        if o[3] != b':' || !o[1..3].iter().chain(&o[4..]).all(u8::is_ascii_digit) {
            return None;
        }
        s
    } else {
        t
    };
    parse_datetime(local)
}

/// Seconds from 0001-01-01 of a date-time (whole seconds; a fraction is an error elsewhere).
fn seconds_of(dt: DateTime) -> i64 {
    let days = i64::from(
        Date::constant(2000, 1, 1)
            .until(dt.date())
            .map(|s| s.get_days())
            .unwrap_or(0),
    );
    days * DAY + i64::from(dt.hour()) * 3600 + i64::from(dt.minute()) * 60 + i64::from(dt.second())
}

/// Reads a volume history CSV (see the module doc).
pub fn read_history(path: &Path) -> Result<History> {
    let shown = path.display().to_string();
    let bytes = read_input(path, MAX_REPLAY_BYTES, "a volume history")?;
    read_history_bytes(&shown, bytes)
}

/// Reads a volume history from its bytes; `shown` names it in messages.
pub fn read_history_bytes(shown: &str, bytes: Vec<u8>) -> Result<History> {
    let fail = |message: String| Error::History { message };
    let text = String::from_utf8(bytes)
        .map_err(|_| fail(format!("{shown} is not a CSV: it is not UTF-8 text")))?;
    if text.trim().is_empty() {
        return Err(fail(format!(
            "{shown} is empty; a volume history needs a header (e.g. DateTime,Calls) and at least two weeks of rows"
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|_| fail(format!("{shown}, row 1: the header is not CSV")))?
        .clone();
    if header.len() < 2 {
        return Err(fail(format!(
            "{shown}, row 1: a volume history needs a timestamp column and at least one count column (e.g. DateTime,Calls)"
        )));
    }
    let names: Vec<String> = header.iter().skip(1).map(str::to_string).collect();
    let channels: Vec<String> = if names.len() == 1 {
        let n = names[0].trim();
        if GENERIC.contains(&n.to_ascii_lowercase().as_str()) {
            vec!["calls".into()]
        } else {
            vec![n.to_string()]
        }
    } else {
        for (i, n) in names.iter().enumerate() {
            if n.is_empty() {
                return Err(fail(format!(
                    "{shown}, row 1, column {}: a history with several count columns names each channel in its header",
                    i + 2
                )));
            }
            if names[..i].contains(n) {
                return Err(fail(format!(
                    "{shown}, row 1, column {}: channel {n} is given twice",
                    i + 2
                )));
            }
        }
        names.clone()
    };
    let column = |i: usize| -> String {
        match header.get(i).filter(|h| !h.is_empty()) {
            Some(h) => format!("column {} ({h})", i + 1),
            None => format!("column {}", i + 1),
        }
    };
    // first pass: (seconds, counts) per row
    let mut rows: Vec<(i64, Vec<f64>)> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut row = 1usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(row as u64 + 1, |p| p.line());
                return Err(fail(format!(
                    "{shown}, row {line}: not a row of the header's {} columns",
                    header.len()
                )));
            }
        }
        row += 1;
        let at = |c: usize, what: &str| fail(format!("{shown}, row {row}, {}: {what}", column(c)));
        let dt = parse_timestamp(&record[0]).ok_or_else(|| {
            at(
                0,
                "not a timestamp; write an ISO 8601 date-time such as 2003-03-03T07:00:00 (a trailing Z is ignored: the clock time is kept)",
            )
        })?;
        if dt.subsec_nanosecond() != 0 {
            return Err(at(0, "a bucket starts on a whole second"));
        }
        let secs = seconds_of(dt);
        if let Some((last, _)) = rows.last() {
            if secs <= *last {
                return Err(at(
                    0,
                    if secs == *last {
                        "the same time as the row before; each bucket is listed once"
                    } else {
                        "earlier than the row before; a history lists its buckets in time order"
                    },
                ));
            }
            if secs - last >= 14 * DAY {
                return Err(at(
                    0,
                    &format!(
                        "{} days after the row before: the history has a gap of weeks; a forecast needs the recent weeks without such a gap (start the file after it)",
                        (secs - last) / DAY
                    ),
                ));
            }
        }
        let mut counts = Vec::with_capacity(names.len());
        for c in 1..header.len() {
            let cell = record[c].trim();
            let v = if cell.is_empty() {
                0.0
            } else {
                match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => v,
                    Ok(v) if v < 0.0 => return Err(at(c, "a negative count")),
                    _ => return Err(at(c, "not a number of contacts")),
                }
            };
            counts.push(v);
        }
        rows.push((secs, counts));
    }
    if rows.is_empty() {
        return Err(fail(format!(
            "{shown} holds no volumes (a header and no row); a forecast needs at least two weeks of history"
        )));
    }
    // the bucket width: the most common step inside a day
    let mut steps: std::collections::BTreeMap<i64, usize> = Default::default();
    for w in rows.windows(2) {
        if w[0].0.div_euclid(DAY) == w[1].0.div_euclid(DAY) {
            *steps.entry(w[1].0 - w[0].0).or_default() += 1;
        }
    }
    let bucket = steps
        .iter()
        .max_by_key(|(step, n)| (**n, std::cmp::Reverse(**step)))
        .map_or(3600, |(s, _)| *s);
    if DAY % bucket != 0 {
        return Err(fail(format!(
            "{shown}: the buckets are {bucket} seconds apart, which does not divide a day; use buckets of e.g. 5, 15, 30 or 60 minutes"
        )));
    }
    // every row on the grid of that width; a longer step inside a day is
    // a missing bucket, but two of the same length in a row are a
    // different bucket width
    let mut last_long: Option<i64> = None;
    for (i, r) in rows.iter().enumerate() {
        let row = i + 2;
        if r.0.rem_euclid(bucket) != 0 {
            return Err(fail(format!(
                "{shown}, row {row}, {}: not on the {}-second buckets of the rest of the file; a history has buckets of one width (mixed bucket widths)",
                column(0),
                bucket
            )));
        }
        if i > 0 && rows[i - 1].0.div_euclid(DAY) == r.0.div_euclid(DAY) {
            let step = r.0 - rows[i - 1].0;
            if step != bucket && last_long == Some(step) {
                return Err(fail(format!(
                    "{shown}, row {row}, {}: rows {} seconds apart, while the file's buckets are {bucket} seconds; a history has buckets of one width (mixed bucket widths)",
                    column(0),
                    step
                )));
            }
            last_long = (step != bucket).then_some(step);
        } else {
            last_long = None;
        }
    }
    let first = rows[0].0.div_euclid(DAY);
    let last = rows[rows.len() - 1].0.div_euclid(DAY);
    let origin = Date::constant(2000, 1, 1);
    let date_of = |day: i64| -> Result<Date> {
        origin
            .checked_add(jiff::Span::new().days(day))
            .map_err(|_| fail(format!("{shown}: a date out of range")))
    };
    if last - first + 1 < 14 {
        return Err(fail(format!(
            "{shown}: the history covers {} day(s), from {} to {}; a forecast needs at least two weeks (14 days) of history, and does better with eight or more",
            last - first + 1,
            date_of(first)?,
            date_of(last)?
        )));
    }
    let per_day = (DAY / bucket) as usize;
    let mut dates = Vec::new();
    let mut counts: Vec<Vec<Vec<f64>>> = vec![Vec::new(); channels.len()];
    let mut current: Option<i64> = None;
    for (secs, c) in &rows {
        let day = secs.div_euclid(DAY);
        if current != Some(day) {
            current = Some(day);
            dates.push(date_of(day)?);
            for ch in counts.iter_mut() {
                ch.push(vec![0.0; per_day]);
            }
        }
        let slot = (secs.rem_euclid(DAY) / bucket) as usize;
        for (ch, v) in counts.iter_mut().zip(c) {
            if let Some(day_counts) = ch.last_mut() {
                day_counts[slot] = *v;
            }
        }
    }
    Ok(History {
        file: shown.to_string(),
        bucket: bucket as u32,
        channels,
        dates,
        counts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<History> {
        read_history_bytes("h.csv", text.as_bytes().to_vec())
    }

    fn two_weeks(step_min: u32) -> String {
        let mut s = String::from("DateTime,Calls\n");
        for d in 1..=14 {
            for m in (0..120).step_by(step_min as usize) {
                s += &format!("2003-03-{d:02}T{:02}:{:02}:00Z,{}\n", 7 + m / 60, m % 60, d);
            }
        }
        s
    }

    #[test]
    fn a_history_is_read_with_its_clock_times() {
        let h = read(&two_weeks(5)).unwrap();
        assert_eq!(h.bucket, 300);
        assert_eq!(h.channels, ["calls"]);
        assert_eq!(h.dates.len(), 14);
        assert_eq!(h.counts[0][0][7 * 12], 1.0);
        assert_eq!(h.counts[0][13][7 * 12 + 23], 14.0);
        assert_eq!(
            parse_timestamp("2003-03-03T07:00:00+02:00").map(|d| d.to_string()),
            Some("2003-03-03T07:00:00".into())
        );
    }

    #[test]
    fn bad_histories_are_named() {
        let e = |t: &str| read(t).unwrap_err().to_string();
        assert!(e("DateTime,Calls\n").contains("no volumes"));
        assert!(
            e("DateTime,Calls\n2003-03-03T07:00:00Z,1\n2003-03-04T07:00:00Z,1\n")
                .contains("at least two weeks")
        );
        let neg = two_weeks(5).replacen(",1\n", ",-1\n", 1);
        assert!(e(&neg).contains("row 2, column 2 (Calls): a negative count"));
        let mut mixed = two_weeks(5);
        for m in (0..120).step_by(15) {
            mixed += &format!("2003-03-15T{:02}:{:02}:00Z,1\n", 7 + m / 60, m % 60);
        }
        assert!(e(&mixed).contains("mixed bucket widths"), "{}", e(&mixed));
        let back = two_weeks(5).replacen("07:05:00Z", "06:05:00Z", 1);
        assert!(e(&back).contains("row 3, column 1 (DateTime): earlier"));
        let gap = two_weeks(5) + "2003-05-01T07:00:00Z,1\n";
        assert!(e(&gap).contains("gap of weeks"));
    }
}
