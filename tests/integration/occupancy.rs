//! Per-agent occupancy is measured as the line's is: busy time over the
//! agent's own available time (on duty, overtime included, less breaks).

use staffsim::experiment::summarize;
use staffsim::kpi::Kpi;
use staffsim::model::run_replication;
use staffsim::scenario::load_file;

/// The help desk (two shifts, breaks and lunch, absences, overtime): in
/// every replication and on every line, the agents' occupancies weighted
/// by their available time average to the line's occupancy within 1e-9,
/// and so do the figures of `agents.csv` over a one-replication run.
#[test]
fn agents_of_a_line_average_to_the_line() {
    let mut sc = load_file("scenarios/helpdesk.toml".as_ref()).expect("helpdesk loads");
    sc.replications = 2;
    let tallies: Vec<_> = (0..2).map(|r| run_replication(&sc, r)).collect();
    for (rep, t) in tallies.iter().enumerate() {
        let mut first = 0;
        for (l, line) in sc.lines.iter().enumerate() {
            let n = line.headcount() as usize;
            let lt = &t.lines[l];
            let available = lt.on_duty - lt.on_break;
            if n == 0 || available <= 0.0 {
                first += n;
                continue;
            }
            let line_occ = lt.busy / available;
            let (mut weighted, mut weight) = (0.0, 0.0);
            for a in first..first + n {
                let own = t.agent_available[a];
                assert!(own >= 0.0, "agent {a}: available {own}");
                if own > 0.0 {
                    let occ = t.agent_busy[a] / own;
                    assert!(occ <= 1.0 + 1e-9, "agent {a}: occupancy {occ}");
                    weighted += own * occ;
                    weight += own;
                }
            }
            assert!(
                (weight - available).abs() <= 1e-9 * available,
                "replication {rep}, {}: agents' available time {weight} vs the line's {available}",
                line.name
            );
            let mean = weighted / weight;
            assert!(
                (mean - line_occ).abs() <= 1e-9,
                "replication {rep}, {}: agents average {mean}, line {line_occ}",
                line.name
            );
            first += n;
        }
    }
    let result = summarize(&sc, &tallies[..1]);
    for line in sc.lines.iter().filter(|l| l.external.is_none()) {
        let agents: Vec<_> = result
            .agents
            .iter()
            .filter(|a| a.line == line.name)
            .collect();
        let weight: f64 = agents.iter().map(|a| a.available_hours).sum();
        let mean = agents
            .iter()
            .map(|a| a.available_hours * a.occupancy)
            .sum::<f64>()
            / weight;
        let line_occ = result.lines[&line.name][&Kpi::Occupancy].mean;
        assert!(
            (mean - line_occ).abs() <= 1e-9,
            "{}: agents.csv averages {mean}, the line {line_occ}",
            line.name
        );
        // on its own time, not the whole window's: well above a shift's share of the week
        assert!(line_occ > 0.3, "{}: {line_occ}", line.name);
    }
}
