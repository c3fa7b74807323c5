//! Choosing where models run: `shopml.device` = cpu | cuda | auto.

use crate::error::{Error, Result};
use candle_core::Device;

pub fn select(setting: &str) -> Result<Device> {
    match setting {
        "cpu" => Ok(Device::Cpu),
        "cuda" => cuda().ok_or_else(|| {
            Error::invalid_parameter("shopml.device is cuda but no CUDA device is available").with_hint(
                if cfg!(feature = "cuda") {
                    "check the driver with nvidia-smi, or SET shopml.device = 'cpu'"
                } else {
                    "this build of shopml has no CUDA support: rebuild with --features cuda"
                },
            )
        }),
        "auto" => Ok(cuda().unwrap_or(Device::Cpu)),
        other => Err(Error::invalid_parameter(format!("unknown device \"{other}\""))),
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
