# shopml: the README's two commands are `make demo` and `make test`; each does all set-up.
PG_CONFIG ?= /usr/bin/pg_config
MODEL_DIR ?= $(shell $(PG_CONFIG) --sharedir)/shopml/models
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup models install unit regress test data demo bench clean-cluster

setup:
	@bash scripts/setup.sh

models: setup
	@python3 models/install_models.py $(MODEL_DIR)

install: setup
	@echo "install: cargo pgrx install (incremental)"
	@cargo pgrx install --pg-config $(PG_CONFIG) 2>&1 | grep -vE '^\s+(Compiling|Copying|Discovered|Writing|Installing)' || true
	@test -f $(shell $(PG_CONFIG) --pkglibdir)/shopml.so

# Pure Rust (src/core, src/models) without Postgres.
unit: models
	cargo test --no-default-features --lib

regress: install models
	bash tests/run_regress.sh

test: unit regress

data: setup
	@bash scripts/make_data.sh

demo: install models data
	@bash scripts/demo.sh

bench: install models
	bash benches/run_sql_benchmarks.sh
