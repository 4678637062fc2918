"""The cross-document speaker merge: one spelling per person over the documents of a run.

A reduce over per-document results: each document contributes the set of names
it uses, the counts add up (in any order, from any number of workers), and
`merge_variants` turns the totals into a name -> canonical name mapping that
is applied to the rows afterwards. Nothing here looks at a parsed document.

Merging only respells a name, never trades one person for another:

- case and a leading article: "the White House" / "White House", "CLINTON" / "Clinton";
- a respelling: the same number of words, all equal but one, and that one a
  near spelling ("Ann Smyth" -> "Ann Smith"), with the same initial;
- never two people: two known first names ("Mary Smith" / "Mark Smith"), a
  first or last word that only adds letters at its end, a plural, family,
  demonym or another name ("the Clintons" / "Clinton", "Koreans", "Eric" /
  "Erica", "Clark" / "Clarke"; a word inside a name may: "Federal Elections
  Commission"), an acronym one letter off ("NSA" / "NASA");
- a single word only onto a name the registry knows ("Roskosmos" is an alias,
  "Roscozmos" -> "Roscosmos"): one word is too short to tell a respelling from
  another name ("Clinton" / "Clifton", "Kelly" / "Kelley").

A partial name is not completed from other documents ("Kaine" stays "Kaine"
even if one other article names "Tim Kaine"): that one full name in the run
ends with the word does not make it the same person, and the document's own
text is what resolves its partial names (`speakers`).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping, NamedTuple

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from ..records import Quote
from .names import MAX_NAME_CHARS, MAX_NAME_WORDS
from .registry import Registry, name_key, name_words

MIN_WORD = 3  # shorter words ("Li", "Wu", initials) are never respellings of one another
LONG_WORD = 8  # words this long may differ by two edits, shorter ones by one
MAX_BLOCK = 50  # a name sharing a block with more names than this is left as it is (see merge_variants)


class _Spelling(NamedTuple):
    """A name as the merge compares it: its key's words, and which of them are written in capitals."""

    words: list[str]
    caps: list[bool]


def _spelling(name: str) -> _Spelling:
    written = name_words(name)
    return _Spelling([w.casefold() for w in written], [len(w) > 1 and w.isupper() for w in written])


def _edit_limit(word: str) -> int:
    return 2 if len(word) >= LONG_WORD else 1


def _near_word(a: str, b: str, first_names: Mapping[str, str], first: bool, outer: bool) -> bool:
    """Two different words (lower case) that may spell one name: one edit apart, two for long words.

    `first`: the first of several words, where two known first names are two people;
    `outer`: the first or last word, where letters added at the end make another name.
    """
    if min(len(a), len(b)) < MIN_WORD or a[0] != b[0]:
        return False  # a misspelling keeps the initial: Mets / Jets, Cross / Ross are others
    if outer and (a.startswith(b) or b.startswith(a)):
        return False  # Clinton / Clintons, Korea / Korean, Eric / Erica, Clark / Clarke
    if first:
        ga, gb = first_names.get(a), first_names.get(b)
        if ga and gb and ga != gb:
            return False  # Mary and Mark are two people
        if min(len(a), len(b)) < 5 and (ga or gb):
            return False  # short first names a letter apart are two, too: Dan / Don / Dean
    return Levenshtein.distance(a, b) <= min(_edit_limit(a), _edit_limit(b))


def _respelling(a: _Spelling, b: _Spelling, registry: Registry, known: bool) -> bool:
    """`is_respelling` on spellings; `known`: the registry names one of the two."""
    n = len(a.words)
    if a.words == b.words or n != len(b.words) or (n == 1 and not known):
        return False
    diff = [i for i in range(n) if a.words[i] != b.words[i]]
    if len(diff) != 1:
        return False
    i = diff[0]
    if a.caps[i] or b.caps[i]:
        return False  # an acronym one letter off is another organisation: NSA / NASA, NBC / ABC
    return (_near_word(a.words[i], b.words[i], registry.first_names, i == 0 and n > 1, i in (0, n - 1))
            and ratio(" ".join(a.words), " ".join(b.words)) >= registry.threshold - 10)


def is_respelling(a: str, b: str, registry: Registry) -> bool:
    """Two different spellings of one name: same words but one, and that one a near spelling.

    Single words only when the registry names one of them; never two people (see the module).
    """
    known = registry.entry(a) is not None or registry.entry(b) is not None
    return _respelling(_spelling(a), _spelling(b), registry, known)


