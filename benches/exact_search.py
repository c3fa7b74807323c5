#!/usr/bin/env python3
"""Exact (brute-force) top-10 vector search: shopml in SQL vs NumPy vs faiss IndexFlat.

Measures, on N random 384-dim float32 vectors (standard normal, then normalised to unit
length, like sentence embeddings; default N = 1,000,000, seed 42):
  * load time: numpy writes a COPY BINARY file in pgvector's binary layout, then
    `COPY items FROM STDIN WITH (FORMAT binary)` and VACUUM ANALYZE;
  * median client-side wall time (psycopg, round trip included) of 20 exact top-10 queries
    `SELECT id FROM items ORDER BY embedding <op> $1 LIMIT 10` for <=> and <->, after one
    warm-up query, with max_parallel_workers_per_gather = 0 (serial, the headline) and = 2;
  * the same 20 queries single-threaded in NumPy (one sgemv + argpartition + sort) and in
    faiss IndexFlatIP (cosine on unit vectors) / IndexFlatL2 with omp_set_num_threads(1);
  * whether the SQL top-10 ids equal NumPy's, in order, for every query.
Writes docs/exact_search.md and docs/exact_search.png.

Reproduce: `bash benches/run_sql_benchmarks.sh` (or `make bench`), `--rows 100000` for a
quick run. The wrapper starts a throw-away cluster on /tmp/shopml-bench, port 54331.
"""
import os
import re

# Before numpy is imported: one BLAS/OpenMP thread, and no OPENBLAS_CORETYPE/L2_SIZE overrides
# (set on some machines for old OpenBLAS builds; they slow a current numpy). Benchmark only.
OPENBLAS_UNSET = [k for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if os.environ.pop(k, None)]
for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_k] = "1"

import argparse, platform, statistics, struct, time  # noqa: E401,E402

import faiss  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DIM, K = 384, 10
OPS = ("<=>", "<->")
METHODS = ("shopml SQL serial", "shopml SQL 2 workers", "NumPy", "faiss IndexFlat")
ROW = np.dtype([("nfields", ">i2"), ("len_id", ">i4"), ("id", ">i4"), ("len_vec", ">i4"),
                ("dim", ">i2"), ("unused", ">i2"), ("vec", ">f4", (DIM,))])  # packed: 1554 B


def make_data(n, nq, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, DIM), dtype=np.float32)
    for a in range(0, n, 100_000):  # normalise in place, chunked to bound temporaries
        x[a:a + 100_000] /= np.linalg.norm(x[a:a + 100_000], axis=1, keepdims=True)
    q = rng.standard_normal((nq + 1, DIM), dtype=np.float32)  # the last one is the warm-up
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return x, q


def write_copy_file(path, x, chunk=50_000):
    with open(path, "wb") as f:
        f.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
        for a in range(0, len(x), chunk):
            b = min(a + chunk, len(x))
            buf = np.empty(b - a, ROW)
            buf["nfields"], buf["len_id"], buf["len_vec"] = 2, 4, 4 + 4 * DIM
            buf["id"], buf["dim"], buf["unused"] = np.arange(a, b), DIM, 0
            buf["vec"] = x[a:b]
            f.write(buf.tobytes())
        f.write(struct.pack(">h", -1))


def load(conn, path):
    conn.execute("DROP TABLE IF EXISTS items")
    conn.execute("CREATE TABLE items (id int, embedding shopml.vector(384))")
    t = time.perf_counter()
    with conn.cursor().copy("COPY items FROM STDIN WITH (FORMAT binary)") as cp, open(path, "rb") as f:
        while block := f.read(8 << 20):
            cp.write(block)
    t_copy = time.perf_counter() - t
    t = time.perf_counter()
    conn.execute("VACUUM ANALYZE items")
    return t_copy, time.perf_counter() - t


def vec_text(v):
    return "[" + ",".join(f"{float(e):.9g}" for e in v) + "]"  # 9 digits: float32 round-trips


