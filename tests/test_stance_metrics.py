"""Stance figures on hand-made (gold, alternates, predicted) items; no model."""
from __future__ import annotations

import pytest

from quotes.stance_metrics import format_stance_report, stance_report

LABELS = ["hostile", "critical", "concerned", "neutral"]
ITEMS = [
    ("hostile", ["critical"], "hostile"),
    ("hostile", ["critical"], "critical"),  # wrong strictly, accepted as an alternate
    ("critical", [], "critical"),
    ("critical", [], "concerned"),  # wrong either way
    ("concerned", [], "concerned"),
    ("neutral", [], "neutral"),
]


@pytest.fixture
def report():
    return stance_report(ITEMS, LABELS)


def test_accuracy_strict_and_with_alternates(report):
    assert report["n"] == 6
    assert report["accuracy"] == pytest.approx(4 / 6)
    assert report["accuracy_alternates"] == pytest.approx(5 / 6)


def test_per_label_precision_and_recall(report):
    hostile, critical, concerned = (report["per_label"][k] for k in ("hostile", "critical", "concerned"))
    assert (hostile["precision"], hostile["recall"]) == (1.0, 0.5)
    assert (critical["precision"], critical["recall"]) == (0.5, 0.5)
    assert (concerned["precision"], concerned["recall"]) == (0.5, 1.0)
    assert hostile["f1"] == pytest.approx(2 / 3)
    assert (critical["gold"], critical["predicted"]) == (2, 2)


def test_macro_f1_averages_the_labels_that_occur(report):
    f1 = {"hostile": 2 / 3, "critical": 0.5, "concerned": 2 / 3, "neutral": 1.0}
    assert report["macro_f1"] == pytest.approx(sum(f1.values()) / 4)
    with_unused = stance_report(ITEMS, LABELS + ["supportive"])
    assert with_unused["macro_f1"] == pytest.approx(report["macro_f1"])
    assert with_unused["per_label"]["supportive"]["gold"] == 0


def test_confusion_matrix_rows_gold_columns_predicted(report):
    c = report["confusion"]
    assert c["hostile"]["critical"] == 1 and c["critical"]["concerned"] == 1
    assert sum(sum(row.values()) for row in c.values()) == 6
    assert all(c[lab][lab] == 1 for lab in LABELS)


def test_labels_outside_the_list_are_added():
    report = stance_report([("neutral", [], "surprised")], ["neutral"])
    assert report["labels"] == ["neutral", "surprised"]
    assert report["confusion"]["neutral"]["surprised"] == 1
    assert report["per_label"]["neutral"]["recall"] == 0.0


def test_no_items():
    report = stance_report([], LABELS)
    assert report["n"] == 0 and report["accuracy"] == 0.0 and report["macro_f1"] == 0.0
    assert "no matched direct quotes" in format_stance_report(report)


def test_format_is_a_readable_table(report):
    text = format_stance_report(report)
    lines = text.splitlines()
    assert lines[0] == "Stance on 6 matched direct quotes"
    assert "accuracy (strict)            0.667" in text
    assert "accuracy (alternates count)  0.833" in text
    hostile_row = next(line for line in lines if line.startswith("hostile") and "1.000" in line)
    assert hostile_row.split() == ["hostile", "1.000", "0.500", "0.667", "2", "1"]
    confusion = lines[lines.index("confusion (rows: gold, columns: predicted)") + 1:]
    assert confusion[0].split() == LABELS
    assert confusion[2].split() == ["critical", "0", "1", "1", "0"]
