#!/usr/bin/env python3
"""Exact (brute-force) top-10 vector search: shopml in SQL vs pgvector vs NumPy vs faiss IndexFlat.

Measures, on N random 384-dim float32 vectors (standard normal, then normalised to unit
length, like sentence embeddings; default N = 1,000,000, seed 42):
  * load time: numpy writes a COPY BINARY file in pgvector's binary layout, then
    `COPY items FROM STDIN WITH (FORMAT binary)` and VACUUM ANALYZE;
  * median client-side wall time (psycopg, round trip included) of 20 exact top-10 queries
    `SELECT id FROM items ORDER BY embedding <op> $1 LIMIT 10` for <=> and <->, after one
    warm-up query, with max_parallel_workers_per_gather = 0 (serial, the headline) and = 2;
  * if the server has pgvector (`vector` in pg_available_extensions; optional, never built here):
    the same load from the same COPY file into `pgv_items (id int, embedding public.vector(384))`
    and the same 20 queries with pgvector's operators, serial and with 2 workers;
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

try:  # optional for the benches that only borrow this module's helpers (halfvec_scan.py)
    import faiss  # noqa: E402
except ImportError:
    faiss = None
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DIM, K = 384, 10
OPS = ("<=>", "<->")
SETTINGS = (("serial", 0), ("2 workers", 2))  # label, max_parallel_workers_per_gather
ROW = np.dtype([("nfields", ">i2"), ("len_id", ">i4"), ("id", ">i4"), ("len_vec", ">i4"),
                ("dim", ">i2"), ("unused", ">i2"), ("vec", ">f4", (DIM,))])  # packed: 1554 B
# How the pgvector measured here was installed (by hand, outside this repo): stated in the md.
PGVECTOR_BUILD = ('built from source by hand with `OPTFLAGS=""` (no `-march=native`, like distribution '
                  "packages); its float distance functions still pick their own FMA clones at run time "
                  "(`target_clones`: `VectorL2SquaredDistance`, `VectorInnerProduct`, "
                  "`VectorCosineSimilarity` have `.default` and `.fma` versions)")


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


def pgvector_info(conn):
    """(version, schema) of pgvector, created in this database if the server has it; else None."""
    if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone() is None:
        return None
    conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    return conn.execute("SELECT extversion, extnamespace::regnamespace::text FROM pg_extension "
                        "WHERE extname = 'vector'").fetchone()


def load(conn, path, table, schema):
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} (id int, embedding {schema}.vector({DIM}))")
    t = time.perf_counter()
    with conn.cursor().copy(f"COPY {table} FROM STDIN WITH (FORMAT binary)") as cp, open(path, "rb") as f:
        while block := f.read(8 << 20):
            cp.write(block)
    t_copy = time.perf_counter() - t
    t = time.perf_counter()
    conn.execute(f"VACUUM ANALYZE {table}")
    return t_copy, time.perf_counter() - t


def table_sizes(conn, table):
    """(heap, pg_table_size, TOAST) in bytes."""
    return conn.execute(
        "SELECT pg_relation_size(oid), pg_table_size(oid), coalesce(pg_relation_size(nullif("
        "reltoastrelid, 0)), 0) FROM pg_class WHERE oid = %s::regclass", (table,)).fetchone()


def warm_up(conn, tables):
    """One serial full scan of each table (COPY and VACUUM go through small ring buffers, so the
    loads leave the tables mostly outside shared buffers); returns {table: (scan seconds, share of
    its heap pages in shared buffers after all the scans, None without pg_buffercache)}."""
    conn.execute("SET max_parallel_workers_per_gather = 0")
    secs = {}
    for table in tables:
        t = time.perf_counter()
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        secs[table] = time.perf_counter() - t
    if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_buffercache'").fetchone():
        return {table: (s, None) for table, s in secs.items()}
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_buffercache")
    return {table: (s, conn.execute(
        "SELECT count(*)::float8 / greatest(pg_relation_size(%s::regclass) / current_setting('block_size')::int, 1)"
        " FROM pg_buffercache WHERE relfilenode = pg_relation_filenode(%s::regclass) AND relforknumber = 0"
        " AND reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())",
        (table, table)).fetchone()[0]) for table, s in secs.items()}


def vec_text(v):
    return "[" + ",".join(f"{float(e):.9g}" for e in v) + "]"  # 9 digits: float32 round-trips


def sql_bench(conn, q, workers, table, schema):
    conn.execute(f"SET max_parallel_workers_per_gather = {workers}")
    times, ids, plans = {}, {}, {}
    for op in OPS:
        sql = (f"SELECT id FROM {table} ORDER BY embedding OPERATOR({schema}.{op}) "
               f"%s::{schema}.vector LIMIT {K}")
        conn.execute(sql, (vec_text(q[-1]),)).fetchall()  # warm-up query
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


def chart(path, med, methods):
    fig, ax = plt.subplots(figsize=(8 if len(methods) <= 4 else 11.5, 4.5))
    w = 0.38
    for j, op in enumerate(OPS):
        xs = [i + (j - 0.5) * w for i in range(len(methods))]
        ys = [med[m][op] for m in methods]
        bars = ax.bar(xs, ys, w, label=f"{op} ({'cosine' if op == '<=>' else 'L2'})")
        ax.bar_label(bars, labels=[f"{y:.0f}" if y >= 10 else f"{y:.1f}" for y in ys], fontsize=8)
    ax.set_xticks(range(len(methods)), methods)
    ax.set_ylabel("median ms per top-10 query (lower is better)")
    ax.set_title(f"Exact top-10 over {N_ROWS:,} x {DIM}-d float32 vectors")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--conn", default="host=/tmp/shopml-bench port=54331 user=postgres dbname=postgres")
    ap.add_argument("--copy-file", default="/tmp/shopml-bench/items.pgcopy")
    ap.add_argument("--docs", default="docs")
    return ap.parse_args()


def run_sql(a, q, prep, load_avg, busy):
    """Loads the table(s) from the COPY file, warms them up and times the SQL methods."""
    with psycopg.connect(a.conn, autocommit=True, prepare_threshold=None) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS shopml")
        pgv = pgvector_info(conn)
        peers = {"shopml": ("items", "shopml")} | ({"pgvector": ("pgv_items", pgv[1])} if pgv else {})
        loads = {name: load(conn, a.copy_file, table, schema) for name, (table, schema) in peers.items()}
        os.remove(a.copy_file)
        print_loads(a, prep, loads, pgv)
        sizes = {name: table_sizes(conn, table) for name, (table, _) in peers.items()}
        pg_version, shared_buffers, jit = (conn.execute(f"SHOW {g}").fetchone()[0]
                                           for g in ("server_version", "shared_buffers", "jit"))
        sb_bytes = conn.execute("SELECT setting::bigint * current_setting('block_size')::int "
                                "FROM pg_settings WHERE name = 'shared_buffers'").fetchone()[0]
        warm = warm_up(conn, [table for table, _ in peers.values()])
        res = {}
        for name, (table, schema) in peers.items():
            load_avg["sql" if name == "shopml" else name] = os.getloadavg()
            for label, workers in SETTINGS:
                m = f"{name} SQL {label}"
                res[m] = phase(busy, m, sql_bench, conn, q, workers, table, schema)
    return dict(pgv=pgv, loads=loads, sizes=sizes, pg_version=pg_version,
                shared_buffers=shared_buffers, sb_bytes=sb_bytes, jit=jit, warm=warm, res=res)


def print_loads(a, prep, loads, pgv):
    t_copy, t_vac = loads["shopml"]
    print(f"load: generate {prep['t_gen']:.1f} s, write COPY file ({prep['file_gb']:.2f} GB) {prep['t_file']:.1f} s, "
          f"COPY {t_copy:.1f} s ({a.rows / t_copy:,.0f} rows/s), VACUUM ANALYZE {t_vac:.1f} s")
    if pgv:
        t_copy, t_vac = loads["pgvector"]
        print(f"pgvector {pgv[0]} (schema {pgv[1]}) load: COPY {t_copy:.1f} s ({a.rows / t_copy:,.0f} rows/s), "
              f"VACUUM ANALYZE {t_vac:.1f} s")
    else:
        print("pgvector: not available on this server, skipped")


def results_table(med, methods):
    fc, fl = med["faiss IndexFlat"]["<=>"], med["faiss IndexFlat"]["<->"]
    lines = ["| method | `<=>` ms (median) | `<->` ms (median) | ratio vs faiss (`<=>` / `<->`) |",
             "| --- | ---: | ---: | ---: |"]
    for m in methods:
        c, l2 = med[m]["<=>"], med[m]["<->"]
        lines.append(f"| {m} | {c:.1f} | {l2:.1f} | {c / fc:.1f}x / {l2 / fl:.1f}x |")
    return "\n".join(lines)


def spread_table(res, match, match_set, nq):
    lines = ["| method | op | min ms | median ms | max ms | top-10 = NumPy's (ordered / as set) |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for m in res:
        for op in OPS:
            ts = res[m][0][op]
            lines.append(f"| {m} | `{op}` | {min(ts):.1f} | {statistics.median(ts):.1f} | {max(ts):.1f} "
                         f"| {match[m][op]}/{nq} / {match_set[m][op]}/{nq} |")
    return "\n".join(lines)


def scan_rates(heap, rows, med_serial):
    raw_gb = rows * DIM * 4 / 1e9
    return ([heap / 1e9 / (med_serial[op] / 1000) for op in OPS],
            [raw_gb / (med_serial[op] / 1000) for op in OPS])


def summary_text(rows, sizes, med):
    heap, table, toast = sizes["shopml"]
    (gc, gl), (rc, rl) = scan_rates(heap, rows, med["shopml SQL serial"])
    s = (f"Data: {rows * DIM * 4 / 1e9:.2f} GB of raw float32 ({rows:,} x {DIM}); table heap {heap / 1e9:.2f} GB "
         f"(pg_table_size {table / 1e9:.2f} GB; TOAST {toast / 1e9:.2f} GB). Serial SQL scan rate over the "
         f"heap: {gc:.2f} GB/s for `<=>`, {gl:.2f} GB/s for `<->` (raw float32 only: {rc:.2f} / {rl:.2f} GB/s).")
    if "pgvector" in sizes:
        heap, table, toast = sizes["pgvector"]
        (gc, gl), (rc, rl) = scan_rates(heap, rows, med["pgvector SQL serial"])
        s += (f" pgvector's `pgv_items`: heap {heap / 1e9:.2f} GB (pg_table_size {table / 1e9:.2f} GB; TOAST "
              f"{toast / 1e9:.2f} GB); serial scan rate {gc:.2f} / {gl:.2f} GB/s over the heap for `<=>` / `<->` "
              f"(raw float32: {rc:.2f} / {rl:.2f} GB/s).")
    return s


def matches_line(match, nq):
    parts = [f"{m.replace(' SQL', '')} `<=>` {match[m]['<=>']}/{nq}, `<->` {match[m]['<->']}/{nq}"
             for m in match if " SQL " in m]
    return "SQL top-10 ids equal NumPy's, in order: " + "; ".join(parts) + "."


def vs_pgvector_line(med, pgv):
    if not pgv:
        return ("pgvector: not available on this server (`vector` is not in `pg_available_extensions`), "
                "so that peer was not measured.")
    parts = [f"{label} " + ", ".join(f"`{op}` {med[f'shopml SQL {label}'][op] / med[f'pgvector SQL {label}'][op]:.2f}x"
                                     for op in OPS) for label, _ in SETTINGS]
    return ("shopml vs pgvector (shopml's median over pgvector's, same operator and setting; below 1 = shopml "
            "faster): " + "; ".join(parts) + ".")


def warm_text(warm):
    parts = [f"`{t}` {s:.2f} s" + (f", {frac:.0%} of its heap pages in shared buffers" if frac is not None else "")
             for t, (s, frac) in warm.items()]
    return "; ".join(parts)


def environment(busy, load_avg):
    blas = "; ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, "
                     f"{i['num_threads']} thread) from {os.path.basename(i['filepath'])}"
                     for i in threadpool_info() if i["user_api"] == "blas")
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    flags = next((ln.split(":", 1)[1].split() for ln in open("/proc/cpuinfo") if ln.startswith("flags")), [])
    la = ", ".join(f"{k} {v[0]:.2f}" for k, v in load_avg.items())
    busy_s = ", ".join(f"{k} {v:.2f}" for k, v in busy.items())
    return dict(blas=blas, cpu=cpu, fma="fma" in flags, la=la, busy_s=busy_s)


def warm_bullet(info):
    heaps = [sz[0] for sz in info["sizes"].values()]
    ring = "under" if max(heaps) < info["sb_bytes"] / 4 else "**over**"
    fits = "fit" if sum(heaps) < info["sb_bytes"] else "do **not** fit"
    hits = "show `shared hit` only" if all("read=" not in p for r in info["res"].values() for p in r[2].values()) \
        else "show **reads** (`read=`): not everything came from shared buffers"
    return f"""- Warm-up before any timing: one serial `SELECT count(*)` scan of each table (COPY and VACUUM use
  small ring buffers, so the loads leave the tables mostly outside shared buffers): {warm_text(info['warm'])}
  (pg_buffercache, counted after all warm-up scans). Largest heap {max(heaps) / 1e9:.2f} GB is {ring}
  shared_buffers / 4 (above it a seq scan reads through a 256 kB ring); {'both heaps together' if len(heaps) > 1
  else 'the heap'} ({sum(heaps) / 1e9:.2f} GB) {fits} in shared_buffers = {info['shared_buffers']}. The plans below {hits}."""


def pgvector_bullet(a, info, env):
    if not info["pgv"]:
        return ("- pgvector: **not available** on this server (`vector` is not in `pg_available_extensions`); "
                "the peer was skipped. It is optional and never built by this repo.")
    (ver, schema), (t_copy, t_vac) = info["pgv"], info["loads"]["pgvector"]
    return f"""- pgvector {ver} (schema `{schema}`), {PGVECTOR_BUILD}; this CPU {'has' if env['fma'] else 'lacks'} FMA.
  Table `pgv_items (id int, embedding {schema}.vector({DIM}))`, loaded from the **same** COPY BINARY file
  (same layout): COPY **{t_copy:.1f} s** ({a.rows / t_copy:,.0f} rows/s), `VACUUM ANALYZE` {t_vac:.1f} s. The same
  queries with `OPERATOR({schema}.<=>)` / `OPERATOR({schema}.<->)` and `::{schema}.vector`, timed the same way.
  No index on either table."""


def setup_md(a, prep, info, env):
    t_copy, t_vac = info["loads"]["shopml"]
    return f"""## Setup

