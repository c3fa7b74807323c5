#!/usr/bin/env python3
"""Reference embeddings for tests/sql/reference.sql, from an independent NumPy BERT.

The encoder below is written from the BERT paper and Hugging Face's weight layout, reading
model.safetensors by hand (no candle, no torch). Tokenisation uses the `tokenizers` package with
sentence-transformers' settings (truncate at 256 word pieces). Pooling: attention-masked mean,
then L2 normalisation, as sentence-transformers' Pooling + Normalize modules.

    python3 tests/reference/make_reference_embeddings.py MODEL_DIR > tests/fixtures/reference_embeddings.csv
"""
import csv
import json
import math
import struct
import sys

import numpy as np
from tokenizers import Tokenizer

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from sentences import SENTENCES  # noqa: E402


def load_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = {"F32": np.float32, "I64": np.int64}[meta["dtype"]]
        a, b = meta["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype=dtype).reshape(meta["shape"]).astype(np.float64 if dtype == np.float32 else dtype)
    return out


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def encode(W, cfg, ids):
    """Last hidden state of one sequence (no padding needed: one text at a time), in float64."""
    h, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    d = h // heads
    eps = cfg["layer_norm_eps"]
    t = len(ids)
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:t] + W["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], eps)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        lin = lambda z, n: z @ W[p + n + ".weight"].T + W[p + n + ".bias"]  # noqa: E731
        q = lin(x, "attention.self.query").reshape(t, heads, d).transpose(1, 0, 2)
        k = lin(x, "attention.self.key").reshape(t, heads, d).transpose(1, 0, 2)
        v = lin(x, "attention.self.value").reshape(t, heads, d).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(t, h)
        x = layer_norm(lin(ctx, "attention.output.dense") + x, W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"], eps)
        inner = gelu(lin(x, "intermediate.dense"))
        x = layer_norm(lin(inner, "output.dense") + x, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"], eps)
    return x


def main():
    model_dir = sys.argv[1]
    cfg = json.load(open(f"{model_dir}/config.json"))
    W = load_safetensors(f"{model_dir}/model.safetensors")
    tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
    tok.no_padding()
    tok.enable_truncation(max_length=256)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "n_tokens", "sentence", "embedding"])
    for i, s in enumerate(SENTENCES, 1):
        ids = tok.encode(s).ids
        hidden = encode(W, cfg, ids)
        v = hidden.mean(0)
        v /= max(np.linalg.norm(v), 1e-12)
        out.writerow([i, len(ids), s, "{" + ",".join(f"{x:.9g}" for x in v) + "}"])
        print(f"{i}/{len(SENTENCES)} ({len(ids)} tokens)", file=sys.stderr)


if __name__ == "__main__":
    main()
