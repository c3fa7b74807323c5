//! A text classifier trained on the shop's own labels (product categories, support intents,
//! sentiment in its own words): multinomial logistic regression over two views of a text,
//! - hashed word uni- and bigrams, (1 + ln tf)·idf, unit length (src/models/ngrams.rs), and
//! - optionally the text's all-MiniLM-L6-v2 embedding (unit length), which carries meaning the
//!   words of a small training set do not (synonyms, paraphrases),
//! fitted by L-BFGS with C (sklearn's meaning: C·Σ loss + ½‖W‖²) picked on a validation split.
//! The SQL side computes the embeddings; this code never sees Postgres.

pub mod lbfgs;
#[cfg(test)]
mod tests;

use crate::core::rng::SplitMix;
use crate::error::{Error, Result, SqlState};
use crate::core::ngrams;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Share of each class held out for the reported metrics (default 0.2).
    pub test_fraction: Option<f64>,
    /// A boolean column marking the test rows instead (true = test).
    pub test_column: Option<String>,
    pub seed: Option<u64>,
    /// Fixed C; default: the best of C_GRID on a validation split of the training rows.
    pub c: Option<f64>,
    /// Use the sentence embeddings too (default true; false trains on words alone, fast).
    pub embedding: Option<bool>,
    /// The embedding model (default all-MiniLM-L6-v2; multilingual-e5-small for Chinese and
    /// other languages).
    pub encoder: Option<String>,
    /// log2 of the hashed n-gram buckets (default 18, 10..=20).
    pub buckets_log2: Option<u32>,
    pub max_iterations: Option<usize>,
}

pub const C_GRID: [f64; 4] = [1.0, 4.0, 16.0, 64.0];

/// The trained model: what classify_text needs, serialised into the catalog.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Model {
    pub labels: Vec<String>,
    pub buckets: usize,
    /// 0 when the model uses words alone; else the embedding's dimensions.
    pub dims: usize,
    pub embedding_model: Option<String>,
    /// Words split CJK ideographs one by one (ngrams::words_with); models stored before this
    /// existed read without it.
    #[serde(default)]
    pub cjk_chars: bool,
    pub c: f64,
    #[serde(skip)]
    pub idf: Vec<f32>,
    /// labels × (buckets + dims), row-major; then one bias per label.
    #[serde(skip)]
    pub weights: Vec<f32>,
    #[serde(skip)]
    pub bias: Vec<f32>,
}

/// A text as the model reads it: its words and, when the model uses it, its embedding.
pub struct Input<'a> {
    pub words: &'a [String],
    pub embedding: Option<&'a [f32]>,
}

type Sparse = Vec<(u32, f32)>;

fn row_features(words: &[String], embedding: Option<&[f32]>, buckets: usize, idf: &[f32]) -> Sparse {
    let mut x: Sparse = ngrams::features(words, buckets, idf).into_iter().map(|(b, v)| (b as u32, v as f32)).collect();
    x.sort_unstable_by_key(|e| e.0);
    if let Some(e) = embedding {
        x.extend(e.iter().enumerate().map(|(i, v)| ((buckets + i) as u32, *v)));
    }
    x
}

impl Model {
    fn width(&self) -> usize {
        self.buckets + self.dims
    }

    /// Probability of each label, in `labels` order.
    pub fn probabilities(&self, input: &Input) -> Result<Vec<f64>> {
        if self.dims > 0 && input.embedding.map(<[f32]>::len) != Some(self.dims) {
            return Err(Error::internal("the text classifier needs an embedding of its dimensions"));
        }
        let x = row_features(input.words, if self.dims > 0 { input.embedding } else { None }, self.buckets, &self.idf);
        let w = self.width();
        let z: Vec<f64> = (0..self.labels.len())
            .map(|k| self.bias[k] as f64 + x.iter().map(|&(j, v)| self.weights[k * w + j as usize] as f64 * v as f64).sum::<f64>())
            .collect();
        Ok(softmax(&z))
    }

