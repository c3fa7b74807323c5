#!/usr/bin/env python3
"""Second half of shopml-sentiment-zh-v1 and its peers, on the CPU (after `train.py --zh`); the
recipe of blend.py with n-grams that suit Chinese:

1. Hashed n-grams as blend.py's, except that every CJK ideograph is a word of its own (Chinese
   has no spaces: a run of ideographs would otherwise be one "word"), so unigrams and bigrams
   are character 1-2 grams inside Chinese text and word 1-2 grams around it. shopml's Rust side
   computes the same (src/models/ngrams.rs, `words` with cjk_chars).
2. The blend p(positive) = sigmoid(a * encoder_logit + b * ngram_logit + c), fitted on the
   validation texts (a seeded 10% of the train split, as train.py).
3. The peer (same splits, same run): scikit-learn TF-IDF over character 1-3 grams +
   LogisticRegression on the whole train split, C tuned by 3-fold CV on shuffled folds, and at C=1.

Writes models/sentiment_zh/ngrams.safetensors and blend_report.json.
Usage: blend_zh.py PACK_DIR (texts.npz from prepare_zh.py, logits.npz from train.py --zh)
"""
import csv
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold

import blend  # scripts/sentiment/, beside this script
import safetensors_file

BUCKETS = 1 << 20
OUT = "models/sentiment_zh"


def is_cjk(ch):
    c = ord(ch)
    return (0x4E00 <= c <= 0x9FFF or 0x3400 <= c <= 0x4DBF or 0x20000 <= c <= 0x2A6DF or 0x2A700 <= c <= 0x2B73F
            or 0x2B740 <= c <= 0x2B81F or 0x2B920 <= c <= 0x2CEAF or 0xF900 <= c <= 0xFAFF or 0x2F800 <= c <= 0x2FA1F)


def words(text):
    out, cur = [], []
    for ch in text.lower():
        if is_cjk(ch):
            if cur:
                out.append("".join(cur))
                cur = []
            out.append(ch)
        elif ch.isalnum():
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
        if len(out) >= blend.MAX_WORDS:
            return out[:blend.MAX_WORDS]
    if cur and len(out) < blend.MAX_WORDS:
        out.append("".join(cur))
    return out


def main():
    pack = sys.argv[1]
    t0 = time.time()
    blend.words = words  # blend.counts hashes what this returns
    blend.BUCKETS = BUCKETS
    z = np.load(os.path.join(pack, "texts.npz"))
    rows = list(csv.DictReader(open("data/chinese_reviews.csv", newline="", encoding="utf-8")))
    texts = [r["text"] for r in rows]
    y = np.array([1 if r["label"] == "positive" else 0 for r in rows])
    test = z["zh_test"]
    assert (test == np.array([r["split"] == "test" for r in rows])).all()
    train_idx = np.flatnonzero(~test)
    np.random.default_rng(42).shuffle(train_idx)  # train.py's validation split
    n_val = len(train_idx) // 10
    parts = {"val": train_idx[:n_val], "train": train_idx[n_val:], "test": np.flatnonzero(test)}
    data = {k: ([texts[i] for i in v], y[v]) for k, v in parts.items()}
    logits = np.load(os.path.join(pack, "logits.npz"))
    enc = {s: logits[f"zh_{s}"][:, 1] - logits[f"zh_{s}"][:, 0] for s in ("val", "test")}

    raw = {s: blend.counts(data[s][0]) for s in data}
    df = np.asarray((raw["train"] > 0).sum(0)).ravel()
    idf = np.log((1 + raw["train"].shape[0]) / (1 + df)) + 1.0
    idf = idf.astype(np.float16).astype(np.float64)
    xs = {s: blend.tfidf(raw[s], idf) for s in raw}
    best = None
    for c in (1.0, 4.0, 16.0, 64.0):
        clf = LogisticRegression(C=c, max_iter=3000).fit(xs["train"], data["train"][1])
        score = clf.score(xs["val"], data["val"][1])
        print(f"ngrams C={c}: validation accuracy {score:.4f}", flush=True)
        if best is None or score > best[0]:
            best = (score, c, clf)
    _, c_ngram, clf = best
    coef = clf.coef_.ravel().astype(np.float16).astype(np.float64)
    bias = float(clf.intercept_[0])
    ng = {s: xs[s] @ coef + bias for s in xs}
    mix = LogisticRegression(C=1e4, max_iter=1000).fit(np.c_[enc["val"], ng["val"]], data["val"][1])
    a, b = mix.coef_.ravel()
    c = mix.intercept_[0]
    yt = data["test"][1]
    res = {"encoder": blend.acc_f1((enc["test"] > 0).astype(int), yt), "ngrams": blend.acc_f1((ng["test"] > 0).astype(int), yt),
           "shopml": blend.acc_f1((a * enc["test"] + b * ng["test"] + c > 0).astype(int), yt), "test_rows": int(len(yt))}
    # The peer trains on the whole train split (train + validation): more than shopml's parts see.
    ttr = data["train"][0] + data["val"][0]
    ytr = np.concatenate([data["train"][1], data["val"][1]])
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    xtr = vec.fit_transform(ttr)
    grid = GridSearchCV(LogisticRegression(max_iter=2000), {"C": [0.25, 1, 4, 16, 64, 256]}, cv=KFold(3, shuffle=True, random_state=42), n_jobs=1)
    grid.fit(xtr, ytr)
    xte = vec.transform(data["test"][0])
    res["tfidf_char13_lr_cv"] = blend.acc_f1(grid.best_estimator_.predict(xte), yt) | {"C": grid.best_params_["C"]}
    res["tfidf_char13_lr_C1"] = blend.acc_f1(LogisticRegression(C=1, max_iter=2000).fit(xtr, ytr).predict(xte), yt)
    report = {"blend": {"encoder": round(float(a), 4), "ngrams": round(float(b), 4), "bias": round(float(c), 4), "ngram_C": c_ngram},
              "test": res, "seconds": round(time.time() - t0)}
    print(json.dumps(report, indent=1))
    meta = {"buckets": str(BUCKETS), "max_words": str(blend.MAX_WORDS), "hash": "fnv1a64", "words": "cjk_chars",
            "blend_encoder": repr(float(a)), "blend_ngrams": repr(float(b)), "blend_bias": repr(float(c)), "ngram_bias": repr(bias)}
    safetensors_file.write(f"{OUT}/ngrams.safetensors", {"ngram.weight": coef, "ngram.idf": idf}, meta, "F16")
    with open(f"{OUT}/blend_report.json", "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
