"""Re-weight the linking features (`ranking` in the rules) from corrections that say who a mention was.

Every choice of the entity a pronoun or a description refers to is a ranking the annotator kept
(`speakers.antecedents.Decision`): its candidates, their features and the one it chose. A person's speaker for
the quote (canonical gold, or a Label Studio correction of the speaker) says which candidate was right: a
named one, or nobody named (an unnamed source). Each kind of decision gets its weights from a conditional logit
(the right candidate's probability among its candidates), L2-regularised towards the current weights so that a
few examples move them little; the same corrections always give the same weights (Newton steps from the
current weights, a fixed number of them, rounded to two decimals).

A kind's new weights are kept only when they rank more mentions right in cross-validation by document (each
document's decisions ranked with weights learned from the other documents only) than the current weights do.
A decision whose right answer is none of its candidates teaches nothing (the candidates' finder missed it).

A speaker given as the words of the text (`speaker_is_mention`, converted attribution corpora) teaches no
ranking: it does not say who the words are.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..evaluation.canonical_gold import content_words
from ..evaluation.evaluate import GoldQuote, canonical_speaker_right
from ..records import Quote
from ..rules import Rules, ranking_weights
from ..speakers.merge import is_respelling
from ..speakers.registry import Registry
from .workbench import Aligned

FOLDS = 5
STEPS = 25
L2 = 1.0  # the pull towards the current weights (thresholds.ranking_l2 overrides it)

# candidates' features, index of the right one (or the indices, when several are right: an organisation
# and nobody named, for its unnamed officials)
Sample = tuple[list[dict[str, float]], "int | tuple[int, ...]"]


def _same(registry: Registry, human: GoldQuote, name: str) -> bool:
    """Whether the candidate `name` is the person's speaker."""
    if human.speaker_kind:  # canonical gold: a named entity is right only for a named speaker, by its name
        return human.speaker_kind in ("person", "organisation", "group") and (
            canonical_speaker_right(name, human) or canonical_speaker_right(registry.canonical(name), human))
    return registry.canonical(name).casefold() == registry.canonical(human.speaker).casefold() \
        or is_respelling(name, human.speaker, registry)


def _speaks_for(human: GoldQuote, entity) -> bool:
    """An unnamed source of an organisation the text names ("Harbour Authority officials"): the organisation is
    right too, as the strict canonical scorer counts it (a word of the description)."""
    return human.speaker_kind == "unnamed" and entity.kind == "organisation" \
        and bool(content_words(entity.name) & content_words(human.speaker))


def _unnamed(human: GoldQuote, machine: Quote) -> bool:
    """The speaker is a source the text never names: canonical gold says so, or a person kept the machine's
    unnamed description as the speaker."""
    if human.speaker_kind:
        return human.speaker_kind == "unnamed"
    return machine.speaker_kind == "unnamed" and bool(human.speaker) and \
        human.speaker.casefold().strip() == machine.speaker.casefold().strip()


@dataclass
class RankingEvidence:
    rules: Rules
    registry: Registry
    samples: dict[str, dict[str, list[Sample]]] = field(default_factory=dict)  # kind -> document -> samples

    @classmethod
    def of(cls, rules: Rules) -> "RankingEvidence":
        return cls(rules, Registry.from_rules(rules))

    def add(self, a: Aligned) -> None:
        """(candidates' features, index of the right one) for every linking decision behind a checked speaker."""
        if a.analysis.speakers is None:
            return
        seen: set[int] = set()
        for human, machine in a.pairs:
            detail = a.analysis.details.get(machine.quote_id)
            if human.speaker_is_mention or detail is None or detail.speaker_token is None:
                continue
            if detail.speaker_token in seen:
                continue  # the parts of one quotation, or a continuation: one decision, counted once
            decision = a.analysis.speakers.decision(detail.speaker_token)
            if decision is None:
                continue
            seen.add(detail.speaker_token)
            right = [k for k, c in enumerate(decision.candidates)
                     if (c.entity is None and _unnamed(human, machine))
                     or (c.entity is not None and human.speaker and _same(self.registry, human, c.entity.name))
                     or (c.entity is not None and _speaks_for(human, c.entity))]
            if right:
                self.samples.setdefault(decision.kind, {}).setdefault(a.doc.doc_id, []).append(
                    ([dict(c.features) for c in decision.candidates], right[0] if len(right) == 1 else tuple(right)))


def _matrix(samples: list[Sample], names: list[str]) -> list[tuple[np.ndarray, tuple[int, ...]]]:
    index = {n: k for k, n in enumerate(names)}
    out = []
    for cands, right in samples:
        x = np.zeros((len(cands), len(names)))
        for r, f in enumerate(cands):
            for name, value in f.items():
                x[r, index[name]] = value
        out.append((x, (right,) if isinstance(right, int) else tuple(right)))
    return out


