//! Customer segments: k-means on standardised features (z-scores; missing values take the
//! training median, text is one-hot as the tabular engine encodes it), greedy k-means++ seeding,
//! several restarts (the least inertia wins), and k chosen by the silhouette when not given.
//! Segments are numbered 1..k from the largest. Pure Rust: src/api/segments.rs is the SQL.

use crate::core::rng::SplitMix;
use crate::core::table::{Column, Table};
use crate::core::tabular::features::{Encoding, Raw, Spec};
use crate::core::tabular::{encode, feature_columns, Options as TabularOptions};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Columns that are not features (ids).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The feature columns; all but excluded when absent.
    pub features: Option<Vec<String>>,
    /// Number of segments; chosen by the silhouette among 2..=max_k when absent.
    pub k: Option<usize>,
    /// Largest k tried when k is absent (default 8).
    pub max_k: Option<usize>,
    /// k-means runs from different seeds; the least inertia wins (default 10, scikit-learn's).
    pub restarts: Option<usize>,
    /// Lloyd iterations per run at most (default 300).
    pub max_iter: Option<usize>,
    pub seed: Option<u64>,
    /// Most one-hot levels per text column (default 100).
    pub max_levels: Option<usize>,
    /// shopml.max_training_memory, set by the SQL glue.
    #[serde(skip)]
    pub max_bytes: Option<usize>,
}

pub const OPTION_KEYS: &str = "exclude, features, k, max_k, restarts, max_iter, seed, max_levels";

/// Rows the silhouette is computed on at most (it is quadratic): a seeded sample.
const SILHOUETTE_ROWS: usize = 2000;

#[derive(Clone, Serialize, Deserialize)]
pub struct Model {
    pub spec: Spec,
    /// Per encoded slot: the value for NULL, and the mean and scale of the standardisation.
    pub impute: Vec<f64>,
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
    /// Centroids in standardised units, segment 1 first.
    pub centroids: Vec<Vec<f64>>,
    /// Rows per segment, and each slot's mean in the table's units (a text level's share).
    pub sizes: Vec<usize>,
    pub profile: Vec<Vec<f64>>,
    /// Sum of squared standardised distances to the nearest centroid, over the training rows.
    pub inertia: f64,
    /// Mean silhouette of the chosen k (on at most SILHOUETTE_ROWS rows), and of each k tried.
    pub silhouette: f64,
    pub tried: Vec<(usize, f64)>,
}

impl Model {
    /// Names of the encoded slots: the feature, or `feature=level` for a text level.
    pub fn slot_names(&self) -> Vec<String> {
        use crate::core::tabular::features::Kind;
        self.spec
            .features
            .iter()
            .flat_map(|f| match &f.kind {
                Kind::Category { levels } => levels.iter().map(|l| format!("{}={l}", f.name)).chain([format!("{}=(other)", f.name)]).collect(),
                Kind::TimeParts => ["", ".month", ".day_of_week", ".hour"].iter().map(|p| format!("{}{p}", f.name)).collect(),
                _ => vec![f.name.clone()],
            })
            .collect()
    }

    /// Standardised slots of one encoded row.
    fn standardise(&self, row: &[f64]) -> Vec<f64> {
        row.iter().enumerate().map(|(j, &v)| ((if v.is_nan() { self.impute[j] } else { v }) - self.mean[j]) / self.scale[j]).collect()
    }

    /// The segment (1..k) of one row (one Raw per feature) and its distance to the centroid.
    pub fn assign(&self, raw: &[Raw]) -> Result<(usize, f64)> {
        let mut x = Vec::new();
        self.spec.encode(raw, Encoding::OneHot, &mut x)?;
        Ok(self.assign_encoded(&x))
    }

