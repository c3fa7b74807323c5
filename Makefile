# shopml: the README's two commands are `make demo` and `make test`; each does all set-up.
SHELL := /bin/bash
PG_CONFIG ?= /usr/bin/pg_config
MODEL_DIR ?= $(shell $(PG_CONFIG) --sharedir)/shopml/models
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR := never

.PHONY: setup models install unit regress integration limits test data demo bench clean-cluster cuda install-cuda

setup:
	@bash scripts/setup.sh

models: setup
	@python3 models/install_models.py $(MODEL_DIR)

# Users get an optimised build without debug assertions (profile.release), and the tests run that
# same build. pipefail: a build that fails fails every target that depends on it.
install: setup
	@echo "install: cargo pgrx install --release (incremental)"
	@set -o pipefail; cargo pgrx install --release --pg-config $(PG_CONFIG) 2>&1 \
	  | { grep -vE '^\s+(Compiling|Copying|Discovered|Writing|Installing)' || true; }
	@# The install scripts of earlier releases, so that the upgrade test can start from them.
	@install -m 644 sql/releases/*.sql $(shell $(PG_CONFIG) --sharedir)/extension/

# Pure Rust (src/core, src/models) without Postgres.
unit: models
	cargo test --release --no-default-features --lib

regress: install models data
	bash tests/run_regress.sh

# The HNSW index on real embeddings, through a kill -9 of the server and its recovery.
integration: install data
	bash tests/hnsw_integration.sh

# Memory and cancellation as a hostile login role: a capped backend survives the largest inputs
# of every set- or array-returning function and trainer; cancelled trainings leave no threads.
limits: install models
	bash tests/limits.sh

# broken_build: a commit that does not compile fails `make install` and `make test`, even
# with an older shopml.so installed.
test: unit regress integration limits
	bash tests/broken_build.sh

data: setup
	@bash scripts/make_data.sh

demo: install models data
	@bash scripts/demo.sh

bench: install models
	bash benches/run_sql_benchmarks.sh

# CUDA (optional; CI builds CPU only). The toolkit comes from NVIDIA's PyPI wheels, no GPU needed
# (scripts/cuda_toolkit.sh). `make cuda` builds the GPU bench binary (benches/run_gpu_bench.sh);
# `make install-cuda` installs the extension built with --features cuda, for a machine with a GPU.
cuda: setup
	@eval "$$(bash scripts/cuda_toolkit.sh)" && cargo build --release --no-default-features --features cuda --bin gpu_embed_bench

install-cuda: setup
	@eval "$$(bash scripts/cuda_toolkit.sh)" && LD_LIBRARY_PATH=$$CUDA_STUB_LIBRARY_PATH cargo pgrx install --release --features cuda --pg-config $(PG_CONFIG)
	@install -m 644 sql/releases/*.sql $(shell $(PG_CONFIG) --sharedir)/extension/
