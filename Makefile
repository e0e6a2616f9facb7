# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Test runs get a throwaway key; `make run` keeps its own in var/secret_key.
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_DEBUG=0 DJANGO_HTTPS=0

.PHONY: run test lint bench-demo-data bench-export bench-photos clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --omit=peer --loglevel=error
	touch $@

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

run: $(VENV)/.runtime node_modules/.installed var/secret_key
	DJANGO_DEBUG=1 DJANGO_SECRET_KEY=$$(cat var/secret_key) $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 DJANGO_SECRET_KEY=$$(cat var/secret_key) $(BIN)/python manage.py first_run
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_DEBUG=1 DJANGO_SECRET_KEY=$$(cat var/secret_key) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev node_modules/.installed
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/python -W error manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

bench-demo-data: $(VENV)/.dev
	$(TEST_ENV) $(BIN)/python bench/demo_data.py $(BENCH_ARGS)

bench-export: $(VENV)/.dev
	$(TEST_ENV) $(BIN)/python bench/export.py $(BENCH_ARGS)

bench-photos: $(VENV)/.dev
	$(BIN)/python bench/photos.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
