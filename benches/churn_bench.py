"""Churn quality and training time: shopml in SQL vs scikit-learn on the same rows.

Data: wa_churn (IBM Watson telco, 7,043) and mlc_churn (5,000) from Debian's r-cran-modeldata
(`make data`), split by the committed scikit-learn split (tests/fixtures/churn_split: 80/20,
stratified, random_state=42). Peers, on one thread: HistGradientBoostingClassifier(random_state=42)
and LogisticRegression(max_iter=1000); numerics median-imputed (and standardised for LR),
text columns one-hot. shopml: train_churn_model with default options (auto = the better of
gradient boosting and logistic regression on a validation split of the training rows), and
each algorithm forced. Needs a running cluster with shopml (benches/run_churn_bench.sh).
Writes docs/churn.md and docs/churn.png.
"""
import csv
import json
import os
import subprocess
import sys
import time

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PSQL = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", os.environ["PGHOST"], "-p", os.environ["PGPORT"],
        "-U", "postgres", "-d", "postgres"]


def sql(query):
    return subprocess.run(PSQL + ["-c", query], check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def load(name):
    with open(os.path.join(ROOT, "data", f"{name}.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    test = {int(x) for x in open(os.path.join(ROOT, "tests", "fixtures", "churn_split", f"{name}_test_rows.txt"))}
    cols = [c for c in rows[0] if c not in ("row_number", "churn")]
    numeric = [c for c in cols if all(r[c] == "" or r[c].replace(".", "", 1).lstrip("-").isdigit() for r in rows)]
    text = [c for c in cols if c not in numeric]
    X = np.empty((len(rows), len(cols)), dtype=object)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            X[i, j] = (float(r[c]) if r[c] != "" else np.nan) if c in numeric else r[c]
    y = np.array([r["churn"].lower() == "yes" for r in rows])
    is_test = np.array([int(r["row_number"]) in test for r in rows])
    return X, y, is_test, cols, numeric, text


def score(models, X, y, is_test):
    """(label, test AUC, log loss, train seconds on one thread) of each model."""
    out = []
    for label, model in models.items():
        with threadpool_limits(1):
            start = time.perf_counter()
            model.fit(X[~is_test], y[~is_test])
            seconds = time.perf_counter() - start
        p = model.predict_proba(X[is_test])[:, 1]
        out.append((label, roc_auc_score(y[is_test], p), log_loss(y[is_test], p), seconds))
    return out


def peers(name):
    X, y, is_test, cols, numeric, text = load(name)
    num_idx = [cols.index(c) for c in numeric]
    txt_idx = [cols.index(c) for c in text]
    onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    models = {
        "scikit-learn HistGradientBoosting": make_pipeline(
            ColumnTransformer([("num", SimpleImputer(strategy="median"), num_idx), ("txt", onehot, txt_idx)]),
            HistGradientBoostingClassifier(random_state=42)),
        "scikit-learn LogisticRegression": make_pipeline(
            ColumnTransformer([("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num_idx),
                               ("txt", onehot, txt_idx)]),
            LogisticRegression(max_iter=1000)),
    }
    return score(models, X, y, is_test)


CDNOW_CUTOFF = "1997-09-30"
FEATURES = ["recency_days", "frequency", "monetary", "tenure_days", "avg_order_value", "orders_last_30d", "orders_last_90d"]


def cdnow_table():
    """Real purchases (CDNOW) to a churn table, as a shop would: customer_features as of the
    cutoff, label = no purchase in the following 180 days; the split is scikit-learn's, written
    back as is_test. Returns X, y, is_test for the peers."""
    for q in ("DROP TABLE IF EXISTS public.cdnow_orders, public.cdnow_churn",
              "CREATE TABLE public.cdnow_orders (customer_id int, order_date date, cds int, amount numeric)",
              "\\copy public.cdnow_orders FROM 'data/cdnow_orders.csv' WITH (FORMAT csv, HEADER true)",
              f"CREATE TABLE public.cdnow_churn AS SELECT f.*, NOT EXISTS (SELECT 1 FROM public.cdnow_orders o "
              f"WHERE o.customer_id::text = f.customer_id AND o.order_date > '{CDNOW_CUTOFF}' "
              f"AND o.order_date <= DATE '{CDNOW_CUTOFF}' + 180) AS churned "
              f"FROM shopml.customer_features('public.cdnow_orders', 'customer_id', 'order_date', 'amount', '{CDNOW_CUTOFF}') f"):
        sql(q)
    rows = [r.split("|") for r in sql(f"SELECT customer_id, {', '.join(FEATURES)}, churned FROM public.cdnow_churn "
                                      "ORDER BY customer_id::int").splitlines()]
    X = np.array([[float(v) for v in r[1:-1]] for r in rows])
    y = np.array([r[-1] == "t" for r in rows])
    ids = [r[0] for r in rows]
    from sklearn.model_selection import train_test_split
    _, test_ids = train_test_split(ids, test_size=0.2, stratify=y, random_state=42)
    sql("ALTER TABLE public.cdnow_churn ADD COLUMN is_test boolean")
    sql("UPDATE public.cdnow_churn SET is_test = customer_id = ANY('{" + ",".join(test_ids) + "}'::text[])")
    test = set(test_ids)
    return X, y, np.array([i in test for i in ids])


def peers_on(X, y, is_test):
    models = {
        "scikit-learn HistGradientBoosting": HistGradientBoostingClassifier(random_state=42),
        "scikit-learn LogisticRegression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    }
    return score(models, X, y, is_test)


def shopml(name, exclude="row_number", label_column="churn"):
    out = []
    for label, algorithm in (("shopml default (auto)", None), ("shopml gbdt", "gbdt"), ("shopml logistic", "logistic")):
        options = {"exclude": [exclude], "test_column": "is_test"}
        if algorithm:
            options["algorithm"] = algorithm
        row = sql(f"SELECT algorithm, auc, log_loss, train_seconds, rows_test FROM shopml.train_churn_model("
                  f"'bench_{name}', 'public.{name}', '{label_column}', '{json.dumps(options)}')")
        algo, auc, loss, seconds, rows_test = row.split("|")
        chosen = f" → {algo}" if algorithm is None else ""
        out.append((label + chosen, float(auc), float(loss), float(seconds)))
    sql(f"SELECT shopml.drop_model('bench_{name}')")
    return out


def main():
    subprocess.run(PSQL + ["-f", "scripts/load_churn_data.sql"], check=True, cwd=ROOT, capture_output=True)
    results = {}
    for name in ("wa_churn", "mlc_churn"):
        results[name] = peers(name) + shopml(name)
    X, y, is_test = cdnow_table()
    results["cdnow (orders → customer_features)"] = peers_on(X, y, is_test) + shopml("cdnow_churn", "customer_id", "churned")
    lines = ["# Churn: shopml in SQL vs scikit-learn (benches/run_churn_bench.sh)", "",
             "Same committed test rows (80/20 stratified, random_state=42), one thread each; "
             "train seconds for shopml include reading the table through SPI and storing the model.", "",
             "| data set | method | test AUC | log loss | train s |", "|---|---|---:|---:|---:|"]
    for name, rows in results.items():
        for label, auc, loss, seconds in rows:
            lines.append(f"| {name} | {label} | {auc:.4f} | {loss:.4f} | {seconds:.2f} |")
    text = "\n".join(lines) + "\n"
    open(os.path.join(ROOT, "docs", "churn.md"), "w").write(text)
    print(text)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 3, figsize=(15, 4))
        for ax, (name, rows) in zip(axes, results.items()):
            short = {"scikit-learn HistGradientBoosting": "sklearn\nHGB", "scikit-learn LogisticRegression": "sklearn\nLR"}
            labels = [short.get(r[0], r[0].replace("shopml default (auto) → ", "shopml\nauto → ").replace("shopml ", "shopml\n"))
                      for r in rows]
            colors = ["#999999" if r[0].startswith("scikit") else "#2a7ab9" for r in rows]
            ax.bar(range(len(rows)), [r[1] for r in rows], color=colors)
            ax.set_xticks(range(len(rows)), labels, fontsize=7)
            lo = min(r[1] for r in rows)
            ax.set_ylim(lo - 0.03, max(r[1] for r in rows) + 0.01)
            ax.set_title(f"{name.split(' ')[0]}: test AUC (higher is better)", fontsize=9)
        fig.tight_layout()
        fig.savefig(os.path.join(ROOT, "docs", "churn.png"), dpi=110)
    except ImportError:
        print("matplotlib missing: no picture", file=sys.stderr)


if __name__ == "__main__":
    main()
