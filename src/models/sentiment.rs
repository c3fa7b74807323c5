//! The shipped sentiment model: all-MiniLM-L6-v2 fine-tuned by a LoRA adapter with a linear head
//! on its unit embedding, blended with a hashed word n-gram logistic regression
//! (scripts/sentiment/: train.py trains the first, blend.py the second and the blend).
//! p(positive) = sigmoid(a·encoder_logit + b·ngram_logit + c).

use crate::error::{Error, Result, SqlState};
use crate::models::adapter::Adapter;
use crate::models::embedder::{EmbedSink, Embedder, Limits};
use crate::models::manifest::ModelSpec;
use crate::core::ngrams;
use std::path::Path;
use std::sync::Arc;

pub struct Sentiment {
    pub spec: &'static ModelSpec,
    pub encoder: Embedder,
    head: Vec<f32>,
    head_bias: [f32; 2],
    ngram: Adapter,
    buckets: usize,
    /// N-gram words: CJK ideographs one by one (the Chinese model).
    cjk_chars: bool,
    ngram_bias: f64,
    blend: [f64; 3],
}

/// What the model says of one text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    /// p(positive), in [0, 1].
    pub positive: f64,
}

/// classify_sentiment's default model name: the Chinese model for text that is mostly Chinese,
/// the English one otherwise (a fixed rule: a new rule would get a new name).
pub const AUTO: &str = "auto";
pub const ENGLISH: &str = "shopml-sentiment-v1";
pub const CHINESE: &str = "shopml-sentiment-zh-v1";

/// The model `auto` picks for `text` (its first 64 kB is enough): Chinese when CJK ideographs
/// are at least 30% of its letters (so "这款 laptop 的 keyboard 很好用" is Chinese).
pub fn auto_model(text: &str) -> &'static str {
    let (mut han, mut letters) = (0usize, 0usize);
    for ch in text.chars().filter(|c| c.is_alphanumeric()) {
        letters += 1;
        han += crate::models::text_prefix::is_chinese_char(ch) as usize;
    }
    if letters > 0 && han * 10 >= letters * 3 {
        CHINESE
    } else {
        ENGLISH
    }
}

impl Verdict {
    pub fn label(&self) -> &'static str {
        if self.positive >= 0.5 {
            "positive"
        } else {
            "negative"
        }
    }
    /// 2p - 1: -1 surely negative, +1 surely positive.
    pub fn score(&self) -> f64 {
        2.0 * self.positive - 1.0
    }
    /// The probability of the label given.
    pub fn confidence(&self) -> f64 {
        self.positive.max(1.0 - self.positive)
    }
}

fn bad(spec: &ModelSpec, file: &str, e: impl std::fmt::Display) -> Error {
    Error::new(SqlState::SystemError, format!("could not load {file} of model \"{}\": {e}", spec.name)).with_hint("run `make models` to reinstall it")
}

impl Sentiment {
    /// `dir` holds the verified adapter and n-gram files of `spec`; `base_dir` the base encoder.
    pub fn load(spec: &'static ModelSpec, dir: &Path, base: &'static ModelSpec, base_dir: &Path) -> Result<Sentiment> {
        let adapter = Arc::new(Adapter::load(&dir.join("adapter.safetensors")).map_err(|e| bad(spec, "adapter.safetensors", e))?);
        let labels = adapter.metadata.get("labels").map(String::as_str);
        if labels != Some("negative,positive") {
            return Err(bad(spec, "adapter.safetensors", format!("labels {labels:?} are not negative,positive")));
        }
        let h = base.dims;
        let head = adapter.require("classifier.weight", &[2, h]).map_err(|e| bad(spec, "adapter.safetensors", e))?.to_vec();
        let hb = adapter.require("classifier.bias", &[2]).map_err(|e| bad(spec, "adapter.safetensors", e))?;
        let head_bias = [hb[0], hb[1]];
        let encoder = Embedder::load_adapted(base, base_dir, adapter)?;
        let ngram = Adapter::load(&dir.join("ngrams.safetensors")).map_err(|e| bad(spec, "ngrams.safetensors", e))?;
        let meta = |k: &str| ngram.meta_f64(k).map_err(|e| bad(spec, "ngrams.safetensors", e));
        let buckets = meta("buckets")? as usize;
        if !buckets.is_power_of_two() || meta("max_words")? as usize != ngrams::MAX_WORDS {
            return Err(bad(spec, "ngrams.safetensors", "buckets or max_words do not match this build"));
        }
        for t in ["ngram.weight", "ngram.idf"] {
            ngram.require(t, &[buckets]).map_err(|e| bad(spec, "ngrams.safetensors", e))?;
        }
        let blend = [meta("blend_encoder")?, meta("blend_ngrams")?, meta("blend_bias")?];
        let cjk_chars = match ngram.metadata.get("words").map(String::as_str) {
            None => false,
            Some("cjk_chars") => true,
            Some(other) => return Err(bad(spec, "ngrams.safetensors", format!("unknown word rule {other}"))),
        };
        Ok(Sentiment { spec, encoder, head, head_bias, ngram_bias: meta("ngram_bias")?, ngram, buckets, cjk_chars, blend })
    }