def _deletions(word: str, depth: int) -> set[str]:
    """The word and every string made from it by deleting up to `depth` letters."""
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:k] + w[k + 1:] for w in frontier for k in range(len(w))}
        out |= frontier
    return out


def _block_keys(words: list[str]) -> list[str]:
    """Keys such that any two names that are respellings of each other share one.

    A respelling keeps the word count and all words but one, and the changed
    words are at most d edits apart, so both reduce to a common string by at most
    d deletions each (a substitution is one deletion on each side). One key per
    word position and deletion: the words before it, its initial (which a
    respelling keeps) and the deletion, the words after it (tabs apart: a name
    key has none, so a key tells the position and the word count).
    """
    keys: list[str] = []
    if len(words) > MAX_NAME_WORDS or sum(map(len, words)) > MAX_NAME_CHARS:
        return keys  # no name is this long (`names`): one key per word would cost its length squared
    for i, word in enumerate(words):
        if len(word) >= MIN_WORD:
            left, right = " ".join(words[:i]), " ".join(words[i + 1:])
            keys.extend(f"{left}\t{word[0]}{d}\t{right}" for d in _deletions(word, _edit_limit(word)))
    return keys


def merge_variants(doc_counts: Mapping[str, int], registry: Registry) -> dict[str, str]:
    """Map each speaker name seen across documents to its canonical spelling.

    `doc_counts`: how many documents used each name. Case variants take the most
    used casing; a name that is a respelling of exactly one other name (or
    registry name) joins it when that one is stronger: the registry's, else used
    by more documents. Near-linear: names are compared only within blocks that
    every true pair shares.
    """
    counts: Counter = Counter()
    for name, n in doc_counts.items():
        if name:
            counts[name] += n
    mapping: dict[str, str] = {}
    # case variants: the registry's form, else the most used casing
    by_key: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        by_key[name_key(name)].append(name)
    forms: dict[str, tuple[str, float]] = {}
    for key, names in by_key.items():
        best = max(names, key=lambda n: (registry.entry(n) is not None, counts[n], sum(c.isupper() for c in n)))
        forms[key] = (best, sum(counts[n] for n in names))
        for n in names:
            mapping[n] = registry.canonical(best)
    # respellings: a form joins the one stronger name it is a respelling of; the registry's
    # names and aliases are there whether or not the run uses them, and outrank any count
    aliases = {name_key(a): (a, 0) for e in registry.entries for a in e.aliases}
    pool = {**forms, **aliases, **{name_key(e.name): (e.name, 0) for e in registry.entries}}
    known = {key for key, (form, _) in pool.items() if registry.entry(form) is not None}
    for key in known:
        pool[key] = (pool[key][0], float("inf"))
    spellings = {key: _spelling(form) for key, (form, _) in pool.items()}
    keys = {key: _block_keys(sp.words) for key, sp in spellings.items()}
    # most blocks hold one name: kept as a bare string, not a list the garbage collector would walk
    blocks: dict[str, str | list[str]] = {}
    for key, sp in spellings.items():
        if len(sp.words) > 1 or key in known:  # a single word is only ever matched to a registry name
            for block in keys[key]:
                held = blocks.get(block)
                if held is None:
                    blocks[block] = key
                elif isinstance(held, str):
                    blocks[block] = [held, key]
                else:
                    held.append(key)
    for key, (form, n) in forms.items():
        if key in known:
            continue
        candidates: set[str] = set()
        crowded = False
        for block in keys[key]:
            members = blocks.get(block)
            if isinstance(members, str):
                candidates.add(members)
            elif members:
                # A block this full holds a common short word's neighbours, not a respelling
                # one can single out; leaving the name as it is never merges two people.
                crowded = crowded or len(members) > MAX_BLOCK
                candidates.update(members)
        if crowded:
            continue
        candidates.discard(key)
        targets: dict[str, tuple[float, str]] = {}  # canonical name -> its strongest matching form
        for other in candidates:
            if _respelling(spellings[key], spellings[other], registry, other in known):
                o_form, m = pool[other]
                target = registry.canonical(o_form)
                targets[target] = max(targets.get(target, (m, o_form)), (m, o_form))
        if len(targets) != 1:
            continue  # none, or two people: leave it as it is
        (target, strength), = targets.items()
        if strength > (n, form):
            for name in by_key[key]:
                mapping[name] = target
    return mapping


class SpeakerMerger:
    """Collects the names each document uses, then gives respellings one canonical name.

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
