//! HNSW against brute force on clustered data (random uniform vectors in high dimensions make
//! every method look bad: issue 21), and the graph's invariants.
use super::graph::Metric;
use super::*;
use crate::core::rng::SplitMix;

struct TestRng(SplitMix);

impl TestRng {
    fn new(seed: u64) -> Self {
        TestRng(SplitMix(seed))
    }
    /// Uniform in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.0.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// `n` vectors of `dims` around 50 fixed random centres (clustered, like real embeddings; data
/// and queries share the centres), unit length; `seed` draws the noise.
fn clustered(n: usize, dims: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut centre_rng = TestRng::new(99);
    let centres: Vec<Vec<f32>> = (0..50).map(|_| (0..dims).map(|_| centre_rng.normal() as f32).collect()).collect();
    let mut rng = TestRng::new(seed);
    (0..n)
        .map(|i| {
            let c = &centres[i % centres.len()];
            let v: Vec<f32> = c.iter().map(|x| x + 0.8 * rng.normal() as f32).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.into_iter().map(|x| x / norm).collect()
        })
        .collect()
}

fn build(data: &[Vec<f32>], metric: Metric, p: &Params, seed: u64) -> MemoryGraph {
    let mut rng = TestRng::new(seed);
    let mut g = MemoryGraph::new(data[0].len(), metric, p.m);
    for v in data {
        let level = p.level_for(rng.uniform());
        insert(&mut g, v, level, p);
    }
    g
}

fn recall(g: &MemoryGraph, data: &[Vec<f32>], queries: &[Vec<f32>], metric: Metric, k: usize, ef: usize) -> f64 {
    let mut hits = 0;
    for q in queries {
        let mut exact: Vec<Scored> = data.iter().enumerate().map(|(i, v)| Scored { distance: metric.distance(q, v), node: i as NodeId }).collect();
        exact.sort();
        let truth: std::collections::HashSet<NodeId> = exact[..k].iter().map(|s| s.node).collect();
        hits += search(g, q, k, ef).iter().filter(|s| truth.contains(&s.node)).count();
    }
    hits as f64 / (queries.len() * k) as f64
}

#[test]
fn recall_against_brute_force() {
    let data = clustered(4000, 32, 7);
    let queries = clustered(100, 32, 8);
    for metric in [Metric::L2, Metric::Cosine, Metric::InnerProduct] {
        let g = build(&data, metric, &Params::default(), 1);
        let r40 = recall(&g, &data, &queries, metric, 10, 40);
        let r200 = recall(&g, &data, &queries, metric, 10, 200);
        assert!(r40 >= 0.9, "{metric:?}: recall@10 at ef 40 is {r40}");
        assert!(r200 >= 0.98 && r200 >= r40, "{metric:?}: recall@10 at ef 200 is {r200}");
    }
}

/// A graph that counts the distances computed through it.
struct Counting<'a>(&'a MemoryGraph, std::cell::Cell<usize>);

impl Graph for Counting<'_> {
    fn distance(&self, q: &[f32], n: NodeId) -> f32 {
        self.1.set(self.1.get() + 1);
        self.0.distance(q, n)
    }
    fn distance_between(&self, a: NodeId, b: NodeId) -> f32 {
        self.0.distance_between(a, b)
    }
    fn neighbors(&self, n: NodeId, l: usize, out: &mut Vec<NodeId>) {
        self.0.neighbors(n, l, out)
    }
    fn entry(&self) -> Option<(NodeId, usize)> {
        self.0.entry()
    }
}

#[test]
fn searches_visit_a_small_part_of_the_graph() {
    let data = clustered(20000, 24, 11);
    let queries = clustered(50, 24, 12);
    let g = build(&data, Metric::L2, &Params::default(), 5);
    let counting = Counting(&g, std::cell::Cell::new(0));
    for q in &queries {
        assert_eq!(search(&counting, q, 10, 40).len(), 10);
    }
    let per_query = counting.1.get() / queries.len();
    assert!(per_query < data.len() / 10, "{per_query} distances per query of {}", data.len());
    let (low, high) = (recall(&g, &data, &queries, Metric::L2, 10, 10), recall(&g, &data, &queries, Metric::L2, 10, 200));
    assert!(high >= 0.99 && high >= low, "recall@10: ef 10 {low}, ef 200 {high}");
}

