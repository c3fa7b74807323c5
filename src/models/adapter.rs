//! Small trained weights kept in the backend's memory: the LoRA adapter, biases, LayerNorms and
//! head of a fine-tuned encoder, or the n-gram weights of the sentiment model. Read from a
//! safetensors file (float32 or float16, widened to float32), looked up by name.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// Larger files are refused: these parts are a few MB, the base weights stay in the mapping.
const MAX_BYTES: u64 = 64 << 20;

pub struct Adapter {
    data: Vec<f32>,
    tensors: HashMap<String, (Range<usize>, Vec<usize>)>,
    pub metadata: HashMap<String, String>,
}

impl Adapter {
    pub fn load(path: &Path) -> Result<Adapter, String> {
        let len = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        if len > MAX_BYTES {
            return Err(format!("{len} bytes is more than the {MAX_BYTES} an adapter may hold"));
        }
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Adapter, String> {
        let (_, meta) = safetensors::SafeTensors::read_metadata(bytes).map_err(|e| e.to_string())?;
        let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?;
        let mut data = Vec::new();
        let mut tensors = HashMap::new();
        for (name, view) in st.tensors() {
            let start = data.len();
            let raw = view.data();
            match view.dtype() {
                safetensors::Dtype::F32 => data.extend(raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
                safetensors::Dtype::F16 => data.extend(raw.chunks_exact(2).map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())),
                other => return Err(format!("tensor {name} is {other:?}, not F32 or F16")),
            }
            tensors.insert(name, (start..data.len(), view.shape().to_vec()));
        }
        Ok(Adapter { data, tensors, metadata: meta.metadata().clone().unwrap_or_default() })
    }

    /// The elements of tensor `name` if it exists, checked against `shape`.
    pub fn get(&self, name: &str, shape: &[usize]) -> Result<Option<&[f32]>, String> {
        match self.tensors.get(name) {
            None => Ok(None),
            Some((_, got)) if got != shape => Err(format!("tensor {name} has shape {got:?}, not {shape:?}")),
            Some((r, _)) => Ok(Some(&self.data[r.clone()])),
        }
    }

    /// Like `get`, but the tensor must exist.
    pub fn require(&self, name: &str, shape: &[usize]) -> Result<&[f32], String> {
        self.get(name, shape)?.ok_or_else(|| format!("tensor {name} is missing"))
    }

    /// The element range of tensor `name` in `data()` and its shape.
    pub fn span(&self, name: &str) -> Option<(Range<usize>, &[usize])> {
        self.tensors.get(name).map(|(r, s)| (r.clone(), s.as_slice()))
    }

    pub fn data(&self) -> &[f32] {
        &self.data
    }

    pub fn meta_f64(&self, key: &str) -> Result<f64, String> {
        self.metadata.get(key).and_then(|v| v.parse().ok()).ok_or_else(|| format!("metadata {key} is missing or not a number"))
    }

    pub fn bytes(&self) -> usize {
        self.data.len() * 4
    }
}
