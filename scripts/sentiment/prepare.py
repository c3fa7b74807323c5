#!/usr/bin/env python3
"""Packs what train.py needs into one directory a GPU machine can take (no Rust, no Postgres,
no network there): the token ids of every labelled text (tokenised exactly as shopml does:
all-MiniLM-L6-v2's tokenizer.json, truncation at 256 word pieces) and the base weights.

Data (`make data`): fine_foods_reviews.csv (great vs other), imdb_reviews.csv (positive vs
negative), airline_tweets.csv (positive / neutral / negative). Each keeps its own train/test
split; train.py carves its validation set out of the train split only.
The base weights travel as float16 (the carry limit is 64 MiB; float32 is 91 MB) and are widened
back to float32 there: the adapter is trained against weights within 2^-11 of shopml's.
Usage: prepare.py MODEL_DIR OUT_DIR   (needs numpy, tokenizers, safetensors or torch)
"""
import csv
import json
import os
import sys

import numpy as np
from tokenizers import Tokenizer

MAX_TOKENS = 256
SETS = {
    # name: (file, text column, label column, label -> class)
    "fine_foods": ("fine_foods_reviews.csv", "review", "score", {"great": 1, "other": 0}),
    "imdb": ("imdb_reviews.csv", "text", "label", {"positive": 1, "negative": 0}),
    "airline": ("airline_tweets.csv", "text", "label", {"positive": 1, "negative": 0, "neutral": 2}),
}


def main():
    model_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    arrays = {}
    for name, (file, text_col, label_col, classes) in SETS.items():
        with open(os.path.join("data", file), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        enc = tok.encode_batch([r[text_col] for r in rows])
        lens = np.array([len(e.ids) for e in enc], dtype=np.int32)
        arrays[f"{name}_ids"] = np.concatenate([np.array(e.ids, dtype=np.uint16) for e in enc])
        arrays[f"{name}_offsets"] = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        arrays[f"{name}_label"] = np.array([classes[r[label_col]] for r in rows], dtype=np.int8)
        arrays[f"{name}_test"] = np.array([r["split"] == "test" for r in rows], dtype=bool)
        print(f"prepare: {name}: {len(rows)} texts, mean {lens.mean():.0f} tokens, {int((lens == MAX_TOKENS).sum())} truncated")
    np.savez_compressed(os.path.join(out, "texts.npz"), **arrays)
    from safetensors.numpy import load_file
    weights = load_file(os.path.join(model_dir, "model.safetensors"))
    np.savez(os.path.join(out, "base_f16.npz"), **{k: v.astype(np.float16) for k, v in weights.items()})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(json.load(open(os.path.join(model_dir, "config.json"))), f)
    for n in sorted(os.listdir(out)):
        print(f"prepare: {n} {os.path.getsize(os.path.join(out, n)) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
