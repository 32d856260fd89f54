# Opspor developer tasks.  make venv | run | test | test-deps | lint
# `make test` works from a clean clone on Debian with python3 and node/npm (as root it
# installs Chromium with apt-get for the browser tests).

SHELL := /bin/bash
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.opspor-installed
NPM_STAMP  := node_modules/.opspor-installed
CHROMIUM   := /usr/bin/chromium

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export DEBIAN_FRONTEND := noninteractive

.PHONY: venv run test test-deps lint apt-deps pg-up

venv: $(VENV_STAMP)

# (Re)installs when pyproject.toml changes; creating the venv needs python3-venv on Debian.
$(VENV_STAMP): pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  echo "creating $(VENV)"; \
	  if ! $(PYTHON) -m venv $(VENV) >/dev/null 2>&1; then \
	    rm -rf $(VENV); \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; \
	    fi; \
	    $(PYTHON) -m venv $(VENV); \
	  fi; \
	fi
	@echo "pip install -e '.[test]'"
	@$(PY) -m pip install -q -e '.[test]'
	@touch $@

run: venv
	@if ! $(VENV)/bin/opspor summary --json >/dev/null 2>&1; then \
	  echo "no workspace in the default database yet: building the demo (opspor demo)"; \
	  $(VENV)/bin/opspor demo; \
	fi
	$(VENV)/bin/streamlit run app.py

# Every database test runs on SQLite and on PostGIS (the local PostgreSQL server; see
# tests/conftest.py). OPSPOR_TEST_BACKEND=sqlite make test runs the SQLite half only.
OPSPOR_TEST_BACKEND ?= all
export OPSPOR_TEST_BACKEND

test: venv test-deps pg-up
	$(PY) -m pytest -q

# PostgreSQL: start the machine's cluster if it is down (the PostGIS tests need it).
pg-up:
	@if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
	  v="$$(ls /etc/postgresql | sort -V | tail -n1)"; \
	  if [ -n "$$v" ] && ! pg_lsclusters -h 2>/dev/null | awk '{print $$4}' | grep -q online; then \
	    echo "starting PostgreSQL $$v"; \
	    pg_ctlcluster --skip-systemctl-redirect "$$v" main start </dev/null || true; \
	  fi; \
	fi

# Browser-test dependencies: Debian's Chromium and a font (root only) + test-only npm packages;
# PostGIS for the machine's PostgreSQL server.
test-deps: apt-deps $(NPM_STAMP)

apt-deps:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	[ -d /usr/share/fonts/truetype/dejavu ] || missing="$$missing fonts-dejavu-core"; \
	if [ -d /usr/share/postgresql ]; then \
	  for v in $$(ls /usr/share/postgresql | grep -E '^[0-9]+$$'); do \
	    [ -f /usr/share/postgresql/$$v/extension/postgis.control ] || missing="$$missing postgresql-$$v-postgis-3"; \
	  done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "apt-get install$$missing"; \
	    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "warning: missing$$missing (install as root: apt-get install$$missing); browser tests will fail" >&2; \
	  fi; \
	fi

$(NPM_STAMP): package.json $(wildcard package-lock.json)
	@if [ -f package-lock.json ]; then \
	  echo "npm ci"; npm ci --no-audit --no-fund --loglevel=error; \
	else \
	  echo "npm install"; npm install --no-audit --no-fund --loglevel=error; \
	fi
	@touch $@

lint: venv
	$(VENV)/bin/ruff check .
