"""The entity table's types: the people and organisations one document names, and how a name finds them.

Each entity has its canonical name (the fullest form the document gives,
titles and middle initials aside), its kind, gender, the roles the text gives
it, its acronym, and where it is mentioned. This module holds the table and its
queries (`find`, `attach`); `entities` builds it from a parsed document, and
`roles`, `genders` and `extra_entities` complete it: they import this module,
never the builder, so that the flow runs one way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

from rapidfuzz.distance import Levenshtein
from spacy.tokens import Doc, Span

from ..rules import Rules
from ..text.windows import DocLayout
from .names import acronym, drop_middle_initials, is_initial, looks_like_acronym
from .registry import Registry, name_key


# A name is looked up among the entities the document created last, at most this many. A news article
# names far fewer; a text that names thousands (a generated list, a name of 10,000 words cut into pieces
# by the parser) would otherwise make every lookup a pass over all of them: quadratic in its length.
MAX_LOOKUP_ENTITIES = 500


def _fold(word: str) -> str:
    """How two spellings of one word compare: case and the curly apostrophe aside (O’Neill, O'Neill)."""
    return word.replace("’", "'").casefold()


@dataclass
class Entity:
    """A speaker candidate the document knows: a person or an organisation."""

    name: str
    kind: str = "person"
    gender: str | None = None
    # what says the gender: "article" (a title, a gendered noun, pronouns), "registry", "name" (a first name)
    gender_evidence: str | None = None
    roles: dict[str, set[str]] = field(default_factory=dict)  # role noun -> words that qualify it
    positions: list[int] = field(default_factory=list)  # token indices of its mentions outside quotes
    subject_positions: set[int] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)  # the name keys it is written as
    registered: bool = False  # the registry knows it
    label: str = ""  # the NER label it was first named with (GPE: a place, which "they" never refers to)

    @property
    def tokens(self) -> list[str]:
        return self.name.split()

    @property
    def descriptions(self) -> set[str]:
        return set(self.roles)

    def know_gender(self, gender: str | None, evidence: str) -> None:
        """Take a gender and what says it, unless one is known already (the first evidence asked wins)."""
        if gender and not self.gender:
            self.gender, self.gender_evidence = gender, evidence

    def add_role(self, noun: str, modifiers: set[str]) -> None:
        self.roles.setdefault(noun, set()).update(modifiers)

    @property
    def acronym(self) -> str | None:
        return acronym(self.name) if self.kind == "organisation" else None


@dataclass(frozen=True)
class Mention:
    """A name in the text: its tokens, its cleaned words, the label the NER gave it."""

    span: Span
    words: list[str]
    name: str
    label: str
    titles: tuple[str, ...]
    furniture: bool


