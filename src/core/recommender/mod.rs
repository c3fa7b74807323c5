//! The implicit-feedback recommender trained on a shop's interactions: ids to indices, the
//! per-user hold-out, ALS (with its defaults tuned on a validation split when the caller does
//! not set them), ranking metrics beside a most-popular baseline, and the model that serves
//! top-k items and similar items. Pure Rust: src/api/recommender.rs reads the table and stores
//! the model.

pub mod als;
pub mod cold;
pub mod data;
pub mod eval;
pub mod model;
#[cfg(test)]
mod tests;

use crate::core::table::{Table, Values};
use crate::error::{Error, Result, SqlState};
use als::Params;
use data::{index_ids, split_per_user, Csr};
use eval::{evaluate, Ranking};
use model::{Header, Model};
use serde::{Deserialize, Serialize};

/// The k of precision@k, recall@k and ndcg@k.
pub const K: usize = 10;

/// What a caller may choose (options jsonb).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// A numeric column of weights (counts, ratings, event weights); 1 per row when absent.
    /// Rows of one (user, item) pair add up.
    pub weight_column: Option<String>,
    pub factors: Option<usize>,
    pub iterations: Option<usize>,
    pub regularization: Option<f32>,
    /// Confidence c = 1 + alpha × weight (Hu et al.).
    pub alpha: Option<f32>,
    /// "cg" (default: conjugate gradient, cg_steps per row) or "cholesky" (exact solves).
    pub solver: Option<String>,
    pub cg_steps: Option<usize>,
    /// Share of each user's items held out for the metrics (0.2; 0 disables).
    pub test_fraction: Option<f64>,
    /// A boolean column marking held-out rows instead of a random split (to compare with other
    /// tools on the very same pairs).
    pub test_column: Option<String>,
    pub seed: Option<u64>,
    /// Fit the stored model again on all interactions after measuring (default true).
    pub refit: Option<bool>,
    /// always (default), if_better or never (core::catalog::Deploy).
    pub deploy: Option<String>,
    pub threads: Option<usize>,
    /// Cold start: a table of item embeddings (e.g. embed_text of titles); items in it without
    /// interactions are placed by their embedding (src/core/recommender/cold.rs).
    pub item_embeddings: Option<ItemEmbeddings>,
    /// Most bytes the factors may take while training (shopml.max_training_memory; set by the
    /// SQL glue, not an option).
    #[serde(skip)]
    pub max_bytes: Option<usize>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemEmbeddings {
    pub table: String,
    pub id_column: String,
    pub vector_column: String,
}

/// The candidates tried when the caller leaves factors, regularization and alpha unset: each is
/// fitted on the training part minus a validation split, and the best ndcg@10 wins.
/// (factors, regularization, alpha); see docs/recommender.md for how they were chosen.
pub const CANDIDATES: [(usize, f32, f32); 6] = [(16, 10.0, 0.0), (16, 30.0, 1.0), (16, 50.0, 4.0), (64, 10.0, 0.0), (64, 30.0, 1.0), (64, 50.0, 4.0)];

/// Validation splits each tuning candidate is scored on. Measured: 2 folds (or 9 candidates with
/// 32 factors) picked the same candidates as 1 on MovieLens and Instacart at twice the time.
pub const VALIDATION_FOLDS: usize = 1;

pub struct Trained {
    pub model: Model,
    pub users: usize,
    pub items: usize,
    pub interactions: usize,
    pub rows: usize,
    pub test: Ranking,
    pub popular: Ranking,
    /// Validation ndcg@10 of each candidate when the defaults were tuned.
    pub validation: Vec<(Params, f64)>,
    pub params: Params,
    /// Whether the stored model was fitted again on every interaction after `test` was measured
    /// (on a fit without the held-out pairs).
    pub refit: bool,
    /// With a deployed model given: the measured fit and the deployed model on the held-out
    /// pairs the deployed one never saw (eval::versus_deployed); None when there were none.
    pub versus_deployed: Option<(Ranking, Ranking)>,
}

