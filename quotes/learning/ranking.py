"""Re-weight the features that rank a pronoun's antecedents, from corrections that say the choice was wrong.

A perceptron started from the current weights: for every pronoun speaker a
person confirmed or corrected, the correct antecedent must outscore the others;
each miss moves the weights toward the correct one's features. Fixed epochs and
order, so the same corrections always give the same weights; weights stay >= 0.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ..merge import is_respelling
from ..registry import Registry
from ..rules import Rules
from ..speakers import PRONOUN_KIND
from .workbench import Aligned

EPOCHS = 10
STEP = 0.25


def _same(registry: Registry, a: str, b: str) -> bool:
    ka, kb = registry.canonical(a).casefold(), registry.canonical(b).casefold()
    return ka == kb or is_respelling(a, b, registry)


def ranking_samples(aligned: list[Aligned], parsed: dict[str, Doc], rules: Rules) -> list[tuple[list[dict], int]]:
    """(candidates' features, index of the right one) for every pronoun speaker a person checked."""
    registry = Registry.from_rules(rules)
    samples = []
    for a in aligned:
        doc = parsed[a.doc.doc_id]
        for human, machine in a.pairs:
            detail = a.analysis.details.get(machine.quote_id)
            if not human.speaker or detail is None or detail.speaker_token is None or a.analysis.speakers is None:
                continue
            tok = doc[detail.speaker_token]
            if tok.lower_ not in PRONOUN_KIND:
                continue
            cands = a.analysis.speakers.ranked_candidates(tok)
            right = [i for i, (e, _) in enumerate(cands) if _same(registry, e.name, human.speaker)]
            if right:
                samples.append(([f for _, f in cands], right[0]))
    return samples


def learn_ranking(aligned: list[Aligned], data: dict, rules: Rules, parsed: dict[str, Doc]) -> list[str]:
    samples = ranking_samples(aligned, parsed, rules)
    old = {k: float(v) for k, v in (data.get("ranking") or {}).items()}
    weights = dict(old)
    score = lambda f: sum(weights.get(k, 0.0) * v for k, v in f.items())  # noqa: E731
    wrong_before = sum(1 for cands, right in samples if max(range(len(cands)), key=lambda i: score(cands[i])) != right)
    if not wrong_before:
        return []
    for _ in range(EPOCHS):
        for cands, right in samples:
            chosen = max(range(len(cands)), key=lambda i: (score(cands[i]), -i))
            if chosen != right:
                for k in set(cands[right]) | set(cands[chosen]):
                    weights[k] = max(0.0, weights.get(k, 0.0) + STEP * (cands[right].get(k, 0.0) - cands[chosen].get(k, 0.0)))
    weights = {k: round(v, 2) for k, v in weights.items()}
    wrong_after = sum(1 for cands, right in samples if max(range(len(cands)), key=lambda i: score(cands[i])) != right)
    changes = [f"ranking '{k}' {old.get(k, 0.0):.2f} -> {v:.2f}" for k, v in sorted(weights.items()) if v != old.get(k)]
    if changes:
        data["ranking"] = weights
        changes.append(f"  (pronoun speakers ranked wrong in the corrections: {wrong_before} before, {wrong_after} after, "
                       f"of {len(samples)})")
    return changes
