//! One fused kernel for a layer's whole self-attention in f16 on tensor cores (`--features cuda`,
//! GPUs of compute capability 8.0 and up): from the q/k/v projection [batch * seq, 3 * hidden]
//! (bias not yet added) to the context [batch * seq, hidden] with the heads merged. One block of
//! four warps per (text, head) holds that head's q, k and vᵀ in shared memory; each warp takes
//! 16 query rows: scores by `mma.sync` m16n8k16 in f32 registers, masked softmax in registers,
//! then probabilities (as f16) times v by `mma.sync` again. The scores never reach memory, which
//! is where the unfused path (cuBLAS, softmax, cuBLAS) spent most of its attention time.
//! Sequences up to 128 tokens and heads of 32 dimensions (all-MiniLM-L6-v2); other shapes take
//! the unfused path.

use crate::models::cuda_ops::{contiguous, count};
use candle_core::backend::BackendStorage;
use candle_core::cuda_backend::cudarc::driver::{LaunchConfig, PushKernelArg};
use candle_core::cuda_backend::cudarc::nvrtc;
use candle_core::cuda_backend::WrapErr;
use candle_core::{CpuStorage, CudaStorage, CustomOp2, CustomOp3, DType, Layout, Result, Shape, Tensor};
use std::sync::OnceLock;

/// Longest sequence and the head size the kernel is written for.
pub const MAX_SEQ: usize = 128;
pub const HEAD_DIM: usize = 32;

const SOURCE: &str = r#"
__device__ __forceinline__ unsigned pack2(float a, float b) { return (unsigned)f2h(a) | ((unsigned)f2h(b) << 16); }
// D (16x8, f32) += A (16x16, f16, row-major fragments) * B (16x8, f16, column fragments).
__device__ __forceinline__ void mma16816(float* c, const unsigned* a, unsigned b0, unsigned b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}
#define D 32
#define S_MAX 128
// Row strides of the shared tiles, padded so that the eight row groups of a fragment load hit
// different banks.
#define QK_STRIDE 40
#define V_STRIDE 136
// qkv: [batch * seq, 3 * hidden] before its bias; bias: [3 * hidden]; mask: f32 [batch, seq]
// (added to the scores) when has_mask; out: [batch * seq, hidden]. One block (128 threads) per
// (text, head). The query rows were scaled by 1/sqrt(D) in the weights.
extern "C" __global__ void attention_f16(const half_t* qkv, const half_t* bias, const float* mask, half_t* out,
                                         unsigned seq, unsigned heads, int has_mask) {
    __shared__ __align__(16) half_t sq[S_MAX * QK_STRIDE];
    __shared__ __align__(16) half_t sk[S_MAX * QK_STRIDE];
    __shared__ __align__(16) half_t svt[D * V_STRIDE];
    const unsigned b = blockIdx.x / heads, h = blockIdx.x % heads;
    const unsigned hidden = heads * D, s16 = (seq + 15) & ~15u;
    // Eight elements a thread, in 16-byte loads (offsets are multiples of 8: checked by the launch).
    for (unsigned i = threadIdx.x; i < s16 * (D / 8); i += blockDim.x) {
        unsigned r = i / (D / 8), c = (i % (D / 8)) * 8;
        float q[8], k[8], v[8];
        if (r < seq) {
            const half_t* src = qkv + (b * seq + r) * 3 * hidden + h * D + c;
            const half_t* bs = bias + h * D + c;
            float bq[8], bk[8], bv[8];
            ld8(src, 0, q); ld8(src, hidden, k); ld8(src, 2 * hidden, v);
            ld8(bs, 0, bq); ld8(bs, hidden, bk); ld8(bs, 2 * hidden, bv);
#pragma unroll
            for (int j = 0; j < 8; j++) { q[j] += bq[j]; k[j] += bk[j]; v[j] += bv[j]; }
        } else {
#pragma unroll
            for (int j = 0; j < 8; j++) q[j] = k[j] = v[j] = 0.0f;
        }
        st8(sq, r * QK_STRIDE + c, q);
        st8(sk, r * QK_STRIDE + c, k);
#pragma unroll
        for (int j = 0; j < 8; j++) svt[(c + j) * V_STRIDE + r] = f2h(v[j]);
    }
    __syncthreads();
    const unsigned warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
    const unsigned key_tiles = s16 / 8;
    const float neg_inf = __int_as_float(0xff800000);
    for (unsigned rt = warp; rt < s16 / 16; rt += 4) {
        const unsigned r0 = rt * 16;
        unsigned qa[2][4];
#pragma unroll
        for (int ks = 0; ks < 2; ks++) {
            unsigned c0 = ks * 16 + 2 * t;
            qa[ks][0] = *reinterpret_cast<const unsigned*>(&sq[(r0 + g) * QK_STRIDE + c0]);
            qa[ks][1] = *reinterpret_cast<const unsigned*>(&sq[(r0 + g + 8) * QK_STRIDE + c0]);
            qa[ks][2] = *reinterpret_cast<const unsigned*>(&sq[(r0 + g) * QK_STRIDE + c0 + 8]);
            qa[ks][3] = *reinterpret_cast<const unsigned*>(&sq[(r0 + g + 8) * QK_STRIDE + c0 + 8]);
        }
        float sc[16][4];
        float mx0 = neg_inf, mx1 = neg_inf;
#pragma unroll
        for (int nt = 0; nt < 16; nt++) {
            sc[nt][0] = sc[nt][1] = sc[nt][2] = sc[nt][3] = 0.0f;
            if (nt < key_tiles) {
#pragma unroll
                for (int ks = 0; ks < 2; ks++) {
                    const half_t* kr = &sk[(nt * 8 + g) * QK_STRIDE + ks * 16 + 2 * t];
                    mma16816(sc[nt], qa[ks], *reinterpret_cast<const unsigned*>(kr), *reinterpret_cast<const unsigned*>(kr + 8));
                }
            }
#pragma unroll
            for (int j = 0; j < 2; j++) {
                unsigned key = nt * 8 + 2 * t + j;
                float add = key < seq ? (has_mask ? mask[b * seq + key] : 0.0f) : neg_inf;
                sc[nt][j] += add;
                sc[nt][2 + j] += add;
                mx0 = fmaxf(mx0, sc[nt][j]);
                mx1 = fmaxf(mx1, sc[nt][2 + j]);
            }
        }
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 1));
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 2));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 1));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 2));
        float sum0 = 0.0f, sum1 = 0.0f;
