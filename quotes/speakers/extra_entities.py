"""Entities the NER does not give: surnames it missed, full names only a headline holds, organisations
named after a person ("the Trump campaign"), groups of named speakers, and an op-ed's writer.
"""
from __future__ import annotations

import re

from .entity_table import Entity, EntityTable, Mention
from .name_gender import shares
from .names import name_tokens, span_text
from .registry import name_key

_BYLINE_START = re.compile(r"^\s*(?:By|BY)\s+[A-Z]")
# "Jo Park is a playwright in Dunmore.", "Jo Park, a lawyer, lives in Dunmore." at a text's end
_AUTHOR_NOTE = re.compile(r"^\s*(?:[A-Z][\w.'’-]+\s+){1,3}[A-Z][\w'’-]+(?:,\s+an?\s|\s+(?:is|was|teaches|writes|lives)\s)")


def complete_from_headline(table: EntityTable, m: Mention) -> None:
    """A headline may hold the only full name ("Hillary Clinton Goes After ..."; the body says "Clinton"):
    a known first name and the surname of a body entity complete it."""
    words = m.words
    for k in range(len(words) - 1):
        first, last = words[k], words[k + 1]
        entity = table.entities.get(name_key(last))
        if entity is None or first.lower() not in table.first_names or entity.registered or len(entity.tokens) != 1:
            continue
        if m.label != "PERSON" and entity.kind != "person":
            continue
        full = f"{first} {last}"
        if name_key(full) in table.entities:
            continue
        del table.entities[name_key(last)]
        entity.name, entity.kind = full, "person"
        entity.forms.add(name_key(full))
        table.entities[name_key(full)] = entity
        return


def complete_surnames(table: EntityTable) -> None:
    """A person the body names by surname only ("Maddow said") whose full name stands elsewhere, in a quote
    or a title too ("The Rachel Maddow Show"): a first name right before the same surname completes it, when
    the text gives it one first name only. A first name is one of the rules' lists, or a proper noun the name
    dictionary knows that the NER does not call a place or an organisation."""
    for entity in list(table.entities.values()):
        if entity.kind != "person" or len(entity.tokens) != 1 or entity.registered or len(entity.name) < 3:
            continue
        surname = entity.name
        firsts = set()
        for tok in table.doc[1:]:
            if tok.text != surname:
                continue
            prev = tok.doc[tok.i - 1]
            word = prev.text
            if not (word[:1].isupper() and word.isalpha() and word != surname) or prev.lower_ in table.titles \
                    or prev.lower_ in table.role_words or prev.ent_type_ in ("GPE", "ORG", "NORP", "LOC", "FAC"):
                continue
            if prev.lower_ in table.first_names or (prev.pos_ == "PROPN" and shares(word) is not None):
                firsts.add(word)
        if len(firsts) != 1:
            continue
        full = f"{firsts.pop()} {surname}"
        if name_key(full) in table.entities:
            continue
        del table.entities[name_key(surname)]
        entity.name = full
        entity.forms.add(name_key(full))
        table.entities[name_key(full)] = entity


def sweep_surnames(table: EntityTable) -> None:
    """Surnames the NER missed or read as nouns ("Ham went on to explain"): a capitalised word equal to the
    last name of one person the text named in full, as a subject or a proper noun."""
    surnames: dict[str, list[Entity]] = {}
    for e in table.entities.values():
        if e.kind == "person" and len(e.tokens) >= 2:
            surnames.setdefault(e.tokens[-1].lower(), []).append(e)
    for tok in table.doc:
        if tok.i in table.token_entity or not tok.text[:1].isupper() or tok.lower_ not in surnames:
            continue
        owners = surnames[tok.lower_]
        if len(owners) != 1 or table.layout.in_quote(tok.idx) or table.layout.is_furniture(tok.idx):
            continue
        if tok.pos_ != "PROPN" and tok.dep_ not in ("nsubj", "nsubjpass", "poss", "pobj"):
            continue
        if tok.i > 0 and table.doc[tok.i - 1].pos_ == "PROPN" and table.doc[tok.i - 1].text[:1].isupper():
            continue  # "Olive Meehan": the last word of another name
        entity = owners[0]
        table.token_entity[tok.i] = entity
        entity.positions.append(tok.i)
        if tok.dep_ in ("nsubj", "nsubjpass"):
            entity.subject_positions.add(tok.i)


