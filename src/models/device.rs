//! Choosing where models run: `shopml.device` = cpu | cuda | auto, parsed once by the setting
//! itself into [`DeviceChoice`].

use crate::error::{Error, Result};
use candle_core::Device;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceChoice {
    Cpu,
    Cuda,
    /// The first CUDA device when this build and the machine have one, else the CPU.
    Auto,
}

pub fn select(choice: DeviceChoice) -> Result<Device> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::Cpu),
        DeviceChoice::Cuda => cuda().ok_or_else(|| {
            Error::invalid_parameter("shopml.device is cuda but no CUDA device is available").with_hint(
                if cfg!(feature = "cuda") {
                    "check the driver with nvidia-smi, or SET shopml.device = 'cpu'"
                } else {
                    "this build of shopml has no CUDA support: rebuild with --features cuda"
                },
            )
        }),
        DeviceChoice::Auto => Ok(cuda().unwrap_or(Device::Cpu)),
    }
}

#[cfg(feature = "cuda")]
fn cuda() -> Option<Device> {
    Device::new_cuda(0).ok()
}

#[cfg(not(feature = "cuda"))]
fn cuda() -> Option<Device> {
    None
}

/// The precision of models on a GPU (`shopml.gpu_precision`). The CPU always computes in f32.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GpuPrecision {
    /// Half precision: about twice as fast on tensor cores, cosine >= 0.999 to the f32 vectors.
    F16,
    F32,
}

/// The dtype a model's weights and activations take on `device`.
pub fn dtype_for(device: &Device, precision: GpuPrecision) -> candle_core::DType {
    match (device.is_cpu(), precision) {
        (false, GpuPrecision::F16) => candle_core::DType::F16,
        _ => candle_core::DType::F32,
    }
}
