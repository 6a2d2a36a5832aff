//! Exact steady-state queueing formulas (Erlang B/C/A, Pollaczek–Khinchine, Cobham priority) in one caller-chosen time unit.
//!
//! All functions take rates and means in the same (arbitrary) time unit and
//! return times in that unit. They are numerically robust for 1..=1000
//! servers and loads up to about 1000 Erlangs: the Erlang B recursion is run
//! in log space (no factorials, no powers), and the Erlang A birth–death chain
//! is summed with a running log-scale so nothing overflows. No function
//! returns NaN or a negative value.

/// Numerically stable `ln(1 + e^x)`.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// Numerically stable `ln(e^a + e^b)`.
fn log_add_exp(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

/// Returns `(ln(1/B(c-1, a)), ln(1/B(c, a)))` for `c >= 1`, `a > 0`.
///
/// Uses the inverse Erlang B recursion `1/B(k) = 1 + (k/a) / B(k-1)`, carried
/// out in log space so it neither overflows nor underflows.
fn ln_inv_erlang_b_pair(servers: u32, load: f64) -> (f64, f64) {
    let ln_load = load.ln();
    let mut prev = 0.0; // ln(1/B(0)) = 0
    let mut cur = 0.0;
    for k in 1..=servers {
        prev = cur;
        cur = softplus(f64::from(k).ln() - ln_load + prev);
    }
    (prev, cur)
}

/// Erlang B blocking probability for `servers` servers and offered load `load` Erlangs.
///
/// Uses the stable recursion (in log space). `servers == 0` gives 1; a load of
/// zero or less gives 0; an infinite or NaN load gives 1.
pub fn erlang_b(servers: u32, load: f64) -> f64 {
    if servers == 0 || load.is_nan() || load == f64::INFINITY {
        return 1.0;
    }
    if load <= 0.0 {
        return 0.0;
    }
    let (_, ln_inv) = ln_inv_erlang_b_pair(servers, load);
    (-ln_inv).exp().clamp(0.0, 1.0)
}

/// Erlang C probability of waiting `C(c, a)` for `0 <= a < c`, `c >= 1`.
fn erlang_c_prob(servers: u32, load: f64) -> f64 {
    if load <= 0.0 {
        return 0.0;
    }
    let c = f64::from(servers);
    let rho = load / c;
    // C = 1 / (1 + (1 - rho) * (1/B(c) - 1)) and 1/B(c) - 1 = (c/a) / B(c-1).
    let (ln_inv_prev, _) = ln_inv_erlang_b_pair(servers, load);
    let head = (c.ln() - load.ln() + ln_inv_prev).exp();
    (1.0 / (1.0 + (1.0 - rho) * head)).clamp(0.0, 1.0)
}

fn positive_finite(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// M/M/c (Erlang C) steady state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangC {
    /// Arrival rate.
    pub lambda: f64,
    /// Mean service (handle) time.
    pub mean_service: f64,
    /// Number of servers `c`.
    pub servers: u32,
    /// Probability that an arrival has to wait, `C(c, a)`.
    pub p_wait: f64,
    /// Mean wait in queue over all arrivals (average speed of answer), `C / (c mu - lambda)`.
    pub asa: f64,
    /// Server occupancy `a / c`.
    pub occupancy: f64,
    /// Mean number waiting in queue, `lambda * asa`.
    pub mean_queue: f64,
}

impl ErlangC {
    /// None when lambda*mean_service >= servers (unstable) or inputs are not positive/finite.
    pub fn new(lambda: f64, mean_service: f64, servers: u32) -> Option<ErlangC> {
        if !positive_finite(lambda) || !positive_finite(mean_service) || servers == 0 {
            return None;
        }
        let load = lambda * mean_service;
        let c = f64::from(servers);
        if !load.is_finite() || load >= c {
            return None;
        }
        let p_wait = erlang_c_prob(servers, load);
        // C / (c mu - lambda), written so the denominator is exactly positive.
        let asa = p_wait * mean_service / (c - load);
        Some(ErlangC {
            lambda,
            mean_service,
            servers,
            p_wait,
            asa,
            occupancy: load / c,
            mean_queue: lambda * asa,
        })
    }

    /// P(wait <= t) over all arrivals: 1 - C e^{-(c mu - lambda) t}.
    ///
    /// Negative or NaN `t` gives 0.
    pub fn service_level(&self, t: f64) -> f64 {
        if t.is_nan() || t < 0.0 {
            return 0.0;
        }
        // c mu - lambda = (c - a) / mean_service, positive for a stable queue.
        let load = self.lambda * self.mean_service;
        let decay = (f64::from(self.servers) - load).max(0.0) / self.mean_service;
        (1.0 - self.p_wait * (-decay * t).exp()).clamp(0.0, 1.0)
    }
}

/// Hard cap on the number of queue states summed in the Erlang A chain.
const ERLANG_A_MAX_TAIL: usize = 50_000_000;
/// Start the tail sum past this many negligible states below the mode.
const ERLANG_A_SKIP_MIN: f64 = 1000.0;
/// Terms of the skipped prefix that are summed exactly before the midpoint rule.
const ERLANG_A_EXACT_PREFIX: usize = 100_000;
/// Standard deviations below the mode where the tail sum starts when skipping.
const ERLANG_A_SKIP_SDS: f64 = 13.0;
/// Relative size below which the remaining tail of the chain is dropped.
const ERLANG_A_TAIL_TOL: f64 = 1e-17;

/// Summary of the Erlang A birth–death chain, normalised in log space.
struct ChainSummary {
    /// `ln` of the unnormalised mass of states `k < n` (relative to `q_n = 1`).
    ln_head: f64,
    /// `ln` of the normalising constant (same scale).
    ln_z: f64,
    /// First queue length `j = k - n` summed (0 unless the mode is far out).
    first_j: usize,
    /// `ln q_{n + first_j}` (relative to `q_n = 1`).
    first_lq: f64,
    /// Last queue length `j = k - n` kept (inclusive).
    last_j: usize,
    /// P(k >= n).
    p_wait: f64,
    /// E[number in queue].
    mean_queue: f64,
    /// P(arrival abandons), from the tagged-customer analysis.
    p_abandon: f64,
    /// E[W * 1{served}] over all arrivals.
    wait_served: f64,
}

/// Sums the M/M/n+M chain; `q_{n+j}` is the weight of `j` waiting, with `q_n = 1`.
///
/// Birth rate `lambda`, death rate `min(k,n) mu + max(k-n,0) theta`.
/// `allow_skip` lets the sum start far below a distant mode (see
/// [`erlang_a_tail_start`]); it is false only in tests.
fn erlang_a_chain(
    lambda: f64,
    mu: f64,
    servers: u32,
    theta: f64,
    allow_skip: bool,
) -> ChainSummary {
    let n = f64::from(servers);
    let n_mu = n * mu;
    let load = lambda / mu;
    // Head: sum_{k<n} q_k = (n/a) / B(n-1, a), in logs.
    let (ln_inv_prev, _) = ln_inv_erlang_b_pair(servers, load);
    let ln_head = n.ln() - load.ln() + ln_inv_prev;

    let ln_lambda = lambda.ln();
    let (first_j, first_lq, first_harmonic) = if allow_skip {
        erlang_a_tail_start(lambda, n_mu, theta)
    } else {
        (0, 0.0, 0.0)
    };
    // Running log-scale: accumulators hold sums multiplied by exp(-scale).
    let mut scale = 0.0_f64;
    let mut lq = first_lq; // ln q_{n+j}
    let mut s0 = 0.0_f64; // sum q
    let mut sq = 0.0_f64; // sum j q
    let mut sab = 0.0_f64; // sum q (1 - P(served | j))
    let mut sw = 0.0_f64; // sum q P(served | j) E[T_j | served]
    let mut harmonic = first_harmonic; // sum_{i=0}^{j} 1/(n mu + (i+1) theta)
    let mut j = first_j;
    loop {
        if j > first_j {
            lq += ln_lambda - (n_mu + j as f64 * theta).ln();
        }
        if lq > scale {
            let f = (scale - lq).exp();
            s0 *= f;
            sq *= f;
            sab *= f;
            sw *= f;
            scale = lq;
        }
        let w = (lq - scale).exp();
        let next_rate = n_mu + (j as f64 + 1.0) * theta; // n mu + (j+1) theta
        harmonic += 1.0 / next_rate;
        let p_served = n_mu / next_rate;
        let jf = j as f64;
        s0 += w;
        sq += jf * w;
        sab += w * ((jf + 1.0) * theta / next_rate);
        sw += w * p_served * harmonic;

        // Stop once past the mode and the geometric bound on the remainder is negligible.
        let r = lambda / next_rate; // ratio q_{n+j+1} / q_{n+j}; decreasing in j
        if r < 1.0 {
            let geo = r / (1.0 - r);
            let bound_mass = geo;
            let bound_first = jf * geo + geo / (1.0 - r);
            let ln_bound = lq + bound_mass.max(bound_first).ln();
            let ln_total = log_add_exp(ln_head, scale + s0.ln());
            if ln_bound < ln_total + ERLANG_A_TAIL_TOL.ln() || r == 0.0 {
                break;
            }
        }
        if j - first_j >= ERLANG_A_MAX_TAIL {
            break;
        }
        j += 1;
    }
    let ln_z = log_add_exp(ln_head, scale + s0.ln());
    let norm = (scale - ln_z).exp();
    ChainSummary {
        ln_head,
        ln_z,
        first_j,
        first_lq,
        last_j: j,
        p_wait: (s0 * norm).clamp(0.0, 1.0),
        mean_queue: (sq * norm).max(0.0),
        p_abandon: (sab * norm).clamp(0.0, 1.0),
        wait_served: (sw * norm).max(0.0),
    }
}

/// Where the Erlang A tail sum starts: `(j0, ln q_{n+j0}, sum_{i=1}^{j0} 1/(n mu + i theta))`.
///
/// Normally `j0 = 0`. When the queue-length mode `j* = (lambda - n mu)/theta`
/// lies far out (overload with very long patience), the states more than
/// `ERLANG_A_SKIP_SDS` standard deviations `sqrt(lambda/theta)` below it are
/// skipped: `ln q` drops by at least `d(d-1) theta / (2 lambda)` at distance
/// `d` below the mode, so they weigh less than `e^-84` relative to the mode,
/// and the head (`k < n`, total weight below `n`) is negligible too. The
/// start weight and partial harmonic sum are summed exactly over the first
/// `ERLANG_A_EXACT_PREFIX` terms and by the midpoint rule with its
/// Euler–Maclaurin correction beyond (where `n mu + i theta >= 1e5 theta`, so
/// the rule is accurate to ~1e-20 relative).
fn erlang_a_tail_start(lambda: f64, n_mu: f64, theta: f64) -> (usize, f64, f64) {
    let mode = (lambda - n_mu) / theta;
    let skip = mode - ERLANG_A_SKIP_SDS * (lambda / theta).sqrt();
    if !skip.is_finite() || skip < ERLANG_A_SKIP_MIN {
        return (0, 0.0, 0.0);
    }
    let j0 = skip.floor() as usize;
    let ln_lambda = lambda.ln();
    let exact = j0.min(ERLANG_A_EXACT_PREFIX);
    let mut lq = 0.0_f64;
    let mut harmonic = 0.0_f64;
    for i in 1..=exact {
        let u = n_mu + i as f64 * theta;
        lq += ln_lambda - u.ln();
        harmonic += 1.0 / u;
    }
    if j0 > exact {
        // sum_{i=exact+1}^{j0} f(i) ~ integral over [exact+1/2, j0+1/2] of f
        //   - (f'(j0+1/2) - f'(exact+1/2)) / 24.
        let lo = n_mu + (exact as f64 + 0.5) * theta;
        let hi = n_mu + (j0 as f64 + 0.5) * theta;
        let anti = |u: f64| u * u.ln() - u; // integral of ln u du
        let sum_ln = (anti(hi) - anti(lo)) / theta - (theta / hi - theta / lo) / 24.0;
        let sum_inv = (hi / lo).ln() / theta + (theta / (hi * hi) - theta / (lo * lo)) / 24.0;
        lq += (j0 - exact) as f64 * ln_lambda - sum_ln;
        harmonic += sum_inv;
    }
    (j0, lq, harmonic)
}

/// M/M/n+M (Erlang A) steady state, exponential patience with mean `mean_patience`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Arrival rate.
    pub lambda: f64,
    /// Mean service (handle) time.
    pub mean_service: f64,
    /// Number of servers `n`.
    pub servers: u32,
    /// Mean patience (exponential, rate `theta = 1 / mean_patience`).
    pub mean_patience: f64,
    /// Probability that an arrival finds all servers busy and has to wait.
    pub p_wait: f64,
    /// Probability that an arrival abandons (equals `theta * mean_queue / lambda`).
    pub p_abandon: f64,
    /// Mean wait of answered arrivals, including those answered at once (wait 0).
    pub asa_answered: f64,
    /// Mean time in queue over all arrivals (answered or abandoned), `mean_queue / lambda`.
    pub mean_wait_all: f64,
    /// Server occupancy: mean busy servers / n.
    pub occupancy: f64,
    /// Mean number waiting in queue.
    pub mean_queue: f64,
}

