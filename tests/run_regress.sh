#!/usr/bin/env bash
# Runs the pg_regress golden tests (tests/sql/*.sql vs tests/expected/*.out) against the
# extension installed into the server of $PG_CONFIG (default: pg_config on the PATH), in a
# private cluster on a private socket.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${SHOPML_TEST_BASE:-/tmp/shopml-regress}
PORT=${SHOPML_TEST_PORT:-54329}
PGXS=$(dirname "$("${PG_CONFIG:-pg_config}" --pgxs)")
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT

# Broken model directories for the error tests: one missing its files, one with a corrupt file.
good=$("${PG_CONFIG:-pg_config}" --sharedir)/shopml/models/all-MiniLM-L6-v2
mkdir -p "$BASE/models-missing/all-MiniLM-L6-v2" "$BASE/models-corrupt/all-MiniLM-L6-v2"
cp "$good/config.json" "$good/tokenizer.json" "$BASE/models-corrupt/all-MiniLM-L6-v2/"
ln -s "$good/model.safetensors" "$BASE/models-corrupt/all-MiniLM-L6-v2/model.safetensors"
echo " " >> "$BASE/models-corrupt/all-MiniLM-L6-v2/tokenizer.json"
chmod -R a+rX "$BASE"

# SHOPML_REAL=0 leaves out the real-data quality tests (*_real, e5, reference): they test the
# models, which are the same on every PostgreSQL major, so CI runs them on one.
all=$(sed -n 's/^test: //p' tests/schedule)
[ "${SHOPML_REAL:-1}" = 1 ] || all=$(echo "$all" | grep -vE '_real$|^e5$|^reference$')
tests=${*:-$(echo $all)}
# Progress NOTICEs say how long a call has taken: on a slow or busy machine they would appear in
# the output the golden files compare, so the tests turn them off.
export PGOPTIONS="${PGOPTIONS:-} -c shopml.progress_after=-1"
"$PGXS/../test/regress/pg_regress" \
  --host="$BASE" --port="$PORT" --user=postgres --dbname=shopml_regress \
  --inputdir=tests --outputdir="$BASE/out" --bindir="$("${PG_CONFIG:-pg_config}" --bindir)" \
  $tests || { cat "$BASE/out/regression.diffs" 2>/dev/null | head -200; exit 1; }
