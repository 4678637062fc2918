"""Stance figures for matched direct quotes: accuracy (strict and accepting alternates),
per-label precision and recall, macro-F1 and the confusion matrix, and a text table of them.

Two figures say how far the labels can be trusted: the accuracy of always answering the
commonest gold label (a stance model that does not beat it has learned the corpus's mix, not
its quotes), and, when the predictions carry their `stance_score`, the accuracy of the
highest-scoring quarter and half of them (how much a user gains by keeping only those).

A third says whether the score means what it says: `stance_score` is the label's calibrated
probability, so among quotes scored about 0.7, about 70% should carry the right label. The
expected calibration error (ECE) measures the gap: the scores cut into 15 equal-width bins
on [0, 1], the sum over bins of the bin's share of the quotes times |strict accuracy - mean
score|; the reliability table lists those bins (the ones holding at least one quote).

Pure: the caller matches predictions to gold and passes (gold, alternates, predicted) triples,
or (gold, alternates, predicted, score) quadruples.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Item = tuple  # (gold label, labels also accepted, predicted label[, the prediction's stance_score])

SCORE_SHARES = (0.25, 0.5)  # the top quarter and half of the predictions by stance_score
ECE_BINS = 15  # equal-width bins of stance_score on [0, 1] for the calibration error and the reliability table


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def stance_report(items: Iterable[Item], labels: Sequence[str]) -> dict[str, Any]:
    """Score predicted stance labels against gold ones.

    `labels` orders the table; a label met in the items but not listed is added at the end.
    Macro-F1 averages the labels that occur in the gold or the predictions (a label absent
    from both has no defined F1 and would only drag the mean down).
    """
    items = list(items)
    scores = [_score(it) for it in items]
    items = [(str(it[0]), tuple(str(a) for a in it[1] or ()), str(it[2])) for it in items]
    order = list(dict.fromkeys([*labels, *(g for g, _, _ in items), *(p for _, _, p in items)]))
    confusion = {g: {p: 0 for p in order} for g in order}
    for gold, _, pred in items:
        confusion[gold][pred] += 1
    per_label: dict[str, dict[str, float]] = {}
    for lab in order:
        tp = confusion[lab][lab]
        gold_n = sum(confusion[lab].values())
        pred_n = sum(confusion[g][lab] for g in order)
        p, r = _ratio(tp, pred_n), _ratio(tp, gold_n)
        per_label[lab] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                          "gold": gold_n, "predicted": pred_n}
    seen = [lab for lab in order if per_label[lab]["gold"] or per_label[lab]["predicted"]]
    n = len(items)
    return {
        "n": n,
        "accuracy": _ratio(sum(g == p for g, _, p in items), n),
        "accuracy_alternates": _ratio(sum(p == g or p in alts for g, alts, p in items), n),
        "macro_f1": sum(per_label[lab]["f1"] for lab in seen) / len(seen) if seen else 0.0,
        "labels": order,
        "per_label": per_label,
        "confusion": confusion,
        "baseline": _baseline(items, order),
        # scores that are missing or all equal (a table without the column) rank nothing
        "by_score": _by_score(items, scores) if None not in scores and len(set(scores)) > 1 else None,
        "calibration": _calibration(items, scores) if _probabilities(scores) else None,
    }


def _score(item: Sequence) -> float | None:
    try:
        return float(item[3]) if len(item) > 3 and item[3] not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _right(item: tuple[str, tuple[str, ...], str], pred: str | None = None) -> tuple[bool, bool]:
    gold, alts, predicted = item
    pred = predicted if pred is None else pred
    return pred == gold, pred == gold or pred in alts


def _baseline(items: list[tuple[str, tuple[str, ...], str]], order: list[str]) -> dict[str, Any] | None:
    """Always the commonest gold label (the first in label order on a tie)."""
    if not items:
        return None
    counts = {lab: sum(g == lab for g, _, _ in items) for lab in order}
    label = max(order, key=lambda lab: counts[lab])
    right = [_right(it, label) for it in items]
    return {"label": label, "accuracy": _ratio(sum(s for s, _ in right), len(items)),
            "accuracy_alternates": _ratio(sum(a for _, a in right), len(items))}


def _by_score(items: list[tuple[str, tuple[str, ...], str]], scores: list[float]) -> dict[str, Any]:
    """Accuracy of the top-scoring shares of the predictions, and the AUROC of the score for strict
    correctness (the chance that a right label scores above a wrong one; ties count half)."""
    ranked = sorted(zip(scores, items), key=lambda x: -x[0])
    shares = []
    for share in SCORE_SHARES:
        k = max(1, round(len(ranked) * share))
        top = ranked[:k]
        right = [_right(it) for _, it in top]
        shares.append({"share": share, "n": k, "min_score": top[-1][0],
                       "accuracy": _ratio(sum(s for s, _ in right), k),
                       "accuracy_alternates": _ratio(sum(a for _, a in right), k)})
    return {"shares": shares, "auroc": _auroc([(sc, _right(it)[0]) for sc, it in ranked])}


def _probabilities(scores: list[float | None]) -> bool:
    """Scores that can be read as probabilities: every prediction has one, in [0, 1], and not all are 0.0
    (a table without the column reads as 0.0 everywhere). One score for all is a claim too: it is kept."""
    return bool(scores) and None not in scores and all(0.0 <= s <= 1.0 for s in scores) and any(scores)


def _calibration(items: list[tuple[str, tuple[str, ...], str]], scores: list[float],
                 bins: int = ECE_BINS) -> dict[str, Any]:
    """The expected calibration error over `bins` equal-width bins of the score (strict correctness), and the
    reliability table: per bin holding a quote, its bounds, n, mean score and accuracy (strict and with
    alternates). A bin is [lo, hi), the last one [lo, 1]."""
    groups: list[list[tuple[float, tuple[bool, bool]]]] = [[] for _ in range(bins)]
    for sc, it in zip(scores, items):
        groups[min(int(sc * bins), bins - 1)].append((sc, _right(it)))
    n = len(items)
    table, ece = [], 0.0
    for k, group in enumerate(groups):
        if not group:
            continue
        m = len(group)
        mean = sum(sc for sc, _ in group) / m
        acc = sum(s for _, (s, _) in group) / m
        ece += m / n * abs(acc - mean)
        table.append({"low": k / bins, "high": (k + 1) / bins, "n": m, "mean_score": mean, "accuracy": acc,
                      "accuracy_alternates": sum(a for _, (_, a) in group) / m})
    mean_all = sum(scores) / n
    acc_all = sum(_right(it)[0] for it in items) / n
    return {"bins": bins, "ece": ece, "mean_score": mean_all, "accuracy": acc_all, "reliability": table}


def _auroc(scored: list[tuple[float, bool]]) -> float | None:
    """Mann-Whitney: ranks with ties averaged, in O(n log n)."""
    pos = sum(ok for _, ok in scored)
    neg = len(scored) - pos
    if not pos or not neg:
        return None
    ordered = sorted(scored, key=lambda x: x[0])
    rank_sum, i = 0.0, 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][0] == ordered[i][0]:
            j += 1
        mid = (i + 1 + j) / 2  # the mean of ranks i+1 .. j
        rank_sum += mid * sum(ok for _, ok in ordered[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def _trust_lines(report: dict[str, Any]) -> list[str]:
    out = []
    base = report.get("baseline")
    if base:
        out.append(f"  always '{base['label']}' (the commonest gold label): strict {base['accuracy']:.3f}, "
                   f"alternates count {base['accuracy_alternates']:.3f}")
    by = report.get("by_score")
    if by:
        for s in by["shares"]:
            out.append(f"  top {s['share']:.0%} by stance_score (>= {s['min_score']:.3f}, {s['n']} quotes): "
                       f"strict {s['accuracy']:.3f}, alternates count {s['accuracy_alternates']:.3f}")
        if by["auroc"] is not None:
            out.append(f"  stance_score ranks right above wrong labels: AUROC {by['auroc']:.3f}")
    cal = report.get("calibration")
    if cal:
        out.append(f"  stance_score as a probability: expected calibration error {cal['ece']:.3f} "
                   f"({cal['bins']} equal-width bins, strict; mean score {cal['mean_score']:.3f}, "
                   f"accuracy {cal['accuracy']:.3f})")
    return out


def _reliability_lines(report: dict[str, Any]) -> list[str]:
    cal = report.get("calibration")
    if not cal:
        return []
    lines = ["", f"reliability (stance_score in {cal['bins']} equal-width bins; those holding a quote)",
             f"{'stance_score':<16}{'n':>6}{'mean score':>12}{'strict':>8}{'alternates':>12}"]
    for b in cal["reliability"]:
        bounds = f"{b['low']:.3f}-{b['high']:.3f}"
        lines.append(f"{bounds:<16}{b['n']:>6}{b['mean_score']:>12.3f}{b['accuracy']:>8.3f}"
                     f"{b['accuracy_alternates']:>12.3f}")
    return lines


def format_stance_report(report: dict[str, Any]) -> str:
    """The report as a text table: the headline figures, per-label figures, the confusion matrix."""
    n = report["n"]
    if not n:
        return "Stance: no matched direct quotes to score"
    labels = report["labels"]
    w = max(len("label"), *(len(lab) for lab in labels)) + 2
    lines = [
        f"Stance on {n} matched direct quote{'s' if n != 1 else ''}",
        f"  accuracy (strict)            {report['accuracy']:.3f}",
        f"  accuracy (alternates count)  {report['accuracy_alternates']:.3f}",
        f"  macro-F1                     {report['macro_f1']:.3f}",
        *_trust_lines(report),
        "",
        f"{'label':<{w}}{'precision':>10}{'recall':>8}{'f1':>7}{'gold':>6}{'predicted':>11}",
    ]
    for lab in labels:
        s = report["per_label"][lab]
        lines.append(f"{lab:<{w}}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>7.3f}"
                     f"{s['gold']:>6}{s['predicted']:>11}")
    cw = max(4, *(len(lab) for lab in labels)) + 1
    lines += ["", "confusion (rows: gold, columns: predicted)",
              " " * w + "".join(f"{lab:>{cw}}" for lab in labels)]
    for g in labels:
        lines.append(f"{g:<{w}}" + "".join(f"{report['confusion'][g][p]:>{cw}}" for p in labels))
    lines += _reliability_lines(report)
    return "\n".join(lines)
