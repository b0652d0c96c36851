# make run  — install into .venv, migrate, load the demo and serve it: http://acme.localhost:$(PORT)/,
#              http://globex.localhost:$(PORT)/ (http://127.0.0.1:$(PORT)/ explains the addresses)
# make test — install into .venv and run the whole suite
# make help — every target
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

.PHONY: help run test test-only install migrate demo worker beat check-deploy messages clean
.DEFAULT_GOAL := help

help: ## this list of targets
	@echo "Targets (PORT=$(PORT); set PORT=8123 to serve and link elsewhere):"
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its test tools

migrate: install ## apply the database migrations (SQLite file db.sqlite3 unless DATABASE_URL)
	$(BIN)/python manage.py migrate --noinput

demo: migrate ## load the demo programs, idempotently; links in their emails point at PORT
	PRM_PUBLIC_PORT=$${PRM_PUBLIC_PORT:-$(PORT)} $(BIN)/python manage.py load_demo

run: demo ## install, migrate, load the demo and serve it on PORT (with a worker and beat if REDIS_URL is set)
	PORT=$(PORT) BIN=$(BIN) ./bin/serve

test: install ## install, then run the whole suite
	$(BIN)/python -m pytest -n auto

test-only: ## run the whole suite, without installing first
	$(BIN)/python -m pytest -n auto

worker: install ## a Celery worker (needs REDIS_URL)
	$(BIN)/celery -A prm worker --loglevel=INFO

beat: install ## Celery beat, the periodic jobs (needs REDIS_URL)
	$(BIN)/celery -A prm beat --loglevel=INFO

check-deploy: install ## Django's deployment checks under production settings
	PRM_ENV=production SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-but-long-enough-0123456789 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# After changing marked strings: merge them into every locale/ catalogue, translate, then compile.
messages: install ## merge marked strings into every catalogue, compile and check them
	$(BIN)/python manage.py catalogues update
	$(BIN)/python manage.py catalogues compile
	$(BIN)/python manage.py catalogues check

clean: ## remove .venv, the SQLite database and var/ (uploads, the demo's emails)
	rm -rf $(VENV) db.sqlite3* var