def _chosen(x: np.ndarray, w: np.ndarray) -> int:
    """The candidate the weights rank first; ties go to the one listed first, as the annotator breaks them."""
    scores = x @ w
    return int(np.flatnonzero(scores >= scores.max() - 1e-12)[0])


def wrong(samples: list[Sample], weights: dict[str, float]) -> int:
    """Decisions the weights get wrong."""
    names = sorted({n for cands, _ in samples for f in cands for n in f} | set(weights))
    w = np.array([weights.get(n, 0.0) for n in names])
    return sum(1 for x, right in _matrix(samples, names) if _chosen(x, w) not in right)


def fit(samples: list[Sample], start: dict[str, float], l2: float = L2) -> dict[str, float]:
    """Conditional-logit weights: the right candidates' log-probability, less l2/2 times the squared distance
    from the `start` weights; Newton steps from the start, rounded to two decimals."""
    names = sorted({n for cands, _ in samples for f in cands for n in f} | set(start))
    w0 = np.array([start.get(n, 0.0) for n in names])
    data = [(x, r) for x, r in _matrix(samples, names) if len(x) > len(r)]
    w = w0.copy()
    for _ in range(STEPS):
        grad = -l2 * (w - w0)
        hess = -l2 * np.eye(len(names))
        for x, r in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            mean = p @ x
            # the log of the right candidates' probability: of their sum, where several are right
            q = np.zeros(len(p))
            q[list(r)] = p[list(r)]
            q /= q.sum()
            right_mean = q @ x
            grad += right_mean - mean
            # the curvature of the whole set only (the right ones' own is left out): always a step uphill
            hess -= (x.T * p) @ x - np.outer(mean, mean)
        step = np.linalg.solve(hess, grad)
        w = w - step
        if np.abs(step).max() < 1e-6:
            break
    return {n: round(float(v), 2) for n, v in zip(names, w) if round(float(v), 2) != 0.0 or n in start}


def cross_validated(by_doc: dict[str, list[Sample]], start: dict[str, float], l2: float = L2,
                    k: int = FOLDS) -> tuple[int, int]:
    """Decisions ranked wrong in cross-validation by document: with the current weights, with learned ones."""
    docs = sorted(by_doc)
    k = min(k, len(docs))
    before = after = 0
    for fold in ([docs[i::k] for i in range(k)] if k > 1 else []):
        held = [s for d in fold for s in by_doc[d]]
        train = [s for d in docs if d not in fold for s in by_doc[d]]
        before += wrong(held, start)
        after += wrong(held, fit(train, start, l2))
    return before, after


def learn_ranking(evidence: RankingEvidence, data: dict) -> list[str]:
    """New weights for each kind of decision the corrections say enough about, each kept only when
    cross-validation by document ranks fewer of its decisions wrong."""
    l2 = float((data.get("thresholds") or {}).get("ranking_l2", L2))
    current = ranking_weights(data.get("ranking"))  # the rules being learned from
    changes: list[str] = []
    for kind in sorted(evidence.samples):
        by_doc = evidence.samples[kind]
        samples = [s for d in sorted(by_doc) for s in by_doc[d]]
        old = dict(current.get(kind, {}))
        weights = fit(samples, old, l2)
        moved = [f"ranking {kind} '{n}' {old.get(n, 0.0):.2f} -> {v:.2f}" for n, v in sorted(weights.items())
                 if v != old.get(n, 0.0)]
        if not moved:
            continue
        wrong_before, wrong_after = wrong(samples, old), wrong(samples, weights)
        cv_before, cv_after = cross_validated(by_doc, old, l2)
        summary = (f"{kind} decisions ranked wrong: {wrong_before} before, {wrong_after} after, of {len(samples)}; "
                   f"in cross-validation by document: {cv_before} before, {cv_after} after")
        if cv_after >= cv_before:
            changes.append(f"ranking {kind} unchanged: the update does not rank fewer mentions wrong ({summary})")
            continue
        ranking = data.setdefault("ranking", {})
        if ranking and all(not isinstance(v, dict) for v in ranking.values()):
            ranking.clear()  # weights of older files, which had one kind of decision: the kinds replace them
        if isinstance(ranking.get(kind), dict):
            ranking[kind].update(weights)  # in place: the file keeps its layout, a diff shows the weights
        else:
            ranking[kind] = weights
        changes += moved + [f"  ({summary})"]
    return changes
