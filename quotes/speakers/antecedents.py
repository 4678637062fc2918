"""Which entity a mention refers to: a ranking over candidate entities, with weights from the rules.

Every choice that decides a canonical speaker by reference (a pronoun's antecedent, the entity a description,
role or organisation noun means) is one call of `AntecedentRanker.rank`: the candidates come with the evidence
their finder saw (a role the text gave them, the owner of "NASA officials", ...), the ranker adds what the
document says of each in general (how far back it was mentioned, in sentences and paragraphs; whether it was a
subject or spoke just before; gender agreement; salience), and the rules' `ranking` weights for that kind of
decision score them. The weights are learned from canonical gold (`quotes learn`); each decision is kept in
`decisions`, so learning sees the same candidates and features the annotator saw.
"""
from __future__ import annotations

import math
from collections import Counter
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from typing import Callable

from spacy.tokens import Token

from .entity_table import Entity, EntityTable

PRONOUN_KIND = {
    "he": ("person", "male"), "him": ("person", "male"), "his": ("person", "male"), "himself": ("person", "male"),
    "she": ("person", "female"), "her": ("person", "female"), "herself": ("person", "female"),
    "it": ("organisation", None), "its": ("organisation", None),
    "they": ("group", None), "them": ("group", None), "their": ("group", None),
}
# the kinds of decision, each with its own weights: a person pronoun, "it"/"they", a description
DECISIONS = ("pronoun", "it_they", "description")
# what the document says of any candidate (`context`); the finders of descriptions add their own evidence
CONTEXT = ("recency", "sentences", "same_sentence", "paragraph", "subject", "last_subject", "paragraph_subject",
           "previous_paragraph_subject", "previous_speaker",
           "spoke", "salience", "named_person", "object", "possessive", "named_in_quote", "after", "place",
           "gender_agreement", "gender_unknown")
PLACE_LABELS = {"GPE", "LOC", "NORP"}


@dataclass
class Candidate:
    """A candidate entity (None: nobody the text names, an unnamed source) with its features."""

    entity: Entity | None
    features: dict[str, float] = field(default_factory=dict)
    how: str = ""  # the finder that proposed it first: role, document, org_role, ... (the confidence table's key)


@dataclass
class Decision:
    """One ranking the annotator made: what learning re-weights."""

    kind: str
    candidates: list[Candidate]
    chosen: int


