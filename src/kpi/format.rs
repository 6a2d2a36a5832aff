//! Values for people: percentages, durations in the unit that reads best, money with its currency, counts in thousands.

/// Said of a figure that is undefined (NaN) because no contact arrived.
pub const NO_TRAFFIC: &str = "no traffic";

/// A share as a percentage: `81.2%` (`81%` for ticks); `no traffic` when
/// undefined.
pub fn pct(x: f64) -> String {
    if x.is_nan() {
        return NO_TRAFFIC.to_string();
    }
    format!("{:.1}%", x * 100.0)
}

/// A duration in seconds, in the unit that reads best; `no traffic` when
/// undefined.
pub fn duration(secs: f64) -> String {
    if secs.is_nan() {
        return NO_TRAFFIC.to_string();
    }
    let s = secs.max(0.0);
    if s < 90.0 {
        format!("{:.0} s", s)
    } else if s < 90.0 * 60.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 48.0 * 3600.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

/// `1234567.8` as `1,234,568`.
pub fn thousands(x: f64) -> String {
    let neg = x < 0.0;
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

/// Money with the scenario's currency: `EUR 582,907`, `EUR 15.20`; `no
/// traffic` when undefined (a cost per contact with no contact).
pub fn money(x: f64, currency: &str) -> String {
    if x.is_nan() {
        return NO_TRAFFIC.to_string();
    }
    let amount = if x.abs() >= 1000.0 {
        thousands(x)
    } else {
        format!("{:.2}", x)
    };
    if currency.is_empty() {
        amount
    } else {
        format!("{currency} {amount}")
    }
}
