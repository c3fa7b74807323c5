"""Embedding speed on 2 CPU threads, in the same run: shopml from SQL (embed_texts at several
batch sizes, embed_text for a short query) vs sentence-transformers on PyTorch and ONNX Runtime
(a graph exported from the same safetensors by torch.onnx), on the same real reviews
(r-cran-modeldata's small_fine_foods, `make data`). Every method embeds the same texts; the
peers' vectors are checked against shopml's (cosine). Run by benches/run_embed_bench.sh, in a
venv with torch, sentence-transformers and onnxruntime (nothing it installs is committed).
Writes docs/embed_speed.md and docs/embed_speed.png.
"""
import csv
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import psycopg

THREADS = 2
CONN = os.environ.get("SHOPML_CONN", "host=/tmp/shopml-ebench port=54332 user=postgres dbname=postgres")
MODEL_DIR = os.environ.get("SHOPML_MODEL", "/usr/share/postgresql/15/shopml/models/all-MiniLM-L6-v2")
QUERY = "red running shoes"


def reviews(n):
    with open("data/fine_foods_reviews.csv", newline="") as f:
        return [r["review"] for r in csv.DictReader(f)][:n]


def rate(fn, texts, repeat=1):
    fn(texts[:8])  # warm up
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - t)
    return len(texts) / best


def latency_ms(fn, n=50):
    fn([QUERY])
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn([QUERY])
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def parse(v):
    return np.array([float(x) for x in v.strip("[]").split(",")], dtype=np.float32)


def shopml(texts):
    out = {}
    with psycopg.connect(CONN, autocommit=True) as c:
        c.execute("CREATE EXTENSION IF NOT EXISTS shopml")
    with psycopg.connect(CONN, autocommit=True) as c:
        t = time.perf_counter()
        c.execute("SELECT shopml.embed_text('first call loads the model')").fetchone()
        out["first call in a fresh backend, ms"] = (time.perf_counter() - t) * 1000
        one = lambda xs: c.execute("SELECT shopml.embed_text(%s)", (xs[0],)).fetchone()
        out["short query latency, ms"] = latency_ms(one)
        for b in (1, 8, 32, 64):
            c.execute(f"SET shopml.batch_size = {b}")
            many = lambda xs: c.execute("SELECT shopml.embed_texts(%s)::text", (xs,)).fetchone()
            out[f"batch {b}, reviews/s"] = rate(many, texts)
        c.execute("RESET shopml.batch_size")
        vecs = c.execute("SELECT unnest(shopml.embed_texts(%s))::text", (texts[:64],)).fetchall()
    return out, np.array([parse(v[0]) for v in vecs])


def torch_peer(texts):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(THREADS)
    model = SentenceTransformer(MODEL_DIR, device="cpu")
    model.max_seq_length = 256
    out = {}
    with torch.inference_mode():
        enc = lambda xs, b=1: model.encode(xs, batch_size=b, normalize_embeddings=True, convert_to_numpy=True)
        out["short query latency, ms"] = latency_ms(lambda xs: enc(xs, 1))
        for b in (1, 8, 32, 64):
            out[f"batch {b}, reviews/s"] = rate(lambda xs: enc(xs, b), texts)
        vecs = enc(texts[:64], 32)
    return out, vecs, model


def onnx_peer(texts, st_model):
    import onnxruntime as ort
    import torch

    bert = st_model[0].auto_model.eval()
    tok = st_model.tokenizer
    path = os.path.join(tempfile.mkdtemp(), "minilm.onnx")
    dummy = tok(["hello world"], return_tensors="pt")
    class Wrap(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    torch.onnx.export(Wrap(bert), (dummy["input_ids"], dummy["attention_mask"]), path, input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state"], dynamic_axes={"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"},
                                                                         "last_hidden_state": {0: "b", 1: "s"}}, opset_version=17, dynamo=False)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = THREADS
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])

    def enc(xs, b=1):
        out = []
        order = np.argsort([len(x) for x in xs])
        for i in range(0, len(xs), b):
            batch = [xs[j] for j in order[i:i + b]]
            t = tok(batch, padding=True, truncation=True, max_length=256, return_tensors="np")
            h = sess.run(None, {"input_ids": t["input_ids"].astype(np.int64), "attention_mask": t["attention_mask"].astype(np.int64)})[0]
            m = t["attention_mask"][..., None].astype(np.float32)
            e = (h * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
            out.append(e / np.linalg.norm(e, axis=1, keepdims=True))
        res = np.concatenate(out)
        back = np.empty_like(res)
        back[order] = res
        return back

    out = {"short query latency, ms": latency_ms(lambda xs: enc(xs, 1))}
    for b in (1, 8, 32, 64):
        out[f"batch {b}, reviews/s"] = rate(lambda xs: enc(xs, b), texts)
    return out, enc(texts[:64], 32)


def pss_kib(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def memory(counts=(1, 8, 32)):
    """Summed PSS of N backends that each embedded a text (shared pages count once in total)."""
    out = {}
    for n in counts:
        conns = [psycopg.connect(CONN, autocommit=True) for _ in range(n)]
        pids = []
        for c in conns:
            c.execute("SELECT shopml.embed_text('red running shoes')").fetchone()
            pids.append(c.execute("SELECT pg_backend_pid()").fetchone()[0])
        out[n] = sum(pss_kib(p) for p in pids) / 1024
        for c in conns:
            c.close()
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    texts = reviews(n)
    ours, our_vecs = shopml(texts)
    mem = memory()
    pt, pt_vecs, st = torch_peer(texts)
    ox, ox_vecs = onnx_peer(texts, st)
    agree = lambda v: float(np.min(np.sum(v * our_vecs, axis=1)))
    rows = sorted(set(ours) | set(pt))
    lines = [f"{n} real reviews (small_fine_foods), {THREADS} threads; best of one timed pass after a warm-up.", "",
             "| measure | shopml (SQL) | PyTorch + sentence-transformers | ONNX Runtime |", "|---|---:|---:|---:|"]
    for r in rows:
        fmt = lambda d: f"{d[r]:.1f}" if r in d else "-"
        lines.append(f"| {r} | {fmt(ours)} | {fmt(pt)} | {fmt(ox)} |")
    lines += ["", f"Lowest cosine to shopml's vectors on 64 reviews: PyTorch {agree(pt_vecs):.6f}, ONNX Runtime {agree(ox_vecs):.6f}.",
              "", "Memory: PSS summed over N backends that each ran embed_text (shared pages divided among them):", "",
              "| backends | total PSS MiB | per backend MiB |", "|---:|---:|---:|"]
    lines += [f"| {k} | {v:.0f} | {v / k:.1f} |" for k, v in mem.items()]
    print("\n".join(lines))
    with open("docs/embed_speed.md", "w") as f:
        f.write("\n".join(lines) + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(7, 3.8))
        bs = [1, 8, 32, 64]
        for label, d, c in (("shopml (SQL)", ours, "#3a7"), ("PyTorch", pt, "#888"), ("ONNX Runtime", ox, "#c84")):
            ax.plot(bs, [d[f"batch {b}, reviews/s"] for b in bs], marker="o", label=label, color=c)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("batch size")
        ax.set_ylabel("real reviews per second")
        ax.set_title(f"all-MiniLM-L6-v2 on {THREADS} CPU threads, {n} reviews")
        ax.legend()
        fig.tight_layout()
        fig.savefig("docs/embed_speed.png", dpi=110)
    except ImportError:
        pass


if __name__ == "__main__":
    main()
