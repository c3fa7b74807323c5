//! Sentence embeddings: tokenizer + BERT encoder + masked mean pooling + L2 normalisation,
//! the pipeline of sentence-transformers' all-MiniLM-L6-v2.

use crate::error::{Error, Result, SqlState};
use crate::models::bert::{mean_pool_normalize, BertModel, Config};
use crate::models::files;
use crate::models::manifest::ModelSpec;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use std::path::Path;
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

pub struct Embedder {
    pub spec: &'static ModelSpec,
    tokenizer: Tokenizer,
    model: BertModel,
}

fn load_error(spec: &ModelSpec, what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(SqlState::SystemError, format!("could not load {what} of model \"{}\": {e}", spec.name))
        .with_hint("run `make models` to reinstall it")
}

impl Embedder {
    /// Verifies the files in `dir` against the manifest, then loads tokenizer and weights.
    /// The safetensors file is memory-mapped while reading, but candle copies the tensors, so
    /// each backend that embeds holds its own ~90 MB of weights.
    pub fn load(spec: &'static ModelSpec, dir: &Path, device: &Device) -> Result<Self> {
        files::verify(spec, dir)?;
        let cfg_bytes = std::fs::read(dir.join("config.json")).map_err(|e| load_error(spec, "config.json", e))?;
        let cfg: Config = serde_json::from_slice(&cfg_bytes).map_err(|e| load_error(spec, "config.json", e))?;
        let mut tokenizer =
            Tokenizer::from_file(dir.join("tokenizer.json")).map_err(|e| load_error(spec, "tokenizer.json", e))?;
        // tokenizer.json ships with truncation at 128 and fixed padding; sentence-transformers
        // truncates at max_seq_length (256) and pads to the longest in the batch, as we do.
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: spec.max_tokens,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
                direction: TruncationDirection::Right,
            }))
            .map_err(|e| load_error(spec, "tokenizer.json", e))?;
        tokenizer.with_padding(None);
        // SAFETY: the file was just verified and model files are never replaced in place
        // (a new version gets a new name), so the mapping stays valid.
        let vb = unsafe {
            VarBuilder::from_mmaped_safetensors(&[dir.join("model.safetensors")], DType::F32, device)
        }
        .map_err(|e| load_error(spec, "model.safetensors", e))?;
        let model = BertModel::load(vb, &cfg).map_err(|e| load_error(spec, "model.safetensors", e))?;
        if cfg.hidden_size != spec.dims {
            return Err(load_error(spec, "config.json", format!("hidden_size {} is not {}", cfg.hidden_size, spec.dims)));
        }
        Ok(Embedder { spec, tokenizer, model })
    }

    pub fn dims(&self) -> usize {
        self.spec.dims
    }

    /// Token ids of each text, with [CLS]/[SEP] and truncation as the model expects.
    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        let enc = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| Error::new(SqlState::DataException, format!("could not tokenize input: {e}")))?;
        Ok(enc.into_iter().map(|e| e.get_ids().to_vec()).collect())
    }

    /// Unit-norm embeddings of `texts`, in order. Texts are sorted by length and run in batches
    /// of `batch_size` so that padding stays small; `between_batches(done, total)` runs before
    /// each batch (the SQL layer checks for cancellation and reports progress there).
    pub fn embed(
        &self,
        texts: &[&str],
        batch_size: usize,
        between_batches: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Vec<f32>>> {
        let ids = self.tokenize(texts)?;
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let mut out = vec![Vec::new(); ids.len()];
        let mut done = 0;
        for chunk in order.chunks(batch_size.max(1)) {
            between_batches(done, ids.len());
            done += chunk.len();
            let batch: Vec<&[u32]> = chunk.iter().map(|&i| ids[i].as_slice()).collect();
            for (row, &i) in self.forward_padded(&batch)?.into_iter().zip(chunk) {
                out[i] = row;
            }
        }
        Ok(out)
    }

    fn forward_padded(&self, batch: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
        let seq = batch.iter().map(|t| t.len()).max().unwrap_or(0).max(1);
        let mut flat_ids = Vec::with_capacity(batch.len() * seq);
        let mut flat_mask = Vec::with_capacity(batch.len() * seq);
        for t in batch {
            flat_ids.extend_from_slice(t);
            flat_ids.extend(std::iter::repeat_n(0u32, seq - t.len()));
            flat_mask.extend(std::iter::repeat_n(1f32, t.len()));
            flat_mask.extend(std::iter::repeat_n(0f32, seq - t.len()));
        }
        let device = self.model.device();
        let ids = Tensor::from_vec(flat_ids, (batch.len(), seq), device)?;
        let mask = Tensor::from_vec(flat_mask, (batch.len(), seq), device)?;
        let hidden = self.model.forward(&ids, &mask)?;
        Ok(mean_pool_normalize(&hidden, &mask)?.to_device(&Device::Cpu)?.to_vec2::<f32>()?)
    }
}

