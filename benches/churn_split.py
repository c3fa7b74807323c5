"""Writes the committed test splits of the churn benchmarks and tests (run once; the output is
committed): scikit-learn's train_test_split(row_numbers, test_size=0.2, stratify=y,
random_state=42) on data/{wa,mlc}_churn.csv, one test row number per line."""
import csv
import pathlib
import sys

from sklearn.model_selection import train_test_split

root = pathlib.Path(__file__).resolve().parent.parent
for name in ("wa_churn", "mlc_churn"):
    with open(root / "data" / f"{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    numbers = [int(r["row_number"]) for r in rows]
    y = [r["churn"].lower() == "yes" for r in rows]
    _, test = train_test_split(numbers, test_size=0.2, stratify=y, random_state=42)
    out = root / "tests" / "fixtures" / "churn_split" / f"{name}_test_rows.txt"
    out.write_text("".join(f"{n}\n" for n in sorted(test)))
    print(f"{out.relative_to(root)}: {len(test)} of {len(numbers)} rows", file=sys.stderr)
