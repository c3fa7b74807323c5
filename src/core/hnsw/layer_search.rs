//! The best-first search of one layer (algorithm 2 of the paper), kept as a value so that it can
//! go on with a larger `ef` where it stopped: an index scan whose rows a WHERE clause dropped
//! asks for more candidates without searching again from the start.

use super::{Graph, NodeId, Scored};
use rustc_hash::FxHashSet;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub struct LayerSearch {
    level: usize,
    ef: usize,
    visited: FxHashSet<NodeId>,
    /// Admitted nodes not expanded yet (min-heap by distance).
    candidates: BinaryHeap<Reverse<Scored>>,
    /// The best `ef` admitted nodes (max-heap).
    found: BinaryHeap<Scored>,
    /// Scored nodes turned away because `found` was full and nearer: never expanded.
    rejected: Vec<Scored>,
    /// Nodes pushed out of `found` by nearer ones (still in, or done with, `candidates`).
    evicted: Vec<Scored>,
}

impl LayerSearch {
    pub fn new(entry: &[Scored], ef: usize, level: usize) -> LayerSearch {
        let ef = ef.max(1);
        let mut visited = FxHashSet::with_capacity_and_hasher(ef * 16, Default::default());
        visited.extend(entry.iter().map(|s| s.node));
        let mut s = LayerSearch {
            level,
            ef,
            visited,
            candidates: entry.iter().copied().map(Reverse).collect(),
            found: entry.iter().copied().collect(),
            rejected: Vec::new(),
            evicted: Vec::new(),
        };
        while s.found.len() > s.ef {
            let out = s.found.pop().expect("more than ef");
            s.evicted.push(out);
        }
        s
    }

    fn admits(&self, d: f32) -> bool {
        self.found.len() < self.ef || self.found.peek().is_some_and(|w| d < w.distance)
    }

    fn admit(&mut self, s: Scored) {
        self.found.push(s);
        if self.found.len() > self.ef {
            let out = self.found.pop().expect("more than ef");
            self.evicted.push(out);
        }
    }

    /// Expands candidates until none is nearer than the worst of the best `ef`.
    pub fn run<G: Graph + ?Sized>(&mut self, g: &G, query: &[f32]) {
        let mut neighbors = Vec::new();
        let mut expansions = 0u32;
        while let Some(Reverse(c)) = self.candidates.pop() {
            expansions = expansions.wrapping_add(1);
            if expansions % 256 == 0 {
                g.poll();
            }
            if self.found.len() >= self.ef && self.found.peek().is_some_and(|w| c.distance > w.distance) {
                // Kept for `resume`: a larger ef may reach it.
                self.candidates.push(Reverse(c));
                break;
            }
            neighbors.clear();
            g.neighbors(c.node, self.level, &mut neighbors);
            neighbors.retain(|&n| self.visited.insert(n));
            g.prefetch(&neighbors);
            for (i, &n) in neighbors.iter().enumerate() {
                if let Some(&next) = neighbors.get(i + 1) {
                    g.prefetch_next(next);
                }
                let s = Scored { distance: g.distance(query, n), node: n };
                if !self.admits(s.distance) {
                    self.rejected.push(s);
                    continue;
                }
                self.candidates.push(Reverse(s));
                // A deleted node routes the search but takes no place among the results.
                if !g.is_deleted(n) {
                    self.admit(s);
                }
            }
        }
    }

    /// Goes on with `ef` candidates (more than before): what was turned away is reconsidered,
    /// then the expansion continues from the frontier where `run` stopped.
    pub fn resume<G: Graph + ?Sized>(&mut self, g: &G, query: &[f32], ef: usize) {
        self.ef = ef.max(self.ef);
        let evicted = std::mem::take(&mut self.evicted);
        for s in evicted {
            if self.admits(s.distance) {
                self.admit(s);
            } else {
                self.evicted.push(s);
            }
        }
        let rejected = std::mem::take(&mut self.rejected);
        for s in rejected {
            if self.admits(s.distance) {
                self.candidates.push(Reverse(s));
                if !g.is_deleted(s.node) {
                    self.admit(s);
                }
            } else {
                self.rejected.push(s);
            }
        }
        self.run(g, query);
    }

    /// The best `ef` nodes found so far, nearest first.
    pub fn results(&self) -> Vec<Scored> {
        self.found.clone().into_sorted_vec()
    }

    pub fn into_results(self) -> Vec<Scored> {
        self.found.into_sorted_vec()
    }

    pub fn ef(&self) -> usize {
        self.ef
    }
}