/// Interactions of one table: user and item ids as text, optional weights and test flags.
pub struct Input<'a> {
    pub users: &'a [Option<String>],
    pub items: &'a [Option<String>],
    pub weights: Option<&'a [Option<f64>]>,
    pub test: Option<&'a [Option<bool>]>,
    /// Item ids (as text) and their embeddings; rows with a NULL id or vector are skipped.
    pub item_embeddings: Option<(&'a [Option<String>], &'a [Option<Vec<f32>>])>,
    /// The deployed version to compare with (options.deploy = if_better).
    pub deployed: Option<&'a Model>,
}

/// The columns of `table` that `train` reads: user and item as text, weight number, test bool.
pub fn input<'a>(table: &'a Table, user: &str, item: &str, o: &Options) -> Result<Input<'a>> {
    let col = |name: &str| table.column(name).map(|c| &c.values).ok_or_else(|| Error::new(SqlState::UndefinedColumn, format!("column \"{name}\" was not read")));
    let text = |name: &str| match col(name)? {
        Values::Text(v) => Ok(v.as_slice()),
        _ => Err(Error::new(SqlState::DatatypeMismatch, format!("column \"{name}\" must be read as text"))),
    };
    let weights = match &o.weight_column {
        None => None,
        Some(w) => match col(w)? {
            Values::Number(v) => Some(v.as_slice()),
            other => return Err(Error::new(SqlState::DatatypeMismatch, format!("weight column \"{w}\" must be numeric, not {}", other.kind()))),
        },
    };
    let test = match &o.test_column {
        None => None,
        Some(t) => match col(t)? {
            Values::Bool(v) => Some(v.as_slice()),
            other => return Err(Error::new(SqlState::DatatypeMismatch, format!("test column \"{t}\" must be boolean, not {}", other.kind()))),
        },
    };
    Ok(Input { users: text(user)?, items: text(item)?, weights, test, item_embeddings: None, deployed: None })
}

fn params_of(o: &Options, (factors, regularization, alpha): (usize, f32, f32)) -> Result<Params> {
    let cg_steps = match o.solver.as_deref().unwrap_or("cg") {
        "cg" => o.cg_steps.unwrap_or(3),
        "cholesky" => 0,
        s => return Err(Error::invalid_parameter(format!("solver must be \"cg\" or \"cholesky\", not \"{}\"", crate::error::excerpt(s)))),
    };
    let p = Params {
        factors: o.factors.unwrap_or(factors),
        iterations: o.iterations.unwrap_or(15),
        regularization: o.regularization.unwrap_or(regularization),
        alpha: o.alpha.unwrap_or(alpha),
        cg_steps,
        seed: o.seed.unwrap_or(42),
    };
    let bad = |what: &str| Err(Error::invalid_parameter(what.to_string()));
    if !(1..=1024).contains(&p.factors) {
        return bad(&format!("factors must be between 1 and 1024, not {}", p.factors));
    }
    if !(1..=1000).contains(&p.iterations) {
        return bad(&format!("iterations must be between 1 and 1000, not {}", p.iterations));
    }
    if !(p.regularization > 0.0 && p.regularization.is_finite()) {
        return bad(&format!("regularization must be positive, not {}", p.regularization));
    }
    if !(p.alpha >= 0.0 && p.alpha.is_finite()) {
        return bad(&format!("alpha must be zero or positive, not {}", p.alpha));
    }
    if p.cg_steps > 100 {
        return bad(&format!("cg_steps must be between 1 and 100, not {}", p.cg_steps));
    }
    Ok(p)
}

