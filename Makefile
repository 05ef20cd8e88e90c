# Two entry points, both self-installing on a machine with only Python 3.11+ and make:
#   make demo   sets everything up and runs the main job end to end against the local SAT sandbox
#   make test   sets everything up and runs ruff, mypy and pytest
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
RUN := $(UV) run --locked --no-sync

.PHONY: setup demo test lint typecheck pytest browser bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# setup.py and the C source too: uv rebuilds the compiled CFDI extractor when they change
.venv/.synced: $(UV) pyproject.toml uv.lock setup.py etl/parse/cfdi/_extract.c
	$(UV) sync --locked --python $(PYTHON)
	touch $@

setup: .venv/.synced

demo: setup
	$(RUN) cfdi-etl demo

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck: setup
	$(RUN) mypy

# The dashboard's browser test drives the distribution's Chromium (Playwright's own browser download is not
# used); installed here when missing, so a fresh machine needs nothing else. Costs one `test -x` otherwise.
CHROMIUM := /usr/bin/chromium

browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "The dashboard's browser test needs Chromium at $(CHROMIUM): install it with" \
	    "'sudo apt-get install -y chromium' (Debian/Ubuntu), then run make test again." >&2; exit 1; fi; }

pytest: setup browser
	$(RUN) pytest -n auto

test: lint typecheck pytest

bench: setup
	$(RUN) python -m bench

clean:
	rm -rf $(TOOLS) .venv .mypy_cache .ruff_cache build *.egg-info etl/parse/cfdi/*.so
