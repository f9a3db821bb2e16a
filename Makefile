# Callboard: `make demo` and `make test` set up .venv on first use, then run.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup demo demo-supervisor test test-fast screenshots bench server clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Callboard needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/callboard demo

demo-supervisor: setup
	$(VENV)/bin/callboard demo --user sam --colleagues alicia,ben,carmen,dev,erin --interval 6 --max-visitors 10

server: setup
	$(VENV)/bin/callboard server --demo

test: setup
	$(PY) -m pytest -q -p no:cacheprovider

screenshots: setup
	$(PY) scripts/export_screenshots.py

bench: setup
	$(PY) benchmarks/chat_latency.py

clean:
	rm -rf $(VENV) .pytest_cache
