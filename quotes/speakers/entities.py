"""The people and organisations one document names: built once per document, before any quote.

The names come from the NER (rejoined where it cut an organisation's name at
"for the") and from runs of proper nouns that start with a known first name.
Headlines, bylines and datelines create no entity: a title-case line makes
names of its verbs ("Obama Says"); a name there only counts when the body
names it too. Once the names are attached, `roles`, `genders` and
`extra_entities` add what the table learns about them. The table itself and
its queries are in `entity_table`.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..rules import Rules
from ..text.windows import DocLayout
from . import extra_entities, genders, roles
from .entity_table import Entity, EntityTable, Mention
from .name_gender import name_gender
from .names import is_name_sized, name_tokens, span_text
from .registry import Registry, name_key

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
ORG_LABELS = {"ORG", "FAC", "GPE", "NORP"}


def build_entity_table(doc: Doc, layout: DocLayout, rules: Rules, registry: Registry) -> EntityTable:
    """The entity table of one document, complete: names attached, then roles, genders, groups, the writer."""
    table = EntityTable(doc, layout, rules, registry)
    _build(table)
    return table


def _build(table: EntityTable) -> None:
    """Attach every name outside quotes, full names first, then run the passes that complete the table."""
    mentions = _mentions(table)
    body = [m for m in mentions if not m.furniture]
    # full names first, so that short forms attach to them
    body.sort(key=lambda m: (-len(m.words), m.span.start))
    for m in body:
        if len(m.words) == 1 and m.span.root.dep_ in ("compound", "amod") and m.span.root.head.pos_ == "NOUN" \
                and table.find(m.words, near=m.span.start) is None and not table.registry.entry(m.name):
            continue  # "Beehive freeze-dried food": a word that qualifies a thing names nobody who speaks
        entity = table.attach(m.words, _kind(table, m), m.label, m.span)
        _note(table, entity, m)
    for m in mentions:
        if m.furniture:
            extra_entities.complete_from_headline(table, m)
            entity = _known_within(table, m)
            if entity is not None:
                _note(table, entity, m, position=False)
    extra_entities.complete_surnames(table)
    extra_entities.sweep_surnames(table)
    extra_entities.add_campaigns(table)
    for entity in table.entities.values():
        entity.positions.sort()
    roles.read_roles(table)
    genders.assign_genders(table)
    extra_entities.add_groups(table)
    table.author = extra_entities.find_author(table)


def _mentions(table: EntityTable) -> list[Mention]:
    out = []
    taken: set[int] = set()
    for ent in _joined_ents(table):
        if ent.label_ not in NAME_LABELS or table.layout.in_quote(ent.start_char):
            continue
        m = _mention(table, ent, ent.label_)
        if m is not None:
            out.append(m)
            taken.update(range(ent.start, ent.end))
    out.extend(_first_name_chains(table, taken))
    out.extend(_web_names(table, taken))
    return out


_WEB_NAME = re.compile(r"^[A-Z][\w-]*\.(?:com|org|net|gov|edu|io|co)$", re.I)


def _web_names(table: EntityTable, taken: set[int]) -> list[Mention]:
    """'GunBroker.com said': a site's name the NER leaves out is an organisation that speaks."""
    out = []
    for tok in table.doc:
        if tok.i in taken or not tok.text[:1].isupper() or not _WEB_NAME.match(tok.text) \
                or table.layout.in_quote(tok.idx):
            continue
        out.append(Mention(table.doc[tok.i:tok.i + 1], [tok.text], tok.text, "ORG", (),
                           table.layout.is_furniture(tok.idx)))
    return out


def _joined_ents(table: EntityTable) -> list[Span]:
    """The NER's names, with an organisation's name rejoined where the NER cut it at "for the":
    "U.S. Court of Appeals for the Sixth Circuit"."""
    ents = list(table.doc.ents)
    out: list[Span] = []
    k = 0
    while k < len(ents):
        ent = ents[k]
        if k + 1 < len(ents) and ent.label_ == "ORG" and ents[k + 1].label_ in ("ORG", "GPE", "FAC"):
            between = [t.lower_ for t in table.doc[ent.end:ents[k + 1].start]]
            if between in (["for", "the"], ["for"]):
                out.append(Span(table.doc, ent.start, ents[k + 1].end, label="ORG"))
                k += 2
                continue
        out.append(ent)
        k += 1
    return out


def _titled_person(table: EntityTable, span: Span) -> bool:
    """'Spokeswoman Haley Morris', 'Actress Jo Park': the NER's organisation that is a title and a person's name
    (a first name after the title, the rules' or one the name dictionary gives a gender)."""
    toks = [t for t in span if not t.is_punct]
    if len(toks) < 3 or toks[0].lower_ in ("the", "a", "an"):
        return False
    title = toks[0].lower_
    if title.rstrip(".") not in table.role_words and title not in table.titles and not title.endswith(("woman", "man")):
        return False
    last = toks[-1].lower_.strip(".,")
    if any(last in names for _, names in table.rules.org_types.values()):
        return False  # "Senate Intelligence Committee"
    first = toks[1].lower_
    return first in table.first_names or name_gender(first, 0.9) is not None or title.endswith("woman")