    /// Header (JSON) and the float arrays, little-endian: compact enough for the catalog.
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = serde_json::to_vec(self).unwrap_or_default();
        let mut out = Vec::with_capacity(8 + header.len() + 4 * (self.idf.len() + self.weights.len() + self.bias.len()));
        out.extend_from_slice(&(header.len() as u64).to_le_bytes());
        out.extend_from_slice(&header);
        for v in self.idf.iter().chain(&self.weights).chain(&self.bias) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> std::result::Result<Model, String> {
        let len = bytes.get(..8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes).ok_or("too short")? as usize;
        let header = bytes.get(8..8usize.saturating_add(len)).ok_or("header past the end")?;
        let mut m: Model = serde_json::from_slice(header).map_err(|e| e.to_string())?;
        let floats: Vec<f32> = bytes[8 + len..].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let k = m.labels.len();
        if !m.buckets.is_power_of_two() || floats.len() != m.buckets + k * (m.buckets + m.dims) + k || k < 2 {
            return Err("arrays do not match the header".into());
        }
        m.idf = floats[..m.buckets].to_vec();
        m.weights = floats[m.buckets..m.buckets + k * m.width()].to_vec();
        m.bias = floats[m.buckets + k * m.width()..].to_vec();
        Ok(m)
    }
}

fn softmax(z: &[f64]) -> Vec<f64> {
    let max = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|v| (v - max).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

/// Metrics on the held-out rows.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub accuracy: f64,
    pub macro_f1: f64,
    /// (label, F1) for every label.
    pub per_class_f1: Vec<(String, f64)>,
}

pub struct Trained {
    pub model: Model,
    pub test: Metrics,
    pub rows_train: usize,
    pub rows_test: usize,
    /// Mean validation accuracy of each C tried.
    pub validation: Vec<(f64, f64)>,
}

fn metrics(labels: &[String], y: &[usize], pred: &[usize]) -> Metrics {
    let k = labels.len();
    let per_class_f1: Vec<(String, f64)> = (0..k)
        .map(|c| {
            let tp = y.iter().zip(pred).filter(|(a, b)| **a == c && **b == c).count() as f64;
            let wrong = y.iter().zip(pred).filter(|(a, b)| (**a == c) != (**b == c)).count() as f64;
            (labels[c].clone(), if tp + wrong == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + wrong) })
        })
        .collect();
    let accuracy = y.iter().zip(pred).filter(|(a, b)| a == b).count() as f64 / y.len().max(1) as f64;
    let macro_f1 = per_class_f1.iter().map(|(_, f)| f).sum::<f64>() / k as f64;
    Metrics { accuracy, macro_f1, per_class_f1 }
}

/// Rows of each class split by `fraction` (seeded): (kept, held out).
fn stratified(rows: &[usize], y: &[usize], k: usize, fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = SplitMix(seed);
    let (mut keep, mut out) = (Vec::new(), Vec::new());
    for c in 0..k {
        let mut members: Vec<usize> = rows.iter().copied().filter(|&r| y[r] == c).collect();
        rng.shuffle(&mut members);
        let n = ((members.len() as f64 * fraction).round() as usize).min(members.len().saturating_sub(1));
        out.extend_from_slice(&members[..n]);
        keep.extend_from_slice(&members[n..]);
    }
    keep.sort_unstable();
    out.sort_unstable();
    (keep, out)
}

/// Bytes training holds per nonzero feature and per weight; the SQL side checks the estimate
/// against shopml.max_training_memory before embedding anything.
pub fn estimate_bytes(rows: usize, mean_words: usize, dims: usize, buckets: usize, labels: usize) -> usize {
    rows.saturating_mul((2 * mean_words + dims).saturating_mul(8)).saturating_add(buckets.saturating_mul(labels).saturating_mul(8 * 6))
}

