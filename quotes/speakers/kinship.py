"""Relatives named by first name take the family name: "Smith's mother Ann" is Ann Smith.

Runs once the entity table and the antecedent ranker exist, since the owner of
a kinship noun may be a pronoun ("his wife, Julie").
"""
from __future__ import annotations

from typing import Callable

from spacy.tokens import Token

from .entity_table import Entity, EntityTable
from .registry import name_key


_OWNER_GENDER = {"his": "male", "her": "female"}


class Relatives:
    """Kinship links of one document: (kin noun, owner's name key) -> the relative."""

    def __init__(self, table: EntityTable, kin: dict[str, str], resolve_owner: Callable[[Token], Entity | None]):
        self.table = table
        self.kin = kin
        self.resolve_owner = resolve_owner
        self.links: dict[tuple[str, str], Entity] = {}
        self._build()

    def _build(self) -> None:
        doc, layout, table = self.table.doc, self.table.layout, self.table
        for tok in doc:
            if tok.lemma_.lower() not in self.kin or tok.pos_ != "NOUN" or layout.in_quote(tok.idx):
                continue
            owner_tok = next((c for c in tok.children if c.dep_ == "poss"), None)
            if owner_tok is None:
                continue
            relative = self._relative_name(tok, owner_tok)
            owner = self.resolve_owner(owner_tok)
            if owner is None:
                continue
            if owner.kind == "person" and owner_tok.lower_ in _OWNER_GENDER:
                owner.know_gender(_OWNER_GENDER[owner_tok.lower_], "article")  # "Lee Park and his daughter"
            if owner.kind != "person":
                if owner.registered:
                    continue
                owner.kind = "person"  # an organisation has no mother: the NER got this name wrong
            gender = self.kin[tok.lemma_.lower()]
            if relative is None:
                continue
            surname = owner.tokens[1:] if len(owner.tokens) > 1 else owner.tokens
            full = " ".join([relative.text] + surname)
            entity = table.get(full)
            if entity is None:
                old = table.token_entity.get(relative.i)
                entity = Entity(full, "person")
                entity.know_gender(gender, "article")
                if old is not None and len(old.tokens) == 1:
                    # the first name alone was an entity of its own: fold it into the full name
                    entity.positions = old.positions
                    entity.subject_positions = old.subject_positions
                    table.entities.pop(name_key(old.name), None)
                    for i, e in list(table.token_entity.items()):
                        if e is old:
                            table.token_entity[i] = entity
                table.entities[name_key(full)] = entity
            entity.know_gender(gender, "article")
            self._fold_surname(entity, surname)
            entity.add_role(tok.lemma_.lower(), {w.lower() for w in owner.tokens})
            table.token_entity[relative.i] = entity
            self.links[(tok.lemma_.lower(), name_key(owner.name))] = entity

    def _fold_surname(self, relative: Entity, surname: list[str]) -> None:
        """"Mr. Park" read before the text named Tom Park, Jo Park's husband: the surname of his gender is his."""
        table = self.table
        alone = table.get(" ".join(surname))
        if alone is None or alone is relative or alone.kind != "person" or alone.gender != relative.gender:
            return
        relative.positions = sorted(relative.positions + alone.positions)
        relative.subject_positions |= alone.subject_positions
        table.entities.pop(name_key(alone.name), None)
        for i, e in list(table.token_entity.items()):
            if e is alone:
                table.token_entity[i] = relative

    def _relative_name(self, kin: Token, owner: Token) -> Token | None:
        """The first name right after a kinship noun ("mother Mary", "wife, Julie") or apposed to it."""
        doc = kin.doc
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

    def relative(self, noun: str, owner: Entity) -> Entity | None:
        return self.links.get((noun, name_key(owner.name)))
