#!/usr/bin/env python3
"""Writes tests/fixtures/sentiment_ngrams.json: texts and the n-gram logit blend.py's code gives
them with the committed models/sentiment/ngrams.safetensors. The Rust side must agree
(src/models/sentiment.rs tests). Usage: ngram_fixture.py (from the repository root, after
`make data`)."""
import csv
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file
from safetensors import safe_open

sys.path.insert(0, os.path.dirname(__file__))
from blend import counts, tfidf  # noqa: E402

path = "models/sentiment/ngrams.safetensors"
t = load_file(path)
meta = safe_open(path, "np").metadata()
w, idf = t["ngram.weight"].astype(np.float64), t["ngram.idf"].astype(np.float64)
texts = ["", "   ", "Great product, I love it!", "Terrible. Never again.", "Don't buy: it's NOT good",
         "ÉCOLE Straße café ΣΊΣΥΦΟΣ", "很好 非常好", "a" * 300, "word " * 5000]
for f, col in (("data/fine_foods_reviews.csv", "review"), ("data/imdb_reviews.csv", "text"), ("data/airline_tweets.csv", "text")):
    texts += [r[col] for r in list(csv.DictReader(open(f, encoding="utf-8")))[:10]]
x = tfidf(counts(texts), idf)
logit = x @ w + float(meta["ngram_bias"])
with open("tests/fixtures/sentiment_ngrams.json", "w", encoding="utf-8") as f:
    json.dump([{"text": text, "ngram_logit": float(l)} for text, l in zip(texts, logit)], f, indent=0, ensure_ascii=False)
print(f"wrote {len(texts)} rows")
