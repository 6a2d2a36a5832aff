//! Helpers shared by the integration tests.

use staffsim::stats::{Estimate, normal_quantile, t_quantile, t_quantile_975};
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// The repository root (where `Cargo.toml`, `scenarios/` and `tests/` are).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The malformed-scenario corpus, `tests/data/bad`.
pub fn bad_dir() -> PathBuf {
    root().join("tests/data/bad")
}

/// The real `staffsim` binary, run from the repository root so that paths
/// such as `scenarios/erlang-a.toml` work as they do for a user.
pub fn staffsim() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("staffsim").expect("the staffsim binary is built");
    cmd.current_dir(root());
    cmd
}

/// The output of a command that is expected to succeed: its standard output
/// as text. Fails the test, showing standard error, when it did not succeed.
pub fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().expect("staffsim starts");
    assert!(
        out.status.success(),
        "staffsim failed with {:?}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("standard output is UTF-8")
}

/// Runs `staffsim run FILE --format json ARGS...` and parses the document.
pub fn run_json(file: &str, args: &[&str]) -> serde_json::Value {
    let text = stdout_of(
        staffsim()
            .args(["run", file, "--format", "json"])
            .args(args),
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
}

/// Splits one CSV record into its fields (read by the `csv` crate).
pub fn csv_fields(line: &str) -> Vec<String> {
    let record = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .unwrap_or_else(|| panic!("no CSV record in {line:?}"))
        .unwrap_or_else(|e| panic!("invalid CSV record {line:?}: {e}"));
    record.iter().map(String::from).collect()
}

#[test]
fn csv_fields_handles_quotes() {
    assert_eq!(csv_fields("a,b"), ["a", "b"]);
    assert_eq!(
        csv_fields("\"x, y\",\"say \"\"hi\"\"\",,z"),
        ["x, y", "say \"hi\"", "", "z"]
    );
}

// ---------------------------------------------------------------------------
// Statistical checks: one error budget for the whole suite
//
// Every statistical comparison of the suite (an exact value against a
// simulated confidence interval, a difference that must show, a Poisson
// count against its spread) is made here, through `check`, `check_rel`,
// `clearly_below`, `clearly_positive` or `compared`. Each is made at the
// level `SUITE_ALPHA / COMPARISONS`, with the Student-t quantile of the
// replications it has, so by the union bound (Bonferroni) a correct model
// fails the whole suite with probability below `SUITE_ALPHA`, whatever the
// seeds. `BUDGET` lists each statistical test with its number of
// comparisons, and a test that makes more or fewer than its entry fails:
// the count cannot drift from the code.

/// The largest chance that a correct model fails the statistical suite.
pub const SUITE_ALPHA: f64 = 0.01;

/// Every statistical test and the number of comparisons it makes.
pub const BUDGET: &[(&str, usize)] = &[
    ("statistical::erlang_c_cases_match_the_formulas", 20),
    ("statistical::erlang_a_cases_match_the_formulas", 16),
    (
        "statistical::one_agent_general_service_matches_pollaczek_khinchine",
        3,
    ),
    ("statistical::tandem_lines_match_erlang_c_per_line", 7),
    (
        "wrap_up::one_agent_with_wrap_up_matches_pollaczek_khinchine",
        3,
    ),
    ("helpdesk::priorities_match_cobham_per_class", 10),
    ("helpdesk::chat_concurrency_is_k_times_the_agents", 9),
    (
        "helpdesk::misrouting_is_a_truncated_geometric_number_of_l1_passes",
        10,
    ),
    (
        "helpdesk::routing_policies_spread_work_but_do_not_change_waits",
        3,
    ),
    (
        "helpdesk::email_backlog_is_never_abandoned_and_ends_as_predicted",
        3,
    ),
    (
        "helpdesk::live_arrivals_follow_the_calendar_when_the_run_starts_on_saturday",
        1,
    ),
    (
        "helpdesk::key_clients_wait_less_and_reserved_agents_help_when_allowed",
        2,
    ),
    (
        "helpdesk::key_clients_still_wait_less_when_reserved_agents_take_other_work",
        1,
    ),
    (
        "helpdesk::external_line_resolves_after_its_delay_at_its_fee",
        4,
    ),
    ("helpdesk::retries_are_new_attempts_of_the_same_contact", 1),
    (
        "calendar::hourly_weights_and_weekday_multipliers_shape_a_backlog_channel",
        8,
    ),
    (
        "calendar::weekday_multipliers_follow_the_calendar_when_the_run_starts_midweek",
        8,
    ),
    (
        "calendar::office_profile_is_renormalized_over_the_opening_hours",
        7,
    ),
    (
        "calendar::breaks_lower_the_service_level_on_common_random_numbers",
        2,
    ),
    (
        "calendar::backlog_arriving_after_hours_is_answered_after_opening",
        1,
    ),
    ("calendar::two_12_hour_shifts_match_constant_staffing", 11),
    ("calendar::absenteeism_removes_a_share_of_agent_days", 1),
    (
        "calendar::volume_cv_inflates_the_variance_of_daily_counts",
        4,
    ),
    (
        "whatif::paired_intervals_are_narrower_than_unpaired_ones",
        4,
    ),
];

/// The number of statistical comparisons in the whole suite.
pub const COMPARISONS: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < BUDGET.len() {
        n += BUDGET[i].1;
        i += 1;
    }
    n
};

