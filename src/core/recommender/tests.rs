use super::als::{fit, Params};
use super::data::{index_ids, split_per_user, Csr};
use super::model::Model;
use super::*;
use crate::core::catalog::Deploy;
use crate::core::test_rng::XorShift;

fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool")
}

#[test]
fn ids_are_indexed_in_numeric_or_byte_order() {
    let ix = index_ids(&["10", "9", "10", "-3"]);
    assert_eq!(ix.ids, ["-3", "9", "10"]);
    assert!(ix.integer);
    assert_eq!(ix.of_row, [2, 1, 2, 0]);
    let ix = index_ids(&["b", "10", "a", "9"]);
    assert_eq!(ix.ids, ["10", "9", "a", "b"]);
    assert!(!ix.integer);
}

#[test]
fn csr_sums_duplicates_and_transposes() {
    let m = Csr::from_triplets(2, 3, vec![(1, 2, 1.0), (0, 1, 2.0), (1, 2, 0.5), (1, 0, 1.0)]);
    assert_eq!(m.indptr, [0, 1, 3]);
    assert_eq!(m.row(1), (&[0u32, 2][..], &[1.0f32, 1.5][..]));
    let t = m.transpose();
    assert_eq!((t.rows, t.cols, t.nnz()), (3, 2, 3));
    assert_eq!(t.transpose(), m);
}

#[test]
fn split_is_per_user_deterministic_and_disjoint() {
    let mut t = Vec::new();
    for u in 0..50u32 {
        for i in 0..(u % 12) {
            t.push((u, i * 3 % 40, 1.0));
        }
    }
    let m = Csr::from_triplets(50, 40, t);
    let (train, test) = split_per_user(&m, 0.2, 7);
    assert_eq!(split_per_user(&m, 0.2, 7).1, test);
    assert_ne!(split_per_user(&m, 0.2, 8).1, test);
    for u in 0..50 {
        let n = m.row(u).0.len();
        let want = if n < 2 { 0 } else { ((n as f64 * 0.2).floor() as usize).max(1) };
        assert_eq!(test[u].len(), want, "user {u} with {n} items");
        assert_eq!(train.row(u).0.len() + test[u].len(), n);
        assert!(test[u].iter().all(|i| train.row(u).0.binary_search(i).is_err() && m.row(u).0.binary_search(i).is_ok()));
    }
}

/// Users in two groups that each like one half of the items, with noise.
fn planted(users: u32, items: u32, seed: u64) -> Csr {
    let mut rng = XorShift(seed);
    let mut t = Vec::new();
    for u in 0..users {
        for _ in 0..12 {
            let own = rng.next_u64() % 10 != 0;
            let half = (u % 2 == 0) == own;
            let i = (rng.next_u64() % (items / 2) as u64) as u32 + if half { 0 } else { items / 2 };
            t.push((u, i, 1.0));
        }
    }
    Csr::from_triplets(users as usize, items as usize, t)
}

fn params(cg_steps: usize) -> Params {
    Params { factors: 4, iterations: 10, regularization: 5.0, alpha: 4.0, cg_steps, seed: 3 }
}

#[test]
fn conjugate_gradient_converges_to_the_exact_solve() {
    let m = planted(60, 40, 1);
    let one = |steps| {
        let p = Params { iterations: 1, ..params(steps) };
        fit(&m, &m.transpose(), &p, &pool(), &mut || Ok(())).expect("fit")
    };
    let (exact, cg) = (one(0), one(20));
    let worst = exact.users.iter().zip(&cg.users).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
    assert!(worst < 1e-3, "CG differs from Cholesky by {worst}");
}

