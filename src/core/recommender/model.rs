//! A trained recommender as it is stored and served: ids, factors, each user's training items
//! (to leave out what a user has seen) and item popularity (the fallback for unknown users).
//! Stored in a small binary layout (a JSON header, then little-endian arrays) so that loading
//! 100k items takes milliseconds, not a JSON float parse.

use crate::core::distance::{dot, dot_cached, norm_squared, prefetch};
use crate::core::recommender::als::Params;
use crate::core::recommender::data::Csr;
use crate::error::{Error, Result, SqlState};
use serde::{Deserialize, Serialize};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

const MAGIC: &[u8; 8] = b"SHOPALS1";
/// Catalogues of at least this many factor values are scored in parallel chunks of SCAN_CHUNK items.
const PARALLEL_SCAN_FLOATS: usize = 1 << 20;
const SCAN_CHUNK: u32 = 8192;
const PREFETCH_ROWS: u32 = 16;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub params: Params,
    pub users: usize,
    pub items: usize,
    pub seen: usize,
    /// Whether every user (item) id is an integer: the bigint SQL overloads need it.
    pub integer_users: bool,
    pub integer_items: bool,
}

pub struct Model {
    pub header: Header,
    pub user_ids: Vec<String>,
    pub item_ids: Vec<String>,
    pub user_factors: Vec<f32>,
    pub item_factors: Vec<f32>,
    /// Users × items of the fit, values unused (the items each user has seen).
    pub seen: Csr,
    /// Share of users that interacted with each item.
    pub popularity: Vec<f32>,
    // Derived when built or loaded.
    user_index: HashMap<String, u32>,
    item_index: HashMap<String, u32>,
    item_norms: Vec<f32>,
    popular: Vec<u32>,
}

/// Best first: higher score, then lower item index (so ties are deterministic).
#[derive(PartialEq)]
struct Scored(f32, u32);
impl Eq for Scored {}
impl Ord for Scored {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(self.1.cmp(&o.1))
    }
}
impl PartialOrd for Scored {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The k best of (score, item) pairs, best first.
fn top_k(k: usize, scored: impl Iterator<Item = (f32, u32)>) -> Vec<(u32, f32)> {
    // A max-heap on "worse first" keeps the k best seen so far with the worst on top.
    // k comes from SQL (up to 2³¹): the heap grows with what is scored, not with k.
    let mut heap: BinaryHeap<Scored> = BinaryHeap::with_capacity(k.min(1024) + 1);
    for (s, i) in scored {
        if heap.len() < k {
            heap.push(Scored(s, i));
        } else if let Some(worst) = heap.peek() {
            if Scored(s, i) < *worst {
                heap.pop();
                heap.push(Scored(s, i));
            }
        }
    }
    heap.into_sorted_vec().into_iter().map(|Scored(s, i)| (i, s)).collect()
}

impl Model {
    #[allow(clippy::too_many_arguments)]
    pub fn new(header: Header, user_ids: Vec<String>, item_ids: Vec<String>, user_factors: Vec<f32>, item_factors: Vec<f32>, seen: Csr) -> Model {
        let mut counts = vec![0f32; item_ids.len()];
        for &i in &seen.indices {
            counts[i as usize] += 1.0;
        }
        let users = user_ids.len().max(1) as f32;
        let popularity = counts.iter().map(|c| c / users).collect();
        Model::assemble(header, user_ids, item_ids, user_factors, item_factors, seen, popularity)
    }