#[test]
fn search_returns_sorted_distinct_results_and_handles_small_graphs() {
    let p = Params { m: 4, ef_construction: 16 };
    let mut g = MemoryGraph::new(2, Metric::L2, p.m);
    assert!(search(&g, &[0.0, 0.0], 5, 10).is_empty());
    insert(&mut g, &[1.0, 0.0], 0, &p);
    assert_eq!(search(&g, &[0.0, 0.0], 5, 10).iter().map(|s| s.node).collect::<Vec<_>>(), vec![0]);
    for i in 1..200 {
        let x = i as f32;
        insert(&mut g, &[x.cos() * x, x.sin() * x], p.level_for(((i * 7919) % 1000 + 1) as f64 / 1001.0), &p);
    }
    let r = search(&g, &[3.0, 0.5], 20, 50);
    assert_eq!(r.len(), 20);
    assert!(r.windows(2).all(|w| w[0] <= w[1]));
    let ids: std::collections::HashSet<_> = r.iter().map(|s| s.node).collect();
    assert_eq!(ids.len(), 20);
    // Every node is reachable: a search for each node's own vector finds it.
    for n in 0..g.len() as NodeId {
        assert_eq!(search(&g, &g.vector(n).to_vec(), 1, 64)[0].distance, 0.0, "node {n}");
    }
}

#[test]
fn neighbour_lists_stay_bounded_and_without_self_links() {
    let data = clustered(1500, 16, 3);
    let p = Params { m: 8, ef_construction: 32 };
    let g = build(&data, Metric::L2, &p, 2);
    for n in 0..g.len() as NodeId {
        for (level, list) in g.levels(n).iter().enumerate() {
            assert!(list.len() <= p.max_neighbors(level), "node {n} level {level}: {}", list.len());
            assert!(!list.contains(&n));
            let distinct: std::collections::HashSet<_> = list.iter().collect();
            assert_eq!(distinct.len(), list.len());
        }
    }
    // Levels follow the geometric law: about 1/m of the nodes reach level 1.
    let upper = (0..g.len() as NodeId).filter(|&n| g.levels(n).len() > 1).count() as f64 / g.len() as f64;
    assert!((0.06..0.2).contains(&upper), "{upper}");
}

/// VACUUM's repair on a graph: `kept_per_10` of every 10 nodes live, a live entry chosen,
/// every live node that linked to a deleted one relinked. Every live node stays reachable and
/// searches keep their recall over the live nodes (returns it, with a fresh build's).
fn relink_after_deleting(kept_per_10: u64) -> (f64, f64) {
    let data = clustered(3000, 16, 21);
    let p = Params { m: 8, ef_construction: 32 };
    let mut g = build(&data, Metric::L2, &p, 4);
    let live: Vec<NodeId> = (0..g.len() as NodeId).filter(|n| n % 10 < kept_per_10).collect();
    g.deleted = (0..g.len() as NodeId).filter(|n| n % 10 >= kept_per_10).collect();
    let highest = *live.iter().max_by_key(|&&n| (g.level(n), std::cmp::Reverse(n))).unwrap();
    g.set_entry(highest, g.level(highest));
    for &n in &live {
        let level = g.level(n);
        if (0..=level).any(|l| g.list(n, l).iter().any(|x| g.deleted.contains(x))) {
            let v = g.vector(n).to_vec();
            link(&mut g, n, &v, level, &p);
        }
    }
    // No live node links to a deleted one any more, so searches never meet them.
    for &n in &live {
        for l in 0..=g.level(n) {
            assert!(g.list(n, l).iter().all(|x| !g.deleted.contains(x)), "node {n} level {l}");
        }
    }
    let lost = live.iter().filter(|&&n| search(&g, &g.vector(n).to_vec(), 1, 64)[0].node != n).count();
    assert!(lost * 100 <= live.len(), "{lost} of {} live nodes unreachable", live.len());
    let queries = clustered(50, 16, 22);
    let mut hits = 0;
    for q in &queries {
        let mut exact: Vec<Scored> = live.iter().map(|&n| Scored { distance: Metric::L2.distance(q, g.vector(n)), node: n }).collect();
        exact.sort();
        let truth: std::collections::HashSet<NodeId> = exact[..10].iter().map(|s| s.node).collect();
        hits += search(&g, q, 10, 40).iter().filter(|s| truth.contains(&s.node)).count();
    }
    let fresh_data: Vec<Vec<f32>> = live.iter().map(|&n| g.vector(n).to_vec()).collect();
    let fresh = build(&fresh_data, Metric::L2, &p, 4);
    (hits as f64 / 500.0, recall(&fresh, &fresh_data, &queries, Metric::L2, 10, 40))
}

