//! Churn models trained on a shop's own table: label parsing, a deterministic stratified split,
//! logistic regression and gradient-boosted trees on the same encoded features, selection of the
//! better on a validation split, metrics on held-out rows, and per-feature explanations.
//! Pure Rust: the SQL glue (src/api/churn.rs) reads the table and stores the model.

pub mod features;
pub mod gbdt;
pub mod logistic;

use crate::core::metrics::{self, Binary};
use crate::core::rng::SplitMix;
use crate::core::table::{Column, Table, Values};
use crate::error::{Error, Result};
use features::{raw_at, Encoding, Raw, Spec};
use serde::{Deserialize, Serialize};

/// What a caller may choose (options jsonb).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Columns that are not features (ids).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The feature columns; all but the label (and excluded, and test_column) when absent.
    pub features: Option<Vec<String>>,
    /// "auto" (default: both, the better on validation), "gbdt" or "logistic".
    pub algorithm: Option<String>,
    /// Share of rows held out for the test metrics (default 0.2).
    pub test_fraction: Option<f64>,
    /// A boolean column marking the test rows, instead of a random split (for comparisons
    /// with other tools on the very same rows).
    pub test_column: Option<String>,
    pub seed: Option<u64>,
    /// perpetual's budget (default 1.0).
    pub budget: Option<f32>,
    /// Logistic regression's inverse regularisation C (default 1).
    pub c: Option<f64>,
    /// Threads for gradient boosting (default 1).
    pub threads: Option<usize>,
    /// Most bytes gradient boosting may use beyond what the caller holds (shopml.max_training_memory,
    /// set by the SQL glue, not an option).
    #[serde(skip)]
    pub max_bytes: Option<usize>,
}

#[derive(Clone, Serialize, Deserialize)]
pub enum Algorithm {
    Logistic(logistic::Logistic),
    Gbdt(perpetual::PerpetualBooster),
}

/// What is stored in the catalog's payload.
#[derive(Clone, Serialize, Deserialize)]
pub struct Model {
    pub spec: Spec,
    pub label: String,
    /// The label value that means churn, as the table wrote it.
    pub positive: String,
    pub algorithm: Algorithm,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Trained {
    pub model: Model,
    pub rows_train: usize,
    pub rows_test: usize,
    pub test: Binary,
    /// Validation AUC of each candidate when algorithm = auto.
    pub validation: Vec<(String, f64)>,
}

impl Model {
    pub fn algorithm_name(&self) -> &'static str {
        match self.algorithm {
            Algorithm::Logistic(_) => "logistic",
            Algorithm::Gbdt(_) => "gbdt",
        }
    }

    /// How this model's inputs are encoded.
    pub fn encoding(&self) -> Encoding {
        encoding_for(self.algorithm_name())
    }

    /// Appends the encoding of one row (one Raw per feature) for this model.
    pub fn encode(&self, row: &[Raw], out: &mut Vec<f64>) -> Result<()> {
        self.spec.encode(row, self.encoding(), out)
    }

    pub fn width(&self) -> usize {
        self.spec.width(self.encoding())
    }

    /// Log-odds of encoded rows (row-major).
    pub fn log_odds(&self, x: &[f64]) -> Vec<f64> {
        let width = self.width();
        match &self.algorithm {
            Algorithm::Logistic(m) => x.chunks(width.max(1)).map(|r| m.log_odds(r)).collect(),
            Algorithm::Gbdt(b) => gbdt::log_odds(b, x, width),
        }
    }

    pub fn probabilities(&self, x: &[f64]) -> Vec<f64> {
        self.log_odds(x).into_iter().map(|z| 1.0 / (1.0 + (-z).exp())).collect()
    }

    /// Per feature (summed over its one-hot slots), the contribution to the log-odds of one
    /// encoded row, and the base value: base + Σ contributions = log-odds. Exact for logistic
    /// regression, tree-SHAP for trees.
    pub fn explain(&self, row: &[f64]) -> (Vec<f64>, f64) {
        let (slots, base) = match &self.algorithm {
            Algorithm::Logistic(m) => (m.contributions(row), m.intercept),
            Algorithm::Gbdt(b) => {
                let mut c = gbdt::contributions(b, row);
                let base = c.pop().unwrap_or(0.0);
                (c, base)
            }
        };
        let mut per_feature = vec![0.0; self.spec.features.len()];
        for (slot, f) in self.spec.slot_features(self.encoding()).into_iter().enumerate() {
            per_feature[f] += slots.get(slot).copied().unwrap_or(0.0);
        }
        (per_feature, base)
    }
}

/// Both algorithms read one-hot text columns. perpetual's native categorical splits (category
/// codes, `Encoding::Codes`) were tried: with 3.0.0-rc.2 they gave inverted scores on wa_churn
/// (test AUC 0.29) and 20x slower training, so they stay off until that is understood.
fn encoding_for(_name: &str) -> Encoding {
    Encoding::OneHot
}

