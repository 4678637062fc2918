"""Least certain first, measured: how many of the errors the first tasks of an order hold.

A task is a document. Its errors are those `quotes eval` counts against the gold, per document: a direct
quote found with the wrong speaker (`speaker_matches`, as the speaker accuracy counts it), and a direct quote
whose stance label is not the gold's (strict, as the stance accuracy counts it); a quote missed or invented is
not an error of this kind. An order puts the tasks in a sequence (least certain first: ascending task score);
what it is worth is the share of all errors that the first quarter of the tasks holds, against what a random
order holds there (a quarter, on average; its spread over shuffles says how far luck goes).
"""
from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from ..records import Quote
from .evaluate import Evaluation, speaker_matches

KINDS = ("speaker", "stance")


def errors_by_document(ev: Evaluation) -> dict[str, Counter]:
    """document -> Counter(speaker=..., stance=...) for every document of the gold and its texts (zero where
    none: a document without a quote is a task too)."""
    docs = {g.doc_id for g in ev.gold.quotes} | set(ev.gold.documents) | set(ev.gold.texts)
    out = {d: Counter({k: 0 for k in KINDS}) for d in docs}
    for m in ev.matches:
        if m.gold.type != "direct":
            continue
        if m.gold.speaker and not speaker_matches(m.pred, m.gold, ev.gold.scheme):
            out[m.gold.doc_id]["speaker"] += 1
        if m.gold.stance and m.pred.stance != m.gold.stance:
            out[m.gold.doc_id]["stance"] += 1
    return out


@dataclass
class Share:
    documents: int  # in the first part
    errors: float  # share of all errors there
    by_kind: dict[str, float]
    quotes: float  # share of all predicted quotes there: the work it asks of annotators


def first_share(order: Sequence[str], errors: Mapping[str, Counter], quotes: Mapping[str, int],
                fraction: float = 0.25) -> Share:
    k = max(1, math.ceil(len(order) * fraction))
    first = order[:k]

    def part(count) -> float:
        total = sum(count(d) for d in order)
        return sum(count(d) for d in first) / total if total else 0.0

    return Share(k, part(lambda d: sum(errors[d].values())),
                 {kind: part(lambda d, kind=kind: errors[d][kind]) for kind in KINDS},
                 part(lambda d: quotes.get(d, 0)))


def least_certain_first(scores: Mapping[str, float], docs: Sequence[str]) -> list[str]:
    """Ascending task score, as the Data Manager view sorts; ties by document id."""
    return sorted(docs, key=lambda d: (scores.get(d, 1.0), d))


# other task scores `quotes studio triage --compare` measures beside the shipped one (lowest first, as sorted)
ALTERNATIVES: dict[str, Callable[[list[Quote]], float]] = {
    "least sure quote's confidence x stance score": lambda qs: min((q.confidence * q.stance_score for q in qs),
                                                                   default=1.0),
    "least sure quote's stance score": lambda qs: min((q.stance_score for q in qs), default=1.0),
    "mean confidence": lambda qs: sum(q.confidence for q in qs) / len(qs) if qs else 1.0,
    "expected errors (sum of 1 - confidence and 1 - stance score)": lambda qs: -sum(
        2 - q.confidence - q.stance_score for q in qs),
    "number of quotes": lambda qs: -len(qs),
}


def random_shares(docs: Sequence[str], errors: Mapping[str, Counter], quotes: Mapping[str, int],
                  fraction: float = 0.25, runs: int = 10_000, seed: int = 0) -> list[float]:
    """The share of errors in the first part of `runs` random orders, sorted."""
    rng = random.Random(seed)
    order = sorted(docs)
    out = []
    for _ in range(runs):
        rng.shuffle(order)
        out.append(first_share(order, errors, quotes, fraction).errors)
    return sorted(out)