    fn assemble(header: Header, user_ids: Vec<String>, item_ids: Vec<String>, user_factors: Vec<f32>, item_factors: Vec<f32>, seen: Csr, popularity: Vec<f32>) -> Model {
        let f = header.params.factors;
        let user_index = user_ids.iter().enumerate().map(|(i, s)| (s.clone(), i as u32)).collect();
        let item_index = item_ids.iter().enumerate().map(|(i, s)| (s.clone(), i as u32)).collect();
        let item_norms = item_factors.chunks_exact(f).map(|v| norm_squared(v).sqrt()).collect();
        let mut popular: Vec<u32> = (0..item_ids.len() as u32).collect();
        popular.sort_by(|&a, &b| popularity[b as usize].total_cmp(&popularity[a as usize]).then(a.cmp(&b)));
        Model { header, user_ids, item_ids, user_factors, item_factors, seen, popularity, user_index, item_index, item_norms, popular }
    }

    pub fn user(&self, id: &str) -> Option<u32> {
        self.user_index.get(id).copied()
    }

    pub fn item(&self, id: &str) -> Option<u32> {
        self.item_index.get(id).copied()
    }

    fn factors(&self) -> usize {
        self.header.params.factors
    }

    pub fn user_vector(&self, u: u32) -> &[f32] {
        let f = self.factors();
        &self.user_factors[u as usize * f..(u as usize + 1) * f]
    }

    pub fn item_vector(&self, i: u32) -> &[f32] {
        let f = self.factors();
        &self.item_factors[i as usize * f..(i as usize + 1) * f]
    }

    /// The k best items for a known user with training items (x·y), or the k most popular for
    /// an unknown one (scored by popularity); `exclude_seen` leaves out the user's training items.
    pub fn recommend(&self, user: Option<u32>, k: usize, exclude_seen: bool) -> Vec<(u32, f32)> {
        let seen: &[u32] = match user {
            Some(u) if exclude_seen => self.seen.row(u as usize).0,
            _ => &[],
        };
        self.recommend_without(user, k, seen)
    }

    /// As `recommend`, leaving out the items of `seen` (sorted) instead of the user's own.
    pub fn recommend_without(&self, user: Option<u32>, k: usize, seen: &[u32]) -> Vec<(u32, f32)> {
        match user {
            Some(u) if !self.seen.row(u as usize).0.is_empty() => {
                let x = self.user_vector(u);
                // Scoring reads every item's factors (25 MB for 100k × 64): one core stalls on
                // memory, so large catalogues are scanned in parallel chunks, then merged.
                let scan = |lo: u32, hi: u32| {
                    let unseen = (lo..hi).filter(|i| seen.binary_search(i).is_err());
                    top_k(k, unseen.map(|i| {
                        // Rows are read in order: ask for the one PREFETCH_ROWS ahead now.
                        if i + PREFETCH_ROWS < hi {
                            prefetch(self.item_vector(i + PREFETCH_ROWS));
                        }
                        (dot_cached(x, self.item_vector(i)), i)
                    }))
                };
                let n = self.item_ids.len() as u32;
                if (n as usize) * self.factors() < PARALLEL_SCAN_FLOATS {
                    return scan(0, n);
                }
                let chunks: Vec<Vec<(u32, f32)>> = (0..n.div_ceil(SCAN_CHUNK)).into_par_iter().map(|c| scan(c * SCAN_CHUNK, ((c + 1) * SCAN_CHUNK).min(n))).collect();
                top_k(k, chunks.into_iter().flatten().map(|(i, s)| (s, i)))
            }
            _ => self.popular.iter().copied().filter(|i| seen.binary_search(i).is_err()).take(k).map(|i| (i, self.popularity[i as usize])).collect(),
        }
    }

    /// The k most popular items that user `u` has not seen (the baseline of the metrics).
    pub fn popular_unseen(&self, u: u32, k: usize) -> Vec<(u32, f32)> {
        let seen = self.seen.row(u as usize).0;
        self.popular.iter().copied().filter(|i| seen.binary_search(i).is_err()).take(k).map(|i| (i, self.popularity[i as usize])).collect()
    }

