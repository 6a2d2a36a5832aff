//! What the benches share: the shipped scenarios, the contacts a
//! replication simulates, and one replication with every KPI computed.

use staffsim::engine::SimTime;
use staffsim::kpi;
use staffsim::model::run_replication;
use staffsim::scenario::{Scenario, load_file};
use std::path::Path;

/// Loads a scenario shipped in `scenarios/`.
pub fn scenario(file: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    load_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every contact replication 0 of `sc` simulates, warm-up included. The
/// arrival streams do not depend on the warm-up, so the same run with no
/// warm-up counts all of them as offered.
pub fn contacts(sc: &Scenario) -> u64 {
    let mut all = sc.clone();
    all.warmup = SimTime::ZERO;
    let tally = run_replication(&all, 0);
    tally.channels.iter().map(|c| c.offered).sum()
}

/// One replication of `sc` on this thread, with its KPIs computed.
pub fn replication(sc: &Scenario) -> f64 {
    kpi_sum(sc, &run_replication(sc, 0))
}

/// Every KPI of a replication's tallies, folded into one number so that
/// none of them can be skipped.
pub fn kpi_sum(sc: &Scenario, tally: &staffsim::model::RunTally) -> f64 {
    let kpis = kpi::measure(sc, tally);
    // fold every KPI into the result so none of them can be skipped
    kpis.overall.iter().map(|(_, v)| v).sum::<f64>()
        + kpis
            .lines
            .iter()
            .chain(&kpis.channels)
            .flat_map(|(_, vs)| vs.iter().map(|(_, v)| v))
            .sum::<f64>()
}
