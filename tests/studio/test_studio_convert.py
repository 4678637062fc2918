"""Quote rows <-> Label Studio results, without a server: the conversion is a pure function."""
from __future__ import annotations

import copy

import pytest

from quotes.errors import StudioError
from quotes.records import Quote
from quotes.studio import convert
from quotes.studio.labelconfig import label_config

TEXT = ('Jo Park spoke on Monday. "We will finish the bridge by spring," she said. '
        '"It is a disgrace," said Ann Smith. Critics called it "late".')


def span(s: str) -> tuple[int, int]:
    start = TEXT.index(s)
    return start, start + len(s)


def quote(qid: str, words: str, speaker: str = "", mention: str = "", mention_at: int = 0, **kw) -> Quote:
    start, end = span(words)
    m_start = TEXT.index(mention, mention_at) if mention else None
    return Quote(doc_id="d1", quote_id=qid, start=start, end=end, text=words, speaker=speaker,
                 speaker_mention=mention, mention_start=m_start,
                 mention_end=m_start + len(mention) if mention else None, rules_version="7", **kw)


MACHINE = [
    quote("q1", "We will finish the bridge by spring,", "Jo Park", "she", cue="said", stance="reassuring",
          stance_score=0.61, stance_cues="will finish", confidence=0.83, speaker_kind="person"),
    quote("q2", "It is a disgrace,", "Ann Smith", "Ann Smith", cue="said", stance="critical", stance_score=0.9,
          stance_cues="disgrace", confidence=0.95, speaker_kind="person"),
    quote("q3", "late", type="partial", confidence=0.2),
]


def rows(result: list[dict]) -> list[dict]:
    return [q.to_row() for q in convert.rows_from_result(result, "d1", TEXT, "7")]


def task(predictions: list[dict], annotations: list[dict] | None = None, task_id: int = 1) -> dict:
    return {"id": task_id, "data": convert.task_data("d1", TEXT), "predictions": predictions,
            "annotations": annotations or []}


def annotation(result: list[dict], updated: str, ann_id: int = 1, cancelled: bool = False, base: dict | None = None):
    return {"id": ann_id, "result": result, "was_cancelled": cancelled, "created_at": updated,
            "updated_at": updated, "prediction": base or {}}


def item(result: list[dict], rid: str, from_name: str) -> dict:
    return next(r for r in result if r.get("id") == rid and r.get("from_name") == from_name)


# -- prediction -------------------------------------------------------------------

def test_a_prediction_round_trips_to_the_same_rows() -> None:
    pred = convert.prediction(MACHINE, "7")
    assert rows(pred["result"]) == [q.to_row() for q in MACHINE]


def test_prediction_shape() -> None:
    pred = convert.prediction(MACHINE, "7")
    assert pred["model_version"] == "7"
    assert pred["score"] == 0.2  # the least sure attribution
    result = pred["result"]
    quote_region = item(result, "q1", "label")
    assert quote_region["value"]["labels"] == ["QUOTE"]
    assert TEXT[quote_region["value"]["start"]:quote_region["value"]["end"]] == MACHINE[0].text
    assert item(result, "q1", "speaker")["value"]["text"] == ["Jo Park"]
    assert item(result, "q1", "stance")["value"]["choices"] == ["reassuring"]
    assert item(result, "q3", "type")["value"]["choices"] == ["partial"]
    assert not [r for r in result if r.get("id") == "q3" and r["from_name"] == "speaker"]  # unknown speaker
    relations = [r for r in result if r["type"] == "relation"]
    assert relations == [
        {"type": "relation", "from_id": "q1", "to_id": convert.mention_id(*span("she")), "direction": "right",
         "labels": ["said_by"]},
        {"type": "relation", "from_id": "q2", "to_id": convert.mention_id(*span("Ann Smith")), "direction": "right",
         "labels": ["said_by"]},
    ]


def test_a_mention_shared_by_two_quotes_is_one_region() -> None:
    a = quote("q1", "We will finish the bridge by spring,", "Jo Park", "she")
    b = quote("q2", "It is a disgrace,", "Jo Park", "she")
    result = convert.prediction([a, b], "7")["result"]
    speakers = [r for r in result if r["type"] == "labels" and r["value"]["labels"] == ["SPEAKER"]]
    assert len(speakers) == 1
    assert [r["to_id"] for r in result if r["type"] == "relation"] == [speakers[0]["id"]] * 2


