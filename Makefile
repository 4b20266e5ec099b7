# The two commands of the README: `make demo` (the demo run, then its report, demo-report.html) and
# `make test`. Both create or update .venv first.
# `make test` runs the static checks (scripts/check.sh, also `make check` alone), then the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check system-deps bench clean

$(STAMP): pyproject.toml
	@bash scripts/install-system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,sim]'
	@touch $(STAMP)

DEMO_REPORT := demo-report.html

demo: $(STAMP)
	$(BIN)/cadence-coach demo --report $(DEMO_REPORT)
	@echo "the run's report (open it in a browser): $(CURDIR)/$(DEMO_REPORT)"

test: $(STAMP)
	@bash scripts/install-system-deps.sh --test
	@bash scripts/check.sh $(BIN)/python
	@bash scripts/run-tests.sh $(BIN)/python

check: $(STAMP)
	@bash scripts/check.sh $(BIN)/python

bench: $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

system-deps:
	@bash scripts/install-system-deps.sh

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .grimp_cache
