"""Specification of canonical speakers (issue 9) on the real model: descriptions and roles resolved to the
entity the text names, organisations by their short forms, groups, unnamed sources, headlines and bylines
that name nobody, and the speaker_kind column. The texts are invented; each row is one phenomenon.

Each row: (text, canonical speaker of the text's last quote, its speaker_kind).
"""
from __future__ import annotations

import pytest

from quotes.pipeline.annotator import Annotator

pytestmark = pytest.mark.model

P = pytest.param


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator()


DESCRIPTIONS = [
    P('Indiana Gov. Mike Pence spoke in Fort Wayne on Friday.\n"We will win Indiana," the Indiana governor said.',
      "Mike Pence", "person", id="title-then-role"),
    P('Pentagon spokesman John Kirby briefed reporters on Monday.\n"The strikes will continue," the spokesman said.',
      "John Kirby", "person", id="role-before-name-then-role"),
    P('Mayor Ann Smith opened the new pier on Monday.\n"It took ten years," the mayor said.',
      "Ann Smith", "person", id="title-mayor"),
    P('Jo Park, the harbor master, inspected the pier.\n"The wood is rotten," the harbor master said.',
      "Jo Park", "person", id="apposition-then-role"),
    P('Businessman Tom Reed bought the old mill in March.\n"I will open it again," the businessman said.',
      "Tom Reed", "person", id="noun-before-name"),
    P('Tom Reed, a businessman from Dunmore, bought the mill. Ann Smith sold it to him.\n'
      '"I will open it again," the Dunmore businessman said.', "Tom Reed", "person", id="qualified-role"),
    P('"The pier is a disgrace," Jo Park wrote in the Harbor Gazette.', "Jo Park", "person", id="author-not-outlet"),
    P('Jo Park wrote in the Harbor Gazette that the pier was "a disgrace."', "Jo Park", "person",
      id="author-not-outlet-partial"),
]

ORGANISATIONS = [
    P('The Harbor Commission met on Tuesday.\n"Fares will rise in June," the commission said.',
      "Harbor Commission", "organisation", id="word-of-the-name"),
    P('The International Monetary Fund cut its forecast on Tuesday.\n"Growth will slow," the IMF report said.',
      "International Monetary Fund", "organisation", id="acronym-and-document"),
    P('The Harbor Authority issued a statement calling the closure "a necessary step."',
      "Harbor Authority", "organisation", id="document-speaks-for-its-issuer"),
    P('Senator Ann Smith met voters in Dunmore.\nHer campaign later said the meeting was "a great success."',
      "Smith campaign", "organisation", id="a-persons-campaign"),
    P('"The pier will reopen on Monday," Harbor Authority officials said.',
      "Harbor Authority", "organisation", id="officials-of-an-organisation"),
]

NAMES = [
    P('Ava Lindqvist directed the film.\n"It took four years," Lindqvist said.', "Ava Lindqvist", "person",
      id="surname-completed"),
    P('"We count on the council," said Secretary-General Ban Ki-moon.', "Ban Ki-moon", "person",
      id="hyphenated-name"),
    P('Loved by readers.\n"I am ashamed of this campaign." ― Jacklyn Ashley', "Jacklyn Ashley", "person",
      id="dash-signature"),
    P('White House Press Secretary Josh Earnest met reporters.\n"The bill will be vetoed," Earnest said.',
      "Josh Earnest", "person", id="titles-inside-the-name"),
    P('Jo Park and her husband Tom spoke to the council.\n"We want the pier back," Mr. Park said.',
      "Tom Park", "person", id="title-gender-picks-the-man"),
]

GROUPS = [
    P('"The program must end," Jo Park, Ann Smith and Tom Reed said in a letter.',
      "Jo Park and Ann Smith and Tom Reed", "group", id="three-named-speakers"),
    P('"The program must end," Jo Park and Tom Reed said.', "Jo Park and Tom Reed", "group", id="two-named-speakers"),
    P('Senators Jo Park and Tom Reed wrote to the committee.\n"The program has failed," they wrote.',
      "Jo Park and Tom Reed", "group", id="they-after-a-pair"),
]

UNNAMED = [
    P('"The talks have stalled," a spokesman said.', "spokesman", "unnamed", id="a-spokesman"),
    P('"We are not ready," officials said on Monday.', "officials", "unnamed", id="officials"),
    P('In the poll, 63 percent of voters said the plan was "too expensive."', "voters", "unnamed",
      id="a-share-of-people"),
    P('Small groups of protesters gathered in the square, chanting "Open the pier."', "protesters", "unnamed",
      id="groups-of-people"),
]

