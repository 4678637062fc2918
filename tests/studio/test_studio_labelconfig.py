"""The labeling interface: generated from the rules' stance labels, checked before a push."""
from __future__ import annotations

from pathlib import Path

import pytest

from quotes.errors import StudioError
from quotes.rules import load_rules
from quotes.studio.labelconfig import check_label_config, label_config, read_label_config, stance_labels

COMMITTED = Path(__file__).resolve().parents[2] / "annotations" / "label_config.xml"
LABELS = ["hostile", "critical", "concerned", "reassuring", "supportive", "neutral"]


def test_the_committed_config_matches_the_rules_labels() -> None:
    labels = stance_labels(load_rules())
    check_label_config(COMMITTED.read_text(encoding="utf-8"), labels, str(COMMITTED))


def test_the_generated_config_is_valid_for_label_studio() -> None:
    from label_studio_sdk.label_interface import LabelInterface

    xml = label_config(stance_labels(load_rules()))
    LabelInterface(xml).validate()  # raises on an invalid config
    check_label_config(xml, stance_labels(load_rules()), "generated")


def test_definitions_become_hints() -> None:
    xml = label_config({"neutral": "states facts", "hostile": "threatens & insults"})
    assert 'hint="threatens &amp; insults"' in xml


@pytest.mark.parametrize("edit, message", [
    (lambda x: x.replace("<View>", "<View", 1), "not valid XML"),
    (lambda x: x.replace('value="QUOTE"', 'value="QUOTATION"'), "lacks QUOTE"),
    (lambda x: x.replace('<Relation value="said_by"/>', ""), "said_by"),
    (lambda x: x.replace('name="speaker" toName="text" perRegion="true"', 'name="speaker" toName="text"'),
     "perRegion"),
    (lambda x: x.replace('<Choice value="hostile"', '<Choice value="angry"'), "lacks hostile; has angry too"),
    (lambda x: x.replace('<Choice value="partial"/>', ""), "lacks partial"),
    (lambda x: x.replace('value="$text"', 'value="$body"'), "value=\"$text\""),
])
def test_a_bad_config_is_named_with_what_is_wrong(edit, message: str) -> None:
    xml = edit(label_config(LABELS))
    with pytest.raises(StudioError, match=message.replace("$", r"\$")) as err:
        check_label_config(xml, LABELS, "my_config.xml")
    assert str(err.value).startswith("my_config.xml: ")
    assert "\n" not in str(err.value)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(StudioError, match="nothere.xml: label config not found"):
        read_label_config(tmp_path / "nothere.xml", dict.fromkeys(LABELS, ""))


def test_another_label_set_needs_another_config(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_text(label_config(LABELS), encoding="utf-8")
    with pytest.raises(StudioError, match="lacks sarcastic"):
        read_label_config(path, dict.fromkeys([*LABELS, "sarcastic"], ""))
