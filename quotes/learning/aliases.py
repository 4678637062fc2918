"""Speaker aliases from corrections: the name the machine gave (or the words it read) -> the name a person gave.

Only two things become an alias, each in `thresholds.min_alias_documents`
distinct documents:

- a spelling: the same name misspelt ("Jo Parke" -> "Jo Park": as many words,
  all equal but one, and that one a letter or two off with the same initial).
  Sharing a word is not a spelling: "Eric Trump" is not "Donald Trump", nor is
  "Trump" or "Mr. Trump" (the document's own names resolve partial names);
- a description of two or more words, one of them specific ("Russian news
  agency" -> "RIA Novosti", not "the newspaper", "his spokesman", "one"): the
  registry is consulted for a description only when nothing in its document
  resolves it, so a name in the text always wins.

Never a single generic word (a common noun, a pronoun, a determiner, a title).
A different person (a name that is no spelling of the person's) is an
attribution error, not an alias; a pronoun that went to the wrong person is the
ranking's business. What makes an alias unsafe is that it names different
speakers in different documents: one the corrections give two names (or that
a correction keeps as the speaker's own name elsewhere) is not learned, and a
learned one a correction contradicts is dropped.

A speaker given as the words of the text (`speaker_is_mention`, converted
attribution corpora: "Trump", "he", "the senator") is no canonical name and
teaches no alias.

Evidence is gathered one document at a time (`AliasEvidence.add`) and turned
into rules once (`learn_aliases`), so that no document's parse is kept.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from rapidfuzz.distance import Levenshtein
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from ..rules import Rules
from ..speakers.canonical import PRONOUN_KIND
from ..speakers.registry import Registry, name_words
from ..speakers.registry import name_key as _key
from .workbench import Aligned

PRONOUNS = set(PRONOUN_KIND) | {"his", "their", "its", "i", "we", "you"}
SPELLING, DESCRIPTION = "spelling", "description"
# rules word lists whose words name no one in particular: roles, titles, generic nouns of speakers
GENERIC_LISTS = ("name_titles", "org_roles", "person_roles", "document_nouns", "speech_nouns", "person_org_nouns",
                 "quantity_nouns", "org_generic_words", "group_nouns", "role_qualifiers_ignored")


def _is_pronoun(words: str) -> bool:
    return _key(words) in PRONOUNS


def _is_name(words: str) -> bool:
    return any(w[:1].isupper() for w in words.split()[1:] or words.split()) and words[:1].isupper()


def _plain_words(words: str) -> list[str]:
    return [w.strip(".,;:!?\"“”‘’()[]").removesuffix("'s").removesuffix("’s") for w in _key(words).split()]


def generic_words(rules: Rules) -> frozenset[str]:
    """Words that name no one in particular: function words, pronouns, titles, roles, generic speaker nouns."""
    cache = rules.__dict__.setdefault("_words", {})
    if "<generic>" not in cache:
        words = set(STOP_WORDS) | PRONOUNS | set(rules.kinship) | set(rules.role_titles)
        for key in GENERIC_LISTS:
            words |= rules.words(key)
        cache["<generic>"] = frozenset(w.rstrip(".") for w in words) | frozenset(words)
    return cache["<generic>"]


def is_misspelling(words: str, name: str, rules: Rules) -> bool:
    """The same name misspelt: as many words, all equal but one, that one a letter off (two in long words),
    with the same initial; not an acronym, a plural or another first name (as `merge` tells people apart,
    except that a person may say that "Parke" is "Park")."""
    a, b = _plain_words(words), _plain_words(name)
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) != 1:
        return False
    x, y = a[diff[0]], b[diff[0]]
    if min(len(x), len(y)) < 3 or x[0] != y[0] or not (x.isalpha() and y.isalpha()):
        return False
    written = [w for n in (words, name) for w in name_words(n)[diff[0]:diff[0] + 1]]
    if any(w.isupper() for w in written):
        return False  # an acronym a letter off is another organisation: NSA / NASA
    if x + "s" in (y, y + "e") or y + "s" in (x, x + "e"):
        return False  # a plural is a family or a people: the Clintons, Koreans
    if len(a) > 1 and diff[0] == 0 and (x in rules.first_names or y in rules.first_names) and (
            min(len(x), len(y)) < 5 or (x in rules.first_names and y in rules.first_names)):
        return False  # Mary Smith and Mark Smith are two people, and so are Dan and Don Smith
    if x in generic_words(rules) or y in generic_words(rules):
        return False
    return Levenshtein.distance(x, y) <= (2 if min(len(x), len(y)) >= 8 else 1)


def is_description(words: str, rules: Rules) -> bool:
    """Two or more words that describe someone, one of them specific: "Russian news agency", "food charity"."""
    generic = generic_words(rules)
    content = [w for w in _plain_words(words) if w and w not in STOP_WORDS and w not in PRONOUNS]
    return len(content) >= 2 and any(w not in generic and any(c.isalpha() for c in w) for w in content)


SHOWN = "shown by a correction"
FIRST_NAME = "from the first name"
IN_TEXT = "named so in the corrected text"
BY_MODEL = "the model's reading of the name"
ENTITY_KIND = {"PERSON": "person", "ORG": "organisation", "NORP": "organisation", "GPE": "organisation"}


def _kind_and_gender(mention: str, name: str, rules: Rules) -> tuple[str | None, str | None, str]:
    """Kind and gender, and what says so: the mention a person linked (a pronoun, a kinship word), else
    the canonical name's first name."""
    low = _key(mention)
    if low in PRONOUN_KIND:
        kind, gender = PRONOUN_KIND[low]
        return ("organisation" if kind == "organisation" else "person" if kind == "person" else None), gender, SHOWN
    for word in low.split():
        if word in rules.kinship:
            return "person", rules.kinship[word], SHOWN
    first = _key(name).split()[0] if name.split() else ""
    if first in rules.first_names:
        return "person", rules.first_names[first], FIRST_NAME
    return None, None, ""


