#!/usr/bin/env bash
# HNSW index on real embeddings (GloVe 6B 50-d words, `make data`): recall@10 against exact
# search after the build, inserts, updates, deletes + VACUUM, a kill -9 of the server and its
# recovery, and REINDEX; filtered queries return k rows. Needs `make install` and `make data`.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=/tmp/shopml-hnsw-it PORT=${SHOPML_IT_PORT:-54333}
[ -s data/glove_6B_50d.npy ] || { echo "hnsw_integration: run make data first" >&2; exit 1; }
bash tests/pg_cluster.sh start "$BASE" "$PORT"
trap 'bash tests/pg_cluster.sh stop "$BASE" "$PORT"' EXIT
# Rows 0..29,999 (the build), 30,000..39,999 (inserted after), 40,000..40,299 (queries),
# 40,300..41,299 (inserted just before the crash), as COPY text files.
python3 - "$BASE" <<'PY'
import sys, numpy as np
x = np.load("data/glove_6B_50d.npy", mmap_mode="r")
parts = {"build": range(0, 30000), "more": range(30000, 40000), "queries": range(40000, 40300), "crash": range(40300, 41300)}
for name, ids in parts.items():
    with open(f"{sys.argv[1]}/{name}.copy", "w") as f:
        for i in ids:
            f.write(f"{i}\t{i % 20}\t[" + ",".join(f"{v:.7g}" for v in x[i]) + "]\n")
PY
chmod a+r "$BASE"/*.copy
sql() { psql -X -q -v ON_ERROR_STOP=1 -h "$BASE" -p "$PORT" -U postgres -d postgres "$@"; }
sql <<SQL
CREATE EXTENSION shopml;
SET search_path = public, shopml;
CREATE TABLE words (id int PRIMARY KEY, category int, v vector(50));
CREATE TABLE queries (qid int, category int, q vector(50));
COPY words FROM '$BASE/build.copy';
COPY queries FROM '$BASE/queries.copy';
-- recall@10 of the index against exact search over all queries, at an ef_search
CREATE FUNCTION check_recall(what text, ef int, min_recall numeric) RETURNS void AS \$\$
DECLARE r numeric; wrong int;
BEGIN
  SET LOCAL enable_indexscan = off;
  SET LOCAL enable_seqscan = on;
  CREATE TEMP TABLE truth ON COMMIT DROP AS
    SELECT qid, t.id FROM queries, LATERAL (SELECT id FROM words ORDER BY v <=> q LIMIT 10) t;
  SET LOCAL enable_indexscan = on;
  SET LOCAL enable_seqscan = off;
  PERFORM set_config('shopml.hnsw_ef_search', ef::text, true);
  CREATE TEMP TABLE found ON COMMIT DROP AS
    SELECT qid, t.id FROM queries, LATERAL (SELECT id FROM words ORDER BY v <=> q LIMIT 10) t;
  SELECT count(*) / (10.0 * (SELECT count(*) FROM queries)) INTO r FROM found JOIN truth USING (qid, id);
  SELECT count(*) INTO wrong FROM found WHERE id NOT IN (SELECT id FROM words);
  RAISE NOTICE '%: recall@10 at ef_search % is % (% rows)', what, ef, round(r, 3), (SELECT count(*) FROM words);
  IF r < min_recall OR wrong > 0 THEN
    RAISE EXCEPTION '%: recall@10 % < % or % rows that are not in the table', what, round(r, 3), min_recall, wrong;
  END IF;
  DROP TABLE truth, found;
END \$\$ LANGUAGE plpgsql;
SET maintenance_work_mem = '256MB';
CREATE INDEX words_v ON words USING hnsw (v vector_cosine_ops);
SELECT check_recall('build', 40, 0.90);
SELECT check_recall('build', 100, 0.95);
COPY words FROM '$BASE/more.copy';
SELECT check_recall('inserts', 100, 0.95);
-- updates of the indexed column (a new element each), deletes, then VACUUM
UPDATE words SET v = l2_normalize(v) WHERE id % 7 = 0;
DELETE FROM words WHERE id % 8 = 0;
VACUUM words;
SELECT check_recall('updates, deletes, vacuum', 100, 0.95);
COPY words FROM '$BASE/crash.copy';
-- an unlogged table: recovery resets it and its index to empty (the index's init fork)
CREATE UNLOGGED TABLE scratch (id int, category int, v vector(50));
CREATE INDEX ON scratch USING hnsw (v vector_l2_ops);
COPY scratch FROM '$BASE/queries.copy';
SQL
echo "hnsw_integration: kill -9 of the server after committed inserts"
bash tests/pg_cluster.sh crash "$BASE" "$PORT"
bash tests/pg_cluster.sh resume "$BASE" "$PORT"
sql <<SQL
SET search_path = public, shopml;
SET enable_seqscan = off;
SET shopml.hnsw_ef_search = 100;
-- every row inserted before the crash is found by its own vector
DO \$\$ DECLARE missing int; BEGIN
  SELECT count(*) INTO missing FROM words w
   WHERE w.id >= 40300 AND w.id NOT IN (SELECT id FROM words ORDER BY v <=> w.v LIMIT 10);
  RAISE NOTICE 'after recovery: % of 1000 rows inserted before the crash not found by their own vector', missing;
  IF missing > 10 THEN RAISE EXCEPTION 'rows lost from the index: %', missing; END IF;
END \$\$;
SELECT check_recall('after recovery', 100, 0.95);
DO \$\$ DECLARE n int; BEGIN
  SELECT count(*) INTO n FROM scratch;
  IF n <> 0 THEN RAISE EXCEPTION 'unlogged table kept % rows through a crash', n; END IF;
  INSERT INTO scratch SELECT * FROM queries;
  SELECT count(*) INTO n FROM (SELECT id FROM scratch ORDER BY v <-> (SELECT q FROM queries WHERE qid = 40007) LIMIT 5) t;
  IF n <> 5 THEN RAISE EXCEPTION 'the reset unlogged index returned % rows, not 5', n; END IF;
  RAISE NOTICE 'unlogged table: empty after recovery, its index works again';
END \$\$;
REINDEX INDEX words_v;
SELECT check_recall('reindex', 100, 0.95);
-- filtered: 5% of rows match; every query still gets 10 rows
DO \$\$ DECLARE short int; BEGIN
  SELECT count(*) INTO short FROM queries
   WHERE (SELECT count(*) FROM (SELECT id FROM words WHERE category = 3 ORDER BY v <=> q LIMIT 10) t) < 10;
  RAISE NOTICE 'filtered: % of % queries returned fewer than 10 rows', short, (SELECT count(*) FROM queries);
  IF short > 0 THEN RAISE EXCEPTION 'filtered queries returned fewer rows than asked'; END IF;
END \$\$;
SQL
echo "hnsw_integration: passed"