    pub fn assign_encoded(&self, x: &[f64]) -> (usize, f64) {
        let z = self.standardise(x);
        let (c, d2) = nearest(&z, &self.centroids);
        (c + 1, d2.sqrt())
    }
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

fn nearest(z: &[f64], centroids: &[Vec<f64>]) -> (usize, f64) {
    centroids.iter().enumerate().map(|(i, c)| (i, dist2(z, c))).fold((0, f64::INFINITY), |b, x| if x.1 < b.1 { x } else { b })
}

/// Greedy k-means++ (scikit-learn's: 2 + ln k candidates per step, the one that lowers the
/// potential most), then Lloyd iterations until no row moves.
fn kmeans(z: &[Vec<f64>], k: usize, max_iter: usize, rng: &mut SplitMix, tick: &mut dyn FnMut()) -> (Vec<Vec<f64>>, Vec<usize>, f64) {
    let n = z.len();
    let trials = 2 + (k as f64).ln() as usize;
    let mut centroids = vec![z[(rng.next_u64() % n as u64) as usize].clone()];
    let mut closest: Vec<f64> = z.iter().map(|p| dist2(p, &centroids[0])).collect();
    while centroids.len() < k {
        tick();
        let total: f64 = closest.iter().sum();
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let mut target = rng.next_unit() * total;
            let mut pick = n - 1;
            for (i, &d) in closest.iter().enumerate() {
                target -= d;
                if target <= 0.0 {
                    pick = i;
                    break;
                }
            }
            let updated: Vec<f64> = z.iter().zip(&closest).map(|(p, &d)| d.min(dist2(p, &z[pick]))).collect();
            let potential: f64 = updated.iter().sum();
            if best.as_ref().is_none_or(|b| potential < b.0) {
                best = Some((potential, pick, updated));
            }
        }
        let (_, pick, updated) = best.expect("at least one trial");
        centroids.push(z[pick].clone());
        closest = updated;
    }
    let d = z[0].len();
    let mut labels = vec![usize::MAX; n];
    for _ in 0..max_iter {
        tick();
        let mut moved = false;
        for (i, p) in z.iter().enumerate() {
            let (c, _) = nearest(p, &centroids);
            if labels[i] != c {
                labels[i] = c;
                moved = true;
            }
        }
        if !moved {
            break;
        }
        let mut sums = vec![vec![0.0; d]; k];
        let mut counts = vec![0usize; k];
        for (p, &c) in z.iter().zip(&labels) {
            counts[c] += 1;
            sums[c].iter_mut().zip(p).for_each(|(s, x)| *s += x);
        }
        for c in 0..k {
            // An emptied cluster keeps its centroid (rare after k-means++).
            if counts[c] > 0 {
                centroids[c] = sums[c].iter().map(|s| s / counts[c] as f64).collect();
            }
        }
    }
    let inertia = z.iter().zip(&labels).map(|(p, &c)| dist2(p, &centroids[c])).sum();
    (centroids, labels, inertia)
}

/// Mean silhouette of `labels` over the rows `sample`.
fn silhouette(z: &[Vec<f64>], labels: &[usize], k: usize, sample: &[usize], tick: &mut dyn FnMut()) -> f64 {
    let mut total = 0.0;
    for &i in sample {
        tick();
        let mut sum = vec![0.0; k];
        let mut count = vec![0usize; k];
        for &j in sample {
            if i != j {
                sum[labels[j]] += dist2(&z[i], &z[j]).sqrt();
                count[labels[j]] += 1;
            }
        }
        let own = labels[i];
        if count[own] == 0 {
            continue;
        }
        let a = sum[own] / count[own] as f64;
        let b = (0..k).filter(|&c| c != own && count[c] > 0).map(|c| sum[c] / count[c] as f64).fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b).max(1e-300);
        }
    }
    total / sample.len().max(1) as f64
}

