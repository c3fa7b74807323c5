//! An HNSW graph in memory: vectors in one flat array, neighbour lists per node and level.
//! Used by the unit tests and as the reference the page-based graph of the access method is
//! checked against.

use super::{Graph, GraphMut, NodeId};
use crate::core::distance;

/// The distance the graph orders by (pgvector's operator classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `<->`: squared L2 (same order as L2, no square root).
    L2,
    /// `<#>`: negative inner product.
    InnerProduct,
    /// `<=>`: 1 - cosine similarity.
    Cosine,
    /// `<+>`: taxicab distance.
    L1,
}

impl Metric {
    pub fn distance(self, a: &[f32], b: &[f32]) -> f32 {
        match self {
            Metric::L2 => distance::l2_squared(a, b),
            Metric::InnerProduct => -distance::dot(a, b),
            Metric::Cosine => distance::cosine_distance(a, b) as f32,
            Metric::L1 => distance::l1(a, b),
        }
    }
}

pub struct MemoryGraph {
    dims: usize,
    metric: Metric,
    vectors: Vec<f32>,
    /// links[node][level]: the node's neighbours on that level.
    links: Vec<Vec<Vec<NodeId>>>,
    entry: Option<(NodeId, usize)>,
}

impl MemoryGraph {
    pub fn new(dims: usize, metric: Metric) -> Self {
        MemoryGraph { dims, metric, vectors: Vec::new(), links: Vec::new(), entry: None }
    }

    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    pub fn vector(&self, node: NodeId) -> &[f32] {
        let i = node as usize * self.dims;
        &self.vectors[i..i + self.dims]
    }

    /// Neighbour lists of `node`, by level (for the tests' invariants).
    pub fn levels(&self, node: NodeId) -> &[Vec<NodeId>] {
        &self.links[node as usize]
    }
}

impl Graph for MemoryGraph {
    fn distance(&self, query: &[f32], node: NodeId) -> f32 {
        self.metric.distance(query, self.vector(node))
    }

    fn distance_between(&self, a: NodeId, b: NodeId) -> f32 {
        self.metric.distance(self.vector(a), self.vector(b))
    }

    fn neighbors(&self, node: NodeId, level: usize, out: &mut Vec<NodeId>) {
        if let Some(l) = self.links[node as usize].get(level) {
            out.extend_from_slice(l);
        }
    }

    fn entry(&self) -> Option<(NodeId, usize)> {
        self.entry
    }
}

impl GraphMut for MemoryGraph {
    fn add_node(&mut self, vector: &[f32], level: usize) -> NodeId {
        assert_eq!(vector.len(), self.dims, "a vector of the graph's dimensions");
        self.vectors.extend_from_slice(vector);
        self.links.push(vec![Vec::new(); level + 1]);
        (self.links.len() - 1) as NodeId
    }

    fn set_neighbors(&mut self, node: NodeId, level: usize, neighbors: &[NodeId]) {
        let l = &mut self.links[node as usize][level];
        l.clear();
        l.extend_from_slice(neighbors);
    }

    fn set_entry(&mut self, node: NodeId, level: usize) {
        self.entry = Some((node, level));
    }
}
