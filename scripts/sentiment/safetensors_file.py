"""Writes a safetensors file with numpy alone (the GPU machine has no `safetensors` package):
tensors sorted by name, one dtype (F32 or F16), tensor data 8-byte aligned, string metadata."""
import json
import struct

import numpy as np

DTYPES = {"F32": "<f4", "F16": "<f2"}


def write(path, tensors, meta, dtype="F32"):
    header, blobs, off = {"__metadata__": meta}, [], 0
    for k in sorted(tensors):
        b = np.ascontiguousarray(tensors[k], dtype=DTYPES[dtype]).tobytes()
        header[k] = {"dtype": dtype, "shape": list(np.shape(tensors[k])), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
