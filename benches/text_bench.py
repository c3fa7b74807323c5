"""Sentiment and text classification, shopml from SQL beside its peers, in the same run, on the
same splits (`make data`):
1. classify_sentiment's accuracy on the three held-out test splits (fine foods, IMDB, airline
   tweets positive/negative), beside the peers blend.py measured on the same splits
   (models/sentiment/blend_report.json: TF-IDF + logistic regression in-domain and IMDB-trained;
   train_report.json: frozen MiniLM + logistic regression);
2. train_text_classifier on fine foods (package split) beside scikit-learn TF-IDF (1-2 grams) +
   LogisticRegression and frozen MiniLM embeddings (sentence-transformers) + LogisticRegression,
   C tuned by 3-fold CV for both, trained here now;
3. throughput on 512 real reviews, 2 threads: classify_sentiment per row, classify_sentiments
   batched, embed_texts batched.
Run by benches/run_text_bench.sh. Writes docs/sentiment.md and docs/sentiment.png.
"""
import csv
import json
import os
import time

import numpy as np
import psycopg

CONN = os.environ.get("SHOPML_CONN", "host=/tmp/shopml-tbench port=54333 user=postgres dbname=postgres")
MODEL_DIR = os.environ.get("SHOPML_MODEL", "/usr/share/postgresql/15/shopml/models/all-MiniLM-L6-v2")


def rows(path, text, label):
    with open(path, newline="", encoding="utf-8") as f:
        return [(r[text], r[label], r["split"]) for r in csv.DictReader(f)]


def acc_f1(y, p):
    y, p = np.asarray(y), np.asarray(p)
    f1 = []
    for c in sorted(set(y)):
        tp, wrong = ((p == c) & (y == c)).sum(), ((p == c) != (y == c)).sum()
        f1.append(2 * tp / max(2 * tp + wrong, 1))
    return float((y == p).mean()), float(np.mean(f1))


def sentiment_sql(c):
    sets = {
        "fine foods": [(t, l == "great") for t, l, s in rows("data/fine_foods_reviews.csv", "review", "score") if s == "test"],
        "IMDB": [(t, l == "positive") for t, l, s in rows("data/imdb_reviews.csv", "text", "label") if s == "test"],
        "airline tweets": [(t, l == "positive") for t, l, s in rows("data/airline_tweets.csv", "text", "label") if s == "test" and l != "neutral"],
    }
    out = {}
    for name, data in sets.items():
        labels = c.execute("SELECT (s).label FROM unnest(shopml.classify_sentiments(%s)) s", ([t for t, _ in data],)).fetchall()
        out[name] = acc_f1([y for _, y in data], [l[0] == "positive" for l in labels]) + (len(data),)
    return out


def classifier_sql(c):
    c.execute("DROP TABLE IF EXISTS public.ff")
    c.execute("CREATE TABLE public.ff (review text, score text, is_test boolean)")
    with c.cursor().copy("COPY public.ff FROM STDIN") as cp:
        for t, l, s in rows("data/fine_foods_reviews.csv", "review", "score"):
            cp.write_row((t, l, s == "test"))
    out = {}
    for label, opts in (("shopml train_text_classifier (words + embeddings)", {}), ("shopml train_text_classifier (words only)", {"embedding": False})):
        opts = {"test_column": "is_test"} | opts
        r = c.execute("SELECT accuracy, macro_f1, train_seconds FROM shopml.train_text_classifier('bench', 'public.ff', 'review', 'score', %s)", (json.dumps(opts),)).fetchone()
        out[label] = r
    c.execute("SELECT shopml.drop_model('bench')")
    c.execute("DROP TABLE public.ff")
    return out


def classifier_peers():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    data = rows("data/fine_foods_reviews.csv", "review", "score")
    tr = [(t, l) for t, l, s in data if s == "train"]
    te = [(t, l) for t, l, s in data if s == "test"]
    out = {}
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    grid = GridSearchCV(LogisticRegression(max_iter=1000), {"C": [1, 4, 16, 64, 256]}, cv=3).fit(vec.fit_transform([t for t, _ in tr]), [l for _, l in tr])
    pred = grid.predict(vec.transform([t for t, _ in te]))
    out["scikit-learn TF-IDF (1-2 grams) + LogisticRegression"] = acc_f1([l for _, l in te], pred) + (time.perf_counter() - t0,)
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    t0 = time.perf_counter()
    st = SentenceTransformer(MODEL_DIR, device="cpu")
    st.max_seq_length = 256
    e_tr = st.encode([t for t, _ in tr], batch_size=32)
    e_te = st.encode([t for t, _ in te], batch_size=32)
    grid = GridSearchCV(LogisticRegression(max_iter=2000), {"C": [0.1, 1, 10, 100]}, cv=3).fit(e_tr, [l for _, l in tr])
    out["frozen MiniLM embeddings + LogisticRegression"] = acc_f1([l for _, l in te], grid.predict(e_te)) + (time.perf_counter() - t0,)
    return out


