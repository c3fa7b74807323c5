#!/usr/bin/env python3
"""Second half of shopml's sentiment model, and the peers, on the CPU (after train.py):

1. A hashed word n-gram model: words are runs of letters/digits of the lower-cased text (the
   first 4,096), unigrams and bigrams are hashed (FNV-1a 64) into 2^20 buckets, weighted
   (1 + ln tf) * idf and L2-normalised, then a logistic regression (C picked on validation),
   trained once on the train splits of all three domains (fine foods x3, tweets x2, as train.py).
   shopml's Rust side computes the same features (src/models/sentiment.rs).
2. The blend: p(positive) = sigmoid(a * encoder_logit + b * ngram_logit + c), a, b, c fitted on
   the validation texts (which neither part trained on). The encoder (train.py's LoRA adapter)
   reads the first 256 word pieces; the n-grams read the whole review: they see different things.
3. The peers, same splits, same run: scikit-learn TF-IDF (word 1-2 grams) + LogisticRegression,
   C tuned by 3-fold CV on each domain's own train split, and the IMDB-trained one on the others.

Writes models/sentiment/ngrams.safetensors (weights and idf as float16, blend in its metadata)
and models/sentiment/blend_report.json. Usage: blend.py PACK_DIR (holds texts from prepare.py's
CSVs and train.py's logits.npz)
"""
import csv
import json
import math
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

import safetensors_file  # scripts/sentiment/, beside this script

BUCKETS = 1 << 20
MAX_WORDS = 4096
DOMAINS = ["fine_foods", "imdb", "airline"]
FILES = {"fine_foods": ("fine_foods_reviews.csv", "review", "score", {"great": 1, "other": 0}),
         "imdb": ("imdb_reviews.csv", "text", "label", {"positive": 1, "negative": 0}),
         "airline": ("airline_tweets.csv", "text", "label", {"positive": 1, "negative": 0, "neutral": 2})}
REPEAT = {"fine_foods": 3, "imdb": 1, "airline": 2}


def words(text):
    out, cur = [], []
    for ch in text.lower():
        if ch.isalnum():
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
            if len(out) == MAX_WORDS:
                return out
    if cur and len(out) < MAX_WORDS:
        out.append("".join(cur))
    return out


def fnv1a(s):
    h = 0xcbf29ce484222325
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def counts(texts):
    rows, cols, vals = [], [], []
    for r, t in enumerate(texts):
        w = words(t)
        c = {}
        for g in w + [a + " " + b for a, b in zip(w, w[1:])]:
            k = fnv1a(g) & (BUCKETS - 1)
            c[k] = c.get(k, 0) + 1
        rows += [r] * len(c)
        cols += list(c)
        vals += list(c.values())
    return sp.csr_matrix((np.array(vals, np.float64), (rows, cols)), shape=(len(texts), BUCKETS))


def tfidf(m, idf):
    m = m.copy()
    m.data = 1.0 + np.log(m.data)
    m = m @ sp.diags(idf)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(1)).ravel())
    return sp.diags(1.0 / np.maximum(norms, 1e-12)) @ m


def load(pack):
    """The same splits as train.py: validation = a seeded 10% of each train split."""
    z = np.load(os.path.join(pack, "texts.npz"))
    out = {}
    for d in DOMAINS:
        file, tcol, lcol, classes = FILES[d]
        rows = list(csv.DictReader(open(os.path.join("data", file), newline="", encoding="utf-8")))
        texts = [r[tcol] for r in rows]
        y = np.array([classes[r[lcol]] for r in rows])
        test = z[f"{d}_test"]
        assert (test == np.array([r["split"] == "test" for r in rows])).all()
        train_idx = np.flatnonzero(~test)
        np.random.default_rng(42).shuffle(train_idx)
        n_val = len(train_idx) // 10
        parts = {"val": train_idx[:n_val], "train": train_idx[n_val:], "test": np.flatnonzero(test)}
        out[d] = {k: ([texts[i] for i in v], y[v]) for k, v in parts.items()}
    return out


def binary(texts, y, extra=None):
    keep = np.flatnonzero(y != 2)
    return [texts[i] for i in keep], y[keep], (None if extra is None else extra[keep])


def acc_f1(pred, y):
    f1 = []
    for c in (0, 1):
        tp, fp, fn = ((pred == c) & (y == c)).sum(), ((pred == c) & (y != c)).sum(), ((pred != c) & (y == c)).sum()
        f1.append(2 * tp / max(2 * tp + fp + fn, 1))
    return {"accuracy": round(float((pred == y).mean()), 4), "macro_f1": round(float(np.mean(f1)), 4)}


