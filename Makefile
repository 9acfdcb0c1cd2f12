# dangjian — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= county

.PHONY: run test setup venv migrate demo lint bench bench-data test-pg browser clean messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed


	$(PY) manage.py compile_translations

messages: venv
	$(PY) manage.py compile_translations

migrate: venv messages
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py demo --if-empty --scale $(SCALE)

## Set everything up (virtual environment, dependencies, database, demo county) and serve on HOST:PORT.
run: demo
	$(PY) manage.py demo_accounts
	$(PY) manage.py runserver $(HOST):$(PORT)

## Install and run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL).
test: venv messages
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(VENV)/bin/pytest -q -n 2 --create-db

test-pg: venv messages
	DATABASE_URL=$${PG_URL:-postgres://postgres@127.0.0.1:5432/dangjian} $(VENV)/bin/pytest -q -n 2 --create-db

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Benchmarks on the city-scale demo (not part of `make test`).
bench: venv messages
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
