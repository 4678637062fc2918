"""Honest before and after: document-level cross-validation of old and learned rules.

Each fold's documents are scored with rules learned from the other folds only,
so a document is never scored with rules learned from it. The figures use the
same matching as `quotes eval`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..evaluation.evaluate import evaluate, speaker_matches
from ..rules import Rules
from ..stance.metrics import stance_report
from .learner import PARTS, learn
from .workbench import Workbench

FIGURES = [("quote F1", "f1"), ("speaker accuracy", "speaker_accuracy"), ("end-to-end F1", "e2e_f1"),
           ("stance accuracy", "stance_accuracy")]


# a figure with nothing to measure: no gold speaker (stance-only corrections), no gold stance label
COUNTED_BY = {"speaker_accuracy": "speaker_quotes", "e2e_f1": "speaker_quotes", "stance_accuracy": "stance_quotes"}


@dataclass
class Scores:
    figures: dict[str, float]

    def measured(self, key: str) -> bool:
        return self.figures.get(COUNTED_BY.get(key, ""), 1) > 0

    def worse_than(self, other: "Scores") -> list[str]:
        return [label for label, key in FIGURES
                if self.measured(key) and self.figures[key] < other.figures[key] - 1e-9]


def _scores(bench: Workbench, doc_ids: list[str], rows: list, labels: list[str]) -> Scores:
    ev = evaluate(bench.gold(doc_ids), rows)
    figures = dict(ev.figures())
    items = ev.stance_items()
    figures["stance_accuracy"] = stance_report(items, labels)["accuracy"] if items else 0.0
    figures["stance_quotes"] = len(items)
    figures["speaker_quotes"] = sum(1 for g in ev.gold.quotes if g.speaker)
    figures.update(kind_figures(ev))
    return Scores(figures)


KINDS = ("person", "organisation", "unnamed", "group", "none")


def kind_figures(ev) -> dict[str, float]:
    """Speaker accuracy per kind of speaker, where the gold says the kinds (canonical gold): `kind:person` and
    its count `kind_n:person`; the kinds it has none of are left out."""
    out: dict[str, float] = {}
    for kind in KINDS:
        matched = [m for m in ev.matches if m.gold.speaker_kind == kind]
        if matched:
            out[f"kind_n:{kind}"] = len(matched)
            out[f"kind:{kind}"] = sum(speaker_matches(m.pred, m.gold, ev.gold.scheme) for m in matched) / len(matched)
    return out


def score(bench: Workbench, rules_by_doc: dict[str, Rules]) -> Scores:
    """Figures over the documents, each annotated on its own with its fold's rules."""
    rows = []
    for doc_id, rules in rules_by_doc.items():
        rows.extend(bench.annotate(rules, [doc_id])[doc_id])
    labels = list(next(iter(rules_by_doc.values())).stance.labels) if rules_by_doc else []
    return _scores(bench, list(rules_by_doc), rows, labels)


def score_together(bench: Workbench, rules: Rules, doc_ids: list[str] | None = None) -> Scores:
    """Figures of one rules version over the documents (all by default) annotated together, as `quotes eval`
    does."""
    doc_ids = sorted(bench.docs if doc_ids is None else doc_ids)
    rows = [q for quotes in bench.annotate(rules, doc_ids).values() for q in quotes]
    return _scores(bench, doc_ids, rows, list(rules.stance.labels))


def folds(doc_ids: list[str], k: int) -> list[list[str]]:
    """Leave-one-document-out for small sets, else k folds of documents in a fixed order."""
    ids = sorted(doc_ids)
    k = min(k, len(ids)) or 1
    return [ids[i::k] for i in range(k)]


def cross_validate(rules: Rules, bench: Workbench, k: int = 5, parts: tuple[str, ...] = PARTS
                   ) -> tuple[Scores, Scores]:
    doc_ids = sorted(bench.docs)
    learned_for: dict[str, Rules] = {}
    for fold in folds(doc_ids, k):
        train = [d for d in doc_ids if d not in fold]
        learned = learn(rules, bench, train, parts).rules
        for d in fold:
            learned_for[d] = learned
    old = score(bench, {d: rules for d in doc_ids})
    new = score(bench, learned_for)
    return old, new