#[test]
fn als_finds_the_planted_groups_and_beats_popularity() {
    let m = planted(200, 60, 2);
    let (train, test) = split_per_user(&m, 0.2, 42);
    let f = fit(&train, &train.transpose(), &params(3), &pool(), &mut || Ok(())).expect("fit");
    let header = model::Header { params: params(3), users: 200, items: 60, seen: train.nnz(), integer_users: true, integer_items: true };
    let ids = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
    let model = Model::new(header, ids(200), ids(60), f.users, f.items, train.clone());
    // Recommendations come from the user's own half.
    for u in 0..20u32 {
        let own = model.recommend(Some(u), 5, true).iter().filter(|(i, _)| (*i < 30) == (u % 2 == 0)).count();
        assert!(own >= 4, "user {u}: {own} of 5 from its group: {:?} seen {:?}", model.recommend(Some(u), 5, true), train.row(u as usize).0);
    }
    let als = eval::evaluate(&test, 10, |u| model.recommend(Some(u as u32), 10, true).into_iter().map(|(i, _)| i).collect());
    let pop = eval::evaluate(&test, 10, |u| model.popular_unseen(u as u32, 10).into_iter().map(|(i, _)| i).collect());
    assert!(als.ndcg > pop.ndcg + 0.1, "ALS {als:?} vs popular {pop:?}");
    // exclude_seen and similar items.
    let seen = train.row(0).0;
    assert!(model.recommend(Some(0), 60, true).iter().all(|(i, _)| seen.binary_search(i).is_err()));
    assert_eq!(model.recommend(Some(0), 100, false).len(), 60);
    let similar = model.similar_items(3, 5);
    assert!(similar.iter().all(|(j, s)| *j != 3 && *j < 30 && *s <= 1.0001), "{similar:?}");
    assert!(similar.windows(2).all(|w| w[0].1 >= w[1].1));
    // Unknown users get the popular items, best first.
    let popular = model.recommend(None, 3, true);
    assert!(popular.windows(2).all(|w| w[0].1 >= w[1].1));

    // The stored bytes give the same model; every truncation is an error, not a panic.
    let bytes = model.to_bytes();
    let back = Model::from_bytes(&bytes).expect("round trip");
    assert_eq!(back.recommend(Some(5), 10, true), model.recommend(Some(5), 10, true));
    assert_eq!(back.similar_items(7, 4), model.similar_items(7, 4));
    for cut in (0..bytes.len()).step_by(97) {
        assert!(Model::from_bytes(&bytes[..cut]).is_err());
    }
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 2] = 0xff;
    assert!(Model::from_bytes(&bad).is_err(), "an item index out of range");
}

fn strings(v: &[&str]) -> Vec<Option<String>> {
    v.iter().map(|s| Some(s.to_string())).collect()
}

