"""Find quoted stretches in raw text, for every mark style, without a model.

The scanner never gives up on a document: a broken mark is recovered locally
(at the end of its paragraph at the latest) and every other quote is kept.
Offsets are character offsets into the text, end exclusive, marks outside.

How marks are read, in the manner of Markdown's "flanking" delimiters: a mark
can open a quote when a word follows it, and close one when a word or
punctuation precedes it; curly and angle marks add their direction; single
marks between letters (it's, Smith's), before digits ('90s) or in common
elisions ('em, rock 'n' roll) are apostrophes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .paragraphs import paragraphs  # noqa: F401 - the scanner reads paragraphs there, like the layout

# family of each mark character, and its preferred role
_FAMILY = {
    '"': "double", "“": "double", "”": "double", "„": "double", "‟": "double", "″": "double",
    "'": "single", "‘": "single", "’": "single", "‚": "single", "‛": "single",
    "«": "angle", "»": "angle", "‹": "angle1", "›": "angle1",
}
_OPENERS = set("“„‟‘‚‛«‹")
_CLOSERS = set("”’»›")
MARK_CHARS = "".join(_FAMILY)
DASHES = "–—―"
_ELISIONS = re.compile(r"(?i)(em|cause|til|n|tis|twas|bout|round|nother|cuz|kay|sup|ello|ave)\b")
_CLOSE_PUNCT = set(".,;:!?…)]}—–-/")
_OPEN_PUNCT = set("([{—–-/")


@dataclass(frozen=True)
class ScannedQuote:
    """A quoted stretch of text.

    start/end: the content, marks excluded; depth: 0 for an outermost quote;
    paragraphs: how many paragraphs it spans (news style reopens each one);
    recovered: None, "unclosed" (ended at its paragraph's end) or "mismatched"
    (closed by a mark of another kind); style: double, single, angle or dash.
    """

    start: int
    end: int
    open_mark: str
    close_mark: str
    style: str
    depth: int = 0
    paragraphs: int = 1
    recovered: str | None = None


@dataclass
class _Mark:
    pos: int
    char: str
    family: str
    can_open: bool
    can_close: bool
    weak: bool = False  # an s' that may be a plural possessive: closes only if no later mark will


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in "@#$£€"


def _classify(text: str, i: int, start: int, end: int) -> _Mark | None:
    ch = text[i]
    fam = _FAMILY[ch]
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < end else " "
    if prev == "=" or (prev in "\\" and fam != "single"):
        return None  # markup attribute values (author="...") and escaped marks hold nobody's words
    left_flank = not nxt.isspace() and (prev.isspace() or prev in _OPEN_PUNCT or prev in MARK_CHARS)
    right_flank = not prev.isspace() and (nxt.isspace() or nxt in _CLOSE_PUNCT or nxt in MARK_CHARS)
    if fam == "single":
        if _is_word(prev) and _is_word(nxt):
            return None  # it's, Smith's, rock'n'roll
        if nxt.isdigit() and not prev.isalnum():
            return None  # '90s
        if not prev.isalnum() and _ELISIONS.match(text, i + 1, end) and ch in "'’":
            return None  # 'em, 'cause, 'n'
        if prev in "nN" and i - 2 >= start and text[i - 2] in "'’" and (i - 3 < start or not text[i - 3].isalnum()):
            return None  # the second mark of rock 'n' roll
    can_open = left_flank or (prev.isspace() and nxt in MARK_CHARS)
    can_close = right_flank
    if ch in "»›" and prev.isspace() and (nxt.isspace() or nxt in _CLOSE_PUNCT or i + 1 >= end):
        can_close, can_open = True, False  # French spacing: « Nous gagnerons », a dit...
    if ch in "«‹" and nxt.isspace() and (prev.isspace() or i == start):
        can_open, can_close = True, False
    if not can_open and not can_close:
        # glued on both sides (word"word) or floating between spaces: either role
        can_open = can_close = True
    if ch in _OPENERS and can_open:
        can_close = can_close and not left_flank
    if ch in _CLOSERS and can_close:
        can_open = can_open and not right_flank
    weak = fam == "single" and can_close and prev.lower() in "sz" and nxt.isspace()
    return _Mark(i, ch, fam, can_open, can_close, weak)


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    out = []
    for i in range(start, end):
        if text[i] in _FAMILY:
            m = _classify(text, i, start, end)
            if m is not None:
                out.append(m)
    return out


@dataclass
class _Open:
    mark: _Mark
    content_start: int
    paragraphs: int = 1


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _has_words(text: str, start: int, end: int) -> bool:
    return any(c.isalnum() for c in text[start:end])


class _Scanner:
    """Pairs the marks of one document's paragraphs, carrying open quotes across breaks."""

    def __init__(self, text: str):
        self.text = text
        self.out: list[ScannedQuote] = []
        self.stack: list[_Open] = []
        self.skip = -1  # position of a continued quote's reopening mark

    def run(self, paras: list[tuple[int, int]]) -> list[ScannedQuote]:
        for k, (ps, pe) in enumerate(paras):
            marks = [m for m in _marks(self.text, ps, pe) if m.pos != self.skip]
            self._pair(marks)
            self._end_paragraph(pe, paras[k + 1] if k + 1 < len(paras) else None)
        return self.out

    def _emit(self, op: _Open, end: int, close_mark: str, recovered: str | None, depth: int) -> None:
        s, e = _strip_span(self.text, op.content_start, end)
        if e > s and _has_words(self.text, s, e):
            self.out.append(ScannedQuote(s, e, op.mark.char, close_mark, op.mark.family, depth,
                                         op.paragraphs, recovered))

    def _open_index(self, family: str) -> int | None:
        for idx in range(len(self.stack) - 1, -1, -1):
            if self.stack[idx].mark.family == family:
                return idx
        return None

    def _pair(self, marks: list[_Mark]) -> None:
        for n, m in enumerate(marks):
            open_idx = self._open_index(m.family)
            idx = open_idx if m.can_close else None
            if idx is not None and m.weak and self._later_closer(marks, n, m.family):
                continue  # "the players' union": an apostrophe, the quote closes further on
            if open_idx is not None and self._reopens_unclosed(marks, n, open_idx):
                idx = open_idx
                # a straight mark opening while one of its kind is open, with one mark left
                # to close it: the open quote was never closed
                op = self.stack[idx]
                del self.stack[idx:]
                self._emit(op, m.pos, "", "unclosed", idx)
                self.stack.append(_Open(m, m.pos + 1))
                continue
            if idx is not None and self._closes(m, idx):
                op = self.stack[idx]
                del self.stack[idx:]  # quotes opened inside and never closed were not quotes
                self._emit(op, m.pos, m.char, None, idx)
            elif m.can_close and not m.weak and self.stack and self._mismatched_close(marks, n):
                op = self.stack[0]
                self.stack = []
                self._emit(op, m.pos, m.char, "mismatched", 0)
            elif m.can_open and not m.weak:
                self.stack.append(_Open(m, m.pos + 1))

    @staticmethod
    def _later_closer(marks: list[_Mark], n: int, family: str) -> bool:
        return any(x.family == family and x.can_close and not x.weak for x in marks[n + 1:])

    def _reopens_unclosed(self, marks: list[_Mark], n: int, idx: int) -> bool:
        m = marks[n]
        if m.char not in "\"'" or not m.can_open or m.can_close or self.stack[idx].mark.char != m.char:
            return False
        later = [x for x in marks[n + 1:] if x.char == m.char]
        return len(later) == 1 and self.text[m.pos - 2:m.pos] in (". ", "? ", "! ", ": ")

    def _closes(self, m: _Mark, idx: int) -> bool:
        if not m.can_open:
            return True
        if m.char in _OPENERS:
            return False  # a curly opener inside an open quote of its kind is a nested quote
        # a straight mark that could open or close: it closes the innermost quote of its kind
        return idx == len(self.stack) - 1 or m.char in _CLOSERS

    def _mismatched_close(self, marks: list[_Mark], n: int) -> bool:
        """A closer of another kind ends the outer quote when nothing of its own kind will."""
        m = marks[n]
        outer = self.stack[0].mark
        if outer.family == m.family or m.can_open:
            return False
        prev = self.text[m.pos - 1]
        if not (prev in ".!?,…" or prev.isalnum()):
            return False
        # marks of the outer kind further on that pair among themselves leave it unclosed
        return sum(1 for later in marks[n + 1:] if later.family == outer.family) % 2 == 0

    def _end_paragraph(self, pe: int, nxt: tuple[int, int] | None) -> None:
        self.skip = -1
        if not self.stack:
            return
        outer = self.stack[0]
        self.stack = []
        reopen = self._reopening_mark(outer, nxt) if nxt else None
        if reopen is not None:
            # news style: the next paragraph reopens the same quote
            self.stack = [outer]
            outer.paragraphs += 1
            self.skip = reopen
            return
        self._emit(outer, pe, "", "unclosed", 0)

    def _reopening_mark(self, outer: _Open, nxt: tuple[int, int]) -> int | None:
        ns, ne = nxt
        body = self.text[ns:ne]
        pos = ns + len(body) - len(body.lstrip())
        if pos >= ne or _FAMILY.get(self.text[pos]) != outer.mark.family:
            return None
        m = _classify(self.text, pos, ns, ne)
        return pos if m is not None and m.can_open else None


_NARRATION = re.compile(r"\s[-" + DASHES + r"]\s+(?=[a-z])")


def _dash_dialogue(text: str, ps: int, pe: int) -> list[ScannedQuote]:
    """`– Will you help us? – he asked.`: speech after a paragraph-initial dash.

    The speech runs to a spaced dash that starts a short lowercase narration
    ("– he asked."), and resumes after the narration's own closing dash.
    """
    lead = re.match(r"\s*([" + DASHES + r"]|-(?=\s))\s+", text[ps:pe])
    if not lead:
        return []
    pieces, cur = [], ps + lead.end()
    sep = _NARRATION.search(text, cur, pe)
    if sep:
        resume = re.compile(r"\s[-" + DASHES + r"]\s+").search(text, sep.end(), pe)
        narration = text[sep.end():resume.start() if resume else pe]
        if len(narration.split()) <= 10:
            pieces.append((cur, sep.start()))
            cur = resume.end() if resume else pe
    pieces.append((cur, pe))
    out = []
    for s, e in pieces:
        s, e = _strip_span(text, s, e)
        if len(text[s:e].split()) >= 2 and _has_words(text, s, e):
            out.append(ScannedQuote(s, e, lead.group(1), "", "dash"))
    return out


def is_boilerplate(paragraph: str, markers: Iterable[str]) -> bool:
    head = paragraph.lstrip().lower()
    return any(head.startswith(mk) for mk in markers)


def scan(text: str, boilerplate: Iterable[str] = ()) -> list[ScannedQuote]:
    """Every quoted stretch of `text`, outermost and nested, in text order."""
    markers = tuple(boilerplate)
    paras = [p for p in paragraphs(text) if not is_boilerplate(text[p[0]:p[1]], markers)]
    quotes = _Scanner(text).run(paras)
    # paragraphs a quote runs through (news style reopens each) hold no dash dialogue; one sweep finds them
    spans = sorted((q.start, q.end) for q in quotes)
    k, reach = 0, -1
    for ps, pe in paras:
        while k < len(spans) and spans[k][0] <= ps:
            reach = max(reach, spans[k][1])
            k += 1
        if not ps < reach:
            quotes.extend(_dash_dialogue(text, ps, pe))
    quotes.sort(key=lambda q: (q.start, -q.end))
    return quotes