- {a.rows:,} vectors of {DIM} float32, standard normal then **normalised to unit length**
  (numpy `default_rng({a.seed})`); {a.queries} unit-length query vectors from the same generator,
  plus one more for warm-up. Table `items (id int, embedding shopml.vector(384))`.
- Load: numpy builds a PostgreSQL COPY BINARY file ({prep['file_gb']:.2f} GB, vectors in pgvector's binary
  layout) in {prep['t_file']:.1f} s (after {prep['t_gen']:.1f} s of random generation); `COPY items FROM STDIN WITH
  (FORMAT binary)` via psycopg: **{t_copy:.1f} s** ({a.rows / t_copy:,.0f} rows/s); `VACUUM ANALYZE`: {t_vac:.1f} s.
{pgvector_bullet(a, info, env)}
{warm_bullet(info)}
- SQL timing: **client-side wall time** per query through psycopg over the unix socket (parse, plan,
  execute, fetch of 10 ids; no prepared statements), query vector sent as text and cast to
  `shopml.vector`{' (`public.vector` for pgvector)' if info['pgv'] else ''}. One warm-up query per operator and setting precedes the 20 timed ones.
  "serial" is `SET max_parallel_workers_per_gather = 0`; "2 workers" is `= 2` (leader participates,
  so 3 processes share the machine's cores).
- NumPy: `X @ q` (single sgemv over the float32 matrix), then `np.argpartition` + sort of the top 10.
  Cosine = `1 - X@q / (norms * |q|)` with the row norms **precomputed** (not timed); L2 ranks by
  the squared distance `|x|^2 - 2 X@q + |q|^2` with `|x|^2` **precomputed** (no sqrt: same order).
  One thread (`OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1` before import). BLAS: {env['blas']}.
- faiss {faiss.__version__}: `IndexFlatIP` for `<=>` (inner product = cosine on unit vectors) and
  `IndexFlatL2` for `<->`, one query per `search` call, `faiss.omp_set_num_threads(1)`.
- `OPENBLAS_CORETYPE` / `OPENBLAS_L2_SIZE` are unset inside the benchmark process before numpy is
  imported (they are set on some machines for old OpenBLAS builds and slow a current numpy); unset
  here: {', '.join(OPENBLAS_UNSET) or 'none were set'}.
- PostgreSQL {info['pg_version']}, shared_buffers = {info['shared_buffers']}, jit = {info['jit']} (the default; the plans
  below show it compiling the expressions), fsync off (throw-away cluster);
  CPU: {env['cpu']}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}.