/// The label column as booleans: boolean, 0/1 numbers, or two text values one of which reads as
/// churn (yes, true, 1, churn, churned, y, t; any case). Returns the labels and the positive value.
pub fn labels(column: &Column) -> Result<(Vec<Option<bool>>, String)> {
    let name = &column.name;
    match &column.values {
        Values::Bool(v) => Ok((v.clone(), "true".into())),
        Values::Number(v) => {
            let mut bad: Vec<f64> = v.iter().flatten().copied().filter(|&x| x != 0.0 && x != 1.0).collect();
            bad.sort_by(f64::total_cmp);
            bad.dedup();
            bad.truncate(3);
            if !bad.is_empty() {
                return Err(Error::data(format!("label column \"{name}\" must hold 0 and 1, found {}", join(bad.iter().map(f64::to_string)))));
            }
            Ok((v.iter().map(|x| x.map(|x| x == 1.0)).collect(), "1".into()))
        }
        Values::Text(v) => {
            let mut distinct: Vec<&str> = v.iter().flatten().map(String::as_str).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let churn_words = ["yes", "true", "1", "churn", "churned", "y", "t"];
            let positive = distinct.iter().copied().filter(|d| churn_words.contains(&d.to_lowercase().as_str())).collect::<Vec<_>>();
            if distinct.len() != 2 || positive.len() != 1 {
                return Err(Error::data(format!(
                    "label column \"{name}\" must hold two values, one of them yes/true/1/churn; found {}",
                    join(distinct.iter().take(5).map(|s| format!("'{}'", crate::error::excerpt(s))))
                ))
                .with_hint("use a boolean label column (true = churned)"));
            }
            let p = positive[0].to_string();
            Ok((v.iter().map(|x| x.as_ref().map(|s| *s == p)).collect(), p))
        }
        _ => Err(Error::data(format!("label column \"{name}\" must be boolean, 0/1 or two text values"))),
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// A stratified split of `rows` by label: per class, round(n × fraction) rows go to the second
/// part, chosen by a seeded shuffle. Returns (first, second), each in row order.
pub fn stratified_split(rows: &[usize], y: &[bool], fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = SplitMix(seed);
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for class in [false, true] {
        let mut members: Vec<usize> = rows.iter().copied().filter(|&r| y[r] == class).collect();
        rng.shuffle(&mut members);
        let k = (members.len() as f64 * fraction).round() as usize;
        second.extend_from_slice(&members[..k]);
        first.extend_from_slice(&members[k..]);
    }
    first.sort_unstable();
    second.sort_unstable();
    (first, second)
}

fn fit_algorithm(name: &str, spec: &Spec, x: &[f64], y: &[bool], o: &Options, tick: &mut dyn FnMut()) -> Result<Algorithm> {
    let width = spec.width(encoding_for(name));
    match name {
        "logistic" => {
            let params = logistic::Params { c: o.c.unwrap_or(1.0), ..Default::default() };
            Ok(Algorithm::Logistic(logistic::Logistic::fit(x, width, y, params, tick)?))
        }
        _ => {
            let budget = o.budget.unwrap_or(gbdt::Params::default().budget);
            if !(budget > 0.0 && budget <= 4.0) {
                return Err(Error::invalid_parameter(format!("budget must be above 0 and at most 4, not {budget}")));
            }
            let threads = o.threads.unwrap_or(1);
            if !(1..=64).contains(&threads) {
                return Err(Error::invalid_parameter(format!("threads must be 1 to 64, not {threads}")));
            }
            let params = gbdt::Params { budget, seed: o.seed.unwrap_or(42), threads };
            let categories = if encoding_for(name) == Encoding::Codes { spec.category_slots() } else { Vec::new() };
            Ok(Algorithm::Gbdt(gbdt::fit_isolated(x, width, y, &categories, params, o.max_bytes.unwrap_or(usize::MAX / 4), tick)?))
        }
    }
}

/// Encoded rows (row-major) of `rows`.
fn encode(spec: &Spec, cols: &[&Column], rows: &[usize], encoding: Encoding) -> Result<Vec<f64>> {
    let mut x = Vec::with_capacity(rows.len() * spec.width(encoding));
    let mut raw = Vec::with_capacity(cols.len());
    for &r in rows {
        raw.clear();
        raw.extend(cols.iter().map(|c| raw_at(c, r)));
        spec.encode(&raw, encoding, &mut x)?;
    }
    Ok(x)
}

/// Trains a churn model on `table` predicting `label`. `progress(step, steps)` is called
/// between steps and often inside long ones (the caller checks for cancellation there).
pub fn train(table: &Table, label: &str, o: &Options, progress: &mut dyn FnMut(usize, usize)) -> Result<Trained> {
    let label_col = table.column(label).ok_or_else(|| Error::invalid_parameter(format!("label column \"{label}\" does not exist")))?;
    let (labels, positive) = labels(label_col)?;
    let algorithm = o.algorithm.clone().unwrap_or_else(|| "auto".into());
    if !["auto", "gbdt", "logistic"].contains(&algorithm.as_str()) {
        return Err(Error::invalid_parameter(format!("unknown algorithm \"{}\"", crate::error::excerpt(&algorithm)))
            .with_hint("use auto, gbdt or logistic"));
    }
    let fraction = o.test_fraction.unwrap_or(0.2);
    if !(fraction > 0.0 && fraction < 0.9) {
        return Err(Error::invalid_parameter(format!("test_fraction must be above 0 and below 0.9, not {fraction}")));
    }
    let test_col = match &o.test_column {
        None => None,
        Some(t) => Some(match table.column(t).map(|c| &c.values) {
            Some(Values::Bool(v)) => v,
            Some(_) => return Err(Error::invalid_parameter(format!("test_column \"{t}\" must be boolean"))),
            None => return Err(Error::invalid_parameter(format!("test_column \"{t}\" does not exist"))),
        }),
    };
    let skip = |name: &str| name == label || o.exclude.iter().any(|e| e == name) || o.test_column.as_deref() == Some(name);
    let cols: Vec<&Column> = match &o.features {
        Some(names) => names
            .iter()
            .map(|n| table.column(n).ok_or_else(|| Error::invalid_parameter(format!("feature column \"{n}\" does not exist"))))
            .collect::<Result<_>>()?,
        None => table.columns.iter().filter(|c| !skip(&c.name)).collect(),
    };
    if cols.is_empty() {
        return Err(Error::invalid_parameter("no feature columns: every column is the label or excluded"));
    }
    // Rows with a label; the split is stratified on it.
    let rows: Vec<usize> = (0..table.rows).filter(|&r| labels[r].is_some()).collect();
    let y: Vec<bool> = labels.iter().map(|l| l.unwrap_or(false)).collect();
    let positives = rows.iter().filter(|&&r| y[r]).count();
    if rows.is_empty() || positives == 0 || positives == rows.len() {
        return Err(Error::data(format!(
            "label column \"{label}\" needs both classes, found {} churned and {} not in {} labelled rows",
            positives,
            rows.len() - positives,
            rows.len()
        )));
    }
    let seed = o.seed.unwrap_or(42);
    let (train_rows, test_rows) = match test_col {
        Some(t) => rows.iter().partition::<Vec<usize>, _>(|&&r| t[r] != Some(true)),
        None => stratified_split(&rows, &y, fraction, seed),
    };
    if train_rows.is_empty() || test_rows.is_empty() {
        return Err(Error::data("the split left no training or no test rows"));
    }
    let steps = if algorithm == "auto" { 5 } else { 2 };
    let mut step = 0;
    progress(step, steps);
    let spec = Spec::fit(&cols, &train_rows)?;
    let y_of = |rs: &[usize]| rs.iter().map(|&r| y[r]).collect::<Vec<bool>>();
    let mut validation = Vec::new();
    let chosen = if algorithm == "auto" {
        let (fit_rows, val_rows) = stratified_split(&train_rows, &y, 0.2, seed.wrapping_add(1));
        let mut best = ("logistic".to_string(), f64::NEG_INFINITY);
        for name in ["logistic", "gbdt"] {
            let enc = encoding_for(name);
            let (xf, xv) = (encode(&spec, &cols, &fit_rows, enc)?, encode(&spec, &cols, &val_rows, enc)?);
            let algorithm = fit_algorithm(name, &spec, &xf, &y_of(&fit_rows), o, &mut || progress(step, steps))?;
            let m = Model { spec: spec.clone(), label: label.into(), positive: positive.clone(), algorithm };
            let auc = metrics::auc(&y_of(&val_rows), &m.probabilities(&xv));
            validation.push((name.to_string(), auc));
            if auc > best.1 {
                best = (name.to_string(), auc);
            }
            step += 1;
            progress(step, steps);
        }
        best.0
    } else {
        algorithm
    };
    let x_train = encode(&spec, &cols, &train_rows, encoding_for(&chosen))?;
    let fitted = fit_algorithm(&chosen, &spec, &x_train, &y_of(&train_rows), o, &mut || progress(step, steps))?;
    step += 1;
    progress(step, steps);
    let model = Model { spec, label: label.into(), positive, algorithm: fitted };
    let x_test = encode(&model.spec, &cols, &test_rows, model.encoding())?;
    let test = metrics::binary(&y_of(&test_rows), &model.probabilities(&x_test));
    progress(steps, steps);
    Ok(Trained { model, rows_train: train_rows.len(), rows_test: test_rows.len(), test, validation })
}

#[cfg(test)]
mod tests;
