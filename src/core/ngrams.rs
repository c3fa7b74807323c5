//! Hashed word n-grams: the lexical half of the sentiment model, computed exactly as
//! scripts/sentiment/blend.py computes them when it trains (tests/fixtures check both agree).
//! Words are runs of letters and digits of the lower-cased text (at most MAX_WORDS); unigrams
//! and bigrams ("a b") are hashed with FNV-1a 64 into 2^k buckets, weighted (1 + ln tf)·idf,
//! and L2-normalised. For Chinese (`cjk_chars`, scripts/sentiment/blend_zh.py) every CJK
//! ideograph is a word of its own, so the n-grams are character 1-2 grams there.

use std::collections::HashMap;

pub const MAX_WORDS: usize = 4096;

pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The first MAX_WORDS words of `text`, lower-cased. `tick` runs every 64k characters.
pub fn words(text: &str, tick: &mut dyn FnMut()) -> Vec<String> {
    words_with(text, false, tick)
}

/// `words`, where with `cjk_chars` each CJK ideograph is also a word by itself.
pub fn words_with(text: &str, cjk_chars: bool, tick: &mut dyn FnMut()) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, ch) in lower.chars().enumerate() {
        if i % 65536 == 65535 {
            tick();
        }
        if cjk_chars && crate::models::text_prefix::is_chinese_char(ch) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(ch.to_string());
        } else if ch.is_alphanumeric() {
            cur.push(ch);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if out.len() >= MAX_WORDS {
            out.truncate(MAX_WORDS);
            return out;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Calls `each` with the bucket of every unigram and bigram ("a b") of `words`, in order.
pub fn for_each_bucket(words: &[String], buckets: usize, mut each: impl FnMut(usize)) {
    debug_assert!(buckets.is_power_of_two());
    let mask = (buckets - 1) as u64;
    for w in words {
        each((fnv1a(w.as_bytes()) & mask) as usize);
    }
    let mut pair = String::new();
    for p in words.windows(2) {
        pair.clear();
        pair.push_str(&p[0]);
        pair.push(' ');
        pair.push_str(&p[1]);
        each((fnv1a(pair.as_bytes()) & mask) as usize);
    }
}

/// (bucket, weight) of the L2-normalised tf-idf vector of `words`.
pub fn features(words: &[String], buckets: usize, idf: &[f32]) -> Vec<(usize, f64)> {
    debug_assert!(idf.len() == buckets);
    let mut tf: HashMap<usize, u32> = HashMap::new();
    for_each_bucket(words, buckets, |b| *tf.entry(b).or_default() += 1);
    let mut x: Vec<(usize, f64)> = tf.into_iter().map(|(b, n)| (b, (1.0 + (n as f64).ln()) * idf[b] as f64)).collect();
    let norm = x.iter().map(|(_, v)| v * v).sum::<f64>().sqrt().max(1e-12);
    x.iter_mut().for_each(|(_, v)| *v /= norm);
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn words_are_lowercased_alphanumeric_runs() {
        let w = words("Don't BUY it!!  Café<br />2 stars; 很好", &mut || {});
        assert_eq!(w, ["don", "t", "buy", "it", "café", "br", "2", "stars", "很好"]);
        let many = "w ".repeat(MAX_WORDS + 10);
        assert_eq!(words(&many, &mut || {}).len(), MAX_WORDS);
    }

    #[test]
    fn cjk_ideographs_are_words_of_their_own() {
        let w = words_with("这个手机很好用, Battery OK!", true, &mut || {});
        assert_eq!(w, ["这", "个", "手", "机", "很", "好", "用", "battery", "ok"]);
        assert_eq!(words_with("ab很c", true, &mut || {}), ["ab", "很", "c"]);
        assert_eq!(words_with(&"好".repeat(MAX_WORDS + 5), true, &mut || {}).len(), MAX_WORDS);
    }

    #[test]
    fn features_are_unit_length() {
        let idf = vec![1.5f32; 1 << 10];
        let w = words("good good bad", &mut || {});
        let x = features(&w, 1 << 10, &idf);
        let norm: f64 = x.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-9);
        assert!(features(&[], 1 << 10, &idf).is_empty());
    }
}