/// Segments of `table`. `progress(done, total)` is called often (cancellation).
pub fn train(table: &Table, o: &Options, progress: &mut dyn FnMut(usize, usize)) -> Result<Model> {
    let restarts = o.restarts.unwrap_or(10);
    let max_iter = o.max_iter.unwrap_or(300);
    let max_k = o.max_k.unwrap_or(8);
    if !(1..=100).contains(&restarts) {
        return Err(Error::invalid_parameter(format!("restarts must be 1 to 100, not {restarts}")));
    }
    if !(1..=10_000).contains(&max_iter) {
        return Err(Error::invalid_parameter(format!("max_iter must be 1 to 10000, not {max_iter}")));
    }
    if let Some(k) = o.k {
        if !(1..=100).contains(&k) {
            return Err(Error::invalid_parameter(format!("k must be 1 to 100, not {k}")));
        }
    }
    if !(2..=30).contains(&max_k) {
        return Err(Error::invalid_parameter(format!("max_k must be 2 to 30, not {max_k}")));
    }
    let levels = o.max_levels.unwrap_or(crate::core::tabular::features::MAX_LEVELS);
    if !(1..=1000).contains(&levels) {
        return Err(Error::invalid_parameter(format!("max_levels must be 1 to 1000, not {levels}")));
    }
    let selector = TabularOptions { exclude: o.exclude.clone(), features: o.features.clone(), ..Default::default() };
    let cols: Vec<&Column> = feature_columns(table, "", &selector)?;
    let rows: Vec<usize> = (0..table.rows).collect();
    let spec = Spec::fit_with(&cols, &rows, true, levels)?;
    let width = spec.width(Encoding::OneHot);
    // The encoded rows are held three times (raw, filled, standardised).
    let bytes = rows.len().saturating_mul(width).saturating_mul(8 * 3 + 8);
    let max_bytes = o.max_bytes.unwrap_or(usize::MAX / 4);
    if bytes > max_bytes {
        return Err(Error::new(
            crate::error::SqlState::ProgramLimitExceeded,
            format!("{} rows of {width} encoded values take {} MB, more than shopml.max_training_memory ({} MB)", rows.len(), bytes >> 20, max_bytes >> 20),
        )
        .with_hint("segment a sample (a view with TABLESAMPLE), lower max_levels, or exclude wide text columns"));
    }
    let x = encode(&spec, &cols, &rows, Encoding::OneHot)?;
    let n = table.rows;
    let wanted_k = o.k.unwrap_or(max_k);
    if n < wanted_k.max(2) {
        let rows = if n == 1 { "1 row".to_string() } else { format!("{n} rows") };
        return Err(Error::data(format!("{rows} cannot make {} segments", wanted_k.max(2))).with_hint("give a smaller k"));
    }
    // Standardise: median for NULL, then z-scores (a constant slot keeps scale 1).
    let mut impute = vec![0.0; width];
    let mut mean = vec![0.0; width];
    let mut scale = vec![1.0; width];
    for j in 0..width {
        let mut present: Vec<f64> = (0..n).map(|i| x[i * width + j]).filter(|v| !v.is_nan()).collect();
        present.sort_by(f64::total_cmp);
        impute[j] = if present.is_empty() { 0.0 } else { present[present.len() / 2] };
        let filled = |i: usize| if x[i * width + j].is_nan() { impute[j] } else { x[i * width + j] };
        mean[j] = (0..n).map(filled).sum::<f64>() / n as f64;
        let var = (0..n).map(|i| (filled(i) - mean[j]).powi(2)).sum::<f64>() / n as f64;
        scale[j] = if var > 1e-24 { var.sqrt() } else { 1.0 };
    }
    let raw_rows: Vec<Vec<f64>> = (0..n).map(|i| (0..width).map(|j| if x[i * width + j].is_nan() { impute[j] } else { x[i * width + j] }).collect()).collect();
    let z: Vec<Vec<f64>> = raw_rows.iter().map(|r| r.iter().enumerate().map(|(j, v)| (v - mean[j]) / scale[j]).collect()).collect();
    let ks: Vec<usize> = match o.k {
        Some(k) => vec![k],
        None => (2..=max_k).collect(),
    };
    let mut rng = SplitMix(o.seed.unwrap_or(42));
    let mut sample: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut sample);
    sample.truncate(SILHOUETTE_ROWS);
    let total = ks.len() * (restarts + 1);
    let mut done = 0;
    let mut best: Option<(f64, usize, Vec<Vec<f64>>, Vec<usize>, f64)> = None;
    let mut tried = Vec::new();
    for &k in &ks {
        let mut run_best: Option<(Vec<Vec<f64>>, Vec<usize>, f64)> = None;
        for _ in 0..restarts {
            let run = kmeans(&z, k, max_iter, &mut rng, &mut || progress(done, total));
            if run_best.as_ref().is_none_or(|b| run.2 < b.2) {
                run_best = Some(run);
            }
            done += 1;
            progress(done, total);
        }
        let (centroids, labels, inertia) = run_best.expect("restarts >= 1");
        let s = if k > 1 { silhouette(&z, &labels, k, &sample, &mut || progress(done, total)) } else { 0.0 };
        done += 1;
        tried.push((k, s));
        if best.as_ref().is_none_or(|b| s > b.0) {
            best = Some((s, k, centroids, labels, inertia));
        }
    }
    let (silhouette, k, centroids, labels, inertia) = best.expect("one k at least");
    // Number the segments by size, largest first (ties by first row), and profile them.
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&c| sizes[c] += 1);
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut profile = vec![vec![0.0; width]; k];
    for (r, &c) in raw_rows.iter().zip(&labels) {
        profile[c].iter_mut().zip(r).for_each(|(p, v)| *p += v);
    }
    for c in 0..k {
        profile[c].iter_mut().for_each(|p| *p /= sizes[c].max(1) as f64);
    }
    Ok(Model {
        spec,
        impute,
        mean,
        scale,
        centroids: order.iter().map(|&c| centroids[c].clone()).collect(),
        sizes: order.iter().map(|&c| sizes[c]).collect(),
        profile: order.iter().map(|&c| profile[c].clone()).collect(),
        inertia,
        silhouette,
        tried,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::table::Values;

    /// Three well-separated blobs of 100 points in two numbers, plus a text column.
    fn blobs() -> Table {
        let mut rng = SplitMix(7);
        let (mut a, mut b, mut c) = (vec![], vec![], vec![]);
        for i in 0..300 {
            let centre = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)][i % 3];
            a.push(Some(centre.0 + rng.next_unit() - 0.5));
            b.push(Some(centre.1 + rng.next_unit() - 0.5));
            c.push(Some(["x", "y", "z"][i % 3].to_string()));
        }
        let col = |name: &str, values| Column { name: name.into(), sql_type: String::new(), values };
        Table { rows: 300, columns: vec![col("a", Values::Number(a)), col("b", Values::Number(b)), col("c", Values::Text(c))] }
    }

    #[test]
    fn finds_three_blobs_and_chooses_k_three() {
        let t = blobs();
        let m = train(&t, &Options { exclude: vec!["c".into()], ..Default::default() }, &mut |_, _| {}).unwrap();
        assert_eq!(m.centroids.len(), 3, "silhouette per k: {:?}", m.tried);
        assert_eq!(m.sizes, vec![100, 100, 100]);
        assert!(m.silhouette > 0.9, "{}", m.silhouette);
        let (s, d) = m.assign(&[Raw::Num(10.1), Raw::Num(-0.2)]).unwrap();
        assert!(d < 0.2, "{d}");
        let (s2, _) = m.assign(&[Raw::Num(9.0), Raw::Null]).unwrap();
        assert_eq!(s, s2, "a missing value takes the median");
        assert!((m.profile[s - 1][0] - 10.0).abs() < 0.2, "{:?}", m.profile);
        // the same seed gives the same segments
        let again = train(&t, &Options { exclude: vec!["c".into()], ..Default::default() }, &mut |_, _| {}).unwrap();
        assert_eq!(again.centroids, m.centroids);
    }

    #[test]
    fn text_is_one_hot_and_k_can_be_given() {
        let t = blobs();
        let m = train(&t, &Options { features: Some(vec!["c".into()]), k: Some(3), ..Default::default() }, &mut |_, _| {}).unwrap();
        assert_eq!(m.slot_names(), ["c=x", "c=y", "c=z", "c=(other)"]);
        assert!(m.inertia < 1e-9, "one level per segment: {}", m.inertia);
        let e = train(&t, &Options { k: Some(0), ..Default::default() }, &mut |_, _| {}).err().unwrap();
        assert_eq!(e.message, "k must be 1 to 100, not 0");
    }
}
