# Two commands on a fresh machine with Python 3.11 and pip:
#   make demo   set up .venv; run the batch over the example clients (reports in out/, see out/index.html)
#   make test   set up .venv and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAMPLES := $(sort $(wildcard examples/clients/*/client.yaml))

.PHONY: setup demo test clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

OUT ?= out

demo: $(STAMP)
	$(BIN)/workbench validate $(dir $(EXAMPLES))
	$(BIN)/workbench run --all examples/clients --out $(OUT)
	@echo "Reports for every example client: $(abspath $(OUT))/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
