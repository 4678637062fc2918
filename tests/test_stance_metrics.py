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


# -- whether the score means what it says: the expected calibration error and the reliability table

CALIBRATED = [
    ("critical", [], "critical", 0.95),
    ("neutral", [], "neutral", 0.95),
    ("hostile", ["critical"], "critical", 0.95),  # wrong strictly, right with its alternate
    ("concerned", [], "concerned", 0.95),
    ("neutral", [], "neutral", 1.0),  # a score of 1.0 falls in the last bin
    ("critical", [], "critical", 0.62),
    ("neutral", [], "critical", 0.64),
    ("hostile", [], "neutral", 0.3),
]


def test_ece_weighs_each_bins_gap_by_its_share():
    cal = stance_report(CALIBRATED, LABELS)["calibration"]
    assert cal["bins"] == 15
    # bin 14 [0.933, 1]: 5 quotes, mean 0.96, 4 right; bin 9 [0.6, 0.667): mean 0.63, 1 of 2; bin 4: 0.3, none
    assert cal["ece"] == pytest.approx(5 / 8 * 0.16 + 2 / 8 * 0.13 + 1 / 8 * 0.3)
    assert cal["mean_score"] == pytest.approx(sum(it[3] for it in CALIBRATED) / 8)
    assert cal["accuracy"] == pytest.approx(5 / 8)


def test_reliability_table_lists_the_bins_holding_a_quote():
    table = stance_report(CALIBRATED, LABELS)["calibration"]["reliability"]
    assert [(b["low"], b["n"]) for b in table] == [(pytest.approx(4 / 15), 1), (pytest.approx(9 / 15), 2),
                                                   (pytest.approx(14 / 15), 5)]
    top = table[-1]
    assert (top["high"], top["mean_score"], top["accuracy"], top["accuracy_alternates"]) == (
        1.0, pytest.approx(0.96), 0.8, 1.0)
    assert sum(b["n"] for b in table) == 8


def test_a_score_that_matches_the_accuracy_has_no_calibration_error():
    half = [("neutral", [], "neutral", 0.5), ("neutral", [], "critical", 0.5)] * 2
    cal = stance_report(half, LABELS)["calibration"]  # one score for all is still a claim to check
    assert cal["ece"] == pytest.approx(0.0)
    assert stance_report(half, LABELS)["by_score"] is None  # but it ranks nothing


def test_no_calibration_without_probabilities():
    assert stance_report(ITEMS, LABELS)["calibration"] is None  # no scores
    assert stance_report([(g, a, p, 0.0) for g, a, p in ITEMS], LABELS)["calibration"] is None  # no column
    assert stance_report([(g, a, p, 2.5) for g, a, p in ITEMS], LABELS)["calibration"] is None  # not in [0, 1]
    text = format_stance_report(stance_report(ITEMS, LABELS))
    assert "calibration" not in text and "reliability" not in text


def test_format_says_the_ece_and_the_reliability_table():
    text = format_stance_report(stance_report(CALIBRATED, LABELS))
    assert "expected calibration error 0.170 (15 equal-width bins, strict; mean score 0.795, accuracy 0.625)" in text
    lines = text.splitlines()
    head = lines.index("reliability (stance_score in 15 equal-width bins; those holding a quote)")
    assert lines[head + 1].split() == ["stance_score", "n", "mean", "score", "strict", "alternates"]
    assert [line.split() for line in lines[head + 2:]] == [
        ["0.267-0.333", "1", "0.300", "0.000", "0.000"],
        ["0.600-0.667", "2", "0.630", "0.500", "0.500"],
        ["0.933-1.000", "5", "0.960", "0.800", "1.000"],
    ]


def test_json_report_carries_the_calibration():
    import json

    report = json.loads(json.dumps(stance_report(CALIBRATED, LABELS)))
    assert report["calibration"]["ece"] == pytest.approx(0.17)
    assert len(report["calibration"]["reliability"]) == 3
