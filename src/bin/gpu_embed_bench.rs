//! GPU bench and parity check of the embedding encoder, without Postgres: it shares src/models
//! with the extension, so the GPU path measured here is the one `embed_texts` takes under
//! `shopml.device = 'cuda'`. Built with `make cuda` and run on a GPU machine by
//! benches/run_gpu_bench.sh, beside benches/gpu_embed_peer.py (PyTorch, same weights, same run).
//!
//! gpu_embed_bench MODEL_DIR TEXTS FIXTURE OUT_JSON
//!   MODEL_DIR  config.json, tokenizer.json and model.safetensors (f32 or f16) of all-MiniLM-L6-v2
//!   TEXTS      one text per line (real reviews, long enough to fill 128 tokens)
//!   FIXTURE    tests/fixtures/reference_embeddings.csv (the NumPy reference vectors)

use candle_core::{DType, Device, Tensor};
use shopml::models::embedder::{Embedder, Limits};
use shopml::models::{files, manifest};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const MODEL: &str = "all-MiniLM-L6-v2";
/// Sequence length of the speed runs (the peer's figure: batches x 128 tokens).
const SEQ: usize = 128;
const BATCHES: [usize; 2] = [256, 1024];
/// Texts per timed end-to-end run.
const TEXTS_PER_RUN: usize = 32768;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("profile") => return profile(),
        // Compiles the fused kernels with NVRTC (no GPU needed): a check of the CUDA source.
        Some("ptx") => {
            println!("{} bytes of PTX", shopml::models::cuda_ops::ptx()?.len());
            println!("{} bytes of PTX (attention)", shopml::models::cuda_attention::ptx()?.len());
            return Ok(());
        }
        // Where the CPU side of a batch goes: bounding the texts, then tokenizing them.
        Some("tokenize") => {
            let dir = f32_copy(Path::new(&args[2]))?;
            let model = Embedder::load_as(spec_for(&dir, Some(SEQ))?, &dir, &Device::Cpu, DType::F32)?;
            let lines: Vec<String> = std::fs::read_to_string(&args[3])?.lines().map(String::from).collect();
            let texts: Vec<&str> = lines.iter().cycle().take(8192).map(|s| s.as_str()).collect();
            let t = Instant::now();
            let bounded: usize = texts.iter().map(|x| model.bound(x, &mut || {}).text.len()).sum();
            let b = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let ids: usize = model.tokenize(&texts)?.iter().map(|v| v.len()).sum();
            println!("{} texts: bound {:.0}/s ({bounded} bytes kept), bound + tokenize {:.0}/s ({ids} ids)", texts.len(), texts.len() as f64 / b, texts.len() as f64 / t.elapsed().as_secs_f64());
            return Ok(());
        }
        _ => {}
    }
    if args.len() != 5 {
        return Err("usage: gpu_embed_bench MODEL_DIR TEXTS FIXTURE OUT_JSON".into());
    }
    let (model_dir, texts_path, fixture_path, out) = (Path::new(&args[1]), &args[2], &args[3], &args[4]);
    let dir = f32_copy(model_dir)?;
    let spec_full = spec_for(&dir, None)?;
    let spec_128 = spec_for(&dir, Some(SEQ))?;

    // Parity: CPU encoder (what the extension serves by default) against candle on the GPU.
    let fixture = read_fixture(fixture_path)?;
    let sentences: Vec<&str> = fixture.iter().map(|(s, _)| s.as_str()).collect();
    let limits = Limits { batch_size: 64, max_batch_tokens: usize::MAX, threads: 0 };
    let cpu = Embedder::load_as(spec_full, &dir, &Device::Cpu, DType::F32)?.embed(&sentences, limits)?;
    let gpu = Device::new_cuda(0)?;
    let mut parity = Vec::new();
    let reference: Vec<Vec<f32>> = fixture.iter().map(|(_, v)| v.clone()).collect();
    parity.push(cosines("cpu f32 vs NumPy reference", &cpu, &reference));
    for (name, dtype) in [("f16", DType::F16), ("f32", DType::F32)] {
        let g = Embedder::load_as(spec_full, &dir, &gpu, dtype)?.embed(&sentences, limits)?;
        parity.push(cosines(&format!("gpu {name} vs cpu f32"), &g, &cpu));
        parity.push(cosines(&format!("gpu {name} vs NumPy reference"), &g, &reference));
    }
    for p in &parity {
        println!("parity {p}");
    }

    // Speed: end to end (tokenize, forward, pool, vectors back) and forward only.
    let lines: Vec<String> = std::fs::read_to_string(texts_path)?.lines().filter(|l| !l.trim().is_empty()).map(String::from).collect();
    let texts: Vec<&str> = lines.iter().cycle().take(TEXTS_PER_RUN).map(|s| s.as_str()).collect();
    let mut speed = Vec::new();
    for (name, dtype) in [("f16", DType::F16), ("f32", DType::F32)] {
        let model = Embedder::load_as(spec_128, &dir, &gpu, dtype)?;
        let ids = model.tokenize(&texts[..lines.len().min(TEXTS_PER_RUN)])?;
        let full: Vec<&Vec<u32>> = ids.iter().filter(|t| t.len() == SEQ).collect();
        for &batch in &BATCHES {
            let limits = Limits { batch_size: batch, max_batch_tokens: usize::MAX, threads: 0 };
            model.embed(&texts[..batch * 2], limits)?; // warm-up: kernels loaded, cuBLAS chose its algorithms
            let t = Instant::now();
            let rows = model.embed(&texts, limits)?;
            let e2e = rows.len() as f64 / t.elapsed().as_secs_f64();

            let bert = model.candle_model().ok_or("the GPU embedder is not candle's")?;
            let flat: Vec<u32> = full.iter().cycle().take(batch).flat_map(|t| t.iter().copied()).collect();
            let input = Tensor::from_vec(flat, (batch, SEQ), &gpu)?;
            for _ in 0..3 {
                bert.forward(&input, None, &mut || {})?;
            }
            gpu.synchronize()?;
            let reps = (TEXTS_PER_RUN / batch).max(8);
            let t = Instant::now();
            for _ in 0..reps {
                bert.forward(&input, None, &mut || {})?;
            }
            gpu.synchronize()?;
            let fwd = (reps * batch) as f64 / t.elapsed().as_secs_f64();
            println!("speed {name} batch {batch}: embed_texts path {e2e:.0} sentences/s, forward only {fwd:.0} sentences/s ({} texts of {SEQ} tokens)", full.len());
            speed.push(format!(
                "{{\"dtype\":\"{name}\",\"batch\":{batch},\"seq\":{SEQ},\"end_to_end_per_s\":{e2e:.1},\"forward_per_s\":{fwd:.1}}}"
            ));
        }
    }
    let json = format!("{{\"parity\":[{}],\"speed\":[{}]}}\n", parity.iter().map(|p| p.json()).collect::<Vec<_>>().join(","), speed.join(","));
    std::fs::write(out, json)?;
    Ok(())
}

