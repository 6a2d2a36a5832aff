//! Seeded random streams keyed by (seed, replication, stream name).
//!
//! The generator is Xoshiro256++, seeded by our own SplitMix64 expansion of a
//! stable hash of the key, so a stream's output depends only on the key and
//! never on the order in which streams are created or on thread scheduling.
//!
//! A model names each stream by its purpose and its owner
//! ([`owned_stream`]), one stream per (purpose, owner), so that changing one
//! owner (one more agent on one line) leaves every other owner's draws as
//! they were: common random numbers that pair like with like. The support
//! center's layout is written down in `crate::model`, where its streams are
//! made.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// One independent random stream.
pub type Stream = Xoshiro256PlusPlus;

/// SplitMix64 step: a stable, well-mixed 64-bit sequence.
#[inline]
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over the stream name: stable across platforms and versions.
fn name_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The stream of `purpose` owned by `owners` (e.g. `("handle", ["L1",
/// "billing"])`) of replication `replication` under `seed`.
///
/// The parts are joined with the ASCII unit separator (0x1F), which no
/// channel, line, ticket type or shift name is expected to hold, so a stream
/// is named by its purpose and its owner and two owners never share one.
/// Owners are names, not indices: adding a line or an agent elsewhere leaves
/// the stream, and so every draw from it, unchanged.
pub fn owned_stream(seed: u64, replication: u64, purpose: &str, owners: &[&str]) -> Stream {
    let mut name = String::from(purpose);
    for o in owners {
        name.push('\u{1f}');
        name.push_str(o);
    }
    stream(seed, replication, &name)
}

/// The stream named `name` of replication `replication` under `seed`.
pub fn stream(seed: u64, replication: u64, name: &str) -> Stream {
    let mut state = seed;
    let a = splitmix(&mut state);
    let mut state2 = a ^ replication.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    let b = splitmix(&mut state2);
    let mut s = b ^ name_hash(name);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix(&mut s).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn streams_are_stable_and_distinct() {
        let mut a = stream(7, 0, "arrivals");
        let mut b = stream(7, 0, "arrivals");
        let mut c = stream(7, 1, "arrivals");
        let mut d = stream(7, 0, "handle");
        let x = a.next_u64();
        assert_eq!(x, b.next_u64());
        assert_ne!(x, c.next_u64());
        assert_ne!(x, d.next_u64());
    }

    #[test]
    fn owned_streams_differ_by_owner() {
        let mut a = owned_stream(7, 0, "handle", &["L1", "billing"]);
        let mut b = owned_stream(7, 0, "handle", &["L1", "billing"]);
        let mut c = owned_stream(7, 0, "handle", &["L2", "billing"]);
        let mut d = owned_stream(7, 0, "handle", &["L1billing"]);
        let x = a.next_u64();
        assert_eq!(x, b.next_u64());
        assert_ne!(x, c.next_u64());
        assert_ne!(x, d.next_u64());
    }
}
