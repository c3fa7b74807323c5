-- A bounded fuzz run (issue 13): random and adversarial vector literals, binary round trips
-- and embed_text inputs. Every call must either work or raise a clean ERROR; a crash fails
-- the whole suite. Deterministic: the random stream is seeded.
SET search_path = shopml, public;
SELECT setseed(0.13);

-- 20,000 literals from an adversarial alphabet; what parses must print back to itself
DO $$
DECLARE
    alphabet text[] := ARRAY['[', ']', ',', ' ', '1', '-', '.', 'e', '+', '5', 'NaN', 'inf', '1e39',
                             '-1e-46', '0x1', 'é', E'\\', E'\t', '99999999999999999999', '3.4028235e38'];
    lit text;
    v vector;
    parsed int := 0;
    rejected int := 0;
BEGIN
    FOR i IN 1..20000 LOOP
        SELECT CASE WHEN random() < 0.7 THEN '[' ELSE '' END
               || string_agg(alphabet[1 + floor(random() * array_length(alphabet, 1))::int], '')
               || CASE WHEN random() < 0.5 THEN ']' ELSE '' END
          INTO lit FROM generate_series(0, floor(random() * 12)::int);
        BEGIN
            v := lit::vector;
            IF v::text::vector <> v OR vector_send(v) <> vector_send(v::text::vector) THEN
                RAISE EXCEPTION 'round trip changed %', lit;
            END IF;
            parsed := parsed + 1;
        EXCEPTION WHEN data_exception OR program_limit_exceeded OR invalid_parameter_value THEN
            rejected := rejected + 1;
        END;
    END LOOP;
    RAISE NOTICE 'vector literals: % parsed, % rejected, 0 crashes', parsed, rejected;
END
$$;

-- Random vectors through the binary form: send, then receive through COPY BINARY of a table
CREATE TABLE fuzz_vectors AS
SELECT i, array_agg((random() * 2e6 - 1e6)::real)::vector AS v
FROM generate_series(1, 2000) i, generate_series(1, 1 + i % 50) d GROUP BY i;
SELECT count(*) AS sent FROM fuzz_vectors WHERE length(vector_send(v)) = 4 + 4 * vector_dims(v);
\copy fuzz_vectors TO '/tmp/shopml-regress/fuzz_vectors.bin' WITH (FORMAT binary)
CREATE TABLE fuzz_back (LIKE fuzz_vectors);
\copy fuzz_back FROM '/tmp/shopml-regress/fuzz_vectors.bin' WITH (FORMAT binary)
SELECT count(*) AS identical FROM fuzz_vectors a JOIN fuzz_back b USING (i) WHERE a.v = b.v;
DROP TABLE fuzz_vectors, fuzz_back;

-- 300 random texts for embed_text: short, huge, and made of characters that normalisation
-- drops, splits or rewrites
DO $$
DECLARE
    pieces text[] := ARRAY['shoe', 'Running', ' ', E'\t', E'\n', '.', ',', '!?', '红', '鞋', 'é', E'e\u0301',
                           E'\u0301', E'\u0903', E'\u200b', E'\u00a0', E'\u3000', '≠', 'İ', '😀', 'ก', 'Ж',
                           E'\uf900', E'\ufffd'];
    t text;
    dims int;
    done int := 0;
BEGIN
    FOR i IN 1..300 LOOP
        SELECT string_agg(repeat(pieces[1 + floor(random() * array_length(pieces, 1))::int],
                                 CASE WHEN random() < 0.05 THEN 1 + floor(random() * 20000)::int ELSE 1 END), '')
          INTO t FROM generate_series(0, floor(random() * 300)::int);
        dims := vector_dims(embed_text(t));
        IF dims <> 384 THEN
            RAISE EXCEPTION 'embed_text gave % dimensions', dims;
        END IF;
        done := done + 1;
    END LOOP;
    RAISE NOTICE 'embed_text: % random texts embedded, 0 crashes', done;
END
$$;
