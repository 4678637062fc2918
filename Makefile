# The two commands of the README: `make run` (annotate seeds/) and `make test` (the whole suite).
# Both set everything up on a fresh machine that has only Python 3.10+.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/quotes.csv

.PHONY: setup run test studio clean

$(BIN)/quotes: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

setup: $(BIN)/quotes

run: setup
	@mkdir -p $(dir $(OUT))
	$(BIN)/quotes extract seeds -o $(OUT)

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) out .pytest_cache