#[test]
fn relinking_after_deletions_keeps_recall() {
    let (repaired, fresh) = relink_after_deleting(8);
    assert!(repaired >= 0.97 && repaired >= fresh - 0.02, "20% deleted: recall@10 {repaired}, fresh build {fresh}");
    let (repaired, fresh) = relink_after_deleting(1);
    assert!(repaired >= 0.9, "90% deleted: recall@10 {repaired}, fresh build {fresh}");
}

#[test]
fn locality_order_is_a_permutation_that_keeps_neighbours_on_a_page() {
    let data = clustered(2000, 8, 5);
    let g = build(&data, Metric::L2, &Params::default(), 3);
    let order = g.locality_order(8);
    assert_eq!(order[0], g.entry().unwrap().0);
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(sorted, (0..g.len() as NodeId).collect::<Vec<_>>());
    // Pages of 8 in this order hold far more neighbour pairs than in id order (random here).
    let shared = |page_of: &dyn Fn(NodeId) -> usize| {
        let pairs: Vec<(NodeId, NodeId)> = (0..g.len() as NodeId).flat_map(|n| g.list(n, 0).iter().map(move |&x| (n, x))).collect();
        pairs.iter().filter(|(a, b)| page_of(*a) == page_of(*b)).count() as f64 / pairs.len() as f64
    };
    let mut at = vec![0usize; g.len()];
    for (i, &n) in order.iter().enumerate() {
        at[n as usize] = i / 8;
    }
    let (ordered, by_id) = (shared(&|n| at[n as usize]), shared(&|n| n as usize / 8));
    assert!(ordered > 0.05 && ordered > 10.0 * by_id, "neighbour pairs on one page: {ordered} vs {by_id} in id order");
}

/// A search resumed from ef 20 to 40, 80, 160 finds as many of the true 100 nearest as a fresh
/// search with ef 160 (within 2%), and never returns a node twice.
#[test]
fn resumed_searches_match_fresh_ones() {
    let data = clustered(6000, 16, 31);
    let queries = clustered(40, 16, 32);
    let g = build(&data, Metric::L2, &Params::default(), 6);
    let (mut resumed_hits, mut fresh_hits) = (0, 0);
    for q in &queries {
        let mut exact: Vec<Scored> = data.iter().enumerate().map(|(i, v)| Scored { distance: Metric::L2.distance(q, v), node: i as NodeId }).collect();
        exact.sort();
        let truth: std::collections::HashSet<NodeId> = exact[..100].iter().map(|s| s.node).collect();
        let mut s = start_search(&g, q, 20).unwrap();
        for ef in [40, 80, 160] {
            s.resume(&g, q, ef);
        }
        let r = s.results();
        assert_eq!(r.len(), 160);
        let distinct: std::collections::HashSet<NodeId> = r.iter().map(|x| x.node).collect();
        assert_eq!(distinct.len(), r.len());
        assert!(r.windows(2).all(|w| w[0] <= w[1]));
        resumed_hits += r[..100].iter().filter(|x| truth.contains(&x.node)).count();
        fresh_hits += search(&g, q, 100, 160).iter().filter(|x| truth.contains(&x.node)).count();
    }
    assert!(resumed_hits as f64 >= 0.98 * fresh_hits as f64, "resumed {resumed_hits}, fresh {fresh_hits} of 4000");
}
