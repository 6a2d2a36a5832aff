//! The pending-event set: a binary heap ordered by (time, insertion sequence).

use super::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug)]
struct Entry<E> {
    /// time in the high 64 bits, insertion sequence in the low 64: one compare.
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest key comes first.
        other.key.cmp(&self.key)
    }
}

/// Events waiting to happen. Events with equal times come out in the order
/// they were pushed, which makes every run reproducible.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
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
            heap: BinaryHeap::with_capacity(64),
            seq: 0,
        }
    }

    /// Adds an event at time `at`.
    #[inline]
    pub fn push(&mut self, at: SimTime, event: E) {
        let key = ((at.0 as u128) << 64) | self.seq as u128;
        self.seq += 1;
        self.heap.push(Entry { key, event });
    }

    /// Removes and returns the earliest event if its time is at or before `end`.
    #[inline]
    pub fn pop_if_at_or_before(&mut self, end: SimTime) -> Option<(SimTime, E)> {
        let top = self.heap.peek()?;
        let t = SimTime((top.key >> 64) as u64);
        if t > end {
            return None;
        }
        self.heap.pop().map(|e| (t, e.event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
