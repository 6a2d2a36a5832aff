#!/usr/bin/env python3
"""Erlang A (M/M/n+M) in staffsim, SimPy and Ciw: accuracy against the exact
values and contacts simulated per second, measured in one run.

Run through benches/peers/run.sh (it makes the virtual environment, installs
pinned SimPy and Ciw and builds staffsim). See benches/peers/README.md.
"""

import argparse
import datetime
import json
import math
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

import ciw
import simpy

# ---------------------------------------------------------------- scenario

UNITS = {"ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def seconds(text):
    """A staffsim duration ("1h30m", "20s", "1.5h") in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)", text)
    if not parts or "".join(n + u for n, u in parts) != text.replace(" ", ""):
        raise ValueError(f"not a duration: {text!r}")
    return sum(float(n) * UNITS[u] for n, u in parts)


def exp_mean(dist):
    if not (isinstance(dist, dict) and dist.get("dist") == "exponential"):
        raise ValueError(f"this comparison needs exponential durations, got {dist!r}")
    return seconds(dist["mean"])


def load_scenario(path):
    """The Erlang A parameters of a one-channel, one-line, always-on scenario."""
    with open(path, "rb") as f:
        sc = tomllib.load(f)
    sim = sc["simulation"]
    (channel,) = sc["channel"]
    (arrivals,) = sc["arrivals"]
    (line,) = sc["line"]
    for unsupported in ("hours", "ticket_type", "variant", "sweep"):
        if unsupported in sc:
            raise ValueError(f"[{unsupported}] is not part of the Erlang A comparison")
    if "shift" in line or "breaks" in line or "retry" in channel:
        raise ValueError("shifts, breaks and retries are not part of Erlang A")
    return {
        "name": sim.get("name", "base"),
        "horizon_s": seconds(sim["horizon"]),
        "warmup_s": seconds(sim.get("warmup", "0s")),
        "replications": int(sim.get("replications", 10)),
        "seed": int(sim.get("seed", 1)),
        "per_hour": float(arrivals["per_hour"]),
        "aht_s": exp_mean(line["handle"]),
        "patience_s": exp_mean(channel["patience"]),
        "agents": int(line["agents"]),
        "answer_within_s": seconds(channel.get("service_level", {}).get("answer_within", "20s")),
    }


# ---------------------------------------------------------------- exact values


def erlang_a_python(lam, mu, theta, n, t):
    """Exact Erlang A, all rates per second: birth-death chain (birth lam,
    death min(k,n) mu + max(k-n,0) theta) truncated where the mass is below
    1e-300, arrivals see time averages (PASTA), and the wait of an arrival
    that finds k >= n present is a race through k-n+1 stages (the ones ahead
    leave at n mu + i theta, the caller itself abandons at theta). SL(t) by
    uniformization of that absorbing chain."""
    # stationary distribution, unnormalized, in logs to stay finite
    logp = [0.0]
    k = 0
    while True:
        k += 1
        death = min(k, n) * mu + max(k - n, 0) * theta
        logp.append(logp[-1] + math.log(lam / death))
        if k > n and logp[-1] < logp[n] - 700:
            break
    top = max(logp)
    p = [math.exp(v - top) for v in logp]
    z = sum(p)
    p = [v / z for v in p]
    K = len(p) - 1
    m_max = K - n  # stages 0..m_max (m = number ahead)
    p_wait = sum(p[n:])
    # served probability and E[wait; served] per starting stage
    served_from = []
    wait_served_from = []
    prod, acc = 1.0, 0.0
    for i in range(m_max + 1):  # stage i: i ahead; rate out n mu + (i+1) theta
        r = n * mu + (i + 1) * theta
        prod *= (n * mu + i * theta) / r
        acc += 1.0 / r
        served_from.append(prod)
        wait_served_from.append(prod * acc)
    p_served_waiting = sum(p[n + m] * served_from[m] for m in range(m_max + 1))
    p_answered = (1.0 - p_wait) + p_served_waiting
    p_abandon = 1.0 - p_answered
    asa = sum(p[n + m] * wait_served_from[m] for m in range(m_max + 1)) / p_answered
    # uniformization: v[i] = mass in stage i; absorbed into "served" at rate n mu from stage 0
    big = n * mu + (m_max + 1) * theta
    v = [p[n + m] for m in range(m_max + 1)]
    served_by_t = 0.0
    weight = math.exp(-big * t)
    j = 0
    cum_weight = 0.0
    served_mass = 0.0  # mass absorbed in "served" after j jumps of the uniformized chain
    while True:
        cum_weight += weight
        served_by_t += weight * served_mass
        if 1.0 - cum_weight < 1e-15 or j > 100000:
            break
        # one jump
        nv = [0.0] * len(v)
        served_mass += v[0] * (n * mu) / big
        for i in range(len(v)):
            down = (n * mu + i * theta) / big if i > 0 else 0.0
            stay = 1.0 - (n * mu + (i + 1) * theta) / big
            nv[i] += v[i] * stay
            if i > 0:
                nv[i - 1] += v[i] * down
        v = nv
        j += 1
        weight *= big * t / j
    sl = (1.0 - p_wait) + served_by_t
    return {"asa_s": asa, "abandon_rate": p_abandon, "service_level": sl, "p_wait": p_wait}


def erlang_a_staffsim(binary, p):
    """Exact values from `staffsim erlang` (src/calculator.rs)."""
    cmd = [
        binary, "erlang",
        "--rate", f"{p['per_hour']:g}/h",
        "--aht", f"{p['aht_s']:g}s",
        "--patience", f"{p['patience_s']:g}s",
        "--target", f"0.8/{p['answer_within_s']:g}s",
        "--format", "json",
    ]
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    (row,) = [r for r in out["rows"] if r["agents"] == p["agents"]]
    return cmd, {
        "asa_s": row["asa_seconds"],
        "abandon_rate": row["abandon_rate"],
        "service_level": row["service_level"],
        "p_wait": row["p_wait"],
    }


# ---------------------------------------------------------------- statistics


def betacf(a, b, x):
    """Continued fraction of the incomplete beta function (Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        de = d * c
        h *= de
        if abs(de - 1.0) < 1e-15:
            break
    return h


def betai(a, b, x):
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    bt = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return bt * betacf(a, b, x) / a
    return 1.0 - bt * betacf(b, a, 1.0 - x) / b


def t_quantile(p, df):
    """Quantile of Student's t (p > 0.5) by bisection on its CDF."""
    def cdf(x):
        return 1.0 - 0.5 * betai(df / 2.0, 0.5, df / (df + x * x))
    lo, hi = 0.0, 1e6
    for _ in range(200):
        mid = (lo + hi) / 2
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def summarize(values):
    """mean, 95% CI half-width, 99.9% CI half-width (Student t over replications)."""
    n = len(values)
    m = statistics.fmean(values)
    if n < 2:
        return m, float("nan"), float("nan")
    se = statistics.stdev(values) / math.sqrt(n)
    return m, t_quantile(0.975, n - 1) * se, t_quantile(0.9995, n - 1) * se


# ---------------------------------------------------------------- SimPy


def simpy_replication(p, seed, horizon_s):
    """The bank-renege pattern: a Resource of n agents, each caller requests
    one and waits for the request or its patience, whichever comes first."""
    rng = random.Random(seed)
    lam = p["per_hour"] / 3600.0
    mu = 1.0 / p["aht_s"]
    theta = 1.0 / p["patience_s"]
    warmup, within = p["warmup_s"], p["answer_within_s"]
    st = {"arrivals": 0, "offered": 0, "answered": 0, "abandoned": 0, "wait_sum": 0.0, "in_time": 0}

    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=p["agents"])

    def caller(env):
        arrive = env.now
        counted = arrive >= warmup
        if counted:
            st["offered"] += 1
        with agents.request() as req:
            results = yield req | env.timeout(rng.expovariate(theta))
            if req in results:
                wait = env.now - arrive
                if counted:
                    st["answered"] += 1
                    st["wait_sum"] += wait
                    if wait <= within:
                        st["in_time"] += 1
                yield env.timeout(rng.expovariate(mu))
            elif counted:
                st["abandoned"] += 1

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(lam))
            st["arrivals"] += 1
            env.process(caller(env))

    env.process(source(env))
    env.run(until=horizon_s)
    return st


