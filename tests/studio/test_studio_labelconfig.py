"""The labeling interface: generated from the rules' stance labels, checked before a push."""
from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from quotes.errors import StudioError
from quotes.rules import load_rules
from quotes.studio.convert import rows_from_result
from quotes.studio.labelconfig import (DEFAULT_STANCE, DEFAULT_TYPE, check_label_config, label_config,
                                       read_label_config, stance_labels)

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


def test_the_committed_config_is_the_generated_one() -> None:
    """`quotes studio config` wrote annotations/label_config.xml; a change to the generator needs it run again."""
    assert COMMITTED.read_text(encoding="utf-8") == label_config(stance_labels(load_rules()))


def _styles(el: ET.Element) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in (el.get("style") or "").split(";") if ":" in part)
    return {k.strip(): v.strip() for k, v in pairs}


def test_the_quote_controls_sit_in_a_sticky_column_beside_the_text() -> None:
    root = ET.fromstring(label_config(LABELS))
    parent = {child: el for el in root.iter() for child in el}

    def ancestors(el: ET.Element) -> list[ET.Element]:
        out = []
        while el in parent:
            el = parent[el]
            out.append(el)
        return out

    text = next(el for el in root.iter("Text") if el.get("name") == "text")
    controls = [el for el in root.iter() if el.get("perRegion") == "true"]
    assert {el.get("name") for el in controls} == {"speaker", "speaker_kind", "stance", "type"}
    sticky = [a for a in ancestors(controls[0]) if _styles(a).get("position") == "sticky"]
    assert len(sticky) == 1, "one sticky column holds the controls"
    column = sticky[0]
    assert _styles(column).get("top") == "0"
    assert all(column in ancestors(el) for el in controls)
    assert column not in ancestors(text), "the text scrolls; only the controls stay put"
    row = parent[column]
    assert _styles(row).get("display") == "flex" and row in ancestors(text), "the column is beside the text"
    # the labels for marking a new quote or speaker stay in view with the controls
    assert column in ancestors(next(root.iter("Labels")))


def test_the_screen_states_the_defaults_an_export_reads() -> None:
    """A new quote left without stance or type is exported with the defaults the screen names."""
    xml = label_config(LABELS)
    headers = [el.get("value") or "" for el in ET.fromstring(xml).iter("Header")]
    assert any("Stance" in h and DEFAULT_STANCE in h for h in headers)
    assert any("type" in h and DEFAULT_TYPE in h for h in headers)
    text = '"We will win," Jo Park said.'
    bare = [{"id": "new", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 1, "end": 12, "text": text[1:12], "labels": ["QUOTE"]}}]
    (row,) = rows_from_result(bare, "d1", text)
    assert (row.stance, row.type) == (DEFAULT_STANCE, DEFAULT_TYPE)
