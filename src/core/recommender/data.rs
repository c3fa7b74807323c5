//! Interactions as sparse matrices: ids mapped to dense indices in id order, (user, item) pairs
//! with their summed weights in compressed rows, and the per-user hold-out split.

use crate::core::rng::SplitMix;
use std::collections::HashMap;

/// Ids in id order (numeric when every id is an integer, byte order otherwise) and the index of
/// each input row's id.
pub struct IdIndex {
    pub ids: Vec<String>,
    pub integer: bool,
    pub of_row: Vec<u32>,
}

pub fn index_ids(values: &[&str]) -> IdIndex {
    let mut first: HashMap<&str, u32> = HashMap::new();
    let mut unique: Vec<&str> = Vec::new();
    let of_row_first: Vec<u32> = values
        .iter()
        .map(|&v| {
            *first.entry(v).or_insert_with(|| {
                unique.push(v);
                unique.len() as u32 - 1
            })
        })
        .collect();
    let parsed: Option<Vec<i64>> = unique.iter().map(|s| s.parse::<i64>().ok()).collect();
    let mut order: Vec<u32> = (0..unique.len() as u32).collect();
    match &parsed {
        Some(nums) => order.sort_by_key(|&i| nums[i as usize]),
        None => order.sort_by(|&a, &b| unique[a as usize].cmp(unique[b as usize])),
    }
    let mut rank = vec![0u32; unique.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    IdIndex {
        ids: order.iter().map(|&i| unique[i as usize].to_string()).collect(),
        integer: parsed.is_some(),
        of_row: of_row_first.iter().map(|&i| rank[i as usize]).collect(),
    }
}

/// A sparse matrix in compressed rows; columns sorted within a row, no duplicates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csr {
    pub rows: usize,
    pub cols: usize,
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub data: Vec<f32>,
}

impl Csr {
    /// From (row, col, value) triplets; duplicates are summed, in the order of their values
    /// (float sums depend on their order, the input's order must not).
    pub fn from_triplets(rows: usize, cols: usize, mut t: Vec<(u32, u32, f32)>) -> Csr {
        t.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
        let mut m = Csr { rows, cols, indptr: vec![0; rows + 1], indices: Vec::with_capacity(t.len()), data: Vec::with_capacity(t.len()) };
        let mut last: Option<(u32, u32)> = None;
        for (r, c, v) in t {
            if last == Some((r, c)) {
                *m.data.last_mut().expect("a previous entry") += v;
            } else {
                m.indices.push(c);
                m.data.push(v);
                m.indptr[r as usize + 1] += 1;
                last = Some((r, c));
            }
        }
        for r in 0..rows {
            m.indptr[r + 1] += m.indptr[r];
        }
        m
    }

    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[r], self.indptr[r + 1]);
        (&self.indices[a..b], &self.data[a..b])
    }

    pub fn transpose(&self) -> Csr {
        let mut t = Vec::with_capacity(self.nnz());
        for r in 0..self.rows {
            let (cols, vals) = self.row(r);
            t.extend(cols.iter().zip(vals).map(|(&c, &v)| (c, r as u32, v)));
        }
        Csr::from_triplets(self.cols, self.rows, t)
    }

    /// The entries whose (row, col) `keep` accepts.
    pub fn filter(&self, mut keep: impl FnMut(usize, u32) -> bool) -> Csr {
        let mut t = Vec::new();
        for r in 0..self.rows {
            let (cols, vals) = self.row(r);
            t.extend(cols.iter().zip(vals).filter(|(&c, _)| keep(r, c)).map(|(&c, &v)| (r as u32, c, v)));
        }
        Csr::from_triplets(self.rows, self.cols, t)
    }
}

/// A per-user hold-out: of each user's n items (in id order), max(1, floor(fraction × n)) chosen
/// by a seeded shuffle go to the test part; users with fewer than 2 items keep theirs. Returns
/// the training matrix and each user's test items (sorted).
pub fn split_per_user(m: &Csr, fraction: f64, seed: u64) -> (Csr, Vec<Vec<u32>>) {
    let mut rng = SplitMix(seed);
    let mut test = vec![Vec::new(); m.rows];
    for (u, held) in test.iter_mut().enumerate() {
        let (items, _) = m.row(u);
        if items.len() < 2 || fraction <= 0.0 {
            continue;
        }
        let mut order: Vec<usize> = (0..items.len()).collect();
        rng.shuffle(&mut order);
        let k = ((fraction * items.len() as f64).floor() as usize).clamp(1, items.len() - 1);
        held.extend(order[..k].iter().map(|&j| items[j]));
        held.sort_unstable();
    }
    let train = m.filter(|u, i| test[u].binary_search(&i).is_err());
    (train, test)
}
