"""The gender of each person a document names, from what the text says before any guess.

A pronoun's antecedent must agree in gender, so a wrong guess costs quotes:
a title ("Mrs.") and a role ("widow", "congressman") outrank a first name,
which outranks the subject pronouns near the name.
"""
from __future__ import annotations

from .entity_table import Entity, EntityTable


def assign_genders(table: EntityTable) -> None:
    """What the text says beats a guess: a title ("Mrs."), then a role ("widow", "congressman"),
    then the first name, then the pronouns near the name."""
    titles = table.rules.gender_titles
    role_gender = table.rules.role_genders
    people: dict[int, set[int]] = {}  # sentence start -> ids of the persons it names
    for i, e in table.token_entity.items():
        if e.kind == "person":
            people.setdefault(table.doc[i].sent.start, set()).add(id(e))
    for entity in table.entities.values():
        if entity.kind == "organisation" and not entity.registered and len(entity.tokens) >= 2 \
                and any(_person_role(table, r) for r in entity.roles):
            entity.kind = "person"  # "widow Terry Strada": the NER's organisation is a person
        if entity.kind != "person" or entity.gender:
            continue
        for pos in entity.positions:
            span_start = pos
            while span_start > 0 and table.token_entity.get(span_start - 1) is entity:
                span_start -= 1
            for t in table.doc[max(0, span_start - 2):span_start + 1]:
                entity.gender = entity.gender or titles.get(t.lower_)
        for role in entity.roles:
            entity.gender = entity.gender or role_gender(role)
        first = entity.tokens[0].lower()
        entity.gender = entity.gender or table.first_names.get(first) or _pronoun_evidence(table, entity, people)


def _person_role(table: EntityTable, role: str) -> bool:
    return role in table.rules.kinship or table.rules.role_genders(role) is not None \
        or role in table.rules.words("person_roles")


def _pronoun_evidence(table: EntityTable, entity: Entity, people: dict[int, set[int]]) -> str | None:
    """Gender from the subject pronouns of sentences where this person is the only one named, and of the
    sentence after one this person is the subject of."""
    votes = {"male": 0, "female": 0}
    for pos in entity.positions:
        sent = table.doc[pos].sent
        if people.get(sent.start, set()) - {id(entity)}:
            continue  # another person is named in the sentence: its pronouns may be theirs
        pronouns = [t for t in sent if t.i > pos]
        if pos in entity.subject_positions and sent.end < len(table.doc):
            # "Melanie thought it outrageous. She wasn't ...": the next sentence's opening pronoun
            nxt = next((t for t in table.doc[sent.end:min(len(table.doc), sent.end + 4)]
                        if not t.is_punct and not t.is_space), None)
            if nxt is not None and nxt.dep_ in ("nsubj", "nsubjpass"):
                pronouns.append(nxt)
        for t in pronouns:
            # only subjects: "his speech", "told him" are as often about someone else
            if not table.layout.in_quote(t.idx) and t.dep_ in ("nsubj", "nsubjpass"):
                g = {"he": "male", "she": "female"}.get(t.lower_)
                if g:
                    votes[g] += 1
    if votes["male"] != votes["female"]:
        return max(votes, key=votes.get)
    return None
