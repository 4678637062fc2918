"""Specification of paragraph finding (`quotes.text.paragraphs.paragraphs`): a wrapped line from a paragraph break.

Each row is (text, the paragraphs it holds, each as its text). No model needed.
"""
from __future__ import annotations

import pytest

from quotes.text.paragraphs import ParagraphIndex, paragraphs

P = pytest.param

WIRE = ("WASHINGTON (AP) -- Senator Jo Park said on Monday that the harbor bill\n"
        "would pass. \"We will win the vote in the spring, and nobody will lose\n"
        "a job,\" Park told reporters at the Capitol. \"It is close, but we have\n"
        "the numbers.\"\n"
        "\n"
        "Ann Smith, who leads the opposition, disagreed. \"They do not have the\n"
        "votes,\" Smith said.")

INDENTED = ("   The harbor will close in May, the port authority said on Monday in\n"
            "a statement that surprised the workers who had gathered at the pier.\n"
            "   \"Nobody will lose a job,\" said Jo Park, who runs the authority and\n"
            "has promised to move the crews to the north pier by the end of June.")

PARAGRAPHS = [
    # -- news layout: a line break ends a paragraph --------------------------------------
    P("One.\nTwo.", ["One.", "Two."], id="one-line-per-paragraph"),
    P("One.\n\n\nTwo.", ["One.", "Two."], id="blank-lines"),
    P("One.\r\nTwo.\rThree.\u2028Four.\u2029Five.", ["One.", "Two.", "Three.", "Four.", "Five."],
      id="every-line-break-of-splitlines"),
    P("“We will win,” Park said.\n“We are ready.\nThe vote is on Monday.",
      ["“We will win,” Park said.", "“We are ready.", "The vote is on Monday."], id="short-news-paragraphs"),
    P("Obama Says Museum Will Tell Story\nWASHINGTON — The museum opens.",
      ["Obama Says Museum Will Tell Story", "WASHINGTON — The museum opens."], id="headline-then-dateline"),
    P("Derelict Obama and Clinton; \nTrump will go on offense", ["Derelict Obama and Clinton; ", "Trump will go on offense"],
      id="headline-and-subhead"),
    # -- a line that goes on in lowercase is wrapped, in any document ---------------------
    P("\"We will win the vote\nin the spring,\" Park said.", ["\"We will win the vote\nin the spring,\" Park said."],
      id="wrapped-before-lowercase"),
    P("Editor’s note: Donald Trump regularly\nincites\npolitical violence.",
      ["Editor’s note: Donald Trump regularly\nincites\npolitical violence."], id="ragged-lines"),
    P("a terrorist act and a hate\u00a0\ncrime, he said.", ["a terrorist act and a hate\u00a0\ncrime, he said."],
      id="wrapped-after-a-no-break-space"),
    # -- a double-spaced text: a line that ends mid-sentence goes on after one blank line --------
    P("The harbor will close in May, and the\n\nworkers will move to the north\n\npier by the end of June.",
      ["The harbor will close in May, and the\n\nworkers will move to the north\n\npier by the end of June."],
      id="double-spaced-lines"),
    P("Jo Park spoke on Monday.\n\nThe harbor will close, and\n\nthe workers will move.\n\nNobody knew why."
      "\n\nThe vote is on Friday.",
      ["Jo Park spoke on Monday.", "The harbor will close, and", "the workers will move.", "Nobody knew why.",
       "The vote is on Friday."], id="news-paragraphs-are-no-double-spaced-text"),
    P("The harbor will close in May, and the\n\nWorkers Union will move to the north\n\npier by the end of June.",
      ["The harbor will close in May, and the", "Workers Union will move to the north\n\npier by the end of June."],
      id="double-spaced-capital-starts-a-paragraph"),
    # -- a hard-wrapped document: full lines are wrapped, whatever comes next -------------
    P(WIRE, [WIRE.split("\n\n")[0], WIRE.split("\n\n")[1]], id="wire-copy"),
    P(INDENTED, [INDENTED[:INDENTED.index("   \"")].rstrip("\n"), INDENTED[INDENTED.index("   \""):]],
      id="indented-paragraphs"),
    P("The pier will close in May, the port authority said on Monday in a\n"
      "statement.\n"
      "- the north pier\n"
      "- the south pier",
      ["The pier will close in May, the port authority said on Monday in a\nstatement.", "- the north pier",
       "- the south pier"], id="list-items-keep-their-lines"),
    P("1\nJohn Leguizamo On How U.S. History Makes Latinos Feel Invisible.\n2\nSalma Hayek Spoke.",
      ["1", "John Leguizamo On How U.S. History Makes Latinos Feel Invisible.", "2", "Salma Hayek Spoke."],
      id="numbered-titles-are-no-wrapped-text"),
]


@pytest.mark.parametrize("text, expected", PARAGRAPHS)
def test_paragraphs(text: str, expected: list[str]) -> None:
    found = list(paragraphs(text))
    assert [text[s:e] for s, e in found] == expected


def test_paragraph_index_answers_by_offset() -> None:
    text = "One.\nTwo and\nthree.\n\nFour."
    index = ParagraphIndex(text)
    assert [index.index(text.index(w)) for w in ("One", "Two", "three", "Four")] == [0, 1, 1, 2]
    assert index.same(text.index("Two"), text.index("three"))
    assert not index.same(text.index("One"), text.index("Two"))
