"""The speaker registry: aliases from the rules, and spelling variants merged across documents."""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from .rules import Rules, SpeakerEntry


def name_key(name: str) -> str:
    """How the registry compares names: case, curly apostrophes, spacing and a leading article aside."""
    words = name.replace("’", "'").split()
    while words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words).casefold()


class Registry:
    """Canonical speakers of the rules file and the names they are known by."""

    def __init__(self, entries: Iterable[SpeakerEntry] = (), first_names: Mapping[str, str] | None = None,
                 fuzzy_threshold: float = 90):
        self.entries = list(entries)
        self.first_names = dict(first_names or {})
        self.threshold = fuzzy_threshold
        self._alias: dict[str, SpeakerEntry] = {}
        for e in self.entries:
            for name in (e.name, *e.aliases):
                self._alias.setdefault(name_key(name), e)

    @classmethod
    def from_rules(cls, rules: Rules) -> "Registry":
        return cls(rules.speakers, rules.first_names, rules.threshold("fuzzy_speaker", 90))

    def entry(self, name: str) -> SpeakerEntry | None:
        return self._alias.get(name_key(name))

    def lookup(self, name: str) -> str | None:
        e = self.entry(name)
        return e.name if e else None

    def canonical(self, name: str) -> str:
        return self.lookup(name) or name

    # -- spelling variants ----------------------------------------------

    def _token_variant(self, a: str, b: str, first: bool) -> bool:
        """Two words that are spellings of one name: one edit apart (two for long words)."""
        if a == b:
            return True
        if min(len(a), len(b)) < 3:
            return False
        if first:
            ga, gb = self.first_names.get(a), self.first_names.get(b)
            if ga and gb and ga != gb:
                return False  # Mary and Mark are two people
            if len(a) < 5 and ga and gb:
                return False
        limit = 2 if min(len(a), len(b)) >= 8 else 1
        return Levenshtein.distance(a, b) <= limit

    def is_variant(self, a: str, b: str) -> bool:
        """Spelling variants of one name: same words but one, and that one a near spelling."""
        ka, kb = name_key(a).split(), name_key(b).split()
        if ka == kb or len(ka) != len(kb):
            return False
        diff = [i for i in range(len(ka)) if ka[i] != kb[i]]
        if len(diff) != 1:
            return False
        i = diff[0]
        return self._token_variant(ka[i], kb[i], i == 0 and len(ka) > 1) and ratio(" ".join(ka), " ".join(kb)) >= self.threshold - 10

    def merge_variants(self, doc_counts: Mapping[str, int]) -> dict[str, str]:
        """Map each speaker name seen across documents to its canonical spelling.

        `doc_counts`: how many documents used each name. Names differing only in
        case or a near spelling are merged when the match is unambiguous; the
        registry's name wins, then the spelling more documents use.
        """
        counts = Counter()
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
            best = max(names, key=lambda n: (self.entry(n) is not None, counts[n], sum(c.isupper() for c in n)))
            forms[key] = (best, sum(counts[n] for n in names))
            for n in names:
                mapping[n] = self.canonical(best)
        # near spellings: a form maps to the one stronger form it is a variant of
        registry_names = {name_key(e.name): (e.name, float("inf")) for e in self.entries}
        pool = {**forms, **registry_names}
        for key, (form, n) in forms.items():
            if self.entry(form) is not None:
                continue
            matches = [(other, m) for okey, (other, m) in pool.items()
                       if okey != key and self.is_variant(form, other)]
            if len(matches) != 1:
                continue  # none, or ambiguous: leave it as it is
            other, m = matches[0]
            if (m, other) > (n, form):
                for name in by_key.get(key, []):
                    mapping[name] = self.canonical(other)
        return mapping
