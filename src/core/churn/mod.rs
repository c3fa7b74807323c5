//! Churn models: a preset of the tabular engine (src/core/tabular). The label must read as
//! churned or not (boolean, 0/1, or two texts one of which is a yes-word), times are days since
//! 1970 and perpetual sizes its arena as it did for the first churn models; the training (auto:
//! trees, logistic regression or their blend), encoding, metrics and explanations are the
//! engine's.

use crate::core::metrics::Binary;
use crate::core::table::{Column, Table, Values};
use crate::core::tabular::{self, Target};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

pub use crate::core::tabular::{features, Model};

/// What a caller may choose (options jsonb): the engine's options that churn models had.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Columns that are not features (ids).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The feature columns; all but the label (and excluded, and test_column) when absent.
    pub features: Option<Vec<String>>,
    /// "auto" (default: trees, logistic regression or their blend, the best on validation),
    /// "gbdt" or "logistic".
    pub algorithm: Option<String>,
    /// Share of rows held out for the test metrics (default 0.2).
    pub test_fraction: Option<f64>,
    /// A boolean column marking the test rows, instead of a random split.
    pub test_column: Option<String>,
    pub seed: Option<u64>,
    /// perpetual's budget (default 1.0).
    pub budget: Option<f32>,
    /// Logistic regression's inverse regularisation C (default 1).
    pub c: Option<f64>,
    /// Threads for gradient boosting (default 1).
    pub threads: Option<usize>,
    /// shopml.max_training_memory, set by the SQL glue.
    #[serde(skip)]
    pub max_bytes: Option<usize>,
}

pub struct Trained {
    pub model: Model,
    pub rows_train: usize,
    pub rows_test: usize,
    pub test: Binary,
    /// Validation AUC of each candidate when algorithm = auto.
    pub validation: Vec<(String, f64)>,
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

/// Trains a churn model on `table` predicting `label`. `progress(step, steps)` is called
/// between steps and often inside long ones (the caller checks for cancellation there).
pub fn train(table: &Table, label: &str, o: &Options, progress: &mut dyn FnMut(usize, usize)) -> Result<Trained> {
    let label_col = table.column(label).ok_or_else(|| Error::invalid_parameter(format!("label column \"{label}\" does not exist")))?;
    let (labels, positive) = labels(label_col)?;
    let algorithm = o.algorithm.clone().unwrap_or_else(|| "auto".into());
    if !["auto", "gbdt", "logistic"].contains(&algorithm.as_str()) {
        return Err(Error::invalid_parameter(format!("unknown algorithm \"{}\"", crate::error::excerpt(&algorithm))).with_hint("use auto, gbdt or logistic"));
    }
    let labelled = labels.iter().flatten().count();
    let positives = labels.iter().flatten().filter(|&&l| l).count();
    if labelled == 0 || positives == 0 || positives == labelled {
        return Err(Error::data(format!(
            "label column \"{label}\" needs both classes, found {positives} churned and {} not in {labelled} labelled rows",
            labelled - positives
        )));
    }
    let negative = match &label_col.values {
        Values::Text(v) => v.iter().flatten().find(|s| **s != positive).cloned().unwrap_or_default(),
        Values::Bool(_) => "false".into(),
        _ => "0".into(),
    };
    let options = tabular::Options {
        exclude: o.exclude.clone(),
        features: o.features.clone(),
        algorithm: Some(algorithm),
        test_fraction: o.test_fraction,
        test_column: o.test_column.clone(),
        seed: o.seed,
        budget: o.budget,
        c: o.c,
        threads: o.threads,
        max_bytes: o.max_bytes,
        churn_preset: true,
        ..Default::default()
    };
    let y = labels.iter().map(|l| l.map(|l| if l { 1.0 } else { 0.0 })).collect();
    let t = tabular::train_with(table, label, Target::Classes(vec![negative, positive]), y, &options, progress)?;
    let metric = |name: &str| t.test.all.iter().find(|(k, _)| k == name).map_or(f64::NAN, |m| m.1);
    let test = Binary {
        auc: metric("auc"),
        accuracy: metric("accuracy"),
        precision: metric("precision"),
        recall: metric("recall"),
        f1: metric("f1"),
        log_loss: metric("log_loss"),
    };
    Ok(Trained { model: t.model, rows_train: t.rows_train, rows_test: t.rows_test, test, validation: t.validation })
}

#[cfg(test)]
mod tests;
