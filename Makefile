# cpsim: `make run` and `make test` do everything on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := install

VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Optional: make install CPSIM_PYTHON=/path/to/python3.12
CPSIM_PYTHON ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test bench baseline clean app

# The app's front-end files (Solara's CDN assets), fetched once from the npm registry (app/assets.py).
ASSETS := $(VENV)/share/solara/cdn/.complete.json

install: $(STAMP) $(ASSETS)

# The venv itself, with the first Python >= 3.12 that scripts/find-python finds.
$(PY):
	@python="$$(CPSIM_PYTHON='$(CPSIM_PYTHON)' scripts/find-python)" || exit 1; \
	echo "creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

# Reinstall only when pyproject.toml changes; a second `make install` does nothing.
$(STAMP): pyproject.toml | $(PY)
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
	  { echo "$(VENV) is not Python >= 3.12: run 'make clean' then 'make install'" >&2; exit 1; }
	@echo "installing cpsim and its pinned dependencies into $(VENV)"
	$(PY) -m pip install -q -e '.[test,dask,ray,analysis,app]'
	@touch $@

$(ASSETS): app/assets.py $(STAMP)
	$(PY) -m app.assets $(dir $@)
	@touch $@

app: install
	$(VENV)/bin/cpsim app

# The baseline, the full Munro package and prescription only, on the same seeds for 10 years;
# prints the comparison table and writes the report to results/run/index.html.
run: install
	$(VENV)/bin/cpsim compare scenarios/baseline.toml scenarios/reforms/munro_full.toml \
	  scenarios/reforms/prescription_only.toml --years 10 --report results/run

test: install
	$(PY) -m pytest -n 2 -q --durations=15

bench: install
	$(PY) benchmarks/bench_model.py --json

baseline: install
	$(PY) -m abm.regression --write tests/data/baseline_summary.json

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