/// Time of each step of one encoder layer at batch 1024 x 128 tokens (f16, random numbers): where
/// the forward pass spends its time. `gpu_embed_bench profile`.
fn profile() -> Res<()> {
    let gpu = Device::new_cuda(0)?;
    let (b, s, h, heads, inner) = (1024usize, SEQ, 384usize, 12usize, 1536usize);
    let d = h / heads;
    let n = b * s;
    let r = |shape: &[usize]| -> Res<Tensor> { Ok(Tensor::randn(0f32, 0.05, shape, &gpu)?.to_dtype(DType::F16)?) };
    let (x, w_qkv, b_qkv, w_o, b_o, w_i, b_i, w_out, b_out, gamma, beta) =
        (r(&[n, h])?, r(&[3 * h, h])?, r(&[3 * h])?, r(&[h, h])?, r(&[h])?, r(&[inner, h])?, r(&[inner])?, r(&[h, inner])?, r(&[h])?, r(&[h])?, r(&[h])?);
    let time = |name: &str, f: &mut dyn FnMut() -> candle_core::Result<Tensor>| -> Res<Tensor> {
        let mut out = f()?;
        gpu.synchronize()?;
        let reps = 20;
        let t = Instant::now();
        for _ in 0..reps {
            out = f()?;
        }
        gpu.synchronize()?;
        println!("profile {name:48} {:8.3} ms", t.elapsed().as_secs_f64() * 1000.0 / reps as f64);
        Ok(out)
    };
    let qkv_mm = time("qkv matmul [n,384]x[384,1152]", &mut || x.matmul(&w_qkv.t()?))?;
    let qkv = time("qkv + bias (broadcast_add)", &mut || qkv_mm.broadcast_add(&b_qkv))?;
    let heads_t = time("qkv reshape/permute/contiguous", &mut || qkv.reshape((b, s, 3, heads, d))?.permute((2, 0, 3, 1, 4))?.contiguous())?;
    let (q, k, v) = (heads_t.get(0)?, heads_t.get(1)?, heads_t.get(2)?);
    let scores = time("q @ k^T (batched)", &mut || q.matmul(&k.t()?))?;
    let probs = time("softmax_last_dim", &mut || candle_nn::ops::softmax_last_dim(&scores))?;
    let ctx4 = time("probs @ v (batched)", &mut || probs.matmul(&v))?;
    let ctx = time("ctx transpose/reshape (copy)", &mut || ctx4.transpose(1, 2)?.reshape((n, h)))?;
    let ao = time("attn_out matmul + bias", &mut || ctx.matmul(&w_o.t()?)?.broadcast_add(&b_o))?;
    let res = time("residual add", &mut || ao.add(&x))?;
    let normed = time("layer_norm (fused)", &mut || candle_nn::ops::layer_norm(&res, &gamma, &beta, 1e-12))?;
    let i_mm = time("intermediate matmul [n,384]x[384,1536]", &mut || normed.matmul(&w_i.t()?))?;
    let i_b = time("intermediate + bias", &mut || i_mm.broadcast_add(&b_i))?;
    let act = time("gelu_erf", &mut || i_b.gelu_erf())?;
    time("gelu (tanh)", &mut || i_b.gelu())?;
    let o = time("output matmul [n,1536]x[1536,384] + bias", &mut || act.matmul(&w_out.t()?)?.broadcast_add(&b_out))?;
    time("output residual + layer_norm", &mut || candle_nn::ops::layer_norm(&o.add(&normed)?, &gamma, &beta, 1e-12))?;
    time("broadcast_add alone [n,384]+[384]", &mut || o.broadcast_add(&b_out))?;
    time("copy contiguous [n,384] (affine 1,0)", &mut || o.affine(1.0, 0.0))?;
    use shopml::models::cuda_ops;
    time("fused: qkv_heads (bias + split)", &mut || cuda_ops::qkv_heads(&qkv_mm, &b_qkv, b, s, heads))?;
    time("fused: masked_softmax (no mask)", &mut || cuda_ops::masked_softmax(&scores, None))?;
    let mask = Tensor::zeros((b, s), DType::F32, &gpu)?;
    time("fused: masked_softmax (mask)", &mut || cuda_ops::masked_softmax(&scores, Some(&mask)))?;
    time("fused: heads_merge", &mut || cuda_ops::heads_merge(&ctx4))?;
    time("fused: bias_residual [n,384]", &mut || cuda_ops::bias_residual(&ao, &b_o, &x))?;
    time("fused: bias + gelu_erf [n,1536]", &mut || cuda_ops::bias_act(&i_mm, &b_i, true))?;
    time("fused: attention (bias, heads, scores, softmax, merge)", &mut || shopml::models::cuda_attention::fused(&qkv_mm, &b_qkv, None, b, s, heads))?;
    time("fused: attention, masked", &mut || shopml::models::cuda_attention::fused(&qkv_mm, &b_qkv, Some(&mask), b, s, heads))?;
    let params = Tensor::stack(&[&b_o, &gamma, &beta], 0)?;
    time("fused: bias + residual + layer_norm [n,384]", &mut || cuda_ops::bias_residual_norm(&ao, &x, &params, 1e-12))?;
    Ok(())
}

