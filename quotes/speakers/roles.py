"""The roles a document gives the entities it names, and who holds a role a description names.

"Indiana Gov. Mike Pence" is a governor (qualified: Indiana), "David Axelrod,
Obama's former strategist" a strategist, "businessman Tom Reed" a businessman;
"the Indiana governor" is then the one holder of that role whose qualifiers
do not contradict the description's.
"""
from __future__ import annotations

from spacy.tokens import Token

from .entity_table import Entity, EntityTable

_ROLE_POS = {"NOUN", "ADJ", "PROPN"}


def role_word(table: EntityTable, word: str) -> str | None:
    return table.role_words.get(word.rstrip(".")) or table.role_words.get(word)


def title_role(table: EntityTable, entity: Entity, title: str, modifiers: set[str] | None = None) -> None:
    role = role_word(table, title)
    if role:
        entity.add_role(role, {m.rstrip(".") for m in modifiers or ()})


def read_roles(table: EntityTable) -> None:
    """Role nouns the text gives a named entity: before the name, in apposition, or as its head."""
    for i, entity in list(table.token_entity.items()):
        tok = table.doc[i]
        if table.layout.in_quote(tok.idx) or table.layout.is_furniture(tok.idx):
            continue
        if i + 1 < len(table.doc) and table.token_entity.get(i + 1) is entity:
            continue  # the last token of the name carries its relations
        _left_role(table, entity, tok)
        for child in tok.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                entity.add_role(*role_of(table, child))
        if tok.dep_ == "appos" and tok.head.pos_ == "NOUN":
            entity.add_role(*role_of(table, tok.head))
        if tok.dep_ == "compound" and tok.head.pos_ == "NOUN" and entity.kind == "person" \
                and tok.head.lemma_.lower() in table.role_words.values():
            entity.add_role(*role_of(table, tok.head))


def _left_role(table: EntityTable, entity: Entity, tok: Token) -> None:
    """'Republican presidential nominee Donald Trump', 'Indiana Gov. Mike Pence'."""
    k = tok.i - 1
    while k >= 0 and table.token_entity.get(k) is entity:
        k -= 1
    run: list[Token] = []
    while k >= 0:
        t = table.doc[k]
        if t.is_punct and t.text not in ("-",) or t.pos_ in ("DET", "VERB", "AUX", "ADP", "PRON", "CCONJ") \
                or "\n" in t.whitespace_ or table.layout.in_quote(t.idx):
            break
        if k in table.token_entity and table.token_entity[k] is not entity and t.pos_ == "PROPN" \
                and table.token_entity[k].kind == "person":
            break
        if t.pos_ not in _ROLE_POS and t.lower_ not in table.titles:
            break
        run.insert(0, t)
        k -= 1
    heads = [t for t in run if t.pos_ == "NOUN" or table.role_words.get(t.lower_.rstrip("."))]
    if not heads:
        return
    head = heads[-1]
    noun = table.role_words.get(head.lower_.rstrip(".")) or head.lemma_.lower()
    mods = {t.lower_.rstrip(".") for t in run if t.i != head.i and not t.is_punct}
    entity.add_role(noun, mods)


def role_of(table: EntityTable, noun: Token) -> tuple[str, set[str]]:
    """A role noun and the words that qualify it ("the Indiana governor" -> governor, {indiana})."""
    mods = set()
    for t in noun.subtree:
        if t.i < noun.i and t.dep_ in ("amod", "compound", "nmod", "poss", "npadvmod") and not t.is_punct:
            mods.add(t.lower_.rstrip("."))
    lemma = noun.lemma_.lower()
    return table.role_words.get(lemma, lemma), mods


def holders(table: EntityTable, noun: str, modifiers: set[str], kind: str | None = None) -> list[Entity]:
    """Entities the text gave this role, whose qualifiers do not contradict the description's."""
    out = []
    for e in table.entities.values():
        if noun not in e.roles or (kind and e.kind != kind) or not e.positions:
            continue
        known = e.roles[noun] | {w.lower() for w in e.tokens} | {m for r in e.roles.values() for m in r}
        if modifiers <= known:
            out.append(e)
    return out
