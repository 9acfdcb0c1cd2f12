# dangjian — two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= county
# pytest workers: two cores on the reference machine (CI and developers alike).
# --dist loadgroup keeps a module sharing one tiny demo build (conftest.tiny_demo) on one worker.
WORKERS ?= 2
PYTEST_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/dangjian
BENCH_ARGS ?=
# The app defaults to production (DEBUG off, secrets required); these development targets say they are not.
# An explicit DEBUG in the environment still wins. Production never uses `make run`.
DEV_TARGETS := run demo setup migrate messages makemessages test test-pg browser bench
$(DEV_TARGETS): export DEBUG ?= 1

.PHONY: run test setup venv migrate demo lint format bench load test-pg browser clean messages makemessages

# The stamp depends on both requirement files: editing a pin re-installs on the next make.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "dangjian needs Python >= 3.10 (found %s); run: make PYTHON=python3.11" % sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

## Compile the translation catalogues (.po → .mo; no GNU gettext needed).
messages: venv
	$(PY) manage.py compile_translations

# Apps other than core keep their own catalogue (dangjian/<app>/locale); the shell's is dangjian/locale.
OTHER_APPS := $(filter-out dangjian/core,$(patsubst %/apps.py,%,$(wildcard dangjian/*/apps.py)))

## Refresh every catalogue after adding strings (needs GNU gettext): the shell's (dangjian/templates and the
## project files) in dangjian/locale, and each app's own in dangjian/<app>/locale; then fill every empty msgstr.
makemessages: venv
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=bench --ignore=staticfiles \
		$(addprefix --ignore=,$(sort $(OTHER_APPS) dangjian/core))
	for app in $(sort $(OTHER_APPS) dangjian/core); do \
		(cd $$app && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l zh_Hans --no-obsolete --ignore=tests) || exit 1; \
	done

migrate: venv messages
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py demo --if-empty --scale $(SCALE)

setup: demo

## Set everything up (virtual environment, dependencies, database, demo county) and serve on HOST:PORT,
## with a background worker (manage.py db_worker) for imports and large exports; both stop together.
run: demo
	$(PY) manage.py demo_accounts
	$(PY) scripts/run_dev.py $(HOST):$(PORT)

## Lint, types of core, migration check and the whole suite on SQLite (DATABASE_URL=postgres://... runs it on PostgreSQL).
test: venv messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy dangjian/core
	$(PY) manage.py makemigrations --check --dry-run -v 1
	$(VENV)/bin/pytest -q -n $(WORKERS) --dist loadgroup --create-db $(PYTEST_ARGS)

## The same suite on PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432/dangjian).
test-pg: venv messages
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q -n $(WORKERS) --dist loadgroup --create-db $(PYTEST_ARGS)

## Only the browser journeys (headless Chromium at /usr/bin/chromium).
browser: venv messages
	$(VENV)/bin/pytest -q -m browser --create-db $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy dangjian/core

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Benchmarks on the city-scale demo (not part of `make test`).
bench: venv messages
	$(PY) bench/run.py $(BENCH_ARGS)

## Sustained load against gunicorn in production settings (bench/load.py; default 50 requests/s for 10 min).
LOAD_ARGS ?= --pg
load: venv messages
	$(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
