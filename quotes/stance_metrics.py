"""Stance figures for matched direct quotes: accuracy (strict and accepting alternates),
per-label precision and recall, macro-F1 and the confusion matrix, and a text table of them.

Pure: the caller matches predictions to gold and passes (gold, alternates, predicted) triples.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Item = tuple[str, Sequence[str], str]  # (gold label, labels also accepted, predicted label)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def stance_report(items: Iterable[Item], labels: Sequence[str]) -> dict[str, Any]:
    """Score predicted stance labels against gold ones.

    `labels` orders the table; a label met in the items but not listed is added at the end.
    Macro-F1 averages the labels that occur in the gold or the predictions (a label absent
    from both has no defined F1 and would only drag the mean down).
    """
    items = [(str(g), tuple(str(a) for a in alts or ()), str(p)) for g, alts, p in items]
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
    }


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
    return "\n".join(lines)
