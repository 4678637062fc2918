"""The people and organisations one document names: built once per document, before any quote.

Each entity has its canonical name (the fullest form the document gives,
titles and middle initials aside), its kind, gender, the roles the text gives
it ("Indiana Gov. Mike Pence" is a governor, "David Axelrod, Obama's former
strategist" a strategist), its acronym, and where it is mentioned. Headlines,
bylines and datelines create no entity: a title-case line makes names of its
verbs ("Obama Says"); a name there only counts when the body names it too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from spacy.tokens import Doc, Span, Token

from .names import acronym, drop_middle_initials, is_initial, looks_like_acronym, name_tokens, span_text
from .registry import Registry, name_key
from .rules import Rules
from .windows import DocLayout

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
ORG_LABELS = {"ORG", "FAC", "GPE", "NORP"}
_ROLE_POS = {"NOUN", "ADJ", "PROPN"}
_BYLINE_START = re.compile(r"^\s*(?:By|BY)\s+[A-Z]")
# "Jo Park is a playwright in Dunmore.", "Jo Park, a lawyer, lives in Dunmore." at a text's end
_AUTHOR_NOTE = re.compile(r"^\s*(?:[A-Z][\w.'’-]+\s+){1,3}[A-Z][\w'’-]+(?:,\s+an?\s|\s+(?:is|was|teaches|writes|lives)\s)")


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
                self._complete_from_headline(m)
                entity = self._known_within(m)
                if entity is not None:
                    self._note(entity, m, position=False)
        self._surname_sweep()
        self._campaigns()
        for entity in self.entities.values():
            entity.positions.sort()
        self._roles()
        self._genders()
        self._groups()
        self.author = self._author()

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
                    self._title_role(entity, tok.lower_)
        entity.forms.add(name_key(m.name))
        if not position:
            return
        root = m.span.root
        entity.positions.append(root.i)
        if root.dep_ in ("nsubj", "nsubjpass"):
            entity.subject_positions.add(root.i)
        roles = [t for t in m.titles if self._role_word(t)]
        for title in roles:
            self._title_role(entity, title, set(m.titles) - {title, "the", "a", "an"} if title == roles[-1] else set())

    def _known_within(self, m: Mention) -> Entity | None:
        """A headline name counts when it is, or holds, a name the body gives ("Rip Donald Trump" holds Trump)."""
        words = m.words
        for n in range(len(words), 0, -1):
            for k in range(len(words) - n + 1):
                found = self.find(words[k:k + n])
                if found is not None and (n > 1 or found.kind == "person" or len(found.tokens) == 1):
                    return found
        return None

    def _complete_from_headline(self, m: Mention) -> None:
        """A headline may hold the only full name ("Hillary Clinton Goes After ..."; the body says "Clinton"):
        a known first name and the surname of a body entity complete it."""
        words = m.words
        for k in range(len(words) - 1):
            first, last = words[k], words[k + 1]
            entity = self.entities.get(name_key(last))
            if entity is None or first.lower() not in self.first_names or entity.registered or len(entity.tokens) != 1:
                continue
            if m.label != "PERSON" and entity.kind != "person":
                continue
            full = f"{first} {last}"
            if name_key(full) in self.entities:
                continue
            del self.entities[name_key(last)]
            entity.name, entity.kind = full, "person"
            entity.forms.add(name_key(full))
            self.entities[name_key(full)] = entity
            return

    def _surname_sweep(self) -> None:
        """Surnames the NER missed or read as nouns ("Ham went on to explain"): a capitalised word equal to the
        last name of one person the text named in full, as a subject or a proper noun."""
        surnames: dict[str, list[Entity]] = {}
        for e in self.entities.values():
            if e.kind == "person" and len(e.tokens) >= 2:
                surnames.setdefault(e.tokens[-1].lower(), []).append(e)
        for tok in self.doc:
            if tok.i in self.token_entity or not tok.text[:1].isupper() or tok.lower_ not in surnames:
                continue
            owners = surnames[tok.lower_]
            if len(owners) != 1 or self.layout.in_quote(tok.idx) or self.layout.is_furniture(tok.idx):
                continue
            if tok.pos_ != "PROPN" and tok.dep_ not in ("nsubj", "nsubjpass", "poss", "pobj"):
                continue
            if tok.i > 0 and self.doc[tok.i - 1].pos_ == "PROPN" and self.doc[tok.i - 1].text[:1].isupper():
                continue  # "Olive Meehan": the last word of another name
            entity = owners[0]
            self.token_entity[tok.i] = entity
            entity.positions.append(tok.i)
            if tok.dep_ in ("nsubj", "nsubjpass"):
                entity.subject_positions.add(tok.i)

    def _campaigns(self) -> None:
        """'Donald Trump's campaign', 'the Obama administration': an organisation named after a person,
        that speaks through aides (the rules' person_org_nouns)."""
        nouns = self.rules.words("person_org_nouns")
        for tok in self.doc:
            if tok.lemma_.lower() not in nouns or tok.pos_ != "NOUN" or self.layout.in_quote(tok.idx):
                continue
            owner = next((self.token_entity[c.i] for c in tok.children
                          if c.dep_ in ("poss", "compound") and c.i in self.token_entity), None)
            if owner is None or owner.kind != "person":
                continue
            entity = self.attach([owner.tokens[-1], tok.lemma_.lower()], "organisation", "ORG")
            self.token_entity[tok.i] = entity
            entity.positions.append(tok.i)
            if tok.dep_ in ("nsubj", "nsubjpass"):
                entity.subject_positions.add(tok.i)

    def _groups(self) -> None:
        """Named people or organisations coordinated ("Smith and Park sent a letter", "critics like Senators
        Smith and Park"): a group that "they" may refer back to."""
        for tok in self.doc:
            if tok.i not in self.token_entity or tok.dep_ == "conj" or self.layout.in_quote(tok.idx):
                continue
            members = [tok] + [c for c in tok.children if c.dep_ == "conj"]
            members += [g for c in members[1:] for g in c.children if g.dep_ == "conj"]
            found = []
            for m in members:
                e = self.token_entity.get(m.i)
                if e is not None and e not in found and e.kind in ("person", "organisation"):
                    found.append(e)
            if len(found) < 2 or not any(c.dep_ == "cc" for m in members for c in m.children):
                continue
            name = " and ".join(e.name for e in found)
            group = self.entities.setdefault(name_key(name), Entity(name, "group"))
            group.positions.append(tok.i)
            # the subject, or what a subject is said to be like ("critics like Smith and Park")
            head = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ in ("like", "including") else tok
            if head.dep_ in ("nsubj", "nsubjpass"):
                group.subject_positions.add(tok.i)

    def _author(self) -> Entity | None:
        """Who writes in the first person: the byline's name ("By Jo Park"), or the person an author's note at
        the end introduces ("Jo Park is a playwright in Dunmore.")."""
        paras = self.layout.paras
        candidates = [(ps, pe, False) for ps, pe in paras[:3] if _BYLINE_START.match(self.layout.text[ps:pe])]
        candidates += [(ps, pe, True) for ps, pe in paras[-3:] if _AUTHOR_NOTE.match(self.layout.text[ps:pe])]
        for ps, pe, note in candidates:
            span = self.layout.span(ps, pe)
            if span is None:
                continue
            people = [e for e in span.ents if e.label_ == "PERSON" and e.start_char - ps <= 3]
            if not people:
                continue
            toks, _ = name_tokens(people[0], self.titles, True)
            words = span_text(toks).split()
            if len(words) < 2:
                continue
            known = self.find(words)
            if note and known is not None and any(self.doc[p].idx < ps for p in known.positions):
                continue  # "Jo Park is expected to testify": a person of the story, not its writer
            entity = known or self.attach(words, "person", "PERSON")
            entity.kind = "person"
            return entity
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

    # -- roles -------------------------------------------------------------------

    def _role_word(self, word: str) -> str | None:
        return self.role_words.get(word.rstrip(".")) or self.role_words.get(word)

    def _title_role(self, entity: Entity, title: str, modifiers: set[str] | None = None) -> None:
        role = self._role_word(title)
        if role:
            entity.add_role(role, {m.rstrip(".") for m in modifiers or ()})

    def _roles(self) -> None:
        """Role nouns the text gives a named entity: before the name, in apposition, or as its head."""
        for i, entity in list(self.token_entity.items()):
            tok = self.doc[i]
            if self.layout.in_quote(tok.idx) or self.layout.is_furniture(tok.idx):
                continue
            if i + 1 < len(self.doc) and self.token_entity.get(i + 1) is entity:
                continue  # the last token of the name carries its relations
            self._left_role(entity, tok)
            for child in tok.children:
                if child.dep_ == "appos" and child.pos_ == "NOUN":
                    entity.add_role(*self.role_of(child))
            if tok.dep_ == "appos" and tok.head.pos_ == "NOUN":
                entity.add_role(*self.role_of(tok.head))
            if tok.dep_ == "compound" and tok.head.pos_ == "NOUN" and entity.kind == "person" \
                    and tok.head.lemma_.lower() in self.role_words.values():
                entity.add_role(*self.role_of(tok.head))

    def _left_role(self, entity: Entity, tok: Token) -> None:
        """'Republican presidential nominee Donald Trump', 'Indiana Gov. Mike Pence'."""
        k = tok.i - 1
        while k >= 0 and self.token_entity.get(k) is entity:
            k -= 1
        run: list[Token] = []
        while k >= 0:
            t = self.doc[k]
            if t.is_punct and t.text not in ("-",) or t.pos_ in ("DET", "VERB", "AUX", "ADP", "PRON", "CCONJ") \
                    or "\n" in t.whitespace_ or self.layout.in_quote(t.idx):
                break
            if k in self.token_entity and self.token_entity[k] is not entity and t.pos_ == "PROPN" \
                    and self.token_entity[k].kind == "person":
                break
            if t.pos_ not in _ROLE_POS and t.lower_ not in self.titles:
                break
            run.insert(0, t)
            k -= 1
        heads = [t for t in run if t.pos_ == "NOUN" or self.role_words.get(t.lower_.rstrip("."))]
        if not heads:
            return
        head = heads[-1]
        noun = self.role_words.get(head.lower_.rstrip(".")) or head.lemma_.lower()
        mods = {t.lower_.rstrip(".") for t in run if t.i != head.i and not t.is_punct}
        entity.add_role(noun, mods)

    def role_of(self, noun: Token) -> tuple[str, set[str]]:
        """A role noun and the words that qualify it ("the Indiana governor" -> governor, {indiana})."""
        mods = set()
        for t in noun.subtree:
            if t.i < noun.i and t.dep_ in ("amod", "compound", "nmod", "poss", "npadvmod") and not t.is_punct:
                mods.add(t.lower_.rstrip("."))
        lemma = noun.lemma_.lower()
        return self.role_words.get(lemma, lemma), mods

    # -- gender ------------------------------------------------------------------

    def _genders(self) -> None:
        """What the text says beats a guess: a title ("Mrs."), then a role ("widow", "congressman"),
        then the first name, then the pronouns near the name."""
        titles = self.rules.gender_titles
        role_gender = self.rules.role_genders
        for entity in self.entities.values():
            if entity.kind == "organisation" and not entity.registered and len(entity.tokens) >= 2 \
                    and any(self._person_role(r) for r in entity.roles):
                entity.kind = "person"  # "widow Terry Strada": the NER's organisation is a person
            if entity.kind != "person" or entity.gender:
                continue
            for pos in entity.positions:
                span_start = pos
                while span_start > 0 and self.token_entity.get(span_start - 1) is entity:
                    span_start -= 1
                for t in self.doc[max(0, span_start - 2):span_start + 1]:
                    entity.gender = entity.gender or titles.get(t.lower_)
            for role in entity.roles:
                entity.gender = entity.gender or role_gender(role)
            first = entity.tokens[0].lower()
            entity.gender = entity.gender or self.first_names.get(first) or self._pronoun_evidence(entity)

    def _person_role(self, role: str) -> bool:
        return role in self.rules.kinship or self.rules.role_genders(role) is not None \
            or role in self.rules.words("person_roles")

    def _pronoun_evidence(self, entity: Entity) -> str | None:
        """Gender from the subject pronouns of sentences where this person is the only one named, and of the
        sentence after one this person is the subject of."""
        votes = {"male": 0, "female": 0}
        for pos in entity.positions:
            sent = self.doc[pos].sent
            others = {e.name for j, e in self.token_entity.items()
                      if sent.start <= j < sent.end and e.kind == "person" and e is not entity}
            if others:
                continue
            pronouns = [t for t in sent if t.i > pos]
            if pos in entity.subject_positions and sent.end < len(self.doc):
                # "Melanie thought it outrageous. She wasn't ...": the next sentence's opening pronoun
                nxt = next((t for t in self.doc[sent.end:min(len(self.doc), sent.end + 4)]
                            if not t.is_punct and not t.is_space), None)
                if nxt is not None and nxt.dep_ in ("nsubj", "nsubjpass"):
                    pronouns.append(nxt)
            for t in pronouns:
                # only subjects: "his speech", "told him" are as often about someone else
                if not self.layout.in_quote(t.idx) and t.dep_ in ("nsubj", "nsubjpass"):
                    g = {"he": "male", "she": "female"}.get(t.lower_)
                    if g:
                        votes[g] += 1
        if votes["male"] != votes["female"]:
            return max(votes, key=votes.get)
        return None

    # -- queries -------------------------------------------------------------------

    def names(self) -> dict[str, str]:
        """Every person and organisation the document names: canonical name -> kind."""
        return {e.name: e.kind for e in self.entities.values() if e.positions and e.kind != "group"}

    def get(self, name: str) -> Entity | None:
        return self.entities.get(name_key(name))

    def with_role(self, noun: str, modifiers: set[str], kind: str | None = None) -> list[Entity]:
        """Entities the text gave this role, whose qualifiers do not contradict the description's."""
        out = []
        for e in self.entities.values():
            if noun not in e.roles or (kind and e.kind != kind) or not e.positions:
                continue
            known = e.roles[noun] | {w.lower() for w in e.tokens} | {m for r in e.roles.values() for m in r}
            if modifiers <= known:
                out.append(e)
        return out
