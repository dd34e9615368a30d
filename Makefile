# Two commands for a new user: `make run` and `make test`. Both set up what they
# need on a fresh machine: two Python environments (the project's, and Rasa's own
# boxed 3.10 one), the Rasa model (retrained only when Rasa's fingerprint says the
# data or config changed), and the local database with demo data.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV      := .venv
RASA_VENV := .venv-rasa
BIN       := $(VENV)/bin
# Rasa runs from the project root (it imports rasa_addons/ and iep_assistant.signing)
# and never phones home.
# endpoints.yml reads its tracker store path from the environment (the stack sets it
# per process); offline commands such as `rasa test` get a scratch file.
RASA      := PYTHONPATH=$(CURDIR) RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 \
             SQLALCHEMY_SILENCE_UBER_WARNING=1 IEP_TRACKER_DB=$(CURDIR)/var/trackers-offline.db \
             $(RASA_VENV)/bin/rasa
DATA      := --data nlu stories
IEP       := $(BIN)/iep-assistant

.PHONY: help run test setup install training-data model database lint lock pytest validate conversation-tests audit clean

help:
	@echo "make run    start the assistant locally (web chat, Rasa, actions; Slack if .env has tokens)"
	@echo "make test   run every test (pytest, rasa data validate, conversation tests, audit)"
	@echo "make lint   ruff"
	@echo "make lock   re-resolve and re-pin both environments (locks/*.txt)"

run: setup database
	$(IEP) run

test: setup
	$(MAKE) --no-print-directory validate pytest conversation-tests audit

setup: install model

install: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: pyproject.toml locks/project.txt
	@py=$$(scripts/find-python project) || exit 1; \
	  [ -x $(BIN)/python ] || $$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c locks/project.txt -e '.[dev]'
	@touch $@

$(RASA_VENV)/.installed: rasa-requirements.txt locks/rasa.txt
	@py=$$(scripts/find-python rasa) || exit 1; \
	  [ -x $(RASA_VENV)/bin/python ] || $$py -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip
	grep -v 'no-deps' rasa-requirements.txt > $(RASA_VENV)/requirements.txt
	$(RASA_VENV)/bin/python -m pip install --quiet -c locks/rasa.txt -r $(RASA_VENV)/requirements.txt
	grep 'no-deps' rasa-requirements.txt | sed 's/#.*//' | \
	  xargs $(RASA_VENV)/bin/python -m pip install --quiet --no-deps -c locks/rasa.txt
	@touch $@

# The knowledge articles are the one source of truth; Rasa's training data and
# responses for them are generated (and a test fails when they are stale).
training-data: $(VENV)/.installed
	$(IEP) build-training-data

# `rasa train` fingerprints every component's data and config against Rasa's
# training cache (.rasa/cache) and only retrains what changed; with nothing
# changed it just repackages the model (about 10 s).
model: install training-data
	$(RASA) train $(DATA) --out models --quiet
	$(IEP) prune-models

# The demo district is loaded (and its dates refreshed) unless DEMO=0:
# `make run DEMO=0` serves whatever the database holds, e.g. a district import.
DEMO ?= 1
database: $(VENV)/.installed
	$(IEP) db upgrade
	@if [ "$(DEMO)" = 1 ]; then $(IEP) demo-data; fi

validate: $(RASA_VENV)/.installed
	$(RASA) data validate $(DATA) --fail-on-warning

# pytest exit code 5 means "no tests collected", e.g. every test deselected.
pytest: $(VENV)/.installed
	$(BIN)/pytest || [ $$? -eq 5 ]

conversation-tests: $(RASA_VENV)/.installed
	@mkdir -p var
	$(RASA) test core --stories tests/conversations --model models \
	  --out results/conversations --fail-on-prediction-errors --no-plot

# Known vulnerabilities in both environments (pip-audit); accepted ones, with their
# reasons, are in security/accepted-vulnerabilities.toml.
audit: install
	$(BIN)/python scripts/audit-dependencies

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lock:
	scripts/lock

clean:
	rm -rf $(VENV) $(RASA_VENV) models results var
