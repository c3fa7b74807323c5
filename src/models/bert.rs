//! BERT encoder (Devlin et al. 2018, arXiv:1810.04805) as used by sentence-transformers'
//! all-MiniLM-L6-v2: post-LayerNorm blocks, absolute positions, exact (erf) GELU.
//! Weight names follow Hugging Face's `BertModel` so its `model.safetensors` loads unchanged.
//! It runs on CUDA and is the reference the CPU encoder (cpu_bert.rs) is tested against; the CPU
//! serves embeddings through cpu_bert.rs, so this file keeps no CPU-only fast paths.

use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::{embedding, layer_norm, linear, Embedding, LayerNorm, Linear, VarBuilder};
use serde::Deserialize;

/// The subset of Hugging Face's `config.json` that the encoder needs.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
}

fn default_act() -> String {
    "gelu".into()
}
fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}

struct Embeddings {
    word: Embedding,
    position: Embedding,
    token_type: Embedding,
    norm: LayerNorm,
}

impl Embeddings {
    fn load(vb: VarBuilder, cfg: &Config) -> candle_core::Result<Self> {
        Ok(Embeddings {
            word: embedding(cfg.vocab_size, cfg.hidden_size, vb.pp("word_embeddings"))?,
            position: embedding(
                cfg.max_position_embeddings,
                cfg.hidden_size,
                vb.pp("position_embeddings"),
            )?,
            token_type: embedding(cfg.type_vocab_size, cfg.hidden_size, vb.pp("token_type_embeddings"))?,
            norm: layer_norm(cfg.hidden_size, cfg.layer_norm_eps, vb.pp("LayerNorm"))?,
        })
    }

    fn forward(&self, input_ids: &Tensor, token_type_ids: &Tensor) -> candle_core::Result<Tensor> {
        let (_, seq_len) = input_ids.dims2()?;
        let positions = Tensor::arange(0u32, seq_len as u32, input_ids.device())?;
        let x = self
            .word
            .forward(input_ids)?
            .add(&self.token_type.forward(token_type_ids)?)?
            .broadcast_add(&self.position.forward(&positions)?)?;
        self.norm.forward(&x)
    }
}

struct Layer {
    /// Query, key and value in one [3 * hidden, hidden] projection (one GEMM, one copy into
    /// heads), the query rows pre-scaled by 1/sqrt(head_dim) so the scores need no pass of their own.
    qkv: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    out_norm: LayerNorm,
    heads: usize,
    head_dim: usize,
    /// For the CUDA path: [3, hidden] = projection bias, norm weight, norm bias, of the
    /// attention output and of the layer output (cuda_ops::bias_residual_norm).
    #[cfg(feature = "cuda")]
    norm_params: [Tensor; 2],
}

impl Layer {
    fn load(vb: VarBuilder, cfg: &Config) -> candle_core::Result<Self> {
        let h = cfg.hidden_size;
        let heads = cfg.num_attention_heads;
        let head_dim = h / heads;
        let attn = vb.pp("attention");
        let (query, key, value) =
            (linear(h, h, attn.pp("self").pp("query"))?, linear(h, h, attn.pp("self").pp("key"))?, linear(h, h, attn.pp("self").pp("value"))?);
        let scale = 1.0 / (head_dim as f64).sqrt();
        let weight = Tensor::cat(&[(query.weight() * scale)?, key.weight().clone(), value.weight().clone()], 0)?;
        let qkv_bias = Tensor::cat(&[(bias(&query)? * scale)?, bias(&key)?, bias(&value)?], 0)?;
        let attn_out = linear(h, h, attn.pp("output").pp("dense"))?;
        let attn_norm = layer_norm(h, cfg.layer_norm_eps, attn.pp("output").pp("LayerNorm"))?;
        let output = linear(cfg.intermediate_size, h, vb.pp("output").pp("dense"))?;
        let out_norm = layer_norm(h, cfg.layer_norm_eps, vb.pp("output").pp("LayerNorm"))?;
        #[cfg(feature = "cuda")]
        let norm_params = [
            crate::models::cuda_ops::norm_params(&bias(&attn_out)?, &attn_norm)?,
            crate::models::cuda_ops::norm_params(&bias(&output)?, &out_norm)?,
        ];
        Ok(Layer {
            qkv: Linear::new(weight, Some(qkv_bias)),
            attn_out,
            attn_norm,
            intermediate: linear(h, cfg.intermediate_size, vb.pp("intermediate").pp("dense"))?,
            output,
            out_norm,
            heads,
            head_dim,
            #[cfg(feature = "cuda")]
            norm_params,
        })
    }

    /// `x`: [batch * seq, hidden]; `mask_bias`: 0 for tokens, a large negative number for
    /// padding, in the layout of `attention_mask_bias`; `None` when no sequence is padded.
    fn forward(&self, x: &Tensor, batch: usize, seq: usize, mask_bias: Option<&Tensor>) -> candle_core::Result<Tensor> {
        #[cfg(feature = "cuda")]
        if x.device().is_cuda() {
            return self.forward_cuda(x, batch, seq, mask_bias);
        }
        // [batch*seq, 3h] -> [3, batch, heads, seq, head_dim] in one copy.
        let qkv = self.qkv.forward(x)?.reshape((batch, seq, 3, self.heads, self.head_dim))?.permute((2, 0, 3, 1, 4))?.contiguous()?;
        let (q, k, v) = (qkv.get(0)?, qkv.get(1)?, qkv.get(2)?);
        let scores = q.matmul(&k.t()?)?;
        let scores = match mask_bias {
            Some(m) => scores.broadcast_add(m)?,
            None => scores,
        };
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let ctx = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((batch * seq, self.heads * self.head_dim))?;
        let x = self.attn_norm.forward(&self.attn_out.forward(&ctx)?.add(x)?)?;
        let inner = self.intermediate.forward(&x)?.gelu_erf()?;
        self.out_norm.forward(&self.output.forward(&inner)?.add(&x)?)
    }

