#!/usr/bin/env python3
"""embed_text / embed_texts speed and memory, from SQL, on real reviews (r-cran-modeldata's
small_fine_foods, `make data`). Measures: first-call latency in a fresh backend (model load with
sha256 check), backend RSS before/after load, per-call latency of embed_text, and rows/s of
embed_text row by row vs embed_texts in batches of 32. Run by benches/run_embed_bench.sh.
"""
import csv
import statistics
import sys
import time

import psycopg

BATCHES = (1, 8, 32, 64)
CONN = "host=/tmp/shopml-ebench port=54332 user=postgres dbname=postgres"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def chart(results):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    xs = ["embed_text\n(row by row)"] + [f"embed_texts\nbatch {b}" for b in BATCHES]
    ys = [results["embed_text_rows_per_s"]] + [results[f"embed_texts_batch{b}_rows_per_s"] for b in BATCHES]
    ax.bar(xs, ys, color=["#888"] + ["#3a7"] * len(BATCHES))
    ax.set_ylabel("real reviews per second (higher is better)")
    ax.set_title(f"all-MiniLM-L6-v2 in SQL, 2 CPU cores, {int(results['rows'])} reviews")
    fig.tight_layout()
    fig.savefig("docs/embed_speed.png", dpi=110)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    with open("data/fine_foods_reviews.csv", newline="") as f:
        reviews = [r["review"] for r in csv.DictReader(f)][:n]
    with psycopg.connect(CONN, autocommit=True) as c:
        c.execute("CREATE EXTENSION IF NOT EXISTS shopml")
    results = {}
    with psycopg.connect(CONN, autocommit=True) as c:
        pid = c.execute("SELECT pg_backend_pid()").fetchone()[0]
        before = rss_kib(pid)
        t = time.perf_counter()
        c.execute("SELECT shopml.embed_text('first call loads the model')").fetchone()
        results["first_call_ms"] = (time.perf_counter() - t) * 1000
        results["rss_before_mib"] = before / 1024
        results["rss_after_load_mib"] = rss_kib(pid) / 1024
        short = "red running shoes"
        lat = []
        for _ in range(50):
            t = time.perf_counter()
            c.execute("SELECT shopml.embed_text(%s)", (short,)).fetchone()
            lat.append((time.perf_counter() - t) * 1000)
        results["per_call_ms_short_query"] = statistics.median(lat)
        c.execute("CREATE TEMP TABLE r (id int, review text)")
        with c.cursor().copy("COPY r FROM STDIN") as cp:
            for i, s in enumerate(reviews):
                cp.write_row((i, s))
        t = time.perf_counter()
        c.execute("SELECT count(shopml.embed_text(review)) FROM r").fetchone()
        single = time.perf_counter() - t
        results["rows"] = len(reviews)
        results["embed_text_rows_per_s"] = len(reviews) / single
        by_batch = {}
        for b in BATCHES:
            c.execute(f"SET shopml.batch_size = {b}")
            t = time.perf_counter()
            c.execute("SELECT cardinality(shopml.embed_texts(array_agg(review))) FROM r").fetchone()
            by_batch[b] = len(reviews) / (time.perf_counter() - t)
            results[f"embed_texts_batch{b}_rows_per_s"] = by_batch[b]
        results["rss_after_work_mib"] = rss_kib(pid) / 1024
        toks = c.execute("SELECT avg(length(review)) FROM r").fetchone()[0]
        results["avg_review_chars"] = float(toks)
    for k, v in results.items():
        print(f"{k:32s} {v:10.1f}")
    chart(results)
    with open("docs/embed_speed.md", "w") as f:
        f.write("| measure | value |\n|---|---|\n")
        for k, v in results.items():
            f.write(f"| {k} | {v:.1f} |\n")


if __name__ == "__main__":
    main()
