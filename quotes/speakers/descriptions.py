"""Descriptions resolved to the entity the document names, or kept as an unnamed source.

"the Indiana governor" is the person the text called a governor of Indiana;
"the commission" the one organisation named a commission; "the IMF report"
the IMF; "NASA officials" NASA; "his mother" the relative the text named;
"63 percent of voters" the voters. A definite role the text never gave anyone
("the New York businessman") goes to the most salient person it fits, with a
low certainty. What nothing resolves is an unnamed source: its description.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Token

from ..rules import Rules
from . import roles
from .antecedents import PRONOUN_KIND, AntecedentRanker
from .entity_table import Entity, EntityTable
from .kinship import Relatives
from .registry import Registry

_OWNER_PREPS = ("of", "from", "by", "for", "at", "with", "in")


@dataclass(frozen=True)
class Described:
    """What a description refers to: an entity with a certainty, or an unnamed source's words."""

    entity: Entity | None
    certainty: float  # how sure, within its kind of description (the rules' confidence table weighs the kind)
    unnamed: str = ""
    head: Token | None = None  # the token whose noun phrase is the description
    how: str = "unnamed"  # which kind of description resolved it: role, document, salient, ...


class Describer:
    def __init__(self, table: EntityTable, ranker: AntecedentRanker, relatives: Relatives, rules: Rules,
                 registry: Registry, entity_of: Callable[[Token], Entity | None]):
        self.table = table
        self.doc = table.doc
        self.ranker = ranker
        self.relatives = relatives
        self.rules = rules
        self.registry = registry
        self.entity_of = entity_of
        self.org_roles = rules.words("org_roles")
        self.documents = rules.words("document_nouns")
        self.speech = rules.words("speech_nouns") | rules.words("intro_nouns")
        self.quantities = rules.words("quantity_nouns")
        self.person_roles = rules.words("person_roles")
        self.ignored = rules.words("role_qualifiers_ignored")

    def describe(self, tok: Token) -> Described:
        tok = self._past_quantity(tok)
        lemma = tok.lemma_.lower()
        owner = self._owner(tok)
        if lemma in self.org_roles or tok.lower_ in self.org_roles:
            found = self._org_role(tok, lemma, owner)
            if found is not None:
                return found
        if lemma in self.rules.kinship and owner is not None:
            rel = self.relatives.relative(lemma, owner)
            if rel is not None:
                return Described(rel, 1.0, head=tok, how="relative")
        if lemma in self.documents:
            found = self._document(tok, lemma, owner)
            if found is not None:
                return found
        if owner is not None and lemma in self.speech:
            return Described(owner, 1.0, head=tok, how="document")  # "his final assessment: '...'"
        if tok.pos_ in ("NOUN", "PROPN"):
            found = self._role(tok)
            if found is not None:
                return found
            found = self._organisation_noun(tok, lemma)
            if found is not None:
                return found
            alias = self.registry.lookup(self.noun_phrase_text(tok))
            if alias:
                entity = self.table.get(alias) or self.table.attach(alias.split(), "organisation", "ORG")
                return Described(entity, 1.0, head=tok, how="registry")
            found = self._salient_person(tok, lemma)
            if found is not None:
                return found
        return Described(None, 1.0, self.unnamed_words(tok), tok)

    # -- the kinds of description ---------------------------------------------------

    def _past_quantity(self, tok: Token) -> Token:
        """'63 percent of voters', 'a majority of Americans': the source is the people counted."""
        for _ in range(3):
            if tok.lemma_.lower() not in self.quantities and tok.pos_ != "NUM":
                return tok
            nxt = self._counted(tok)
            if nxt is None:
                # "52 percent of registered voters agreed ..., while 63 percent said": the same people
                para = self.table.layout.paragraph_index(tok.idx)
                for prev in reversed(self.doc[max(0, tok.i - 80):tok.i]):
                    if self.table.layout.paragraph_index(prev.idx) != para:
                        break
                    if prev.lemma_ == tok.lemma_ and self._counted(prev) is not None:
                        nxt = self._counted(prev)
                        break
            if nxt is None:
                return tok
            tok = nxt
        return tok

    @staticmethod
    def _counted(tok: Token) -> Token | None:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                return next((p for p in prep.children if p.dep_ == "pobj"), None)
        return None

    def _owner(self, tok: Token) -> Entity | None:
        """Whose the description is: 'Smith's', 'his', 'the Clinton (campaign)', 'of the IMF'."""
        for child in tok.children:
            if child.dep_ == "poss":
                return self.entity_of(child)
        for child in tok.lefts:
            if child.dep_ in ("compound", "nmod") and child.pos_ == "PROPN":
                e = self.entity_of(child)
                if e is not None:
                    return e
        for child in tok.rights:
            if child.dep_ == "prep" and child.lower_ in _OWNER_PREPS:
                for p in child.children:
                    if p.dep_ == "pobj":
                        e = self.entity_of(p) if p.pos_ in ("PROPN", "PRON") else self._org_noun_entity(p)
                        if e is not None:
                            return e
        return None

    def _org_role(self, tok: Token, lemma: str, owner: Entity | None) -> Described | None:
        """'NASA officials', 'a spokesman for NASA', 'the Clinton campaign', 'his campaign'."""
        if owner is None:
            return None
        if owner.kind == "organisation":
            return Described(owner, 1.0, head=tok, how="org_role")
        if owner.kind == "person" and lemma in self.rules.words("person_org_nouns"):
            entity = self.table.attach([owner.tokens[-1], lemma], "organisation", "ORG")
            return Described(entity, 0.95, head=tok, how="org_role")
        return None

    def _document(self, tok: Token, lemma: str, owner: Entity | None) -> Described | None:
        """A report, ruling or letter speaks for whoever issued it: 'the IMF report', 'Smith's letter',
        'the council issued a statement calling ...'; 'the ruling' after 'the court ruled'; 'the clip'
        after 'a video by the committee'."""
        issuer = owner or self._issuer(tok)
        if issuer is not None:
            return Described(issuer, 1.0 if owner is not None else 0.95, head=tok, how="document")
        para = self.table.layout.paragraph_index(tok.idx)
        stem = next((lemma[:-len(x)] for x in ("ation", "ment", "ing", "ion") if lemma.endswith(x)), lemma)
        for prev in reversed(self.doc[max(0, tok.i - 600):tok.i]):
            if self.table.layout.in_quote(prev.idx):
                continue
            if para - self.table.layout.paragraph_index(prev.idx) > 3:
                break
            if prev.pos_ == "NOUN" and prev.lemma_.lower() in self.documents:
                found = self._owner(prev) or self._issuer(prev)
            elif prev.pos_ == "VERB" and len(stem) >= 3 and prev.lemma_.lower().startswith(stem):
                found = self._subject_entity(prev)  # "the court ruled" ... "the ruling"
            else:
                continue
            if found is not None:
                return Described(found, 0.75, head=tok, how="document")
        return None

    def _issuer(self, tok: Token) -> Entity | None:
        """Who issued a document noun: the subject of the verb it is the object of, or the owner of the site
        it is on ('a document on the campaign's website')."""
        if tok.dep_ in ("dobj", "nsubjpass") and tok.head.pos_ == "VERB":
            found = self._subject_entity(tok.head)
            if found is not None:
                return found
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("on", "in"):
                for p in prep.children:
                    if p.dep_ == "pobj" and p.lemma_.lower() in self.documents:
                        return self._owner(p)
        return None

    def _subject_entity(self, verb: Token) -> Entity | None:
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "agent")), None)
        if subj is not None and subj.dep_ == "agent":
            subj = next((p for p in subj.children if p.dep_ == "pobj"), None)
        if subj is None:
            return None
        if subj.pos_ in ("PROPN", "PRON"):
            return self.entity_of(subj)
        return self._org_noun_entity(subj) if subj.pos_ == "NOUN" else None

    def _role(self, tok: Token) -> Described | None:
        """A role the text gave a named entity: 'the Indiana governor' after 'Indiana Gov. Mike Pence'."""
        noun, mods = roles.role_of(self.table, tok)
        mods = {m for m in mods if m not in self.ignored}
        owner_words: set[str] = set()
        for child in tok.children:
            if child.dep_ == "poss":
                owner = self.entity_of(child)
                if owner is not None:
                    owner_words = {w.lower() for w in owner.tokens}
                    mods = {m for m in mods if m != child.lower_} | {owner.tokens[-1].lower()}
        hits = roles.holders(self.table, noun, mods)
        if not hits and owner_words:
            hits = roles.holders(self.table, noun, set())
            hits = [e for e in hits if any(owner_words & r for r in e.roles.values())]
        if len(hits) == 1:
            return Described(hits[0], 1.0, head=tok, how="role")
        if hits:
            # two senators: rank them as antecedents, as for a pronoun
            kind = "person" if all(e.kind == "person" for e in hits) else "organisation"
            best, lead = self.ranker.best(tok, kind=kind, gender=None, exclude=lambda e: e not in hits)
            return Described(best or self._nearest(hits, tok.i), 0.7 + 0.3 * lead, head=tok, how="role")
        return None

    def _org_noun_entity(self, tok: Token) -> Entity | None:
        found = self._organisation_noun(tok, tok.lemma_.lower())
        return found.entity if found else None

    def _organisation_noun(self, tok: Token, lemma: str) -> Described | None:
        """'the commission' for the one organisation whose name holds the word, or that the text called so."""
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) and tok.pos_ != "PROPN":
            return None
        words = {tok.lower_, lemma}
        _, mods = roles.role_of(self.table, tok)
        mods -= self.ignored

        def fits(e: Entity) -> bool:
            known = {w.lower() for w in e.tokens} | {m for r in e.roles.values() for m in r}
            return bool(words & {w.lower() for w in e.tokens} or words & set(e.roles)) and mods <= known

        hits = [e for e in self.table.entities.values() if e.kind == "organisation" and e.positions
                and len(e.tokens) > 1 and fits(e)]
        if not hits:
            return None
        if len(hits) == 1:
            return Described(hits[0], 1.0, head=tok, how="organisation_noun")
        named_by_role = [e for e in hits if words & set(e.roles)]
        if len(named_by_role) == 1:
            return Described(named_by_role[0], 0.9, head=tok, how="organisation_noun")
        return Described(self._nearest(hits, tok.i), 0.75, head=tok, how="organisation_noun")

    def _salient_person(self, tok: Token, lemma: str) -> Described | None:
        """'the New York businessman' in a text that never called anyone so: read like a pronoun ("he"),
        the best-ranked person before it whose gender fits the role, with a low certainty."""
        # only "the": "Smith's doctor" is someone else, whom the text need not name
        definite = any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
        if not definite or not (lemma in self.person_roles or lemma.endswith(("man", "woman"))):
            return None
        if any(c.dep_ == "compound" and c.pos_ == "NOUN" for c in tok.children):
            return None  # "the band leader": a kind of role the text may give nobody it names
        gender = self.rules.role_genders(lemma) or self.rules.role_genders(tok.lower_)
        noun = self.table.role_words.get(lemma, lemma)
        owner = next((self.entity_of(c) for c in tok.children if c.dep_ == "poss"), None)
        best, lead = self.ranker.best(tok, kind="person", gender=gender,
                                      exclude=lambda e: e is owner or (bool(e.roles) and noun not in e.roles
                                                                       and any(r in self.person_roles for r in e.roles)
                                                                       and len(e.positions) < 3))
        if best is None:
            return None
        return Described(best, 0.6 + 0.4 * lead, head=tok, how="salient_person")

    def _nearest(self, entities: list[Entity], i: int) -> Entity:
        def distance(e: Entity) -> tuple[int, int]:
            before = [p for p in e.positions if p < i]
            return (0, i - before[-1]) if before else (1, min(abs(p - i) for p in e.positions))
        return min(entities, key=distance)

    # -- the words of an unnamed source ------------------------------------------------

    def noun_phrase(self, tok: Token) -> tuple[int, int]:
        """Token range of the noun phrase headed by `tok`, without clauses or appositions."""
        start = tok.i
        for left in tok.lefts:
            if left.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod", "case", "quantmod", "advmod") \
                    and not left.is_punct:
                start = min(start, left.left_edge.i)
        end = tok.i + 1
        for right in tok.rights:
            if right.dep_ in ("flat", "compound") or right.dep_ == "case":
                end = max(end, right.right_edge.i + 1)
            else:
                break
        while start < tok.i and self.doc[start].is_punct:
            start += 1
        return start, end

    def noun_phrase_text(self, tok: Token) -> str:
        s, e = self.noun_phrase(tok)
        return self.doc[s:e].text

    def unnamed_words(self, tok: Token) -> str:
        """The description without its article or numbers, a pronoun owner named: "Smith's former aide"."""
        s, e = self.noun_phrase(tok)
        words = []
        for t in self.doc[s:e]:
            if t.dep_ in ("det", "nummod", "quantmod") or t.is_punct or t.pos_ == "NUM":
                continue
            if t.dep_ == "poss" and t.lower_ in PRONOUN_KIND:
                owner, _ = self.ranker.best(t)
                if owner is not None:
                    words.append(f"{owner.name}'s ")
                    continue
            words.append(t.text_with_ws)
        text = " ".join("".join(words).split()) or self.doc[s:e].text
        return self.registry.lookup(text) or text
