# Two commands on a fresh machine with Python 3.11 and pip:
#   make demo   set up .venv; run the batch over the example clients (reports in out/, see out/index.html
#               and out/portfolio.html)
#   make test   set up .venv (and Debian's chromium and postgresql for the PDF, browser and store tests) and run the tests
#   make lab    JupyterLab on the notebooks
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAMPLES := $(sort $(wildcard examples/clients/*/client.yaml))

.PHONY: setup demo test clean lab browser-deps db-deps font-deps

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

OUT ?= out

demo: $(STAMP) browser-deps font-deps
	$(BIN)/workbench validate $(dir $(EXAMPLES))
	$(BIN)/workbench run --all examples/clients --out $(OUT)
	$(BIN)/workbench portfolio --store $(OUT) --out $(OUT)
	@echo "Reports for every example client: $(abspath $(OUT))/index.html; across clients: $(abspath $(OUT))/portfolio.html"

# The PDF reports are set in DejaVu Sans (Debian's fonts-dejavu-core); without it the browser falls back to
# whatever font the system has.
font-deps:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { echo "Installing Debian's DejaVu fonts for the reports"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null; }

# The PDF is printed by Debian's chromium, driven by playwright, as are the browser tests (a browser download is
# impossible here; elsewhere `playwright install chromium` or WORKBENCH_CHROMIUM=/path/to/chrome does as well).
CHROMIUM ?= /usr/bin/chromium

browser-deps:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the PDF reports and the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The PostgreSQL test starts a real server from Debian's postgresql package (the portfolio store's --store URL).
db-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "Installing Debian's postgresql for the store tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# The tests run in TEST_WORKERS processes (pytest-xdist), a test file to each at a time, so a file's fixtures are
# made once (a session fixture once per process); most tests wait on kernels, browsers and subprocesses as much
# as they compute.
TEST_WORKERS ?= 2

test: $(STAMP) browser-deps db-deps font-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# JupyterLab on the notebooks, on localhost only, for any user (root too: containers, CI machines and many lab
# servers run as root, where JupyterLab otherwise refuses to start). LAB_ARGS adds options, e.g. --port=8899.
LAB_ARGS ?=

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS) notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
