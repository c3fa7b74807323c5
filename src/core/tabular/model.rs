//! A trained tabular model: its feature spec, what it predicts, and one fitted head per output
//! (one for a number or two classes, one per class when more: one-vs-rest). What the catalog's
//! payload holds, and how rows become predictions and explanations.

use super::features::{Encoding, Raw, Spec};
use super::gbdt;
use super::linear::Linear;
use super::target::Target;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
pub enum Algorithm {
    /// Logistic regression (a class head).
    Logistic(Linear),
    Gbdt(gbdt::Trees),
    /// Ridge regression (a number).
    Ridge(Linear),
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Model {
    pub spec: Spec,
    /// The target column's name.
    pub target: String,
    pub kind: Target,
    pub heads: Vec<Algorithm>,
    /// A second model's heads, averaged with these (raw outputs: values or log-odds): auto's
    /// blend of trees and a linear model, when it validates better than either. Empty otherwise,
    /// and in payloads from before it.
    #[serde(default)]
    pub blend: Vec<Algorithm>,
}

/// A churn model as shopml 0.3.0 stored it (one logistic or gbdt head for the class `positive`).
#[derive(Deserialize)]
struct ChurnPayload {
    spec: Spec,
    label: String,
    positive: String,
    algorithm: Algorithm,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Model {
    /// The model in a catalog payload (this version's, or a churn model stored by 0.3.0).
    pub fn from_payload(payload: &[u8]) -> std::result::Result<Model, String> {
        match serde_json::from_slice::<Model>(payload) {
            Ok(m) => Ok(m),
            Err(e) => match serde_json::from_slice::<ChurnPayload>(payload) {
                Ok(c) => Ok(Model {
                    spec: c.spec,
                    target: c.label,
                    kind: Target::Classes(vec![format!("not {}", c.positive), c.positive]),
                    heads: vec![c.algorithm],
                    blend: Vec::new(),
                }),
                Err(_) => Err(e.to_string()),
            },
        }
    }

    pub fn algorithm_name(&self) -> &'static str {
        let name = |a: Option<&Algorithm>| match a {
            Some(Algorithm::Logistic(_)) => "logistic",
            Some(Algorithm::Ridge(_)) => "ridge",
            _ => "gbdt",
        };
        match (name(self.heads.first()), self.blend.first().map(|b| name(Some(b)))) {
            (_, Some("ridge")) => "gbdt+ridge",
            (_, Some(_)) => "gbdt+logistic",
            (n, None) => n,
        }
    }

    /// Every algorithm reads one-hot text columns. perpetual's native categorical splits
    /// (category codes, `Encoding::Codes`) were tried: with 3.0.0-rc.2 they gave inverted scores
    /// on wa_churn (test AUC 0.29) and 20x slower training, so they stay off until understood.
    pub fn encoding(&self) -> Encoding {
        Encoding::OneHot
    }

    /// Appends the encoding of one row (one Raw per feature) for this model.
    pub fn encode(&self, row: &[Raw], out: &mut Vec<f64>) -> Result<()> {
        self.spec.encode(row, self.encoding(), out)
    }

    pub fn width(&self) -> usize {
        self.spec.width(self.encoding())
    }

    pub fn classes(&self) -> &[String] {
        self.kind.classes()
    }

    /// Each head's raw output (log-odds or value) for encoded rows x (row-major), head-major:
    /// out[h][i].
    pub fn raw(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let width = self.width().max(1);
        let one = |head: &Algorithm| match head {
            Algorithm::Logistic(m) | Algorithm::Ridge(m) => x.chunks(width).map(|r| m.log_odds(r)).collect(),
            Algorithm::Gbdt(t) => t.predict(x, width),
        };
        let mut out: Vec<Vec<f64>> = self.heads.iter().map(one).collect();
        for (o, b) in out.iter_mut().zip(&self.blend) {
            o.iter_mut().zip(one(b)).for_each(|(a, b)| *a = (*a + b) / 2.0);
        }
        out
    }

    /// Class probabilities (rows × classes, row-major). With two classes, from the one head;
    /// with more, each head's one-vs-rest probability normalised to sum to 1.
    pub fn probabilities(&self, x: &[f64]) -> Vec<f64> {
        let raw = self.raw(x);
        let rows = raw.first().map_or(0, Vec::len);
        let mut out = Vec::with_capacity(rows * self.classes().len().max(2));
        for i in 0..rows {
            if raw.len() == 1 {
                let p = sigmoid(raw[0][i]);
                out.extend([1.0 - p, p]);
            } else {
                let p: Vec<f64> = raw.iter().map(|h| sigmoid(h[i])).collect();
                let sum: f64 = p.iter().sum::<f64>().max(1e-300);
                out.extend(p.iter().map(|q| q / sum));
            }
        }
        out
    }

    /// The probability of class 1 of a two-class model (churn's probability), or the value of a
    /// regression, per row.
    pub fn predict(&self, x: &[f64]) -> Vec<f64> {
        let raw = self.raw(x);
        match self.kind {
            Target::Regression => raw.into_iter().next().unwrap_or_default(),
            Target::Classes(_) => raw.into_iter().next().unwrap_or_default().into_iter().map(sigmoid).collect(),
        }
    }

    /// For a classifier, each row's most probable class and its probability.
    pub fn predict_classes(&self, x: &[f64]) -> Vec<(usize, f64)> {
        let k = self.classes().len().max(2);
        self.probabilities(x)
            .chunks(k)
            .map(|p| p.iter().enumerate().fold((0, f64::NEG_INFINITY), |best, (c, &q)| if q > best.1 { (c, q) } else { best }))
            .collect()
    }

    /// The head explained for `class` (None: the only head): two-class models explain class 1.
    pub fn head_for(&self, class: Option<usize>) -> Result<usize> {
        match (class, self.heads.len()) {
            (None, _) | (Some(_), 1) => Ok(0),
            (Some(c), n) if c < n => Ok(c),
            (Some(c), _) => Err(Error::internal(format!("no head for class {c}"))),
        }
    }

    /// Per feature (summed over its slots), the contribution to head `head`'s raw output for
    /// one encoded row, and the base value: base + Σ contributions = the raw output (log-odds
    /// for a class, the value for a number). Exact for linear models, tree-SHAP for trees.
    pub fn explain(&self, row: &[f64], head: usize) -> (Vec<f64>, f64) {
        let one = |a: &Algorithm| match a {
            Algorithm::Logistic(m) | Algorithm::Ridge(m) => (m.contributions(row), m.intercept),
            Algorithm::Gbdt(b) => {
                let mut c = gbdt::contributions(&b.booster, row);
                let base = c.pop().unwrap_or(0.0);
                (c, base)
            }
        };
        let (mut slots, mut base) = one(&self.heads[head]);
        // A blend's explanation is the mean of its members' (each sums to its own output).
        if let Some(b) = self.blend.get(head) {
            let (other, other_base) = one(b);
            slots.iter_mut().zip(other).for_each(|(a, b)| *a = (*a + b) / 2.0);
            base = (base + other_base) / 2.0;
        }
        let mut per_feature = vec![0.0; self.spec.features.len()];
        for (slot, f) in self.spec.slot_features(self.encoding()).into_iter().enumerate() {
            per_feature[f] += slots.get(slot).copied().unwrap_or(0.0);
        }
        (per_feature, base)
    }
}
