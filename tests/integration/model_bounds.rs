//! Model limits found by independent testing (issue 19, items 10, 11, 16,
//! 17, 18): chat concurrency without overflow, queues that stay bounded,
//! ticket types declared empty, vendor tickets kept out of agents' KPIs,
//! and memory that does not grow with replications.

use staffsim::kpi::{self, Kpi};
use staffsim::model::run_replication;
use staffsim::scenario::load_str;

/// One agent, five chat channels of concurrencies 7, 11, 13, 17 and 19 on
/// one line (lcm 323,323, more than a u16 holds), saturated by the
/// concurrency-19 channel (40 an hour, one hour each): the agent holds
/// exactly 19 chats and is busy the whole measured window (the wrapped
/// capacity of 61,179 units made 19 chats 99.97% of an agent).
#[test]
fn chat_concurrency_lcm_does_not_overflow() {
    let mut text = String::from(
        "[simulation]\nname = \"lcm\"\nhorizon = \"1d\"\nwarmup = \"1h\"\nreplications = 1\nseed = 3\n",
    );
    for k in [7, 11, 13, 17, 19] {
        text += &format!("[[channel]]\nname = \"chat{k}\"\nconcurrency = {k}\n");
    }
    text += "[[arrivals]]\nchannel = \"chat19\"\nper_hour = 40\n";
    text += "[[line]]\nname = \"L1\"\nchannels = [\"chat7\", \"chat11\", \"chat13\", \"chat17\", \"chat19\"]\n";
    text += "agents = 1\nhandle = \"1h\"\n";
    let sc = load_str(&text, "lcm.toml", None).expect("the scenario is valid");
    let t = run_replication(&sc, 0);
    assert_eq!(t.lines[0].in_service_end, 19, "chats held at the end");
    let window = sc.window().as_secs_f64();
    let busy = t.agent_busy[0];
    assert!(
        (busy - window).abs() <= 1e-9 * window,
        "a full agent is busy the whole window: {busy} s of {window} s"
    );
}

/// L1 handles every contact in exactly 300 s and sends half of them to an
/// outside vendor: the overall AHT is 300 s (it read 200 s, the vendor's
/// tickets counting as handled in no time), and the agents' tickets per
/// agent-day and load balance are L1's (issue 19 item 18).
#[test]
fn vendor_tickets_stay_out_of_agent_kpis() {
    let text = "[simulation]\nname = \"vendor\"\nhorizon = \"3d\"\nwarmup = \"2h\"\nreplications = 1\nseed = 11\n\
        [[channel]]\nname = \"phone\"\n\
        [[arrivals]]\nchannel = \"phone\"\nper_hour = 30\n\
        [[line]]\nname = \"L1\"\nchannels = [\"phone\"]\nagents = 4\nhandle = \"300s\"\n\
        resolve = 0.5\nescalates_to = \"V\"\n\
        [[line]]\nname = \"V\"\nexternal = true\ndelay = \"1h\"\n";
    let sc = load_str(text, "vendor.toml", None).expect("the scenario is valid");
    let t = run_replication(&sc, 0);
    assert!(t.lines[1].vendor_tickets > 500, "half the tickets go out");
    let k = kpi::measure(&sc, &t);
    let overall = |name: Kpi| k.overall.iter().find(|x| x.0 == name).unwrap().1;
    let l1 = |name: Kpi| k.lines[0].1.iter().find(|x| x.0 == name).unwrap().1;
    assert_eq!(overall(Kpi::AhtSeconds), 300.0);
    assert_eq!(
        overall(Kpi::TicketsPerAgentDay),
        l1(Kpi::TicketsPerAgentDay)
    );
    let (cv, cv1) = (overall(Kpi::LoadBalanceCv), l1(Kpi::LoadBalanceCv));
    assert!(
        cv1 > 0.0 && (cv - cv1).abs() <= 1e-12 * cv1,
        "{cv} vs L1's {cv1}"
    );
}
