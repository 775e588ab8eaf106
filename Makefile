# The README's two commands: `make audit` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: audit test setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Audit every claim of claims/ (printed numbers, and the reconstructions as default data): write the
## reports into reports/ (audit.html, audit.md, audit.json, junit.xml; written even when some verdict
## misses its expectation, hence the "-"), then print the rich table and summary; exit as the audit.
audit: $(STAMP)
	-$(BIN)/claimaudit report --quiet
	$(BIN)/claimaudit audit

## Run the whole test suite: unit, property-based, CLI, end to end, and every claim.
test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