# ---------------------------------------------------------------- Ciw


def ciw_replication(p, seed, horizon_s):
    """ciw.create_network with exponential arrivals, service and reneging
    (patience); time unit: minutes."""
    lam = p["per_hour"] / 60.0
    mu = 60.0 / p["aht_s"]
    theta = 60.0 / p["patience_s"]
    warmup, within = p["warmup_s"] / 60.0, p["answer_within_s"] / 60.0
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=lam)],
        service_distributions=[ciw.dists.Exponential(rate=mu)],
        number_of_servers=[p["agents"]],
        reneging_time_distributions=[ciw.dists.Exponential(rate=theta)],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(horizon_s / 60.0)
    records = sim.get_all_records(include_incomplete=True)
    st = {"arrivals": len(records), "offered": 0, "answered": 0, "abandoned": 0, "wait_sum": 0.0, "in_time": 0}
    for r in records:
        if r.arrival_date < warmup:
            continue
        st["offered"] += 1
        if r.record_type == "renege":
            st["abandoned"] += 1
        elif r.record_type == "service" or (r.record_type == "incomplete" and r.service_start_date is not None):
            wait = r.waiting_time
            st["answered"] += 1
            st["wait_sum"] += wait * 60.0
            if wait <= within:
                st["in_time"] += 1
        # else: still waiting at the horizon (counts as offered, like staffsim)
    return st


