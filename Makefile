# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint format migrations-check superuser clean bench bench-tools

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=python3.x)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(DEV): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(RUNTIME) $@

install: $(RUNTIME)
install-dev: $(DEV)

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
	rm -rf $(VENV) var .pytest_cache .ruff_cache
