//! One engine for models of a table's columns: classification (two or more classes) and
//! regression on every other column, with gradient-boosted trees and linear models on the same
//! encoded features, the better picked on a validation split, metrics on held-out rows beside a
//! trivial baseline, and per-feature explanations. train_model is its SQL face; the churn
//! models are a preset of it (src/core/churn). Pure Rust: the SQL glue (src/api/tabular.rs)
//! reads the table and stores the model.

pub mod flat;
pub mod features;
pub mod gbdt;
pub mod linear;
pub mod model;
pub mod target;

use crate::core::metrics;
use crate::core::rng::SplitMix;
use crate::core::table::{Column, Table};
use crate::error::{excerpt, Error, Result};
use features::{raw_at, Encoding, Spec};
pub use model::{Algorithm, Model};
use serde::{Deserialize, Serialize};
pub use target::Target;

/// What a caller may choose (train_model's options jsonb).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Columns that are not features (ids).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The feature columns; all but the target (and excluded, and test_column) when absent.
    pub features: Option<Vec<String>>,
    /// "classification" or "regression"; decided from the target column when absent.
    pub task: Option<String>,
    /// "auto" (default: gradient boosting, a linear model and their blend, the best on a
    /// validation split), "gbdt", "linear" (logistic or ridge regression; "logistic" and
    /// "ridge" name them too) or "blend" (the mean of both models' raw outputs).
    pub algorithm: Option<String>,
    /// Share of rows held out for the test metrics (default 0.2).
    pub test_fraction: Option<f64>,
    /// A boolean column marking the test rows, instead of a random split (for comparisons
    /// with other tools on the very same rows).
    pub test_column: Option<String>,
    pub seed: Option<u64>,
    /// perpetual's budget (default 1.0).
    pub budget: Option<f32>,
    /// At most this many trees per head (default: perpetual's own stopping rule).
    pub max_trees: Option<usize>,
    /// Logistic regression's inverse regularisation C (default 1).
    pub c: Option<f64>,
    /// Ridge regression's alpha (default 1).
    pub alpha: Option<f64>,
    /// "balanced": each class weighs n / (classes × its rows), for imbalanced targets.
    pub class_weight: Option<String>,
    /// Most one-hot levels per text column (default 100; the rest share an "other" slot).
    pub max_levels: Option<usize>,
    /// Threads for gradient boosting (default 1).
    pub threads: Option<usize>,
    /// "always" (default), "if_better" (only when it scores at least as well as the deployed
    /// version on this training's test rows) or "never". Read by the SQL glue.
    pub deploy: Option<String>,
    /// Most bytes training may use beyond what the caller holds (shopml.max_training_memory,
    /// set by the SQL glue, not an option).
    #[serde(skip)]
    pub max_bytes: Option<usize>,
    /// The churn preset: times as days only and perpetual's arena sized as its models were
    /// (set by src/core/churn, not an option).
    #[serde(skip)]
    pub churn_preset: bool,
}

/// The keys of [`Options`], for the message that refuses another.
pub const OPTION_KEYS: &str =
    "exclude, features, task, algorithm, test_fraction, test_column, seed, budget, max_trees, c, alpha, class_weight, max_levels, threads, deploy";

/// perpetual's histogram arena (GB); without a limit it is sized from the machine's free memory
/// (the forecaster measured 20x slower trees that way, and the same model).
const MEMORY_LIMIT_GB: f32 = 0.25;