- Load average (1 min) at each phase: {env['la']}. Average cores busy machine-wide during each timed
  phase (from /proc/stat; ~1 expected for one thread, ~2 with workers; more means other work
  shared the machine): {env['busy_s']}. Treat small differences as noise.
"""


def write_md(path, a, prep, info, texts, env):
    title = "shopml vs pgvector vs NumPy vs faiss" if info["pgv"] else "shopml vs NumPy vs faiss"
    plans = "\n\n".join(f"{m}, `{op}`:\n\n```\n{r[2][op]}\n```" for m, r in info["res"].items() for op in OPS)
    md = f"""# Exact top-10 vector search: {title}

Generated by `benches/exact_search.py` (run with `bash benches/run_sql_benchmarks.sh`, or `make bench`).
There is no ANN index yet: `ORDER BY embedding <=> $1 LIMIT 10` is a sequential scan plus a top-N sort.

{texts['table']}

![median ms per query](exact_search.png)

{texts['summary']}

{texts['matches']} "Ratio vs faiss" is the row's median over faiss's median for the same operator.

{texts['vs_pgv']}

{setup_md(a, prep, info, env)}
## Per-query spread and correctness

{texts['spread']}

## Plans (EXPLAIN ANALYZE, BUFFERS, TIMING OFF; first query)

