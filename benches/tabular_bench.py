"""Tabular models from SQL beside scikit-learn and LightGBM on the same rows (issue 32).

Data (make data, Debian's r-cran-modeldata): ames (2,930 home sales, 74 columns; target
log(sale_price)) and car_prices (804 cars; target log(price)). The test rows are those with
row_number % 5 = 0 (a fixed 20%), the same for every model. Peers, on one thread:
HistGradientBoostingRegressor(random_state=42) with native categorical splits,
LGBMRegressor(random_state=42) with its categorical handling, and Ridge(alpha=1) on
standardised, median-imputed numbers and one-hot text. shopml: train_model with default options
(auto: the better of gradient boosting and ridge on a validation split of the training rows), and
gbdt forced. Needs a running cluster with shopml (benches/run_tabular_bench.sh). Writes
docs/tabular_results.json and docs/tabular.png.
"""
import csv
import json
import math
import os
import subprocess
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Set by benches/run_tabular_bench.sh; read lazily so that benches/booster_peers.py can import load().
PSQL = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", os.environ.get("PGHOST", ""), "-p", os.environ.get("PGPORT", ""),
        "-U", "postgres", "-d", "postgres"]
SETS = {"ames": "sale_price", "car_prices": "price"}


def sql(query):
    return subprocess.run(PSQL + ["-c", query], check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def load(name, target):
    with open(os.path.join(ROOT, "data", f"{name}.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    cols = [c for c in rows[0] if c not in ("row_number", target)]

    def number(v):
        try:
            float(v)
            return True
        except ValueError:
            return v == ""
    numeric = [c for c in cols if all(number(r[c]) for r in rows)]
    text = [c for c in cols if c not in numeric]
    y = np.array([math.log(float(r[target])) for r in rows])
    is_test = np.array([int(r["row_number"]) % 5 == 0 for r in rows])
    return rows, cols, numeric, text, y, is_test


def peers(rows, cols, numeric, text, y, is_test):
    import lightgbm
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from threadpoolctl import threadpool_limits

    df = pd.DataFrame({c: [float(r[c]) if r[c] != "" else np.nan for r in rows] if c in numeric
                       else pd.Categorical([r[c] for r in rows]) for c in cols})
    ridge = make_pipeline(ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("txt", OneHotEncoder(handle_unknown="ignore", max_categories=101), text)]), Ridge(alpha=1.0))
    models = {
        "HistGradientBoosting": HistGradientBoostingRegressor(random_state=42, categorical_features="from_dtype"),
        "LightGBM": lightgbm.LGBMRegressor(random_state=42, n_jobs=1, verbose=-1),
        "Ridge (scikit-learn)": ridge,
    }
    out = {}
    for label, model in models.items():
        with threadpool_limits(1):
            start = time.perf_counter()
            model.fit(df[~is_test], y[~is_test])
            seconds = time.perf_counter() - start
            p = model.predict(df[is_test])
        out[label] = {"rmse": float(np.sqrt(np.mean((p - y[is_test]) ** 2))), "seconds": seconds}
    return out


def shopml(name, target):
    sql(f"DROP TABLE IF EXISTS public.bench_{name}")
    sql(f"CREATE TABLE public.bench_{name} AS SELECT *, ln({target}) AS log_target, row_number % 5 = 0 AS is_test "
        f"FROM public.{name}")
    out = {}
    for label, algorithm in (("shopml auto", "auto"), ("shopml gbdt", "gbdt"), ("shopml ridge", "linear"),
                             ("shopml blend", "blend")):
        options = json.dumps({"exclude": ["row_number", target], "test_column": "is_test", "algorithm": algorithm})
        row = sql(f"SELECT algorithm, score, train_seconds FROM shopml.train_model('bench_{name}', 'public.bench_{name}', "
                  f"'log_target', '{options}')").split("|")
        out[label] = {"rmse": float(row[1]), "seconds": float(row[2]), "algorithm": row[0]}
        if algorithm == "auto":
            out[label]["validation"] = json.loads(sql(f"SELECT metrics->'validation' FROM shopml.trained_models "
                                                      f"WHERE name = 'bench_{name}' ORDER BY version DESC LIMIT 1"))
    # Scoring from SQL: the whole table in one call.
    start = time.perf_counter()
    n = sql(f"SELECT count(*) FROM shopml.predict('bench_{name}', 'public.bench_{name}', 'row_number')")
    out["shopml ridge"]["score_rows_per_s"] = int(n) / (time.perf_counter() - start)
    return out


def best_f1(y, p):
    """F1 at the threshold that maximises it."""
    order = np.argsort(-p)
    tp = np.cumsum(y[order])
    k = np.arange(1, len(y) + 1)
    f1 = 2 * tp / (k + y.sum())
    return float(f1.max())


def intent():
    """Instacart purchase intent (scripts/purchase_intent.sql): AUC and best F1 on the users with
    user_id % 5 = 0, shopml from SQL beside LightGBM and HistGradientBoosting on the same table."""
    import lightgbm
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from threadpoolctl import threadpool_limits
    sql("DROP TABLE IF EXISTS public.order_lines")
    sql("CREATE TABLE public.order_lines (user_id int, order_id int, order_number int, product_id int, reordered int)")
    subprocess.run(PSQL + ["-c", "\\copy public.order_lines FROM 'data/instacart_lines.csv' WITH (FORMAT csv, HEADER true)"],
                   check=True, cwd=ROOT)
    subprocess.run(PSQL + ["-f", "scripts/purchase_intent.sql"], check=True, cwd=ROOT)
    header = sql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
                 "WHERE table_name = 'purchase_intent'").split(",")
    feats = [c for c in header if c not in ("user_id", "product_id", "in_last_order", "is_test")]
    rows = [r.split("|") for r in sql(f"SELECT {', '.join(feats)}, in_last_order::int, is_test::int, user_id || ':' || product_id "
                                      "FROM public.purchase_intent ORDER BY user_id, product_id").splitlines()]
    x = np.array([[float(v) if v != "" else np.nan for v in r[:len(feats)]] for r in rows])
    y = np.array([int(r[len(feats)]) for r in rows])
    test = np.array([r[len(feats) + 1] == "1" for r in rows])
    keys = [r[-1] for r in rows]
    out = {"rows": len(rows), "test_rows": int(test.sum()), "positives": float(y.mean()), "models": {}}
    for label, model in (("HistGradientBoosting", HistGradientBoostingClassifier(random_state=42)),
                         ("LightGBM", lightgbm.LGBMClassifier(random_state=42, n_jobs=1, verbose=-1))):
        with threadpool_limits(1):
            start = time.perf_counter()
            model.fit(x[~test], y[~test])
            seconds = time.perf_counter() - start
        p = model.predict_proba(x[test])[:, 1]
        out["models"][label] = {"auc": float(roc_auc_score(y[test], p)), "best_f1": best_f1(y[test], p), "seconds": seconds}
    sql("ALTER TABLE public.purchase_intent ADD COLUMN IF NOT EXISTS pair text")
    sql("UPDATE public.purchase_intent SET pair = user_id || ':' || product_id")
    lgbm = model
    for label, algorithm in (("shopml auto", "auto"), ("shopml gbdt", "gbdt")):
        options = json.dumps({"exclude": ["user_id", "product_id", "pair"], "test_column": "is_test", "algorithm": algorithm})
        r = sql(f"SELECT algorithm, score, train_seconds FROM shopml.train_model('intent', 'public.purchase_intent', "
                f"'in_last_order', '{options}')").split("|")
        scored = dict(line.split("|") for line in sql("SELECT key, prediction FROM shopml.predict('intent', "
                                                      "'public.purchase_intent', 'pair')").splitlines())
        p = np.array([float(scored[k]) for k, t in zip(keys, test) if t])
        out["models"][label] = {"auc": float(r[1]), "best_f1": best_f1(y[test], p), "seconds": float(r[2]), "algorithm": r[0]}
        if algorithm == "auto":
            out["scoring"] = scoring(lgbm, x)
    for label, m in out["models"].items():
        print(f"intent     {label:22s} AUC {m['auc']:.4f}  best F1 {m['best_f1']:.4f}  train {m['seconds']:.2f} s")
    return out