PRONOUNS = [
    P('Ann Smith met Tom Reed at the pier. Reed had worked there for years.\nHe bought a boat last year. '
      '"I sail every day," he said.', "Tom Reed", "person", id="he-the-subject-of-the-paragraph"),
    P('"We will rebuild," Tom Reed said.\nAnn Smith was not convinced. She had seen the plans.\n'
      '"It will never work," she said.', "Ann Smith", "person", id="she-not-the-previous-speaker"),
    P('Homeland Security Secretary Jo Reed spoke on Friday. Gary Reed, a candidate, spoke later.\n'
      'Earlier, Secretary Reed warned about hackers.\n"There is no single point of failure," Reed said.',
      "Jo Reed", "person", id="shared-surname-nearest"),
]


@pytest.mark.parametrize("text, speaker, kind", DESCRIPTIONS + ORGANISATIONS + NAMES + GROUPS + UNNAMED + PRONOUNS)
def test_canonical_speaker(annotator: Annotator, text: str, speaker: str, kind: str) -> None:
    rows = annotator.annotate_text(text)
    assert rows, "the quote is found"
    assert (rows[-1].speaker, rows[-1].speaker_kind) == (speaker, kind)
    _assert_mentions_outside_quotes(text, rows)


FURNITURE = [
    P('Smith Tells Council Harbor Plan Will Go Ahead.\n\nAnn Smith spoke to the council on Monday.\n\n'
      '"The plan will go ahead," she said.', "Ann Smith", id="title-case-headline"),
    P('Obama Says Museum Will Tell of "Suffering and Delight."\n\nPresident Barack Obama opened the museum on '
      'Saturday.\n\n"This museum tells the truth," Mr. Obama said.', "Barack Obama", id="headline-with-a-quote"),
    P('By Jo Park\n\nThe harbor reopened on Monday.\n\n"It was time," said Ann Smith.', "Ann Smith", id="byline"),
    P('WASHINGTON -- Senator Ann Smith said on Monday: "We will vote on Friday."', "Ann Smith", id="dateline"),
]


@pytest.mark.parametrize("text, speaker", FURNITURE)
def test_headlines_bylines_and_datelines_name_nobody(annotator: Annotator, text: str, speaker: str) -> None:
    doc = annotator.nlp(text)
    rows, names = doc._.quotes, doc._.quote_analysis.names
    assert rows[-1].speaker == speaker
    assert all(q.speaker in names or not q.speaker for q in rows)
    made_up = [n for n in names if n.split()[-1] in ("Says", "Tells", "Ahead") or n == "Jo Park"]
    assert not made_up, f"names made of headline or byline words: {made_up}"
    _assert_mentions_outside_quotes(text, rows)


def test_a_quote_inside_a_quote_gives_no_mention_inside_a_quote(annotator: Annotator) -> None:
    text = ('Ann Smith remembered the night her father resigned.\n'
            '"He told me, \'I will resign tomorrow,\' and I believed him," Smith said.')
    rows = annotator.annotate_text(text)
    assert [(q.speaker, q.speaker_mention) for q in rows] == [("Ann Smith", "Smith")]
    _assert_mentions_outside_quotes(text, rows)


@pytest.mark.parametrize("text, speaker", [
    P('My mother called me on Sunday.\nI laughed and said, "I do not believe a word of it."\n\n'
      'Jo Park is a playwright in Dunmore.', "Jo Park", id="author-note"),
    P('By Ann Smith\n\nThe ferry was late again.\nI asked the captain why, and I said, "This cannot go on."',
      "Ann Smith", id="byline"),
    P('My mother called me on Sunday.\nI laughed and said, "I do not believe a word of it."', "", id="no-author"),
])
def test_first_person_is_the_writer_the_text_names(annotator: Annotator, text: str, speaker: str) -> None:
    rows = annotator.annotate_text(text)
    assert rows[-1].speaker == speaker


def test_no_speaker_has_an_empty_kind(annotator: Annotator) -> None:
    rows = annotator.annotate_text('The crowd fell silent.\n"Never again."')
    assert [(q.speaker, q.speaker_kind) for q in rows] == [("", "")]


def _assert_mentions_outside_quotes(text: str, rows) -> None:
    for q in rows:
        if q.mention_start is None:
            continue
        assert text[q.mention_start:q.mention_end] == q.speaker_mention
        inside = [o for o in rows if o.start <= q.mention_start < o.end]
        assert not inside, f"mention {q.speaker_mention!r} lies inside the quote {inside[0].text!r}"
