#!/usr/bin/env bash
# Forecasting from SQL beside LightGBM, AutoETS and the baselines, in one run (issue 31):
# benches/forecast_bench.py. Needs `make install data`; installs the peers from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for m in lightgbm statsforecast pandas matplotlib numpy; do python3 -c "import $m" 2>/dev/null || missing+=("$m"); done
if [ ${#missing[@]} -gt 0 ]; then python3 -m pip install -q "${missing[@]}"; fi
BASE=/tmp/shopml-fbench PORT=54336
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
psql -X -q -h "$BASE" -p "$PORT" -U postgres -d postgres -c "CREATE EXTENSION shopml" -f scripts/load_forecast_data.sql
PGHOST=$BASE PGPORT=$PORT PGUSER=postgres python3 benches/forecast_bench.py "$@"