{plans}
"""
    with open(path, "w") as f:
        f.write(md)


def main():
    global N_ROWS
    a = parse_args()
    N_ROWS = a.rows
    load_avg, busy = {"start": os.getloadavg()}, {}

    t = time.perf_counter()
    x, q = make_data(a.rows, a.queries, a.seed)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    write_copy_file(a.copy_file, x)
    prep = dict(t_gen=t_gen, t_file=time.perf_counter() - t, file_gb=os.path.getsize(a.copy_file) / 1e9)

    info = run_sql(a, q, prep, load_avg, busy)
    load_avg["numpy"] = os.getloadavg()
    np_res = phase(busy, "NumPy", numpy_bench, x, q)
    load_avg["faiss"] = os.getloadavg()
    fa_res = phase(busy, "faiss", faiss_bench, x, q)
    load_avg["end"] = os.getloadavg()

    res = {m: r[:2] for m, r in info["res"].items()} | {"NumPy": np_res, "faiss IndexFlat": fa_res}
    med = {m: {op: statistics.median(r[0][op]) for op in OPS} for m, r in res.items()}
    match = {m: {op: sum(s == n for s, n in zip(r[1][op], np_res[1][op])) for op in OPS} for m, r in res.items()}
    match_set = {m: {op: sum(set(s) == set(n) for s, n in zip(r[1][op], np_res[1][op])) for op in OPS}
                 for m, r in res.items()}
    texts = dict(table=results_table(med, res), summary=summary_text(a.rows, info["sizes"], med),
                 matches=matches_line(match, a.queries), vs_pgv=vs_pgvector_line(med, info["pgv"]),
                 spread=spread_table(res, match, match_set, a.queries))
    print("\n" + texts["table"] + "\n\n" + texts["summary"] + "\n" + texts["matches"] + "\n" + texts["vs_pgv"])

    env = environment(busy, load_avg)
    print(f"warm-up: {warm_text(info['warm'])}")
    print(f"cores busy machine-wide (expect ~1, ~2 with workers): {env['busy_s']}")
    os.makedirs(a.docs, exist_ok=True)
    chart(os.path.join(a.docs, "exact_search.png"), med, tuple(res))
    write_md(os.path.join(a.docs, "exact_search.md"), a, prep, info, texts, env)
    print(f"wrote {a.docs}/exact_search.md and {a.docs}/exact_search.png")


if __name__ == "__main__":
    main()
