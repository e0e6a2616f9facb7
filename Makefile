# Two commands on a fresh machine: `make run` and `make test`. See README.md.
# `make run` serves as a clinic does (gunicorn, DEBUG off, WhiteNoise); `make dev` is runserver with DEBUG on.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Test runs get a throwaway key; `make run` and `make dev` keep their own in var/secret_key.
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_DEBUG=0 DJANGO_HTTPS=0
# Local serving is plain HTTP; a clinic puts TLS in front (see deploy/) and sets DJANGO_HTTPS=1.
DJANGO_HTTPS ?= 0
# With DEBUG off Django answers only these host names; `make run HOST=0.0.0.0` on a network also
# needs the name or address people type, e.g. DJANGO_ALLOWED_HOSTS=clinic-pc.local,192.168.1.20.
DJANGO_ALLOWED_HOSTS ?= localhost,127.0.0.1,[::1],$(HOST)
RUN_ENV = DJANGO_DEBUG=0 DJANGO_HTTPS=$(DJANGO_HTTPS) DJANGO_ALLOWED_HOSTS='$(DJANGO_ALLOWED_HOSTS)' \
	DJANGO_SECRET_KEY=$$(cat var/secret_key)
DEV_ENV = DJANGO_DEBUG=1 DJANGO_SECRET_KEY=$$(cat var/secret_key)

.PHONY: run password dev test test-scaleout lint messages bench-demo-data bench-export bench-photos bench-pages bench-reports clean

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

# On PostgreSQL, DATABASE_OWNER_URL (from the environment, like DATABASE_URL) makes `migrate` run as the
# owner role while gunicorn stays on DATABASE_URL's application role (README, "Least privilege").
# DEMO=0: a new database starts empty (no synthetic demo patients or equipment). The administrator's password,
# printed once on a new database, is the last thing said before the server starts; `make password` sets a new one.
DEMO ?= 1
run: $(VENV)/.runtime node_modules/.installed var/secret_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --no-input
	$(RUN_ENV) $(BIN)/python manage.py first_run $(if $(filter 0,$(DEMO)),--no-demo)
	@echo "Serving on http://$(HOST):$(PORT)/ with gunicorn and the export worker, DEBUG off, plain HTTP (Ctrl+C to stop)"
	$(RUN_ENV) HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) deploy/serve

# A new password for an account of `make run`'s database (ACCOUNT, by default admin), typed twice at the prompt.
ACCOUNT ?= admin
password: $(VENV)/.runtime var/secret_key
	$(RUN_ENV) $(BIN)/python manage.py changepassword $(ACCOUNT)

dev: $(VENV)/.runtime node_modules/.installed var/secret_key
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py first_run $(if $(filter 0,$(DEMO)),--no-demo)
	@echo "Development server on http://$(HOST):$(PORT)/, DEBUG on (Ctrl+C to stop)"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite on PYTEST_WORKERS processes (pytest-xdist), each on a test database of its own (how the
# tests are shared out: tests/conftest.py). PYTEST_WORKERS=0 runs everything in this one process.
PYTEST_WORKERS ?= 2
# Every worker, and every server or command a test starts, imports the same modules: with
# PYTHONDONTWRITEBYTECODE set (some shells set it) each would compile them, tests' assertions included, anew.
test: $(VENV)/.dev node_modules/.installed
	$(TEST_ENV) PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Two gunicorn app servers behind HAProxy on PostgreSQL, S3 (moto) and Redis; one is stopped midway
# through a clinic's journey (deploy/scaleout/check.py). Needs haproxy, redis-server and PostgreSQL.
test-scaleout: $(VENV)/.dev node_modules/.installed
	$(BIN)/python deploy/scaleout/check.py

lint: $(VENV)/.dev node_modules/.installed
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/python -W error manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

# The catalogues in step with the code (README, "Languages"): new strings appear untranslated in
# locale/<language>/LC_MESSAGES/django.po, for a translator; then the compiled .mo files `make run` serves.
messages: $(VENV)/.dev
	$(TEST_ENV) $(BIN)/python manage.py makemessages
	$(TEST_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

bench-demo-data: $(VENV)/.dev
	$(TEST_ENV) $(BIN)/python bench/demo_data.py $(BENCH_ARGS)

bench-export: $(VENV)/.dev
	$(TEST_ENV) $(BIN)/python bench/export.py $(BENCH_ARGS)

bench-photos: $(VENV)/.dev
	$(BIN)/python bench/photos.py $(BENCH_ARGS)

bench-reports: $(VENV)/.dev
	$(TEST_ENV) $(BIN)/python bench/reports.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache

bench-pages: $(VENV)/.dev node_modules/.installed
	$(TEST_ENV) $(BIN)/python bench/pages.py $(BENCH_ARGS)