def test_predictions_fit_the_generated_labeling_interface() -> None:
    from label_studio_sdk.label_interface import LabelInterface

    labels = ["hostile", "critical", "concerned", "reassuring", "supportive", "neutral"]
    interface = LabelInterface(label_config(labels))
    assert interface.validate_prediction(convert.prediction(MACHINE, "7"), return_errors=True) == []
    bad = convert.prediction([quote("q1", "late", stance="furious")], "7")
    assert interface.validate_prediction(bad, return_errors=True)


def test_task_key_is_document_id_and_text_hash() -> None:
    data = convert.task_data("d1", TEXT)
    assert convert.task_key(data) == ("d1", convert.text_hash(TEXT))
    assert convert.task_key(convert.task_data("d1", TEXT + " ")) != convert.task_key(data)
    assert convert.task_key({"text": TEXT}) is None


# -- annotations back to rows -----------------------------------------------------

def corrected(result_edit) -> tuple[list[dict], list[dict]]:
    """Apply `result_edit` to a copy of the prediction, submit it, and return (machine rows, exported rows)."""
    pred = convert.prediction(MACHINE, "7")
    result = copy.deepcopy(pred["result"])
    result = result_edit(result) or result
    exported = convert.task_rows(task([pred], [annotation(result, "2026-01-01T10:00:00Z", base=pred)]))
    return [q.to_row() for q in MACHINE], [q.to_row() for q in exported]


def test_an_unchanged_annotation_gives_the_machine_rows() -> None:
    machine, out = corrected(lambda r: None)
    assert out == machine


def test_a_changed_stance_is_the_annotators() -> None:
    machine, out = corrected(lambda r: item(r, "q1", "stance")["value"].update(choices=["concerned"]))
    assert out[0] == {**machine[0], "stance": "concerned", "stance_score": 1.0, "stance_cues": "annotator"}
    assert out[1:] == machine[1:]


def test_a_changed_speaker_kind_is_the_annotators() -> None:
    machine, out = corrected(lambda r: item(r, "q2", "speaker_kind")["value"].update(choices=["organisation"]))
    assert out[1] == {**machine[1], "speaker_kind": "organisation", "confidence": 1.0}
    assert [out[0], out[2]] == [machine[0], machine[2]]


def test_a_changed_speaker_and_mention() -> None:
    def edit(result: list[dict]) -> None:
        item(result, "q1", "speaker")["value"]["text"] = ["Ann Smith"]
        rel = next(r for r in result if r["type"] == "relation" and r["from_id"] == "q1")
        rel["to_id"] = convert.mention_id(*span("Ann Smith"))

    machine, out = corrected(edit)
    start, end = span("Ann Smith")
    assert out[0] == {**machine[0], "speaker": "Ann Smith", "speaker_mention": "Ann Smith",
                      "mention_start": start, "mention_end": end, "confidence": 1.0}
    assert out[1:] == machine[1:]


