//! Cold start: items that no user has interacted with yet get factors from their text
//! embeddings. A ridge regression W (embedding → factors) is fitted on the items that have both
//! an embedding and interactions, W = (EᵀE + λI)⁻¹ EᵀY, and each item without interactions is
//! placed at e·W, next to the items whose text is like its own. λ is 10% of EᵀE's mean
//! eigenvalue (its trace / dims). Dense algebra by nalgebra (gemm, Cholesky).

use crate::error::{Error, Result};
use nalgebra::DMatrix;

/// Replaces the factors of `cold` items (row-major `factors`, f per item) by their mapped
/// embeddings; `warm` lists the items the map is fitted on. `embedding(i)` gives item i's
/// embedding (all of one length). Returns how many items were placed.
pub fn place<'e>(factors: &mut [f32], f: usize, warm: &[u32], cold: &[u32], embedding: &dyn Fn(u32) -> &'e [f32]) -> Result<usize> {
    if cold.is_empty() {
        return Ok(0);
    }
    if warm.len() < 2 {
        return Err(Error::data("item_embeddings: fewer than 2 items have both an embedding and interactions"));
    }
    let d = embedding(warm[0]).len();
    // Column-major d × n of warm embeddings (one column per item) and f × n of their factors.
    let mut e = DMatrix::<f32>::zeros(d, warm.len());
    let mut y = DMatrix::<f32>::zeros(f, warm.len());
    for (c, &i) in warm.iter().enumerate() {
        e.column_mut(c).copy_from_slice(embedding(i));
        y.column_mut(c).copy_from_slice(&factors[i as usize * f..(i as usize + 1) * f]);
    }
    let mut gram = &e * e.transpose();
    let lambda = 0.1 * gram.trace() / d as f32;
    for k in 0..d {
        gram[(k, k)] += lambda.max(1e-6);
    }
    let rhs = &e * y.transpose(); // d × f
    let w = gram.cholesky().ok_or_else(|| Error::data("item_embeddings: the embeddings are degenerate (ridge system not positive definite)"))?.solve(&rhs);
    for &i in cold {
        let x = nalgebra::DVectorView::<f32>::from_slice(embedding(i), d);
        let mapped = w.tr_mul(&x); // f
        factors[i as usize * f..(i as usize + 1) * f].copy_from_slice(mapped.as_slice());
    }
    Ok(cold.len())
}
