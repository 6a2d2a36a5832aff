//! The pending-event set: a four-ary heap ordered by (time, insertion sequence).
//!
//! The heap is hand-rolled rather than `std::collections::BinaryHeap`: a
//! min-heap with four children per node (half the depth of a binary heap,
//! the children adjacent in memory), which moves a hole instead of swapping,
//! compares the `u128` keys directly and picks the smallest child without
//! branches. Keys are unique (the sequence number never repeats), so any
//! correct heap pops events in exactly the same order.

use super::SimTime;

/// Children per heap node.
const ARITY: usize = 4;
// `sift_down_from_root` unrolls its tournament for exactly four children.
const _: () = assert!(ARITY == 4);

#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    /// time in the high 64 bits, insertion sequence in the low 64: one compare.
    key: u128,
    event: E,
}

/// Key of the padding after the last entry: above every real key.
const PAD: u128 = u128::MAX;

/// Events waiting to happen. Events with equal times come out in the order
/// they were pushed, which makes every run reproducible.
#[derive(Debug)]
pub struct EventQueue<E> {
    /// A min-heap on `key` in `heap[..len]`: every entry's key is below its
    /// children's. `heap[len..]` is padding keyed [`PAD`], at least
    /// `ARITY - 1` entries of it, so every node that has a child has all
    /// `ARITY` of them and sifting down never checks for a short node.
    heap: Vec<Entry<E>>,
    len: usize,
    seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::with_capacity(64),
            len: 0,
            seq: 0,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<E: Copy> EventQueue<E> {
    /// Adds an event at time `at`.
    #[inline(always)]
    pub fn push(&mut self, at: SimTime, event: E) {
        let key = ((at.0 as u128) << 64) | self.seq as u128;
        self.seq += 1;
        let entry = Entry { key, event };
        let mut hole = self.len;
        self.len += 1;
        while self.heap.len() < self.len + ARITY - 1 {
            self.heap.push(Entry { key: PAD, event });
        }
        // sift up: move parents down into the hole until the entry fits
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            let p = self.heap[parent];
            if p.key <= key {
                break;
            }
            self.heap[hole] = p;
            hole = parent;
        }
        self.heap[hole] = entry;
    }

    /// Removes and returns the earliest event if its time is at or before `end`.
    #[inline]
    pub fn pop_if_at_or_before(&mut self, end: SimTime) -> Option<(SimTime, E)> {
        if self.len == 0 {
            return None;
        }
        let top = self.heap[0];
        let t = SimTime((top.key >> 64) as u64);
        if t > end {
            return None;
        }
        self.len -= 1;
        let last = self.heap[self.len];
        self.heap[self.len].key = PAD;
        if self.len > 0 {
            self.sift_down_from_root(last);
        }
        Some((t, top.event))
    }

    /// Puts `entry` in the root's place and moves it down, smallest child
    /// up, until the heap order holds again.
    #[inline]
    fn sift_down_from_root(&mut self, entry: Entry<E>) {
        let heap = &mut self.heap[..];
        let n = self.len;
        let mut hole = 0;
        loop {
            let first = hole * ARITY + 1;
            if first >= n {
                break;
            }
            // all four children exist (padding counts): an unrolled,
            // branch-free tournament
            let kids = &heap[first..first + ARITY];
            let (a, b) = (kids[0].key, kids[1].key);
            let (c, d) = (kids[2].key, kids[3].key);
            let (ab, kab) = if b < a { (1, b) } else { (0, a) };
            let (cd, kcd) = if d < c { (3, d) } else { (2, c) };
            let (best, best_key) = if kcd < kab {
                (first + cd, kcd)
            } else {
                (first + ab, kab)
            };
            if entry.key <= best_key {
                break;
            }
            heap[hole] = heap[best];
            hole = best;
        }
        heap[hole] = entry;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;
    use rand::Rng;

    /// The heap pops exactly what a sorted list of (time, sequence) would,
    /// under random interleavings of pushes and pops with many equal times.
    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut rng = stream(5, 0, "queue-test");
        let mut q = EventQueue::new();
        let mut reference: Vec<(u64, u64)> = Vec::new(); // (time, seq), kept sorted
        let mut seq = 0u64;
        let mut now = 0u64;
        for _ in 0..200_000 {
            if rng.random::<f64>() < 0.52 || reference.is_empty() {
                let at = now + rng.random_range(0..20u64);
                q.push(SimTime(at), seq);
                let pos = reference.partition_point(|&(t, s)| (t, s) < (at, seq));
                reference.insert(pos, (at, seq));
                seq += 1;
            } else {
                let (t, s) = reference.remove(0);
                assert_eq!(q.pop_if_at_or_before(SimTime::MAX), Some((SimTime(t), s)));
                now = t;
            }
            assert_eq!(q.len(), reference.len());
        }
        while let Some((t, s)) = q.pop_if_at_or_before(SimTime::MAX) {
            assert_eq!((t.0, s), reference.remove(0));
        }
        assert!(reference.is_empty());
    }

    #[test]
    fn pop_stops_at_the_end_time() {
        let mut q = EventQueue::new();
        q.push(SimTime(10), 'a');
        q.push(SimTime(20), 'b');
        assert_eq!(q.pop_if_at_or_before(SimTime(5)), None);
        assert_eq!(q.pop_if_at_or_before(SimTime(10)), Some((SimTime(10), 'a')));
        assert_eq!(q.pop_if_at_or_before(SimTime(19)), None);
        assert_eq!(q.len(), 1);
    }
}