def test_an_added_and_a_deleted_quote() -> None:
    start, end = span("Jo Park spoke on Monday.")

    def edit(result: list[dict]) -> list[dict]:
        kept = [r for r in result if r.get("id") != "q3"]
        value = {"start": start, "end": end}
        return kept + [
            {"id": "new1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {**value, "text": TEXT[start:end], "labels": ["QUOTE"]}},
            {"id": "new1", "from_name": "stance", "to_name": "text", "type": "choices",
             "value": {**value, "choices": ["neutral"]}},
            {"id": "new1", "from_name": "speaker", "to_name": "text", "type": "textarea",
             "value": {**value, "text": ["Jo Park"]}},
        ]

    machine, out = corrected(edit)
    assert [r["quote_id"] for r in out] == ["new1", "q1", "q2"]
    assert out[0] == {"doc_id": "d1", "quote_id": "new1", "start": start, "end": end, "text": TEXT[start:end],
                      "type": "direct", "speaker": "Jo Park", "speaker_kind": "", "speaker_mention": "", "mention_start": None,
                      "mention_end": None, "cue": "", "stance": "neutral", "stance_score": 1.0,
                      "stance_cues": "annotator", "stance_probs": {}, "confidence": 1.0, "rules_version": "7",
                      "speaker_gender": "unknown", "speaker_gender_evidence": "none"}  # nobody said the person's
    assert out[1:] == machine[:2]


def test_a_relation_drawn_from_speaker_to_quote_counts_too() -> None:
    def edit(result: list[dict]) -> None:
        for r in result:
            if r["type"] == "relation":
                r["from_id"], r["to_id"], r["direction"], r["labels"] = r["to_id"], r["from_id"], "right", []

    machine, out = corrected(edit)
    assert out == machine


def test_latest_completed_annotation_wins_and_cancelled_ones_are_ignored() -> None:
    pred = convert.prediction(MACHINE, "7")

    def with_stance(label: str) -> list[dict]:
        result = copy.deepcopy(pred["result"])
        item(result, "q2", "stance")["value"]["choices"] = [label]
        return result

    anns = [annotation(with_stance("hostile"), "2026-01-01T09:00:00Z", 1, base=pred),
            annotation(with_stance("supportive"), "2026-01-01T10:00:00Z", 2, base=pred),
            annotation([], "2026-01-01T11:00:00Z", 3, cancelled=True, base=pred)]
    out = convert.task_rows(task([pred], anns))
    assert [q.stance for q in out] == ["reassuring", "supportive", "neutral"]


def test_without_annotation_the_latest_prediction_counts() -> None:
    old = {**convert.prediction(MACHINE[:1], "6"), "id": 1, "created_at": "2026-01-01T09:00:00Z"}
    new = {**convert.prediction(MACHINE, "7"), "id": 2, "created_at": "2026-01-02T09:00:00Z"}
    skipped = annotation([], "2026-01-03T09:00:00Z", cancelled=True)
    assert [q.to_row() for q in convert.task_rows(task([new, old], [skipped]))] == [q.to_row() for q in MACHINE]


def test_a_changed_document_keeps_only_its_newest_task() -> None:
    pred = convert.prediction(MACHINE, "7")
    old = task([convert.prediction(MACHINE[:1], "7")], task_id=1)
    new = task([pred], task_id=2)
    assert len(convert.export_rows([new, old])) == len(MACHINE)


@pytest.mark.parametrize("tasks, message", [
    ({"tasks": []}, "not a Label Studio JSON export"),
    ([{"id": 1, "data": {"text": TEXT}, "predictions": []}], "no text and doc_id"),
    ([{"id": 1, "data": convert.task_data("d1", TEXT), "predictions": [3]}], "predictions are ids only"),
])
def test_exports_that_cannot_be_read(tasks, message: str) -> None:
    with pytest.raises(StudioError, match=message) as err:
        convert.export_rows(tasks, "pulled.json")
    assert str(err.value).startswith("pulled.json")
    assert "\n" not in str(err.value)


def test_a_region_outside_the_text_is_named() -> None:
    result = convert.prediction(MACHINE, "7")["result"]
    item(result, "q2", "label")["value"]["end"] = len(TEXT) + 5
    with pytest.raises(StudioError, match="quote region q2"):
        convert.rows_from_result(result, "d1", TEXT)


def test_only_the_adapter_imports_the_sdk() -> None:
    import subprocess
    import sys

    code = ("import sys, quotes, quotes.cli, quotes.cli.studio, quotes.studio.convert, quotes.studio.server; "
            "quotes.cli.build_parser(); print('label_studio_sdk' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_speakers_gender_goes_to_label_studio_and_back_but_not_to_another_speaker() -> None:
    from dataclasses import replace

    machine = [replace(MACHINE[0], speaker_gender="female", speaker_gender_evidence="article")]
    back = convert.rows_from_result(convert.prediction_result(machine), "d1", TEXT)
    assert (back[0].speaker_gender, back[0].speaker_gender_evidence) == ("female", "article")
    kept = convert.merge(back, machine)
    assert (kept[0].speaker_gender, kept[0].speaker_gender_evidence) == ("female", "article")
    other = convert.merge([replace(back[0], speaker="Ann Smith")], machine)
    assert (other[0].speaker_gender, other[0].speaker_gender_evidence) == ("unknown", "none")