def add_campaigns(table: EntityTable) -> None:
    """'Donald Trump's campaign', 'the Obama administration': an organisation named after a person,
    that speaks through aides (the rules' person_org_nouns)."""
    nouns = table.rules.words("person_org_nouns")
    for tok in table.doc:
        if tok.lemma_.lower() not in nouns or tok.pos_ != "NOUN" or table.layout.in_quote(tok.idx):
            continue
        owner = next((table.token_entity[c.i] for c in tok.children
                      if c.dep_ in ("poss", "compound") and c.i in table.token_entity), None)
        if owner is None or owner.kind != "person":
            continue
        if tok.text[:1].isupper():
            # "the Jo Park Foundation" is the name of one, written in full; "the Park campaign" is the guide's
            words = [t.text for t in table.doc[tok.left_edge.i:tok.i + 1] if t.pos_ == "PROPN" or t.i == tok.i]
            entity = table.attach(words, "organisation", "ORG")
        else:
            entity = table.attach([owner.tokens[-1], tok.lemma_.lower()], "organisation", "ORG")
        table.token_entity[tok.i] = entity
        entity.positions.append(tok.i)
        if tok.dep_ in ("nsubj", "nsubjpass"):
            entity.subject_positions.add(tok.i)


def add_groups(table: EntityTable) -> None:
    """Named people or organisations coordinated ("Smith and Park sent a letter", "critics like Senators
    Smith and Park"): a group that "they" may refer back to."""
    for tok in table.doc:
        if tok.i not in table.token_entity or tok.dep_ == "conj" or table.layout.in_quote(tok.idx):
            continue
        members = [tok] + [c for c in tok.children if c.dep_ == "conj"]
        members += [g for c in members[1:] for g in c.children if g.dep_ == "conj"]
        found = []
        for m in members:
            e = table.token_entity.get(m.i)
            if e is not None and e not in found and e.kind in ("person", "organisation"):
                found.append(e)
        if len(found) < 2 or not any(c.dep_ == "cc" for m in members for c in m.children):
            continue
        name = " and ".join(e.name for e in found)
        group = table.entities.get(name_key(name)) or table.new_entity(name, "group")
        group.positions.append(tok.i)
        # the subject, or what a subject is said to be like ("critics like Smith and Park")
        head = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ in ("like", "including") else tok
        if head.dep_ in ("nsubj", "nsubjpass"):
            group.subject_positions.add(tok.i)


def find_author(table: EntityTable) -> Entity | None:
    """Who writes in the first person: the byline's name ("By Jo Park"), or the person an author's note at
    the end introduces ("Jo Park is a playwright in Dunmore.")."""
    paras = table.layout.paras
    candidates = [(ps, pe, False) for ps, pe in paras[:3] if _BYLINE_START.match(table.layout.text[ps:pe])]
    # an author's note ends a text: never its first paragraph, which introduces the story's own people
    candidates += [(ps, pe, True) for ps, pe in paras[1:][-3:] if _AUTHOR_NOTE.match(table.layout.text[ps:pe])]
    for ps, pe, note in candidates:
        span = table.layout.span(ps, pe)
        if span is None:
            continue
        people = [e for e in span.ents if e.label_ == "PERSON" and e.start_char - ps <= 3]
        if not people:
            continue
        toks, _ = name_tokens(people[0], table.titles, True)
        words = span_text(toks).split()
        if len(words) < 2:
            continue
        known = table.find(words)
        if note and known is not None and any(table.doc[p].idx < ps for p in known.positions):
            continue  # "Jo Park is expected to testify": a person of the story, not its writer
        entity = known or table.attach(words, "person", "PERSON")
        entity.kind = "person"
        return entity
    return None