impl Options {
    /// Checks the values serde cannot (ranges, names).
    pub fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::invalid_parameter(m));
        if let Some(a) = &self.algorithm {
            if !["auto", "gbdt", "linear", "logistic", "ridge", "blend"].contains(&a.as_str()) {
                return Err(Error::invalid_parameter(format!("unknown algorithm \"{}\"", excerpt(a))).with_hint("use auto, gbdt, linear or blend"));
            }
        }
        if let Some(f) = self.test_fraction {
            if !(f > 0.0 && f < 0.9) {
                return bad(format!("test_fraction must be above 0 and below 0.9, not {f}"));
            }
        }
        if let Some(b) = self.budget {
            if !(b > 0.0 && b <= 4.0) {
                return bad(format!("budget must be above 0 and at most 4, not {b}"));
            }
        }
        if let Some(t) = self.threads {
            if !(1..=64).contains(&t) {
                return bad(format!("threads must be 1 to 64, not {t}"));
            }
        }
        if let Some(t) = self.max_trees {
            if !(1..=10_000).contains(&t) {
                return bad(format!("max_trees must be 1 to 10000, not {t}"));
            }
        }
        if let Some(l) = self.max_levels {
            if !(1..=1000).contains(&l) {
                return bad(format!("max_levels must be 1 to 1000, not {l}"));
            }
        }
        for (name, v) in [("c", self.c), ("alpha", self.alpha)] {
            if let Some(v) = v {
                if !(v > 0.0 && v.is_finite()) {
                    return bad(format!("{name} must be above 0, not {v}"));
                }
            }
        }
        if let Some(w) = &self.class_weight {
            if w != "balanced" {
                return Err(Error::invalid_parameter(format!("unknown class_weight \"{}\"", excerpt(w))).with_hint("use balanced, or leave it out"));
            }
        }
        crate::core::catalog::Deploy::parse(self.deploy.as_deref())?;
        Ok(())
    }
}

/// Test metrics: the one that picks and deploys (AUC, higher is better, or RMSE, lower), and
/// every metric of the model and of the trivial baseline (majority class / training mean).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Scores {
    pub metric: String,
    pub score: f64,
    pub baseline: f64,
    pub all: Vec<(String, f64)>,
    pub baseline_all: Vec<(String, f64)>,
}

pub struct Trained {
    pub model: Model,
    pub rows_train: usize,
    pub rows_test: usize,
    pub test: Scores,
    /// Validation score of each candidate when algorithm = auto.
    pub validation: Vec<(String, f64)>,
    /// The test rows and every row's target, to score another model on the same rows.
    pub test_rows: Vec<usize>,
    pub y: Vec<Option<f64>>,
}

/// Higher is better: AUC, or minus the RMSE.
pub fn better(target: &Target, score: f64) -> f64 {
    match target {
        Target::Classes(_) => score,
        Target::Regression => -score,
    }
}

/// Is `score` clearly better than `other`: by 5% of the RMSE, or 0.005 of AUC?
fn clearly_better(target: &Target, score: f64, other: f64) -> bool {
    match target {
        Target::Regression => score < 0.95 * other,
        Target::Classes(_) => score > other + 0.005,
    }
}

/// A split of `rows`: per class (all rows are one class for a regression), round(n × fraction)
/// rows go to the second part, chosen by a seeded shuffle of the rows in the order given.
/// Returns (first, second), each in the order of `rank` (a row's place in the canonical order).
pub fn stratified_split(rows: &[usize], class: &dyn Fn(usize) -> usize, classes: usize, fraction: f64, seed: u64, rank: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut rng = SplitMix(seed);
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for c in 0..classes.max(1) {
        let mut members: Vec<usize> = rows.iter().copied().filter(|&r| class(r) == c).collect();
        rng.shuffle(&mut members);
        let k = (members.len() as f64 * fraction).round() as usize;
        second.extend_from_slice(&members[..k]);
        first.extend_from_slice(&members[k..]);
    }
    first.sort_unstable_by_key(|&r| rank[r]);
    second.sort_unstable_by_key(|&r| rank[r]);
    (first, second)
}

/// Encoded rows (row-major) of `rows`.
pub fn encode(spec: &Spec, cols: &[&Column], rows: &[usize], encoding: Encoding) -> Result<Vec<f64>> {
    let mut x = Vec::with_capacity(rows.len() * spec.width(encoding));
    let mut raw = Vec::with_capacity(cols.len());
    for &r in rows {
        raw.clear();
        raw.extend(cols.iter().map(|c| raw_at(c, r)));
        spec.encode(&raw, encoding, &mut x)?;
    }
    Ok(x)
}

