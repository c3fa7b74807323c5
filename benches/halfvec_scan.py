"""Exact top-10 scans of vector vs halfvec (and the binary-quantized scan with a float re-rank),
same data, same run, serial (max_parallel_workers_per_gather = 0), tables warm in shared buffers.
Data: --rows random unit vectors of 384 dimensions (benches/exact_search.py's generator, seed 42),
20 random unit queries. halfvec rows are the vector rows cast (rounded to binary16); recall@10 of
each method is against the exact float32 answer. Run by benches/run_halfvec_bench.sh; writes
docs/halfvec_scan.md. Random vectors are the hard case for binary quantization (real embeddings
are far more clustered): its recall here is a floor, not what a shop's embeddings get.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from exact_search import DIM, K, load, make_data, vec_text, write_copy_file  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402

CONN = os.environ.get("SHOPML_CONN", "host=/tmp/shopml-bench port=54331 user=postgres dbname=postgres")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--npy", help="real vectors (float32 .npy of 384 columns, e.g. benches/make_minilm_vectors.py's) instead of random ones")
    ap.add_argument("--out", default="docs/halfvec_scan.md")
    a = ap.parse_args()
    if a.npy:
        # Real embeddings: a seeded sample of rows, the next rows as queries (the last is the warm-up).
        v = np.load(a.npy, mmap_mode="r")
        order = np.random.default_rng(42).permutation(len(v))
        a.rows = min(a.rows, len(v) - a.queries - 1)
        x = np.ascontiguousarray(v[np.sort(order[:a.rows])], dtype=np.float32)
        q = np.ascontiguousarray(v[order[a.rows:a.rows + a.queries + 1]], dtype=np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
    else:
        x, q = make_data(a.rows, a.queries, 42)
    truth = [set(np.argsort(-(x @ v))[:K].tolist()) for v in q[:-1]]
    with psycopg.connect(CONN, autocommit=True) as c:
        c.execute("CREATE EXTENSION IF NOT EXISTS shopml")
        with tempfile.NamedTemporaryFile(suffix=".copy") as f:
            write_copy_file(f.name, x)
            t_copy, _ = load(c, f.name, "items", "shopml")
        t = time.perf_counter()
        c.execute("DROP TABLE IF EXISTS items_h")
        c.execute(f"CREATE TABLE items_h AS SELECT id, embedding::shopml.halfvec({DIM}) AS embedding, "
                  f"shopml.binary_quantize(embedding)::bit({DIM}) AS bits FROM items")
        c.execute("VACUUM ANALYZE items_h")
        # The bits alone in a narrow table (9x fewer pages to scan), re-ranked through a btree on id.
        c.execute("DROP TABLE IF EXISTS items_b")
        c.execute("CREATE TABLE items_b AS SELECT id, bits FROM items_h")
        c.execute("CREATE INDEX ON items_h (id)")
        c.execute("VACUUM ANALYZE items_b")
        t_h = time.perf_counter() - t
        c.execute("SET max_parallel_workers_per_gather = 0")
        for tbl in ("items", "items_h", "items_b"):
            c.execute(f"SELECT count(*) FROM {tbl}").fetchone()
        sizes = {t: c.execute("SELECT pg_table_size(%s::regclass)", (t,)).fetchone()[0] for t in ("items", "items_h")}
        methods = {
            "vector <=> (float32)": "SELECT id FROM items ORDER BY embedding OPERATOR(shopml.<=>) %s::shopml.vector LIMIT 10",
            "halfvec <=>": "SELECT id FROM items_h ORDER BY embedding OPERATOR(shopml.<=>) %s::shopml.halfvec LIMIT 10",
            # The first form carries each row's halfvec through the top-100 sort; the second sorts
            # only row addresses (ctid) and fetches the candidates' halfvecs by TID scan after.
            "bit <~> top 100, re-ranked by halfvec <=>":
                "SELECT id FROM (SELECT id, embedding FROM items_h ORDER BY bits OPERATOR(shopml.<~>) shopml.binary_quantize(%s::shopml.vector)::bit(384) LIMIT 100) s "
                "ORDER BY embedding OPERATOR(shopml.<=>) %s::shopml.halfvec LIMIT 10",
        }
        for n in (100, 200, 400):
            methods[f"bit <~> top {n} ctids, re-ranked by halfvec <=>"] = (
                "SELECT id FROM items_h WHERE ctid = ANY(ARRAY(SELECT ctid FROM items_h "
                f"ORDER BY bits OPERATOR(shopml.<~>) shopml.binary_quantize(%s::shopml.vector)::bit(384) LIMIT {n})) "
                "ORDER BY embedding OPERATOR(shopml.<=>) %s::shopml.halfvec LIMIT 10")
        methods["bits in their own table, top 400 ids, re-ranked by halfvec <=>"] = (
            "SELECT id FROM items_h WHERE id = ANY(ARRAY(SELECT id FROM items_b "
            "ORDER BY bits OPERATOR(shopml.<~>) shopml.binary_quantize(%s::shopml.vector)::bit(384) LIMIT 400)) "
            "ORDER BY embedding OPERATOR(shopml.<=>) %s::shopml.halfvec LIMIT 10")
        out = {}
        for name, sql in methods.items():
            n_params = sql.count("%s")
            c.execute(sql, (vec_text(q[-1]),) * n_params).fetchall()  # warm-up
            ms, rec = [], []
            for v, tr in zip(q[:-1], truth):
                t = time.perf_counter()
                ids = [r[0] for r in c.execute(sql, (vec_text(v),) * n_params).fetchall()]
                ms.append((time.perf_counter() - t) * 1000)
                rec.append(len(tr & set(ids)) / K)
            out[name] = (statistics.median(ms), float(np.mean(rec)))
            print(name, out[name], flush=True)
    try:
        import faiss
        faiss.omp_set_num_threads(1)
        index = faiss.IndexFlatIP(DIM)
        index.add(x)
        ms = []
        for v in q[:-1]:
            t = time.perf_counter()
            index.search(v[None, :], K)
            ms.append((time.perf_counter() - t) * 1000)
        out["faiss IndexFlatIP (one thread, Python)"] = (statistics.median(ms), 1.0)
    except ImportError:
        pass
    base = out["vector <=> (float32)"][0]
    what = f"real embeddings from {os.path.basename(a.npy)}" if a.npy else "random unit vectors"
    lines = [f"{a.rows:,} {what} x {DIM}, {a.queries} queries, serial scan, warm; median ms per query.", "",
             "| method | ms / query | vs vector | recall@10 |", "|---|---|---|---|"]
    for name, (m, r) in out.items():
        lines.append(f"| {name} | {m:.0f} | {m / base:.2f}x | {r:.3f} |")
    lines += ["", f"Table sizes: vector {sizes['items'] / 1e9:.2f} GB, halfvec + bit {sizes['items_h'] / 1e9:.2f} GB. "
              f"Load: COPY {t_copy:.0f} s, cast to halfvec and quantize {t_h:.0f} s."]
    os.makedirs("docs", exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
