#!/usr/bin/env bash
# Runs the pg_regress golden tests (tests/sql/*.sql vs tests/expected/*.out) against the
# installed extension, in a private cluster on a private socket.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-regress
PORT=${SHOPML_TEST_PORT:-54329}
PGXS=$(dirname "$(pg_config --pgxs)")
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT

# Broken model directories for the error tests: one missing its files, one with a corrupt file.
good=$(pg_config --sharedir)/shopml/models/all-MiniLM-L6-v2
mkdir -p "$BASE/models-missing/all-MiniLM-L6-v2" "$BASE/models-corrupt/all-MiniLM-L6-v2"
cp "$good/config.json" "$good/tokenizer.json" "$BASE/models-corrupt/all-MiniLM-L6-v2/"
ln -s "$good/model.safetensors" "$BASE/models-corrupt/all-MiniLM-L6-v2/model.safetensors"
echo " " >> "$BASE/models-corrupt/all-MiniLM-L6-v2/tokenizer.json"
chmod -R a+rX "$BASE"

tests=${*:-$(sed -n 's/^test: //p' tests/schedule | tr '\n' ' ')}
"$PGXS/../test/regress/pg_regress" \
  --host="$BASE" --port="$PORT" --user=postgres --dbname=shopml_regress \
  --inputdir=tests --outputdir="$BASE/out" --bindir="$(pg_config --bindir)" \
  $tests || { cat "$BASE/out/regression.diffs" 2>/dev/null | head -200; exit 1; }
