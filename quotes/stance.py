"""Stance of a quote: one label of the rules' label set, a score and the cues that decided it.

Placeholder until the stance rules land: every quote is neutral.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_LABELS = {
    "hostile": "threatens, intimidates, insults or announces harm to another party",
    "critical": "condemns, blames or disapproves, without threatening",
    "concerned": "voices worry, fear, distress or uncertainty",
    "reassuring": "voices confidence or calm, says things are under control",
    "supportive": "approves of, trusts, or wishes for cooperation, partnership or peace",
    "neutral": "states facts or describes, with no position",
}


@dataclass(frozen=True)
class StanceResult:
    label: str
    score: float
    cues: tuple[str, ...] = ()

    @property
    def readable_cues(self) -> str:
        return "; ".join(self.cues)


@dataclass
class StanceRules:
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    neutral: str = "neutral"


def parse_stance_rules(section: dict[str, Any], labels: dict[str, str] | None, source: str) -> StanceRules:
    return StanceRules(labels=dict(labels) if labels else dict(DEFAULT_LABELS))


def classify(span: Any, cue_lemma: str | None, rules: StanceRules) -> StanceResult:
    """Label the quote text `span` (a spaCy Span), given the lemma of its cue verb."""
    return StanceResult(rules.neutral, 0.0, ())