def main():
    pack = sys.argv[1]
    t0 = time.time()
    data = load(pack)
    logits = np.load(os.path.join(pack, "logits.npz"))
    enc = {(d, s): logits[f"{d}_{s}"][:, 1] - logits[f"{d}_{s}"][:, 0] for d in DOMAINS for s in ("val", "test")}
    report = {}

    # 1. The n-gram model on every domain's train split.
    tr = [binary(*data[d]["train"]) for d in DOMAINS]
    raw = {(d, s): counts(binary(*data[d][s])[0]) for d in DOMAINS for s in ("train", "val", "test")}
    x_train = sp.vstack([raw[(d, "train")] for d in DOMAINS])
    df = np.asarray((x_train > 0).sum(0)).ravel()
    idf = np.log((1 + x_train.shape[0]) / (1 + df)) + 1.0
    idf = idf.astype(np.float16).astype(np.float64)  # what the Rust side will read
    y_train = np.concatenate([t[1] for t in tr])
    w_train = np.concatenate([np.full(len(t[1]), REPEAT[d], float) for d, t in zip(DOMAINS, tr)])
    xs = {k: tfidf(v, idf) for k, v in raw.items()}
    x_tr = sp.vstack([xs[(d, "train")] for d in DOMAINS])
    best = None
    for c in (4.0, 16.0, 64.0):
        clf = LogisticRegression(C=c, max_iter=3000).fit(x_tr, y_train, sample_weight=w_train)
        score = np.mean([clf.score(xs[(d, "val")], binary(*data[d]["val"])[1]) for d in DOMAINS])
        print(f"ngrams C={c}: mean validation accuracy {score:.4f}", flush=True)
        if best is None or score > best[0]:
            best = (score, c, clf)
    _, c_ngram, clf = best
    coef = clf.coef_.ravel().astype(np.float16).astype(np.float64)
    bias = float(clf.intercept_[0])
    ng = {k: xs[k] @ coef + bias for k in xs}

    # 2. The blend, fitted on validation.
    val_enc = np.concatenate([binary(*data[d]["val"], enc[(d, "val")])[2] for d in DOMAINS])
    val_ng = np.concatenate([ng[(d, "val")] for d in DOMAINS])
    val_y = np.concatenate([binary(*data[d]["val"])[1] for d in DOMAINS])
    blend = LogisticRegression(C=1e4, max_iter=1000).fit(np.c_[val_enc, val_ng], val_y)
    a, b = blend.coef_.ravel()
    c = blend.intercept_[0]
    report["blend"] = {"encoder": round(float(a), 4), "ngrams": round(float(b), 4), "bias": round(float(c), 4), "ngram_C": c_ngram}

    # 3. Test: each part, the blend, and the peers.
    res = {}
    for d in DOMAINS:
        t, y, e = binary(*data[d]["test"], enc[(d, "test")])
        n = ng[(d, "test")]
        res[d] = {"encoder": acc_f1((e > 0).astype(int), y), "ngrams": acc_f1((n > 0).astype(int), y),
                  "shopml": acc_f1((a * e + b * n + c > 0).astype(int), y), "test_rows": len(y)}
    print(json.dumps(res, indent=1), flush=True)
    peers = {}
    for d in DOMAINS:
        # The peer trains on the whole train split (train + validation): more than shopml sees.
        ttr, ytr, _ = binary(data[d]["train"][0] + data[d]["val"][0], np.concatenate([data[d]["train"][1], data[d]["val"][1]]))
        grid = GridSearchCV(LogisticRegression(max_iter=1000), {"C": [1, 4, 16, 64]}, cv=3, n_jobs=1)
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        grid.fit(vec.fit_transform(ttr), ytr)
        peers[d] = (vec, grid.best_estimator_, grid.best_params_["C"])
        print(f"peer tfidf {d}: C={grid.best_params_['C']} ({time.time() - t0:.0f} s)", flush=True)
    for d in DOMAINS:
        t, y, _ = binary(*data[d]["test"])
        vec, lr, cbest = peers[d]
        res[d]["tfidf_lr_in_domain"] = acc_f1(lr.predict(vec.transform(t)), y) | {"C": cbest}
        vec, lr, _ = peers["imdb"]
        res[d]["tfidf_lr_imdb_trained"] = acc_f1(lr.predict(vec.transform(t)), y)
    report["test"] = res
    report["seconds"] = round(time.time() - t0)
    print(json.dumps(res, indent=1))
    meta = {"buckets": str(BUCKETS), "max_words": str(MAX_WORDS), "hash": "fnv1a64",
            "blend_encoder": repr(float(a)), "blend_ngrams": repr(float(b)), "blend_bias": repr(float(c)), "ngram_bias": repr(bias)}
    safetensors_file.write("models/sentiment/ngrams.safetensors", {"ngram.weight": coef, "ngram.idf": idf}, meta, "F16")
    with open("models/sentiment/blend_report.json", "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
