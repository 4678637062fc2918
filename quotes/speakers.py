"""Turn a speaker mention into a canonical speaker, within one document.

"Kelly" after "Scott Kelly" is "Scott Kelly"; "Smith's mother Ann" is "Ann
Smith"; "NASA officials" is "NASA"; "she" is the nearest compatible person
before it; "the former astronaut" is the one person the text described so.
Knowledge about particular people comes only from the rules' speaker registry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from .registry import Registry
from .rules import Rules
from .windows import DocLayout

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
PRONOUN_KIND = {
    "he": ("person", "male"), "him": ("person", "male"),
    "she": ("person", "female"), "her": ("person", "female"),
    "it": ("organisation", None), "its": ("organisation", None),
    "they": ("group", None), "them": ("group", None),
}
_POSSESSIVE = re.compile(r"(?:['’]s?|['’])$")


@dataclass
class Entity:
    """A speaker candidate the document knows: a person or an organisation."""

    name: str
    kind: str = "person"
    gender: str | None = None
    descriptions: set[str] = field(default_factory=set)
    positions: list[int] = field(default_factory=list)  # token indices of its mentions outside quotes
    subject_positions: set[int] = field(default_factory=set)

    @property
    def tokens(self) -> list[str]:
        return self.name.split()


@dataclass(frozen=True)
class Resolution:
    speaker: str
    mention: str
    mention_start: int | None
    mention_end: int | None
    kind: str = "person"
    certainty: float = 1.0


def clean_name(words: list[str], titles: frozenset[str]) -> list[str]:
    """Drop leading titles and determiners and a trailing possessive; keep the name."""
    words = [w for w in words if w.strip()]
    while words and words[0].lower() in titles and len(words) > 1:
        words = words[1:]
    if words:
        last = _POSSESSIVE.sub("", words[-1]) if len(words[-1]) > 2 else words[-1]
        words = words[:-1] + ([last] if last else [])
        if words and words[-1] in ("'s", "’s"):
            words = words[:-1]
    return [w for w in words if not w.startswith("@") or len(words) == 1]


class DocSpeakers:
    """The people and organisations of one document, and how mentions map to them."""

    def __init__(self, doc: Doc, layout: DocLayout, rules: Rules, registry: Registry):
        self.doc = doc
        self.layout = layout
        self.rules = rules
        self.registry = registry
        self.titles = rules.words("name_titles")
        self.kin = rules.kinship
        self.first_names = rules.first_names
        self.entities: dict[str, Entity] = {}
        self.token_entity: dict[int, Entity] = {}  # token index -> entity it names
        self.kin_of: dict[tuple[str, str], Entity] = {}  # (kin noun, owner name) -> relative
        self.speaker_history: list[tuple[int, Entity]] = []  # quote speakers in text order
        self._build()

    # -- inventory -------------------------------------------------------

    def _label_kind(self, label: str) -> str:
        return "person" if label == "PERSON" else "organisation"

    def _build(self) -> None:
        doc = self.doc
        mentions = []
        for ent in doc.ents:
            if ent.label_ not in NAME_LABELS or self.layout.in_quote(ent.start_char):
                continue
            words = clean_name([t.text for t in ent], self.titles if ent.label_ == "PERSON" else frozenset({"the", "a", "an"}))
            if not words or any("/" in w for w in words) or not any(w[:1].isupper() for w in words):
                continue
            if ent.label_ in ("GPE", "NORP") and len(words) == 1:
                kind = "organisation"
            else:
                kind = self._label_kind(ent.label_)
            mentions.append((ent, words, kind))
        mentions.extend(self._first_name_chains({t.i for ent, _, _ in mentions for t in ent}))
        # full names first, so that short forms attach to them
        mentions.sort(key=lambda m: -len(m[1]))
        for ent, words, kind in mentions:
            entity = self._attach(words, kind, ent.label_ or "PERSON")
            for tok in ent:
                self.token_entity[tok.i] = entity
            entity.positions.append(ent.root.i)
            if ent.root.dep_ in ("nsubj", "nsubjpass"):
                entity.subject_positions.add(ent.root.i)
        for entity in self.entities.values():
            entity.positions.sort()
        self._kinship()
        self._descriptions()
        self._genders()

    def _first_name_chains(self, taken: set[int]) -> list:
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
                if j - i >= 2:
                    span = doc[i:j]
                    out.append((span, clean_name([t.text for t in span], self.titles), "person"))
                i = j
            else:
                i += 1
        return out

    def _find(self, words: list[str]) -> Entity | None:
        key = " ".join(words).lower()
        if key in self.entities:
            return self.entities[key]
        canonical = self.registry.lookup(" ".join(words))
        if canonical and canonical.lower() in self.entities:
            return self.entities[canonical.lower()]
        # a surname or a first name of one known full name
        n = len(words)
        lw = [w.lower() for w in words]
        hits = [e for e in self.entities.values() if len(e.tokens) > n and e.kind == "person"
                and ([w.lower() for w in e.tokens[-n:]] == lw or [w.lower() for w in e.tokens[:n]] == lw)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            # prefer surnames over first names, then the most mentioned
            surname = [e for e in hits if [w.lower() for w in e.tokens[-n:]] == lw]
            pool = surname or hits
            return max(pool, key=lambda e: len(e.positions))
        return None

    def _attach(self, words: list[str], kind: str, label: str) -> Entity:
        found = self._find(words)
        if found is not None:
            return found
        name = " ".join(words)
        entry = self.registry.entry(name)
        if entry is not None:
            name, kind = entry.name, entry.kind
        if name.lower() in self.entities:
            return self.entities[name.lower()]
        if entry is None and kind == "organisation" and label == "ORG" and len(words) >= 2 \
                and words[0].lower() in self.first_names:
            kind = "person"  # NER calls some names ORG: a known first name says otherwise
        entity = Entity(name, kind, entry.gender if entry else None)
        self.entities[name.lower()] = entity
        return entity

    def _kinship(self) -> None:
        """`Smith's mother Ann` and `his wife, Julie`: a relative named by first name takes the family name."""
        for tok in self.doc:
            if tok.lemma_.lower() not in self.kin or tok.pos_ != "NOUN" or self.layout.in_quote(tok.idx):
                continue
            owner_tok = next((c for c in tok.children if c.dep_ == "poss"), None)
            if owner_tok is None:
                continue
            relative = self._relative_name(tok, owner_tok)
            owner = self.resolve_token(owner_tok)
            if owner is None:
                continue
            if owner.kind != "person":
                if self.registry.entry(owner.name) is not None:
                    continue
                owner.kind = "person"  # an organisation has no mother: the NER got this name wrong
            gender = self.kin[tok.lemma_.lower()]
            if relative is None:
                continue
            first = [relative.text]
            surname = owner.tokens[1:] if len(owner.tokens) > 1 else owner.tokens
            full = " ".join(first + surname)
            entity = self.entities.get(full.lower())
            if entity is None:
                old = self.token_entity.get(relative.i)
                entity = Entity(full, "person", gender)
                if old is not None and len(old.tokens) == 1:
                    # the first name alone was an entity of its own: fold it into the full name
                    entity.positions = old.positions
                    entity.subject_positions = old.subject_positions
                    self.entities.pop(old.name.lower(), None)
                    for i, e in list(self.token_entity.items()):
                        if e is old:
                            self.token_entity[i] = entity
                self.entities[full.lower()] = entity
            entity.gender = entity.gender or gender
            entity.descriptions.add(tok.lemma_.lower())
            self.token_entity[relative.i] = entity
            self.kin_of[(tok.lemma_.lower(), owner.name.lower())] = entity

    def _relative_name(self, kin: Token, owner: Token) -> Token | None:
        """The first name right after a kinship noun ("mother Mary", "wife, Julie") or apposed to it."""
        doc = self.doc
        j = kin.i + 1
        if j < len(doc) and doc[j].text == ",":
            j += 1
        if j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() and j != owner.i:
            return doc[j]
        for child in kin.children:
            if child.dep_ == "appos" and child.pos_ == "PROPN" and child.i != owner.i:
                return child
        if kin.dep_ == "appos" and kin.head.pos_ == "PROPN" and kin.head.i != owner.i:
            return kin.head  # "Mary, Smith's mother"
        return None

    def _descriptions(self) -> None:
        """Nouns the text uses for a named speaker: "pilot Jo Park", "Smith, head of the agency"."""
        for i, entity in list(self.token_entity.items()):
            tok = self.doc[i]
            for child in tok.children:
                if child.dep_ in ("appos", "compound") and child.pos_ == "NOUN":
                    entity.descriptions.add(child.lemma_.lower())
            if tok.dep_ == "appos" and tok.head.pos_ == "NOUN":
                entity.descriptions.add(tok.head.lemma_.lower())
            for left in tok.lefts:
                if left.pos_ == "NOUN":
                    entity.descriptions.add(left.lemma_.lower())

    def _genders(self) -> None:
        titles = self.rules.gender_titles
        for entity in self.entities.values():
            if entity.kind != "person" or entity.gender:
                continue
            first = entity.tokens[0].lower()
            if first in self.first_names:
                entity.gender = self.first_names[first]
                continue
            for pos in entity.positions:
                if pos > 0 and self.doc[pos - 1].lower_ in titles:
                    entity.gender = titles[self.doc[pos - 1].lower_]
            if not entity.gender:
                entity.gender = self._pronoun_evidence(entity)

    def _pronoun_evidence(self, entity: Entity) -> str | None:
        """Gender from the pronouns of sentences where this person is the only one named."""
        votes = {"male": 0, "female": 0}
        for pos in entity.positions:
            sent = self.doc[pos].sent
            others = {e.name for j, e in self.token_entity.items()
                      if sent.start <= j < sent.end and e.kind == "person" and e is not entity}
            if others:
                continue
            for t in sent:
                if t.i > pos and not self.layout.in_quote(t.idx):
                    g = {"he": "male", "his": "male", "him": "male", "she": "female", "her": "female"}.get(t.lower_)
                    if g:
                        votes[g] += 1
        if votes["male"] != votes["female"]:
            return max(votes, key=votes.get)
        return None

    # -- resolution ------------------------------------------------------

    def resolve_token(self, tok: Token) -> Entity | None:
        """The entity a name, pronoun or description token refers to, if the document tells."""
        if tok.i in self.token_entity:
            return self.token_entity[tok.i]
        low = tok.lower_
        if tok.pos_ == "PRON" or low in PRONOUN_KIND or low in ("his", "its", "their"):
            return self._antecedent(tok)
        if tok.pos_ == "PROPN":
            words = clean_name(self._name_words(tok), self.titles)
            if words:
                return self._find(words) or self._attach(words, "person" if tok.ent_type_ == "PERSON" else "organisation", tok.ent_type_)
        return None

    def _name_words(self, tok: Token) -> list[str]:
        left = [c for c in tok.lefts if c.dep_ in ("compound", "flat") and c.pos_ == "PROPN"]
        start = min([tok.i] + [c.i for c in left])
        for c in left:
            start = min([start] + [g.i for g in c.subtree if g.pos_ == "PROPN" and g.dep_ == "compound"])
        return [t.text for t in self.doc[start:tok.i + 1]]

    def names(self) -> dict[str, str]:
        """Every person and organisation the document names: canonical name -> kind."""
        return {e.name: e.kind for e in self.entities.values() if e.positions}

    def note_speaker(self, position: int, entity: Entity) -> None:
        """Record who spoke at a token position (a quote's speaker, or a "Smith said" outside quotes)."""
        self.speaker_history.append((position, entity))
        self.speaker_history.sort(key=lambda x: x[0])

    def _candidates(self, before: int, paragraphs_back: int = 3) -> dict[int, tuple[Entity, int, bool]]:
        """Entities mentioned before a token: id -> (entity, last position, ever a subject)."""
        start_para = max(0, self.layout.paragraph_index(self.doc[before].idx) - paragraphs_back)
        limit = self.layout.paras[start_para][0] if self.layout.paras else 0
        out: dict[int, tuple[Entity, int, bool]] = {}
        events = [(i, e, i in e.subject_positions) for e in self.entities.values() for i in e.positions]
        events += [(i, e, True) for i, e in self.speaker_history]
        for i, e, subj in events:
            if i < before and self.doc[i].idx >= limit:
                old = out.get(id(e))
                if old is None or i > old[1]:
                    out[id(e)] = (e, i, subj or (old[2] if old else False))
                elif subj:
                    out[id(e)] = (old[0], old[1], True)
        return out

    def ranked_candidates(self, tok: Token) -> list[tuple[Entity, dict[str, float]]]:
        """The compatible antecedents of a pronoun with their ranking features, most recent first.

        The features (recency, subject, previous_speaker, gender_agreement,
        named_person) are weighted by the rules' `ranking`; `quotes learn`
        re-weights them from the corrections that say the choice was wrong.
        """
        low = tok.lower_
        kind, gender = PRONOUN_KIND.get(low, ("person", None))
        if low == "his":
            kind, gender = "person", "male"
        elif low == "their":
            kind = "group"
        cands = self._candidates(tok.i)
        last_speaker = next((e for i, e in reversed(self.speaker_history) if i < tok.i), None)
        out = []
        for rank, (e, _, is_subject) in enumerate(sorted(cands.values(), key=lambda c: -c[1])):
            if kind == "person" and e.kind != "person":
                continue
            if kind == "organisation" and e.kind != "organisation":
                continue
            if gender and e.gender and e.gender != gender:
                continue
            out.append((e, {
                "recency": 1.0 / (1 + rank),
                "subject": float(is_subject),
                "previous_speaker": float(e is last_speaker),
                "gender_agreement": float(bool(gender and e.gender == gender)),
                "named_person": float(len(e.tokens) > 1),
            }))
        return out

    def _antecedent(self, tok: Token) -> Entity | None:
        weights = self.rules.ranking
        best, best_score = None, float("-inf")
        for e, features in self.ranked_candidates(tok):
            score = sum(weights.get(name, 0.0) * value for name, value in features.items())
            if score > best_score:
                best, best_score = e, score
        return best

    def describe(self, tok: Token) -> Entity | None:
        """A description ("the former astronaut", "NASA officials", "his mother") resolved to a named speaker."""
        lemma = tok.lemma_.lower()
        # "NASA officials", "a spokesman for NASA"
        if lemma in self.rules.words("org_roles") or tok.lower_ in self.rules.words("org_roles"):
            for t in list(tok.lefts) + [g for c in tok.children if c.dep_ == "prep" for g in c.children]:
                e = self.token_entity.get(t.i)
                if e is not None and e.kind == "organisation":
                    return e
        # "his mother", "Smith's wife"
        if lemma in self.kin:
            owner_tok = next((c for c in tok.children if c.dep_ == "poss"), None)
            owner = self.resolve_token(owner_tok) if owner_tok is not None else None
            if owner is not None and (lemma, owner.name.lower()) in self.kin_of:
                return self.kin_of[(lemma, owner.name.lower())]
        # a noun the text used for exactly one named speaker
        if tok.pos_ == "NOUN":
            owners = [e for e in self.entities.values() if lemma in e.descriptions]
            if len(owners) == 1:
                return owners[0]
            # "the authority" after "the Harbor Authority": the one organisation named by that noun
            modifiers = {t.lower_ for t in tok.lefts if t.dep_ in ("compound", "amod")}
            orgs = [e for e in self.entities.values() if e.kind == "organisation" and e.positions
                    and len(e.tokens) > 1 and e.tokens[-1].lower() in (tok.lower_, lemma)
                    and modifiers <= {w.lower() for w in e.tokens}]
            if len(orgs) == 1:
                return orgs[0]
            alias = self.registry.lookup(self.noun_phrase_text(tok))
            if alias:
                return self.entities.get(alias.lower()) or self._attach(alias.split(), "organisation", "ORG")
        return None

    def noun_phrase(self, tok: Token) -> tuple[int, int]:
        """Token range of the noun phrase headed by `tok`, without clauses or appositions."""
        start = tok.i
        for left in tok.lefts:
            if left.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod", "case", "quantmod", "advmod") and not left.is_punct:
                start = min(start, left.left_edge.i)
        end = tok.i + 1
        for right in tok.rights:
            if right.dep_ in ("flat", "compound") or (right.dep_ == "case"):
                end = max(end, right.right_edge.i + 1)
            else:
                break
        while start < tok.i and self.doc[start].is_punct:
            start += 1
        return start, end

    def noun_phrase_text(self, tok: Token) -> str:
        s, e = self.noun_phrase(tok)
        return self.doc[s:e].text

    def resolve(self, tok: Token) -> Resolution:
        """Canonical speaker and mention for the head token of a speaker mention."""
        doc = self.doc
        # "the head of the agency, Jo Park, said": the apposed name is the speaker
        if tok.pos_ == "NOUN":
            for child in tok.children:
                if child.dep_ == "appos" and child.pos_ == "PROPN":
                    tok = child
                    break
        if tok.pos_ == "PRON" or tok.lower_ in PRONOUN_KIND:
            entity = self._antecedent(tok)
            span = (tok.idx, tok.idx + len(tok))
            if entity is None:
                return Resolution("", tok.text, *span, certainty=0.3)
            return Resolution(entity.name, tok.text, *span, entity.kind, 0.8)
        s, e = self.noun_phrase(tok)
        mention = doc[s:e]
        span = (mention.start_char, mention.end_char)
        entity = self.token_entity.get(tok.i)
        if entity is None and tok.pos_ == "PROPN":
            entity = self.resolve_token(tok)
        if entity is None or tok.pos_ == "NOUN":
            described = self.describe(tok)
            entity = described or entity
        if entity is not None:
            return Resolution(entity.name, mention.text, *span, entity.kind, 1.0)
        # an undescribed description: keep its words, without the article, naming a pronoun owner
        words = []
        for t in mention:
            if t.dep_ == "det" or t.is_punct:
                continue
            owner = self._antecedent(t) if t.dep_ == "poss" and t.pos_ == "PRON" else None
            words.append(f"{owner.name}'s " if owner is not None else t.text_with_ws)
        text = "".join(words).strip() or mention.text
        canonical = self.registry.lookup(text) or text
        return Resolution(canonical, mention.text, *span, "person", 0.5)
