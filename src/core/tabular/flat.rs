//! perpetual's trees laid out in one array for scoring. perpetual keeps each tree's nodes in a
//! HashMap (a SipHash lookup per node visited) and scores a matrix tree by tree over columns;
//! scoring a million rows from SQL spent most of its time there (docs/tabular.md). Here the
//! nodes of every tree sit in one Vec, rows are scored in blocks (a tree's nodes stay in cache
//! for a block), and the arithmetic is perpetual's, in its order: the same bits (unit test).

use perpetual::PerpetualBooster;
use std::collections::HashMap;

const LEAF: u32 = u32::MAX;
const NO_CATS: u32 = u32::MAX;
/// Rows scored together, tree by tree.
const BLOCK: usize = 256;

#[derive(Clone, Copy, Debug)]
struct Node {
    /// The slot split on, or LEAF.
    feature: u32,
    left: u32,
    right: u32,
    missing: u32,
    /// Index into `Flat::cats` of a categorical split's left levels, or NO_CATS.
    cats: u32,
    /// The split value (left when below it), or a leaf's weight.
    value: f64,
}

/// perpetual's linear correction of small regressions (blended into every prediction).
#[derive(Clone, Debug)]
struct Head {
    means: Vec<f64>,
    scales: Vec<f64>,
    coefficients: Vec<f64>,
    intercept: f64,
    blend: f64,
}

#[derive(Clone, Debug)]
pub struct Flat {
    base: f64,
    roots: Vec<u32>,
    nodes: Vec<Node>,
    cats: Vec<Box<[u8]>>,
    head: Option<Head>,
    /// The slots a row must have (the widest split or correction), found once.
    needs: usize,
}

impl Flat {
    /// None when the booster does not mark missing values by NaN (shopml's always do) or a
    /// tree is malformed: its own scoring is used then.
    pub fn of(b: &PerpetualBooster) -> Option<Flat> {
        if !b.cfg.missing.is_nan() {
            return None;
        }
        let mut flat = Flat { base: b.base_score, roots: Vec::new(), nodes: Vec::new(), cats: Vec::new(), head: None, needs: 0 };
        for tree in b.get_prediction_trees() {
            // Number the nodes reachable from the root (depth first), then copy them over.
            let mut index: HashMap<usize, u32> = HashMap::new();
            let mut order = Vec::new();
            let mut stack = vec![0usize];
            while let Some(n) = stack.pop() {
                if index.contains_key(&n) {
                    continue;
                }
                let node = tree.nodes.get(&n)?;
                index.insert(n, (flat.nodes.len() + order.len()) as u32);
                order.push(n);
                if !node.is_leaf {
                    stack.extend([node.missing_node, node.right_child, node.left_child]);
                }
            }
            flat.roots.push(*index.get(&0)?);
            for n in order {
                let node = &tree.nodes[&n];
                flat.nodes.push(if node.is_leaf {
                    Node { feature: LEAF, left: 0, right: 0, missing: 0, cats: NO_CATS, value: node.weight_value as f64 }
                } else {
                    let cats = match &node.left_cats {
                        Some(c) => {
                            flat.cats.push(c.clone());
                            flat.cats.len() as u32 - 1
                        }
                        None => NO_CATS,
                    };
                    Node {
                        feature: u32::try_from(node.split_feature).ok().filter(|&f| f != LEAF)?,
                        left: *index.get(&node.left_child)?,
                        right: *index.get(&node.right_child)?,
                        missing: *index.get(&node.missing_node)?,
                        cats,
                        value: node.split_value,
                    }
                });
            }
        }
        if let Some(h) = &b.regression_head {
            if h.feature_means.len() != h.coefficients.len() || h.feature_scales.len() != h.coefficients.len() {
                return None;
            }
        }
        flat.head = b.regression_head.as_ref().map(|h| Head {
            means: h.feature_means.clone(),
            scales: h.feature_scales.clone(),
            coefficients: h.coefficients.clone(),
            intercept: h.intercept,
            blend: h.blend_weight,
        });
        let split = flat.nodes.iter().filter(|n| n.feature != LEAF).map(|n| n.feature as usize + 1).max().unwrap_or(0);
        flat.needs = split.max(flat.head.as_ref().map_or(0, |h| h.coefficients.len()));
        Some(flat)
    }

    fn leaf(&self, root: u32, row: &[f64]) -> f64 {
        let mut n = &self.nodes[root as usize];
        while n.feature != LEAF {
            let v = row[n.feature as usize];
            let next = if v.is_nan() {
                n.missing
            } else if n.cats != NO_CATS {
                let (level, cats) = (v as usize, &self.cats[n.cats as usize]);
                if cats.get(level >> 3).is_some_and(|b| (b >> (level & 7)) & 1 == 1) { n.left } else { n.right }
            } else if v < n.value {
                n.left
            } else {
                n.right
            };
            n = &self.nodes[next as usize];
        }
        n.value
    }

    /// Raw predictions of rows `x` (row-major, `width` slots), as perpetual's `predict`; None
    /// when the rows are narrower than the trees read.
    pub fn predict(&self, x: &[f64], width: usize) -> Option<Vec<f64>> {
        if width == 0 || self.needs > width {
            return None;
        }
        let rows = x.len() / width;
        let mut out = vec![self.base; rows];
        for start in (0..rows).step_by(BLOCK) {
            let end = (start + BLOCK).min(rows);
            for &root in &self.roots {
                for r in start..end {
                    out[r] += self.leaf(root, &x[r * width..(r + 1) * width]);
                }
            }
        }
        if let Some(h) = &self.head {
            for (r, p) in out.iter_mut().enumerate() {
                let mut residual = h.intercept;
                for (j, &v) in x[r * width..(r + 1) * width].iter().enumerate().take(h.coefficients.len()) {
                    let standardized = if v.is_finite() { (v - h.means[j]) / h.scales[j] } else { 0.0 };
                    residual += h.coefficients[j] * standardized;
                }
                *p += h.blend * residual;
            }
        }
        Some(out)
    }
}
