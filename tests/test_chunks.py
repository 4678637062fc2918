"""Long documents through the model in pieces (`quotes.pipeline.chunks`): the pieces cover the text exactly, end at
paragraphs, and the rows are those of one parse."""
from __future__ import annotations

import pytest

from quotes.bench.hostile import PATHOLOGICAL
from quotes.pipeline import chunks
from quotes.pipeline.chunks import pieces, rough_tokens
from quotes.text.paragraphs import ParagraphIndex

P = pytest.param


def _cut(text: str, size: int) -> list[str]:
    return [text[s:e] for s, e, _ in pieces(text, ParagraphIndex(text).starts, size)]


PIECES = [
    P("One two.\nThree four.\nFive six.\n", 4, ["One two.\n", "Three four.\n", "Five six.\n"], id="at-paragraphs"),
    P("One two. Three four. Five six.", 5, ["One two. ", "Three four. ", "Five six."], id="long-paragraph-at-sentences"),
    P("one two three four five six", 3, ["one two three ", "four five six"], id="no-sentence-at-spaces"),
    P("a" * 50, 3, ["a" * 50], id="one-giant-word-is-one-piece"),
    P("Short.", 400, ["Short."], id="a-short-document-is-one-piece"),
    P("", 400, [""], id="empty"),
]


@pytest.mark.parametrize("text, size, expected", PIECES)
def test_pieces(text: str, size: int, expected: list[str]) -> None:
    assert _cut(text, size) == expected


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pieces_cover_every_pathological_text_exactly(name: str) -> None:
    text = PATHOLOGICAL[name](20_000, 0)
    cut = pieces(text, ParagraphIndex(text).starts)
    assert "".join(text[s:e] for s, e, _ in cut) == text
    assert all(s < e for s, e, _ in cut) and all(a[1] == b[0] for a, b in zip(cut, cut[1:]))
    assert all(n == rough_tokens(text[s:e]) for s, e, n in cut)
    # a piece passes the limit only when no cut was possible within it (one word longer than a piece)
    assert all(n <= chunks.PIECE_TOKENS + 1 for _, _, n in cut)


@pytest.mark.model
def test_a_document_in_pieces_gives_the_rows_of_one_parse(monkeypatch) -> None:
    from quotes.pipeline.annotator import Annotator

    annotator = Annotator()
    text = PATHOLOGICAL["many paragraphs"](12_000, 0)
    in_pieces = annotator.annotate_text(text, "d")
    monkeypatch.setattr(chunks, "PIECE_TOKENS", 10**9)
    monkeypatch.setattr(chunks, "BATCH_TOKENS", 10**9)
    whole = annotator.annotate_text(text, "d")
    assert len(in_pieces) > 100
    assert [q.to_row() for q in in_pieces] == [q.to_row() for q in whole]