/// The model directory with its weights in f32 (a carried f16 file is widened once), so that
/// the CPU encoder, which reads f32 in place, and the GPU share the very same weights.
fn f32_copy(dir: &Path) -> Res<PathBuf> {
    let weights = candle_core::safetensors::load(dir.join("model.safetensors"), &Device::Cpu)?;
    if weights.values().all(|t| t.dtype() == DType::F32) {
        return Ok(dir.to_path_buf());
    }
    let out = std::env::temp_dir().join("shopml-gpu-bench-model");
    std::fs::create_dir_all(&out)?;
    let wide: HashMap<String, Tensor> = weights.into_iter().map(|(k, t)| Ok((k, t.to_dtype(DType::F32)?))).collect::<Res<_>>()?;
    candle_core::safetensors::save(&wide, out.join("model.safetensors"))?;
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(dir.join(f), out.join(f))?;
    }
    Ok(out)
}

/// The manifest's spec with the sha256 of the files in `dir` (the bench's weights may be a
/// widened f16 copy) and, for the speed runs, the sequence length cut to `max_tokens`.
fn spec_for(dir: &Path, max_tokens: Option<usize>) -> Res<&'static manifest::ModelSpec> {
    let mut spec = manifest::find(MODEL, "embedding").map_err(|e| e.message)?.clone();
    for (file, sha) in spec.files.iter_mut() {
        *sha = files::sha256_file(&dir.join(file))?;
    }
    if let Some(n) = max_tokens {
        spec.max_tokens = n;
    }
    Ok(Box::leak(Box::new(spec)))
}

