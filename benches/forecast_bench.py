"""shopml's forecaster from SQL beside its peers, in one run (issue 31). Run by
benches/run_forecast_bench.sh (cluster, extension, data); the peers are benches/forecast_peers.py.

OJ (TSPerf OrangeJuice_Pt_3Weeks_Weekly, 12 rounds): shopml.backtest_forecaster, timed from SQL,
2 threads; then the same rounds again through train_forecaster + forecast (with the table's
planned prices as the future) for the picture, checking that both paths agree. Peers: seasonal
naive, mean, TSPerf's LightGBM recipe, statsforecast AutoETS (2 threads).
drinks: train_forecaster on all but the last 24 months, forecast 24, MASE with the in-sample
seasonal naive scale; peers AutoETS(12) and seasonal naive.
Writes docs/forecast_results.json and docs/forecast.png.
"""
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benches"))
import forecast_peers  # noqa: E402

PSQL = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", "SET shopml.progress_after = -1"]
OPTIONS = '{"horizon": 2, "gap": 1, "known_columns": ["price", "price_ratio", "deal", "feat"], "point": "mape", "threads": 2}'
PLOTTED = [(2, 5), (5, 1), (12, 8)]            # (store, brand) series in the picture


def sql(query):
    out = subprocess.run(PSQL + ["-c", query], check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return [line.split("\t") for line in out.splitlines() if line]


def shopml_oj():
    t = time.perf_counter()
    rows = sql(f"SELECT round, origin, cells, mape, wape, mase, coverage, seconds FROM shopml.backtest_forecaster("
               f"'public.oj', '{{store,brand}}', 'week', 'units', '{OPTIONS}', rounds => 12, every => 2)")
    seconds = time.perf_counter() - t
    per_round = [round(float(r[3]) * 100, 2) for r in rows if r[0]]
    total = [r for r in rows if not r[0]][0]
    res = dict(mape=float(total[3]) * 100, wape=float(total[4]), mase=float(total[5]), coverage80=float(total[6]),
               cells=int(total[2]), seconds=round(seconds, 1), mape_per_round=per_round)
    print(f"  shopml  MAPE {res['mape']:7.2f}%  MASE {res['mase']:.3f}  80% coverage {res['coverage80'] * 100:.1f}%  "
          f"{res['seconds']:6.1f} s  cells {res['cells']}", flush=True)
    return res


def shopml_oj_cells():
    """The 12 rounds through train_forecaster + forecast: (round, store, brand, week, value, lower, upper)."""
    cells = []
    sql("CREATE OR REPLACE VIEW public.oj_plan AS SELECT store, brand, week, price, price_ratio, deal, feat FROM public.oj")
    for r in range(12):
        end = 135 + 2 * r
        sql(f"CREATE OR REPLACE VIEW public.oj_history AS SELECT * FROM public.oj WHERE week <= {end}")
        sql(f"SELECT 1 FROM shopml.train_forecaster('oj_round', 'public.oj_history', '{{store,brand}}', 'week', 'units', '{OPTIONS}')")
        for store, brand, t, v, lo, hi in sql("SELECT series->>'store', series->>'brand', time, value, lower, upper FROM shopml.forecast('oj_round', future => 'public.oj_plan')"):
            cells.append((r, int(store), int(brand), int(t), float(v), float(lo), float(hi)))
        sql("SELECT shopml.drop_model('oj_round')")
    sql("DROP VIEW public.oj_history; DROP VIEW public.oj_plan")
    return cells


def shopml_drinks():
    sql("CREATE OR REPLACE VIEW public.drinks_train AS SELECT * FROM public.drinks WHERE month <= DATE '1992-01-01' + interval '284 months'")
    t = time.perf_counter()
    sql("SELECT 1 FROM shopml.train_forecaster('drinks', 'public.drinks_train', '{}', 'month', 'sales', '{\"horizon\": 24}')")
    (mase, mape), = sql("""WITH f AS (SELECT time::date AS month, value FROM shopml.forecast('drinks')),
        scale AS (SELECT avg(abs(sales - last_year)) AS s FROM (SELECT sales, lag(sales, 12) OVER (ORDER BY month) AS last_year FROM public.drinks_train) x)
        SELECT avg(abs(f.value - d.sales)) / (SELECT s FROM scale), avg(abs(f.value - d.sales) / d.sales) * 100 FROM f JOIN public.drinks d USING (month)""")
    seconds = time.perf_counter() - t
    sql("SELECT shopml.drop_model('drinks'); DROP VIEW public.drinks_train")
    res = dict(mase=float(mase), mape=float(mape), seconds=round(seconds, 2))
    print(f"  drinks shopml  MASE {res['mase']:.3f}  MAPE {res['mape']:.2f}%  {res['seconds']} s")
    return res


def plot(result, cells, oj):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 1 + len(PLOTTED), figsize=(5 * (1 + len(PLOTTED)), 3.8))
    rounds = np.arange(1, 13)
    for name, label in (("shopml", "shopml (SQL)"), ("lgbm", "LightGBM recipe"), ("ets", "AutoETS")):
        if name in result["oj"]:
            axes[0].plot(rounds, result["oj"][name]["mape_per_round"], marker="o", label=f"{label}: {result['oj'][name]['mape']:.2f}%")
    axes[0].axhline(36.28, color="grey", ls=":", label="best published (LightGBM) 36.28%")
    axes[0].set(xlabel="round", ylabel="MAPE %", title="OJ protocol: MAPE per round")
    axes[0].legend(fontsize=7)
    keys = [tuple(k) for k in oj["keys"]]
    for ax, (store, brand) in zip(axes[1:], PLOTTED):
        i = keys.index((store, brand))
        weeks = np.arange(forecast_peers.W0, forecast_peers.W1 + 1)
        ax.plot(weeks, oj["units"][i], color="black", lw=1, label="actual")
        mine = sorted((c[3], c[4], c[5], c[6]) for c in cells if c[1] == store and c[2] == brand)
        if mine:
            w, v, lo, hi = map(np.array, zip(*mine))
            ax.fill_between(w, lo, hi, color="tab:blue", alpha=0.2, label="80% interval")
            ax.plot(w, v, "o", color="tab:blue", ms=3, label="shopml forecast")
        shown = oj["units"][i][weeks >= 120]
        top = max(np.nanmax(shown), max(hi) if mine else 0)
        ax.set(xlim=(120, 161), ylim=(0, 1.05 * top), xlabel="week", ylabel="units", title=f"store {store}, brand {brand}")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(ROOT, "docs", "forecast.png"), dpi=110)


