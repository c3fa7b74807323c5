-- Segments in SQL: train_segments (k given, or chosen by the silhouette), assign_segment (jsonb
-- and whole table), segment_profile, versions, privileges and every bad input. A deterministic
-- fixture of 300 customers in three groups (spend, visits and channel; visits NULL in a few rows,
-- where the median stands in).
SET search_path = shopml, public;
CREATE TABLE public.shoppers AS
SELECT i AS id,
       (ARRAY[20, 200, 60])[1 + i % 3] + (abs(hashint4(i)) % 100) / 10.0 AS spend,
       CASE WHEN i % 50 = 0 THEN NULL ELSE (ARRAY[2, 4, 30])[1 + i % 3] + (abs(hashint4(i + 1)) % 10) / 10.0 END AS visits,
       (ARRAY['web', 'app', 'store'])[1 + i % 3] AS channel
FROM generate_series(1, 300) i;
-- k chosen by the silhouette among 2..8: the three groups, and the two frequent shoppers whose
-- visits are NULL (the median, 4.5, stands in: they sit apart)
SELECT model, version, k, rows, round(silhouette::numeric, 2) AS silhouette, train_seconds < 60 AS fast
FROM train_segments('shoppers', 'public.shoppers', '{"exclude": ["id"]}');
SELECT name, version, task, algorithm, metrics->'sizes' AS sizes FROM shopml.trained_models WHERE name = 'shoppers';
-- the profile, for BI tools: sizes and means in the table's units (text levels as shares)
SELECT segment, size, round(share::numeric, 3) AS share, feature, round(mean::numeric, 2) AS mean
FROM segment_profile('shoppers') WHERE feature IN ('spend', 'visits', 'channel=app') ORDER BY segment, feature;
-- one row, and the whole table in one call (the same answer); a missing key is NULL
SELECT assign_segment('shoppers', '{"spend": 205, "visits": 4.5, "channel": "app"}') AS big_spender,
       assign_segment('shoppers', '{"spend": 62, "visits": 30}') AS frequent;
SELECT count(*) AS rows, bool_and(t.segment = assign_segment('shoppers', to_jsonb(s))) AS same, max(t.distance) < 2 AS near
FROM assign_segment('shoppers', 'public.shoppers', 'id') t JOIN public.shoppers s ON s.id::text = t.key;
-- k given; a new version
SELECT version, k, round(inertia::numeric, 1) AS inertia FROM train_segments('shoppers', 'public.shoppers', '{"exclude": ["id", "channel"], "k": 2}');
SELECT assign_segment('shoppers@1', '{"spend": 20}') = assign_segment('shoppers@1', '{"spend": 21}') AS pinned_version;

-- bad inputs
CREATE TABLE public.one_shopper AS SELECT 1 AS x;
SELECT q, regress.error_of(q) FROM unnest(ARRAY[
  $q$SELECT * FROM shopml.train_segments('s', 'public.shoppers', '{"k": 0}')$q$,
  $q$SELECT * FROM shopml.train_segments('s', 'public.shoppers', '{"k": "three"}')$q$,
  $q$SELECT * FROM shopml.train_segments('s', 'public.shoppers', '{"max_k": 1}')$q$,
  $q$SELECT * FROM shopml.train_segments('s', 'public.shoppers', '{"restarts": 0}')$q$,
  $q$SELECT * FROM shopml.train_segments('s', 'public.shoppers', '{"clusters": 3}')$q$,
  $q$SELECT * FROM shopml.train_segments('s', 'public.shoppers', '{"exclude": ["nope"]}')$q$,
  $q$SELECT * FROM shopml.train_segments('s', 'public.one_shopper')$q$,
  $q$SELECT * FROM shopml.train_segments('s', 'public.shoppers', '{"features": []}')$q$,
  $q$SELECT * FROM shopml.train_segments(NULL, 'public.shoppers')$q$,
  $q$SELECT * FROM shopml.train_segments('s', NULL)$q$,
  $q$SELECT shopml.assign_segment('nope', '{}')$q$,
  $q$SELECT shopml.assign_segment('shoppers', '{"spend": "lots"}')$q$,
  $q$SELECT shopml.assign_segment('shoppers', '"spend"')$q$,
  $q$SELECT shopml.assign_segment('shoppers', NULL::jsonb)$q$,
  $q$SELECT * FROM shopml.assign_segment('shoppers', 'public.one_shopper', 'x')$q$,
  $q$SELECT * FROM shopml.segment_profile('nope')$q$]) q;
-- the table is read with the caller's privileges; another role's segments need a grant
CREATE ROLE seg_outsider;
SET ROLE seg_outsider;
SELECT regress.error_of($q$SELECT * FROM shopml.train_segments('theirs', 'public.shoppers')$q$);
SELECT regress.error_of($q$SELECT * FROM shopml.segment_profile('postgres.shoppers')$q$);
RESET ROLE;
SELECT drop_model('shoppers') AS versions_dropped;
DROP TABLE public.shoppers, public.one_shopper;
DROP ROLE seg_outsider;