    /// The same layer with the fused kernels of cuda_ops.rs around cuBLAS's matrix products.
    #[cfg(feature = "cuda")]
    fn forward_cuda(&self, x: &Tensor, batch: usize, seq: usize, mask_bias: Option<&Tensor>) -> candle_core::Result<Tensor> {
        use crate::models::{cuda_attention, cuda_ops};
        let product = |x: &Tensor, l: &Linear| x.matmul(&l.weight().t()?);
        let projected = product(x, &self.qkv)?;
        let ctx = if cuda_attention::applies(x.device(), x.dtype(), self.head_dim, seq) {
            cuda_attention::fused(&projected, &bias(&self.qkv)?, mask_bias, batch, seq, self.heads)?
        } else {
            let qkv = cuda_ops::qkv_heads(&projected, &bias(&self.qkv)?, batch, seq, self.heads)?;
            let (q, k, v) = (qkv.get(0)?, qkv.get(1)?, qkv.get(2)?);
            let probs = cuda_ops::masked_softmax(&q.matmul(&k.t()?)?, mask_bias)?;
            cuda_ops::heads_merge(&probs.matmul(&v)?)?
        };
        let x = cuda_ops::bias_residual_norm(&product(&ctx, &self.attn_out)?, x, &self.norm_params[0], self.attn_norm.eps())?;
        let inner = cuda_ops::bias_act(&product(&x, &self.intermediate)?, &bias(&self.intermediate)?, true)?;
        cuda_ops::bias_residual_norm(&product(&inner, &self.output)?, &x, &self.norm_params[1], self.out_norm.eps())
    }
}

pub struct BertModel {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    pub config: Config,
    device: Device,
}

impl BertModel {
    pub fn load(vb: VarBuilder, cfg: &Config) -> candle_core::Result<Self> {
        if cfg.hidden_act != "gelu" {
            candle_core::bail!("unsupported hidden_act {:?}", cfg.hidden_act);
        }
        if cfg.num_attention_heads == 0 || cfg.hidden_size % cfg.num_attention_heads != 0 {
            candle_core::bail!("hidden_size must be a multiple of num_attention_heads");
        }
        let embeddings = Embeddings::load(vb.pp("embeddings"), cfg)?;
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| Layer::load(vb.pp(format!("encoder.layer.{i}")), cfg))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(BertModel { embeddings, layers, config: cfg.clone(), device: vb.device().clone() })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Last hidden state [batch, seq, hidden] for `input_ids` [batch, seq] (u32) and
    /// `attention_mask` [batch, seq] (f32, 1 = token, 0 = padding; `None`: no padding).
    /// `between_layers` runs before each layer: the SQL layer checks for cancellation there.
    pub fn forward(
        &self,
        input_ids: &Tensor,
        attention_mask: Option<&Tensor>,
        between_layers: &mut dyn FnMut(),
    ) -> candle_core::Result<Tensor> {
        let (batch, seq) = input_ids.dims2()?;
        let token_types = input_ids.zeros_like()?;
        let hidden = self.config.hidden_size;
        let mut x = self.embeddings.forward(input_ids, &token_types)?.reshape((batch * seq, hidden))?;
        // (1 - mask) * -1e4: padding gets exp(-1e4) = 0 after softmax, as in transformers,
        // without the f32::MIN that overflows in half precision.
        let mask_bias = match attention_mask {
            Some(m) => Some(attention_mask_bias(m, x.dtype())?),
            None => None,
        };
        for layer in &self.layers {
            between_layers();
            x = layer.forward(&x, batch, seq, mask_bias.as_ref())?;
        }
        x.reshape((batch, seq, hidden))
    }
}

/// The projection's bias (every BERT projection has one).
fn bias(l: &Linear) -> candle_core::Result<Tensor> {
    l.bias().cloned().ok_or_else(|| candle_core::Error::Msg("a projection without bias".into()))
}

/// The additive attention mask of `mask` [batch, seq] (1 = token, 0 = padding), once per forward
/// pass, in the layout each path adds: f32 [batch, seq] for the CUDA kernels, which read it per
/// key; [batch, 1, 1, seq] in the activations' `dtype` for candle's broadcast add elsewhere.
fn attention_mask_bias(mask: &Tensor, dtype: DType) -> candle_core::Result<Tensor> {
    let (batch, seq) = mask.dims2()?;
    let bias = ((mask.to_dtype(DType::F32)? - 1.0)? * 1e4)?;
    if mask.device().is_cuda() {
        bias.contiguous()
    } else {
        bias.reshape((batch, 1, 1, seq))?.to_dtype(dtype)
    }
}

/// Attention-masked mean over tokens then L2 normalisation, as sentence-transformers'
/// `Pooling(mean)` + `Normalize` do. `hidden`: [batch, seq, dim]; `mask`: [batch, seq] f32.
pub fn mean_pool_normalize(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let hidden = hidden.to_dtype(DType::F32)?;
    let m = mask.to_dtype(DType::F32)?.unsqueeze(D::Minus1)?;
    let summed = hidden.broadcast_mul(&m)?.sum(1)?;
    let counts = m.sum(1)?.clamp(1e-9f32, f32::MAX)?;
    let mean = summed.broadcast_div(&counts)?;
    let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12f32, f32::MAX)?;
    mean.broadcast_div(&norm)
}
