#!/usr/bin/env python3
"""Table and picture of the distance-kernel scan benchmark (criterion's estimates).

    cargo bench --no-default-features --bench distance -- scan
    python3 benches/plot_kernels.py        # writes docs/kernels.md and docs/kernels.png
"""
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = "target/criterion/scan"
NAMES = ["memory_sum", "dot", "l2_squared", "cosine_parts", "l1", "scalar_dot", "scalar_l2_squared",
         "scalar_cosine_parts", "scalar_l1"]
DIMS = [384, 1536]
BYTES = 256 << 20


def gbps(name, dim):
    rows = BYTES // (dim * 4)
    path = os.path.join(ROOT, name, str(dim), "new", "estimates.json")
    with open(path) as f:
        ns = json.load(f)["mean"]["point_estimate"]
    return rows * dim * 4 / ns  # bytes per ns = GB/s


def main():
    table = {n: [gbps(n, d) for d in DIMS] for n in NAMES}
    base = table["memory_sum"]
    lines = ["| kernel (one query vs 256 MiB of vectors) | 384 dims GB/s | 1536 dims GB/s | % of memory sum (384 / 1536) |",
             "|---|---|---|---|"]
    for n in NAMES:
        a, b = table[n]
        lines.append(f"| {n} | {a:.1f} | {b:.1f} | {100 * a / base[0]:.0f}% / {100 * b / base[1]:.0f}% |")
    md = "\n".join(lines) + "\n"
    os.makedirs("docs", exist_ok=True)
    with open("docs/kernels.md", "w") as f:
        f.write(md)
    print(md)
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.4
    xs = range(len(NAMES))
    for i, d in enumerate(DIMS):
        ax.bar([x + i * width for x in xs], [table[n][i] for n in NAMES], width, label=f"{d} dims")
    ax.set_xticks([x + width / 2 for x in xs])
    ax.set_xticklabels(NAMES, rotation=30, ha="right")
    ax.set_ylabel("GB/s (higher is better)")
    ax.set_title("Distance kernels scanning 256 MiB, vs a plain sum of the same bytes")
    ax.legend()
    fig.tight_layout()
    fig.savefig("docs/kernels.png", dpi=110)


if __name__ == "__main__":
    main()