/// The feature columns of `table` for options `o` and target `target`.
pub fn feature_columns<'t>(table: &'t Table, target: &str, o: &Options) -> Result<Vec<&'t Column>> {
    let skip = |name: &str| name == target || o.exclude.iter().any(|e| e == name) || o.test_column.as_deref() == Some(name);
    let cols: Vec<&Column> = match &o.features {
        Some(names) => names
            .iter()
            .map(|n| table.column(n).ok_or_else(|| Error::invalid_parameter(format!("feature column \"{}\" does not exist", excerpt(n)))))
            .collect::<Result<_>>()?,
        None => table.columns.iter().filter(|c| !skip(&c.name)).collect(),
    };
    if cols.is_empty() {
        return Err(Error::invalid_parameter("no feature columns: every column is the target or excluded"));
    }
    if let Some(c) = cols.iter().find(|c| c.name == target) {
        return Err(Error::invalid_parameter(format!("the target \"{}\" cannot be a feature too", c.name)));
    }
    Ok(cols)
}

struct Fitter<'a> {
    o: &'a Options,
    target: &'a Target,
    spec: &'a Spec,
    /// Per row: the target (class index or value).
    y: &'a [f64],
    weights: Option<&'a [f64]>,
}

impl Fitter<'_> {
    fn heads(&self) -> usize {
        match self.target {
            Target::Classes(c) if c.len() > 2 => c.len(),
            _ => 1,
        }
    }

    /// The 0/1 target of head `h` for rows.
    fn head_target(&self, h: usize, rows: &[usize]) -> Vec<f64> {
        let class = if self.heads() == 1 { 1.0 } else { h as f64 };
        rows.iter().map(|&r| if self.y[r] == class { 1.0 } else { 0.0 }).collect()
    }

    fn fit(&self, name: &str, x: &[f64], rows: &[usize], tick: &mut dyn FnMut()) -> Result<Vec<Algorithm>> {
        let width = self.spec.width(Encoding::OneHot);
        let weights: Option<Vec<f64>> = self.weights.map(|w| rows.iter().map(|&r| w[r]).collect());
        let o = self.o;
        match (name, self.target) {
            ("linear", Target::Regression) => {
                let y: Vec<f64> = rows.iter().map(|&r| self.y[r]).collect();
                Ok(vec![Algorithm::Ridge(linear::Linear::fit_ridge(x, width, &y, weights.as_deref(), o.alpha.unwrap_or(1.0), tick)?)])
            }
            ("linear", Target::Classes(_)) => (0..self.heads())
                .map(|h| {
                    let y: Vec<bool> = self.head_target(h, rows).iter().map(|&t| t == 1.0).collect();
                    let params = linear::Params { c: o.c.unwrap_or(1.0), ..Default::default() };
                    Ok(Algorithm::Logistic(linear::Linear::fit(x, width, &y, weights.as_deref(), params, tick)?))
                })
                .collect(),
            _ => {
                let params = gbdt::Params {
                    budget: o.budget.unwrap_or(gbdt::Params::default().budget),
                    seed: o.seed.unwrap_or(42),
                    threads: o.threads.unwrap_or(1),
                    max_trees: o.max_trees,
                    memory_gb: (!o.churn_preset).then_some(MEMORY_LIMIT_GB),
                };
                let (loss, targets): (gbdt::Loss, Vec<Vec<f64>>) = match self.target {
                    Target::Regression => (gbdt::Loss::SquaredError, vec![rows.iter().map(|&r| self.y[r]).collect()]),
                    Target::Classes(_) => (gbdt::Loss::LogLoss, (0..self.heads()).map(|h| self.head_target(h, rows)).collect()),
                };
                let fit_all = || -> Result<Vec<perpetual::PerpetualBooster>> {
                    let data = gbdt::columns(x, width);
                    targets.iter().map(|t| gbdt::fit_columns(&data, rows.len(), width, t, weights.as_deref(), loss, &[], params)).collect()
                };
                let boosters = crate::core::isolate::run(o.max_bytes.unwrap_or(usize::MAX / 4), params.threads, fit_all, tick)?;
                Ok(boosters.into_iter().map(|b| Algorithm::Gbdt(gbdt::Trees::new(b))).collect())
            }
        }
    }
}