impl ErlangA {
    /// Computed from the birth-death chain (birth lambda, death min(k,n) mu + max(k-n,0) theta), truncated where the tail probability is negligible (< 1e-15 relative), in log space or with scaling so it does not overflow. None for non-positive / non-finite inputs or servers == 0.
    ///
    /// A waiting customer with `j` ahead is served with probability
    /// `n mu / (n mu + (j+1) theta)` (the telescoped product of the stage
    /// survival probabilities); its time to service is hypoexponential with
    /// rates `n mu + i theta`, `i = j..=0`.
    pub fn new(
        lambda: f64,
        mean_service: f64,
        servers: u32,
        mean_patience: f64,
    ) -> Option<ErlangA> {
        if !positive_finite(lambda)
            || !positive_finite(mean_service)
            || !positive_finite(mean_patience)
            || servers == 0
        {
            return None;
        }
        let mu = 1.0 / mean_service;
        let theta = 1.0 / mean_patience;
        if !positive_finite(mu) || !positive_finite(theta) || !positive_finite(lambda / mu) {
            return None;
        }
        let chain = erlang_a_chain(lambda, mu, servers, theta, true);
        let p_served = (1.0 - chain.p_abandon).max(0.0);
        let asa_answered = if p_served > 0.0 {
            chain.wait_served / p_served
        } else {
            0.0
        };
        let occupancy = (lambda * p_served * mean_service / f64::from(servers)).clamp(0.0, 1.0);
        Some(ErlangA {
            lambda,
            mean_service,
            servers,
            mean_patience,
            p_wait: chain.p_wait,
            p_abandon: chain.p_abandon,
            asa_answered,
            mean_wait_all: chain.mean_queue / lambda,
            occupancy,
            mean_queue: chain.mean_queue,
        })
    }

