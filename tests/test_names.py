"""Pure name logic (no model): headline lines, acronyms, middle initials."""
from __future__ import annotations

import pytest

from quotes.speakers.names import acronym, drop_middle_initials, looks_like_acronym
from quotes.text.lines import title_case_line

P = pytest.param


@pytest.mark.parametrize("line, share, expected", [
    P("Obama Says Museum Will Tell of Suffering and Delight.", 1.0, True, id="headline"),
    P("Veto Power Impedes Peace Efforts:", 1.0, True, id="section-title"),
    P("said White House Press Secretary Josh Earnest.", 1.0, False, id="prose-full-of-names"),
    P("Jo Park spoke on Monday.", 0.85, False, id="short-prose"),
    P("Obama Sees Personal Insult if Blacks Don't Rally for Hillary Clinton.", 0.85, True, id="first-line-one-lowercase"),
    P("Hillary Clinton.", 1.0, False, id="too-short"),
])
def test_title_case_line(line: str, share: float, expected: bool) -> None:
    assert title_case_line(line, share=share) is expected


@pytest.mark.parametrize("name, expected", [
    ("International Monetary Fund", "IMF"),
    ("Government Accountability Office", "GAO"),
    ("Commission on Presidential Debates", "CPD"),
    ("NASA", None),
    ("Smith", None),
])
def test_acronym(name: str, expected: str | None) -> None:
    assert acronym(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("Donald J. Trump", "Donald Trump"),
    ("Leonard E. Burman", "Leonard Burman"),
    ("J. K. Rowling", "J. K. Rowling"),
    ("Ann Smith", "Ann Smith"),
])
def test_middle_initials(name: str, expected: str) -> None:
    assert drop_middle_initials(name) == expected


@pytest.mark.parametrize("word, expected", [("IMF", True), ("U.S.", True), ("NASA", True), ("Smith", False),
                                            ("A", False)])
def test_looks_like_acronym(word: str, expected: bool) -> None:
    assert looks_like_acronym(word) is expected