def run_python_tool(fn, p, reps, horizon_s):
    per_rep = []
    t0, c0 = time.perf_counter(), time.process_time()
    for r in range(reps):
        per_rep.append(fn(p, p["seed"] * 1000 + r, horizon_s))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    kpis = {
        "asa_s": [s["wait_sum"] / s["answered"] for s in per_rep],
        "abandon_rate": [s["abandoned"] / s["offered"] for s in per_rep],
        "service_level": [s["in_time"] / s["offered"] for s in per_rep],
    }
    return {
        "reps": reps,
        "horizon_s": horizon_s,
        "contacts": sum(s["arrivals"] for s in per_rep),
        "offered": sum(s["offered"] for s in per_rep),
        "wall": wall,
        "cpu": cpu,
        "kpis": {k: summarize(v) for k, v in kpis.items()},
    }


# ---------------------------------------------------------------- staffsim


def run_staffsim(binary, scenario, p, repeats):
    cmd = [binary, "run", scenario, "--format", "json", "--threads", "1", "--quiet"]
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        res = subprocess.run(cmd, check=True, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        if out is None:
            out = res.stdout
        elif res.stdout != out:
            raise RuntimeError("staffsim output differs between identical runs")
    doc = json.loads(out)
    base = doc["scenarios"][0]
    k = base["kpis"]
    ratio999 = t_quantile(0.9995, base["replications"] - 1) / t_quantile(0.975, base["replications"] - 1)

    def kpi(name):
        m, c = k[name]["mean"], k[name]["ci95"]
        return m, c, c * ratio999

    # contacts simulated = every arrival, warm-up included: the same file with
    # no warm-up counts them as offered (same seed, same arrival streams);
    # this extra run is not timed
    with open(scenario) as f:
        text = f.read()
    contacts, how = None, ""
    new, nsub = re.subn(r'(?m)^(\s*warmup\s*=\s*)"[^"]*"', r'\1"0s"', text, count=1)
    if nsub == 1:
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write(new)
            tmp = f.name
        try:
            res = subprocess.run([binary, "run", tmp, "--format", "json", "--threads", "1", "--quiet"],
                                 check=True, capture_output=True, text=True)
            b0 = json.loads(res.stdout)["scenarios"][0]
            contacts = round(b0["kpis"]["offered"]["mean"] * b0["replications"])
            how = "counted (same file, warmup 0s)"
        finally:
            os.unlink(tmp)
    if contacts is None:
        contacts = round(k["offered"]["mean"] * base["replications"] * p["horizon_s"] / (p["horizon_s"] - p["warmup_s"]))
        how = "estimated (offered x horizon / measured window)"
    return {
        "cmd": cmd,
        "reps": base["replications"],
        "horizon_s": p["horizon_s"],
        "contacts": contacts,
        "contacts_how": how,
        "offered": round(k["offered"]["mean"] * base["replications"]),
        "wall": statistics.fmean(walls),
        "walls": walls,
        "cpu": statistics.fmean(cpus),
        "kpis": {
            "asa_s": kpi("asa_seconds"),
            "abandon_rate": kpi("abandon_rate"),
            "service_level": kpi("service_level"),
        },
    }


# ---------------------------------------------------------------- report


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return model, os.cpu_count(), len(os.sched_getaffinity(0))


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def git_state(repo):
    try:
        head = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" (src/ has uncommitted changes: the binary is built from the working tree)" if dirty else "")
    except OSError:
        return "?"


