"""Every rules file `quotes learn` writes loads again, whatever names and phrases it learned.

ruamel's emitter cut long plain mapping keys at the width ("... Brian Fallon of\\n  Washington:"),
which made `quotes extract --rules` refuse the file; `Rules.save` also reads its text back before
writing it. No model needed: the learned entries are added to the data as the learner adds them.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from quotes.errors import RulesError
from quotes.rules import default_rules_path, load_rules, parse_rules

ODD = [
    "Clinton campaign spokesman and longtime adviser to the former secretary of state Brian Fallon",
    "the New York Daily News editorial board which published the front page on Thursday morning in the city",
    " ".join(["a very long learned name"] * 12),  # over 128 characters: an explicit key
    "Brian O'Neill",
    "Sen. Chuck Schumer (D-N.Y.)",
    'the "Never Trump" movement',
    "“Saturday Night Live” cast member",
    "Campaign: the Rally",
    "Room #5 of the hotel",
    "Zoë Ångström of Malmö – the ‘grand’ dame",
    "Александр Лукашенко",
    "@realDonaldTrump",
    "- the unnamed aide",
    "? the pollster",
    ": the spokesman",
    "null",
    "yes",
    "1.5",
    "a back\\slash",
]


def _learned(data: dict, name: str, padding: int) -> None:
    """A learned speaker, alias and cue phrase, written where learning writes them."""
    alias = f"{'x' * padding} {name}"  # pushes the name across the line width in the flow mapping
    data["speakers"][name] = {"aliases": [alias, name + " Jr"], "kind": "person", "source": "learned",
                              "evidence": {alias: 2, name + " Jr": 3}}
    data["cue_phrases"][name.lower()] = {"weight": 0.8, "source": "learned", "locked": False, "evidence": 2}


def _small() -> dict:
    """A rules mapping with the sections learning writes to (the packaged file is slow to copy 60 times)."""
    return {"version": "1", "cue_verbs": {"say": {"weight": 1.0, "locked": True}},
            "cue_phrases": {"according to": {"weight": 1.0}}, "speakers": {"NASA": {"aliases": ["Nasa"]}}}


@pytest.mark.parametrize("name", ODD)
@pytest.mark.parametrize("padding", [1, 40, 75])
def test_a_learned_name_survives_a_save_and_a_load(tmp_path: Path, name: str, padding: int) -> None:
    data = _small()
    _learned(data, name, padding)
    path = tmp_path / "learned.yaml"
    parse_rules(data).save(path)
    again = load_rules(path)
    entry = next(s for s in again.speakers if s.name == name)
    assert entry.aliases == (f"{'x' * padding} {name}", name + " Jr")
    assert again.data["speakers"][name]["evidence"] == {f"{'x' * padding} {name}": 2, name + " Jr": 3}
    assert again.cue_phrases[name.lower()] == 0.8


def test_all_of_them_in_the_packaged_rules(tmp_path: Path) -> None:
    data = copy.deepcopy(load_rules().data)
    for n, name in enumerate(ODD):
        _learned(data, name, n * 7)
    path = tmp_path / "learned.yaml"
    parse_rules(data).save(path)
    assert [s.name for s in load_rules(path).speakers][-len(ODD):] == ODD


def test_the_packaged_rules_are_written_as_they_were_read() -> None:
    """The fix changes nothing of a file it could already write: a learned file's diff stays small."""
    rules = load_rules()
    again = parse_rules(copy.deepcopy(rules.data)).to_yaml()
    assert again == rules.to_yaml()
    assert load_rules(default_rules_path()).data == rules.data


def test_a_file_that_would_not_read_back_is_not_written(tmp_path: Path, monkeypatch) -> None:
    rules = load_rules()
    monkeypatch.setattr(type(rules), "to_yaml", lambda self: "version: [1\n")
    path = tmp_path / "broken.yaml"
    with pytest.raises(RulesError, match="would not load again"):
        rules.save(path)
    assert not path.exists()
