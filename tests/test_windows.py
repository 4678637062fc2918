"""Page furniture read from a line (`quotes.text.windows`): bylines and datelines, on any line in linear time."""
from __future__ import annotations

import pytest

from quotes.text.windows import _DATELINE, is_byline

P = pytest.param

BYLINES = [
    P("By Jo Park", True, id="one-name"),
    P("BY JO PARK.", True, id="capitals-and-a-full-stop"),
    P("By Jo Park and Ann Smith, Associated Press", True, id="two-names-and-an-agency"),
    P("By Jo Park, Ann Smith, Tom Reed", True, id="three-names"),
    P("By Jo Park,", False, id="a-trailing-comma"),
    P("By the way, the pier is open.", False, id="prose"),
    P("Jo Park", False, id="no-by"),
    # no pattern tries every way of splitting these between its parts: minutes each, once
    P("By Jo" + " and Ab" * 5000 + " x!", False, id="thousands-of-ands-then-no-byline"),
    P("By Jo" + ", Ann Bb" * 5000, True, id="thousands-of-names"),
]


@pytest.mark.parametrize("line, expected", BYLINES)
def test_bylines(line: str, expected: bool) -> None:
    assert is_byline(line) is expected


DATELINES = [
    P("WASHINGTON -- The museum opens.", "WASHINGTON -- ", id="city"),
    P("FLINT, Mich., Oct. 4 (AP) - The water", "FLINT, Mich., Oct. 4 (AP) - ", id="city-state-date-agency"),
    P("The museum opens.", None, id="prose"),
    P("WASHINGTON" + ", Ab." * 5000 + " x", None, id="thousands-of-abbreviations-then-no-dash"),
]


@pytest.mark.parametrize("line, expected", DATELINES)
def test_datelines(line: str, expected: str | None) -> None:
    m = _DATELINE.match(line)
    assert (m.group() if m else None) == expected


def test_an_endless_paragraph_is_read_in_sections() -> None:
    """What looks back "a few paragraphs" looks back a bounded stretch even in one endless paragraph;
    a section ends at a sentence end outside quotes, and news paragraphs are never cut."""
    import spacy

    from quotes.text.marks import scan
    from quotes.text.windows import SECTION_CHARS, DocLayout

    nlp = spacy.blank("en")
    sentence = 'Jo Park said "we will win. We will." The harbor opens on Monday. '
    text = sentence * (3 * SECTION_CHARS // len(sentence))
    layout = DocLayout(nlp(text), scan(text))
    assert len(layout.paras) >= 3
    assert all(pe - ps <= SECTION_CHARS + len(sentence) for ps, pe in layout.paras)
    assert all(text[pe - 1] == "." and not layout.in_quote(pe - 1) for ps, pe in layout.paras[:-1])
    assert "".join(text[ps:pe] + " " for ps, pe in layout.paras).rstrip() == text.rstrip()
    short = "One paragraph. " * 100
    assert DocLayout(nlp(short), scan(short)).paras == [(0, len(short))]
