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
# Debian packages: a Times New Roman-compatible serif with Vietnamese (the PDF writer reads these
# font files; the charts), poppler-utils for checking PDFs (pdftotext, pdftoppm).
DEB_PACKAGES := fonts-liberation2 poppler-utils
# The tests only: a real office suite opens what we write: Writer report.docx, Calc phu-luc.xlsx
# (LibreOffice opens a file only with the component of its kind; tests/programs.py names them).
TEST_DEB_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui
# The benchmarks only: WeasyPrint, the PDF route compared against, needs Pango.
BENCH_DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: report test setup system test-system apt demo bench clean

setup: system $(VENV)/.installed

system:
	@$(MAKE) --no-print-directory apt PACKAGES="$(DEB_PACKAGES)"

test-system:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_DEB_PACKAGES)"

apt:
	@# installed means "install ok installed": a removed package keeps a status (config-files) that dpkg -s accepts
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "Cần quyền root để cài: $$missing" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@# an editable install leaves out data files: the nbconvert template `cchc`, by name
	mkdir -p $(VENV)/share/jupyter/nbconvert/templates
	ln -sfn $(CURDIR)/lib/cchc/data/nbconvert/cchc $(VENV)/share/jupyter/nbconvert/templates/cchc
	touch $@

demo: setup
	@if [ -z "$$(ls -A $(DEMO_RAW) 2>/dev/null)" ]; then $(BIN)/cchc demo; fi

report: demo
	$(BIN)/cchc run --unit $(UNIT) --period $(PERIOD)
	@echo "Outputs: $(CURDIR)/outputs/$(UNIT)/$(PERIOD)/"
	@ls -1 outputs/$(UNIT)/$(PERIOD)/

test: setup test-system
	$(BIN)/python -m pytest -q

bench: setup
	@$(MAKE) --no-print-directory apt PACKAGES="$(BENCH_DEB_PACKAGES)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_pdf.py
	$(BIN)/python benchmarks/bench_batch.py

clean:
	rm -rf data/processed outputs