class EntityTable:
    """Every person and organisation of one document, and which tokens name them.

    Built by `entities.build_entity_table`; the passes that complete it (roles, genders, extra entities)
    read and extend it through this interface."""

    def __init__(self, doc: Doc, layout: DocLayout, rules: Rules, registry: Registry):
        self.doc = doc
        self.layout = layout
        self.rules = rules
        self.registry = registry
        self.titles = rules.words("name_titles")
        self.role_words = rules.role_titles
        self.first_names = rules.first_names
        self.entities: dict[str, Entity] = {}
        self.token_entity: dict[int, Entity] = {}
        self._by_acronym: dict[str, Entity] = {}
        self.author: Entity | None = None  # who writes in the first person (an op-ed's writer)

    # -- finding and attaching names --------------------------------------------

    def find(self, words: list[str], gender: str | None = None, near: int | None = None) -> Entity | None:
        """The entity a name refers to: the same name, a registry alias, a surname, a first name or an acronym.

        A surname two people share goes to the one named last before `near` (a token index), else to the
        one the text mentions most."""
        key = name_key(" ".join(words))
        if key in self.entities:
            return self.entities[key]
        short = name_key(drop_middle_initials(" ".join(words)))
        if short in self.entities:
            return self.entities[short]
        for e in self._lookup_pool():
            if key in e.forms:
                return e
        canonical = self.registry.lookup(" ".join(words))
        if canonical and name_key(canonical) in self.entities:
            return self.entities[name_key(canonical)]
        if len(words) == 1 and looks_like_acronym(words[0]):
            hit = self._by_acronym.get(words[0].replace(".", "").upper())
            if hit is not None:
                return hit
        hits = self._partial_matches(words)
        if gender:
            hits = [e for e in hits if self._likely_gender(e) in (None, gender)]
        if canonical and hits and not any(e.registered for e in hits):
            return None  # "Obama" is the registry's Barack Obama, not the Michelle Obama the text names
        if len(hits) == 1:
            return hits[0]
        if hits:
            # prefer surnames over first names, then the one named last, then the most mentioned
            lw = [_fold(w) for w in words]
            pool = [e for e in hits if [_fold(w) for w in e.tokens[-len(lw):]] == lw] or hits
            if near is not None and len(pool) > 1:
                return self._nearest_sharer(pool, near)
            return max(pool, key=lambda e: len(e.positions))
        return None

    def _lookup_pool(self) -> list[Entity]:
        """The entities a name may be matched against, in the order they were created (see MAX_LOOKUP_ENTITIES)."""
        if len(self.entities) <= MAX_LOOKUP_ENTITIES:
            return list(self.entities.values())
        return list(islice(reversed(self.entities.values()), MAX_LOOKUP_ENTITIES))[::-1]

    def _likely_gender(self, e: Entity) -> str | None:
        """The gender known so far: genders are settled after every name is attached, first names are known now."""
        return e.gender or (self.first_names.get(e.tokens[0].lower()) if e.kind == "person" and len(e.tokens) > 1 else None)

    def _nearest_sharer(self, pool: list[Entity], near: int) -> Entity:
        """Of two people with one surname: the one named in this or the previous paragraph, else the one
        the text has made its subject most often so far, else the most mentioned."""
        para = self.layout.paragraph_index(self.doc[near].idx)
        recent = [e for e in pool if any(p < near and para - self.layout.paragraph_index(self.doc[p].idx) <= 1
                                         for p in e.positions)]
        if len(recent) == 1:
            return recent[0]
        return max(recent or pool, key=lambda e: (sum(1 for p in e.subject_positions if p < near), len(e.positions)))

    def _partial_matches(self, words: list[str]) -> list[Entity]:
        """Persons whose full name ends (surname) or starts (first name) with these words, and organisations
        whose name ends with them ("the Times" for the New York Times)."""
        lw = [_fold(w) for w in words if not is_initial(w)] or [_fold(w) for w in words]
        n = len(lw)
        hits = []
        for e in self._lookup_pool():
            toks = [_fold(w) for w in e.tokens if not is_initial(w)]
            if len(toks) <= n:
                continue
            if e.kind == "person" and (toks[-n:] == lw or toks[:n] == lw):
                hits.append(e)
            elif e.kind == "person" and n == 1 and len(lw[0]) >= 6 and Levenshtein.distance(toks[-1], lw[0]) == 1 \
                    and lw[0][:1] == toks[-1][:1]:
                hits.append(e)  # a surname misspelt once ("McLenney" for McClenney)
            elif e.kind == "organisation" and toks[-n:] == lw and words[0][:1].isupper() and not self.common_word(words):
                hits.append(e)
        return hits

    def common_word(self, words: list[str]) -> bool:
        """A last word organisations share ("Party", "Committee"), not a short form of one of them."""
        return len(words) == 1 and words[0].lower() in self.rules.words("org_generic_words")

    def attach(self, words: list[str], kind: str, label: str, span: Span | None = None) -> Entity:
        """The entity these name words belong to, created when the document had none."""
        gender = self._title_gender(span) if span is not None else None
        found = self.find(words, gender, span.start if span is not None else None)
        if found is not None:
            if kind == "person" and found.kind == "organisation" and label == "PERSON" and not found.registered \
                    and len(found.tokens) <= 2 and len(words) == 1:
                found.kind = "person"  # a name, or its surname, the NER first took for an organisation
            return found
        name = drop_middle_initials(" ".join(words))
        entry = self.registry.entry(name) or self.registry.entry(" ".join(words))
        if entry is not None:
            name, kind = entry.name, entry.kind
        key = name_key(name)
        if key in self.entities:
            return self.entities[key]
        if entry is None and kind == "organisation" and label != "PERSON" and len(words) >= 2 \
                and words[0].lower() in self.first_names:
            kind = "person"  # the NER calls some names ORG: a known first name says otherwise
        entity = Entity(name, kind, registered=entry is not None, label=label)
        entity.know_gender(gender, "article")  # "Mrs. Park": the text's title first
        entity.know_gender(entry.gender if entry else None, "registry")
        entity.forms.add(name_key(" ".join(words)))
        self.entities[key] = entity
        if entity.acronym:
            self._by_acronym.setdefault(entity.acronym, entity)
        return entity

    def _title_gender(self, span: Span) -> str | None:
        """'Mr. Obama' is a man, 'Mrs. Obama' a woman."""
        titles = self.rules.gender_titles
        for tok in self.doc[max(0, span.start - 2):span.start + 1]:
            if tok.lower_ in titles:
                return titles[tok.lower_]
        return None

    # -- queries -------------------------------------------------------------------

    def names(self) -> dict[str, str]:
        """Every person and organisation the document names: canonical name -> kind."""
        return {e.name: e.kind for e in self.entities.values() if e.positions and e.kind != "group"}

    def get(self, name: str) -> Entity | None:
        return self.entities.get(name_key(name))

    def new_entity(self, name: str, kind: str) -> Entity:
        """An entity the NER could not give (a group of named speakers), added to the table."""
        entity = Entity(name, kind)
        self.entities[name_key(name)] = entity
        return entity
