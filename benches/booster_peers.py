"""Training-speed levers for train_model's trees, measured by hand beside LightGBM (issue 32,
docs/tabular.md): forust (the XGBoost algorithm in Rust, PyPI `forust`) at a few settings, and
LightGBM with and without its exclusive feature bundling, on ames one-hot encoded as shopml
encodes it, test rows row_number % 5 = 0, one thread, best of three. Needs `make data`
(data/ames.csv); `python3 -m pip install forust lightgbm pandas threadpoolctl`."""
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits


def ames():
    """ames one-hot encoded, split as tabular_bench.load splits it."""
    from tabular_bench import load
    rows, _, numeric, text, y, test = load("ames", "sale_price")
    nums = pd.DataFrame({c: [float(r[c]) if r[c] != "" else np.nan for r in rows] for c in numeric})
    onehot = pd.get_dummies(pd.DataFrame({c: [r[c] for r in rows] for c in text}), dtype=float)
    x = pd.concat([nums, onehot], axis=1).to_numpy()
    return x[~test], y[~test], x[test], y[test]


def timed(make, xtr, ytr, xte, yte):
    best, model = float("inf"), None
    for _ in range(3):
        start = time.perf_counter()
        model = make().fit(xtr, ytr)
        best = min(best, time.perf_counter() - start)
    return float(np.sqrt(np.mean((model.predict(xte) - yte) ** 2))), best


def main():
    import forust
    import lightgbm
    xtr, ytr, xte, yte = ames()
    print(f"ames one-hot: {xtr.shape[0]} training rows x {xtr.shape[1]} slots")
    runs = [(f"LightGBM enable_bundle={b}", lambda b=b: lightgbm.LGBMRegressor(random_state=42, verbose=-1, n_jobs=1, enable_bundle=b))
            for b in (True, False)]
    runs += [(f"forust {it} trees, rate {lr}, depth {d}",
              lambda it=it, lr=lr, d=d: forust.GradientBooster(iterations=it, learning_rate=lr, max_depth=d, parallel=False,
                                                   objective_type="SquaredLoss"))
             for it, lr, d in ((100, 0.1, 6), (300, 0.05, 6), (500, 0.05, 4))]
    with threadpool_limits(1):
        for label, make in runs:
            rmse, seconds = timed(make, xtr, ytr, xte, yte)
            print(f"{label:36s} RMSE {rmse:.4f}  {seconds:.3f} s")


if __name__ == "__main__":
    main()
