//! Distance kernel benchmarks.
//!
//! * `in_cache/*`: one pair of vectors that stays in L1, i.e. the kernel's compute speed.
//! * `scan/*`: one query against 256 MiB of vectors (far more than any L3), i.e. what a
//!   sequential scan sees. `scan/memory_sum` sums the same bytes with no distance work; it is
//!   the memory-bandwidth ceiling the kernels should approach.
//!
//! Throughput is in bytes read (criterion prints GB/s): 2 vectors per call in cache, the
//! dataset only (the query stays cached) in scans.
//!
//! Run: `cargo bench --no-default-features --bench distance` (append `-- --quick` for a short run).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shopml::core::distance::{self, scalar};
use std::hint::black_box;
use std::time::Duration;

const DIMS: [usize; 2] = [384, 1536];
const DATASET_BYTES: usize = 256 << 20;

type Kernel = fn(&[f32], &[f32]) -> f32;

/// The operator's own formula (src/core/distance), over the dispatched kernel.
fn cosine_distance(a: &[f32], b: &[f32]) -> f32 {
    distance::cosine_distance(a, b) as f32
}

/// The same formula over the scalar reference kernel.
fn scalar_cosine_distance(a: &[f32], b: &[f32]) -> f32 {
    distance::cosine_distance_from_parts(scalar::cosine_parts(a, b)) as f32
}

/// (name, dispatched kernel, scalar reference). Cosine is the `<=>` formula on `cosine_parts`.
const KERNELS: [(&str, Kernel, Kernel); 4] = [
    ("dot", distance::dot, scalar::dot),
    ("l2_squared", distance::l2_squared, scalar::l2_squared),
    ("cosine_parts", cosine_distance, scalar_cosine_distance),
    ("l1", distance::l1, scalar::l1),
];

/// Deterministic data in [-1, 1) without a rand dependency (64-bit LCG).
fn fill(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f32) / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

fn in_cache(c: &mut Criterion) {
    eprintln!("distance kernels: {}", distance::kernel_name());
    let mut g = c.benchmark_group("in_cache");
    g.measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    for dim in DIMS {
        let a = fill(dim, 1);
        let b = fill(dim, 2);
        g.throughput(Throughput::Bytes((2 * dim * 4) as u64));
        for (name, kernel, reference) in KERNELS {
            g.bench_with_input(BenchmarkId::new(name, dim), &dim, |bch, _| {
                bch.iter(|| kernel(black_box(&a), black_box(&b)))
            });
            g.bench_with_input(BenchmarkId::new(format!("scalar_{name}"), dim), &dim, |bch, _| {
                bch.iter(|| reference(black_box(&a), black_box(&b)))
            });
        }
    }
    g.finish();
}

/// Distance from `q` to every row; returns a sum so nothing can be optimised away.
#[inline(never)]
fn scan(data: &[f32], q: &[f32], kernel: Kernel) -> f32 {
    let mut acc = 0.0f32;
    for row in data.chunks_exact(q.len()) {
        acc += kernel(q, row);
    }
    acc
}

/// Memory-bandwidth baseline: plain f32 sum of the same bytes, 16 independent accumulators
/// so it is limited by memory, not by add latency.
#[inline(never)]
fn memory_sum(data: &[f32]) -> f32 {
    let mut acc = [0.0f32; 16];
    let mut chunks = data.chunks_exact(16);
    for c in &mut chunks {
        for k in 0..16 {
            acc[k] += c[k];
        }
    }
    acc.iter().sum::<f32>() + chunks.remainder().iter().sum::<f32>()
}

fn scans(c: &mut Criterion) {
    let mut g = c.benchmark_group("scan");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    for dim in DIMS {
        // One dataset at a time: 174,762 x 384 or 43,690 x 1536 floats (~256 MiB).
        let rows = DATASET_BYTES / (dim * 4);
        let data = fill(rows * dim, dim as u64);
        let q = fill(dim, 7);
        g.throughput(Throughput::Bytes((rows * dim * 4) as u64));
        g.bench_with_input(BenchmarkId::new("memory_sum", dim), &dim, |bch, _| {
            bch.iter(|| memory_sum(black_box(&data)))
        });
        for (name, kernel, reference) in KERNELS {
            g.bench_with_input(BenchmarkId::new(name, dim), &dim, |bch, _| {
                bch.iter(|| scan(black_box(&data), black_box(&q), kernel))
            });
            g.bench_with_input(BenchmarkId::new(format!("scalar_{name}"), dim), &dim, |bch, _| {
                bch.iter(|| scan(black_box(&data), black_box(&q), reference))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, in_cache, scans);
criterion_main!(benches);