/// Trains on `inputs` with `labels` (text per row); `test` marks held-out rows when given.
/// `tick(done, total)` runs between solver iterations.
pub fn train(
    inputs: &[Input],
    labels: &[String],
    test: Option<&[bool]>,
    opts: &Options,
    embedding_model: Option<String>,
    tick: &mut dyn FnMut(usize, usize) -> Result<()>,
) -> Result<Trained> {
    let mut names: Vec<String> = labels.to_vec();
    names.sort();
    names.dedup();
    if names.len() < 2 {
        return Err(Error::new(
            SqlState::InvalidParameterValue,
            format!("the labels have {} distinct value{}; a classifier needs at least two", names.len(), if names.len() == 1 { "" } else { "s" }),
        ));
    }
    let k = names.len();
    // Rows in an order of their values (label, words, embedding, test flag), so that the splits
    // and the solver's sums do not depend on the table's physical order.
    let order = crate::core::table::order_by_values(inputs.len(), |r, h| {
        h.text(&labels[r]);
        inputs[r].words.iter().for_each(|w| h.text(w));
        if let Some(e) = inputs[r].embedding {
            h.floats(e);
        }
        if let Some(t) = test {
            h.byte(t[r] as u8);
        }
    });
    let inputs: Vec<Input> = order.iter().map(|&r| Input { words: inputs[r].words, embedding: inputs[r].embedding }).collect();
    let test: Option<Vec<bool>> = test.map(|t| order.iter().map(|&r| t[r]).collect());
    let test = test.as_deref();
    let y: Vec<usize> = order.iter().map(|&r| names.binary_search(&labels[r]).unwrap_or(0)).collect();
    let all: Vec<usize> = (0..inputs.len()).collect();
    let seed = opts.seed.unwrap_or(42);
    let (train_rows, test_rows) = match test {
        Some(t) => (all.iter().copied().filter(|&r| !t[r]).collect::<Vec<_>>(), all.iter().copied().filter(|&r| t[r]).collect::<Vec<_>>()),
        None => {
            let f = opts.test_fraction.unwrap_or(0.2);
            if !(f > 0.0 && f < 1.0) {
                return Err(Error::invalid_parameter(format!("test_fraction must be between 0 and 1, not {f}")));
            }
            stratified(&all, &y, k, f, seed)
        }
    };
    if train_rows.is_empty() || test_rows.is_empty() {
        return Err(Error::new(SqlState::InvalidParameterValue, format!("{} training and {} test rows: both must be non-empty", train_rows.len(), test_rows.len())));
    }
    let log2 = opts.buckets_log2.unwrap_or(18);
    if !(10..=20).contains(&log2) {
        return Err(Error::invalid_parameter(format!("buckets_log2 must be between 10 and 20, not {log2}")));
    }
    let buckets = 1usize << log2;
    let dims = inputs.first().and_then(|i| i.embedding).map_or(0, <[f32]>::len);
    // idf from the training rows only (smoothed, as scikit-learn).
    let mut df = vec![0u32; buckets];
    for &r in &train_rows {
        let mut seen = Vec::new();
        ngrams::for_each_bucket(inputs[r].words, buckets, |b| seen.push(b));
        seen.sort_unstable();
        seen.dedup();
        seen.into_iter().for_each(|b| df[b] += 1);
    }
    let n = train_rows.len() as f64;
    let idf: Vec<f32> = df.iter().map(|&d| (((1.0 + n) / (1.0 + d as f64)).ln() + 1.0) as f32).collect();
    let x: Vec<Sparse> = inputs.iter().map(|i| row_features(i.words, i.embedding, buckets, &idf)).collect();
    let mut model = Model { labels: names, buckets, dims, embedding_model, cjk_chars: true, c: 0.0, idf, weights: Vec::new(), bias: Vec::new() };
    let iterations = opts.max_iterations.unwrap_or(300).clamp(1, 10_000);
    let grid: Vec<f64> = match opts.c {
        Some(c) if c > 0.0 && c.is_finite() => vec![c],
        Some(c) => return Err(Error::invalid_parameter(format!("c must be a positive number, not {c}"))),
        None => C_GRID.to_vec(),
    };
    let total = iterations * (grid.len() + 1);
    let mut done = 0;
    let mut validation = Vec::new();
    let c = if grid.len() == 1 {
        grid[0]
    } else {
        let (fit_rows, val_rows) = stratified(&train_rows, &y, k, 0.2, seed ^ 0x5eed);
        let mut best = (f64::NEG_INFINITY, grid[0]);
        for &c in &grid {
            let (w, b) = fit(&x, &y, &fit_rows, k, model.width(), c, iterations, &mut |i| tick(done + i, total))?;
            done += iterations;
            let acc = val_rows.iter().filter(|&&r| predict(&w, &b, &x[r], k, model.width()) == y[r]).count() as f64 / val_rows.len().max(1) as f64;
            validation.push((c, acc));
            if acc > best.0 {
                best = (acc, c);
            }
        }
        best.1
    };
    let (w, b) = fit(&x, &y, &train_rows, k, model.width(), c, iterations, &mut |i| tick(done + i, total))?;
    model.c = c;
    model.weights = w.iter().map(|&v| v as f32).collect();
    model.bias = b.iter().map(|&v| v as f32).collect();
    let pred: Vec<usize> = test_rows.iter().map(|&r| predict(&w, &b, &x[r], k, model.width())).collect();
    let truth: Vec<usize> = test_rows.iter().map(|&r| y[r]).collect();
    let test = metrics(&model.labels, &truth, &pred);
    Ok(Trained { model, test, rows_train: train_rows.len(), rows_test: test_rows.len(), validation })
}

