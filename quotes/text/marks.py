"""Find quoted stretches in raw text, for every mark style, without a model.

The scanner never gives up on a document: a broken mark is recovered locally
(at the end of its paragraph at the latest) and every other quote is kept.
Offsets are character offsets into the text, end exclusive, marks outside.
Its work is linear in the text: every question about the marks further on in
a paragraph is answered from running counts, never by a second pass, and the
one question about later lines (does a line after a single line break close
the quote open at this one's end?) from one backward sweep over all the
paragraphs' marks; every look back at the text before a mark is bounded.

How marks are read, in the manner of Markdown's "flanking" delimiters: a mark
can open a quote when a word follows it, and close one when a word or
punctuation precedes it; curly and angle marks add their direction; single
marks between letters (it's, Smith's), before digits ('90s) or in common
elisions ('em, rock 'n' roll) are apostrophes. Two apostrophes are one double
mark (the New York Times' ''...''), and so are two backticks (PTB and LaTeX:
``...''); one backtick opens a single quote (`...'). The marks of a markup
attribute's value (class="story") are no quote marks.

Where a paragraph's marks leave a quote open: it goes on over a single line
break when a line after it closes it (a short text wrapped by hand), into the
next paragraph when that one reopens it (news style), and else ends at the
paragraph's end ("unclosed"), the quotes inside it kept as nested, unless its
opening mark was a stray one (no sentence after it, or not at a paragraph's
start or after a colon or comma): then the well-formed quotes after it stand
on their own. A text that begins inside a quote (a fragment) closes it with a
stray closing mark in its first paragraph: what came before is no quote.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Iterator

from .lines import title_case_line
from .paragraphs import LINE_BREAK, paragraphs

__all__ = ["DASHES", "MARK_CHARS", "ScannedQuote", "is_boilerplate", "paragraphs", "scan"]

# family of each mark, and its preferred role; two-character marks are runs of ` and '
_FAMILY = {
    '"': "double", "“": "double", "”": "double", "„": "double", "‟": "double", "″": "double",
    "``": "double", "''": "double",
    "'": "single", "‘": "single", "’": "single", "‚": "single", "‛": "single", "`": "single",
    "«": "angle", "»": "angle", "‹": "angle1", "›": "angle1",
}
_FAMILY_BIT = {"double": 1, "single": 2, "angle": 4, "angle1": 8}
_OPENERS = set("“„‟‘‚‛«‹`") | {"``"}
_CLOSERS = set("”’»›")
_STRAIGHT = {'"', "'", "''"}  # marks that open and close alike
MARK_CHARS = "".join(k for k in _FAMILY if len(k) == 1)
_MARK_RUN = re.compile(r"`+|'+|[" + "".join(c for c in MARK_CHARS if c not in "'`") + "]")
DASHES = "–—―"
_ELISIONS = re.compile(r"(?i)(em|cause|til|n|tis|twas|bout|round|nother|cuz|kay|sup|ello|ave)\b")
_CLOSE_PUNCT = set(".,;:!?…)]}—–-/")
_OPEN_PUNCT = set("([{—–-/")
MAX_DEPTH = 3  # quotes nested deeper are left inside their parent: no text nests four levels, junk does


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
    char: str  # the mark as written: one character, or '' and ``
    family: str
    can_open: bool
    can_close: bool
    weak: bool = False  # an s' that may be a plural possessive: closes only if no later mark will

    @property
    def end(self) -> int:
        return self.pos + len(self.char)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in "@#$£€"


def _classify(text: str, i: int, ch: str, start: int, end: int) -> _Mark | None:
    fam = _FAMILY[ch]
    prev = text[i - 1] if i > start else " "
    nxt = text[i + len(ch)] if i + len(ch) < end else " "
    if prev == "=" or (prev in "\\" and fam != "single"):
        return None  # markup attribute values (author="...") and escaped marks hold nobody's words
    left_flank = not nxt.isspace() and (prev.isspace() or prev in _OPEN_PUNCT or prev in MARK_CHARS)
    right_flank = not prev.isspace() and (nxt.isspace() or nxt in _CLOSE_PUNCT or nxt in MARK_CHARS)
    if fam == "single":
        if _is_word(prev) and _is_word(nxt):
            return None  # it's, Smith's, rock'n'roll
        if nxt.isdigit() and not prev.isalnum() and ch != "`":
            return None  # '90s
        if not prev.isalnum() and ch in "'’" and _ELISIONS.match(text, i + 1, end):
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
        can_close = can_close and not left_flank and ch not in ("`", "``")  # backticks only open
    if ch in _CLOSERS and can_close:
        can_open = can_open and not right_flank
    if not can_open and ch in ("`", "``"):
        return None
    weak = fam == "single" and can_close and prev.lower() in "sz" and nxt.isspace()
    return _Mark(i, ch, fam, can_open, can_close, weak)


def _mark_at(text: str, m: re.Match) -> Iterator[tuple[int, str]]:
    """The marks of one run: a lone mark, a pair of apostrophes or backticks; three apostrophes are a
    single and a double mark, in the order their side of the word asks for; a longer run of apostrophes
    after a word closes as many double marks (LaTeX's nested ``Hello ``you?''''). Two apostrophes before
    an elision are a single mark and the elision's apostrophe (''Tis nobler' is 'Tis nobler quoted)."""
    run, pos = m.group(), m.start()
    opening = pos == 0 or text[pos - 1].isspace() or text[pos - 1] in _OPEN_PUNCT
    if run[0] not in "'`" or len(run) == 1:
        yield pos, run
    elif len(run) == 2:
        yield pos, "'" if run == "''" and opening and _ELISIONS.match(text, pos + 2) else run
    elif len(run) == 3 and run[0] == "'":
        if opening:
            yield from ((pos, "''"), (pos + 2, "'"))
        else:
            yield from ((pos, "'"), (pos + 1, "''"))
    elif run[0] == "'" and not opening:
        yield from ((pos + k, "''") for k in range(0, len(run) - 1, 2))
        if len(run) % 2:
            yield pos + len(run) - 1, "'"
    # other runs are rules, code fences or junk: no mark


# a markup attribute's value (class="story", data-count='42'): its closing mark is markup too
_ATTRIBUTE_VALUE = {'"': re.compile(r'"[^"<>\r\n]{0,200}"'), "'": re.compile(r"'[^'<>\r\n]{0,200}'")}


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    out = []
    value_end = -1  # the closing mark of an attribute value
    for match in _MARK_RUN.finditer(text, start, end):
        for pos, ch in _mark_at(text, match):
            if pos == value_end:
                continue
            if pos > start and text[pos - 1] == "=" and ch in _ATTRIBUTE_VALUE:
                value = _ATTRIBUTE_VALUE[ch].match(text, pos, end)
                if value is not None:
                    value_end = value.end() - 1
            m = _classify(text, pos, ch, start, end)
            if m is not None:
                out.append(m)
    return out


def mark_at(text: str, pos: int, end: int) -> str | None:
    """The mark that begins at `pos`, if any."""
    m = _MARK_RUN.match(text, pos, end)
    if m is None:
        return None
    first = next(iter(_mark_at(text, m)), None)
    return first[1] if first and first[0] == pos else None


@dataclass
class _Open:
    mark: _Mark
    content_start: int
    emitted: int  # how many quotes were out when it opened: the ones after it lie inside it
    para_start: int  # where the paragraph it opened in starts
    paragraphs: int = 1


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_WORD_CHAR = re.compile(r"[^\W_]")


def _has_words(text: str, start: int, end: int) -> bool:
    return _WORD_CHAR.search(text, start, end) is not None


class _Later:
    """Counts of the marks after the current one in a paragraph, kept as the pairing walks forward."""

    def __init__(self, marks: list[_Mark]):
        self.family = Counter(m.family for m in marks)
        self.char = Counter(m.char for m in marks)
        self.closers = Counter(m.family for m in marks if m.can_close and not m.weak)
        self.openers = Counter(m.family for m in marks if m.can_open and not m.can_close and not m.weak)

    def passed(self, m: _Mark) -> None:
        self.family[m.family] -= 1
        self.char[m.char] -= 1
        if m.can_close and not m.weak:
            self.closers[m.family] -= 1
        elif m.can_open and not m.weak:
            self.openers[m.family] -= 1

    def spare_closers(self, family: str) -> int:
        """Closers further on that the quotes opening further on leave over."""
        return self.closers[family] - self.openers[family]


def _renest(quotes: list[ScannedQuote]) -> list[ScannedQuote]:
    """The same quotes with their depths counted again among themselves (their parent is gone)."""
    out, ends = [], []
    for q in sorted(quotes, key=lambda q: (q.start, -q.end)):
        while ends and ends[-1] <= q.start:
            ends.pop()
        out.append(replace(q, depth=len(ends)) if q.depth != len(ends) else q)
        ends.append(q.end)
    return out


MAX_WRAPPED_LINES = 10  # lines a quote may run over without a paragraph break before a mark closes it
_CLOSING_MARKS = "\"'”’»›"
MAX_NAME_WORDS = 8  # a line naming a source: "S.C. Rep. Jim Clyburn", "Former NAACP president Ben Jealous"


_Ahead = dict[str, tuple[int, _Mark]]  # mark family -> the first mark of that family further on, and its paragraph


def _marks_ahead(text: str, paras: list[tuple[int, int]], marks: list[list[_Mark]]) -> list[_Ahead]:
    """For each paragraph, the first mark of each kind (no weak s') in the lines that follow it after single line
    breaks, with the paragraph it lies in: one backward sweep, so the scan stays linear."""
    after: list[_Ahead] = [{} for _ in paras]
    first: _Ahead = {}  # in paragraph k and the lines joined to it after single breaks
    for k in range(len(paras) - 1, -1, -1):
        if k + 1 < len(paras) and _single_break(text, paras[k][1], paras[k + 1][0]):
            after[k] = first
            first = dict(first)
        else:
            first = {}
        for m in reversed(marks[k]):
            if not m.weak:
                first[m.family] = (k, m)
    return after


def _single_break(text: str, end: int, start: int) -> bool:
    """Only one line break, and nothing else but blanks, between two paragraphs."""
    gap = text[end:start]
    return not gap.strip() and len(LINE_BREAK.findall(gap)) == 1


class _Scanner:
    """Pairs the marks of one document's paragraphs, carrying open quotes across breaks."""

    def __init__(self, text: str):
        self.text = text
        self.out: list[ScannedQuote] = []
        self.stack: list[_Open] = []
        self.tops: dict[str, list[int]] = {}  # family -> stack indices of its open quotes, innermost last
        self.skip = -1  # position of a continued quote's reopening mark
        self.para_start = 0  # the start of the paragraph being paired

    def run(self, paras: list[tuple[int, int]]) -> list[ScannedQuote]:
        text = self.text
        marks = [_marks(text, ps, pe) for ps, pe in paras]
        ahead = _marks_ahead(text, paras, marks)
        # a text that begins inside a quote (a fragment, a headline's tail) may close it in its first paragraph
        headless = bool(paras) and not text[:paras[0][0]].strip()
        for k, (ps, pe) in enumerate(paras):
            self.para_start = ps
            self._pair([m for m in marks[k] if m.pos != self.skip], headless=headless and k == 0)
            if self._wrapped(k, ahead, paras):
                continue  # a line break inside a quote that a later line closes: the quote goes on
            self._end_paragraph(pe, paras[k + 1] if k + 1 < len(paras) else None)
        return self.out

    def _wrapped(self, k: int, ahead: list[_Ahead], paras: list[tuple[int, int]]) -> bool:
        """Whether the quote open at the end of paragraph `k` goes on over a single line break: the next mark
        of its kind, on one of the following lines before a blank line, can only close it; unless that line is
        the name of the quote's source under a finished sentence (a pull quote's `"...here.\nJo Park, mayor."`)."""
        if not self.stack:
            return False
        hit = ahead[k].get(self.stack[0].mark.family)
        if hit is None or hit[0] - k > MAX_WRAPPED_LINES or not hit[1].can_close or hit[1].can_open:
            return False
        ps, pe = paras[k]
        if hit[0] == k + 1 and self.text[max(ps, pe - 8):pe].rstrip().rstrip(_CLOSING_MARKS)[-1:] in ".!?…":
            line = self.text[paras[k + 1][0]:hit[1].pos].split(",", 1)[0].rstrip(" .")
            if len(line.split()) <= MAX_NAME_WORDS and title_case_line(line, min_words=2, share=0.75):
                return False
        return True

    # -- the stack of open quotes -------------------------------------------

    def _push(self, m: _Mark) -> None:
        self.tops.setdefault(m.family, []).append(len(self.stack))
        self.stack.append(_Open(m, m.end, len(self.out), self.para_start))

    def _cut(self, idx: int) -> None:
        """Drop the open quotes from `idx` up: quotes opened inside a closing one and never closed were not quotes."""
        while len(self.stack) > idx:
            self.tops[self.stack.pop().mark.family].pop()

    def _open_index(self, family: str) -> int | None:
        tops = self.tops.get(family)
        return tops[-1] if tops else None

    def _emit(self, op: _Open, end: int, close_mark: str, recovered: str | None, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        s, e = _strip_span(self.text, op.content_start, end)
        if e > s and _has_words(self.text, s, e):
            self.out.append(ScannedQuote(s, e, op.mark.char, close_mark, op.mark.family, depth,
                                         op.paragraphs, recovered))

    # -- pairing --------------------------------------------------------------

    def _pair(self, marks: list[_Mark], headless: bool = False) -> None:
        later = _Later(marks)
        seen: set[str] = set()  # the kinds of mark met so far in the paragraph
        for whole in marks:
            later.passed(whole)
            for m in self._pieces(whole):
                first_of_kind = m.family not in seen
                seen.add(m.family)
                open_idx = self._open_index(m.family)
                idx = open_idx if m.can_close else None
                if idx is not None and m.weak and later.spare_closers(m.family) > 0:
                    continue  # "the players' union": an apostrophe, the quote closes further on
                if open_idx is not None and self._reopens_unclosed(m, open_idx, later):
                    # a straight mark opening while one of its kind is open, with one mark left
                    # to close it: the open quote was never closed
                    op = self.stack[open_idx]
                    self._cut(open_idx)
                    self._emit(op, m.pos, "", "unclosed", open_idx)
                    self._push(m)
                    continue
                if idx is not None and self._closes(m, idx):
                    op = self.stack[idx]
                    self._cut(idx)
                    self._emit(op, m.pos, m.char, None, idx)
                elif m.can_close and not m.weak and self.stack and self._mismatched_close(m, later):
                    op = self.stack[0]
                    self._cut(0)
                    self._emit(op, m.pos, m.char, "mismatched", 0)
                elif headless and first_of_kind and self._closes_a_cut_quote(m):
                    # the text began inside a quote whose opening mark was cut off ('uneasy' on Main street" as a
                    # headline's tail, an HTML fragment): what came before this mark is the tail of that quote,
                    # with no start to give it, and the quotes in it are quotes inside a quote
                    self._cut(0)
                    del self.out[:]
                    headless = False
                elif m.can_open and not m.weak:
                    self._push(m)

    def _pieces(self, m: _Mark) -> Iterator[_Mark]:
        """The mark, or, for two apostrophes closing a single backtick's quote (PTB and LaTeX: `Hello `you?''),
        two single marks, the second only while a backtick's quote is still open."""
        if m.char != "''" or m.can_open or not self.stack or self.stack[-1].mark.char != "`":
            yield m
            return
        yield _Mark(m.pos, "'", "single", False, True)
        if self.stack and self.stack[-1].mark.char == "`":
            yield _Mark(m.pos + 1, "'", "single", False, True)

    def _closes_a_cut_quote(self, m: _Mark) -> bool:
        """A mark that can only close, of a kind apostrophes (goin’) and inch marks (a 42" screen) never take."""
        return (m.can_close and not m.can_open and not m.weak and m.family != "single"
                and not self.text[m.pos - 1].isdigit())

    def _reopens_unclosed(self, m: _Mark, idx: int, later: _Later) -> bool:
        if m.char not in _STRAIGHT or not m.can_open or m.can_close or self.stack[idx].mark.char != m.char:
            return False
        return later.char[m.char] == 1 and self.text[m.pos - 2:m.pos] in (". ", "? ", "! ", ": ")

    def _closes(self, m: _Mark, idx: int) -> bool:
        if not m.can_open:
            return True
        if m.char in _OPENERS:
            return False  # a curly opener inside an open quote of its kind is a nested quote
        # a straight mark that could open or close: it closes the innermost quote of its kind
        return idx == len(self.stack) - 1 or m.char in _CLOSERS

    def _mismatched_close(self, m: _Mark, later: _Later) -> bool:
        """A closer of another kind ends the outer quote when nothing of its own kind will."""
        outer = self.stack[0].mark
        if outer.family == m.family or m.can_open:
            return False
        prev = self.text[m.pos - 1]
        if not (prev in ".!?,…" or prev.isalnum()):
            return False
        # marks of the outer kind further on that pair among themselves leave it unclosed
        return later.family[outer.family] % 2 == 0

    # -- paragraph ends ---------------------------------------------------------

    def _end_paragraph(self, pe: int, nxt: tuple[int, int] | None) -> None:
        self.skip = -1
        if not self.stack:
            return
        outer = self.stack[0]
        self._cut(0)
        inside = self.out[outer.emitted:]
        # a quote inside it written with the very same mark is no nesting a writer would choose
        same_mark = any(q.depth == 1 and q.open_mark == outer.mark.char for q in inside)
        reopen = self._reopening_mark(outer, nxt) if nxt and not same_mark else None
        if reopen is not None:
            # news style: the next paragraph reopens the same quote
            self.tops.setdefault(outer.mark.family, []).append(0)
            self.stack.append(outer)
            outer.paragraphs += 1
            self.skip = reopen
            return
        if inside and outer.paragraphs == 1 and not (
                self._introduced(outer) and not any(q.depth == 1 and self._follows_a_pause(q) for q in inside)):
            # a stray mark, never closed, before well-formed quotes: those quotes stand on their own; but a
            # quote someone began and left open keeps a phrase it quotes (`He said: “The people, led by the
            # “dogs of war”, should...`), unless that phrase opens after a pause, as a quote of its own does
            # (`"Hello, he said, "how are you?"`)
            self.out[outer.emitted:] = _renest(inside)
            return
        self._emit(outer, pe, "", "unclosed", 0)

    def _follows_a_pause(self, q: ScannedQuote) -> bool:
        """Whether a comma, a colon or a sentence's end stands before the quote's opening mark."""
        before = self.text[max(0, q.start - len(q.open_mark) - 40):q.start].rstrip()
        if not before.endswith(q.open_mark):
            return False
        return before[:len(before) - len(q.open_mark)].rstrip().endswith((",", ":", ".", "?", "!", ";"))

    def _introduced(self, op: _Open) -> bool:
        """An opening mark a sentence follows, at a paragraph's start or after a colon or a comma
        (`He said: “The people...`): a quote someone began, not a stray mark, even left open."""
        pos, text = op.mark.pos, self.text
        first = text[op.content_start:op.content_start + 1]
        if not (first.isupper() or first.isdigit()):
            return False
        start = max(op.para_start, pos - 40)
        head = text[start:pos].rstrip()
        return head.endswith((":", ",")) if head else start == op.para_start

    def _reopening_mark(self, outer: _Open, nxt: tuple[int, int]) -> int | None:
        ns, ne = nxt
        body = self.text[ns:ne]
        pos = ns + len(body) - len(body.lstrip())
        ch = mark_at(self.text, pos, ne) if pos < ne else None
        if ch is None or _FAMILY[ch] != outer.mark.family:
            return None
        m = _classify(self.text, pos, ch, ns, ne)
        return pos if m is not None and m.can_open else None


_NARRATION = re.compile(r"\s[-" + DASHES + r"]\s+(?=[a-z])")
_RESUME = re.compile(r"\s[-" + DASHES + r"]\s+")
_LEAD_DASH = re.compile(r"\s*([" + DASHES + r"]|-(?=\s))\s+")


def _dash_dialogue(text: str, ps: int, pe: int) -> list[ScannedQuote]:
    """`– Will you help us? – he asked.`: speech after a paragraph-initial dash.

    The speech runs to a spaced dash that starts a short lowercase narration
    ("– he asked."), and resumes after the narration's own closing dash.
    """
    lead = _LEAD_DASH.match(text, ps, pe)
    if not lead:
        return []
    pieces, cur = [], lead.end()
    sep = _NARRATION.search(text, cur, pe)
    if sep:
        resume = _RESUME.search(text, sep.end(), pe)
        narration = text[sep.end():resume.start() if resume else pe]
        if len(narration.split()) <= 10:
            pieces.append((cur, sep.start()))
            cur = resume.end() if resume else pe
    pieces.append((cur, pe))
    out = []
    for s, e in pieces:
        s, e = _strip_span(text, s, e)
        if _has_words(text, s, e) and len(text[s:e].split(None, 2)) >= 2:
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