def verdict(mean, ci95, ci999, exact):
    d = abs(mean - exact)
    if d <= ci95:
        return "yes"
    if d <= ci999:
        return "yes (99.9% CI)"
    return "NO"


def fmt_kpi(name, m, c):
    if name == "asa_s":
        return f"{m:.2f} ± {c:.2f}"
    return f"{100 * m:.2f}% ± {100 * c:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default="scenarios/erlang-a.toml")
    ap.add_argument("--staffsim", default="target/release/staffsim")
    ap.add_argument("--staffsim-repeats", type=int, default=25, help="timed staffsim runs; their mean is reported")
    ap.add_argument("--simpy-reps", type=int, default=None, help="SimPy replications (default: the scenario's)")
    ap.add_argument("--simpy-days", type=float, default=None, help="SimPy horizon in days (default: the scenario's)")
    ap.add_argument("--ciw-reps", type=int, default=None, help="Ciw replications (default: the scenario's)")
    ap.add_argument("--ciw-days", type=float, default=None, help="Ciw horizon in days (default: the scenario's)")
    ap.add_argument("--out", default=None, help="also write the report (Markdown) to this file")
    a = ap.parse_args()

    p = load_scenario(a.scenario)
    started = datetime.datetime.now(datetime.timezone.utc)
    cpu_model, ncpu, naff = machine()
    load_start = loadavg()
    lines = []

    def say(s=""):
        print(s, flush=True)
        lines.append(s)

    # exact values, two ways
    cmd, exact = erlang_a_staffsim(a.staffsim, p)
    lam, mu, theta = p["per_hour"] / 3600.0, 1.0 / p["aht_s"], 1.0 / p["patience_s"]
    exact_py = erlang_a_python(lam, mu, theta, p["agents"], p["answer_within_s"])
    for key in ("asa_s", "abandon_rate", "service_level", "p_wait"):
        if abs(exact[key] - exact_py[key]) > 1e-9 * max(1.0, abs(exact[key])):
            raise SystemExit(f"exact values disagree on {key}: staffsim erlang {exact[key]!r}, Python {exact_py[key]!r}")

    print(f"staffsim: {p['replications']} x {p['horizon_s'] / 86400:g} d ...", file=sys.stderr, flush=True)
    results = [("staffsim", run_staffsim(a.staffsim, a.scenario, p, a.staffsim_repeats))]
    simpy_reps = a.simpy_reps or p["replications"]
    simpy_h = a.simpy_days * 86400 if a.simpy_days else p["horizon_s"]
    print(f"SimPy: {simpy_reps} x {simpy_h / 86400:g} d ...", file=sys.stderr, flush=True)
    results.append((f"SimPy {simpy.__version__}", run_python_tool(simpy_replication, p, simpy_reps, simpy_h)))
    ciw_h = a.ciw_days * 86400 if a.ciw_days else p["horizon_s"]
    ciw_reps = a.ciw_reps or p["replications"]
    print(f"Ciw: {ciw_reps} x {ciw_h / 86400:g} d ...", file=sys.stderr, flush=True)
    results.append((f"Ciw {ciw.__version__}", run_python_tool(ciw_replication, p, ciw_reps, ciw_h)))
    load_end = loadavg()

    say(f"## Erlang A: staffsim vs SimPy vs Ciw ({started:%Y-%m-%d %H:%M} UTC)")
    say()
    say(f"- Machine: {cpu_model}, {ncpu} logical CPUs ({naff} usable), {platform.system()} {platform.release()}; "
        f"load average {load_start} at the start, {load_end} at the end (shared machine)")
    say(f"- Python {platform.python_version()}, SimPy {simpy.__version__}, Ciw {ciw.__version__}; "
        f"staffsim at {git_state(os.path.dirname(os.path.abspath(a.scenario)) + '/..')}")
    say(f"- Model: `{a.scenario}`: {p['per_hour']:g} calls/h Poisson, exponential handling (mean {p['aht_s']:g} s), "
        f"exponential patience (mean {p['patience_s']:g} s), {p['agents']} agents always on duty; "
        f"warm-up {p['warmup_s'] / 86400:g} d discarded; service level = answered within {p['answer_within_s']:g} s / offered "
        f"(abandoned count as not in time); ASA = mean wait of answered contacts")
    say(f"- Exact values: `{' '.join(cmd)}` (row agents = {p['agents']}), "
        f"checked against an independent Python birth-death computation (agree to 1e-9)")
    sw = results[0][1]["walls"]
    say(f"- All single-threaded. staffsim wall and CPU = mean of {len(sw)} runs of "
        f"`{' '.join(results[0][1]['cmd'])}` (the whole process: start-up, {results[0][1]['reps']} replications, JSON; "
        f"wall min {min(sw):.3f} s, median {statistics.median(sw):.3f} s, max {max(sw):.3f} s; the output is checked "
        f"byte-identical across runs). SimPy and Ciw: one in-process run each, timed around all replications "
        f"including the KPI computation; CPU = process CPU time.")
    say()
    say("| tool | replications × days | ASA s (± 95% CI) | abandon rate (± 95% CI) | "
        f"service level {p['answer_within_s']:g} s (± 95% CI) | agrees with exact (ASA / abandon / SL) | "
        "contacts simulated | wall s | CPU s | contacts/s | staffsim ÷ tool |")
    say("|---|---|---|---|---|---|---|---|---|---|---|")
    say(f"| exact (Erlang A) | — | {exact['asa_s']:.2f} | {100 * exact['abandon_rate']:.2f}% | "
        f"{100 * exact['service_level']:.2f}% | — | — | — | — | — | — |")
    base_rate = results[0][1]["contacts"] / results[0][1]["wall"]
    disagreements = []
    for name, r in results:
        cells, verdicts = [], []
        for key in ("asa_s", "abandon_rate", "service_level"):
            m, c95, c999 = r["kpis"][key]
            cells.append(fmt_kpi(key, m, c95))
            v = verdict(m, c95, c999, exact[key])
            verdicts.append(v)
            if v != "yes":
                se = c95 / t_quantile(0.975, r["reps"] - 1)
                disagreements.append(f"{name} {key}: {m:.6g} vs exact {exact[key]:.6g}, "
                                     f"{(m - exact[key]) / se:+.2f} standard errors")
        rate = r["contacts"] / r["wall"]
        say(f"| {name} | {r['reps']} × {r['horizon_s'] / 86400:g} | {' | '.join(cells)} | {' / '.join(verdicts)} | "
            f"{r['contacts']:,} | {r['wall']:.2f} | {r['cpu']:.2f} | {rate:,.0f} | {base_rate / rate:,.1f} |")
    say()
    say(f"- Contacts simulated = every arrival, warm-up day included; staffsim's are {results[0][1]['contacts_how']}. "
        f"Measured (post-warm-up) offered contacts: "
        + ", ".join(f"{n} {r['offered']:,}" for n, r in results) + ".")
    say("- Agrees: \"yes\" = the exact value lies in the 95% CI; \"yes (99.9% CI)\" = outside the 95% CI but "
        "inside the 99.9% CI (the test suite's criterion); \"NO\" = outside both. With nine checks a miss at "
        "95% happens by chance in about one run in three.")
    if disagreements:
        say("- Outside the 95% CI: " + "; ".join(disagreements) + ".")
    zs = []
    for name, r in results:
        parts = []
        for key, label in (("asa_s", "ASA"), ("abandon_rate", "abandon"), ("service_level", "SL")):
            m, c95, _ = r["kpis"][key]
            se = c95 / t_quantile(0.975, r["reps"] - 1)
            parts.append(f"{label} {(m - exact[key]) / se:+.2f}")
        zs.append(f"{name} {', '.join(parts)}")
    say("- (mean − exact) / standard error: " + "; ".join(zs) + ".")
    cpu_ratio = " / ".join(f"{n} {(results[0][1]['contacts'] / results[0][1]['cpu']) / (r['contacts'] / r['cpu']):,.1f}"
                           for n, r in results[1:])
    say(f"- staffsim ÷ tool by CPU seconds instead of wall: {cpu_ratio}. On a shared machine wall time includes "
        f"time the process waited for a core (wall > CPU above); the CPU-time ratio is the steadier one.")
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
