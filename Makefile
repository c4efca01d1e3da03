# cchc — two commands on a fresh machine:
#   make report   set up, make the demo data if missing, run the demo period
#   make test     set up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UNIT ?= nguyen-luong-bang
PERIOD ?= 2025
DEMO_RAW := data/raw/nguyen-luong-bang/2025

.PHONY: report test setup demo bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: setup
	@if [ -z "$$(ls -A $(DEMO_RAW) 2>/dev/null)" ]; then $(BIN)/cchc demo; fi

report: demo
	$(BIN)/cchc run --unit $(UNIT) --period $(PERIOD)
	@echo "Outputs: $(CURDIR)/outputs/$(UNIT)/$(PERIOD)/"
	@ls -1 outputs/$(UNIT)/$(PERIOD)/

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf data/processed outputs