    /// Memory this model holds of its own (the base weights are the shared mapping).
    pub fn own_bytes(&self) -> usize {
        self.ngram.bytes() + self.head.len() * 4 + self.encoder.private_bytes()
    }

    /// The n-gram logit of a text (its first ngrams::MAX_WORDS words).
    pub fn ngram_logit(&self, text: &str, tick: &mut dyn FnMut()) -> f64 {
        let words = ngrams::words_with(text, self.cjk_chars, tick);
        let (w, idf) = (self.ngram.require("ngram.weight", &[self.buckets]), self.ngram.require("ngram.idf", &[self.buckets]));
        let (Ok(w), Ok(idf)) = (w, idf) else { return self.ngram_bias };
        ngrams::features(&words, self.buckets, idf).into_iter().map(|(b, x)| x * w[b] as f64).sum::<f64>() + self.ngram_bias
    }

    fn encoder_logit(&self, e: &[f32]) -> f64 {
        let h = e.len();
        let dot = |row: &[f32]| row.iter().zip(e).map(|(a, b)| *a as f64 * *b as f64).sum::<f64>();
        (dot(&self.head[h..2 * h]) + self.head_bias[1] as f64) - (dot(&self.head[..h]) + self.head_bias[0] as f64)
    }

    /// The verdict on each text: `encoder_inputs[i]` is the bounded text the encoder reads,
    /// `ngram_logits[i]` what `ngram_logit` gave for the same text.
    pub fn classify(&self, encoder_inputs: &[&str], ngram_logits: &[f64], limits: Limits, sink: &mut dyn EmbedSink) -> Result<Vec<Verdict>> {
        struct Heads<'a> {
            model: &'a Sentiment,
            ngram: &'a [f64],
            out: Vec<Verdict>,
            inner: &'a mut dyn EmbedSink,
        }
        impl EmbedSink for Heads<'_> {
            fn check(&mut self) {
                self.inner.check();
            }
            fn progress(&mut self, done: usize, total: usize) {
                self.inner.progress(done, total);
            }
            fn row(&mut self, index: usize, embedding: Vec<f32>) {
                let [a, b, c] = self.model.blend;
                let z = a * self.model.encoder_logit(&embedding) + b * self.ngram[index] + c;
                self.out[index] = Verdict { positive: 1.0 / (1.0 + (-z).exp()) };
            }
        }
        let mut heads = Heads { model: self, ngram: ngram_logits, out: vec![Verdict { positive: 0.5 }; encoder_inputs.len()], inner: sink };
        self.encoder.embed_each(encoder_inputs, limits, &mut heads)?;
        Ok(heads.out)
    }
}

#[cfg(test)]
mod tests {
    //! Needs the installed models (`make models`; SHOPML_MODEL_DIR overrides the directory).
    use super::*;
    use crate::models::manifest;
    use std::path::PathBuf;

    fn model() -> Sentiment {
        load(ENGLISH)
    }

