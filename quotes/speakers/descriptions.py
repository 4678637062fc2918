"""Descriptions resolved to the entity the document names, or kept as an unnamed source.

"the Indiana governor" is the person the text called a governor of Indiana;
"the commission" the one organisation named a commission; "the IMF report"
the IMF; "NASA officials" NASA; "his mother" the relative the text named;
"the newspaper" the newspaper the text named; "63 percent of voters" the voters.
Each finder below proposes candidates with the evidence it saw (a role the
text gave them, the owner, the issuer of a document, a word of the name, the
kind of organisation the noun names); nobody-named (an unnamed source) is
always a candidate too, and the ranker's learned weights choose
(`antecedents.AntecedentRanker.rank`). What nothing names is an unnamed
source: its description.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Token

from ..rules import Rules
from . import roles
from .antecedents import PLACE_LABELS, PRONOUN_KIND, AntecedentRanker, Candidate
from .entity_table import Entity, EntityTable
from .kinship import Relatives
from .registry import Registry

_OWNER_PREPS = ("of", "from", "by", "for", "at", "with", "in")
# endings of nouns for people ("leader", "investor", "strategist", "historian", "nominee", "neurosurgeon")
_AGENT_ENDINGS = ("er", "or", "ist", "ian", "ee", "eon", "ant", "ent", "ive", "ast")
_INDEFINITE = {"a", "an", "some", "one", "another", "any", "several", "many", "few", "two", "three", "other"}
# evidence that makes a description the finder's kind of resolution, for the confidence table
_HOW = {"owner": "org_role", "relative": "relative", "issuer": "document", "issuer_near": "document",
        "speech_owner": "document", "role": "role", "role_loose": "role", "name_word": "organisation_noun",
        "registry": "registry", "person_noun": "salient_person", "agent_noun": "salient_person",
        "org_noun": "organisation_noun",
        "document_any": "document"}


@dataclass(frozen=True)
class Described:
    """What a description refers to: an entity with a certainty, or an unnamed source's words."""

    entity: Entity | None
    certainty: float  # how sure: the chosen candidate's probability among the candidates
    unnamed: str = ""
    head: Token | None = None  # the token whose noun phrase is the description
    how: str = "unnamed"  # which kind of description resolved it: role, document, salient_person, ...