/// Trains on `input`. `on_progress(done, total)` runs on the calling thread between
/// half-iterations (units: iterations of every fit) and may stop training with an error.
pub fn train(input: &Input, o: &Options, pool: &rayon::ThreadPool, on_progress: &mut dyn FnMut(usize, usize) -> Result<()>) -> Result<Trained> {
    let rows = input.users.len();
    let fraction = o.test_fraction.unwrap_or(0.2);
    if !(0.0..1.0).contains(&fraction) {
        return Err(Error::invalid_parameter(format!("test_fraction must be in [0, 1), not {fraction}")));
    }
    if o.test_column.is_some() && o.test_fraction.is_some() {
        return Err(Error::invalid_parameter("give test_column or test_fraction, not both"));
    }
    crate::core::catalog::Deploy::parse(o.deploy.as_deref())?;
    // Ids; NULL ids are errors, zero weights are no interaction, negative ones errors.
    let mut keep = Vec::with_capacity(rows);
    for r in 0..rows {
        let (Some(u), Some(i)) = (&input.users[r], &input.items[r]) else {
            let which = if input.users[r].is_none() { "user" } else { "item" };
            return Err(Error::new(SqlState::NullValueNotAllowed, format!("the {which} id of row {} is NULL", r + 1))
                .with_hint("leave such rows out with a view or a WHERE clause"));
        };
        let w = match input.weights {
            None => 1.0,
            Some(ws) => match ws[r] {
                Some(w) if w >= 0.0 && w.is_finite() => w,
                Some(w) => return Err(Error::data(format!("weights must be zero or positive, row {} has {w}", r + 1))),
                None => return Err(Error::new(SqlState::NullValueNotAllowed, format!("the weight of row {} is NULL", r + 1))),
            },
        };
        if w > 0.0 {
            keep.push((u.as_str(), i.as_str(), w as f32, input.test.and_then(|t| t[r]).unwrap_or(false)));
        }
    }
    let users = index_ids(&keep.iter().map(|k| k.0).collect::<Vec<_>>());
    // Items: those of the interactions, then those that only have an embedding.
    let mut embedded: Vec<(&str, &[f32])> = match input.item_embeddings {
        None => Vec::new(),
        Some((ids, vectors)) => ids.iter().zip(vectors).filter_map(|(i, v)| Some((i.as_deref()?, v.as_deref()?))).collect(),
    };
    // In an order of their values: of an item listed twice, the same vector wins whatever the
    // table's order.
    embedded.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.iter().map(|f| f.to_bits()).cmp(b.1.iter().map(|f| f.to_bits()))));
    if let Some(&(_, first)) = embedded.first() {
        if let Some((id, v)) = embedded.iter().find(|(_, v)| v.len() != first.len()) {
            return Err(Error::data(format!("item_embeddings: item \"{}\" has {} dimensions, not {}", crate::error::excerpt(id), v.len(), first.len())));
        }
    }
    let item_names: Vec<&str> = keep.iter().map(|k| k.1).chain(embedded.iter().map(|e| e.0)).collect();
    let items = index_ids(&item_names);
    let (n_users, n_items) = (users.ids.len(), items.ids.len());
    if n_users < 2 || n_items < 2 {
        return Err(Error::data(format!("a recommender needs at least 2 users and 2 items with positive weights, the table has {n_users} and {n_items}")));
    }
    let triplet = |j: usize| (users.of_row[j], items.of_row[j], keep[j].2);
    let item_vectors: std::collections::BTreeMap<u32, &[f32]> = embedded.iter().enumerate().map(|(j, e)| (items.of_row[keep.len() + j], e.1)).collect();
    let all = Csr::from_triplets(n_users, n_items, (0..keep.len()).map(triplet).collect());

    // The hold-out: the marked pairs, or a seeded per-user split.
    let seed = o.seed.unwrap_or(42);
    let (train_m, test) = if input.test.is_some() {
        let marked = Csr::from_triplets(n_users, n_items, (0..keep.len()).filter(|&j| keep[j].3).map(triplet).collect());
        let test: Vec<Vec<u32>> = (0..n_users).map(|u| marked.row(u).0.to_vec()).collect();
        (all.filter(|u, i| test[u].binary_search(&i).is_err()), test)
    } else {
        split_per_user(&all, fraction, seed)
    };
    let has_test = test.iter().any(|t| !t.is_empty());

    let tune = o.factors.is_none() && o.regularization.is_none() && o.alpha.is_none();
    let candidates: Vec<Params> = if tune { CANDIDATES.iter().map(|&c| params_of(o, c)).collect::<Result<_>>()? } else { vec![params_of(o, CANDIDATES[0])?] };
    // Factors of users and items, twice over (the fit and the model built from it).
    let widest = candidates.iter().map(|p| p.factors).max().unwrap_or(1);
    let need = (n_users + n_items).saturating_mul(widest).saturating_mul(8);
    if let Some(limit) = o.max_bytes.filter(|&l| need > l) {
        return Err(Error::new(
            SqlState::ProgramLimitExceeded,
            format!("{n_users} users and {n_items} items at {widest} factors take {} MB, more than shopml.max_training_memory ({} MB)", need >> 20, limit >> 20),
        )
        .with_hint("use fewer factors, or ask a superuser to raise shopml.max_training_memory"));
    }
    let iterations = candidates[0].iterations;
    let refit = o.refit.unwrap_or(true) && has_test;
    let fits = if tune { candidates.len() * VALIDATION_FOLDS } else { 0 } + 1 + refit as usize;
    let total = fits * iterations;
    let mut done = 0;
    let mut fit = |m: &Csr, p: &Params| -> Result<Model> {
        let mt = m.transpose();
        let mut halves = 0;
        let f = als::fit(m, &mt, p, pool, &mut || {
            halves += 1;
            if halves % 2 == 0 {
                done += 1;
            }
            on_progress(done, total)
        })?;
        let header = Header { params: p.clone(), users: n_users, items: n_items, seen: m.nnz(), integer_users: users.integer, integer_items: items.integer };
        let mut item_factors = f.items;
        if !item_vectors.is_empty() {
            let (warm, cold): (Vec<u32>, Vec<u32>) = item_vectors.keys().copied().partition(|&i| mt.row(i as usize).0.len() > 0);
            cold::place(&mut item_factors, p.factors, &warm, &cold, &|i| item_vectors[&i])?;
        }
        // Items without interactions or embedding rank last, not by leftover starting values.
        for i in (0..n_items).filter(|&i| mt.row(i).0.is_empty() && !item_vectors.contains_key(&(i as u32))) {
            item_factors[i * p.factors..(i + 1) * p.factors].fill(0.0);
        }
        Ok(Model::new(header, users.ids.clone(), items.ids.clone(), f.users, item_factors, m.clone()))
    };

    // Tuning: each candidate fitted on the training part minus a validation split of it, on
    // VALIDATION_FOLDS splits, by mean ndcg@10.
    let mut validation = Vec::new();
    let params = if tune {
        let folds: Vec<(Csr, Vec<Vec<u32>>)> = (1..=VALIDATION_FOLDS as u64).map(|f| split_per_user(&train_m, 0.2, seed.wrapping_add(f))).collect();
        let mut best = (candidates[0].clone(), f64::NEG_INFINITY);
        for p in &candidates {
            let mut ndcg = 0.0;
            for (fit_m, val) in &folds {
                let m = fit(fit_m, p)?;
                ndcg += evaluate(val, K, |u| ranked(&m, u)).ndcg / folds.len() as f64;
            }
            validation.push((p.clone(), ndcg));
            if ndcg > best.1 {
                best = (p.clone(), ndcg);
            }
        }
        best.0
    } else {
        candidates[0].clone()
    };
    let trained = fit(&train_m, &params)?;
    let (test_ranking, popular) = if has_test {
        let pop = |u: usize| trained.popular_unseen(u as u32, K).into_iter().map(|(i, _)| i).collect();
        (evaluate(&test, K, |u| ranked(&trained, u)), evaluate(&test, K, pop))
    } else {
        (Ranking::default(), Ranking::default())
    };
    let versus_deployed = input.deployed.and_then(|d| eval::versus_deployed(&trained, d, &test, K));
    let model = if refit { fit(&all, &params)? } else { trained };
    Ok(Trained { model, users: n_users, items: n_items, interactions: all.nnz(), rows, test: test_ranking, popular, validation, params, refit, versus_deployed })
}

/// The top K items the model gives user `u` (index), leaving out the user's training items.
fn ranked(m: &Model, u: usize) -> Vec<u32> {
    m.recommend(Some(u as u32), K, true).into_iter().map(|(i, _)| i).collect()
}