def sql_bench(conn, q, workers):
    conn.execute(f"SET max_parallel_workers_per_gather = {workers}")
    times, ids, plans = {}, {}, {}
    for op in OPS:
        sql = f"SELECT id FROM items ORDER BY embedding OPERATOR(shopml.{op}) %s::shopml.vector LIMIT {K}"
        conn.execute(sql, (vec_text(q[-1]),)).fetchall()  # warm-up (fills the buffer cache)
        ts, res = [], []
        for v in q[:-1]:
            t = time.perf_counter()
            rows = conn.execute(sql, (vec_text(v),)).fetchall()
            ts.append((time.perf_counter() - t) * 1000)
            res.append([r[0] for r in rows])
        times[op], ids[op] = ts, res
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + sql, (vec_text(q[0]),)).fetchall())
        plans[op] = re.sub(r"'\[[^']*\]'", "'[...]'", plan)  # elide the 384 numbers
    return times, ids, plans


def cpu_busy():
    """(busy, total) jiffies over all cores, from /proc/stat: to see if other work shared the machine."""
    f = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    return sum(f) - f[3] - f[4], sum(f)


def phase(busy, name, fn, *args):
    b0, t0 = cpu_busy()
    out = fn(*args)
    b1, t1 = cpu_busy()
    busy[name] = (b1 - b0) / max(t1 - t0, 1) * os.cpu_count()  # average cores busy
    return out


def top_k(d):
    idx = np.argpartition(d, K)[:K]
    return idx[np.argsort(d[idx], kind="stable")]


def numpy_bench(x, q):
    norms = np.linalg.norm(x, axis=1)  # precomputed once, not timed
    sqnorms = np.einsum("ij,ij->i", x, x)  # precomputed once, not timed
    fns = {"<=>": lambda v: 1.0 - (x @ v) / (norms * np.linalg.norm(v)),
           "<->": lambda v: sqnorms - 2.0 * (x @ v) + v @ v}  # squared L2 ranks the same
    times, ids = {}, {}
    for op, fn in fns.items():
        top_k(fn(q[-1]))
        ts, res = [], []
        for v in q[:-1]:
            t = time.perf_counter()
            r = top_k(fn(v))
            ts.append((time.perf_counter() - t) * 1000)
            res.append(r.tolist())
        times[op], ids[op] = ts, res
    return times, ids


def faiss_bench(x, q):
    faiss.omp_set_num_threads(1)
    times, ids = {}, {}
    for op, cls in (("<=>", faiss.IndexFlatIP), ("<->", faiss.IndexFlatL2)):
        index = cls(DIM)
        index.add(x)  # copies the matrix (not timed)
        index.search(q[-1:], K)
        ts, res = [], []
        for i in range(len(q) - 1):
            t = time.perf_counter()
            _, idx = index.search(q[i:i + 1], K)
            ts.append((time.perf_counter() - t) * 1000)
            res.append(idx[0].tolist())
        times[op], ids[op] = ts, res
        del index
    return times, ids


