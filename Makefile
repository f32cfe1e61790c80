# Two commands do everything on a fresh machine: `make run` and `make test`.
# Each builds .venv on first use, with uv when it is on PATH, else with `python3 -m uv` after
# installing uv with pip. requirements.lock pins every package of every purpose (plain
# name==version lines); each target installs only its own group, constrained by the lock:
#   make run   the package and what running needs (pyproject.toml dependencies), then compiles
#              the Numba kernels into their cache, so the first command is not slower
#   make test  adds the `test` extra: pytest, hypothesis, ruff, import-linter, pygambit, nashpy,
#              and the `app` extra below (the classroom page's tests)
#   make app   adds the `app` extra (Solara, Playwright) and Solara's front end from the npm
#              registry (python -m sim.app.assets), then serves the classroom page (sim-app)
#   make lab   adds the `analysis` extra (JupyterLab, nbclient, ema-workbench, nashpy, pygambit),
#              then opens notebooks/ in JupyterLab
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
APP_STAMP  := $(VENV)/.installed-app
LAB_STAMP  := $(VENV)/.installed-lab
ARGS   ?=
SOURCES := sim tests benchmarks experiments

.PHONY: run test app lab lint bench facts estimate estimate-joint stylized-facts baseline clean

run: $(RUN_STAMP)
	$(BIN)/sim-run $(ARGS)

test: $(TEST_STAMP)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest $(ARGS)

app: $(APP_STAMP)  # the classroom page on 127.0.0.1:8765 [ARGS="--port 9000 --host 0.0.0.0"]
	$(BIN)/sim-app $(ARGS)

lab: $(LAB_STAMP)  # the notebooks in JupyterLab, from the pinned environment
	$(BIN)/jupyter lab --config=notebooks/jupyter_lab_config.py $(ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/lint-imports --no-cache

bench: $(RUN_STAMP)
	$(BIN)/python benchmarks/bench_run.py

facts: $(RUN_STAMP)  # the validation study (docs/VALIDATION.md): make facts [ARGS=--replicates 100 DIR=...]
	$(BIN)/python -m sim.validation.facts --out $(or $(DIR),outputs/experiments/validation/v1) $(ARGS)

estimate: $(RUN_STAMP)  # maximum-likelihood estimates on the record (docs/VALIDATION.md) [ARGS=design.n=64 DIR=...]
	$(BIN)/python -m sim.validation.estimate --out $(or $(DIR),outputs/experiments/estimate/v1) $(ARGS)

estimate-joint: $(RUN_STAMP)  # estimates on the record and the facts (docs/VALIDATION.md) [ARGS=design.n=64 DIR=...]
	$(BIN)/python -m sim.validation.joint --out $(or $(DIR),outputs/experiments/estimate_joint/v1) $(ARGS)

stylized-facts: $(RUN_STAMP)  # the earlier study experiments/stylized_facts/ [ARGS=replicates=1000 DIR=...]
	$(BIN)/sim-sweep experiment=stylized_facts progress=false \
	  hydra.run.dir=$(or $(DIR),outputs/experiments/stylized_facts/v1) $(ARGS)
	$(BIN)/python experiments/stylized_facts/study.py $(or $(DIR),outputs/experiments/stylized_facts/v1)

# Regenerate the golden baseline (tests/baseline/): only on purpose, in a commit that says why.
baseline: $(TEST_STAMP)
	$(BIN)/python tests/test_baselines.py

$(RUN_STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
	  { echo "error: Python 3.12 or newer is needed as '$(PYTHON)' (.python-version asks pyenv for 3.12)"; exit 1; }
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
	  $(PYTHON) -m pip install --quiet uv
	$(UV) venv --allow-existing --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV)
	$(UV) pip install --compile-bytecode --python $(BIN)/python -c requirements.lock -e .
	$(BIN)/python -m sim.cli.warm
	@touch $(RUN_STAMP)

$(APP_STAMP): $(RUN_STAMP) sim/app/assets.toml  # a new pin fetches again
	$(UV) pip install --compile-bytecode --python $(BIN)/python -c requirements.lock -e ".[app]"
	$(BIN)/python -m sim.app.assets
	@touch $(APP_STAMP)

$(LAB_STAMP): $(RUN_STAMP)
	$(UV) pip install --compile-bytecode --python $(BIN)/python -c requirements.lock -e ".[analysis]"
	@touch $(LAB_STAMP)

$(TEST_STAMP): $(APP_STAMP)
	$(UV) pip install --compile-bytecode --python $(BIN)/python -c requirements.lock -e ".[test]"
	@touch $(TEST_STAMP)

clean:
	rm -rf $(VENV) outputs multirun sweeps results .pytest_cache .ruff_cache .import_linter_cache