#pragma unroll
        for (int nt = 0; nt < 16; nt++) {
#pragma unroll
            for (int j = 0; j < 2; j++) {
                sc[nt][j] = __expf(sc[nt][j] - mx0);
                sc[nt][2 + j] = __expf(sc[nt][2 + j] - mx1);
                sum0 += sc[nt][j];
                sum1 += sc[nt][2 + j];
            }
        }
        sum0 += __shfl_xor_sync(0xffffffffu, sum0, 1);
        sum0 += __shfl_xor_sync(0xffffffffu, sum0, 2);
        sum1 += __shfl_xor_sync(0xffffffffu, sum1, 1);
        sum1 += __shfl_xor_sync(0xffffffffu, sum1, 2);
        float o[4][4];
#pragma unroll
        for (int n = 0; n < 4; n++) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
#pragma unroll
        for (int kt = 0; kt < 8; kt++) {
            if (kt < s16 / 16) {
                // Two 16x8 score tiles are one 16x16 A fragment of probabilities.
                unsigned pa[4] = {pack2(sc[2 * kt][0], sc[2 * kt][1]), pack2(sc[2 * kt][2], sc[2 * kt][3]),
                                  pack2(sc[2 * kt + 1][0], sc[2 * kt + 1][1]), pack2(sc[2 * kt + 1][2], sc[2 * kt + 1][3])};
#pragma unroll
                for (int n = 0; n < 4; n++) {
                    const half_t* vr = &svt[(n * 8 + g) * V_STRIDE + kt * 16 + 2 * t];
                    mma16816(o[n], pa, *reinterpret_cast<const unsigned*>(vr), *reinterpret_cast<const unsigned*>(vr + 8));
                }
            }
        }
        const float inv0 = 1.0f / sum0, inv1 = 1.0f / sum1;
        const unsigned row0 = r0 + g, row1 = r0 + g + 8;
#pragma unroll
        for (int n = 0; n < 4; n++) {
            unsigned col = h * D + n * 8 + 2 * t;
            if (row0 < seq) *reinterpret_cast<unsigned*>(&out[(b * seq + row0) * hidden + col]) = pack2(o[n][0] * inv0, o[n][1] * inv0);
            if (row1 < seq) *reinterpret_cast<unsigned*>(&out[(b * seq + row1) * hidden + col]) = pack2(o[n][2] * inv1, o[n][3] * inv1);
        }
    }
}
"#;

const MODULE: &str = "shopml_attention";

/// The kernel compiled for compute capability 8.0 (`mma.sync` m16n8k16 needs it).
pub fn ptx() -> Result<&'static str> {
    static PTX: OnceLock<std::result::Result<String, String>> = OnceLock::new();
    PTX.get_or_init(|| {
        let opts = nvrtc::CompileOptions { arch: Some("compute_80"), ..Default::default() };
        nvrtc::compile_ptx_with_opts(format!("{}{SOURCE}", crate::models::cuda_ops::PRELUDE), opts).map(|p| p.to_src()).map_err(|e| format!("{e:?}"))
    })
    .as_deref()
    .map_err(|e| candle_core::Error::Msg(format!("compiling the fused attention kernel: {e}")))
}

