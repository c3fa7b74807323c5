//! HNSW (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search using
//! Hierarchical Navigable Small World graphs", arXiv:1603.09320), without pgrx, for the index
//! access method of issue 21. The algorithm only sees a graph through the `Graph` / `GraphMut`
//! traits, so the same code runs over `MemoryGraph` (tests, in-memory builds) and over
//! Postgres pages (the access method implements the traits on buffers).
//!
//! - `search`: greedy descent through the upper layers with ef = 1, then a best-first search of
//!   layer 0 with `ef` candidates (algorithms 2 and 5 of the paper);
//! - `insert`: a random level (-ln U · mL, mL = 1/ln m), the same search with `ef_construction`
//!   on each layer, neighbours chosen by the paper's heuristic (algorithm 4, keeping pruned
//!   connections to fill up to m), and each new neighbour's list shrunk back with the same
//!   heuristic when it overflows (m per layer, 2m on layer 0).

pub mod graph;
mod layer_search;
#[cfg(test)]
mod tests;

pub use graph::{MemoryGraph, Metric};
pub use layer_search::LayerSearch;

use std::cmp::Ordering;

/// A node: its index in a `MemoryGraph`, or (block << 16 | offset) of its tuple in the index.
pub type NodeId = u64;

/// A distance and the node it belongs to, ordered by distance (then id, so ties are stable).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub distance: f32,
    pub node: NodeId,
}

impl Eq for Scored {}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.distance.total_cmp(&other.distance).then(self.node.cmp(&other.node))
    }
}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What the algorithm reads of a graph.
pub trait Graph {
    /// The distance from `query` to `node`'s vector.
    fn distance(&self, query: &[f32], node: NodeId) -> f32;
    /// The distance between two nodes' vectors (neighbour selection).
    fn distance_between(&self, a: NodeId, b: NodeId) -> f32;
    /// `node`'s neighbours on `level`, appended to `out`.
    fn neighbors(&self, node: NodeId, level: usize, out: &mut Vec<NodeId>);
    /// The entry point and its level; None for an empty graph.
    fn entry(&self) -> Option<(NodeId, usize)>;
    /// A hint that the vectors of `nodes` are read next (memory prefetches).
    fn prefetch(&self, _nodes: &[NodeId]) {}
    /// A hint that `node`'s distance is computed after the current one.
    fn prefetch_next(&self, _node: NodeId) {}
    /// Called every few hundred expansions of a search: the index raises a pending cancel here.
    fn poll(&self) {}
    /// Whether `node` is being removed: it may route searches but is never linked to.
    fn is_deleted(&self, _node: NodeId) -> bool {
        false
    }
}

/// What `insert` changes.
pub trait GraphMut: Graph {
    /// Adds a node with `vector` on levels 0..=`level`, without neighbours.
    fn add_node(&mut self, vector: &[f32], level: usize) -> NodeId;
    fn set_neighbors(&mut self, node: NodeId, level: usize, neighbors: &[NodeId]);
    fn set_entry(&mut self, node: NodeId, level: usize);
}

/// Build and search settings (pgvector's names and defaults).
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Neighbours per node on upper layers; 2m on layer 0.
    pub m: usize,
    pub ef_construction: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params { m: 16, ef_construction: 64 }
    }
}

impl Params {
    pub fn max_neighbors(&self, level: usize) -> usize {
        if level == 0 {
            2 * self.m
        } else {
            self.m
        }
    }

    /// The level of a new node for a uniform draw `u` in (0, 1].
    pub fn level_for(&self, u: f64) -> usize {
        let ml = 1.0 / (self.m.max(2) as f64).ln();
        ((-u.max(f64::MIN_POSITIVE).ln() * ml).floor() as usize).min(32)
    }
}

/// The `ef` nodes nearest to `query` found on `level` from `entry` points (best first):
/// algorithm 2 of the paper.
pub fn search_layer<G: Graph + ?Sized>(g: &G, query: &[f32], entry: &[Scored], ef: usize, level: usize) -> Vec<Scored> {
    let mut s = LayerSearch::new(entry, ef, level);
    s.run(g, query);
    s.into_results()
}

/// A search of the bottom layer that can go on with a larger ef (`LayerSearch::resume`): the
/// greedy descent through the upper layers, then `ef` candidates on layer 0. None for an empty graph.
pub fn start_search<G: Graph + ?Sized>(g: &G, query: &[f32], ef: usize) -> Option<LayerSearch> {
    let (entry, top) = g.entry()?;
    let mut best = vec![Scored { distance: g.distance(query, entry), node: entry }];
    for level in (1..=top).rev() {
        best = search_layer(g, query, &best, 1, level);
    }
    let mut s = LayerSearch::new(&best, ef, 0);
    s.run(g, query);
    Some(s)
}

