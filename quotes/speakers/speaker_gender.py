"""A speaker's gender for the table, and what says it: the article, the registry, the first name, or nothing.

What media researchers count first is how many of the people quoted are women; a guess presented as
certain would bias that count, so every gender comes with its evidence (`speaker_gender_evidence`):
- article: the article says it: a title ("Mrs."), a gendered noun ("congresswoman", "his mother", "a
  spokeswoman"), or the pronouns the article uses for the speaker ("she said", resolved to this person);
- registry: the rules' registry of widely known people says it;
- name: nothing in the article does, but the first name does (the rules' lists of names, or at least
  `thresholds.name_gender_share` of its bearers in the name dictionary);
- none: nothing does, and the gender is "unknown" (also for organisations and groups).
"""
from __future__ import annotations

from .canonical import DocSpeakers, Resolution
from .genders import first_name_gender

GENDERS = ("female", "male", "unknown")
EVIDENCE = ("article", "registry", "name", "none")
UNKNOWN = ("unknown", "none")


def speaker_gender(speakers: DocSpeakers, resolution: Resolution | None) -> tuple[str, str]:
    """(gender, evidence) of a quote's speaker."""
    if resolution is None or not resolution.speaker:
        return UNKNOWN
    if resolution.kind == "unnamed":
        # "a spokeswoman", "a 29-year-old woman": the description's own noun
        words = resolution.speaker.split()
        gender = speakers.rules.role_genders(words[-1]) if words else None
        return (gender, "article") if gender else UNKNOWN
    if resolution.kind != "person":
        return UNKNOWN
    entity = speakers.entity(resolution.speaker)
    if entity is not None and entity.gender and entity.gender_evidence == "article":
        return entity.gender, "article"
    votes = speakers.ranker.pronoun_votes(resolution.speaker)
    if votes and votes["male"] != votes["female"]:
        return max(("female", "male"), key=lambda g: votes[g]), "article"
    if entity is not None and entity.gender:
        return entity.gender, entity.gender_evidence or "name"
    if entity is not None:  # named only where its quote was read (a signature, a late name): its first name
        entity.know_gender(first_name_gender(speakers.table, entity), "name")
        if entity.gender:
            return entity.gender, "name"
    return UNKNOWN