    /// Share of ALL arrivals answered within t (abandoned count as not answered in time): P(W <= t and served).
    ///
    /// Exact: `P(k < n) + sum_j p_{n+j} P(served | j) P(T'_j <= t)`, where
    /// `T'_j` is hypoexponential with rates `n mu + (i+1) theta`, `i = 0..=j`.
    /// All the `T'_j` are hitting times of one pure-death chain, whose
    /// transient distribution is computed by uniformization (a Poisson-weighted
    /// sum of non-negative matrix–vector steps, stable for equal or close
    /// rates). Negative or NaN `t` gives 0.
    pub fn service_level(&self, t: f64) -> f64 {
        if t.is_nan() || t < 0.0 {
            return 0.0;
        }
        let mu = 1.0 / self.mean_service;
        let theta = 1.0 / self.mean_patience;
        let n_mu = f64::from(self.servers) * mu;
        let lambda = self.lambda;
        let chain = erlang_a_chain(lambda, mu, self.servers, theta, true);
        let p_immediate = (chain.ln_head - chain.ln_z).exp();
        if t == 0.0 {
            return p_immediate.clamp(0.0, 1.0);
        }
        if t == f64::INFINITY {
            return (p_immediate + chain.p_wait - chain.p_abandon).clamp(0.0, 1.0);
        }
        let rate = |i: usize| n_mu + (i as f64 + 1.0) * theta; // stage rate in state i
        // Upper bound of the uniformization rate over all kept states.
        let big_rate = rate(chain.last_j);
        let mean_jumps = big_rate * t;
        // Poisson(mean_jumps) tail beyond this is < 1e-30.
        let max_jumps_f = mean_jumps + 12.0 * mean_jumps.sqrt() + 40.0;
        // A state j needs j+1 jumps to be absorbed, so states beyond the jump
        // budget never contribute.
        let last = if max_jumps_f >= chain.last_j as f64 {
            chain.last_j
        } else {
            max_jumps_f as usize
        };
        let unif = rate(last);
        let pois_mean = unif * t;
        let max_jumps = (pois_mean + 12.0 * pois_mean.sqrt() + 40.0).ceil();

        if chain.first_j > last {
            // Every waiting state needs more jumps than can happen by t.
            return p_immediate.clamp(0.0, 1.0);
        }
        // Initial (defective) distribution: w_j = p_{n+j} P(served | j).
        let mut lq = chain.first_lq;
        let mut v = vec![0.0; last + 1];
        for (j, slot) in v.iter_mut().enumerate().skip(chain.first_j) {
            if j > chain.first_j {
                lq += lambda.ln() - (n_mu + j as f64 * theta).ln();
            }
            *slot = (lq - chain.ln_z).exp() * (n_mu / rate(j));
        }
        let total: f64 = v.iter().sum();
        if total <= 0.0 {
            return p_immediate.clamp(0.0, 1.0);
        }
        let step: Vec<f64> = (0..=last).map(|i| rate(i) / unif).collect();

        // sum_m Pois(m; unif t) * absorbed_m, absorbed_m = mass absorbed after m jumps.
        let ln_mean = pois_mean.ln();
        let mut ln_fact = 0.0_f64;
        let mut absorbed = 0.0_f64;
        let mut cum_pois = 0.0_f64;
        let mut acc = 0.0_f64;
        let mut active = last; // highest state that can still hold mass
        let mut m: u64 = 0;
        loop {
            let pmf = (-pois_mean + m as f64 * ln_mean - ln_fact).exp();
            cum_pois += pmf;
            acc += pmf * absorbed;
            if m as f64 >= max_jumps {
                break;
            }
            // One uniformized jump: state i moves to i-1 with prob step[i].
            absorbed += v[0] * step[0];
            let mut remaining = 0.0;
            for i in 0..active {
                v[i] = v[i] * (1.0 - step[i]) + v[i + 1] * step[i + 1];
                remaining += v[i];
            }
            v[active] *= 1.0 - step[active];
            remaining += v[active];
            while active > 0 && v[active] == 0.0 {
                active -= 1;
            }
            m += 1;
            ln_fact += (m as f64).ln();
            if remaining <= 1e-17 * total {
                // Saturated: every later term contributes `absorbed` times its Poisson weight.
                let pmf = (-pois_mean + m as f64 * ln_mean - ln_fact).exp();
                cum_pois += pmf;
                acc += pmf * absorbed;
                acc += (1.0 - cum_pois).max(0.0) * absorbed;
                break;
            }
        }
        (p_immediate + acc).clamp(0.0, 1.0)
    }
}

