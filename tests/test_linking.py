"""The kinds of error canonical speakers made on unseen news (issue 21), each as invented sentences, with the
shipped (learned) linking weights: an organisation spoken for by a description, a pronoun among people of one
gender, a surname whose full name has initials or a suffix, a name the text gives in full only elsewhere, and
page furniture that names nobody. No article, outlet or person of the gold is named here.

Each row: (text, the canonical speaker of the text's last quote, its speaker_kind).
"""
from __future__ import annotations

import pytest

from quotes.pipeline.annotator import Annotator

pytestmark = pytest.mark.model

P = pytest.param


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator(unit="utterance")


ORGANISATION_DESCRIPTIONS = [
    P('The Dunmore Gazette ran an editorial on Sunday about the harbour.\n\n'
      '"The council has failed the town," the newspaper said.', "Dunmore Gazette", "organisation", id="the-newspaper"),
    P('Harbour Watch, a campaign for the old pier, met on Monday in Eastfield.\n\n'
      '"We will not stop until it is rebuilt," the group said in a statement.', "Harbour Watch", "organisation",
      id="the-group"),
    P('Westbury Foods Inc. closed its plant in Dunmore last week.\n\n'
      '"The decision was a difficult one," the company said.', "Westbury Foods Inc.", "organisation",
      id="the-company"),
    P('The Harbour Commission published its review of the pier on Tuesday.\n\n'
      '"The structure cannot be saved," the report said.', "Harbour Commission", "organisation", id="the-report"),
    P('"The pier will reopen in June," a spokesman said.', "spokesman", "unnamed", id="a-spokesman-stays-unnamed"),
]

SAME_GENDER_PRONOUNS = [
    P('Tom Reed, a farmer from Dunmore, spoke to Sam Hill at the market on Monday.\n\n'
      '"The harvest was poor this year," he said.', "Tom Reed", "person", id="he-is-the-subject-before"),
    P('Ann Smith met Jo Park at the council on Monday. Park, a nurse, had asked for the meeting.\n\n'
      '"We need a new clinic," she said.', "Jo Park", "person", id="she-is-the-subject-just-before"),
]

NAMES = [
    P('Thomas R. Reed Jr. opened the mill in 1990.\n\n"We will open again in May," Mr. Reed said.',
      "Thomas Reed", "person", id="mr-surname-joins-a-name-with-an-initial-and-a-suffix"),
    P('Jo B. Park spoke at the pier on Monday.\n\n"The wood is rotten," Park said.', "Jo Park", "person",
      id="surname-joins-a-name-with-an-initial"),
    P('Ava Lindqvist won an award for "The Ava Lindqvist Hour" last year.\n\n"It took ten years," Lindqvist said.',
      "Ava Lindqvist", "person", id="full-name-also-in-a-title"),
    P('Spokeswoman Haley Brandt declined to comment further.\n\n"We have nothing to add," Brandt said.',
      "Haley Brandt", "person", id="title-before-a-name"),
]

FURNITURE = [
    P('DUNMORE, Ohio (AP) — The council met on Monday.\n\n"We will rebuild the pier," Mayor Ann Smith said.',
      "Ann Smith", "person", id="dateline-is-no-speaker"),
    P('Jo Park wrote on Twitter on Monday.\n\n"The pier is a disgrace," Park wrote. @jopark',
      "Jo Park", "person", id="tweet-markup-is-no-speaker"),
]


@pytest.mark.parametrize("text, speaker, kind", ORGANISATION_DESCRIPTIONS + SAME_GENDER_PRONOUNS + NAMES + FURNITURE)
def test_the_speaker_of_the_last_quote(annotator: Annotator, text: str, speaker: str, kind: str) -> None:
    last = annotator.annotate_text(text, "t")[-1]
    assert (last.speaker, last.speaker_kind) == (speaker, kind)


GENDERS = [
    P('Mrs. Jo Park opened the bakery.\n\n"We bake at dawn," Park said.', "female", "article", id="a-title"),
    P('Quinn Hale opened the bakery.\n\n"We bake at dawn," Hale said. "Come early," she added.', "female", "article",
      id="a-pronoun-resolved-to-the-speaker"),
    P('Councilwoman Quinn Hale spoke at the pier.\n\n"We will rebuild it," Hale said.', "female", "article",
      id="a-gendered-noun"),
    P('Margaret Hale spoke at the pier.\n\n"We will rebuild it," Hale said.', "female", "name", id="a-first-name"),
    P('Robert Hale spoke at the pier.\n\n"We will rebuild it," Hale said.', "male", "name", id="a-mans-first-name"),
    P('Quinn Hale spoke at the pier.\n\n"We will rebuild it," Hale said.', "unknown", "none",
      id="a-name-of-either-is-no-guess"),
    P('"We will rebuild it," the Harbour Commission said.', "unknown", "none", id="an-organisation"),
    P('"We will rebuild it," a spokeswoman said.', "female", "article", id="an-unnamed-spokeswoman"),
]


@pytest.mark.parametrize("text, gender, evidence", GENDERS)
def test_the_speakers_gender_and_what_says_it(annotator: Annotator, text: str, gender: str, evidence: str) -> None:
    last = annotator.annotate_text(text, "t")[-1]
    assert (last.speaker_gender, last.speaker_gender_evidence) == (gender, evidence)


def test_a_gender_the_registry_knows(tmp_path) -> None:
    from quotes.rules import load_rules, parse_rules

    rules = load_rules()
    data = rules.data
    data["speakers"]["Quinn Hale"] = {"aliases": ["Hale"], "kind": "person", "gender": "female", "source": "seed"}
    last = Annotator(parse_rules(data)).annotate_text('Quinn Hale spoke at the pier.\n\n"We will," Hale said.')[-1]
    assert (last.speaker, last.speaker_gender, last.speaker_gender_evidence) == ("Quinn Hale", "female", "registry")
