# Zhiku — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

DATA_DIR ?= ./data
BIND ?= 127.0.0.1:8080
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# The benchmark creates and drops its own databases here.
PG_BENCH_URL ?= postgres://postgres@127.0.0.1:5432/postgres
CARGO ?= cargo
NPM ?= npm


.PHONY: openapi
## After an intended API change: the reviewed snapshot, frontend/openapi.json and the TypeScript types.
openapi: frontend-deps
	ZHIKU_UPDATE_OPENAPI=1 INSTA_UPDATE=always $(CARGO) test --locked --test api openapi
	cd frontend && $(NPM) run types

.PHONY: run build frontend frontend-deps test test-rust test-frontend test-e2e test-api-fuzz chromium check-postgres pg-client smtp-server lint fmt bench

## Build everything (web app embedded) and serve on SQLite in $(DATA_DIR) with the demo world.
run: build
	./target/release/zhiku serve --demo --bind $(BIND) --data-dir $(DATA_DIR)

build: frontend
	$(CARGO) build --release --locked

frontend-deps:
	@if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
	  cd frontend && $(NPM) ci --no-audit --no-fund; \
	fi

frontend: frontend-deps
	cd frontend && $(NPM) run build

## Every test: Rust unit and HTTP integration tests on SQLite and PostgreSQL,
## frontend lint and unit tests, browser end-to-end tests in Chromium, then
## schemathesis against the OpenAPI document as an employee and as an admin.
test: check-postgres test-rust test-frontend test-e2e test-api-fuzz

check-postgres: pg-client
	@command -v pg_isready >/dev/null && pg_isready -q -d "$(PG_URL)" \
	  || psql "$(PG_URL)" -qAtc 'select 1' >/dev/null \
	  || { echo "PostgreSQL is required for the tests and is not reachable at $(PG_URL)"; exit 1; }

## `zhiku backup`/`restore` and their tests run pg_dump and pg_restore: Debian's
## postgresql-client, installed when missing and running as root.
pg-client:
	@if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get install -y postgresql-client >/dev/null 2>&1 \
	      || { apt-get update -qq && apt-get install -y postgresql-client >/dev/null; }; \
	  else echo "pg_dump and pg_restore are needed for the backup tests: sudo apt-get install postgresql-client"; exit 1; fi; \
	fi

## The mail tests talk SMTP to aiosmtpd on loopback (tests/smtp_sink.py).
smtp-server:
	python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet aiosmtpd

test-rust: smtp-server pg-client
	ZHIKU_TEST_PG_URL="$(PG_URL)" $(CARGO) test --locked --all-targets

test-frontend: frontend-deps
	cd frontend && $(NPM) run lint && $(NPM) run test

test-e2e: frontend chromium
	$(CARGO) build --locked
	tests/e2e.sh

## Bad input at scale: schemathesis (pip) fuzzes every operation of /api/openapi.json
## on the debug server, ~2 minutes (tests/schemathesis.sh).
test-api-fuzz:
	$(CARGO) build --locked
	tests/schemathesis.sh

## Debian's Chromium drives the browser tests; never a browser downloaded by a tool.
chromium:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y chromium >/dev/null; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium"; exit 1; fi; \
	fi

lint: frontend-deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	cd frontend && $(NPM) run lint

fmt:
	$(CARGO) fmt --all

## The performance benchmark of docs/BENCHMARKS.md at $(BENCH_ENTRIES) entries
## (search against bare tantivy, SQLite FTS5 and pg_trgm; import, reindex,
## memory, start-up, HTTP throughput), then search quality at 20,000 entries,
## then every GET endpoint of the web app on SQLite and PostgreSQL (benches/endpoints.rs).
BENCH_ENTRIES ?= 1000000
BENCH_QUERIES ?= 300
BENCH_ALT_QUERIES ?= 40
bench: check-postgres
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk >/dev/null; } || echo "wrk not installed: HTTP throughput rows are skipped"
	ZHIKU_BENCH_PG_URL="$(PG_BENCH_URL)" $(CARGO) bench --locked --bench performance -- $(BENCH_ENTRIES) $(BENCH_QUERIES) $(BENCH_ALT_QUERIES)
	$(CARGO) bench --locked --bench search_quality
	ZHIKU_BENCH_PG_URL="$(PG_BENCH_URL)" $(CARGO) bench --locked --bench endpoints -- $(BENCH_ENTRIES)
