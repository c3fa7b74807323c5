#!/usr/bin/env python3
"""Writes tests/fixtures/sentiment_ngrams.json: texts and the n-gram logit blend.py's code gives
them with the committed models/sentiment/ngrams.safetensors (with --zh: sentiment_zh_ngrams.json,
blend_zh.py's character-aware words and models/sentiment_zh). The Rust side must agree
(src/models/sentiment.rs tests). Usage: ngram_fixture.py [--zh] (from the repository root,
after `make data`)."""
import csv
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file
from safetensors import safe_open

sys.path.insert(0, os.path.dirname(__file__))
import blend  # noqa: E402
from blend import counts, tfidf  # noqa: E402

ZH = "--zh" in sys.argv
if ZH:
    import blend_zh  # noqa: E402
    blend.words = blend_zh.words
path = "models/sentiment_zh/ngrams.safetensors" if ZH else "models/sentiment/ngrams.safetensors"
t = load_file(path)
meta = safe_open(path, "np").metadata()
w, idf = t["ngram.weight"].astype(np.float64), t["ngram.idf"].astype(np.float64)
texts = ["", "   ", "Great product, I love it!", "Terrible. Never again.", "Don't buy: it's NOT good",
         "ÉCOLE Straße café ΣΊΣΥΦΟΣ", "很好 非常好", "a" * 300, "word " * 5000]
texts += ["这个手机很好用，电池也耐用", "这款 laptop 的 keyboard 很好用", "𠮷野家", "好" * 5000, "ａｂｃ 很好ABC"]
sources = [("data/chinese_reviews.csv", "text")] if ZH else [
    ("data/fine_foods_reviews.csv", "review"), ("data/imdb_reviews.csv", "text"), ("data/airline_tweets.csv", "text")]
for f, col in sources:
    texts += [r[col] for r in list(csv.DictReader(open(f, encoding="utf-8")))[:(30 if ZH else 10)]]
x = tfidf(counts(texts), idf)
logit = x @ w + float(meta["ngram_bias"])
with open(f"tests/fixtures/sentiment{'_zh' if ZH else ''}_ngrams.json", "w", encoding="utf-8") as f:
    json.dump([{"text": text, "ngram_logit": float(l)} for text, l in zip(texts, logit)], f, indent=0, ensure_ascii=False)
print(f"wrote {len(texts)} rows")
