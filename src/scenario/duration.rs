//! Durations with units (`"20s"`, `"4m"`, `"1h30m"`, `"2d"`) and clock times.

/// Parses a duration such as `"20s"`, `"4m"`, `"1h30m"`, `"1.5h"` or `"2d"`
/// into seconds. Units: `ms`, `s`, `m`, `h`, `d`, `w`.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err(
            "an empty duration; write a number with a unit, such as \"20s\" or \"4m\"".into(),
        );
    }
    if s.strip_prefix('-')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
    {
        return Err(format!(
            "\"{s}\" is negative; a duration must be zero or more"
        ));
    }
    if s.parse::<f64>().is_ok() {
        return Err(format!(
            "\"{s}\" has no unit; write \"{s}s\" for seconds, \"{s}m\" for minutes or \"{s}h\" for hours"
        ));
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total = 0.0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        if start == i {
            return Err(format!(
                "\"{s}\" is not a duration; write a number with a unit, such as \"20s\", \"4m\", \"1h30m\" or \"2d\""
            ));
        }
        let number: f64 = s[start..i]
            .parse()
            .map_err(|_| format!("\"{}\" in \"{s}\" is not a number", &s[start..i]))?;
        let ustart = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let factor = match &s[ustart..i] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            "w" => 604_800.0,
            "" if i == bytes.len() => {
                return Err(format!(
                    "\"{s}\" ends without a unit; units are ms, s, m, h, d, w"
                ));
            }
            "" => {
                let next = s[i..].chars().next().unwrap_or(' ');
                return Err(format!(
                    "\"{s}\" has {next:?} after the number {}; write a unit right after each number, such as \"20s\" or \"1h30m\" (units are ms, s, m, h, d, w)",
                    &s[start..i]
                ));
            }
            u => {
                return Err(format!(
                    "unknown unit \"{u}\" in \"{s}\"; units are ms, s, m, h, d, w"
                ));
            }
        };
        total += number * factor;
    }
    if !total.is_finite() {
        return Err(format!("\"{s}\" is too large"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_combinations() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("4m"), Ok(240.0));
        assert_eq!(parse_duration("8h"), Ok(28_800.0));
        assert_eq!(parse_duration("2d"), Ok(172_800.0));
        assert_eq!(parse_duration("1h30m"), Ok(5_400.0));
        assert_eq!(parse_duration("1.5h"), Ok(5_400.0));
        assert_eq!(parse_duration("250ms"), Ok(0.25));
    }

    #[test]
    fn bare_numbers_and_junk_are_refused() {
        assert!(parse_duration("240").unwrap_err().contains("\"240s\""));
        assert!(parse_duration("4 parsecs").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("4x").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-4m").unwrap_err().contains("negative"));
        assert!(parse_duration("-5").unwrap_err().contains("negative"));
        assert!(parse_duration(&"-".repeat(100_000)).is_err());
        assert!(
            parse_duration("5 minutes")
                .unwrap_err()
                .contains("' ' after the number 5")
        );
        assert!(
            parse_duration("1h30")
                .unwrap_err()
                .contains("ends without a unit")
        );
    }
}
