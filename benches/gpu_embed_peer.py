#!/usr/bin/env python3
"""The GPU peer of src/bin/gpu_embed_bench.rs: sentence-transformers on PyTorch, eager, with the
same weights, texts and sequence length, in the same run (benches/run_gpu_bench.sh).

gpu_embed_peer.py MODEL_DIR TEXTS FIXTURE OUT_JSON

Times `encode` (tokenize, forward, pool, normalize; vectors left on the GPU as torch tensors)
and the forward pass alone on pre-tokenized batches of 128 tokens, in f16 and f32, at batch
256 and 1024. Also reports its own cosine to the NumPy reference vectors of the fixture."""
import csv
import json
import sys
import time

import torch
from sentence_transformers import SentenceTransformer

SEQ = 128
BATCHES = (256, 1024)
TEXTS_PER_RUN = 32768


def sync():
    torch.cuda.synchronize()


def main():
    model_dir, texts_path, fixture_path, out = sys.argv[1:5]
    lines = [l.strip() for l in open(texts_path, encoding="utf-8") if l.strip()]
    texts = (lines * (TEXTS_PER_RUN // len(lines) + 1))[:TEXTS_PER_RUN]
    with open(fixture_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sentences = [r["sentence"] for r in rows]
    reference = torch.tensor([[float(x) for x in r["embedding"].strip("{}").split(",")] for r in rows])

    result = {"torch": torch.__version__, "gpu": torch.cuda.get_device_name(0), "speed": [], "parity": []}
    for name, dtype in (("f16", torch.float16), ("f32", torch.float32)):
        model = SentenceTransformer(model_dir, device="cuda")
        model.max_seq_length = SEQ
        model = model.to(dtype)
        bert = model[0].auto_model
        result["attention"] = getattr(bert.config, "_attn_implementation", "?")
        with torch.inference_mode():
            got = model.encode(sentences, batch_size=64, convert_to_tensor=True, normalize_embeddings=True).float().cpu()
        cos = torch.nn.functional.cosine_similarity(got, reference)
        result["parity"].append({"what": f"sentence-transformers {name} vs NumPy reference",
                                 "min_cosine": cos.min().item(), "mean_cosine": cos.mean().item()})
        tok = model.tokenizer(lines, truncation=True, max_length=SEQ, padding=False)
        full = [ids for ids in tok["input_ids"] if len(ids) == SEQ]
        for batch in BATCHES:
            with torch.inference_mode():
                model.encode(texts[: batch * 2], batch_size=batch, convert_to_tensor=True)
                sync()
                t = time.perf_counter()
                model.encode(texts, batch_size=batch, convert_to_tensor=True)
                sync()
                e2e = len(texts) / (time.perf_counter() - t)

                ids = torch.tensor((full * (batch // len(full) + 1))[:batch], device="cuda")
                feats = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "token_type_ids": torch.zeros_like(ids)}
                for _ in range(3):
                    bert(**feats)
                sync()
                reps = max(TEXTS_PER_RUN // batch, 8)
                t = time.perf_counter()
                for _ in range(reps):
                    bert(**feats)
                sync()
                fwd = reps * batch / (time.perf_counter() - t)
            print(f"peer {name} batch {batch}: encode {e2e:.0f} sentences/s, forward only {fwd:.0f} sentences/s", flush=True)
            result["speed"].append({"dtype": name, "batch": batch, "seq": SEQ, "end_to_end_per_s": round(e2e, 1), "forward_per_s": round(fwd, 1)})
        del model, bert
        torch.cuda.empty_cache()
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
