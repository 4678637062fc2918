"""Speaker aliases from corrections: the name the machine gave (or the words it read) -> the name a person gave.

Only a spelling or a description becomes an alias. When the machine named a
different person (no word in common), that is an attribution error, not an
alias; a pronoun that went to the wrong person is the ranking's business.
A description ("the state news agency") becomes an alias too: the registry is
consulted for a description only when nothing in its document resolves it, so
a name in the text always beats it. What makes a description unsafe is that it
names different speakers in different documents; one the corrections give two
names is not learned, and a learned one a correction contradicts is dropped.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable, Mapping

from rapidfuzz.fuzz import ratio
from spacy.tokens import Doc

from ..registry import Registry, name_key as _key
from ..rules import Rules
from ..speakers import PRONOUN_KIND
from .workbench import Aligned

PRONOUNS = set(PRONOUN_KIND) | {"his", "their", "its", "i", "we", "you"}


def _is_pronoun(words: str) -> bool:
    return _key(words) in PRONOUNS


def _is_name(words: str) -> bool:
    return any(w[:1].isupper() for w in words.split()[1:] or words.split()) and words[:1].isupper()


def _same_name(a: str, b: str) -> bool:
    """Two spellings of one name: a word in common, or nearly the same letters."""
    wa, wb = set(_key(a).split()), set(_key(b).split())
    return bool(wa & wb) or ratio(_key(a), _key(b)) >= 80


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


def _kind_of_name(name: str, docs: Iterable[Doc], nlp: Callable[[str], Doc] | None) -> tuple[str | None, str]:
    """Person or organisation for a new speaker no correction shows: the entity the corrected texts make
    of the name, else the model's entity for the bare name (a description's name never occurs in its text)."""
    for doc in docs:
        labels = {e.label_ for e in doc.ents if _key(e.text) == _key(name)} & set(ENTITY_KIND)
        if len(labels) == 1:
            return ENTITY_KIND[labels.pop()], IN_TEXT
    if nlp is not None:
        ents = nlp(name).ents
        if len(ents) == 1 and ents[0].text == name.strip() and ents[0].label_ in ENTITY_KIND:
            return ENTITY_KIND[ents[0].label_], BY_MODEL
    return None, ""


def learn_aliases(aligned: list[Aligned], data: dict, rules: Rules, parsed: Mapping[str, Doc] | None = None,
                  nlp: Callable[[str], Doc] | None = None) -> list[str]:
    """Add learned aliases (and kind/gender the corrections show) to `data['speakers']`; return the changes.

    `parsed` (doc_id -> Doc) and `nlp` tell a new speaker's kind when no correction shows it."""
    registry = Registry.from_rules(rules)
    # alias key -> target -> documents; and the surface form first seen for each key
    evidence: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    surface: dict[str, str] = {}
    shown: dict[str, tuple[str | None, str | None, str]] = {}
    for a in aligned:
        for human, machine in a.pairs:
            target = registry.canonical(human.speaker)
            if human.mention:
                found = _kind_and_gender(human.mention, target, rules)
                if (found[0] or found[1]) and (target not in shown or (found[2] == SHOWN != shown[target][2])):
                    shown[target] = found  # what a person's mention shows beats a guess from the first name
            if not human.speaker or _key(target) == _key(machine.speaker):
                continue
            for words in (machine.speaker, machine.speaker_mention, human.mention):
                if not words or _is_pronoun(words) or _key(words) == _key(target) or registry.lookup(words) == target:
                    continue
                if _is_name(words) and not _same_name(words, target):
                    continue  # another person: an attribution error, not a spelling
                key = _key(words)
                surface.setdefault(key, _surface(words))
                evidence[key][target].add(a.doc.doc_id)
    speakers = data.setdefault("speakers", {}) or {}
    data["speakers"] = speakers
    changes = []
    for key in sorted(evidence):
        alias, targets = surface[key], evidence[key]
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
        entry = speakers.get(target)
        if entry is None:
            kind, gender, why = shown.get(target) or _kind_and_gender("", target, rules)
            if kind is None:
                kind, why = _kind_of_name(target, (parsed or {}).values(), nlp)
            entry = {"aliases": [], "kind": kind or "person", "source": "learned"}
            if gender and (kind or "person") == "person":
                entry["gender"] = gender
            speakers[target] = entry
            changes.append(f"new speaker '{target}': {entry['kind']}"
                           + (f", {entry['gender']}" if entry.get("gender") else "") + f" ({why or 'assumed'})")
        aliases = entry.setdefault("aliases", [])
        if all(_key(x) != key for x in aliases):
            aliases.append(alias)
            entry.setdefault("evidence", {})[alias] = len(docs)
            changes.append(f"alias '{alias}' -> '{target}' (evidence {len(docs)} document(s))")
    for target, (kind, gender, why) in sorted(shown.items()):
        entry = speakers.get(target)
        if entry is not None and entry.get("source") == "learned":
            if kind and entry.get("kind") != kind:
                changes.append(f"speaker '{target}' kind {entry.get('kind')} -> {kind} ({why})")
                entry["kind"] = kind
            if gender and kind != "organisation" and entry.get("gender") != gender:
                changes.append(f"speaker '{target}' gender {entry.get('gender')} -> {gender} ({why})")
                entry["gender"] = gender
    return changes
