//! Model metrics, as scikit-learn computes them. Binary: ROC AUC (ties get half credit), log loss
//! (probabilities clipped to [1e-15, 1 - 1e-15]), and accuracy, precision, recall, F1 at a 0.5
//! threshold. Any number of classes: macro one-vs-rest AUC, accuracy and macro F1 of the most
//! probable class, log loss. Regression: RMSE, MAE, R², MAPE (over non-zero targets).

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Binary {
    pub auc: f64,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub log_loss: f64,
}

/// Area under the ROC curve of scores `p` for labels `y`; NaN when a class is absent.
pub fn auc(y: &[bool], p: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..p.len()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    // Mann-Whitney U with average ranks for ties.
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && p[idx[j + 1]] == p[idx[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += (i..=j).filter(|&k| y[idx[k]]).count() as f64 * avg_rank;
        i = j + 1;
    }
    let pos = y.iter().filter(|&&t| t).count() as f64;
    let neg = y.len() as f64 - pos;
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

pub fn log_loss(y: &[bool], p: &[f64]) -> f64 {
    let eps = 1e-15;
    let total: f64 = y
        .iter()
        .zip(p)
        .map(|(&t, &q)| {
            let q = q.clamp(eps, 1.0 - eps);
            if t {
                -q.ln()
            } else {
                -(1.0 - q).ln()
            }
        })
        .sum();
    total / y.len().max(1) as f64
}

pub fn binary(y: &[bool], p: &[f64]) -> Binary {
    let (mut tp, mut fp, mut tn, mut fneg) = (0.0, 0.0, 0.0, 0.0);
    for (&t, &q) in y.iter().zip(p) {
        match (t, q >= 0.5) {
            (true, true) => tp += 1.0,
            (false, true) => fp += 1.0,
            (false, false) => tn += 1.0,
            (true, false) => fneg += 1.0,
        }
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fneg);
    Binary {
        auc: auc(y, p),
        accuracy: ratio(tp + tn, tp + tn + fp + fneg),
        precision,
        recall,
        f1: ratio(2.0 * precision * recall, precision + recall),
        log_loss: log_loss(y, p),
    }
}

/// Classification metrics for any number of classes (`roc_auc_score(multi_class="ovr")`,
/// `f1_score(average="macro")`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Classes {
    pub auc: f64,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub log_loss: f64,
}

/// Metrics of `p` (rows × k probabilities, row-major) for classes `y` (0..k). A class absent
/// from `y` is left out of the AUC and F1 averages, as scikit-learn's labels found in y_true.
pub fn classes(y: &[usize], p: &[f64], k: usize) -> Classes {
    let n = y.len();
    let (mut aucs, mut f1s) = (Vec::new(), Vec::new());
    let predicted: Vec<usize> = (0..n).map(|i| (0..k).fold(0, |best, c| if p[i * k + c] > p[i * k + best] { c } else { best })).collect();
    for c in 0..k {
        let truth: Vec<bool> = y.iter().map(|&t| t == c).collect();
        if !truth.contains(&true) {
            continue;
        }
        let scores: Vec<f64> = (0..n).map(|i| p[i * k + c]).collect();
        let a = auc(&truth, &scores);
        if !a.is_nan() {
            aucs.push(a);
        }
        let tp = (0..n).filter(|&i| truth[i] && predicted[i] == c).count() as f64;
        let fp = (0..n).filter(|&i| !truth[i] && predicted[i] == c).count() as f64;
        let fneg = (0..n).filter(|&i| truth[i] && predicted[i] != c).count() as f64;
        f1s.push(if tp > 0.0 { 2.0 * tp / (2.0 * tp + fp + fneg) } else { 0.0 });
    }
    let mean = |v: &[f64]| {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let log_loss = (0..n).map(|i| -p[i * k + y[i]].clamp(1e-15, 1.0).ln()).sum::<f64>() / n.max(1) as f64;
    Classes { auc: mean(&aucs), accuracy: (0..n).filter(|&i| predicted[i] == y[i]).count() as f64 / n.max(1) as f64, macro_f1: mean(&f1s), log_loss }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Regression {
    pub rmse: f64,
    pub mae: f64,
    pub r2: f64,
    /// Mean absolute percentage error over the rows whose target is not 0 (a fraction).
    pub mape: f64,
}

pub fn regression(y: &[f64], p: &[f64]) -> Regression {
    let n = y.len().max(1) as f64;
    let mean = y.iter().sum::<f64>() / n;
    let sse: f64 = y.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum();
    let sst: f64 = y.iter().map(|a| (a - mean).powi(2)).sum();
    let nonzero: Vec<f64> = y.iter().zip(p).filter(|(a, _)| **a != 0.0).map(|(a, b)| ((a - b) / a).abs()).collect();
    Regression {
        rmse: (sse / n).sqrt(),
        mae: y.iter().zip(p).map(|(a, b)| (a - b).abs()).sum::<f64>() / n,
        r2: if sst > 0.0 { 1.0 - sse / sst } else { f64::NAN },
        mape: if nonzero.is_empty() { f64::NAN } else { nonzero.iter().sum::<f64>() / nonzero.len() as f64 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_matches_scikit_learn() {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        assert!((auc(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]) - 0.75).abs() < 1e-12);
        // ties get half credit: roc_auc_score([0, 1], [0.5, 0.5]) == 0.5
        assert_eq!(auc(&[false, true], &[0.5, 0.5]), 0.5);
        assert!(auc(&[true, true], &[0.1, 0.2]).is_nan());
    }

    #[test]
    fn threshold_metrics_and_log_loss() {
        let m = binary(&[true, false, true, false], &[0.9, 0.6, 0.4, 0.1]);
        assert_eq!((m.accuracy, m.precision, m.recall, m.f1), (0.5, 0.5, 0.5, 0.5));
        // sklearn.metrics.log_loss([1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1]) == 0.510825...
        assert!((m.log_loss - 0.510_825_6).abs() < 1e-6, "{}", m.log_loss);
    }

    #[test]
    fn classes_match_scikit_learn() {
        // y = [0, 1, 2, 2], p rows as below: sklearn roc_auc_score(multi_class="ovr") = 0.8888..,
        // accuracy 0.75, f1_score(average="macro") = 0.7777.., log_loss = 0.6187..
        let p = [0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.2, 0.2, 0.6, 0.1, 0.5, 0.4];
        let m = classes(&[0, 1, 2, 2], &p, 3);
        assert_eq!(m.accuracy, 0.75);
        assert!((m.macro_f1 - 7.0 / 9.0).abs() < 1e-12, "{m:?}");
        assert!((m.auc - 8.0 / 9.0).abs() < 1e-12, "{m:?}");
        let ll = -(0.7f64.ln() + 0.4f64.ln() + 0.6f64.ln() + 0.4f64.ln()) / 4.0;
        assert!((m.log_loss - ll).abs() < 1e-12);
    }

    #[test]
    fn regression_metrics() {
        let m = regression(&[1.0, 2.0, 0.0, 5.0], &[1.0, 3.0, 1.0, 4.0]);
        assert!((m.rmse - (3.0f64 / 4.0).sqrt()).abs() < 1e-12);
        assert_eq!(m.mae, 0.75);
        assert!((m.r2 - (1.0 - 3.0 / 14.0)).abs() < 1e-12, "{m:?}");
        assert!((m.mape - (0.0 + 0.5 + 0.2) / 3.0).abs() < 1e-12, "{m:?}");
    }
}
