# Zhiku — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

DATA_DIR ?= ./data
BIND ?= 127.0.0.1:8080
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
CARGO ?= cargo

.PHONY: run build test test-rust lint check-postgres fmt

## Build everything in release mode and serve on SQLite in $(DATA_DIR).
run: build
	./target/release/zhiku serve --bind $(BIND) --data-dir $(DATA_DIR)

build:
	$(CARGO) build --release --locked

## Every test: Rust unit and integration tests on SQLite and on PostgreSQL.
test: check-postgres test-rust

check-postgres:
	@command -v pg_isready >/dev/null && pg_isready -q -d "$(PG_URL)" \
	  || psql "$(PG_URL)" -qAtc 'select 1' >/dev/null \
	  || { echo "PostgreSQL is required for the tests and is not reachable at $(PG_URL)"; exit 1; }

test-rust:
	ZHIKU_TEST_PG_URL="$(PG_URL)" $(CARGO) test --locked --all-targets

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

fmt:
	$(CARGO) fmt --all