#[test]
fn train_rejects_bad_tables_and_is_deterministic() {
    let o = Options { factors: Some(4), regularization: Some(1.0), alpha: Some(1.0), iterations: Some(3), ..Default::default() };
    let run = |u: &[Option<String>], i: &[Option<String>], w: Option<&[Option<f64>]>| {
        train(&Input { users: u, items: i, weights: w, test: None, item_embeddings: None, deployed: None }, &o, &pool(), &mut |_, _| Ok(())).map(|t| t.model.to_bytes())
    };
    let err = |r: Result<Vec<u8>>| r.err().map(|e| e.message).unwrap_or_default();
    assert_eq!(err(run(&strings(&["a", "a"]), &strings(&["x", "y"]), None)), "a recommender needs at least 2 users and 2 items with positive weights, the table has 1 and 2");
    let mut u = strings(&["a", "b"]);
    u[1] = None;
    assert_eq!(err(run(&u, &strings(&["x", "y"]), None)), "the user id of row 2 is NULL");
    assert_eq!(err(run(&strings(&["a", "b"]), &strings(&["x", "y"]), Some(&[Some(1.0), Some(-2.0)]))), "weights must be zero or positive, row 2 has -2");
    let small = Options { max_bytes: Some(100), ..o.clone() };
    let e = train(&Input { users: &strings(&["a", "b"]), items: &strings(&["x", "y"]), weights: None, test: None, item_embeddings: None, deployed: None }, &small, &pool(), &mut |_, _| Ok(()));
    assert_eq!(e.err().map(|e| e.message).unwrap_or_default(), "2 users and 2 items at 4 factors take 0 MB, more than shopml.max_training_memory (0 MB)");
    let users: Vec<String> = (0..300).map(|r| format!("u{}", r % 30)).collect();
    let items: Vec<String> = (0..300).map(|r| format!("i{}", (r * 7) % 23)).collect();
    let (u, i) = (strings(&users.iter().map(|s| s.as_str()).collect::<Vec<_>>()), strings(&items.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    assert_eq!(run(&u, &i, None).expect("train"), run(&u, &i, None).expect("train"));
    // Another physical order of the same rows (duplicate pairs with weights of several sizes
    // among them) gives the same model, byte for byte.
    let w: Vec<Option<f64>> = (0..300).map(|r| Some(0.1 + (r % 7) as f64 * 0.37)).collect();
    let mut order: Vec<usize> = (0..300).collect();
    order.reverse();
    order.rotate_left(11);
    let pick = |v: &[Option<String>]| order.iter().map(|&r| v[r].clone()).collect::<Vec<_>>();
    let w2: Vec<Option<f64>> = order.iter().map(|&r| w[r]).collect();
    assert_eq!(run(&u, &i, Some(&w)).expect("train"), run(&pick(&u), &pick(&i), Some(&w2)).expect("train"));
}

/// MovieLens 100k (or Instacart with DATA=instacart) on the committed split (needs `make data`): prints ndcg@10 per setting, for
/// comparing with the implicit library by hand (`cargo test --release ... -- --ignored --nocapture`).
#[test]
#[ignore]
fn movielens_by_hand() {
    let root = env!("CARGO_MANIFEST_DIR");
    let (data, file, user_col, item_col) = match std::env::var("DATA").as_deref() {
        Ok("instacart") => ("instacart", "instacart_lines", 0, 3),
        _ => ("ml100k", "ml100k_ratings", 0, 1),
    };
    let ratings = std::fs::read_to_string(format!("{root}/data/{file}.csv")).expect("make data");
    let pairs = std::fs::read_to_string(format!("{root}/tests/fixtures/recsys_split/{data}_test_pairs.csv")).expect("split");
    let test: std::collections::HashSet<(String, String)> =
        pairs.lines().map(|l| l.split_once(',').map(|(a, b)| (a.to_string(), b.to_string())).expect("pair")).collect();
    let rows: Vec<(String, String)> = ratings.lines().skip(1).map(|l| {
        let f: Vec<&str> = l.split(',').collect();
        (f[user_col].to_string(), f[item_col].to_string())
    }).collect();
    let users: Vec<Option<String>> = rows.iter().map(|r| Some(r.0.clone())).collect();
    let items: Vec<Option<String>> = rows.iter().map(|r| Some(r.1.clone())).collect();
    let flags: Vec<Option<bool>> = rows.iter().map(|r| Some(test.contains(r))).collect();
    let input = Input { users: &users, items: &items, weights: None, test: Some(&flags), item_embeddings: None, deployed: None };
    let settings: Vec<Options> = std::env::var("ALS").unwrap_or("64,0.05,0,3;16,10,0,3;64,10,0,3;64,50,4,3;64,10,0,0".into()).split(';').map(|s| {
        let v: Vec<f64> = s.split(',').map(|x| x.parse().expect("number")).collect();
        Options { factors: Some(v[0] as usize), regularization: Some(v[1] as f32), alpha: Some(v[2] as f32), solver: Some(if v[3] == 0.0 { "cholesky" } else { "cg" }.into()), refit: Some(false), ..Default::default() }
    }).collect();
    for o in settings.into_iter().chain([Options { refit: Some(false), ..Default::default() }]) {
        let start = std::time::Instant::now();
        let t = train(&input, &o, &pool(), &mut |_, _| Ok(())).expect("train");
        println!("{:?} {:?}: {:?} popular {:?} in {:.2}s", o.factors, t.params, t.test, t.popular.ndcg, start.elapsed().as_secs_f64());
    }
}

/// recommend() over 100k items × 64 factors, timed by hand (`-- --ignored --nocapture`).
#[test]
#[ignore]
fn recommend_latency_by_hand() {
    let (users, items, f) = (1000usize, 100_000usize, 64usize);
    let mut rng = XorShift(9);
    let mut uni = |n: usize| (0..n).map(|_| (rng.next_u64() % 1000) as f32 / 1000.0 - 0.5).collect::<Vec<f32>>();
    let (uf, itf) = (uni(users * f), uni(items * f));
    let seen = Csr::from_triplets(users, items, (0..users as u32).flat_map(|u| (0..30u32).map(move |j| (u, (u * 31 + j * 977) % items as u32, 1.0))).collect());
    let p = Params { factors: f, iterations: 1, regularization: 1.0, alpha: 1.0, cg_steps: 3, seed: 1 };
    let header = model::Header { params: p, users, items, seen: seen.nnz(), integer_users: true, integer_items: true };
    let ids = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
    let m = Model::new(header, ids(users), ids(items), uf, itf, seen);
    let start = std::time::Instant::now();
    let mut sink = 0usize;
    for u in 0..200u32 {
        sink += m.recommend(Some(u), 10, true).len();
    }
    println!("recommend: {:.3} ms per call ({sink})", start.elapsed().as_secs_f64() * 1000.0 / 200.0);
}

#[test]
fn items_without_interactions_are_placed_by_their_embedding() {
    // 40 users in two groups over items 0..19 (group A: 0..9, group B: 10..19); embeddings say
    // which group an item belongs to; items 20 and 21 are new (no interactions), one per group.
    let mut users = Vec::new();
    let mut items = Vec::new();
    let mut rng = XorShift(5);
    for u in 0..40u64 {
        for _ in 0..6 {
            users.push(Some(format!("u{u}")));
            items.push(Some(((rng.next_u64() % 10) + if u % 2 == 0 { 0 } else { 10 }).to_string()));
        }
    }
    let emb = |i: u64| -> Vec<f32> {
        let a = if i % 2 == 0 && i >= 20 || i < 10 { 1.0 } else { 0.0 };
        vec![a, 1.0 - a, (i % 7) as f32 * 0.01]
    };
    let ids: Vec<Option<String>> = (0..22u64).map(|i| Some(i.to_string())).collect();
    let vectors: Vec<Option<Vec<f32>>> = (0..22u64).map(|i| Some(emb(i))).collect();
    let o = Options { factors: Some(4), regularization: Some(1.0), alpha: Some(2.0), test_fraction: Some(0.0), ..Default::default() };
    let input = Input { users: &users, items: &items, weights: None, test: None, item_embeddings: Some((&ids, &vectors)), deployed: None };
    let t = train(&input, &o, &pool(), &mut |_, _| Ok(())).expect("train");
    assert_eq!(t.items, 22);
    let m = &t.model;
    let near = |id: &str| m.similar_items(m.item(id).expect("item"), 3).into_iter().map(|(j, _)| m.item_ids[j as usize].parse::<u32>().expect("id")).collect::<Vec<_>>();
    assert!(near("20").iter().all(|&j| j < 10), "new item 20 sits with group A: {:?}", near("20"));
    assert!(near("21").iter().all(|&j| (10..20).contains(&j)), "new item 21 sits with group B: {:?}", near("21"));
    // Without embeddings the new items do not exist.
    let input = Input { item_embeddings: None, ..input };
    assert_eq!(train(&input, &o, &pool(), &mut |_, _| Ok(())).expect("train").items, 20);
}

#[test]
fn a_new_version_is_compared_with_the_deployed_one_on_pairs_it_never_saw() {
    // Planted groups as rows of text ids.
    let m = planted(200, 60, 5);
    let (mut users, mut items) = (Vec::new(), Vec::new());
    for u in 0..m.rows {
        for &i in m.row(u).0 {
            users.push(Some(format!("u{u}")));
            items.push(Some(format!("i{i}")));
        }
    }
    let o = Options { factors: Some(4), regularization: Some(5.0), alpha: Some(4.0), iterations: Some(8), ..Default::default() };
    let run = |o: &Options, deployed: Option<&Model>| {
        let input = Input { users: &users, items: &items, weights: None, test: None, item_embeddings: None, deployed };
        train(&input, o, &pool(), &mut |_, _| Ok(())).expect("train")
    };
    // Refitted on every row, the deployed model saw every held-out pair: nothing to compare on.
    let refitted = run(&o, None);
    assert!(refitted.refit);
    assert_eq!(run(&o, Some(&refitted.model)).versus_deployed, None);
    // Stored as measured, it is scored on the same pairs as the new fit: the same model ties.
    let measured = run(&Options { refit: Some(false), ..o.clone() }, None);
    assert!(!measured.refit);
    let (new, old) = run(&o, Some(&measured.model)).versus_deployed.expect("pairs the deployed model never saw");
    assert_eq!(new, old);
    assert_eq!(new.users, measured.test.users);
    // A deployed model that knows nothing of the groups (one factor, one iteration, another
    // seed's split) scores lower.
    let weak = run(&Options { factors: Some(1), iterations: Some(1), refit: Some(false), seed: Some(9), ..o.clone() }, None);
    let (new, old) = run(&o, Some(&weak.model)).versus_deployed.expect("pairs");
    assert!(new.ndcg > old.ndcg + 0.05, "new {new:?} deployed {old:?}");
    assert_eq!(Deploy::parse(Some("sometimes")).err().map(|e| e.message).unwrap_or_default(), "unknown deploy \"sometimes\"");
    let bad = Input { users: &users, items: &items, weights: None, test: None, item_embeddings: None, deployed: None };
    let e = train(&bad, &Options { deploy: Some("sometimes".into()), ..o.clone() }, &pool(), &mut |_, _| Ok(()));
    assert_eq!(e.err().map(|e| e.message).unwrap_or_default(), "unknown deploy \"sometimes\"");
}
