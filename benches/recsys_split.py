"""Writes the committed per-user test splits of the recommender benchmarks and tests (run once;
the output is committed): users by id, each user's distinct items by id, numpy
default_rng(42) shared across users in that order, test = rng.permutation(n)[:max(1, floor(0.2 n))].
One "user,item" pair per line in tests/fixtures/recsys_split/<data>_test_pairs.csv."""
import csv
import pathlib
import sys

import numpy as np

root = pathlib.Path(__file__).resolve().parent.parent
SOURCES = {"ml100k": ("ml100k_ratings.csv", "user_id", "item_id"),
           "instacart": ("instacart_lines.csv", "user_id", "product_id")}


def pairs(name):
    path, user, item = SOURCES[name]
    by_user = {}
    with open(root / "data" / path, newline="") as f:
        for r in csv.DictReader(f):
            by_user.setdefault(int(r[user]), set()).add(int(r[item]))
    return by_user


def split(by_user):
    rng = np.random.default_rng(42)
    test = []
    for u in sorted(by_user):
        items = sorted(by_user[u])
        n = len(items)
        for j in rng.permutation(n)[:max(1, n // 5)]:
            test.append((u, items[j]))
    return test


if __name__ == "__main__":
    for name in SOURCES:
        by_user = pairs(name)
        test = split(by_user)
        out = root / "tests" / "fixtures" / "recsys_split" / f"{name}_test_pairs.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(f"{u},{i}\n" for u, i in sorted(test)))
        total = sum(len(v) for v in by_user.values())
        print(f"{out.relative_to(root)}: {len(test)} of {total} pairs, {len(by_user)} users", file=sys.stderr)