def throughput(c):
    texts = [t for t, _, _ in rows("data/fine_foods_reviews.csv", "review", "score")][:512]
    out = {}
    c.execute("SELECT shopml.classify_sentiment('warm up'), shopml.embed_text('warm up')")
    t = time.perf_counter()
    for x in texts[:128]:
        c.execute("SELECT shopml.classify_sentiment(%s)", (x,)).fetchone()
    out["classify_sentiment, one row per call"] = 128 / (time.perf_counter() - t)
    t = time.perf_counter()
    c.execute("SELECT cardinality(shopml.classify_sentiments(%s))", (texts,)).fetchone()
    out["classify_sentiments, 512 per call"] = 512 / (time.perf_counter() - t)
    t = time.perf_counter()
    c.execute("SELECT cardinality(shopml.embed_texts(%s))", (texts,)).fetchone()
    out["embed_texts, 512 per call"] = 512 / (time.perf_counter() - t)
    return out


def main():
    here = os.getcwd()
    blend = json.load(open(os.path.join(here, "models/sentiment/blend_report.json")))["test"]
    frozen = json.load(open(os.path.join(here, "models/sentiment/train_report.json"))).get("frozen_minilm_lr_test", {})
    with psycopg.connect(CONN, autocommit=True) as c:
        c.execute("CREATE EXTENSION IF NOT EXISTS shopml")
        c.execute("SET client_min_messages = warning")
        sent = sentiment_sql(c)
        clf = classifier_sql(c)
        speed = throughput(c)
    peers = classifier_peers()
    keys = {"fine foods": "fine_foods", "IMDB": "imdb", "airline tweets": "airline"}
    lines = ["## classify_sentiment (shopml-sentiment-v1) on held-out real reviews", "",
             "| data (test rows) | shopml, from SQL | TF-IDF + LR, in-domain | TF-IDF + LR, IMDB-trained | frozen MiniLM + LR, in-domain |",
             "|---|---|---|---|---|"]
    for name, (a, f, n) in sent.items():
        k = keys[name]
        p, q, r = blend[k]["tfidf_lr_in_domain"], blend[k]["tfidf_lr_imdb_trained"], frozen.get(k, {})
        lines.append(f"| {name} ({n}) | **{a:.4f}** (macro-F1 {f:.4f}) | {p['accuracy']:.4f} ({p['macro_f1']:.4f}) | "
                     f"{q['accuracy']:.4f} ({q['macro_f1']:.4f}) | {r.get('accuracy', float('nan')):.4f} ({r.get('macro_f1', float('nan')):.4f}) |")
    lines += ["", "Accuracy (macro-F1). One shopml model for all three domains; each TF-IDF peer is trained on its own",
              "domain's train split (C by 3-fold CV), the IMDB-trained one shows a lexical model out of its domain.", "",
              "## train_text_classifier on fine foods (great vs other, the package's split), same run", "",
              "| method | accuracy | macro-F1 | train seconds |", "|---|---|---|---|"]
    for name, (a, f, s) in {**clf, **peers}.items():
        lines.append(f"| {name} | {a:.4f} | {f:.4f} | {s:.1f} |")
    lines += ["", "## Throughput, 512 real reviews, 2 threads", "", "| call | reviews/s |", "|---|---|"]
    lines += [f"| {k} | {v:.1f} |" for k, v in speed.items()]
    os.makedirs("docs", exist_ok=True)
    with open("docs/sentiment.md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = list(sent)
    series = {"shopml (one model)": [sent[n][0] for n in names],
              "TF-IDF + LR in-domain": [blend[keys[n]]["tfidf_lr_in_domain"]["accuracy"] for n in names],
              "TF-IDF + LR IMDB-trained": [blend[keys[n]]["tfidf_lr_imdb_trained"]["accuracy"] for n in names],
              "frozen MiniLM + LR": [frozen.get(keys[n], {}).get("accuracy", 0) for n in names]}
    fig, ax = plt.subplots(figsize=(8, 4))
    w = 0.2
    for i, (label, vals) in enumerate(series.items()):
        ax.bar(np.arange(len(names)) + (i - 1.5) * w, vals, w, label=label)
    ax.set_xticks(np.arange(len(names)), names)
    ax.set_ylim(0.6, 1.0)
    ax.set_ylabel("test accuracy")
    ax.set_title("Sentiment on held-out real reviews")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig("docs/sentiment.png", dpi=110)


if __name__ == "__main__":
    main()
