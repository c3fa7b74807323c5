//! Binary classification metrics, as scikit-learn computes them: ROC AUC (ties get half credit),
//! log loss (probabilities clipped to [1e-15, 1 - 1e-15]), and accuracy, precision, recall, F1
//! at a 0.5 threshold.

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
}
