"""The people and organisations one document names: built once per document, before any quote.

Each entity has its canonical name (the fullest form the document gives,
titles and middle initials aside), its kind, gender, the roles the text gives
it ("Indiana Gov. Mike Pence" is a governor, "David Axelrod, Obama's former
strategist" a strategist), its acronym, and where it is mentioned. Headlines,
bylines and datelines create no entity: a title-case line makes names of its
verbs ("Obama Says"); a name there only counts when the body names it too.

This module finds and attaches names; `roles`, `genders` and `extra_entities`
add what the table learns about them once they are attached.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from spacy.tokens import Doc, Span

from . import extra_entities, genders, roles
from .names import acronym, drop_middle_initials, is_initial, looks_like_acronym, name_tokens, span_text
from .registry import Registry, name_key
from .rules import Rules
from .windows import DocLayout

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
ORG_LABELS = {"ORG", "FAC", "GPE", "NORP"}


def _fold(word: str) -> str:
    """How two spellings of one word compare: case and the curly apostrophe aside (O’Neill, O'Neill)."""
    return word.replace("’", "'").casefold()


@dataclass
class Entity:
    """A speaker candidate the document knows: a person or an organisation."""

    name: str
    kind: str = "person"
    gender: str | None = None
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
    """Every person and organisation of one document, and which tokens name them."""

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
        self._build()

    # -- building ------------------------------------------------------------

    def _build(self) -> None:
        mentions = self._mentions()
        body = [m for m in mentions if not m.furniture]
        # full names first, so that short forms attach to them
        body.sort(key=lambda m: (-len(m.words), m.span.start))
        for m in body:
            if len(m.words) == 1 and m.span.root.dep_ in ("compound", "amod") and m.span.root.head.pos_ == "NOUN" \
                    and self.find(m.words, near=m.span.start) is None and not self.registry.entry(m.name):
                continue  # "Beehive freeze-dried food": a word that qualifies a thing names nobody who speaks
            entity = self.attach(m.words, self._kind(m), m.label, m.span)
            self._note(entity, m)
        for m in mentions:
            if m.furniture:
                extra_entities.complete_from_headline(self, m)
                entity = self._known_within(m)
                if entity is not None:
                    self._note(entity, m, position=False)
        extra_entities.sweep_surnames(self)
        extra_entities.add_campaigns(self)
        for entity in self.entities.values():
            entity.positions.sort()
        roles.read_roles(self)
        genders.assign_genders(self)
        extra_entities.add_groups(self)
        self.author = extra_entities.find_author(self)

    def _mentions(self) -> list[Mention]:
        out = []
        taken: set[int] = set()
        for ent in self._joined_ents():
            if ent.label_ not in NAME_LABELS or self.layout.in_quote(ent.start_char):
                continue
            m = self._mention(ent, ent.label_)
            if m is not None:
                out.append(m)
                taken.update(range(ent.start, ent.end))
        out.extend(self._first_name_chains(taken))
        return out

    def _joined_ents(self) -> list[Span]:
        """The NER's names, with an organisation's name rejoined where the NER cut it at "for the":
        "U.S. Court of Appeals for the Sixth Circuit"."""
        ents = list(self.doc.ents)
        out: list[Span] = []
        k = 0
        while k < len(ents):
            ent = ents[k]
            if k + 1 < len(ents) and ent.label_ == "ORG" and ents[k + 1].label_ in ("ORG", "GPE", "FAC"):
                between = [t.lower_ for t in self.doc[ent.end:ents[k + 1].start]]
                if between in (["for", "the"], ["for"]):
                    out.append(Span(self.doc, ent.start, ents[k + 1].end, label="ORG"))
                    k += 2
                    continue
            out.append(ent)
            k += 1
        return out

    def _mention(self, span: Span, label: str) -> Mention | None:
        person = label == "PERSON"
        toks, stripped = name_tokens(span, self.titles | set(self.role_words) if person else frozenset({"the", "a", "an"}),
                                     person)
        if person and len(toks) >= 3 and stripped:
            # "Miss Universe Alicia Machado": after a title, a person's name starts at a known first name
            first = next((k for k, t in enumerate(toks[1:-1], 1) if t.lower_ in self.first_names
                          and toks[k - 1].lower_ not in self.first_names), None)
            if first is not None and toks[0].lower_ not in self.first_names:
                stripped.extend(t.lower_ for t in toks[:first])
                toks = toks[first:]
        if not toks:
            return None
        words = [t.text for t in toks]
        if any("/" in w or "@" in w[1:] for w in words) or not any(w[:1].isupper() for w in words):
            return None
        if all(w.isdigit() for w in words) or self._common(words):
            return None  # "Party", "Committee" alone: the NER's piece of a longer name
        name = span_text(toks)
        return Mention(self.doc[toks[0].i:toks[-1].i + 1], name.split(), name, label, tuple(stripped),
                       self.layout.is_furniture(toks[0].idx))

    def _first_name_chains(self, taken: set[int]) -> list[Mention]:
        """Names the NER missed: a run of proper nouns that starts with a known first name."""
        out = []
        doc = self.doc
        i = 0
        while i < len(doc):
            tok = doc[i]
            if tok.pos_ == "PROPN" and tok.lower_ in self.first_names and i not in taken and not self.layout.in_quote(tok.idx):
                j = i + 1
                while j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() and j not in taken:
                    j += 1
                # a first name alone is a person too ("Melanie said"), when nothing follows it
                if j - i >= 2 or (j < len(doc) and not doc[j].text[:1].isupper()):
                    m = self._mention(doc[i:j], "PERSON")
                    if m is not None:
                        out.append(m)
                i = j
            else:
                i += 1
        return out

    def _kind(self, m: Mention) -> str:
        if m.label == "PERSON":
            return "person"
        if m.label in ("GPE", "NORP") and len(m.words) == 1:
            return "organisation"
        return "organisation"

    def _note(self, entity: Entity, m: Mention, position: bool = True) -> None:
        for tok in m.span:
            self.token_entity[tok.i] = entity
        for tok in self.doc[max(0, m.span.start - len(m.titles) - 1):m.span.start]:
            if tok.lower_ in self.titles and not tok.is_punct:
                self.token_entity.setdefault(tok.i, entity)
                if position:
                    roles.title_role(self, entity, tok.lower_)
        entity.forms.add(name_key(m.name))
        if not position:
            return
        root = m.span.root
        entity.positions.append(root.i)
        if root.dep_ in ("nsubj", "nsubjpass"):
            entity.subject_positions.add(root.i)
        titles = [t for t in m.titles if roles.role_word(self, t)]
        for title in titles:
            roles.title_role(self, entity, title, set(m.titles) - {title, "the", "a", "an"} if title == titles[-1] else set())

    def _known_within(self, m: Mention) -> Entity | None:
        """A headline name counts when it is, or holds, a name the body gives ("Rip Donald Trump" holds Trump)."""
        words = m.words
        for n in range(len(words), 0, -1):
            for k in range(len(words) - n + 1):
                found = self.find(words[k:k + n])
                if found is not None and (n > 1 or found.kind == "person" or len(found.tokens) == 1):
                    return found
        return None

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
        for e in self.entities.values():
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
        for e in self.entities.values():
            toks = [_fold(w) for w in e.tokens if not is_initial(w)]
            if len(toks) <= n:
                continue
            if e.kind == "person" and (toks[-n:] == lw or toks[:n] == lw):
                hits.append(e)
            elif e.kind == "person" and n == 1 and len(lw[0]) >= 6 and Levenshtein.distance(toks[-1], lw[0]) == 1 \
                    and lw[0][:1] == toks[-1][:1]:
                hits.append(e)  # a surname misspelt once ("McLenney" for McClenney)
            elif e.kind == "organisation" and toks[-n:] == lw and words[0][:1].isupper() and not self._common(words):
                hits.append(e)
        return hits

    def _common(self, words: list[str]) -> bool:
        """A last word organisations share ("Party", "Committee"), not a short form of one of them."""
        return len(words) == 1 and words[0].lower() in self.rules.words("org_generic_words")

    def attach(self, words: list[str], kind: str, label: str, span: Span | None = None) -> Entity:
        """The entity these name words belong to, created when the document had none."""
        gender = self._title_gender(span) if span is not None else None
        found = self.find(words, gender, span.start if span is not None else None)
        if found is not None:
            if kind == "person" and found.kind == "organisation" and label == "PERSON" and not found.registered \
                    and len(found.tokens) == 1:
                found.kind = "person"  # a surname the NER first took for an organisation
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
        entity = Entity(name, kind, entry.gender if entry else gender, registered=entry is not None, label=label)
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
