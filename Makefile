# Two commands set up everything: `make run` (serve on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run run-prod install test test-clients lint format clean

# The Python SDK and CLI (clients/python) install as `letmepost` too, so they live in their own
# virtualenv; their tests start a live server from .venv.
CLIENTS_VENV := .venv-clients
CLIENTS_STAMP := $(CLIENTS_VENV)/.installed

run: install
	$(BIN)/python manage.py serve

# The production layout (Procfile: web, dispatcher, worker, beat) on this machine, for a trial:
#   make run-prod DATABASE_URL=postgres://postgres@127.0.0.1:5432/letmepost \
#     REDIS_URL=redis://127.0.0.1:6379/0 LETMEPOST_SECRET_KEY=… LETMEPOST_ENCRYPTION_KEYS=…
# Ctrl-C (or SIGTERM) stops all four; if one dies, the others are stopped too.
run-prod: install
	bin/run-prod

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required (looked for $(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# In parallel: one pytest-xdist worker per CPU, idle workers steal queued tests from busy ones
# (`make test PYTEST_WORKERS=0` runs serially). The real-upstream suites (`-m e2e`) are their own
# CI stage.
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal -m "not e2e" $(PYTEST_ARGS)

# The TypeScript and Go SDKs, each tested against a live server it starts (clients/testserver.py).
# Go is stdlib-only and no module proxy is reachable: never let it try one.
.PHONY: test-clients-ts test-clients-go
test-clients-ts: install
	cd clients/typescript && npm ci --no-audit --no-fund && npm test

test-clients-go: install
	cd clients/go && GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local go test -count=1 ./...

test-clients: install $(CLIENTS_STAMP)
	cd clients/python && $(CURDIR)/$(CLIENTS_VENV)/bin/python -m pytest tests $(PYTEST_ARGS)

$(CLIENTS_STAMP): clients/python/pyproject.toml
	test -x $(CLIENTS_VENV)/bin/python || $(PYTHON) -m venv $(CLIENTS_VENV)
	$(CLIENTS_VENV)/bin/pip install --quiet --disable-pip-version-check -e "./clients/python[dev,mcp]"
	touch $(CLIENTS_STAMP)

# mypy (configured in pyproject.toml) imports the settings for its Django plugin: embedded mode,
# with a scratch data dir, so linting needs no secrets and writes nothing into ./var.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	  env -u DATABASE_URL LETMEPOST_DATA_DIR="$$scratch" $(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache
