"""The cross-document speaker merge: one spelling per person over the documents of a run.

A reduce over per-document results: each document contributes the set of names
it uses, the counts add up (in any order, from any number of workers), and
`merge_variants` turns the totals into a name -> canonical name mapping that
is applied to the rows afterwards. Nothing here looks at a parsed document.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from .records import Quote
from .registry import Registry, name_key


def _token_variant(a: str, b: str, first_names: Mapping[str, str], first: bool) -> bool:
    """Two words that are spellings of one name: one edit apart (two for long words)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 3:
        return False
    if first:
        ga, gb = first_names.get(a), first_names.get(b)
        if ga and gb and ga != gb:
            return False  # Mary and Mark are two people
        if len(a) < 5 and ga and gb:
            return False
    limit = 2 if min(len(a), len(b)) >= 8 else 1
    return Levenshtein.distance(a, b) <= limit


def is_respelling(a: str, b: str, registry: Registry) -> bool:
    """Spelling variants of one name: same words but one, and that one a near spelling."""
    ka, kb = name_key(a).split(), name_key(b).split()
    if ka == kb or len(ka) != len(kb):
        return False
    diff = [i for i in range(len(ka)) if ka[i] != kb[i]]
    if len(diff) != 1:
        return False
    i = diff[0]
    return (_token_variant(ka[i], kb[i], registry.first_names, i == 0 and len(ka) > 1)
            and ratio(" ".join(ka), " ".join(kb)) >= registry.threshold - 10)


def merge_variants(doc_counts: Mapping[str, int], registry: Registry) -> dict[str, str]:
    """Map each speaker name seen across documents to its canonical spelling.

    `doc_counts`: how many documents used each name. Names differing only in
    case or a near spelling are merged when the match is unambiguous; the
    registry's name wins, then the spelling more documents use.
    """
    counts: Counter = Counter()
    for name, n in doc_counts.items():
        if name:
            counts[name] += n
    mapping: dict[str, str] = {}
    # case variants: the most used casing
    by_key: dict[str, list[str]] = {}
    for name in counts:
        by_key.setdefault(name_key(name), []).append(name)
    forms = {}
    for key, names in by_key.items():
        best = max(names, key=lambda n: (registry.entry(n) is not None, counts[n], sum(c.isupper() for c in n)))
        forms[key] = (best, sum(counts[n] for n in names))
        for n in names:
            mapping[n] = registry.canonical(best)
    # near spellings: a form maps to the one stronger form it is a variant of
    registry_names = {name_key(e.name): (e.name, float("inf")) for e in registry.entries}
    pool = {**forms, **registry_names}
    for key, (form, n) in forms.items():
        if registry.entry(form) is not None:
            continue
        matches = [(other, m) for okey, (other, m) in pool.items()
                   if okey != key and is_respelling(form, other, registry)]
        if len(matches) != 1:
            continue  # none, or ambiguous: leave it as it is
        other, m = matches[0]
        if (m, other) > (n, form):
            for name in by_key.get(key, []):
                mapping[name] = registry.canonical(other)
    return mapping


class SpeakerMerger:
    """Collects the names each document uses, then gives spelling variants one canonical name.

    The evidence is how many documents use each spelling, among all the people
    and organisations they mention (not only the speakers), so that "Ann Smyth"
    in one article joins "Ann Smith" named in four others.
    """

    def __init__(self, registry: Registry):
        self.registry = registry
        self.counts: Counter = Counter()
        self._mapping: dict[str, str] | None = None

    def add(self, names: Iterable[str]) -> None:
        """One document's names: each counts once however often the document uses it."""
        self.counts.update(set(names))
        self._mapping = None

    @property
    def mapping(self) -> dict[str, str]:
        if self._mapping is None:
            self._mapping = merge_variants(self.counts, self.registry)
        return self._mapping

    def canonical(self, name: str) -> str:
        return self.mapping.get(name, name)

    def apply(self, quotes: Iterable[Quote]) -> None:
        """Give each quote's speaker its canonical spelling (in place)."""
        for q in quotes:
            if q.speaker:
                q.speaker = self.canonical(q.speaker)
