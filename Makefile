# Two commands for a newcomer: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= var/policy.lbdb
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: bench-tools setup system-packages run ingest serve test lint-cypher bench bench-full mutation clean

$(BIN)/policy-graph: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# `policy-graph serve` runs on jemalloc when it is installed: under glibc malloc the server's memory
# grows 20-40 % per burst of concurrent requests (RELIABILITY.md, Load). Installed here as root on
# Debian/Ubuntu; otherwise a note says what to install.
system-packages:
	@if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libjemalloc\.so\.2'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc2 >/dev/null; \
	  else \
	    echo "note: libjemalloc2 is not installed (Debian/Ubuntu: sudo apt-get install libjemalloc2);"; \
	    echo "      the server then runs on glibc malloc and its memory grows under concurrent load"; \
	  fi; \
	fi

setup: system-packages $(BIN)/policy-graph

ingest: setup
	$(BIN)/policy-graph ingest --db $(DB) --if-empty

run: ingest
	$(BIN)/policy-graph serve --db $(DB) --host $(HOST) --port $(PORT)

tools/cypher-lint/node_modules: tools/cypher-lint/package-lock.json
	cd tools/cypher-lint && npm ci --no-audit --no-fund
	touch $@

lint-cypher: setup tools/cypher-lint/node_modules
	$(BIN)/python -m graph.cypher_lint

# The Neo4j analyser's tests need the npm tool: installed here so that `make test` runs them, not skips.
test: setup tools/cypher-lint/node_modules
	$(BIN)/python -m pytest -q

# Does the suite notice wrong extraction, region and answer code? Sampled mutants, their covering tests
# (tools/mutation_check.py); the score and every survivor land in tests/artifacts/mutation.json.
mutation: setup
	$(BIN)/python tools/mutation_check.py --sample 60 --seed 1 --json tests/artifacts/mutation.json

# wrk (Debian) drives the API load; without it the benchmark falls back to httpx clients.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk >/dev/null 2>&1 || \
		echo "wrk not installed: API load is driven by httpx instead"

bench: setup bench-tools
	$(BIN)/python -m bench.run --sizes 1000

bench-full: setup bench-tools
	$(BIN)/python -m bench.run --sizes 1000,10000,100000

clean:
	rm -rf var $(VENV) tests/artifacts
