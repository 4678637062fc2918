"""Re-weight the features that rank a pronoun's antecedents, from corrections that say the choice was wrong.

A perceptron started from the current weights: for every pronoun speaker a
person confirmed or corrected, the correct antecedent must outscore the others;
each miss moves the weights toward the correct one's features. Fixed epochs and
order, so the same corrections always give the same weights; weights stay >= 0.

An update is kept only when it ranks more pronouns right in cross-validation
by document (each document's pronouns ranked with weights learned from the
others' only) than the current weights do; otherwise the weights stay. A few
examples can move a weight to 0 without fixing anything they were not trained
on, and a ranking is shared by every document the rules will read.

A speaker given as the words of the text (`speaker_is_mention`, converted
attribution corpora) teaches no ranking: where the source is the pronoun the
machine read, it does not say who the pronoun is; where it is a name, the
machine read another mention. The few such samples would be a biased set.

Samples are gathered one document at a time (`RankingEvidence.add`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..evaluation.evaluate import GoldQuote
from ..rules import Rules
from ..speakers.canonical import PRONOUN_KIND
from ..speakers.merge import is_respelling
from ..speakers.registry import Registry
from .workbench import Aligned

EPOCHS = 10
STEP = 0.25
FOLDS = 5

Sample = tuple[list[dict[str, float]], int]  # candidates' features, index of the right one


def _same(registry: Registry, human: GoldQuote, name: str) -> bool:
    """Whether the antecedent `name` is the person's speaker."""
    ka, kb = registry.canonical(name).casefold(), registry.canonical(human.speaker).casefold()
    return ka == kb or is_respelling(name, human.speaker, registry)


@dataclass
class RankingEvidence:
    rules: Rules
    registry: Registry
    samples: dict[str, list[Sample]] = field(default_factory=dict)  # document -> its samples

    @classmethod
    def of(cls, rules: Rules) -> "RankingEvidence":
        return cls(rules, Registry.from_rules(rules))

    def add(self, a: Aligned) -> None:
        """(candidates' features, index of the right one) for every pronoun speaker a person checked."""
        if a.parsed is None or a.analysis.speakers is None:
            return
        out = []
        for human, machine in a.pairs:
            detail = a.analysis.details.get(machine.quote_id)
            if not human.speaker or human.speaker_is_mention or detail is None or detail.speaker_token is None:
                continue
            tok = a.parsed[detail.speaker_token]
            if tok.lower_ not in PRONOUN_KIND:
                continue
            cands = a.analysis.speakers.ranked_candidates(tok)
            right = [i for i, (e, _) in enumerate(cands) if _same(self.registry, human, e.name)]
            if right:
                out.append(([dict(f) for _, f in cands], right[0]))
        if out:
            self.samples[a.doc.doc_id] = out


def _wrong(samples: list[Sample], weights: dict[str, float]) -> int:
    score = lambda f: sum(weights.get(k, 0.0) * v for k, v in f.items())  # noqa: E731
    return sum(1 for cands, right in samples if max(range(len(cands)), key=lambda i: (score(cands[i]), -i)) != right)


def perceptron(samples: list[Sample], start: dict[str, float]) -> dict[str, float]:
    weights = dict(start)
    score = lambda f: sum(weights.get(k, 0.0) * v for k, v in f.items())  # noqa: E731
    for _ in range(EPOCHS):
        for cands, right in samples:
            chosen = max(range(len(cands)), key=lambda i: (score(cands[i]), -i))
            if chosen != right:
                for k in sorted(set(cands[right]) | set(cands[chosen])):
                    weights[k] = max(0.0, weights.get(k, 0.0) + STEP * (cands[right].get(k, 0.0)
                                                                        - cands[chosen].get(k, 0.0)))
    return {k: round(v, 2) for k, v in weights.items()}


def cross_validated(by_doc: dict[str, list[Sample]], start: dict[str, float], k: int = FOLDS) -> tuple[int, int]:
    """Pronouns ranked wrong in cross-validation by document: with the current weights, with learned ones."""
    docs = sorted(by_doc)
    k = min(k, len(docs))
    before = after = 0
    for fold in ([docs[i::k] for i in range(k)] if k > 1 else []):
        held = [s for d in fold for s in by_doc[d]]
        train = [s for d in docs if d not in fold for s in by_doc[d]]
        before += _wrong(held, start)
        after += _wrong(held, perceptron(train, start) if _wrong(train, start) else start)
    return before, after


def learn_ranking(evidence: RankingEvidence, data: dict) -> list[str]:
    samples = [s for d in sorted(evidence.samples) for s in evidence.samples[d]]
    old = {k: float(v) for k, v in (data.get("ranking") or {}).items()}
    wrong_before = _wrong(samples, old)
    if not wrong_before:
        return []
    weights = perceptron(samples, old)
    wrong_after = _wrong(samples, weights)
    moved = [f"ranking '{k}' {old.get(k, 0.0):.2f} -> {v:.2f}" for k, v in sorted(weights.items()) if v != old.get(k)]
    if not moved:
        return []
    cv_before, cv_after = cross_validated(evidence.samples, old)
    summary = (f"pronoun speakers ranked wrong in the corrections: {wrong_before} before, {wrong_after} after, of "
               f"{len(samples)}; in cross-validation by document: {cv_before} before, {cv_after} after")
    if wrong_after >= wrong_before or cv_after >= cv_before:
        return [f"ranking unchanged: the update does not rank fewer pronouns wrong ({summary})"]
    data["ranking"] = weights
    return moved + [f"  ({summary})"]