def main():
    result = {"threads": 2, "cpu_count": os.cpu_count(), "loadavg_start": os.getloadavg(), "oj": {}}
    print("OJ protocol, 12 rounds, 21,054 cells")
    result["oj"]["shopml"] = shopml_oj()
    result["oj"].update(forecast_peers.run_oj(["snaive", "mean", "lgbm", "ets"], 2, False))
    print("OJ again through train_forecaster + forecast, for the picture")
    cells = shopml_oj_cells()
    oj = forecast_peers.load_oj()
    keys = {tuple(k): i for i, k in enumerate(oj["keys"])}
    ape = [abs(round(v) - oj["units"][keys[(s, b)], w - forecast_peers.W0]) / oj["units"][keys[(s, b)], w - forecast_peers.W0]
           for _, s, b, w, v, _, _ in cells if not np.isnan(oj["units"][keys[(s, b)], w - forecast_peers.W0])]
    result["oj"]["shopml_forecast_path_mape"] = float(np.mean(ape) * 100)
    print(f"  train_forecaster + forecast: MAPE {result['oj']['shopml_forecast_path_mape']:.2f}% over {len(ape)} cells")
    print("drinks, last 24 months held out")
    result["drinks"] = forecast_peers.run_drinks(2)
    result["drinks"]["shopml"] = shopml_drinks()
    result["loadavg_end"] = os.getloadavg()
    with open(os.path.join(ROOT, "docs", "forecast_results.json"), "w") as f:
        json.dump(result, f, indent=1)
    plot(result, cells, oj)
    print("wrote docs/forecast_results.json and docs/forecast.png")


if __name__ == "__main__":
    main()
