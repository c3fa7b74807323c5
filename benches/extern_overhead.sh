#!/usr/bin/env bash
# #[pg_extern] vs hand-written C-ABI functions (issue 14): the same SQL functions from this build
# and from the 0.1.0 library (built from git tag/commit $SHOPML_OLD_REF, loaded as
# $libdir/shopml_v010), each in a session that loads one library only, best of 5 runs.
# Needs `make install models` and the old library: SHOPML_OLD_SO=/path/to/libshopml.so.
# Writes docs/extern_overhead.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-xbench PORT=54334
OLD_SO=${SHOPML_OLD_SO:?set SHOPML_OLD_SO to a libshopml.so built from the 0.1.0 release (e42c794)}
install -m 755 "$OLD_SO" "$("${PG_CONFIG:-pg_config}" --pkglibdir)/shopml_v010.so"
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$BASE" -p "$PORT" -U postgres -d postgres)
"${PSQL[@]}" <<'SQL'
CREATE EXTENSION shopml;
CREATE TABLE vecs AS SELECT i, array_agg(random()::real)::shopml.vector(384) AS v
  FROM generate_series(1, 200000) i, generate_series(1, 384) GROUP BY i;
CREATE TABLE titles AS SELECT i, 'red running shoes, size ' || i || ', breathable mesh' AS t FROM generate_series(1, 200) i;
VACUUM ANALYZE vecs; VACUUM ANALYZE titles;
-- the bytes of a vector, without loading either library's output function
CREATE CAST (shopml.vector AS bytea) WITHOUT FUNCTION;
SQL
# A session of its own: loading both libraries in one backend would define the settings twice.
"${PSQL[@]}" <<'SQL'
CREATE FUNCTION public.l2_normalize_v010(shopml.vector) RETURNS shopml.vector
  AS '$libdir/shopml_v010', 'l2_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION public.subvector_v010(shopml.vector, int, int) RETURNS shopml.vector
  AS '$libdir/shopml_v010', 'subvector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION public.embed_text_v010(text, text DEFAULT 'all-MiniLM-L6-v2') RETURNS shopml.vector
  AS '$libdir/shopml_v010', 'embed_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
SQL
best() {  # $1: query; prints the best of 5 timings in ms (after one warm-up run)
  { echo '\timing on'; for _ in 1 2 3 4 5 6; do echo "$1;"; done; } | "${PSQL[@]}" -o /dev/null 2>&1 \
    | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -5 | sort -n | head -1
}
row() {  # $1: label, $2: query with FN for the function name, $3: new name, $4: old name
  local new old
  new=$(best "${2//FN/$3}"); old=$(best "${2//FN/$4}")
  printf "| %s | %.1f | %.1f | %.2f |\n" "$1" "$old" "$new" "$(echo "$new / $old" | bc -l)"
}
{
  echo "# #[pg_extern] vs C-ABI functions (benches/extern_overhead.sh)"
  echo
  echo "Best of 5, ms; 0.1.0 = hand-written C-ABI functions, 0.2.0 = #[pg_extern] (same results)."
  echo
  echo "| query | 0.1.0 C-ABI ms | 0.2.0 #[pg_extern] ms | ratio |"
  echo "|---|---:|---:|---:|"
  row "l2_normalize on 200k x 384-d" "SELECT count(FN(v)) FROM vecs" shopml.l2_normalize public.l2_normalize_v010
  row "subvector(v, 1, 8) on 200k" "SELECT count(FN(v, 1, 8)) FROM vecs" shopml.subvector public.subvector_v010
  row "embed_text on 200 titles" "SELECT count(FN(t)) FROM titles" shopml.embed_text public.embed_text_v010
} | tee docs/extern_overhead.md
# same output: a digest of every result's bytes, computed in a session per library
digest() { "${PSQL[@]}" -At -c "$1"; }
same() {  # $1: label, $2: query with FN
  local a b
  a=$(digest "${2//FN/$3}"); b=$(digest "${2//FN/$4}")
  if [ "$a" = "$b" ]; then echo "- $1: identical bytes on every row ($a)"; else echo "- $1: DIFFERENT ($a vs $b)"; exit 1; fi
}
{
  echo
  same l2_normalize "SELECT md5(string_agg(md5(FN(v)::bytea), '' ORDER BY i)) FROM vecs" shopml.l2_normalize public.l2_normalize_v010
  same subvector "SELECT md5(string_agg(md5(FN(v, 3, 5)::bytea), '' ORDER BY i)) FROM vecs" shopml.subvector public.subvector_v010
  same embed_text "SELECT md5(string_agg(md5(FN(t)::bytea), '' ORDER BY i)) FROM titles" shopml.embed_text public.embed_text_v010
} | tee -a docs/extern_overhead.md