/// The scores of `model` on rows `x` with targets `y` (class indices or values), and of the
/// baseline that predicts `prior` (class shares or the mean) for every row.
pub fn scores(model: &Model, x: &[f64], y: &[f64], prior: &[f64]) -> Scores {
    match &model.kind {
        Target::Regression => {
            let m = metrics::regression(y, &model.predict(x));
            let b = metrics::regression(y, &vec![prior[0]; y.len()]);
            let list = |m: &metrics::Regression| vec![("rmse".into(), m.rmse), ("mae".into(), m.mae), ("r2".into(), m.r2), ("mape".into(), m.mape)];
            Scores { metric: "rmse".into(), score: m.rmse, baseline: b.rmse, all: list(&m), baseline_all: list(&b) }
        }
        Target::Classes(classes) => {
            let k = classes.len();
            let labels: Vec<usize> = y.iter().map(|&c| c as usize).collect();
            let p = model.probabilities(x);
            let m = metrics::classes(&labels, &p, k);
            let b = metrics::classes(&labels, &prior.repeat(y.len()), k);
            let list = |m: &metrics::Classes| {
                vec![("auc".into(), m.auc), ("accuracy".into(), m.accuracy), ("macro_f1".into(), m.macro_f1), ("log_loss".into(), m.log_loss)]
            };
            let mut all = list(&m);
            if k == 2 {
                // Two classes: as scikit-learn's binary metrics (and the churn models) have them,
                // on class 1's probability with a 0.5 threshold.
                let truth: Vec<bool> = labels.iter().map(|&c| c == 1).collect();
                let b = metrics::binary(&truth, &p.chunks(2).map(|r| r[1]).collect::<Vec<_>>());
                all = vec![
                    ("auc".into(), b.auc),
                    ("accuracy".into(), b.accuracy),
                    ("macro_f1".into(), m.macro_f1),
                    ("log_loss".into(), b.log_loss),
                    ("precision".into(), b.precision),
                    ("recall".into(), b.recall),
                    ("f1".into(), b.f1),
                ];
            }
            let score = all[0].1;
            Scores { metric: "auc".into(), score, baseline: b.auc, all, baseline_all: list(&b) }
        }
    }
}

