//! An HNSW graph in memory, laid out flat like the pages of the access method: vectors in one
//! array, layer-0 neighbour lists in fixed slots (2m per node), the rare upper layers apart.
//! Index builds fill one within maintenance_work_mem before writing its pages; the unit tests
//! check the algorithm on it.

use super::{Graph, GraphMut, NodeId};
use crate::core::distance;
use rustc_hash::FxHashSet;

/// The distance the graph orders by (pgvector's operator classes). Vectors are `prepare`d once
/// on the way in, so cosine is one dot product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `<->`: squared L2 (same order as L2, no square root).
    L2,
    /// `<#>`: negative inner product.
    InnerProduct,
    /// `<=>`: 1 - cosine similarity, of vectors normalized by `prepare`.
    Cosine,
    /// `<+>`: taxicab distance.
    L1,
}

impl Metric {
    /// The code the operator classes' support function 1 returns (sql/hnsw.sql).
    pub fn from_code(code: i32) -> Option<Metric> {
        match code {
            1 => Some(Metric::L2),
            2 => Some(Metric::InnerProduct),
            3 => Some(Metric::Cosine),
            4 => Some(Metric::L1),
            _ => None,
        }
    }

    pub fn code(self) -> i32 {
        match self {
            Metric::L2 => 1,
            Metric::InnerProduct => 2,
            Metric::Cosine => 3,
            Metric::L1 => 4,
        }
    }

    /// Makes `v` ready to store or search with: unit length for cosine. False when `v` cannot
    /// take part (a zero vector has no cosine distance: such rows are not indexed, as in pgvector).
    pub fn prepare(self, v: &mut [f32]) -> bool {
        if self != Metric::Cosine {
            return true;
        }
        let norm = distance::norm_squared(v).sqrt();
        if !(norm > 0.0) || !norm.is_finite() {
            return false;
        }
        v.iter_mut().for_each(|x| *x /= norm);
        true
    }

    /// The distance between two prepared vectors, in memory the caller prefetched (the graph
    /// in memory pipelines its prefetches; `distance` prefetches itself).
    #[inline]
    pub fn distance_cached(self, a: &[f32], b: &[f32]) -> f32 {
        match self {
            Metric::L2 => distance::l2_squared_cached(a, b),
            Metric::InnerProduct => -distance::dot_cached(a, b),
            Metric::Cosine => 1.0 - distance::dot_cached(a, b),
            Metric::L1 => distance::l1_cached(a, b),
        }
    }

    /// The distance between two prepared vectors (both prefetched first).
    #[inline]
    pub fn distance(self, a: &[f32], b: &[f32]) -> f32 {
        distance::prefetch(a);
        distance::prefetch(b);
        self.distance_cached(a, b)
    }
}

pub struct MemoryGraph {
    dims: usize,
    metric: Metric,
    m: usize,
    vectors: Vec<f32>,
    /// Layer 0: per node a count then 2m slots.
    layer0: Vec<NodeId>,
    /// Layers 1.. of the nodes that reach them: upper[node] = lists of levels 1..=level.
    upper: Vec<Vec<Vec<NodeId>>>,
    levels: Vec<u8>,
    entry: Option<(NodeId, usize)>,
    /// Nodes being removed (tests of relinking, as VACUUM does on pages).
    pub deleted: FxHashSet<NodeId>,
}

impl MemoryGraph {
    pub fn new(dims: usize, metric: Metric, m: usize) -> Self {
        MemoryGraph { dims, metric, m, vectors: Vec::new(), layer0: Vec::new(), upper: Vec::new(), levels: Vec::new(), entry: None, deleted: FxHashSet::default() }
    }

    /// Bytes a node of `dims` takes here, for the build's maintenance_work_mem check.
    pub fn bytes_per_node(dims: usize, m: usize) -> usize {
        4 * dims + 8 * (2 * m + 1) + 1 + 24
    }

