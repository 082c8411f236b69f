# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lock lock-check lint format typecheck lint-imports \
	migrations-check superuser clean bench bench-tools

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=python3.x)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The lock files pin every package, pip and setuptools included, each with its hashes: pip
# installs exactly those files or stops.
$(RUNTIME): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(DEV): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(RUNTIME) $@

install: $(RUNTIME)
install-dev: $(DEV)

# requirements.in and requirements-dev.in name the direct dependencies; pip-compile locks them,
# with every transitive dependency and its hashes, into requirements.txt and requirements-dev.txt
# (the dev lock held to the runtime lock's versions). Existing pins are kept unless asked:
# LOCK_ARGS="--upgrade-package NAME" moves one package, LOCK_ARGS=--upgrade all of them.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

## Recompile both lock files from the .in files (asks the package index).
lock: $(DEV)
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file=requirements-dev.txt requirements-dev.in

## Fail if the lock files are not what `make lock` would write from the .in files now.
lock-check: $(DEV)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp requirements.txt requirements-dev.txt "$$tmp"/ && \
	$(PIP_COMPILE) --output-file="$$tmp/requirements.txt" requirements.in && \
	$(PIP_COMPILE) --output-file="$$tmp/requirements-dev.txt" requirements-dev.in && \
	if diff -u requirements.txt "$$tmp/requirements.txt" && \
		diff -u requirements-dev.txt "$$tmp/requirements-dev.txt"; then \
		echo "The lock files match requirements.in and requirements-dev.in."; \
	else \
		echo "The lock files are out of date: run make lock and commit them."; exit 1; \
	fi

## Start the app on its embedded default (SQLite, eager tasks) with the catalogue loaded.
run: $(RUNTIME)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalogue
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Run the whole test suite, spread over TEST_WORKERS processes (pytest-xdist; TEST_WORKERS=0
## runs it in one, e.g. for --pdb). PYTEST_ARGS passes options on, e.g. PYTEST_ARGS="tests/api -x".
TEST_WORKERS ?= 2
test: $(DEV)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Type-check the code with mypy (pyproject.toml: strict for the engine and the services).
typecheck: $(DEV)
	$(BIN)/mypy

## Check which way imports run (import-linter's contracts in pyproject.toml).
lint-imports: $(DEV)
	$(BIN)/lint-imports

migrations-check: $(DEV)
	$(BIN)/python manage.py makemigrations --check --dry-run

## Make a staff login with every permission.
superuser: $(RUNTIME)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createsuperuser

## Benchmark: gunicorn with production settings driven by wrk, at the seed and a large synthetic
## catalogue, then the engine from 100 to 10,000 therapies. PostgreSQL and Redis when
## DATABASE_URL and REDIS_URL are set (use a throwaway database), SQLite in var/bench otherwise.
## BENCH_ARGS passes options on, e.g. BENCH_ARGS="--sizes seeded --duration 5".
bench: $(RUNTIME) bench-tools
	$(BIN)/python -m tests.benchmarks.web $(BENCH_ARGS)
	$(BIN)/python -m tests.benchmarks.engine

# wrk from Debian's package, as .ci/run installs Chromium.
bench-tools:
	@command -v wrk >/dev/null || { \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	@command -v wrk >/dev/null || { echo "Could not install wrk (apt-get install wrk)."; exit 1; }

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
