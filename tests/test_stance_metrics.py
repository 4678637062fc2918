"""Stance figures on hand-made (gold, alternates, predicted) items; no model."""
from __future__ import annotations

import pytest

from quotes.stance.metrics import format_stance_report, stance_report

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


# -- how far the labels can be trusted: the commonest-label baseline and the top-scoring shares

def test_baseline_is_always_the_commonest_gold_label(report):
    base = report["baseline"]
    assert base["label"] == "hostile"  # hostile and critical tie at 2: the first in label order wins
    assert base["accuracy"] == pytest.approx(2 / 6)
    assert base["accuracy_alternates"] == pytest.approx(2 / 6)
    commoner = stance_report(ITEMS + [("critical", ["hostile"], "neutral")], LABELS)["baseline"]
    assert commoner["label"] == "critical"
    assert commoner["accuracy"] == pytest.approx(3 / 7)
    assert commoner["accuracy_alternates"] == pytest.approx(5 / 7)  # the two hostile quotes accept critical


SCORED = [
    ("critical", [], "critical", 0.9),
    ("critical", ["hostile"], "hostile", 0.8),  # wrong strictly, right with its alternate
    ("neutral", [], "neutral", 0.7),
    ("supportive", [], "neutral", 0.6),
    ("critical", [], "neutral", 0.5),
    ("concerned", [], "concerned", 0.4),
    ("hostile", [], "critical", 0.3),
    ("neutral", [], "critical", 0.2),
]


def test_the_top_scoring_shares_have_their_own_accuracy():
    by = stance_report(SCORED, LABELS)["by_score"]
    quarter, half = by["shares"]
    assert (quarter["share"], quarter["n"], quarter["min_score"]) == (0.25, 2, 0.8)
    assert (quarter["accuracy"], quarter["accuracy_alternates"]) == (0.5, 1.0)
    assert (half["n"], half["min_score"]) == (4, 0.6)
    assert (half["accuracy"], half["accuracy_alternates"]) == (0.5, 0.75)


def test_auroc_is_the_chance_a_right_label_outscores_a_wrong_one():
    import random

    rng = random.Random(7)
    items = [("critical", [], rng.choice(["critical", "neutral"]), rng.choice([0.1, 0.2, 0.3, 0.5]))
             for _ in range(200)]
    right = [it[3] for it in items if it[2] == it[0]]
    wrong = [it[3] for it in items if it[2] != it[0]]
    pairs = sum((r > w) + 0.5 * (r == w) for r in right for w in wrong)
    auroc = stance_report(items, LABELS)["by_score"]["auroc"]
    assert auroc == pytest.approx(pairs / (len(right) * len(wrong)))
    # right 0.9, 0.7, 0.4 against wrong 0.8, 0.6, 0.5, 0.3, 0.2: 5 + 4 + 2 of 15 pairs
    assert stance_report(SCORED, LABELS)["by_score"]["auroc"] == pytest.approx(11 / 15)


def test_scores_that_rank_nothing_give_no_shares():
    assert stance_report(ITEMS, LABELS)["by_score"] is None  # no scores
    flat = [(g, a, p, 0.0) for g, a, p in ITEMS]  # a table without the column reads as 0.0 everywhere
    assert stance_report(flat, LABELS)["by_score"] is None
    assert "stance_score" not in format_stance_report(stance_report(flat, LABELS))


def test_format_says_the_baseline_and_the_shares():
    text = format_stance_report(stance_report(SCORED, LABELS))
    assert "always 'critical' (the commonest gold label): strict 0.375, alternates count 0.375" in text
    assert "top 25% by stance_score (>= 0.800, 2 quotes): strict 0.500, alternates count 1.000" in text
    assert "top 50% by stance_score (>= 0.600, 4 quotes): strict 0.500, alternates count 0.750" in text
    assert "AUROC 0.733" in text
