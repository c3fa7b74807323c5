//! Ranking quality on held-out interactions: precision@k (hits / k), recall@k (hits / held-out
//! items), ndcg@k (binary gains, ideal DCG over min(k, held-out) items), averaged over the users
//! that have held-out items.

use rayon::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ranking {
    pub precision: f64,
    pub recall: f64,
    pub ndcg: f64,
    pub users: usize,
}

/// `rank(user)` gives the top k items recommended to a user, best first.
pub fn evaluate(test: &[Vec<u32>], k: usize, rank: impl Fn(usize) -> Vec<u32> + Sync) -> Ranking {
    let per_user: Vec<(f64, f64, f64)> = test
        .par_iter()
        .enumerate()
        .filter(|(_, held)| !held.is_empty())
        .map(|(u, held)| {
            let top = rank(u);
            let (mut hits, mut dcg) = (0usize, 0.0);
            for (pos, item) in top.iter().take(k).enumerate() {
                if held.binary_search(item).is_ok() {
                    hits += 1;
                    dcg += 1.0 / (pos as f64 + 2.0).log2();
                }
            }
            let ideal: f64 = (0..held.len().min(k)).map(|pos| 1.0 / (pos as f64 + 2.0).log2()).sum();
            (hits as f64 / k as f64, hits as f64 / held.len() as f64, dcg / ideal)
        })
        .collect();
    let n = per_user.len();
    if n == 0 {
        return Ranking::default();
    }
    let mean = |f: fn(&(f64, f64, f64)) -> f64| per_user.iter().map(f).sum::<f64>() / n as f64;
    Ranking { precision: mean(|t| t.0), recall: mean(|t| t.1), ndcg: mean(|t| t.2), users: n }
}
