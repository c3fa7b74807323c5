#!/usr/bin/env bash
# A CUDA 13.0 toolkit for building `--features cuda` on a machine with no GPU and no CUDA install:
# NVIDIA's own wheels from PyPI unpacked into $CUDA_PREFIX (nvcc, headers, cuBLAS, cuRAND, NVRTC),
# and a stub libcuda.so (the driver library ships with the driver, not the toolkit) so that the
# linker can resolve cudarc's driver calls. At run time the real driver's libcuda.so.1 is used.
# Idempotent: a second run only checks. Usage: scripts/cuda_toolkit.sh [PREFIX]
# Prints the environment to build with (eval "$(scripts/cuda_toolkit.sh)").
set -euo pipefail

PREFIX=${1:-${CUDA_PREFIX:-/opt/shopml-cuda}}
HOME_DIR=$PREFIX/nvidia/cu13
# nvcc stays at 13.0: driver 580 (on the lent H100/H200) rejects PTX from newer compilers.
WHEELS=(
  nvidia-cuda-nvcc==13.0.88 nvidia-cuda-crt==13.0.88 nvidia-nvvm==13.0.88
  nvidia-cuda-runtime==13.0.96 nvidia-cuda-nvrtc==13.0.88 nvidia-cuda-cccl==13.0.85
  nvidia-cublas==13.0.2.14 nvidia-curand==10.4.0.35
)

if [ ! -x "$HOME_DIR/bin/nvcc" ] || [ ! -e "$HOME_DIR/lib/libcublas.so" ] || [ ! -e "$HOME_DIR/lib/stubs/libcuda.so" ]; then
  mkdir -p "$PREFIX/wheels"
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 -d "$PREFIX/wheels" "${WHEELS[@]}" >&2
  for w in "$PREFIX"/wheels/*.whl; do
    (cd "$PREFIX" && python3 -m zipfile -e "$w" .)
  done
  chmod +x "$HOME_DIR"/bin/* "$HOME_DIR"/nvvm/bin/* 2>/dev/null || true
  # The wheels ship only versioned sonames; the linker looks for the plain names.
  for lib in cublas cublasLt cudart nvrtc curand; do
    so=$(ls "$HOME_DIR"/lib/lib$lib.so.* | grep -v builtins | head -1)
    ln -sf "$(basename "$so")" "$HOME_DIR/lib/lib$lib.so"
  done
  # The stub driver: one empty function per cu* symbol that cudarc's bindings declare.
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cudarc-0.19.10 2>/dev/null | head -1)
  if [ -z "$src" ]; then
    echo "cudarc 0.19.10 sources are missing: run 'cargo fetch' first" >&2
    exit 1
  fi
  mkdir -p "$HOME_DIR/lib/stubs"
  grep -o "fn cu[A-Za-z0-9_]*\s*(" "$src/src/driver/sys/mod.rs" | sed 's/fn //; s/\s*(//' | sort -u |
    awk '{ print "int " $1 "(void) { return 999; }" }' > "$HOME_DIR/lib/stubs/cuda_stub.c"
  gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$HOME_DIR/lib/stubs/libcuda.so" "$HOME_DIR/lib/stubs/cuda_stub.c"
fi
# `cargo pgrx install` runs a helper built with the library to write the SQL schema; it loads the
# CUDA libraries (never calls them), so the stub must also answer to the driver's soname.
ln -sf libcuda.so "$HOME_DIR/lib/stubs/libcuda.so.1"

"$HOME_DIR/bin/nvcc" --version | grep -q "release 13.0" || { echo "nvcc is not 13.0" >&2; exit 1; }
cat <<EOF
export CUDA_HOME=$HOME_DIR
export CUDA_PATH=$HOME_DIR
export PATH=$HOME_DIR/bin:\$PATH
export LIBRARY_PATH=$HOME_DIR/lib:$HOME_DIR/lib/stubs\${LIBRARY_PATH:+:\$LIBRARY_PATH}
export CUDA_STUB_LIBRARY_PATH=$HOME_DIR/lib/stubs:$HOME_DIR/lib
export CUDA_COMPUTE_CAP=\${CUDA_COMPUTE_CAP:-90}
EOF