/// The `k` nearest nodes to `query` (best first), searching layer 0 with `ef` candidates.
pub fn search<G: Graph + ?Sized>(g: &G, query: &[f32], k: usize, ef: usize) -> Vec<Scored> {
    let Some((entry, top)) = g.entry() else { return Vec::new() };
    let mut best = vec![Scored { distance: g.distance(query, entry), node: entry }];
    for level in (1..=top).rev() {
        best = search_layer(g, query, &best, 1, level);
    }
    let mut found = search_layer(g, query, &best, ef.max(k), 0);
    found.truncate(k);
    found
}

/// The paper's heuristic (algorithm 4): a candidate is kept when it is nearer to the base than
/// to every neighbour kept so far; pruned ones fill the remaining places.
pub fn select_neighbors<G: Graph + ?Sized>(g: &G, candidates: &[Scored], m: usize) -> Vec<NodeId> {
    let mut kept: Vec<Scored> = Vec::with_capacity(m);
    let mut pruned = Vec::new();
    for &c in candidates {
        if kept.len() == m {
            break;
        }
        if kept.iter().all(|k| g.distance_between(c.node, k.node) > c.distance) {
            kept.push(c);
        } else {
            pruned.push(c);
        }
    }
    for c in pruned {
        if kept.len() == m {
            break;
        }
        kept.push(c);
    }
    kept.into_iter().map(|s| s.node).collect()
}

/// Inserts `vector` at `level` (from `Params::level_for`); returns its node id.
pub fn insert<G: GraphMut + ?Sized>(g: &mut G, vector: &[f32], level: usize, p: &Params) -> NodeId {
    let entry = g.entry();
    let node = g.add_node(vector, level);
    if entry.is_none() {
        g.set_entry(node, level);
    } else {
        link(g, node, vector, level, p);
    }
    node
}

/// Links `node` (in the graph at `level`, with `vector`) to its nearest nodes on each of its
/// levels, and them back to it, shrinking their lists with the same heuristic when they
/// overflow (m per layer, 2m on layer 0). Deleted nodes still route the search but are never
/// chosen, and drop out of the lists this touches: VACUUM relinks nodes with this.
pub fn link<G: GraphMut + ?Sized>(g: &mut G, node: NodeId, vector: &[f32], level: usize, p: &Params) {
    let Some((entry, top)) = g.entry() else { return };
    let mut best = vec![Scored { distance: g.distance(vector, entry), node: entry }];
    for l in (level + 1..=top).rev() {
        best = search_layer(&*g, vector, &best, 1, l);
    }
    let mut list = Vec::new();
    for l in (0..=level.min(top)).rev() {
        let found = search_layer(&*g, vector, &best, p.ef_construction, l);
        let mut candidates: Vec<Scored> = found.iter().filter(|s| s.node != node && !g.is_deleted(s.node)).copied().collect();
        // A relinked node keeps its live neighbours in the running (links found by others).
        list.clear();
        g.neighbors(node, l, &mut list);
        for &x in &list {
            if x != node && !g.is_deleted(x) && !candidates.iter().any(|c| c.node == x) {
                candidates.push(Scored { distance: g.distance(vector, x), node: x });
            }
        }
        candidates.sort();
        // A new node takes m; a relinked one may keep up to the level's maximum, like the
        // links it had gathered.
        let want = if list.is_empty() { p.m } else { p.max_neighbors(l) };
        let chosen = select_neighbors(&*g, &candidates, want);
        g.set_neighbors(node, l, &chosen);
        let max = p.max_neighbors(l);
        for &n in &chosen {
            list.clear();
            g.neighbors(n, l, &mut list);
            list.retain(|&x| x != node && !g.is_deleted(x));
            list.push(node);
            if list.len() > max {
                let mut scored: Vec<Scored> = list.iter().map(|&x| Scored { distance: g.distance_between(n, x), node: x }).collect();
                scored.sort();
                let shrunk = select_neighbors(&*g, &scored, max);
                g.set_neighbors(n, l, &shrunk);
            } else {
                g.set_neighbors(n, l, &list);
            }
        }
        best = found;
    }
    if level > top {
        g.set_entry(node, level);
    }
}