class _Found:
    """The candidates the finders propose, each with the evidence every finder saw, in the order found."""

    def __init__(self) -> None:
        self.by_id: dict[int, Candidate] = {}

    def add(self, entity: Entity | None, feature: str, value: float = 1.0) -> None:
        if entity is None:
            return
        cand = self.by_id.get(id(entity))
        if cand is None:
            cand = self.by_id[id(entity)] = Candidate(entity, {}, _HOW.get(feature, "role"))
        cand.features[feature] = max(value, cand.features.get(feature, 0.0))

    def has(self, feature: str) -> bool:
        return any(feature in c.features for c in self.by_id.values())

    def candidates(self) -> list[Candidate]:
        return list(self.by_id.values())


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
        self.org_types = rules.org_types

    def describe(self, tok: Token, quote: tuple[int, int] | None = None) -> Described:
        tok = self._past_quantity(tok)
        lemma = tok.lemma_.lower()
        owner = self._owner(tok)
        found = _Found()
        if lemma in self.org_roles or tok.lower_ in self.org_roles:
            self._org_role(found, lemma, owner)
        if lemma in self.rules.kinship and owner is not None:
            found.add(self.relatives.relative(lemma, owner), "relative")
        if lemma in self.documents:
            self._document(found, tok, lemma, owner)
        if owner is not None and lemma in self.speech:
            found.add(owner, "speech_owner")  # "his final assessment: '...'"
        if tok.pos_ in ("NOUN", "PROPN"):
            self._role(found, tok)
            self._organisation_noun(found, tok, lemma)
            alias = self.registry.lookup(self.noun_phrase_text(tok))
            named_here = any(found.has(f) for f in ("owner", "relative", "issuer", "speech_owner", "role",
                                                     "role_loose", "name_word", "org_owner"))
            if alias and not named_here:  # a learned description only where nothing in the text names it
                found.add(self.table.get(alias) or self.table.attach(alias.split(), "organisation", "ORG"), "registry")
            self._person_noun(found, tok, lemma, owner)
            self._org_noun(found, tok, lemma, owner)
        cands = found.candidates()
        for c, f in zip(cands, self.ranker.context(tok, [c.entity for c in cands], quote=quote)):
            c.features.update(f)
        if not found.has("owner"):
            # "NASA officials", "a spokesman for NASA": an organisation speaking through its people is the
            # organisation (the README's convention, which the strict scorer also accepts), not a choice
            cands.append(Candidate(None, self._nil_features(tok, owner), "unnamed"))
        chosen, p = self.ranker.rank(tok, "description", cands)
        if chosen is None or chosen.entity is None:
            return Described(None, p, self.unnamed_words(tok), tok)
        return Described(chosen.entity, p, head=tok, how=chosen.how)

    def _nil_features(self, tok: Token, owner: Entity | None) -> dict[str, float]:
        """What speaks for a source the text never names: "a spokesman", "officials", "some critics"."""
        det = {c.lower_ for c in tok.children if c.dep_ in ("det", "nummod", "quantmod", "amod")}
        f = {"nil": 1.0, "nil_indefinite": float(bool(det & _INDEFINITE) or tok.tag_ == "NNS" and "the" not in det),
             "nil_plural": float(tok.tag_ in ("NNS", "NNPS")), "nil_owner": float(owner is not None),
             "nil_definite": float("the" in det or any(c.dep_ == "poss" for c in tok.children))}
        return {k: v for k, v in f.items() if v}

    # -- the finders ----------------------------------------------------------------------
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

    def _org_role(self, found: _Found, lemma: str, owner: Entity | None) -> None:
        """'NASA officials', 'a spokesman for NASA', 'the Clinton campaign', 'his campaign'."""
        if owner is None:
            return
        if owner.kind == "organisation":
            found.add(owner, "owner")
        elif owner.kind == "person" and lemma in self.rules.words("person_org_nouns"):
            found.add(self.table.attach([owner.tokens[-1], lemma], "organisation", "ORG"), "owner")

    def _document(self, found: _Found, tok: Token, lemma: str, owner: Entity | None) -> None:
        """A report, ruling or letter speaks for whoever issued it: 'the IMF report', 'Smith's letter',
        'the council issued a statement calling ...'; 'the ruling' after 'the court ruled'; 'the clip'
        after 'a video by the committee'. Without an issuer in its own words, every entity before it may
        have issued it (`document_any`), against nobody."""
        issuer = owner or self._issuer(tok)
        if issuer is not None:
            found.add(issuer, "issuer")
            return
        para = self.table.layout.paragraph_index(tok.idx)
        stem = next((lemma[:-len(x)] for x in ("ation", "ment", "ing", "ion") if lemma.endswith(x)), lemma)
        for prev in reversed(self.doc[max(0, tok.i - 600):tok.i]):
            if self.table.layout.in_quote(prev.idx):
                continue
            if para - self.table.layout.paragraph_index(prev.idx) > 3:
                break
            if prev.pos_ == "NOUN" and prev.lemma_.lower() in self.documents:
                near = self._owner(prev) or self._issuer(prev)
            elif prev.pos_ == "VERB" and len(stem) >= 3 and prev.lemma_.lower().startswith(stem):
                near = self._subject_entity(prev)  # "the court ruled" ... "the ruling"
            else:
                continue
            if near is not None:
                found.add(near, "issuer_near")
                break
        for e in self.ranker.window(tok.i):
            if e.kind in ("person", "organisation"):
                found.add(e, "document_any")

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

    def _role(self, found: _Found, tok: Token) -> None:
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
        for e in hits:
            found.add(e, "role")
            if len(hits) == 1:
                found.add(e, "role_unique")
        if not hits and owner_words:
            for e in roles.holders(self.table, noun, set()):
                if any(owner_words & r for r in e.roles.values()):
                    found.add(e, "role_loose")

    def _org_noun_entity(self, tok: Token) -> Entity | None:
        """The organisation a subject noun names, when one word of a name the text gave says so."""
        hits = self._named_by_word(tok, tok.lemma_.lower())
        return hits[0] if len(hits) == 1 else None

    def _named_by_word(self, tok: Token, lemma: str) -> list[Entity]:
        """Organisations whose name holds the noun, or that the text called so ("the commission")."""
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) and tok.pos_ != "PROPN":
            return []
        words = {tok.lower_, lemma}
        _, mods = roles.role_of(self.table, tok)
        mods -= self.ignored

        def fits(e: Entity) -> bool:
            known = {w.lower() for w in e.tokens} | {m for r in e.roles.values() for m in r}
            return bool(words & {w.lower() for w in e.tokens} or words & set(e.roles)) and mods <= known

        return [e for e in self.table.entities.values() if e.kind == "organisation" and e.positions
                and len(e.tokens) > 1 and fits(e)]

    def _organisation_noun(self, found: _Found, tok: Token, lemma: str) -> None:
        """'the commission' for the organisation whose name holds the word, or that the text called so."""
        hits = self._named_by_word(tok, lemma)
        words = {tok.lower_, lemma}
        for e in hits:
            found.add(e, "name_word")
            if len(hits) == 1:
                found.add(e, "name_word_unique")
            if words & set(e.roles):
                found.add(e, "named_by_role")

    def _person_noun(self, found: _Found, tok: Token, lemma: str, owner: Entity | None) -> None:
        """'the New York businessman', 'the retired neurosurgeon' in a text that never called anyone so: the
        persons before it whose gender fits the noun, read like a pronoun ("he"). A noun of the rules' person
        roles is stronger evidence (`person_noun`) than one that only looks like a person's (`agent_noun`:
        -er, -ist, -ian, ...); a noun with a noun before it ("the band leader") may be a role the text gives
        nobody it names (`compound_noun`)."""
        # only "the": "Smith's doctor" is someone else, whom the text need not name
        definite = any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
        listed = lemma in self.person_roles or lemma.endswith(("man", "woman"))
        agent = not listed and tok.pos_ == "NOUN" and tok.tag_ == "NN" and lemma.endswith(_AGENT_ENDINGS) \
            and lemma not in self.documents and lemma not in self.speech and not self._is_org_noun(lemma)
        if not definite or not (listed or agent):
            return
        compound = any(c.dep_ == "compound" and c.pos_ == "NOUN" for c in tok.children)
        gender = self.rules.role_genders(lemma) or self.rules.role_genders(tok.lower_)
        noun = self.table.role_words.get(lemma, lemma)
        for c in self.ranker.pronoun_candidates(tok, "person", gender):
            e = c.entity
            if e is owner:
                continue
            found.add(e, "person_noun" if listed else "agent_noun")
            if compound:
                found.add(e, "compound_noun")
            if e.roles and noun not in e.roles and any(r in self.person_roles for r in e.roles):
                found.add(e, "other_role")  # the text gave this person another role

    def _is_org_noun(self, lemma: str) -> bool:
        return any(lemma in nouns for nouns, _ in self.org_types.values()) or lemma in self.org_roles

    def _org_noun(self, found: _Found, tok: Token, lemma: str, owner: Entity | None) -> None:
        """'the newspaper', 'the group', 'the agency': an organisation the text named before, rather one whose
        name is of that kind (the rules' `org_types`: a newspaper's name says Times, Post, News, ...); 'the
        town' a place. 'The People's Daily newspaper' is the organisation it names."""
        kinds = [k for k, (nouns, _) in self.org_types.items() if lemma in nouns]
        if not kinds:
            return
        if owner is not None and owner.kind == "organisation" and any(
                c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.children):
            found.add(owner, "org_owner")
        definite = any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "its", "their") for c in tok.children)
        if not definite:
            return
        place = "place" in kinds
        # the words that tell this one from others: "the Russian news agency" is no space agency
        same_kind = frozenset().union(*(self.org_types[k][0] for k in kinds))  # "editorial board": one kind
        telling = {c.lower_ for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod")
                   and (c.pos_ == "PROPN" or c.text[:1].isupper() or c.lemma_.lower() in self._type_nouns())
                   and c.lemma_.lower() not in same_kind}
        for e in self.ranker.window(tok.i, whole=True):
            if e.kind != "organisation" or (e.label in PLACE_LABELS) != place:
                continue  # a newspaper, a group, an agency is never a place; a town is one
            found.add(e, "org_noun")
            words = {w.lower().strip(".,") for w in e.tokens} | {e.name.lower()}
            known = words | {m for r in e.roles.values() for m in r} | set(e.roles)
            if place or any(
                    words & self.org_types[k][1] or k == "company" and any(w.endswith(".com") for w in words)
                    for k in kinds):
                found.add(e, "org_type")
            if telling - known:
                found.add(e, "words_unknown")

    def _type_nouns(self) -> frozenset[str]:
        cache = self.__dict__.setdefault("_types", frozenset().union(*(n for n, _ in self.org_types.values())))
        return cache

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
