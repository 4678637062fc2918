"""Turn a speaker mention into a canonical speaker, within one document.

"Kelly" after "Scott Kelly" is "Scott Kelly"; "Smith's mother Ann" is "Ann
Smith"; "NASA officials" is "NASA"; "she" is the best-ranked compatible person
before it; "the Indiana governor" is the person the text gave that role;
"Smith and Park" is a group; "a spokesman" nobody names is an unnamed source.
The jobs live in their own modules: the entity table (`entities`, `entity_table`), pronoun
ranking (`antecedents`), relatives (`kinship`) and descriptions
(`descriptions`); this module puts them together for one mention.
Knowledge about particular people comes only from the rules' speaker registry.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..rules import Rules
from ..text.windows import DocLayout
from .antecedents import PRONOUN_KIND, AntecedentRanker, Decision
from .descriptions import Describer
from .entities import build_entity_table
from .entity_table import Entity
from .kinship import Relatives
from .names import is_mention_sized, is_name_sized, name_tokens, span_text
from .registry import Registry

__all__ = ["DocSpeakers", "Decision", "Entity", "Resolution", "PRONOUN_KIND", "SPEAKER_KINDS"]

SPEAKER_KINDS = ("person", "organisation", "group", "unnamed")
_FIRST_PERSON = {"i", "we", "me", "us", "you"}
_RELATIVE = {"which", "who", "that"}


@dataclass(frozen=True)
class Resolution:
    speaker: str
    mention: str
    mention_start: int | None
    mention_end: int | None
    kind: str = "person"  # person | organisation | group | unnamed | "" (no speaker)
    certainty: float = 1.0  # how sure, within its kind of resolution (0 to 1)
    how: str = "name"  # the path that resolved it: name, pronoun, group, role, document, unnamed, ...


_NOBODY = Resolution("", "", None, None, "", 1.0, "none")


class DocSpeakers:
    """The people and organisations of one document, and how mentions map to them."""

    def __init__(self, doc: Doc, layout: DocLayout, rules: Rules, registry: Registry):
        self.doc = doc
        self.layout = layout
        self.rules = rules
        self.registry = registry
        self.table = build_entity_table(doc, layout, rules, registry)
        self.ranker = AntecedentRanker(self.table, rules.ranking)
        self.relatives = Relatives(self.table, rules.kinship, self.entity_of)
        self.ranker.refresh()  # relatives fold mentions into new entities
        self.describer = Describer(self.table, self.ranker, self.relatives, rules, registry, self.entity_of)

    # -- the inventory, for attribution and learning -------------------------------

    @property
    def entities(self) -> dict[str, Entity]:
        return self.table.entities

    @property
    def token_entity(self) -> dict[int, Entity]:
        return self.table.token_entity

    def entity(self, name: str) -> Entity | None:
        return self.table.get(name)

    def names(self) -> dict[str, str]:
        return self.table.names()

    def note_speaker(self, position: int, entity: Entity) -> None:
        """Record who spoke at a token position (a quote's speaker, or a "Smith said" outside quotes)."""
        self.ranker.note_speaker(position, entity)

    def decision(self, i: int) -> Decision | None:
        """The ranking that chose the entity a mention at token `i` refers to (re-weighted by `quotes learn`)."""
        return self.ranker.decisions.get(i)

    # -- one token --------------------------------------------------------------------

    def entity_of(self, tok: Token) -> Entity | None:
        """The entity a name or pronoun token refers to, if the document tells."""
        if tok.i in self.table.token_entity:
            return self.table.token_entity[tok.i]
        if tok.lower_ in PRONOUN_KIND or tok.pos_ == "PRON":
            return self.ranker.best(tok)[0] if tok.lower_ in PRONOUN_KIND else None
        if tok.pos_ == "PROPN":
            toks, _ = name_tokens(self._name_span(tok), self.table.titles)
            name = span_text(toks)
            words = name.split() if is_name_sized(name) else []
            if words:
                return self.table.find(words, near=tok.i) or self.table.attach(
                    words, "person" if tok.ent_type_ == "PERSON" else "organisation", tok.ent_type_)
        return None

    def _name_span(self, tok: Token) -> list[Token]:
        left = [c for c in tok.lefts if c.dep_ in ("compound", "flat") and c.pos_ == "PROPN"]
        start = min([tok.i] + [c.i for c in left])
        for c in left:
            start = min([start] + [g.i for g in c.subtree if g.pos_ == "PROPN" and g.dep_ == "compound"])
        return list(self.doc[start:tok.i + 1])

    # -- a mention ---------------------------------------------------------------------

    def resolve(self, tok: Token, quote: tuple[int, int] | None = None) -> Resolution:
        """Canonical speaker, its kind and the mention, for the head token of a speaker mention (of the quote
        at character offsets `quote`, whose words seldom name their own speaker).

        A mention or a name too long to be one (`names.is_name_sized`) names nobody."""
        found = self._resolve(tok, quote)
        names = found.speaker.split(" and ") if found.kind == "group" else [found.speaker]
        if is_mention_sized(found.mention) and all(is_name_sized(n) for n in names):
            return found
        return _NOBODY

    def _resolve(self, tok: Token, quote: tuple[int, int] | None) -> Resolution:
        if self.layout.in_quote(tok.idx):
            return _NOBODY  # words inside a quote never name its speaker
        if tok.pos_ == "NOUN":
            # "the head of the agency, Jo Park, said": the apposed name is the speaker
            for child in tok.children:
                if child.dep_ == "appos" and child.pos_ == "PROPN":
                    tok = child
                    break
        if tok.lower_ in _RELATIVE and tok.i > 0:
            # "the department, which reported ...": the noun the relative clause hangs on
            prev = self.doc[tok.i - 1] if not self.doc[tok.i - 1].is_punct or tok.i < 2 else self.doc[tok.i - 2]
            if prev.pos_ in ("PROPN", "NOUN") and not self.layout.in_quote(prev.idx):
                tok = prev
        group = self._group(tok)
        if group is not None:
            return group
        if tok.lower_ in PRONOUN_KIND or tok.pos_ == "PRON":
            return self._pronoun(tok, quote)
        s, e = self.describer.noun_phrase(tok)
        if tok.pos_ == "PROPN" or tok.i in self.table.token_entity:
            s, e = self._proper_span(tok, s, e)
        mention = self.doc[s:e]
        span = (mention.start_char, mention.end_char)
        entity = self.table.token_entity.get(tok.i)
        if entity is None and tok.pos_ == "PROPN":
            entity = self.entity_of(tok)
        if entity is not None and tok.pos_ != "NOUN":
            return Resolution(entity.name, mention.text, *span, entity.kind, 1.0)
        described = self.describer.describe(tok, quote)
        if described.entity is None and entity is not None:
            return Resolution(entity.name, mention.text, *span, entity.kind, 0.95, "name")
        if described.entity is not None:
            return Resolution(described.entity.name, mention.text, *span, described.entity.kind, described.certainty,
                              described.how)
        return Resolution(described.unnamed, mention.text, *span, "unnamed", described.certainty, "unnamed")

    def _proper_span(self, tok: Token, s: int, e: int) -> tuple[int, int]:
        """The mention of a name: the name's own tokens, without a possessive or a dash before it."""
        entity = self.table.token_entity.get(tok.i)
        if entity is not None:
            lo = hi = tok.i
            while lo - 1 >= s and self.table.token_entity.get(lo - 1) is entity:
                lo -= 1
            while hi + 1 < e and self.table.token_entity.get(hi + 1) is entity:
                hi += 1
            s, e = min(lo, s), max(hi + 1, tok.i + 1)
        while s < tok.i and (self.doc[s].is_punct or self.doc[s].pos_ == "DET"):
            s += 1
        while e - 1 > tok.i and self.doc[e - 1].is_punct:
            e -= 1
        return s, e

    def _pronoun(self, tok: Token, quote: tuple[int, int] | None = None) -> Resolution:
        span = (tok.idx, tok.idx + len(tok))
        if tok.lower_ in ("i", "me") and self.table.author is not None:
            # an op-ed or a letter: its writer, named in the byline or the author's note
            return Resolution(self.table.author.name, tok.text, *span, "person", 1.0, "author")
        if tok.lower_ in _FIRST_PERSON or tok.lower_ not in PRONOUN_KIND:
            return Resolution("", tok.text, *span, "", 1.0, "none")  # the writer, or nobody the text names
        entity, p = self.ranker.best(tok, quote=quote)
        if entity is None:
            return Resolution("", tok.text, *span, "", 1.0, "none")
        return Resolution(entity.name, tok.text, *span, entity.kind, p, "pronoun")

    def _group(self, tok: Token) -> Resolution | None:
        """'Smith and Park said': a group of the named speakers, in text order."""
        if tok.pos_ not in ("PROPN", "NOUN"):
            return None
        while tok.dep_ == "conj" and tok.head.pos_ == "PROPN" and tok.head.i != tok.i:
            tok = tok.head  # "Obama and Clinton": from any member to the first
        members = [tok]
        frontier = [tok]
        while frontier:
            t = frontier.pop()
            for c in t.children:
                # "Park, Smith and Reed" is often parsed with Smith in apposition to Park
                listed = c.dep_ == "appos" and c.pos_ == "PROPN" and any(g.dep_ == "conj" for g in c.children)
                if (c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")) or listed:
                    members.append(c)
                    frontier.append(c)
        if len(members) < 2 or not any(c.dep_ == "cc" and c.lower_ in ("and", "&") for m in members for c in m.children):
            return None
        names = []
        for m in sorted(members, key=lambda t: t.i):
            entity = self.table.token_entity.get(m.i) or (self.entity_of(m) if m.pos_ == "PROPN" else None)
            if entity is None:
                return None  # "Smith and other officials": not a group of named speakers
            if entity.name not in names:
                names.append(entity.name)
        if len(names) < 2:
            return None
        first, last = sorted(members, key=lambda t: t.i)[0], max((t for m in members for t in m.subtree), key=lambda t: t.i)
        mention = self.doc[first.i:last.i + 1]
        return Resolution(" and ".join(names), mention.text, mention.start_char, mention.end_char, "group", 1.0, "group")
