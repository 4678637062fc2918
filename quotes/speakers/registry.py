"""The speaker registry: the canonical speakers of the rules and the names they are known by.

Spelling variants across documents are `merge`'s job; it reads `first_names` and
`threshold` from here.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ..rules import Rules, SpeakerEntry


def name_words(name: str) -> list[str]:
    """A name's words as written, curly apostrophes made straight and a leading article dropped."""
    words = name.replace("’", "'").split()
    k = 0
    while k < len(words) and words[k].lower() in ("the", "a", "an"):
        k += 1  # one slice at the end: "the the the ..." costs its length, not its square
    return words[k:]


def name_key(name: str) -> str:
    """How the registry compares names: case, curly apostrophes, spacing and a leading article aside."""
    return " ".join(name_words(name)).casefold()


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
