"""Where a document's paragraphs begin and end, in raw text, without a model.

News text ends a paragraph at a line break, but wire copy, e-mail and
plain-text archives also break lines *inside* a paragraph ("hard wrap"). A
line break is a wrap, not a paragraph break, when

- the line ends mid-sentence and the next one goes on in lowercase
  ("...the vote\\nin the spring"), in any document; or
- the document is hard-wrapped (most of its broken lines end mid-sentence
  and are no longer than a terminal's width), the line is no headline and it
  is full: it ends mid-sentence at a good length, or the next line's first
  word would not have fitted on it;

and the next line is not indented further, a list item or a dash of dialogue.
A blank line ends a paragraph, except in a double-spaced text (its lines kept
apart by blank lines, most of them ending mid-sentence), where a line that
ends mid-sentence goes on in a lowercase line after one blank line. Every line
break of `str.splitlines` counts (LF, CRLF, a lone CR, U+2028, U+2029, ...).

The scanner (`marks`), the layout of a parsed document (`windows.DocLayout`)
and the spaCy component that ends sentences at paragraph breaks
(`component.paragraph_breaks`) all read paragraphs here, so they agree.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterator

from .lines import title_case_line

LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
WRAP_WIDTH = (40, 120)  # a hard-wrapped document's lines fit a terminal (72, 76, 80 columns...)
_MID_SENTENCE_END = re.compile(r"[\w,;%$&-]$")
_LOWER_START = re.compile(r"[\"'“‘«(\[]?[a-z]")
_ITEM_START = re.compile(r"(?:[-*•·–—―]|\d{1,3}[.)])\s")
_FIRST_WORD = re.compile(r"\S+")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, line breaks excluded."""
    out, pos = [], 0
    for m in LINE_BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


class _Line:
    __slots__ = ("start", "end", "indent", "body_end")

    def __init__(self, text: str, start: int, end: int):
        self.start, self.end = start, end
        stripped = text[start:end].lstrip()
        self.indent = (end - start) - len(stripped)
        self.body_end = start + len(text[start:end].rstrip())

    @property
    def blank(self) -> bool:
        return self.body_end <= self.start + self.indent

    @property
    def length(self) -> int:
        return self.body_end - self.start


def _ends_mid_sentence(text: str, line: _Line) -> bool:
    return bool(_MID_SENTENCE_END.search(text, line.body_end - 1, line.body_end))


def _width(lengths: list[int]) -> int:
    """The wrap width: the 90th percentile of the broken lines' lengths (a long URL does not move it)."""
    ordered = sorted(lengths)
    return ordered[min(len(ordered) - 1, (9 * len(ordered)) // 10)]


class _Wraps:
    """Decides, line break by line break, whether the text goes on in the same paragraph."""

    def __init__(self, text: str, lines: list[_Line]):
        self.text = text
        broken = [a for a, b in zip(lines, lines[1:]) if not a.blank and not b.blank]
        mid = sum(1 for a in broken if _ends_mid_sentence(text, a))
        self.width = _width([a.length for a in broken]) if broken else 0
        self.hard_wrapped = (len(broken) >= 2 and 2 * mid >= len(broken)
                             and WRAP_WIDTH[0] <= self.width <= WRAP_WIDTH[1])
        # double-spaced: the lines are kept apart by blank lines, and most of them end mid-sentence
        spaced = [a for a, gap, b in zip(lines, lines[1:], lines[2:]) if not a.blank and gap.blank and not b.blank]
        self.double_spaced = (len(spaced) >= 2 and len(spaced) > len(broken)
                              and 2 * sum(1 for a in spaced if _ends_mid_sentence(text, a)) >= len(spaced))

    def joins_over_a_blank_line(self, line: _Line, nxt: _Line) -> bool:
        """In a double-spaced text, a line that ends mid-sentence goes on in the lowercase line after the blank."""
        first = nxt.start + nxt.indent
        return (self.double_spaced and nxt.indent <= line.indent and _ends_mid_sentence(self.text, line)
                and bool(_LOWER_START.match(self.text, first)) and not _ITEM_START.match(self.text, first))

    def joins(self, line: _Line, nxt: _Line) -> bool:
        text = self.text
        first = nxt.start + nxt.indent
        if nxt.indent > line.indent or _ITEM_START.match(text, first):
            return False
        mid = _ends_mid_sentence(text, line)
        if mid and _LOWER_START.match(text, first):
            return True
        if not self.hard_wrapped or title_case_line(text[line.start:line.body_end]):
            return False  # a headline or a list of titles keeps its lines
        if mid and 2 * line.length >= self.width:
            return True
        word = _FIRST_WORD.match(text, first)
        return line.length + 1 + (word.end() - word.start() if word else 0) > self.width


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph: its lines, from the first one's start to the last one's end."""
    lines = [_Line(text, s, e) for s, e in _lines(text)]
    wraps = _Wraps(text, lines)
    start = None
    for k, line in enumerate(lines):
        if line.blank:
            continue
        if start is None:
            start = line.start
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if nxt is not None and nxt.blank and k + 2 < len(lines) and not lines[k + 2].blank \
                and wraps.joins_over_a_blank_line(line, lines[k + 2]):
            continue
        if nxt is None or nxt.blank or not wraps.joins(line, nxt):
            yield start, line.end
            start = None


class ParagraphIndex:
    """Which paragraph a character offset lies in, by bisection over the paragraph starts."""

    def __init__(self, text: str | None = None, spans: list[tuple[int, int]] | None = None):
        self.spans = list(paragraphs(text)) if spans is None else spans
        self.starts = [s for s, _ in self.spans]

    def piece(self, start: int, end: int) -> "ParagraphIndex":
        """The paragraphs of text[start:end], counted from `start` (a paragraph cut by an edge keeps its part)."""
        k = self.index(start)
        spans = []
        for ps, pe in self.spans[k:]:
            if ps >= end:
                break
            if pe > start:
                spans.append((max(ps, start) - start, min(pe, end) - start))
        return ParagraphIndex(spans=spans)

    def index(self, char: int) -> int:
        return max(0, bisect_right(self.starts, char) - 1)

    def same(self, a: int, b: int) -> bool:
        return self.index(a) == self.index(b)