/// Pollaczek–Khinchine mean wait in queue for M/G/1: lambda E[S^2] / (2 (1 - rho)); None if rho >= 1.
///
/// Also None for non-positive or non-finite inputs, or a second moment below
/// `mean_service^2` (negative variance).
pub fn pollaczek_khinchine_wq(lambda: f64, mean_service: f64, second_moment: f64) -> Option<f64> {
    if !positive_finite(lambda) || !positive_finite(mean_service) || !second_moment.is_finite() {
        return None;
    }
    if second_moment < mean_service * mean_service * (1.0 - 1e-12) {
        return None;
    }
    let rho = lambda * mean_service;
    if !rho.is_finite() || rho >= 1.0 {
        return None;
    }
    Some((lambda * second_moment / (2.0 * (1.0 - rho))).max(0.0))
}

/// Non-preemptive priority M/M/c (Cobham): mean wait in queue of each priority class, classes given highest priority first, all with the same mean service time. Returns None if total load >= servers.
///
/// `W_k = C(c, a) / (c mu (1 - sigma_{k-1}) (1 - sigma_k))` with
/// `sigma_k = sum_{i<=k} lambda_i / (c mu)`. Also None for a negative or
/// non-finite rate, non-positive/non-finite `mean_service`, or `servers == 0`.
/// Classes with zero arrival rate are allowed; an empty slice gives an empty vector.
pub fn priority_mmc_waits(lambdas: &[f64], mean_service: f64, servers: u32) -> Option<Vec<f64>> {
    if !positive_finite(mean_service) || servers == 0 {
        return None;
    }
    if lambdas.iter().any(|&l| !l.is_finite() || l < 0.0) {
        return None;
    }
    let total: f64 = lambdas.iter().sum();
    let load = total * mean_service;
    let c = f64::from(servers);
    if !load.is_finite() || load >= c {
        return None;
    }
    let p_wait = erlang_c_prob(servers, load);
    let c_mu = c / mean_service;
    let mut sigma_prev = 0.0_f64;
    let mut waits = Vec::with_capacity(lambdas.len());
    for &l in lambdas {
        let sigma = (sigma_prev + l / c_mu).min(load / c);
        waits.push((p_wait / (c_mu * (1.0 - sigma_prev) * (1.0 - sigma))).max(0.0));
        sigma_prev = sigma;
    }
    Some(waits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    fn assert_rel(name: &str, got: f64, want: f64, tol: f64) {
        assert!(
            got.is_finite() && rel(got, want) < tol,
            "{name}: got {got:.9}, want {want}, rel err {:.3e}",
            rel(got, want)
        );
    }

    #[test]
    fn analytic_erlang_b_reference() {
        let b = erlang_b(30, 25.0);
        assert!((b - 0.0526).abs() < 5e-5, "erlang_b(30, 25) = {b}");
        // Agrees with the classical direct recursion.
        let mut direct = 1.0;
        for k in 1..=30 {
            direct = 25.0 * direct / (f64::from(k) + 25.0 * direct);
        }
        assert_rel("erlang_b vs direct recursion", b, direct, 1e-13);
        assert_eq!(erlang_b(0, 5.0), 1.0);
        assert_eq!(erlang_b(5, 0.0), 0.0);
        let tiny = erlang_b(1000, 1.0);
        assert!((0.0..1e-300).contains(&tiny));
        let big = erlang_b(1000, 1000.0);
        assert!(big > 0.0 && big < 1.0);
    }

    #[test]
    fn analytic_erlang_c_ssj_mmc() {
        let q = ErlangC::new(4.2, 2.0, 12).unwrap();
        assert_rel("p_wait", q.p_wait, 0.183889, 5e-6);
        assert_rel("asa", q.asa, 0.102160, 5e-6);
        assert_rel("sl", q.service_level(1.0 / 3.0), 0.899080, 5e-6);
        assert_rel("occupancy", q.occupancy, 0.7, 1e-12);
        assert_rel("mean_queue", q.mean_queue, 4.2 * q.asa, 1e-12);
    }

    #[test]
    fn analytic_erlang_c_pyworkforce() {
        let q = ErlangC::new(10.0 / 3.0, 3.0, 14).unwrap();
        assert_rel("p_wait", q.p_wait, 0.174132, 5e-6);
        assert_rel("asa", q.asa, 0.130599, 5e-6);
        // The published 0.887853 comes from pyworkforce's test, which passes
        // asa = 0.33 min (19.8 s), not exactly 20 s.
        assert_rel("sl(0.33)", q.service_level(0.33), 0.887853, 5e-6);
        // At exactly 20 s the value is 0.888350; pyworkforce asserts 0.888 (3 digits).
        let sl20 = q.service_level(1.0 / 3.0);
        assert!((sl20 - 0.888).abs() < 5e-4, "sl(1/3) = {sl20}");
        assert_rel("sl(1/3)", sl20, 0.888350, 5e-6);
    }

    #[test]
    fn analytic_erlang_c_herzog() {
        let q = ErlangC::new(3.5, 3.0, 13).unwrap();
        let asa_seconds = q.asa * 60.0;
        assert!((asa_seconds - 26.557).abs() < 5e-4, "asa {asa_seconds} s");
    }

    #[test]
    fn analytic_erlang_c_mm1() {
        let q = ErlangC::new(0.8, 1.0, 1).unwrap();
        assert_rel("p_wait", q.p_wait, 0.8, 1e-12);
        assert_rel("asa", q.asa, 4.0, 1e-12);
        assert_rel("sl", q.service_level(1.0), 0.345015, 5e-6);
        assert_eq!(q.service_level(-1.0), 0.0);
        assert_eq!(q.service_level(f64::NAN), 0.0);
        assert_rel("sl(0)", q.service_level(0.0), 0.2, 1e-12);
    }

    #[test]
    fn analytic_erlang_c_rejects_bad_input() {
        assert!(ErlangC::new(6.0, 2.0, 12).is_none());
        assert!(ErlangC::new(7.0, 2.0, 12).is_none());
        assert!(ErlangC::new(0.0, 2.0, 12).is_none());
        assert!(ErlangC::new(1.0, f64::NAN, 12).is_none());
        assert!(ErlangC::new(1.0, 1.0, 0).is_none());
        assert!(ErlangC::new(f64::INFINITY, 1.0, 3).is_none());
    }

    #[test]
    fn analytic_erlang_a_ssj_mmcab() {
        let q = ErlangA::new(4.2, 2.0, 12, 1.0).unwrap();
        assert_rel("p_wait", q.p_wait, 0.127372, 5e-6);
        assert_rel("p_abandon", q.p_abandon, 0.029679, 5e-6);
        assert_rel("asa_answered", q.asa_answered, 0.024060, 5e-6);
        assert_rel("sl", q.service_level(1.0 / 3.0), 0.945270, 5e-6);
        // Tagged-customer abandonment equals theta E[queue] / lambda.
        let theta = 1.0 / q.mean_patience;
        assert_rel(
            "p_abandon vs theta Lq / lambda",
            q.p_abandon,
            theta * q.mean_queue / q.lambda,
            1e-10,
        );
        assert_rel("little", q.mean_wait_all, q.mean_queue / q.lambda, 1e-12);
        assert_rel(
            "occupancy",
            q.occupancy,
            4.2 * 2.0 * (1.0 - q.p_abandon) / 12.0,
            1e-12,
        );
    }

    #[test]
    fn analytic_erlang_a_service_level_limits() {
        let q = ErlangA::new(4.2, 2.0, 12, 1.0).unwrap();
        let sl0 = q.service_level(0.0);
        assert_rel("sl(0)", sl0, 1.0 - q.p_wait, 1e-12);
        let sl_inf = q.service_level(1e6);
        assert_rel("sl(large t)", sl_inf, 1.0 - q.p_abandon, 1e-9);
        assert_rel(
            "sl(inf)",
            q.service_level(f64::INFINITY),
            1.0 - q.p_abandon,
            1e-9,
        );
        let mut prev = 0.0;
        for i in 0..50 {
            let s = q.service_level(f64::from(i) * 0.1);
            assert!(s >= prev - 1e-15 && s <= 1.0);
            prev = s;
        }
        assert_eq!(q.service_level(-1.0), 0.0);
        assert_eq!(q.service_level(f64::NAN), 0.0);
    }

    #[test]
    fn analytic_erlang_a_long_patience_is_erlang_c() {
        for &(lambda, aht, n) in &[(4.2, 2.0, 12u32), (10.0 / 3.0, 3.0, 14), (0.8, 1.0, 1)] {
            let c = ErlangC::new(lambda, aht, n).unwrap();
            let a = ErlangA::new(lambda, aht, n, 1e9).unwrap();
            assert_rel("p_wait", a.p_wait, c.p_wait, 1e-6);
            assert_rel("asa", a.asa_answered, c.asa, 1e-6);
            assert_rel("mean_wait_all", a.mean_wait_all, c.asa, 1e-6);
            assert_rel("mean_queue", a.mean_queue, c.mean_queue, 1e-6);
            assert_rel("occupancy", a.occupancy, c.occupancy, 1e-6);
            assert!(a.p_abandon < 1e-6);
            for &t in &[0.1, 1.0 / 3.0, 1.0] {
                assert_rel("sl", a.service_level(t), c.service_level(t), 1e-6);
            }
        }
    }

    #[test]
    fn analytic_erlang_a_overloaded() {
        // lambda * AHT = 1.5 n, patience 10x the handle time.
        let n = 50;
        let q = ErlangA::new(75.0, 1.0, n, 10.0).unwrap();
        let fluid = 1.0 - f64::from(n) / 75.0;
        assert!(q.p_abandon.is_finite() && q.p_abandon > 0.0 && q.p_abandon < 1.0);
        assert!(
            (q.p_abandon - fluid).abs() < 0.02,
            "p_abandon {} vs fluid {fluid}",
            q.p_abandon
        );
        assert!(q.p_wait > 0.99 && q.p_wait <= 1.0);
        assert!(q.occupancy > 0.98 && q.occupancy <= 1.0);
        let sl = q.service_level(0.5);
        assert!(sl.is_finite() && (0.0..=1.0).contains(&sl));
        assert_rel(
            "p_abandon vs theta Lq / lambda",
            q.p_abandon,
            0.1 * q.mean_queue / 75.0,
            1e-10,
        );
        assert!(ErlangC::new(75.0, 1.0, n).is_none());
    }

    #[test]
    fn analytic_erlang_a_far_mode_skip_is_exact() {
        // Overload with long patience: the queue-length mode is far out, so the
        // sum starts 13 sd below it (midpoint rule beyond 1e5 exact terms).
        for &(lambda, mu, n, theta) in &[
            (1500.0, 1.0, 1000u32, 1e-3),
            (1e4, 1.0, 1, 1.0),
            (30.0, 1.0, 20, 1e-5),
        ] {
            let skip = erlang_a_chain(lambda, mu, n, theta, true);
            let full = erlang_a_chain(lambda, mu, n, theta, false);
            assert!(skip.first_j > 0 && full.first_j == 0);
            assert_rel("p_wait", skip.p_wait, full.p_wait, 1e-12);
            assert_rel("p_abandon", skip.p_abandon, full.p_abandon, 1e-10);
            assert_rel("mean_queue", skip.mean_queue, full.mean_queue, 1e-10);
            assert_rel("wait_served", skip.wait_served, full.wait_served, 1e-9);
        }
        // Patience a million service times, 1.5x overload: fluid limit 1/3.
        let q = ErlangA::new(1500.0, 1.0, 1000, 1e6).unwrap();
        assert_rel("p_abandon", q.p_abandon, 1.0 / 3.0, 1e-4);
        assert_rel(
            "p_abandon vs theta Lq / lambda",
            q.p_abandon,
            1e-6 * q.mean_queue / 1500.0,
            1e-9,
        );
        let sl = q.service_level(1.0 / 3.0);
        assert!(sl.is_finite() && (0.0..1e-12).contains(&sl));
    }

    #[test]
    fn analytic_erlang_a_rejects_bad_input() {
        assert!(ErlangA::new(1.0, 1.0, 0, 1.0).is_none());
        assert!(ErlangA::new(0.0, 1.0, 2, 1.0).is_none());
        assert!(ErlangA::new(1.0, -1.0, 2, 1.0).is_none());
        assert!(ErlangA::new(1.0, 1.0, 2, f64::INFINITY).is_none());
        assert!(ErlangA::new(1.0, 1.0, 2, f64::NAN).is_none());
    }

    #[test]
    fn analytic_large_cases() {
        for &(c, load) in &[(100u32, 95.0), (1000, 950.0), (1000, 999.0), (1000, 1.0)] {
            let q = ErlangC::new(load, 1.0, c).unwrap();
            assert!(q.p_wait.is_finite() && q.p_wait >= 0.0 && q.p_wait < 1.0);
            assert!(q.asa.is_finite() && q.asa >= 0.0);
            let sl = q.service_level(0.1);
            assert!(sl.is_finite() && (0.0..=1.0).contains(&sl));
            if load > 2.0 {
                assert!(q.p_wait > 0.0);
            }
            let a = ErlangA::new(load, 1.0, c, 2.0).unwrap();
            for x in [
                a.p_wait,
                a.p_abandon,
                a.asa_answered,
                a.mean_wait_all,
                a.occupancy,
                a.mean_queue,
                a.service_level(0.1),
            ] {
                assert!(x.is_finite() && x >= 0.0, "{x} for c={c} load={load}");
            }
            assert!(a.p_wait < 1.0 && a.p_abandon < 1.0);
            // Erlang A with finite patience waits less than Erlang C.
            assert!(a.p_wait <= q.p_wait + 1e-12);
        }
        let q = ErlangC::new(95.0, 1.0, 100).unwrap();
        assert!(q.p_wait > 0.0 && q.p_wait < 1.0);
        let q = ErlangC::new(950.0, 1.0, 1000).unwrap();
        assert!(q.p_wait > 0.0 && q.p_wait < 1.0);
        // Heavily overloaded large system stays finite.
        let a = ErlangA::new(1500.0, 1.0, 1000, 1.0).unwrap();
        assert!((a.p_abandon - (1.0 - 1000.0 / 1500.0)).abs() < 0.05);
        let sl = a.service_level(1.0 / 3.0);
        assert!(sl.is_finite() && (0.0..=1.0).contains(&sl));
    }

    #[test]
    fn analytic_pollaczek_khinchine() {
        let wq = |m2| pollaczek_khinchine_wq(0.8, 1.0, m2).unwrap();
        assert_rel("constant", wq(1.0), 2.0, 1e-12);
        assert_rel("erlang-4", wq(1.25), 2.5, 1e-12);
        assert_rel("exponential", wq(2.0), 4.0, 1e-12);
        assert_rel("lognormal cv2=2", wq(3.0), 6.0, 1e-12);
        assert!(pollaczek_khinchine_wq(1.0, 1.0, 2.0).is_none());
        assert!(pollaczek_khinchine_wq(0.8, 1.0, 0.5).is_none());
        assert!(pollaczek_khinchine_wq(0.8, f64::NAN, 2.0).is_none());
        // M/M/1 agrees with Erlang C.
        let c = ErlangC::new(0.8, 1.0, 1).unwrap();
        assert_rel("pk vs erlang c", wq(2.0), c.asa, 1e-12);
    }

    #[test]
    fn analytic_cobham_priority() {
        // One class: Erlang C.
        for &(lambda, aht, c) in &[(4.2, 2.0, 12u32), (10.0 / 3.0, 3.0, 14), (0.8, 1.0, 1)] {
            let w = priority_mmc_waits(&[lambda], aht, c).unwrap();
            let q = ErlangC::new(lambda, aht, c).unwrap();
            assert_rel("one class", w[0], q.asa, 1e-12);
        }
        // Conservation: load-weighted mean equals FCFS wait (same service time).
        let lambdas = [1.5, 2.7];
        let w = priority_mmc_waits(&lambdas, 2.0, 12).unwrap();
        let q = ErlangC::new(4.2, 2.0, 12).unwrap();
        let mean = (lambdas[0] * w[0] + lambdas[1] * w[1]) / 4.2;
        assert_rel("conservation", mean, q.asa, 1e-12);
        assert!(w[0] < q.asa && w[1] > q.asa);
        let lambdas3 = [0.5, 1.0, 2.0];
        let w3 = priority_mmc_waits(&lambdas3, 1.5, 6).unwrap();
        let q3 = ErlangC::new(3.5, 1.5, 6).unwrap();
        let mean3: f64 = lambdas3.iter().zip(&w3).map(|(l, w)| l * w).sum::<f64>() / 3.5;
        assert_rel("conservation 3 classes", mean3, q3.asa, 1e-12);
        // M/M/1 hand value: W_k = rho E[S] / ((1 - sigma_{k-1}) (1 - sigma_k)).
        // lambda = (0.3, 0.5), E[S] = 1: rho = 0.8,
        // W1 = 0.8 / (1 * 0.7) = 8/7, W2 = 0.8 / (0.7 * 0.2) = 40/7.
        let w = priority_mmc_waits(&[0.3, 0.5], 1.0, 1).unwrap();
        assert_rel("M/M/1 W1", w[0], 8.0 / 7.0, 1e-12);
        assert_rel("M/M/1 W2", w[1], 40.0 / 7.0, 1e-12);
        // And the generic M/G/1 Cobham form W0 = lambda E[S^2] / 2 with E[S^2] = 2.
        let w0 = 0.8 * 2.0 / 2.0;
        assert_rel("M/G/1 form W2", w[1], w0 / (0.7 * 0.2), 1e-12);
        assert!(priority_mmc_waits(&[0.5, 0.5], 1.0, 1).is_none());
        assert!(priority_mmc_waits(&[0.5, -0.1], 1.0, 1).is_none());
        assert_eq!(priority_mmc_waits(&[], 1.0, 1), Some(vec![]));
        let z = priority_mmc_waits(&[0.0, 0.0], 1.0, 2).unwrap();
        assert_eq!(z, vec![0.0, 0.0]);
    }

    #[test]
    #[ignore = "prints computed reference values"]
    fn analytic_print_values() {
        let q = ErlangC::new(4.2, 2.0, 12).unwrap();
        println!(
            "SSJ MMC: {:.9} {:.9} {:.9}",
            q.p_wait,
            q.asa,
            q.service_level(1.0 / 3.0)
        );
        let q = ErlangC::new(10.0 / 3.0, 3.0, 14).unwrap();
        println!(
            "pyworkforce: {:.9} {:.9} sl(0.33) {:.9} sl(1/3) {:.9}",
            q.p_wait,
            q.asa,
            q.service_level(0.33),
            q.service_level(1.0 / 3.0)
        );
        let q = ErlangC::new(3.5, 3.0, 13).unwrap();
        println!("Herzog ASA s: {:.6}", q.asa * 60.0);
        let q = ErlangC::new(0.8, 1.0, 1).unwrap();
        println!(
            "MM1: {:.9} {:.9} {:.9}",
            q.p_wait,
            q.asa,
            q.service_level(1.0)
        );
        println!("Erlang B 30/25: {:.9}", erlang_b(30, 25.0));
        let a = ErlangA::new(4.2, 2.0, 12, 1.0).unwrap();
        println!(
            "SSJ MMCAb: {:.9} {:.9} {:.9} {:.9} (Lq {:.9}, Wall {:.9})",
            a.p_wait,
            a.p_abandon,
            a.asa_answered,
            a.service_level(1.0 / 3.0),
            a.mean_queue,
            a.mean_wait_all
        );
        for &(c, l) in &[(100u32, 95.0), (1000, 950.0)] {
            let q = ErlangC::new(l, 1.0, c).unwrap();
            let a = ErlangA::new(l, 1.0, c, 2.0).unwrap();
            println!(
                "c={c} load={l}: C {:.9}, A p_wait {:.9}",
                q.p_wait, a.p_wait
            );
        }
    }
}
