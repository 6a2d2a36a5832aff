//! Replaying a real day: calendar dates, holidays and closed dates,
//! recorded arrivals (traces) and staffing by interval (rosters).
//!
//! The checks are exact: a trace fixes every arrival, a roster every
//! agent on duty, so counts, times and waits are compared with the file
//! or with a schedule worked out by hand.

use staffsim::scenario::{Scenario, load_str};

fn load(text: &str) -> Scenario {
    match load_str(text, "test.toml", None) {
        Ok(s) => s,
        Err(e) => panic!("test scenario does not load: {e}\n{text}"),
    }
}

/// A one-line scenario starting at `start`.
fn starting(start: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "3d"
start = {start}
[[channel]]
name = "phone"
[[arrivals]]
channel = "phone"
per_hour = 1
[[line]]
name = "L1"
channels = ["phone"]
agents = 1
handle = "1m"
"#
    )
}

#[test]
fn a_date_start_gives_its_weekday_and_calendar_times() {
    // 15 February 1999 was a Monday, 21 February a Sunday
    let sc = load(&starting("\"1999-02-21\""));
    assert_eq!(sc.start_weekday, 6);
    assert_eq!(sc.datetime_at(0.0).to_string(), "1999-02-21T00:00:00");
    assert_eq!(
        sc.datetime_at(86_400.0 + 7.0 * 3600.0 + 3.0 * 60.0 + 12.25)
            .to_string(),
        "1999-02-22T07:03:12.25"
    );
    // a TOML date, unquoted, is the same
    let toml_date = load(&starting("1999-02-21"));
    assert_eq!(toml_date.start_date, sc.start_date);
    // a weekday start runs in the nominal week of Monday 2001-01-01
    let wed = load(&starting("\"wed\""));
    assert_eq!(wed.start_date, None);
    assert_eq!(wed.datetime_at(3600.0).to_string(), "2001-01-03T01:00:00");
    assert_eq!(
        load(&starting("\"mon\"")).start_date().to_string(),
        "2001-01-01"
    );
}

#[test]
fn a_start_date_in_a_wrong_format_is_an_error_with_its_place() {
    for (bad, says) in [
        ("\"1999-2-15\"", "write \"YYYY-MM-DD\""),
        ("\"15/02/1999\"", "write \"YYYY-MM-DD\""),
        ("\"1999-02-30\"", "not a date of the calendar"),
        ("\"9999-12-30\"", "past the year 9999"),
    ] {
        let text = starting(bad);
        let err = load_str(&text, "test.toml", None)
            .expect_err(bad)
            .to_string();
        assert!(
            err.contains("test.toml:4:") && err.contains("simulation.start") && err.contains(says),
            "{bad}: {err}"
        );
    }
}