/// The chance of a false alarm allowed to each comparison.
pub fn alpha_each() -> f64 {
    SUITE_ALPHA / COMPARISONS as f64
}

/// The two-sided Student-t critical value of one comparison, for a mean
/// over `reps` replications (reps - 1 degrees of freedom).
pub fn t_crit(reps: u32) -> f64 {
    assert!(reps >= 2, "a confidence interval needs 2 replications");
    t_quantile(1.0 - alpha_each() / 2.0, reps as usize - 1)
}

/// The two-sided normal critical value of one comparison (for counts whose
/// spread is known exactly, such as Poisson counts).
pub fn z_crit() -> f64 {
    normal_quantile(1.0 - alpha_each() / 2.0)
}

/// The half-width of `est`'s interval at the level of one comparison:
/// its reported 95% half-width rescaled from t(0.975) to `t_crit`.
pub fn half_width(est: Estimate, reps: u32) -> f64 {
    est.ci95 / t_quantile_975(reps as usize - 1) * t_crit(reps)
}

thread_local! {
    /// The test being counted on this thread, and its comparisons so far.
    static SPENT: Cell<Option<(&'static str, usize)>> = const { Cell::new(None) };
}

/// Counts the comparisons of one statistical test: made at its start, it
/// checks on drop (unless the test already failed) that the test made
/// exactly as many as its `BUDGET` entry says.
pub struct Budget {
    test: &'static str,
    allowed: usize,
}

impl Budget {
    /// Starts counting the comparisons of `test` (its `module::name`).
    pub fn new(test: &'static str) -> Budget {
        let allowed = BUDGET
            .iter()
            .find(|b| b.0 == test)
            .unwrap_or_else(|| {
                panic!("{test} makes statistical comparisons: list it in util::BUDGET")
            })
            .1;
        SPENT.with(|s| s.set(Some((test, 0))));
        Budget { test, allowed }
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        let made = SPENT.with(|s| s.take()).map_or(0, |x| x.1);
        if !std::thread::panicking() {
            assert_eq!(
                made, self.allowed,
                "{} made {made} statistical comparisons; util::BUDGET says {}: update it",
                self.test, self.allowed
            );
        }
    }
}

/// Counts one statistical comparison (made by the caller at the level of
/// `t_crit` or `z_crit`). Panics outside a test holding a `Budget`.
pub fn compared() {
    SPENT.with(|s| match s.get() {
        Some((test, n)) => s.set(Some((test, n + 1))),
        None => panic!("a statistical comparison outside a test holding a util::Budget"),
    });
}

/// Asserts `exact` lies in the simulated interval at the level of one
/// comparison (`reps` replications), and that the reported 95% half-width
/// is at most `max_ci95`, so the check can fail.
pub fn check(case: &str, what: &str, est: Estimate, reps: u32, exact: f64, max_ci95: f64) {
    compared();
    let half = half_width(est, reps);
    eprintln!(
        "{case:<30} {what:<30} sim {:>12.6} ± {:>10.6} (95%) ± {:>10.6} (t {:.2}, n {reps})   exact {:>12.6}   |diff|/half {:.2}   ci95/max {:.2}",
        est.mean,
        est.ci95,
        half,
        t_crit(reps),
        exact,
        (est.mean - exact).abs() / half,
        est.ci95 / max_ci95
    );
    assert!(
        (est.mean - exact).abs() <= half,
        "{case}: {what}: simulated {} ± {half} (t {:.2}, {reps} replications), exact {exact}: outside the interval",
        est.mean,
        t_crit(reps)
    );
    assert!(
        est.ci95 <= max_ci95,
        "{case}: {what}: the 95% interval ±{} is too wide (> {max_ci95}) to prove anything; run longer",
        est.ci95
    );
}

/// [`check`] with the width allowed as a share `max_rel` of the exact
/// value, or `max_abs`, whichever is larger.
pub fn check_rel(
    case: &str,
    what: &str,
    est: Estimate,
    reps: u32,
    exact: f64,
    max_rel: f64,
    max_abs: f64,
) {
    check(
        case,
        what,
        est,
        reps,
        exact,
        (max_rel * exact.abs()).max(max_abs),
    );
}

/// Asserts `low` is below `high` with their intervals (at the level of one
/// comparison, `reps` replications each) apart.
pub fn clearly_below(case: &str, what: &str, low: Estimate, high: Estimate, reps: u32) {
    compared();
    let (hl, hh) = (half_width(low, reps), half_width(high, reps));
    eprintln!(
        "{case:<30} {what:<30} {:>12.6} ± {:>10.6}  <  {:>12.6} ± {:>10.6}   gap/(sum of halves) {:.2}",
        low.mean,
        hl,
        high.mean,
        hh,
        (high.mean - low.mean) / (hl + hh)
    );
    assert!(
        low.mean + hl < high.mean - hh,
        "{case}: {what}: {} ± {hl} is not clearly below {} ± {hh}",
        low.mean,
        high.mean
    );
}

/// Asserts the mean of `est` (over `reps` replications) is clearly above
/// zero: its interval at the level of one comparison excludes 0.
pub fn clearly_positive(case: &str, what: &str, est: Estimate, reps: u32) {
    compared();
    let half = half_width(est, reps);
    eprintln!(
        "{case:<30} {what:<30} {:>12.6} ± {:>10.6} > 0   mean/half {:.2}",
        est.mean,
        half,
        est.mean / half
    );
    assert!(
        est.mean - half > 0.0,
        "{case}: {what}: {} ± {half} is not clearly above 0",
        est.mean
    );
}

#[test]
fn the_budget_sizes_each_comparison() {
    // 139 comparisons at 0.01 in all: 7.2e-5 each
    const { assert!(COMPARISONS > 100) };
    assert!((alpha_each() * COMPARISONS as f64 - SUITE_ALPHA).abs() < 1e-15);
    // 20 replications: t(1 - alpha_each / 2, 19) is wider than the old
    // fixed 99.9% normal factor on t(0.975) and below 6
    let t = t_crit(20);
    assert!(t > 3.2905 / 1.96 * t_quantile_975(19) && t < 6.0, "{t}");
    eprintln!(
        "{COMPARISONS} comparisons, each at {:.2e}: t {:.3} (n 10), {:.3} (n 16), {:.3} (n 20), {:.3} (n 30), {:.3} (n 60), z {:.3}",
        alpha_each(),
        t_crit(10),
        t_crit(16),
        t_crit(20),
        t_crit(30),
        t_crit(60),
        z_crit()
    );
}
