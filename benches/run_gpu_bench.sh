#!/usr/bin/env bash
# GPU speed and parity of embed_texts' encoder against sentence-transformers on PyTorch, in one
# run on a GPU machine that has PyTorch but no Rust and no Postgres (the lent H100/H200).
#
#   bash benches/run_gpu_bench.sh prepare        # here: make cuda, then fill .device/ (ignored by git)
#   bash benches/run_gpu_bench.sh device OUT_DIR # on the GPU machine, repository root, .device carried
#   bash benches/run_gpu_bench.sh report OUT_DIR # here: docs/gpu_embed.md and docs/gpu_embed.png
#
# What travels (.device/gpu, xz-compressed, since with the repository it must stay under 64 MiB):
# the bench binary (src/bin/gpu_embed_bench.rs) and benches/gpu_payload.py's model (f16) and texts.
# prepare needs `make models data` and a Python with numpy and tokenizers ($PEERS_VENV).
set -euo pipefail
cd "$(dirname "$0")/.."
step=${1:-}
PY=${PEERS_VENV:-/tmp/shopml-peers}/bin/python

case "$step" in
prepare)
  MODEL_DIR=${MODEL_DIR:-$("${PG_CONFIG:-pg_config}" --sharedir)/shopml/models}/all-MiniLM-L6-v2
  make cuda
  rm -rf .device/gpu && mkdir -p .device/gpu
  "$PY" benches/gpu_payload.py "$MODEL_DIR" data/imdb_reviews.csv tests/fixtures/reference_embeddings.csv .device/gpu
  cp target/release/gpu_embed_bench .device/gpu/
  strip .device/gpu/gpu_embed_bench
  xz -T2 -f .device/gpu/gpu_embed_bench .device/gpu/model/model.safetensors
  du -sh .device/gpu
  ;;
device)
  out=${2:?OUT_DIR}
  python3 -c 'import lzma, shutil, sys
for f in sys.argv[1:]:
    with lzma.open(f + ".xz") as i, open(f, "wb") as o:
        shutil.copyfileobj(i, o)' .device/gpu/gpu_embed_bench .device/gpu/model/model.safetensors
  chmod +x .device/gpu/gpu_embed_bench
  # cuBLAS, NVRTC and cuRAND of PyTorch's CUDA 13 wheels; the driver's libcuda is on the system.
  lib=$(python3 -c 'import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], "cu13", "lib"))')
  export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
  ./.device/gpu/gpu_embed_bench .device/gpu/model .device/gpu/texts.txt tests/fixtures/reference_embeddings.csv "$out/shopml.json"
  python3 benches/gpu_embed_peer.py .device/gpu/model .device/gpu/texts.txt tests/fixtures/reference_embeddings.csv "$out/peer.json"
  ;;
report)
  out=${2:?OUT_DIR}
  python3 benches/gpu_report.py "$out" docs/gpu_embed.md docs/gpu_embed.png
  ;;
*)
  echo "usage: $0 prepare | device OUT_DIR | report OUT_DIR" >&2
  exit 2
  ;;
esac
