//! Ranking quality on held-out interactions: precision@k (hits / k), recall@k (hits / held-out
//! items), ndcg@k (binary gains, ideal DCG over min(k, held-out) items), averaged over the users
//! that have held-out items.

use super::model::Model;
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

/// The new model (as measured: fitted without the held-out pairs) and the deployed one, ranked
/// on the held-out pairs of `test` (indices of `new`) that the deployed one never saw, each
/// leaving out the same items for a user: those of the new training part and those the
/// deployed model saw. A deployed model refitted on every row saw the old held-out pairs, and
/// scoring it on them would only measure its memory. None when no such pair is left.
pub fn versus_deployed(new: &Model, deployed: &Model, test: &[Vec<u32>], k: usize) -> Option<(Ranking, Ranking)> {
    let to_old: Vec<Option<u32>> = new.item_ids.iter().map(|id| deployed.item(id)).collect();
    let to_new: Vec<u32> = deployed.item_ids.iter().map(|id| new.item(id).unwrap_or(u32::MAX)).collect();
    let old_user: Vec<Option<u32>> = new.user_ids.iter().map(|id| deployed.user(id)).collect();
    let old_seen = |u: usize| old_user[u].map_or(&[][..], |o| deployed.seen.row(o as usize).0);
    let targets: Vec<Vec<u32>> = test
        .iter()
        .enumerate()
        .map(|(u, held)| held.iter().copied().filter(|&i| to_old[i as usize].is_none_or(|o| old_seen(u).binary_search(&o).is_err())).collect())
        .collect();
    if targets.iter().all(Vec::is_empty) {
        return None;
    }
    // The items left out, in the new model's indices and in the deployed one's.
    let left_out = |u: usize| -> (Vec<u32>, Vec<u32>) {
        let mut in_new: Vec<u32> = new.seen.row(u).0.iter().copied().chain(old_seen(u).iter().map(|&o| to_new[o as usize])).filter(|&i| i != u32::MAX).collect();
        let mut in_old: Vec<u32> = old_seen(u).iter().copied().chain(new.seen.row(u).0.iter().filter_map(|&i| to_old[i as usize])).collect();
        for v in [&mut in_new, &mut in_old] {
            v.sort_unstable();
            v.dedup();
        }
        (in_new, in_old)
    };
    let ranked_new = evaluate(&targets, k, |u| new.recommend_without(Some(u as u32), k, &left_out(u).0).into_iter().map(|(i, _)| i).collect());
    let ranked_old = evaluate(&targets, k, |u| deployed.recommend_without(old_user[u], k, &left_out(u).1).into_iter().map(|(i, _)| to_new[i as usize]).collect());
    Some((ranked_new, ranked_old))
}