def _whole(table: EntityTable, span: Span) -> Span:
    """The NER's span with the proper nouns it cut off before it ("Jean King" of "Billie Jean King", "Gazette"
    of "Dunmore Gazette"): capitalised words of the same name, no title, in no other name, on the same line."""
    start = span.start
    while start > 0:
        t = table.doc[start - 1]
        if not (t.pos_ == "PROPN" and t.text[:1].isupper() and t.text.isalpha() and t.ent_iob_ == "O"
                and t.dep_ in ("compound", "flat", "nmod") and span.start <= t.head.i < span.end + 1
                and t.lower_ not in table.titles and t.lower_.rstrip(".") not in table.role_words
                and "\n" not in t.whitespace_ and not table.layout.in_quote(t.idx)):
            break
        start -= 1
    return span if start == span.start else Span(table.doc, start, span.end, label=span.label_)


def _mention(table: EntityTable, span: Span, label: str) -> Mention | None:
    span = _whole(table, span)
    if label != "PERSON" and _titled_person(table, span):
        label = "PERSON"
    person = label == "PERSON"
    toks, stripped = name_tokens(span, table.titles | set(table.role_words) if person else frozenset({"the", "a", "an"}),
                                 person)
    if person and len(toks) >= 3 and stripped:
        # "Miss Universe Alicia Machado": after a title, a person's name starts at a known first name
        first = next((k for k, t in enumerate(toks[1:-1], 1) if t.lower_ in table.first_names
                      and toks[k - 1].lower_ not in table.first_names), None)
        if first is not None and toks[0].lower_ not in table.first_names:
            stripped.extend(t.lower_ for t in toks[:first])
            toks = toks[first:]
    if not toks:
        return None
    words = [t.text for t in toks]
    if any("/" in w or "@" in w[1:] for w in words) or not any(w[:1].isupper() for w in words):
        return None
    if all(w.isdigit() for w in words) or table.common_word(words):
        return None  # "Party", "Committee" alone: the NER's piece of a longer name
    name = span_text(toks)
    if not is_name_sized(name):
        return None  # a run of capitals or a giant token: no name
    return Mention(table.doc[toks[0].i:toks[-1].i + 1], name.split(), name, label, tuple(stripped),
                   table.layout.is_furniture(toks[0].idx))


def _first_name_chains(table: EntityTable, taken: set[int]) -> list[Mention]:
    """Names the NER missed: a run of proper nouns that starts with a known first name."""
    out = []
    doc = table.doc
    i = 0
    while i < len(doc):
        tok = doc[i]
        if tok.pos_ == "PROPN" and tok.lower_ in table.first_names and i not in taken and not table.layout.in_quote(tok.idx):
            j = i + 1
            while j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() and j not in taken:
                j += 1
            # a first name alone is a person too ("Melanie said"), when nothing follows it
            if j - i >= 2 or (j < len(doc) and not doc[j].text[:1].isupper()):
                m = _mention(table, doc[i:j], "PERSON")
                if m is not None:
                    out.append(m)
            i = j
        else:
            i += 1
    return out


def _kind(table: EntityTable, m: Mention) -> str:
    if m.label == "PERSON":
        return "person"
    if m.label in ("GPE", "NORP") and len(m.words) == 1:
        return "organisation"
    return "organisation"


def _note(table: EntityTable, entity: Entity, m: Mention, position: bool = True) -> None:
    for tok in m.span:
        table.token_entity[tok.i] = entity
    for tok in table.doc[max(0, m.span.start - len(m.titles) - 1):m.span.start]:
        if tok.lower_ in table.titles and not tok.is_punct:
            table.token_entity.setdefault(tok.i, entity)
            if position:
                roles.title_role(table, entity, tok.lower_)
    entity.forms.add(name_key(m.name))
    if not position:
        return
    root = m.span.root
    entity.positions.append(root.i)
    if root.dep_ in ("nsubj", "nsubjpass"):
        entity.subject_positions.add(root.i)
    titles = [t for t in m.titles if roles.role_word(table, t)]
    for title in titles:
        roles.title_role(table, entity, title, set(m.titles) - {title, "the", "a", "an"} if title == titles[-1] else set())


def _known_within(table: EntityTable, m: Mention) -> Entity | None:
    """A headline name counts when it is, or holds, a name the body gives ("Rip Donald Trump" holds Trump)."""
    words = m.words
    for n in range(len(words), 0, -1):
        for k in range(len(words) - n + 1):
            found = table.find(words[k:k + n])
            if found is not None and (n > 1 or found.kind == "person" or len(found.tokens) == 1):
                return found
    return None

