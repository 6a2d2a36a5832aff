//! Built-in intraday arrival shapes: relative weights for each hour of the day.

/// Names of the built-in profiles.
pub const NAMES: [&str; 4] = ["flat", "office", "evening", "24x7"];

/// Hourly weights of a built-in profile (00:00-01:00 first), not normalized.
///
/// - `flat`: even over the opening hours of `[hours]`;
/// - `24x7`: even over all 24 hours;
/// - `office`: a business-hours day with a late-morning peak (10-12) and an
///   early-afternoon peak (14-15), a dip at lunch, quiet nights;
/// - `evening`: a consumer day that builds to an evening peak (19-21).
pub fn hourly(name: &str) -> Option<[f64; 24]> {
    match name {
        "flat" | "24x7" => Some([1.0; 24]),
        "office" => Some([
            0.10, 0.05, 0.05, 0.05, 0.05, 0.10, 0.30, 1.00, 3.00, 5.50, 7.00, 7.00, 5.00, 5.50,
            6.50, 6.00, 5.00, 3.50, 2.00, 1.20, 0.80, 0.50, 0.30, 0.20,
        ]),
        "evening" => Some([
            0.60, 0.30, 0.15, 0.10, 0.10, 0.15, 0.40, 0.90, 1.50, 2.00, 2.40, 2.60, 2.80, 2.80,
            2.70, 2.80, 3.00, 3.60, 4.40, 5.20, 5.50, 5.00, 3.60, 1.60,
        ]),
        _ => None,
    }
}

/// True for the profiles that spread contacts over the opening hours only.
pub fn follows_hours(name: &str) -> bool {
    name == "flat"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_peaks_late_morning_and_early_afternoon() {
        let w = hourly("office").unwrap();
        let peak = (0..24).max_by(|&a, &b| w[a].total_cmp(&w[b])).unwrap();
        assert!((10..12).contains(&peak));
        assert!(w[12] < w[11] && w[12] < w[14], "a lunch dip");
        assert!(w[3] < 0.1 * w[10]);
        for n in NAMES {
            assert!(hourly(n).unwrap().iter().all(|&x| x > 0.0));
        }
    }
}
