# Two commands do everything on a fresh machine: `make run` and `make test`.
# Each builds .venv on first use from requirements.lock (plain name==version pins),
# with uv when it is on PATH, else with `python3 -m uv` after installing uv with pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV     := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
ARGS   ?=

.PHONY: run test lint bench facts clean

run: $(STAMP)
	$(BIN)/sim-run $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks experiments
	$(BIN)/pytest $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks experiments
	$(BIN)/ruff format --check sim tests benchmarks experiments

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_run.py

facts: $(STAMP)  # the study experiments/stylized_facts/: make facts [ARGS=replicates=1000 DIR=...]
	$(BIN)/sim-sweep experiment=stylized_facts progress=false \
	  hydra.run.dir=$(or $(DIR),outputs/experiments/stylized_facts/v1) $(ARGS)
	$(BIN)/python experiments/stylized_facts/study.py $(or $(DIR),outputs/experiments/stylized_facts/v1)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
	  { echo "error: Python 3.12 or newer is needed as '$(PYTHON)' (.python-version asks pyenv for 3.12)"; exit 1; }
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
	  $(PYTHON) -m pip install --quiet uv
	$(UV) venv --allow-existing --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV)
	$(UV) pip install --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(UV) pip install --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache .ruff_cache