def _surface(words: str) -> str:
    """The alias as written in the rules: the words without a leading article."""
    words = " ".join(words.split())
    return words[4:] if words[:4].casefold() == "the " else words


def _kind_in_text(name: str, doc: Doc) -> str | None:
    """Person or organisation, as the entity the model makes of the name in a corrected text."""
    labels = {e.label_ for e in doc.ents if _key(e.text) == _key(name)} & set(ENTITY_KIND)
    return ENTITY_KIND[labels.pop()] if len(labels) == 1 else None


def _kind_by_model(name: str, nlp: Callable[[str], Doc] | None) -> str | None:
    """The model's entity for the bare name (a description's name never occurs in its text)."""
    if nlp is None:
        return None
    ents = nlp(name).ents
    if len(ents) == 1 and ents[0].text == name.strip() and ents[0].label_ in ENTITY_KIND:
        return ENTITY_KIND[ents[0].label_]
    return None


@dataclass
class AliasEvidence:
    """What the corrected documents say about names, gathered one document at a time."""

    rules: Rules
    registry: Registry
    found: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    surface: dict[str, str] = field(default_factory=dict)  # alias key -> the words as first seen
    sort: dict[str, str] = field(default_factory=dict)  # alias key -> spelling | description
    kept: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # words a person kept as a name
    shown: dict[str, tuple[str | None, str | None, str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # target -> kind, from the first text that tells

    @classmethod
    def of(cls, rules: Rules) -> "AliasEvidence":
        return cls(rules, Registry.from_rules(rules))

    def add(self, a: Aligned) -> None:
        registry, rules = self.registry, self.rules
        targets = set()
        for human, machine in a.pairs:
            if not human.speaker or human.speaker_is_mention:
                continue  # no canonical name to learn toward
            target = registry.canonical(human.speaker)
            if human.mention:
                found = _kind_and_gender(human.mention, target, rules)
                shown = self.shown.get(target)
                if (found[0] or found[1]) and (shown is None or (found[2] == SHOWN != shown[2])):
                    self.shown[target] = found  # what a person's mention shows beats a guess from the first name
            if _key(target) == _key(machine.speaker):
                self.kept[_key(machine.speaker)].add(a.doc.doc_id)
                continue
            for words in (machine.speaker, machine.speaker_mention, human.mention):
                if not words or _is_pronoun(words) or _key(words) == _key(target) or registry.lookup(words) == target:
                    continue
                if _is_name(words):
                    if not is_misspelling(words, target, rules):
                        continue  # another person, or part of a name: an attribution error, not a spelling
                    sort = SPELLING
                elif is_description(words, rules):
                    sort = DESCRIPTION
                else:
                    continue  # a generic word ("the newspaper", "one"), never an alias
                key = _key(words)
                self.surface.setdefault(key, _surface(words))
                self.sort.setdefault(key, sort)
                self.found[key][target].add(a.doc.doc_id)
                targets.add(target)
        if a.parsed is not None:
            for target in sorted(targets - set(self.kinds)):
                kind = _kind_in_text(target, a.parsed)
                if kind:
                    self.kinds[target] = kind


def learn_aliases(evidence: AliasEvidence, data: dict, nlp: Callable[[str], Doc] | None = None) -> list[str]:
    """Add learned aliases (and kind/gender the corrections show) to `data['speakers']`; return the changes.

    `nlp` tells a new speaker's kind when no correction and no corrected text shows it."""
    rules = evidence.rules
    need = int(rules.threshold("min_alias_documents", 1))
    speakers = data.setdefault("speakers", {}) or {}
    data["speakers"] = speakers
    changes = []
    for key in sorted(evidence.found):
        alias, targets = evidence.surface[key], {t: set(d) for t, d in evidence.found[key].items()}
        if key in evidence.kept:
            targets[alias] = evidence.kept[key]  # a person kept these words as the speaker's name elsewhere
        # a learned alias of another speaker that a correction contradicts is dropped, not moved
        # (a learned alias is one with an evidence count, whatever the speaker's own source)
        holders = [name for name, entry in speakers.items() if name not in targets and entry
                   and any(_key(x) == key for x in entry.get("evidence") or {})]
        for name in holders:
            entry = speakers[name]
            entry["aliases"] = [x for x in entry["aliases"] if _key(x) != key]
            for x in list(entry.get("evidence") or {}):
                if _key(x) == key:
                    del entry["evidence"][x]
            changes.append(f"alias '{alias}' -> '{name}' dropped: a correction names '{sorted(targets)[0]}'")
        if len(targets) > 1 or holders:
            changes.append(f"alias '{alias}' not learned: the corrections give it "
                           + " and ".join(f"'{t}' ({len(d)} document(s))" for t, d in sorted(targets.items()))
                           + (f" and the rules '{holders[0]}'" if holders else ""))
            continue
        (target, docs), = targets.items()
        if len(docs) < need:
            continue  # too little evidence: said nowhere, so that a thousand corrections do not print a thousand lines
        entry = speakers.get(target)
        if entry is None:
            kind, gender, why = evidence.shown.get(target) or _kind_and_gender("", target, rules)
            if kind is None:
                kind, why = evidence.kinds.get(target), IN_TEXT
                if kind is None:
                    kind, why = _kind_by_model(target, nlp), BY_MODEL
            entry = {"aliases": [], "kind": kind or "person", "source": "learned"}
            if gender and (kind or "person") == "person":
                entry["gender"] = gender
            speakers[target] = entry
            changes.append(f"new speaker '{target}': {entry['kind']}"
                           + (f", {entry['gender']}" if entry.get("gender") else "")
                           + f" ({why if kind else 'assumed'})")
        aliases = entry.setdefault("aliases", [])
        if all(_key(x) != key for x in aliases):
            aliases.append(alias)
            entry.setdefault("evidence", {})[alias] = len(docs)
            changes.append(f"alias '{alias}' -> '{target}' (evidence {len(docs)} document(s))")
    for target, (kind, gender, why) in sorted(evidence.shown.items()):
        entry = speakers.get(target)
        if entry is not None and entry.get("source") == "learned":
            if kind and entry.get("kind") != kind:
                changes.append(f"speaker '{target}' kind {entry.get('kind')} -> {kind} ({why})")
                entry["kind"] = kind
            if gender and kind != "organisation" and entry.get("gender") != gender:
                changes.append(f"speaker '{target}' gender {entry.get('gender')} -> {gender} ({why})")
                entry["gender"] = gender
    return changes