/// Whether `fused` applies: f16, heads of 32, sequences of at most 128, on a GPU that loads the
/// kernel (compute capability 8.0 and up; tried once per process, older GPUs take the unfused path).
pub fn applies(device: &candle_core::Device, dtype: DType, head_dim: usize, seq: usize) -> bool {
    static LOADS: OnceLock<bool> = OnceLock::new();
    dtype == DType::F16
        && head_dim == HEAD_DIM
        && seq <= MAX_SEQ
        && *LOADS.get_or_init(|| match device {
            candle_core::Device::Cuda(dev) => ptx().and_then(|p| dev.get_or_load_custom_func("attention_f16", MODULE, p)).is_ok(),
            _ => false,
        })
}

/// Self-attention of the q/k/v projection `qkv` [batch * seq, 3 * heads * 32] (before `bias`),
/// with `mask` (f32 [batch, seq], added to the scores) when some texts are padded; the context
/// [batch * seq, heads * 32].
pub fn fused(qkv: &Tensor, bias: &Tensor, mask: Option<&Tensor>, batch: usize, seq: usize, heads: usize) -> Result<Tensor> {
    let op = Attention { batch, seq, heads };
    match mask {
        Some(m) => qkv.apply_op3_no_bwd(bias, m, &op),
        None => qkv.apply_op2_no_bwd(bias, &op),
    }
}

struct Attention {
    batch: usize,
    seq: usize,
    heads: usize,
}

impl Attention {
    fn run(&self, x: &CudaStorage, xl: &Layout, b: &CudaStorage, bl: &Layout, mask: Option<(&CudaStorage, &Layout)>) -> Result<(CudaStorage, Shape)> {
        let (batch, seq, heads) = (self.batch, self.seq, self.heads);
        let hidden = heads * HEAD_DIM;
        if x.dtype() != DType::F16 || seq == 0 || seq > MAX_SEQ || xl.shape().elem_count() != batch * seq * 3 * hidden || bl.shape().elem_count() != 3 * hidden {
            candle_core::bail!("attention: {:?} is not f16 [{batch} * {seq}, 3 * {hidden}]", xl.shape());
        }
        let dev = &x.device;
        let n = count(batch * seq * hidden)?;
        let (xo, bo) = (contiguous(xl, "attention")?, contiguous(bl, "attention")?);
        if xo % 8 != 0 || bo % 8 != 0 {
            candle_core::bail!("attention: inputs must start on a 16-byte boundary");
        }
        let xs = x.as_cuda_slice::<half::f16>()?.slice(xo..);
        let bs = b.as_cuda_slice::<half::f16>()?.slice(bo..);
        let placeholder;
        let (ms, has) = match mask {
            Some((m, ml)) => {
                if ml.shape().elem_count() != batch * seq {
                    candle_core::bail!("attention: mask {:?} is not [{batch}, {seq}]", ml.shape());
                }
                (m.as_cuda_slice::<f32>()?.slice(contiguous(ml, "attention")?..), 1i32)
            }
            None => {
                placeholder = dev.alloc_zeros::<f32>(1)?;
                (placeholder.slice(..), 0i32)
            }
        };
        // SAFETY: every element is written by the kernel (each row < seq of each head).
        let mut o = unsafe { dev.alloc::<half::f16>(n as usize) }?;
        let f = dev.get_or_load_custom_func("attention_f16", MODULE, ptx()?)?;
        let (s, hh) = (seq as u32, heads as u32);
        let mut l = f.builder();
        l.arg(&xs).arg(&bs).arg(&ms).arg(&mut o).arg(&s).arg(&hh).arg(&has);
        let blocks = count(batch * heads)?;
        // SAFETY: argument types match the kernel; shapes checked above; 4 warps per block.
        unsafe { l.launch(LaunchConfig { grid_dim: (blocks, 1, 1), block_dim: (128, 1, 1), shared_mem_bytes: 0 }) }.w()?;
        Ok((CudaStorage::wrap_cuda_slice(o, dev.clone()), Shape::from((batch * seq, hidden))))
    }
}

impl CustomOp2 for Attention {
    fn name(&self) -> &'static str {
        "fused-attention"
    }
    fn cpu_fwd(&self, _: &CpuStorage, _: &Layout, _: &CpuStorage, _: &Layout) -> Result<(CpuStorage, Shape)> {
        candle_core::bail!("fused-attention runs on CUDA only")
    }
    fn cuda_fwd(&self, x: &CudaStorage, xl: &Layout, b: &CudaStorage, bl: &Layout) -> Result<(CudaStorage, Shape)> {
        self.run(x, xl, b, bl, None)
    }
}

impl CustomOp3 for Attention {
    fn name(&self) -> &'static str {
        "fused-attention"
    }
    fn cpu_fwd(&self, _: &CpuStorage, _: &Layout, _: &CpuStorage, _: &Layout, _: &CpuStorage, _: &Layout) -> Result<(CpuStorage, Shape)> {
        candle_core::bail!("fused-attention runs on CUDA only")
    }
    fn cuda_fwd(&self, x: &CudaStorage, xl: &Layout, b: &CudaStorage, bl: &Layout, m: &CudaStorage, ml: &Layout) -> Result<(CudaStorage, Shape)> {
        self.run(x, xl, b, bl, Some((m, ml)))
    }
}