struct Parity {
    what: String,
    min: f64,
    mean: f64,
}

impl Parity {
    fn json(&self) -> String {
        format!("{{\"what\":\"{}\",\"min_cosine\":{:.7},\"mean_cosine\":{:.7}}}", self.what, self.min, self.mean)
    }
}

impl std::fmt::Display for Parity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: min cosine {:.7}, mean {:.7}", self.what, self.min, self.mean)
    }
}

fn cosines(what: &str, a: &[Vec<f32>], b: &[Vec<f32>]) -> Parity {
    let cos: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| {
            let dot: f64 = x.iter().zip(y).map(|(p, q)| *p as f64 * *q as f64).sum();
            let nx: f64 = x.iter().map(|p| (*p as f64).powi(2)).sum::<f64>().sqrt();
            let ny: f64 = y.iter().map(|q| (*q as f64).powi(2)).sum::<f64>().sqrt();
            dot / (nx * ny)
        })
        .collect();
    Parity { what: what.into(), min: cos.iter().cloned().fold(f64::INFINITY, f64::min), mean: cos.iter().sum::<f64>() / cos.len().max(1) as f64 }
}

/// (sentence, reference vector) rows of the fixture: id,n_tokens,sentence,"{v1,v2,...}".
fn read_fixture(path: &str) -> Res<Vec<(String, Vec<f32>)>> {
    let text = std::fs::read_to_string(path)?;
    let records = parse_csv(&text);
    records
        .iter()
        .skip(1)
        .filter(|r| r.len() == 4)
        .map(|r| {
            let v = r[3].trim_matches(|c| c == '{' || c == '}').split(',').map(|x| x.parse::<f32>()).collect::<Result<Vec<_>, _>>()?;
            Ok((r[2].clone(), v))
        })
        .collect()
}

/// RFC 4180 records: quoted fields may hold commas, newlines and doubled quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}
