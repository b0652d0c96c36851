# make run  — install into .venv, migrate, load demo data, serve at http://localhost:$(PORT)
# make test — install into .venv and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-only install migrate demo worker beat check-deploy messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	PORT=$(PORT) BIN=$(BIN) ./bin/serve

test: install
	$(BIN)/python -m pytest -n auto

test-only:
	$(BIN)/python -m pytest -n auto

worker: install
	$(BIN)/celery -A prm worker --loglevel=INFO

beat: install
	$(BIN)/celery -A prm beat --loglevel=INFO

check-deploy: install
	PRM_ENV=production SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-but-long-enough-0123456789 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# After changing marked strings: merge them into every locale/ catalogue, translate, then compile.
messages: install
	$(BIN)/python manage.py catalogues update
	$(BIN)/python manage.py catalogues compile
	$(BIN)/python manage.py catalogues check

clean:
	rm -rf $(VENV) db.sqlite3* var