fn predict(w: &[f64], b: &[f64], x: &Sparse, k: usize, width: usize) -> usize {
    (0..k)
        .map(|c| (c, b[c] + x.iter().map(|&(j, v)| w[c * width + j as usize] * v as f64).sum::<f64>()))
        .fold((0, f64::NEG_INFINITY), |best, (c, z)| if z > best.1 { (c, z) } else { best })
        .0
}

/// Weights (k × width) and biases minimising C·Σ cross-entropy + ½‖W‖² over `rows`.
#[allow(clippy::too_many_arguments)]
fn fit(x: &[Sparse], y: &[usize], rows: &[usize], k: usize, width: usize, c: f64, iterations: usize, tick: &mut dyn FnMut(usize) -> Result<()>) -> Result<(Vec<f64>, Vec<f64>)> {
    let nw = k * width;
    let mut params = vec![0.0; nw + k];
    let mut objective = |p: &[f64], g: &mut [f64]| -> f64 {
        let (w, b) = p.split_at(nw);
        g.iter_mut().for_each(|v| *v = 0.0);
        let mut loss = 0.0;
        let mut z = vec![0.0; k];
        for &r in rows {
            for (cls, zc) in z.iter_mut().enumerate() {
                *zc = b[cls] + x[r].iter().map(|&(j, v)| w[cls * width + j as usize] * v as f64).sum::<f64>();
            }
            let p = softmax(&z);
            loss -= p[y[r]].max(1e-300).ln();
            for (cls, &pc) in p.iter().enumerate() {
                let d = c * (pc - if cls == y[r] { 1.0 } else { 0.0 });
                g[nw + cls] += d;
                for &(j, v) in &x[r] {
                    g[cls * width + j as usize] += d * v as f64;
                }
            }
        }
        let reg: f64 = w.iter().map(|v| v * v).sum::<f64>() * 0.5;
        g[..nw].iter_mut().zip(w).for_each(|(g, w)| *g += w);
        c * loss + reg
    };
    let mut err = None;
    lbfgs::minimize(
        &mut params,
        &mut objective,
        &lbfgs::Params { max_iterations: iterations, tolerance: 1e-4, ..Default::default() },
        &mut |i, _| tick(i).map_err(|e| {
            let m = e.message.clone();
            err = Some(e);
            m
        }),
    )
    .map_err(|m| err.take().unwrap_or_else(|| Error::internal(m)))?;
    let b = params.split_off(nw);
    Ok((params, b))
}
