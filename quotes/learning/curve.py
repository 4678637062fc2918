"""What corrections buy: held-out figures of rules learned from more and more corrected documents.

The documents are taken in sorted order; every `every`-th of them is held out
(spread over the corpus, not its tail: a sorted corpus is often sorted by
source) and never learned from. Each point learns from the first N of the
others, starting from the same rules, and scores the held-out documents
annotated together, as `quotes extract` annotates a corpus.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..rules import Rules
from .crossval import FIGURES, Scores, score_together
from .learner import PARTS, learn
from .workbench import Workbench

SIZES = (10, 25, 50, 100, 250, 500, 1000, 2500)


@dataclass
class Point:
    documents: int  # corrected documents learned from (0: the current rules)
    changes: int
    scores: Scores


def split(doc_ids: list[str], every: int) -> tuple[list[str], list[str]]:
    """(learned from, held out): every `every`-th document in sorted order is held out."""
    ids = sorted(doc_ids)
    held = ids[every - 1::every]
    return [d for d in ids if d not in set(held)], held


def learning_curve(rules: Rules, bench: Workbench, sizes: tuple[int, ...] = SIZES, every: int = 5,
                   parts: tuple[str, ...] = PARTS) -> tuple[list[Point], list[str], list[str]]:
    """The points of the curve (the current rules first, all the learnable documents last)."""
    pool, held = split(list(bench.docs), every)
    points = [Point(0, 0, score_together(bench, rules, held))]
    for n in sorted({s for s in sizes if 0 < s < len(pool)} | {len(pool)}):
        learned = learn(rules, bench, pool[:n], parts)
        points.append(Point(n, len(learned.changes), score_together(bench, learned.rules, held)))
    return points, pool, held


def curve_table(points: list[Point], pool: int, held: int, every: int) -> list[str]:
    """The curve as a table: one row per number of documents learned from; '-' for a figure with nothing to
    measure (no speaker or no stance label among the held-out quotes)."""
    lines = [f"Learning curve over {pool + held} corrected documents in sorted order. One in {every} ({held} "
             "documents) is held out and never learned from;",
             f"each row learns from the first N of the other {pool} and scores the held-out documents:",
             f"  {'documents':>9s}{'changes':>9s}" + "".join(f"{label:>18s}" for label, _ in FIGURES)]
    for p in points:
        cells = [f"{p.scores.figures[key]:18.3f}" if p.scores.measured(key) else f"{'-':>18s}" for _, key in FIGURES]
        lines.append(f"  {p.documents:>9d}{'-' if not p.documents else p.changes:>9}" + "".join(cells)
                     + ("   (the current rules)" if not p.documents else "   (all)" if p.documents == pool else ""))
    return lines