/// Trains a model of `table` predicting its column `target_name`. `target` and `y` are the
/// target read (target::read, or a preset's own rules). `progress(step, steps)` is called
/// between steps and often inside long ones (the caller checks for cancellation there).
pub fn train_with(
    table: &Table,
    target_name: &str,
    target: Target,
    y: Vec<Option<f64>>,
    o: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Trained> {
    o.check()?;
    let algorithm = match o.algorithm.as_deref().unwrap_or("auto") {
        "logistic" | "ridge" => "linear",
        a => a,
    };
    let fraction = o.test_fraction.unwrap_or(0.2);
    let test_col = match &o.test_column {
        None => None,
        Some(t) => Some(match table.column(t).map(|c| &c.values) {
            Some(crate::core::table::Values::Bool(v)) => v,
            Some(_) => return Err(Error::invalid_parameter(format!("test_column \"{}\" must be boolean", excerpt(t)))),
            None => return Err(Error::invalid_parameter(format!("test_column \"{}\" does not exist", excerpt(t)))),
        }),
    };
    let cols = feature_columns(table, target_name, o)?;
    // Rows in an order of their values alone (canonical_order): the same table in another
    // physical order gives the same split and the same model.
    let mut hashed = cols.clone();
    hashed.extend(table.column(target_name));
    hashed.extend(o.test_column.as_deref().and_then(|t| table.column(t)));
    let order = crate::core::table::canonical_order(&hashed, table.rows);
    let mut rank = vec![0usize; table.rows];
    order.iter().enumerate().for_each(|(i, &r)| rank[r] = i);
    let rows: Vec<usize> = order.iter().copied().filter(|&r| y[r].is_some()).collect();
    let yv: Vec<f64> = y.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let k = target.classes().len();
    let class_of = |r: usize| if k > 0 { yv[r] as usize } else { 0 };
    let seed = o.seed.unwrap_or(42);
    let (train_rows, test_rows) = match test_col {
        Some(t) => rows.iter().partition::<Vec<usize>, _>(|&&r| t[r] != Some(true)),
        None => stratified_split(&rows, &class_of, k, fraction, seed, &rank),
    };
    if train_rows.is_empty() || test_rows.is_empty() {
        return Err(Error::data("the split left no training or no test rows"));
    }
    // What the encoded rows take (the linear fits hold about three copies).
    let spec = Spec::fit_with(&cols, &train_rows, !o.churn_preset, o.max_levels.unwrap_or(features::MAX_LEVELS))?;
    let width = spec.width(Encoding::OneHot);
    let bytes = rows.len().saturating_mul(width).saturating_mul(8);
    let max_bytes = o.max_bytes.unwrap_or(usize::MAX / 4);
    if bytes > max_bytes {
        return Err(Error::new(
            crate::error::SqlState::ProgramLimitExceeded,
            format!("{} rows of {width} encoded values take {} MB, more than shopml.max_training_memory ({} MB)", rows.len(), bytes >> 20, max_bytes >> 20),
        )
        .with_hint("train on a sample (a view with TABLESAMPLE), lower max_levels, or exclude wide text columns"));
    }
    let linear_fits = bytes.saturating_mul(3) <= max_bytes;
    if (algorithm == "linear" || algorithm == "blend") && !linear_fits {
        return Err(Error::new(crate::error::SqlState::ProgramLimitExceeded, "a linear model of these rows would take more than shopml.max_training_memory")
            .with_hint("use algorithm gbdt"));
    }
    // Class weights from the training rows.
    let weights: Option<Vec<f64>> = (o.class_weight.is_some() && k > 0).then(|| {
        let mut count = vec![0usize; k];
        train_rows.iter().for_each(|&r| count[class_of(r)] += 1);
        let n = train_rows.len() as f64;
        (0..table.rows).map(|r| if y[r].is_some() { n / (k as f64 * count[class_of(r)].max(1) as f64) } else { 0.0 }).collect()
    });
    let fitter = Fitter { o, target: &target, spec: &spec, y: &yv, weights: weights.as_deref() };
    // The blend is the mean of the two models' raw outputs: different families err differently
    // (ames: ridge 0.1197, trees 0.1174, their mean 0.1093 RMSE; wa_churn AUC 0.8441 against
    // logistic's 0.8416).
    let candidates: Vec<&str> = match algorithm {
        "auto" if !linear_fits => vec!["gbdt"],
        "auto" => vec!["linear", "gbdt", "blend"],
        a => vec![a],
    };
    let fits = |c: &[&str]| c.iter().map(|&n| if n == "blend" { 2 } else { 1 }).sum::<usize>();
    let steps = if candidates.len() > 1 { 4 + fits(&candidates) } else { 1 + fits(&candidates) };
    let mut step = 0;
    progress(step, steps);
    let mut validation = Vec::new();
    let model_of = |heads: Vec<Algorithm>, blend: Vec<Algorithm>| Model { spec: spec.clone(), target: target_name.into(), kind: target.clone(), heads, blend };
    let chosen = if candidates.len() > 1 {
        let (fit_rows, val_rows) = stratified_split(&train_rows, &class_of, k, 0.2, seed.wrapping_add(1), &rank);
        let (xf, xv) = (encode(&spec, &cols, &fit_rows, Encoding::OneHot)?, encode(&spec, &cols, &val_rows, Encoding::OneHot)?);
        let yval: Vec<f64> = val_rows.iter().map(|&r| yv[r]).collect();
        let baseline = prior(&target, &fit_rows, &yv);
        let mut best = (candidates[0], f64::NEG_INFINITY);
        let mut fitted: Vec<Vec<Algorithm>> = Vec::new();
        for name in candidates {
            let m = if name == "blend" {
                model_of(fitted[1].clone(), fitted[0].clone())
            } else {
                let heads = fitter.fit(name, &xf, &fit_rows, &mut || progress(step, steps))?;
                fitted.push(heads.clone());
                step += 1;
                progress(step, steps);
                model_of(heads, Vec::new())
            };
            let s = scores(&m, &xv, &yval, &baseline).score;
            validation.push((m.algorithm_name().to_string(), s));
            if name == "blend" {
                // One validation split is noisy, and a blend rarely loses by much: it stays
                // unless a single model beats it clearly (ames: the trees won validation by 1.7%
                // and lost the test by 7%).
                if !clearly_better(&target, best.1, s) {
                    best = (name, s);
                }
            } else if better(&target, s) > better(&target, best.1) || best.1 == f64::NEG_INFINITY {
                best = (name, s);
            }
        }
        best.0
    } else {
        candidates[0]
    };
    let x_train = encode(&spec, &cols, &train_rows, Encoding::OneHot)?;
    let (heads, blend) = if chosen == "blend" {
        let trees = fitter.fit("gbdt", &x_train, &train_rows, &mut || progress(step, steps))?;
        step += 1;
        (trees, fitter.fit("linear", &x_train, &train_rows, &mut || progress(step, steps))?)
    } else {
        (fitter.fit(chosen, &x_train, &train_rows, &mut || progress(step, steps))?, Vec::new())
    };
    drop(x_train);
    step += 1;
    progress(step, steps);
    let model = Model { spec, target: target_name.into(), kind: target.clone(), heads, blend };
    let x_test = encode(&model.spec, &cols, &test_rows, Encoding::OneHot)?;
    let ytest: Vec<f64> = test_rows.iter().map(|&r| yv[r]).collect();
    let test = scores(&model, &x_test, &ytest, &prior(&target, &train_rows, &yv));
    progress(steps, steps);
    Ok(Trained { model, rows_train: train_rows.len(), rows_test: test_rows.len(), test, validation, test_rows, y })
}

/// Trains a model of `table` predicting `target_name` (train_model).
pub fn train(table: &Table, target_name: &str, o: &Options, progress: &mut dyn FnMut(usize, usize)) -> Result<Trained> {
    let column = table.column(target_name).ok_or_else(|| Error::invalid_parameter(format!("target column \"{}\" does not exist", excerpt(target_name))))?;
    let (target, y) = target::read(column, o.task.as_deref())?;
    train_with(table, target_name, target, y, o, progress)
}

/// The baseline's prediction from the training rows: class shares, or the mean.
fn prior(target: &Target, rows: &[usize], y: &[f64]) -> Vec<f64> {
    match target {
        Target::Regression => {
            vec![rows.iter().map(|&r| y[r]).sum::<f64>() / rows.len().max(1) as f64]
        }
        Target::Classes(c) => {
            let mut share = vec![0.0; c.len()];
            rows.iter().for_each(|&r| share[y[r] as usize] += 1.0 / rows.len().max(1) as f64);
            share
        }
    }
}

/// The score of `model` (another version) on the rows `trained` was tested on, when it predicts
/// the same target the same way; None when it cannot be compared (other classes or task). The
/// model's feature columns missing from `table` count as NULL.
pub fn score_on_test_rows(model: &Model, trained: &Trained, table: &Table) -> Result<Option<f64>> {
    if model.kind != trained.model.kind || model.target != trained.model.target {
        return Ok(None);
    }
    let null = Column { name: String::new(), sql_type: String::new(), values: crate::core::table::Values::Bool(vec![None; table.rows]) };
    let cols: Vec<&Column> = model.spec.features.iter().map(|f| table.column(&f.name).unwrap_or(&null)).collect();
    let x = encode(&model.spec, &cols, &trained.test_rows, model.encoding())?;
    let y: Vec<f64> = trained.test_rows.iter().map(|&r| trained.y[r].unwrap_or(f64::NAN)).collect();
    let prior = vec![0.0; model.classes().len().max(1)];
    Ok(Some(scores(model, &x, &y, &prior).score))
}

#[cfg(test)]
mod tests;
