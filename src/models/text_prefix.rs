//! A bounded stand-in for a long text, with the same first word pieces.
//!
//! The model reads at most `max_tokens` word pieces, yet a Hugging Face tokenizer normalises and
//! splits the whole text before truncating: 10 MB of `'.,'` took 18 s and 4.8 GB. This module
//! walks the text once, as a stream, and keeps only what can reach the first `max_tokens` word
//! pieces, rewritten so that the tokenizer gives the same ids as it does for the whole text.
//!
//! It mirrors the BERT pipeline of the `tokenizers` crate (BertNormalizer, BertPreTokenizer,
//! WordPiece) and uses the same Unicode tables (unicode_categories, the NFD of
//! unicode-normalization-alignments):
//! 1. clean: drop NUL, U+FFFD and control characters; whitespace becomes one space;
//! 2. NFD, then drop non-spacing marks (strip accents); lowercasing is left to the tokenizer;
//! 3. words end at whitespace; punctuation and CJK ideographs are words of their own;
//! 4. a word of more than `max_word_chars` characters is one `[UNK]`, so its characters past
//!    that many are dropped;
//! 5. each word gives at least one word piece, so once `max_tokens` words are complete the rest
//!    of the text cannot change the first `max_tokens` ids.
//!
//! Every step keeps the tokenizer's output the same (the tokenizer's own normalisation of the
//! rewritten text is a no-op apart from lowercasing); `tests` checks this on adversarial text.

use unicode_categories::UnicodeCategories;
use unicode_normalization_alignments::char::canonical_combining_class;
use unicode_normalization_alignments::UnicodeNormalization;

/// The part of the tokenizer's configuration that the rewrite depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BertPrefix {
    /// Word pieces that matter (the model's `max_tokens`; counting the special tokens too
    /// leaves a margin).
    pub max_words: usize,
    /// WordPiece's `max_input_chars_per_word`.
    pub max_word_chars: usize,
}

/// The rewritten text, and whether it is `complete`: when true, text after what was read
/// (for example the rest of a value fetched only in part) cannot change the first ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounded {
    pub text: String,
    pub complete: bool,
}

/// Characters between two calls of the `tick` callback (cancellation checks).
const TICK_CHARS: usize = 1 << 16;

fn dropped_by_clean_text(c: char) -> bool {
    c == '\0' || c == '\u{fffd}' || (!matches!(c, '\t' | '\n' | '\r') && c.is_other())
}

fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

/// The ranges of BertNormalizer's `handle_chinese_chars`.
pub(crate) fn is_chinese_char(c: char) -> bool {
    matches!(
        c as u32,
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B920..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    )
}

fn is_bert_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

impl BertPrefix {
    /// The rule applies when `tokenizer_json` (the contents of tokenizer.json) describes the
    /// BERT pipeline above with accents stripped; `None` for any other tokenizer.
    pub fn from_tokenizer_json(tokenizer_json: &serde_json::Value, max_tokens: usize) -> Option<Self> {
        let norm = tokenizer_json.get("normalizer")?;
        let flag = |key: &str| norm.get(key).and_then(serde_json::Value::as_bool);
        let lowercase = flag("lowercase")?;
        let strip_accents = flag("strip_accents").unwrap_or(lowercase);
        let bert = norm.get("type")?.as_str()? == "BertNormalizer"
            && flag("clean_text")?
            && flag("handle_chinese_chars")?
            && strip_accents
            && tokenizer_json.get("pre_tokenizer")?.get("type")?.as_str()? == "BertPreTokenizer";
        let model = tokenizer_json.get("model")?;
        if !bert || model.get("type")?.as_str()? != "WordPiece" {
            return None;
        }
        let max_word_chars = model.get("max_input_chars_per_word")?.as_u64()? as usize;
        Some(BertPrefix { max_words: max_tokens, max_word_chars })
    }

