# newsportal — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Local development runs with DEBUG on unless the caller says otherwise.
export DJANGO_DEBUG ?= 1

.PHONY: run serve test venv lint format migrate demo messages bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed  ## create .venv and install the project (only that)

migrate: venv
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) loaddemo

run: demo  ## install, migrate, load demo content, serve at http://$(HOST):$(PORT)/
	$(MANAGE) runserver $(HOST):$(PORT)

# Production settings on this machine: DEBUG off, plain HTTP on 127.0.0.1, a secret
# key kept in .secret-key unless DJANGO_SECRET_KEY is set.
SERVE_ENV = DJANGO_DEBUG=0 DJANGO_HTTPS=$${DJANGO_HTTPS:-0} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$(cat .secret-key)}

.secret-key:
	$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: demo .secret-key  ## gunicorn (gunicorn.conf.py), DEBUG off, hashed static files, at http://$(HOST):$(PORT)/
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput -v 0
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn newsportal.wsgi

test: venv  ## the whole suite (DATABASE_URL picks SQLite or PostgreSQL)
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_DEBUG=0 $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: venv  ## refresh the interface catalogues after changing UI strings (needs gettext)
	$(MANAGE) makemessages -l zh_Hans -l zh_Hant -l zh_TW -l zh_HK --ignore=.venv
	$(MANAGE) compilemessages --ignore=.venv

bench: venv  ## conversion, image uploads, search with 20 000 articles, view counting, HTTP vs Wagtail (minutes, not for CI; http needs Debian's wrk)
	$(PY) -m bench conversion
	$(PY) -m bench images
	$(PY) -m bench search
	$(PY) -m bench views
	$(PY) -m bench http

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