    pub fn len(&self) -> usize {
        self.levels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    pub fn metric(&self) -> Metric {
        self.metric
    }

    pub fn vector(&self, node: NodeId) -> &[f32] {
        let i = node as usize * self.dims;
        &self.vectors[i..i + self.dims]
    }

    pub fn level(&self, node: NodeId) -> usize {
        self.levels[node as usize] as usize
    }

    fn stride(&self) -> usize {
        2 * self.m + 1
    }

    /// `node`'s neighbours on `level` (empty above its level).
    pub fn list(&self, node: NodeId, level: usize) -> &[NodeId] {
        if level == 0 {
            let base = node as usize * self.stride();
            let n = self.layer0[base] as usize;
            &self.layer0[base + 1..base + 1 + n]
        } else {
            self.upper[node as usize].get(level - 1).map_or(&[], |l| l.as_slice())
        }
    }

    /// Every node once, in an order that keeps neighbours together when `per_page` nodes share
    /// a page: nodes are taken breadth-first over layer 0 from the entry point, and each one
    /// taken brings its nearest unplaced neighbours onto its page. A search then reads fewer
    /// distinct pages.
    pub fn locality_order(&self, per_page: usize) -> Vec<NodeId> {
        let per_page = per_page.max(1);
        let mut order: Vec<NodeId> = Vec::with_capacity(self.len());
        let mut placed = vec![false; self.len()];
        let mut queued = vec![false; self.len()];
        let mut queue = std::collections::VecDeque::new();
        let starts = self.entry.map(|(e, _)| e).into_iter().chain(0..self.len() as NodeId);
        for start in starts {
            if queued[start as usize] {
                continue;
            }
            queued[start as usize] = true;
            queue.push_back(start);
            while let Some(n) = queue.pop_front() {
                if !placed[n as usize] {
                    // A new page: n and its nearest unplaced neighbours (lists are nearest first).
                    placed[n as usize] = true;
                    order.push(n);
                    let mut room = per_page - 1;
                    for &x in self.list(n, 0) {
                        if room == 0 {
                            break;
                        }
                        if !placed[x as usize] {
                            placed[x as usize] = true;
                            order.push(x);
                            room -= 1;
                        }
                    }
                }
                for &x in self.list(n, 0) {
                    if !queued[x as usize] {
                        queued[x as usize] = true;
                        queue.push_back(x);
                    }
                }
            }
        }
        order
    }

    /// Neighbour lists of `node`, by level (for the tests' invariants).
    pub fn levels(&self, node: NodeId) -> Vec<Vec<NodeId>> {
        (0..=self.level(node)).map(|l| self.list(node, l).to_vec()).collect()
    }
}

impl Graph for MemoryGraph {
    #[inline]
    fn distance(&self, query: &[f32], node: NodeId) -> f32 {
        self.metric.distance_cached(query, self.vector(node))
    }

    fn distance_between(&self, a: NodeId, b: NodeId) -> f32 {
        self.metric.distance(self.vector(a), self.vector(b))
    }

    fn neighbors(&self, node: NodeId, level: usize, out: &mut Vec<NodeId>) {
        out.extend_from_slice(self.list(node, level));
    }

    fn entry(&self) -> Option<(NodeId, usize)> {
        self.entry
    }

    fn is_deleted(&self, node: NodeId) -> bool {
        self.deleted.contains(&node)
    }

    /// The first two cache lines of each vector now (32 neighbours x 24 lines at once would
    /// fill the line-fill buffers and stall); the rest one node ahead (`prefetch_next`).
    fn prefetch(&self, nodes: &[NodeId]) {
        for &n in nodes {
            let v = self.vector(n);
            distance::prefetch(&v[..v.len().min(32)]);
        }
    }

    fn prefetch_next(&self, node: NodeId) {
        distance::prefetch(self.vector(node));
    }
}

impl GraphMut for MemoryGraph {
    fn add_node(&mut self, vector: &[f32], level: usize) -> NodeId {
        assert_eq!(vector.len(), self.dims, "a vector of the graph's dimensions");
        self.vectors.extend_from_slice(vector);
        let stride = self.stride();
        self.layer0.resize(self.layer0.len() + stride, 0);
        self.upper.push(vec![Vec::new(); level]);
        self.levels.push(level as u8);
        (self.levels.len() - 1) as NodeId
    }

    fn set_neighbors(&mut self, node: NodeId, level: usize, neighbors: &[NodeId]) {
        if level == 0 {
            let base = node as usize * self.stride();
            let n = neighbors.len().min(2 * self.m);
            self.layer0[base] = n as NodeId;
            self.layer0[base + 1..base + 1 + n].copy_from_slice(&neighbors[..n]);
        } else {
            let l = &mut self.upper[node as usize][level - 1];
            l.clear();
            l.extend_from_slice(neighbors);
        }
    }

    fn set_entry(&mut self, node: NodeId, level: usize) {
        self.entry = Some((node, level));
    }
}
