"""Rank the antecedents a pronoun may refer to, with weights from the rules.

Candidates are the entities mentioned in the few paragraphs before the
pronoun (and who spoke there), filtered by kind and gender; each gets features
whose weights are the rules' `ranking` (re-weighted by `quotes learn`).
"""
from __future__ import annotations

from bisect import bisect_left, insort
from typing import Callable

from spacy.tokens import Token

from .entity_table import Entity, EntityTable

PRONOUN_KIND = {
    "he": ("person", "male"), "him": ("person", "male"), "his": ("person", "male"), "himself": ("person", "male"),
    "she": ("person", "female"), "her": ("person", "female"), "herself": ("person", "female"),
    "it": ("organisation", None), "its": ("organisation", None),
    "they": ("group", None), "them": ("group", None), "their": ("group", None),
}
FEATURES = ("recency", "subject", "previous_speaker", "gender_agreement", "named_person", "salience", "paragraph")


class AntecedentRanker:
    """The compatible antecedents of a pronoun, each with its ranking features."""

    def __init__(self, table: EntityTable, weights: dict[str, float], paragraphs_back: int = 3):
        self.table = table
        self.doc = table.doc
        self.layout = table.layout
        self.weights = weights
        self.paragraphs_back = paragraphs_back
        self.speaker_history: list[tuple[int, Entity]] = []  # who spoke, by token position, in text order
        self._most_mentions = max((len(e.positions) for e in table.entities.values()), default=1) or 1
        self._mentions: tuple[list[int], list[tuple[int, Entity, bool]]] | None = None

    def note_speaker(self, position: int, entity: Entity) -> None:
        insort(self.speaker_history, (position, entity), key=lambda x: x[0])

    def refresh(self) -> None:
        """Read the entities' mentions again (after relatives were folded into the table)."""
        self._mentions = None

    def _mention_events(self) -> tuple[list[int], list[tuple[int, Entity, bool]]]:
        """Every entity mention, by token position: built once, so a pronoun looks only at its window."""
        if self._mentions is None:
            events = sorted(((i, e, i in e.subject_positions) for e in self.table.entities.values() for i in e.positions),
                            key=lambda x: x[0])
            self._mentions = ([i for i, _, _ in events], events)
        return self._mentions

    def _candidates(self, before: int, whole: bool = False) -> dict[int, tuple[Entity, int, bool]]:
        """Entities mentioned before a token, in the last few paragraphs (or the `whole` text before it):
        id -> (entity, last position, ever a subject)."""
        para = self.layout.paragraph_index(self.doc[before].idx)
        start_para = 0 if whole else max(0, para - self.paragraphs_back)
        limit = self.layout.paras[start_para][0] if self.layout.paras else 0
        first = self.layout.first_token(limit)
        out: dict[int, tuple[Entity, int, bool]] = {}
        positions, mentions = self._mention_events()
        events = mentions[bisect_left(positions, first):bisect_left(positions, before)]
        k = bisect_left(self.speaker_history, first, key=lambda x: x[0])
        events = events + [(i, e, True) for i, e in self.speaker_history[k:]]
        for i, e, subj in events:
            if i < before:
                old = out.get(id(e))
                if old is None or i > old[1]:
                    out[id(e)] = (e, i, subj or (old[2] if old else False))
                elif subj:
                    out[id(e)] = (old[0], old[1], True)
        return out

    def ranked(self, tok: Token, kind: str | None = None, gender: str | None = None,
               exclude: Callable[[Entity], bool] | None = None) -> list[tuple[Entity, dict[str, float]]]:
        """The compatible antecedents of a pronoun (or of a description read like one, given its kind and
        gender) with their features, most recent first."""
        if kind is None:
            kind, gender = PRONOUN_KIND.get(tok.lower_, ("person", None))
        out = self._ranked(tok, kind, gender, self._candidates(tok.i))
        # a profile names its subject once and then says "she" for pages: look further back
        out = out or self._ranked(tok, kind, gender, self._candidates(tok.i, whole=True))
        return [(e, f) for e, f in out if exclude is None or not exclude(e)]

    def _ranked(self, tok: Token, kind: str, gender: str | None,
                cands: dict[int, tuple[Entity, int, bool]]) -> list[tuple[Entity, dict[str, float]]]:
        last_speaker = next((e for i, e in reversed(self.speaker_history) if i < tok.i), None)
        para = self.layout.paragraph_index(tok.idx)
        out = []
        for rank, (e, last, is_subject) in enumerate(sorted(cands.values(), key=lambda c: -c[1])):
            if kind in ("person", "organisation") and e.kind != kind:
                continue
            if kind == "group" and (e.kind not in ("group", "organisation") or e.label == "GPE"):
                continue  # "they" is a group or an organisation's people, not a place
            if gender and e.gender and e.gender != gender:
                continue
            near = para - self.layout.paragraph_index(self.doc[last].idx) <= 1
            out.append((e, {
                "recency": 1.0 / (1 + rank),
                "subject": float(is_subject),
                "previous_speaker": float(e is last_speaker),
                "gender_agreement": 1.0 if gender and e.gender == gender else 0.5 if gender and not e.gender else 0.0,
                "named_person": float(len(e.tokens) > 1),
                "salience": len(e.positions) / self._most_mentions,
                "paragraph": float(near),
            }))
        return out

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def best(self, tok: Token, **how) -> tuple[Entity | None, float]:
        """The best antecedent and how far it leads the next one (0 to 1), the margin behind `confidence`."""
        scored = sorted(((self.score(f), k, e) for k, (e, f) in enumerate(self.ranked(tok, **how))),
                        key=lambda x: (-x[0], x[1]))
        if not scored:
            return None, 0.0
        if len(scored) == 1:
            return scored[0][2], 1.0
        lead = scored[0][0] - scored[1][0]
        return scored[0][2], min(1.0, lead / 2.0)
