# Two commands for a newcomer: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= var/policy.lbdb
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: bench-tools setup run ingest serve test lint-cypher bench bench-full clean

$(BIN)/policy-graph: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/policy-graph

ingest: setup
	$(BIN)/policy-graph ingest --db $(DB) --if-empty

run: ingest
	$(BIN)/policy-graph serve --db $(DB) --host $(HOST) --port $(PORT)

tools/cypher-lint/node_modules: tools/cypher-lint/package-lock.json
	cd tools/cypher-lint && npm ci --no-audit --no-fund
	touch $@

lint-cypher: setup tools/cypher-lint/node_modules
	$(BIN)/python -m graph.cypher_lint

test: setup
	$(BIN)/python -m pytest -q

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