class AntecedentRanker:
    """Ranks candidate entities for a mention; remembers who spoke where and every decision it made."""

    def __init__(self, table: EntityTable, weights: dict[str, dict[str, float]], paragraphs_back: int = 3):
        self.table = table
        self.doc = table.doc
        self.layout = table.layout
        self.weights = weights
        self.paragraphs_back = paragraphs_back
        self.speaker_history: list[tuple[int, Entity]] = []  # who spoke, by token position, in text order
        self.decisions: dict[int, Decision] = {}  # token index of the mention -> the last ranking made for it
        # "he"/"she" resolved to each entity, kept as decisions are made: a per-quote count over all
        # decisions would make the speaker-gender column quadratic in the number of quotes
        self._pronoun_at: dict[int, tuple[Entity, str]] = {}
        self._pronoun_votes: dict[int, tuple[Entity, Counter]] = {}
        # each entity's speaking positions and sorted subject positions, so that a mention's features
        # cost a search, not a pass over every quote before it
        self._spoke_at: dict[int, list[int]] = {}
        self._subjects_sorted: dict[int, tuple[int, list[int]]] = {}
        self._most_mentions = max((len(e.positions) for e in table.entities.values()), default=1) or 1
        self._mentions: tuple[list[int], list[tuple[int, Entity, bool]]] | None = None
        # a pipeline without a parser or sentencizer sets no sentences: the whole text is then one
        self._sent_starts = ([s.start for s in self.doc.sents]
                             if len(self.doc) and self.doc.has_annotation("SENT_START") else [0])
        self._paras: dict[int, int] = {}

    def note_speaker(self, position: int, entity: Entity) -> None:
        insort(self.speaker_history, (position, entity), key=lambda x: x[0])
        insort(self._spoke_at.setdefault(id(entity), []), position)

    def _last_before(self, positions: list[int], i: int) -> int | None:
        k = bisect_left(positions, i)
        return positions[k - 1] if k else None

    def _subjects(self, e: Entity) -> list[int]:
        """The entity's subject positions in order (a set that passes may still grow or replace)."""
        key = id(e.subject_positions)
        cached = self._subjects_sorted.get(key)
        if cached is None or cached[0] != len(e.subject_positions):
            cached = (len(e.subject_positions), sorted(e.subject_positions))
            self._subjects_sorted[key] = cached
        return cached[1]

    def refresh(self) -> None:
        """Read the entities' mentions again (after relatives were folded into the table)."""
        self._mentions = None
        self._most_mentions = max((len(e.positions) for e in self.table.entities.values()), default=1) or 1

    # -- where things are -------------------------------------------------------------

    def sentence(self, i: int) -> int:
        return bisect_left(self._sent_starts, i + 1) - 1

    def paragraph(self, i: int) -> int:
        if i not in self._paras:
            self._paras[i] = self.layout.paragraph_index(self.doc[i].idx)
        return self._paras[i]

    def _mention_events(self) -> tuple[list[int], list[tuple[int, Entity, bool]]]:
        """Every entity mention, by token position: built once, so a pronoun looks only at its window."""
        if self._mentions is None:
            events = sorted(((i, e, i in e.subject_positions) for e in self.table.entities.values() for i in e.positions),
                            key=lambda x: x[0])
            self._mentions = ([i for i, _, _ in events], events)
        return self._mentions

    def window(self, before: int, whole: bool = False) -> list[Entity]:
        """Entities mentioned, or who spoke, before a token in the last few paragraphs (or the `whole` text
        before it), most recent first."""
        para = self.paragraph(before)
        start_para = 0 if whole else max(0, para - self.paragraphs_back)
        limit = self.layout.paras[start_para][0] if self.layout.paras else 0
        first = self.layout.first_token(limit)
        positions, mentions = self._mention_events()
        last: dict[int, tuple[int, Entity]] = {}
        for i, e, _ in mentions[bisect_left(positions, first):bisect_left(positions, before)]:
            last[id(e)] = (i, e)
        k = bisect_left(self.speaker_history, first, key=lambda x: x[0])
        for i, e in self.speaker_history[k:]:
            if i < before and (id(e) not in last or last[id(e)][0] < i):
                last[id(e)] = (i, e)
        return [e for _, e in sorted(last.values(), key=lambda x: -x[0])]

    # -- what the document says of a candidate ---------------------------------------------

    def context(self, tok: Token, entities: list[Entity], gender: str | None = None,
                quote: tuple[int, int] | None = None) -> list[dict[str, float]]:
        """The general features of each candidate entity for a mention at `tok` (see CONTEXT)."""
        i = tok.i
        sent, para = self.sentence(i), self.paragraph(i)
        k_history = bisect_left(self.speaker_history, i, key=lambda x: x[0])
        last_speaker = self.speaker_history[k_history - 1][1] if k_history else None
        lasts, subjects, spoke = [], [], set()
        for e in entities:
            named = self._last_before(e.positions, i)
            said = self._last_before(self._spoke_at.get(id(e), []), i)
            if said is not None:
                spoke.add(id(e))
            last = max((p for p in (named, said) if p is not None), default=None)
            lasts.append((last, named))
            subjects.append(self._last_before(self._subjects(e), i))
        order = sorted(range(len(entities)), key=lambda k: -(lasts[k][0] if lasts[k][0] is not None else -1))
        rank = {k: r for r, k in enumerate(order)}
        latest_subject = max(range(len(entities)), key=lambda k: subjects[k] if subjects[k] is not None else -1,
                             default=None)
        if latest_subject is not None and subjects[latest_subject] is None:
            latest_subject = None
        text = self.layout.text[quote[0]:quote[1]] if quote else ""
        out = []
        for k, e in enumerate(entities):
            last, mention = lasts[k]
            f: dict[str, float] = {}
            if last is None:
                f["after"] = 1.0  # named only after the mention
            else:
                f["recency"] = 1.0 / (1 + rank[k])
                d = sent - self.sentence(last)
                f["sentences"] = 1.0 / (1 + max(0, d))
                f["same_sentence"] = float(d == 0)
                f["paragraph"] = float(para - self.paragraph(last) <= 1)
            if subjects[k] is not None:
                f["subject"] = 1.0
                f["last_subject"] = float(k == latest_subject)
                # the subject of this paragraph so far, or of the one before: who a passage is about
                back = para - self.paragraph(subjects[k])
                f["paragraph_subject"] = float(back == 0)
                f["previous_paragraph_subject"] = float(back == 1)
            f["previous_speaker"] = float(e is last_speaker)
            f["spoke"] = float(id(e) in spoke)
            f["salience"] = len(e.positions) / self._most_mentions
            f["named_person"] = float(e.kind == "person" and len(e.tokens) > 1)
            if mention is not None:
                dep = self.doc[mention].dep_
                f["object"] = float(dep in ("dobj", "pobj", "dative"))
                f["possessive"] = float(dep == "poss")
            if text and e.tokens and _named_in(text, e):
                f["named_in_quote"] = 1.0  # a speaker seldom names himself in the third person
            f["place"] = float(e.label in PLACE_LABELS)
            if gender:
                f["gender_agreement"] = float(e.gender == gender)
                f["gender_unknown"] = float(e.gender is None)
            out.append({k: v for k, v in f.items() if v})
        return out

    # -- ranking -----------------------------------------------------------------------

    def score(self, kind: str, features: dict[str, float]) -> float:
        weights = self.weights.get(kind) or {}
        return sum(weights.get(name, 0.0) * value for name, value in features.items())

    def rank(self, tok: Token, kind: str, candidates: list[Candidate], record: bool = True
             ) -> tuple[Candidate | None, float]:
        """The best candidate and its probability among them (a softmax of the scores), kept as the
        decision for `tok`. Ties go to the candidate listed first."""
        if not candidates:
            return None, 0.0
        scores = [self.score(kind, c.features) for c in candidates]
        best = max(range(len(candidates)), key=lambda k: (scores[k], -k))
        top = scores[best]
        total = sum(math.exp(s - top) for s in scores)
        if record:
            self.decisions[tok.i] = Decision(kind, candidates, best)
            self._count_pronoun(tok, candidates[best].entity)
        return candidates[best], 1.0 / total

    def _count_pronoun(self, tok: Token, chosen: Entity | None) -> None:
        """Keep the gendered-pronoun count of the entity the decision at `tok` chose (replacing an
        earlier decision's vote for the same token)."""
        earlier = self._pronoun_at.pop(tok.i, None)
        if earlier is not None:
            self._pronoun_votes[id(earlier[0])][1][earlier[1]] -= 1
        gender = PRONOUN_KIND.get(tok.lower_, (None, None))[1]
        if gender and chosen is not None:
            self._pronoun_at[tok.i] = (chosen, gender)
            self._pronoun_votes.setdefault(id(chosen), (chosen, Counter()))[1][gender] += 1

    def pronoun_votes(self, name: str) -> Counter:
        """How often the article calls the entity named `name` "he" and "she" where a pronoun was resolved
        to it (entities are matched by their name now, as a merge may have renamed one since)."""
        votes: Counter = Counter()
        for entity, counts in self._pronoun_votes.values():
            if entity.name == name:
                votes.update({g: n for g, n in counts.items() if n > 0})
        return votes

    def pronoun_candidates(self, tok: Token, kind: str | None = None, gender: str | None = None,
                           quote: tuple[int, int] | None = None) -> list[Candidate]:
        """The compatible antecedents of a pronoun with their features: entities of its kind and gender
        mentioned in the last few paragraphs (the whole text before it when none is)."""
        if kind is None:
            kind, gender = PRONOUN_KIND.get(tok.lower_, ("person", None))
        for whole in (False, True):
            # a profile names its subject once and then says "she" for pages: look further back
            pool = [e for e in self.window(tok.i, whole) if _compatible(e, kind, gender)]
            if pool:
                return [Candidate(e, f, "pronoun") for e, f in zip(pool, self.context(tok, pool, gender, quote))]
        return []

    def best(self, tok: Token, kind: str | None = None, gender: str | None = None,
             exclude: Callable[[Entity], bool] | None = None, quote: tuple[int, int] | None = None,
             record: bool = True) -> tuple[Entity | None, float]:
        """A pronoun's best antecedent and how sure (its probability among the candidates)."""
        decision = "pronoun" if (kind or PRONOUN_KIND.get(tok.lower_, ("person",))[0]) == "person" else "it_they"
        cands = [c for c in self.pronoun_candidates(tok, kind, gender, quote)
                 if exclude is None or not exclude(c.entity)]
        chosen, p = self.rank(tok, decision, cands, record)
        return (chosen.entity if chosen else None), p


def _compatible(e: Entity, kind: str, gender: str | None) -> bool:
    if kind in ("person", "organisation") and e.kind != kind:
        return False
    if kind == "group" and e.kind not in ("group", "organisation"):
        return False  # "they" is a group or an organisation's people
    return not (gender and e.gender and e.gender != gender)


def _named_in(text: str, e: Entity) -> bool:
    """Whether a quote's words name the entity (its last name, or an organisation's name)."""
    word = e.tokens[-1] if e.kind == "person" else e.name
    if len(word) < 3:
        return False
    k = text.find(word)
    while k >= 0:
        before = text[k - 1:k] if k else " "
        after = text[k + len(word):k + len(word) + 1] or " "
        if not before.isalnum() and not after.isalnum():
            return True
        k = text.find(word, k + 1)
    return False