    fn load(name: &str) -> Sentiment {
        let root = std::env::var("SHOPML_MODEL_DIR").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("/usr/share/postgresql/15/shopml/models"));
        let spec = manifest::find(name, "sentiment").unwrap();
        let base = manifest::find(spec.base.as_deref().unwrap(), "embedding").unwrap();
        crate::models::files::verify(spec, &root.join(&spec.name)).unwrap();
        Sentiment::load(spec, &root.join(&spec.name), base, &root.join(&base.name)).unwrap()
    }

    struct Quiet;
    impl EmbedSink for Quiet {
        fn row(&mut self, _: usize, _: Vec<f32>) {}
    }

    #[test]
    fn auto_picks_by_script() {
        assert_eq!(auto_model("这个手机很好用，电池也耐用"), CHINESE);
        assert_eq!(auto_model("这款 laptop 的 keyboard 很好用"), CHINESE);
        assert_eq!(auto_model("Great phone, 很好"), ENGLISH);
        assert_eq!(auto_model(""), ENGLISH);
        assert_eq!(auto_model("!!! 123"), ENGLISH);
    }

    #[test]
    fn chinese_model_reads_chinese_reviews() {
        let m = load(CHINESE);
        assert!(m.cjk_chars);
        let texts = ["这个手机很好用，电池也耐用", "质量太差了，用了两天就坏了，非常失望"];
        let ng: Vec<f64> = texts.iter().map(|t| m.ngram_logit(t, &mut || {})).collect();
        let v = m.classify(&texts, &ng, Limits::texts(8), &mut Quiet).unwrap();
        assert_eq!((v[0].label(), v[1].label()), ("positive", "negative"), "{v:?}");
    }

    #[test]
    fn ngram_logits_match_the_training_code() {
        for (name, fixture) in [(ENGLISH, "sentiment_ngrams.json"), (CHINESE, "sentiment_zh_ngrams.json")] {
            let m = load(name);
            let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
            let rows: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            assert!(rows.len() > 30);
            for r in rows {
                let text = r["text"].as_str().unwrap();
                let (want, got) = (r["ngram_logit"].as_f64().unwrap(), m.ngram_logit(text, &mut || {}));
                assert!((want - got).abs() < 1e-4, "{name}: {text:.60}: python {want}, rust {got}");
            }
        }
    }

    #[test]
    fn obvious_reviews_get_their_label() {
        let m = model();
        let texts = ["I love this coffee, the best I have ever had!", "Awful taste, it arrived broken and smelled bad. Never again.", ""];
        let ng: Vec<f64> = texts.iter().map(|t| m.ngram_logit(t, &mut || {})).collect();
        let v = m.classify(&texts, &ng, Limits::texts(8), &mut Quiet).unwrap();
        assert_eq!((v[0].label(), v[1].label()), ("positive", "negative"), "{v:?}");
        assert!(v[0].score() > 0.8 && v[1].score() < -0.8, "{v:?}");
        for x in &v {
            assert!((0.5..=1.0).contains(&x.confidence()) && (-1.0..=1.0).contains(&x.score()));
        }
        // Batched and one at a time agree.
        let one = m.classify(&texts[1..2], &ng[1..2], Limits::texts(1), &mut Quiet).unwrap();
        assert!((one[0].positive - v[1].positive).abs() < 1e-5);
    }

    #[test]
    fn the_adapter_changes_the_encoder() {
        // The same text through the base encoder and the adapted one: the adapter is applied.
        let m = model();
        let root = std::env::var("SHOPML_MODEL_DIR").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("/usr/share/postgresql/15/shopml/models"));
        let base = manifest::find("all-MiniLM-L6-v2", "embedding").unwrap();
        let plain = Embedder::load(base, &root.join(&base.name), &candle_core::Device::Cpu).unwrap();
        let t = ["the soup was cold"];
        let (a, b) = (plain.embed(&t, Limits::texts(1)).unwrap(), m.encoder.embed(&t, Limits::texts(1)).unwrap());
        let cos: f32 = a[0].iter().zip(&b[0]).map(|(x, y)| x * y).sum();
        assert!(cos < 0.99, "cosine {cos}");
    }
}
