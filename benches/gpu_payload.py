#!/usr/bin/env python3
"""What benches/run_gpu_bench.sh carries to the GPU machine, made small enough to travel with the
repository (64 MiB in all):

gpu_payload.py MODEL_DIR IMDB_CSV FIXTURE OUT_DIR

- OUT_DIR/texts.txt: 512 real reviews of 150+ words (IMDB, from `make data`), one per line;
- OUT_DIR/model/: config.json, tokenizer.json and model.safetensors with every tensor in f16.
  Rows of the word-embedding table that no bench text or fixture sentence uses are zeroed (they
  are never read), so that the file compresses to about half.
Needs numpy and `tokenizers` (the peers' venv)."""
import csv
import json
import os
import shutil
import struct
import sys

import numpy as np
from tokenizers import Tokenizer


def main():
    model_dir, imdb, fixture, out = sys.argv[1:5]
    os.makedirs(os.path.join(out, "model"), exist_ok=True)
    rows = [r["text"].replace("\n", " ").replace("\r", " ") for r in csv.DictReader(open(imdb, encoding="utf-8"))]
    texts = [r for r in rows if len(r.split()) >= 150][:512]
    with open(os.path.join(out, "texts.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")

    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    sentences = [r["sentence"] for r in csv.DictReader(open(fixture, encoding="utf-8"))]
    used = set(range(1000))  # [PAD], [UNK], [CLS], [SEP], [MASK] and the unused slots
    for e in tok.encode_batch(texts + sentences):
        used.update(e.ids)
    used = np.array(sorted(used))

    raw = open(os.path.join(model_dir, "model.safetensors"), "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out_header, chunks, offset = {}, [], 0
    for name, t in header.items():
        if name == "__metadata__":
            out_header[name] = t
            continue
        a, b = t["data_offsets"]
        if t["dtype"] != "F32":  # position_ids (I64) stay as they are
            out_header[name] = {**t, "data_offsets": [offset, offset + b - a]}
            chunks.append(body[a:b])
            offset += b - a
            continue
        w = np.frombuffer(body[a:b], dtype=np.float32).astype(np.float16).reshape(t["shape"])
        if name.endswith("word_embeddings.weight"):
            keep = np.zeros_like(w)
            keep[used] = w[used]
            w = keep
        data = w.tobytes()
        out_header[name] = {"dtype": "F16", "shape": t["shape"], "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    h = json.dumps(out_header).encode()
    h += b" " * (-len(h) % 8)
    with open(os.path.join(out, "model", "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(os.path.join(model_dir, name), os.path.join(out, "model", name))
    print(f"{len(texts)} texts, {len(used)} of {header_rows(header)} word-embedding rows kept")


def header_rows(header):
    return next(t["shape"][0] for k, t in header.items() if k.endswith("word_embeddings.weight"))


if __name__ == "__main__":
    main()