def chart(path, med):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    w = 0.38
    for j, op in enumerate(OPS):
        xs = [i + (j - 0.5) * w for i in range(len(METHODS))]
        ys = [med[m][op] for m in METHODS]
        bars = ax.bar(xs, ys, w, label=f"{op} ({'cosine' if op == '<=>' else 'L2'})")
        ax.bar_label(bars, labels=[f"{y:.0f}" if y >= 10 else f"{y:.1f}" for y in ys], fontsize=8)
    ax.set_xticks(range(len(METHODS)), METHODS)
    ax.set_ylabel("median ms per top-10 query (lower is better)")
    ax.set_title(f"Exact top-10 over {N_ROWS:,} x {DIM}-d float32 vectors")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    global N_ROWS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--conn", default="host=/tmp/shopml-bench port=54331 user=postgres dbname=postgres")
    ap.add_argument("--copy-file", default="/tmp/shopml-bench/items.pgcopy")
    ap.add_argument("--docs", default="docs")
    a = ap.parse_args()
    N_ROWS = a.rows
    load_avg, busy = {"start": os.getloadavg()}, {}

    t = time.perf_counter()
    x, q = make_data(a.rows, a.queries, a.seed)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    write_copy_file(a.copy_file, x)
    t_file = time.perf_counter() - t
    file_gb = os.path.getsize(a.copy_file) / 1e9

    with psycopg.connect(a.conn, autocommit=True, prepare_threshold=None) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS shopml")
        t_copy, t_vac = load(conn, a.copy_file)
        os.remove(a.copy_file)
        print(f"load: generate {t_gen:.1f} s, write COPY file ({file_gb:.2f} GB) {t_file:.1f} s, "
              f"COPY {t_copy:.1f} s ({a.rows / t_copy:,.0f} rows/s), VACUUM ANALYZE {t_vac:.1f} s")
        heap, table, toast = conn.execute(
            "SELECT pg_relation_size(oid), pg_table_size(oid), coalesce(pg_relation_size(nullif("
            "reltoastrelid, 0)), 0) FROM pg_class WHERE oid = 'items'::regclass").fetchone()
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
        shared_buffers, jit = (conn.execute(f"SHOW {g}").fetchone()[0] for g in ("shared_buffers", "jit"))
        load_avg["sql"] = os.getloadavg()
        sql_serial = phase(busy, "SQL serial", sql_bench, conn, q, 0)
        sql_par = phase(busy, "SQL 2 workers", sql_bench, conn, q, 2)
    load_avg["numpy"] = os.getloadavg()
    np_res = phase(busy, "NumPy", numpy_bench, x, q)
    load_avg["faiss"] = os.getloadavg()
    fa_res = phase(busy, "faiss", faiss_bench, x, q)
    load_avg["end"] = os.getloadavg()

    res = dict(zip(METHODS, (sql_serial[:2], sql_par[:2], np_res, fa_res)))
    med = {m: {op: statistics.median(r[0][op]) for op in OPS} for m, r in res.items()}
    match = {m: {op: sum(s == n for s, n in zip(res[m][1][op], np_res[1][op])) for op in OPS}
             for m in METHODS}
    match_set = {m: {op: sum(set(s) == set(n) for s, n in zip(res[m][1][op], np_res[1][op]))
                     for op in OPS} for m in METHODS}

    lines = ["| method | `<=>` ms (median) | `<->` ms (median) | ratio vs faiss (`<=>` / `<->`) |",
             "| --- | ---: | ---: | ---: |"]
    for m in METHODS:
        c, l2 = med[m]["<=>"], med[m]["<->"]
        fc, fl = med["faiss IndexFlat"]["<=>"], med["faiss IndexFlat"]["<->"]
        lines.append(f"| {m} | {c:.1f} | {l2:.1f} | {c / fc:.1f}x / {l2 / fl:.1f}x |")
    table_md = "\n".join(lines)
    spread = ["| method | op | min ms | median ms | max ms | top-10 = NumPy's (ordered / as set) |",
              "| --- | --- | ---: | ---: | ---: | ---: |"]
    for m in METHODS:
        for op in OPS:
            ts = res[m][0][op]
            spread.append(f"| {m} | `{op}` | {min(ts):.1f} | {statistics.median(ts):.1f} | {max(ts):.1f} "
                          f"| {match[m][op]}/{a.queries} / {match_set[m][op]}/{a.queries} |")
    gbps = {op: heap / 1e9 / (med["shopml SQL serial"][op] / 1000) for op in OPS}
    raw_gb = a.rows * DIM * 4 / 1e9
    summary = (f"Data: {raw_gb:.2f} GB of raw float32 ({a.rows:,} x {DIM}); table heap {heap / 1e9:.2f} GB "
               f"(pg_table_size {table / 1e9:.2f} GB; TOAST {toast / 1e9:.2f} GB). Serial SQL scan rate over the "
               f"heap: {gbps['<=>']:.2f} GB/s for `<=>`, {gbps['<->']:.2f} GB/s for `<->` "
               f"(raw float32 only: {raw_gb / (med['shopml SQL serial']['<=>'] / 1000):.2f} / "
               f"{raw_gb / (med['shopml SQL serial']['<->'] / 1000):.2f} GB/s).")
    matches = (f"SQL top-10 ids equal NumPy's, in order: serial `<=>` {match[METHODS[0]]['<=>']}/{a.queries}, "
               f"`<->` {match[METHODS[0]]['<->']}/{a.queries}; 2 workers `<=>` {match[METHODS[1]]['<=>']}/{a.queries}, "
               f"`<->` {match[METHODS[1]]['<->']}/{a.queries}.")
    print("\n" + table_md + "\n\n" + summary + "\n" + matches)

    blas = "; ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, "
                     f"{i['num_threads']} thread) from {os.path.basename(i['filepath'])}"
                     for i in threadpool_info() if i["user_api"] == "blas")
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    la = ", ".join(f"{k} {v[0]:.2f}" for k, v in load_avg.items())
    busy_s = ", ".join(f"{k} {v:.2f}" for k, v in busy.items())
    print(f"cores busy machine-wide (expect ~1, ~2 with workers): {busy_s}")
    os.makedirs(a.docs, exist_ok=True)
    chart(os.path.join(a.docs, "exact_search.png"), med)
    md = f"""# Exact top-10 vector search: shopml vs NumPy vs faiss

Generated by `benches/exact_search.py` (run with `bash benches/run_sql_benchmarks.sh`, or `make bench`).
There is no ANN index yet: `ORDER BY embedding <=> $1 LIMIT 10` is a sequential scan plus a top-N sort.

{table_md}

![median ms per query](exact_search.png)

{summary}

{matches} "Ratio vs faiss" is the row's median over faiss's median for the same operator.

## Setup

- {a.rows:,} vectors of {DIM} float32, standard normal then **normalised to unit length**
  (numpy `default_rng({a.seed})`); {a.queries} unit-length query vectors from the same generator,
  plus one more for warm-up. Table `items (id int, embedding shopml.vector(384))`.
- Load: numpy builds a PostgreSQL COPY BINARY file ({file_gb:.2f} GB, vectors in pgvector's binary
  layout) in {t_file:.1f} s (after {t_gen:.1f} s of random generation); `COPY items FROM STDIN WITH
  (FORMAT binary)` via psycopg: **{t_copy:.1f} s** ({a.rows / t_copy:,.0f} rows/s); `VACUUM ANALYZE`: {t_vac:.1f} s.
- SQL timing: **client-side wall time** per query through psycopg over the unix socket (parse, plan,
  execute, fetch of 10 ids; no prepared statements), query vector sent as text and cast to
  `shopml.vector`. One warm-up query per operator and setting precedes the 20 timed ones.
  "serial" is `SET max_parallel_workers_per_gather = 0`; "2 workers" is `= 2` (leader participates,
  so 3 processes share the machine's cores).
- NumPy: `X @ q` (single sgemv over the float32 matrix), then `np.argpartition` + sort of the top 10.
  Cosine = `1 - X@q / (norms * |q|)` with the row norms **precomputed** (not timed); L2 ranks by
  the squared distance `|x|^2 - 2 X@q + |q|^2` with `|x|^2` **precomputed** (no sqrt: same order).
  One thread (`OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1` before import). BLAS: {blas}.
- faiss {faiss.__version__}: `IndexFlatIP` for `<=>` (inner product = cosine on unit vectors) and
  `IndexFlatL2` for `<->`, one query per `search` call, `faiss.omp_set_num_threads(1)`.
- `OPENBLAS_CORETYPE` / `OPENBLAS_L2_SIZE` are unset inside the benchmark process before numpy is
  imported (they are set on some machines for old OpenBLAS builds and slow a current numpy); unset
  here: {', '.join(OPENBLAS_UNSET) or 'none were set'}.
- PostgreSQL {pg_version}, shared_buffers = {shared_buffers}, jit = {jit} (the default; the plans
  below show it compiling the expressions), fsync off (throw-away cluster);
  CPU: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}.
- Load average (1 min) at each phase: {la}. Average cores busy machine-wide during each timed
  phase (from /proc/stat; ~1 expected for one thread, ~2 with workers; more means other work
  shared the machine): {busy_s}. Treat small differences as noise.

## Per-query spread and correctness

{chr(10).join(spread)}

## Plans (EXPLAIN ANALYZE, BUFFERS, TIMING OFF; first query)

""" + "\n\n".join(f"{name}, `{op}`:\n\n```\n{plans[op]}\n```"
                for name, plans in (("serial", sql_serial[2]), ("2 workers", sql_par[2])) for op in OPS) + "\n"
    with open(os.path.join(a.docs, "exact_search.md"), "w") as f:
        f.write(md)
    print(f"wrote {a.docs}/exact_search.md and {a.docs}/exact_search.png")


if __name__ == "__main__":
    main()
