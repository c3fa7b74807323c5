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