def scoring(lgbm, x, n=1_000_000):
    """The auto intent model scores n rows (the intent table repeated) from SQL with
    predict(model, relation, key), beside LightGBM's predict_proba of the same rows in NumPy;
    both on one thread, each the best of two runs (the second reads a warm cache)."""
    from threadpoolctl import threadpool_limits
    reps = -(-n // len(x))
    sql("DROP TABLE IF EXISTS public.intent_1m")
    sql(f"CREATE TABLE public.intent_1m AS SELECT row_number() OVER () AS id, p.* "
        f"FROM generate_series(1, {reps}) g, public.purchase_intent p LIMIT {n}")
    sql("VACUUM ANALYZE public.intent_1m")
    shopml_s, peer_s = [], []
    for _ in range(2):
        start = time.perf_counter()
        sql("SELECT count(*) FILTER (WHERE prediction >= 0.5) FROM shopml.predict('intent', 'public.intent_1m', 'id')")
        shopml_s.append(time.perf_counter() - start)
    big = np.tile(x, (reps, 1))[:n]
    with threadpool_limits(1):
        for _ in range(2):
            start = time.perf_counter()
            lgbm.predict_proba(big)
            peer_s.append(time.perf_counter() - start)
    sql("DROP TABLE public.intent_1m")
    out = {"rows": n, "shopml_seconds": min(shopml_s), "lightgbm_seconds": min(peer_s)}
    print(f"scoring    {n:,} rows: shopml predict from SQL {out['shopml_seconds']:.2f} s, "
          f"LightGBM predict_proba {out['lightgbm_seconds']:.2f} s ({out['shopml_seconds'] / out['lightgbm_seconds']:.1f}x)")
    return out


def segments():
    """CDNOW RFM segments: shopml's inertia at scikit-learn's k = 3, 4, 5, and the k it chose."""
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits
    sql("DROP TABLE IF EXISTS public.cdnow_orders, public.cdnow_rfm")
    sql("CREATE TABLE public.cdnow_orders (customer_id int, order_date date, cds int, amount numeric)")
    subprocess.run(PSQL + ["-c", "\\copy public.cdnow_orders FROM 'data/cdnow_orders.csv' WITH (FORMAT csv, HEADER true)"],
                   check=True, cwd=ROOT)
    sql("CREATE TABLE public.cdnow_rfm AS SELECT customer_id, recency_days, frequency, monetary FROM "
        "shopml.customer_features('public.cdnow_orders', 'customer_id', 'order_date', 'amount', '1998-07-01')")
    rows = [r.split("|") for r in sql("SELECT recency_days, frequency, monetary FROM public.cdnow_rfm").splitlines()]
    z = StandardScaler().fit_transform(np.array(rows, dtype=float))
    out = {"rows": len(rows), "k": {}}
    for k in (3, 4, 5):
        with threadpool_limits(1):
            start = time.perf_counter()
            km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(z)
            seconds = time.perf_counter() - start
        r = sql(f"SELECT inertia, train_seconds FROM shopml.train_segments('rfm', 'public.cdnow_rfm', "
                f"'{{\"exclude\": [\"customer_id\"], \"k\": {k}}}')").split("|")
        out["k"][k] = {"shopml_inertia": float(r[0]), "shopml_seconds": float(r[1]),
                       "sklearn_inertia": float(km.inertia_), "sklearn_seconds": seconds}
        print(f"cdnow k={k}: shopml inertia {float(r[0]):.1f} in {float(r[1]):.2f} s, "
              f"KMeans(n_init=10) {km.inertia_:.1f} in {seconds:.2f} s")
    r = sql("SELECT k, silhouette FROM shopml.train_segments('rfm', 'public.cdnow_rfm', '{\"exclude\": [\"customer_id\"]}')").split("|")
    out["chosen_k"], out["silhouette"] = int(r[0]), float(r[1])
    print(f"cdnow: silhouette chose k = {r[0]} ({float(r[1]):.3f})")
    return out


def main():
    results = {}
    for name, target in SETS.items():
        subprocess.run(PSQL + ["-f", f"data/{name}.sql"], check=True, cwd=ROOT)
        rows, cols, numeric, text, y, is_test = load(name, target)
        r = peers(rows, cols, numeric, text, y, is_test)
        r.update(shopml(name, target))
        results[name] = {"rows": len(rows), "test_rows": int(is_test.sum()), "columns": len(cols), "models": r}
        for label, m in r.items():
            print(f"{name:10s} {label:22s} RMSE {m['rmse']:.4f}  train {m['seconds']:.2f} s  {m.get('algorithm', '')} {m.get('validation', '')}")
    segs = segments()
    purchase = intent()
    with open(os.path.join(ROOT, "docs", "tabular_results.json"), "w") as f:
        json.dump({**results, "instacart_intent": purchase, "cdnow_segments": segs}, f, indent=1)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, len(results), figsize=(5 * len(results), 3.6))
        for ax, (name, res) in zip(np.atleast_1d(axes), results.items()):
            labels = list(res["models"])
            ax.barh(labels, [res["models"][k]["rmse"] for k in labels],
                    color=["#d62728" if k.startswith("shopml") else "#7f7f7f" for k in labels])
            ax.set_title(f"{name}: test RMSE of log price (lower is better)")
            ax.invert_yaxis()
        fig.tight_layout()
        fig.savefig(os.path.join(ROOT, "docs", "tabular.png"), dpi=110)
    except ImportError:
        pass


if __name__ == "__main__":
    main()