#[cfg(test)]
mod tests {
    //! Needs the installed model (`make models`); the directory can be overridden with
    //! SHOPML_MODEL_DIR. The reference vectors come from the independent NumPy BERT.
    use super::*;
    use crate::models::manifest;
    use std::path::PathBuf;

    fn model_dir() -> PathBuf {
        std::env::var("SHOPML_MODEL_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from("/usr/share/postgresql/15/shopml/models"))
            .join("all-MiniLM-L6-v2")
    }

    fn reference() -> Vec<(String, Vec<f32>)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference_embeddings.csv");
        let text = std::fs::read_to_string(path).unwrap();
        // Rows whose sentence has no quotes, commas or newlines are enough here.
        text.lines()
            .skip(1)
            .filter_map(|l| {
                let (head, emb) = l.rsplit_once(",\"{")?;
                let mut f = head.splitn(3, ',');
                let (_, _, sentence) = (f.next()?, f.next()?, f.next()?);
                if sentence.contains('"') {
                    return None;
                }
                let v = emb.trim_end_matches("}\"").split(',').map(|x| x.parse().unwrap()).collect();
                Some((sentence.to_string(), v))
            })
            .collect()
    }

    fn cosine(a: &[f32], b: &[f32]) -> f64 {
        let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
        let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum();
        let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum();
        dot / (na * nb).sqrt()
    }

    #[test]
    fn matches_the_numpy_reference_single_and_batched() {
        let spec = manifest::find("all-MiniLM-L6-v2", "embedding").unwrap();
        let e = Embedder::load(spec, &model_dir(), &Device::Cpu).unwrap();
        let refs = reference();
        assert!(refs.len() >= 30, "only {} reference rows parsed", refs.len());
        let texts: Vec<&str> = refs.iter().map(|(s, _)| s.as_str()).collect();
        let batched = e.embed(&texts, 8, &mut |_, _| {}).unwrap();
        for ((s, want), got) in refs.iter().zip(&batched) {
            assert!(cosine(want, got) >= 0.9999, "batched {s:?}: {}", cosine(want, got));
            let single = e.embed(&[s.as_str()], 1, &mut |_, _| {}).unwrap();
            assert!(cosine(want, &single[0]) >= 0.9999, "single {s:?}");
        }
    }

    #[test]
    fn truncates_at_256_word_pieces() {
        let spec = manifest::find("all-MiniLM-L6-v2", "embedding").unwrap();
        let e = Embedder::load(spec, &model_dir(), &Device::Cpu).unwrap();
        let long = "word ".repeat(1000);
        assert_eq!(e.tokenize(&[long.as_str(), ""]).unwrap().iter().map(Vec::len).collect::<Vec<_>>(), vec![256, 2]);
    }
}

#[cfg(test)]
mod speed {
    /// `cargo test --no-default-features --lib embed_speed -- --ignored --nocapture`: rows/s on
    /// real reviews (needs `make data`), for profiling outside Postgres.
    #[test]
    #[ignore]
    fn embed_speed() {
        use super::*;
        let spec = crate::models::manifest::find("all-MiniLM-L6-v2", "embedding").unwrap();
        let dir = std::path::PathBuf::from("/usr/share/postgresql/15/shopml/models/all-MiniLM-L6-v2");
        let e = Embedder::load(spec, &dir, &Device::Cpu).unwrap();
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/fine_foods_reviews.csv")).unwrap();
        let reviews: Vec<&str> = text.lines().skip(1).take(256).collect();
        let tokens: usize = e.tokenize(&reviews).unwrap().iter().map(Vec::len).sum();
        let t = std::time::Instant::now();
        for _ in 0..100 {
            e.embed(&["red running shoes"], 1, &mut |_, _| {}).unwrap();
        }
        eprintln!("short query: {:.2} ms per call", t.elapsed().as_secs_f64() * 10.0);
        let t = std::time::Instant::now();
        for _ in 0..100 {
            e.tokenize(&["red running shoes"]).unwrap();
        }
        eprintln!("tokenize short query: {:.3} ms per call", t.elapsed().as_secs_f64() * 10.0);
        for batch in [1usize, 8, 32] {
            let t = std::time::Instant::now();
            e.embed(&reviews, batch, &mut |_, _| {}).unwrap();
            let s = t.elapsed().as_secs_f64();
            eprintln!("batch {batch}: {:.1} rows/s, {:.0} tokens/s", reviews.len() as f64 / s, tokens as f64 / s);
        }
    }
}