    /// The k items most like `item` by the cosine of their factors (the item itself left out).
    pub fn similar_items(&self, item: u32, k: usize) -> Vec<(u32, f32)> {
        let (v, n) = (self.item_vector(item), self.item_norms[item as usize]);
        let cos = |j: u32| {
            let d = n * self.item_norms[j as usize];
            if d > 0.0 { dot(v, self.item_vector(j)) / d } else { 0.0 }
        };
        top_k(k, (0..self.item_ids.len() as u32).filter(|&j| j != item).map(|j| (cos(j), j)))
    }

    /// Bytes this model takes in memory (for the model cache's budget).
    pub fn memory_bytes(&self) -> usize {
        let ids: usize = self.user_ids.iter().chain(&self.item_ids).map(|s| 2 * s.len() + 80).sum();
        ids + 4 * (self.user_factors.len() + self.item_factors.len() + 2 * self.seen.nnz() + 3 * self.item_ids.len()) + 8 * self.seen.indptr.len()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.memory_bytes());
        out.extend_from_slice(MAGIC);
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        out.extend_from_slice(&(header.len() as u64).to_le_bytes());
        out.extend_from_slice(&header);
        for id in self.user_ids.iter().chain(&self.item_ids) {
            out.extend_from_slice(&(id.len() as u32).to_le_bytes());
            out.extend_from_slice(id.as_bytes());
        }
        for x in self.user_factors.iter().chain(&self.item_factors).chain(&self.popularity) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for &p in &self.seen.indptr {
            out.extend_from_slice(&(p as u64).to_le_bytes());
        }
        for i in &self.seen.indices {
            out.extend_from_slice(&i.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
        let corrupt = || Error::new(SqlState::DataCorrupted, "the stored recommender is truncated or corrupt");
        let mut r = Reader { bytes, at: 0 };
        if r.take(8).ok_or_else(corrupt)? != MAGIC {
            return Err(corrupt());
        }
        let len = r.u64().ok_or_else(corrupt)? as usize;
        let header: Header = serde_json::from_slice(r.take(len).ok_or_else(corrupt)?).map_err(|_| corrupt())?;
        let f = header.params.factors;
        // Every count is checked against the bytes left before anything is allocated.
        let (users, items, seen) = (header.users, header.items, header.seen);
        let need = (users + items).checked_mul(f + 1).and_then(|n| n.checked_mul(4)).ok_or_else(corrupt)?;
        if f == 0 || need > bytes.len() || seen > bytes.len() / 4 {
            return Err(corrupt());
        }
        let mut ids = |n: usize| -> Result<Vec<String>> {
            (0..n)
                .map(|_| {
                    let len = r.u32().ok_or_else(corrupt)? as usize;
                    String::from_utf8(r.take(len).ok_or_else(corrupt)?.to_vec()).map_err(|_| corrupt())
                })
                .collect()
        };
        let user_ids = ids(users)?;
        let item_ids = ids(items)?;
        let user_factors = r.f32s(users * f).ok_or_else(corrupt)?;
        let item_factors = r.f32s(items * f).ok_or_else(corrupt)?;
        let popularity = r.f32s(items).ok_or_else(corrupt)?;
        let indptr: Vec<usize> = (0..=users).map(|_| r.u64().map(|v| v as usize)).collect::<Option<_>>().ok_or_else(corrupt)?;
        let indices: Vec<u32> = (0..seen).map(|_| r.u32()).collect::<Option<_>>().ok_or_else(corrupt)?;
        let valid = r.at == bytes.len()
            && indptr.first() == Some(&0)
            && indptr.last() == Some(&seen)
            && indptr.windows(2).all(|w| w[0] <= w[1])
            && indices.iter().all(|&i| (i as usize) < items);
        if !valid {
            return Err(corrupt());
        }
        let data = vec![1.0; seen];
        let seen = Csr { rows: users, cols: items, indptr, indices, data };
        Ok(Model::assemble(header, user_ids, item_ids, user_factors, item_factors, seen, popularity))
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn f32s(&mut self, n: usize) -> Option<Vec<f32>> {
        Some(self.take(n.checked_mul(4)?)?.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
}