    /// Rewrites `text` (see the module comment). `tick` runs every few thousand characters so
    /// that the caller can check for cancellation; the scan reads the text once, in order.
    pub fn bound(&self, text: &str, tick: &mut dyn FnMut()) -> Bounded {
        let mut out = String::new();
        let mut words = 0usize;
        let mut word_chars = 0usize;
        let mut after_space = true;
        let mut seen = 0usize;
        // Non-spacing marks are dropped before NFD too (their decompositions are all marks, and
        // NFD's stable reordering keeps the other characters in order), and runs of other
        // non-starters are cut once the word is surely one [UNK]: NFD buffers a run of
        // non-starters, and a run of a million marks must not become a million-entry buffer.
        let mut non_starters = 0usize;
        let cleaned = text.chars().filter_map(|c| {
            seen += 1;
            if seen % TICK_CHARS == 0 {
                tick();
            }
            if dropped_by_clean_text(c) || c.is_mark_nonspacing() {
                return None;
            }
            if canonical_combining_class(c) == 0 {
                non_starters = 0;
            } else {
                non_starters += 1;
                if non_starters > self.max_word_chars + 1 {
                    return None;
                }
            }
            Some(if is_whitespace(c) { ' ' } else { c })
        });
        for (c, _) in cleaned.nfd() {
            if c.is_mark_nonspacing() {
                continue;
            }
            if c.is_whitespace() {
                if word_chars > 0 {
                    words += 1;
                    word_chars = 0;
                }
                if words >= self.max_words {
                    return Bounded { text: out, complete: true };
                }
                if !after_space {
                    out.push(' ');
                    after_space = true;
                }
                continue;
            }
            after_space = false;
            if is_bert_punctuation(c) || is_chinese_char(c) {
                words += usize::from(word_chars > 0) + 1;
                word_chars = 0;
                out.push(c);
                if words >= self.max_words {
                    return Bounded { text: out, complete: true };
                }
                continue;
            }
            // A word char: kept up to one past the [UNK] length, since the word is one [UNK]
            // from there on however long it gets.
            if word_chars <= self.max_word_chars {
                out.push(c);
            }
            word_chars += 1;
        }
        Bounded { text: out, complete: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: BertPrefix = BertPrefix { max_words: 8, max_word_chars: 5 };

    fn bound(s: &str) -> Bounded {
        RULE.bound(s, &mut || {})
    }

    #[test]
    fn stops_after_enough_words_at_a_boundary() {
        let b = bound("one two three four five six seven eight nine ten");
        assert_eq!(b, Bounded { text: "one two three four five six seven eight".into(), complete: true });
        let b = bound(&".,".repeat(5_000_000));
        assert_eq!(b, Bounded { text: ".,.,.,.,".into(), complete: true });
        assert_eq!(bound("红色的运动鞋很好看啊"), Bounded { text: "红色的运动鞋很好".into(), complete: true });
    }

    #[test]
    fn short_texts_are_cleaned_but_incomplete() {
        assert_eq!(bound("  Café\u{0}\u{200b} \t\n  ok  "), Bounded { text: "Cafe ok ".into(), complete: false });
        assert_eq!(bound(""), Bounded { text: "".into(), complete: false });
    }

    #[test]
    fn long_words_keep_one_char_past_the_unk_length() {
        let b = bound(&format!("{} b", "a".repeat(10_000_000)));
        assert_eq!(b, Bounded { text: "aaaaaa b".into(), complete: false });
        let marks = format!("x{}y", "\u{0301}".repeat(1_000_000));
        assert_eq!(bound(&marks).text, "xy");
    }

    #[test]
    fn ticks_while_scanning() {
        let mut ticks = 0;
        let spaces = " ".repeat(1_000_000);
        RULE.bound(&spaces, &mut || ticks += 1);
        assert_eq!(ticks, 1_000_000 / TICK_CHARS);
    }

    #[test]
    fn reads_the_rule_from_tokenizer_json() {
        let json: serde_json::Value = serde_json::from_str(
            r#"{"normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                "strip_accents": null, "lowercase": true},
                "pre_tokenizer": {"type": "BertPreTokenizer"},
                "model": {"type": "WordPiece", "max_input_chars_per_word": 100}}"#,
        )
        .unwrap();
        assert_eq!(BertPrefix::from_tokenizer_json(&json, 256), Some(BertPrefix { max_words: 256, max_word_chars: 100 }));
        let mut cased = json.clone();
        cased["normalizer"]["lowercase"] = false.into();
        assert_eq!(BertPrefix::from_tokenizer_json(&cased, 256), None);
        let mut other = json;
        other["model"]["type"] = "Unigram".into();
        assert_eq!(BertPrefix::from_tokenizer_json(&other, 256), None);
    }
}
