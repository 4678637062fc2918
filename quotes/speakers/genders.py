"""The gender of each person a document names, from what the text says before any guess.

A pronoun's antecedent must agree in gender, so a wrong guess costs quotes: what the article says (a title
such as "Mrs.", a gendered noun such as "widow" or "congresswoman", the subject pronouns next to the name)
comes first, then the registry's word on a widely known person, then the first name: the rules' lists of
names, else the share of the name's bearers of one gender (`name_gender`, at least `thresholds.
name_gender_share`). Each entity keeps what decided its gender (`Entity.gender_evidence`).
"""
from __future__ import annotations

from .entity_table import Entity, EntityTable
from .name_gender import name_gender
from .names import is_initial


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
        if entity.kind == "person" and not entity.registered and len(entity.tokens) >= 2 \
                and entity.tokens[0].lower() not in table.first_names and _org_name(table, entity):
            entity.kind = "organisation"  # "the Dunmore Times": the NER's person is a newspaper, a committee
        if entity.kind != "person" or entity.gender:
            continue
        for pos in entity.positions:
            span_start = pos
            while span_start > 0 and table.token_entity.get(span_start - 1) is entity:
                span_start -= 1
            for t in table.doc[max(0, span_start - 2):span_start + 1]:
                entity.know_gender(titles.get(t.lower_) or _noun_gender(table, t.lower_), "article")
        for role in entity.roles:
            entity.know_gender(role_gender(role), "article")
        entity.know_gender(_pronoun_evidence(table, entity, people), "article")
        entity.know_gender(first_name_gender(table, entity), "name")


def first_name_gender(table: EntityTable, entity: Entity) -> str | None:
    """The gender a person's first name tells: the rules' lists of names, else the name dictionary's share of
    its bearers (at least `thresholds.name_gender_share`). Only a name of two words or more has a first name."""
    if entity.kind != "person" or len(entity.tokens) < 2 or is_initial(entity.tokens[0]):
        return None
    first = entity.tokens[0].lower()
    return table.first_names.get(first) or name_gender(first, table.rules.threshold("name_gender_share", 0.9))


def _noun_gender(table: EntityTable, word: str) -> str | None:
    """'Councilwoman Jo Park', 'widow Jo Park': a noun before the name that tells a woman, or the rules' nouns of
    one gender; nouns in -man ("spokesman", "chairman") are said of women too, and tell nothing by themselves."""
    if word.endswith("woman"):
        return "female"
    explicit = (table.rules.data.get("roles") or {}).get("genders") or {}
    return explicit.get(word) or table.rules.kinship.get(word)


def _org_name(table: EntityTable, entity: Entity) -> bool:
    """A name whose last word names organisations of a kind (the rules' org_types: Times, Committee, Inc.)."""
    last = entity.tokens[-1].lower().strip(".,")
    return any(last in names for kind, (_, names) in table.rules.org_types.items() if kind != "place")


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
