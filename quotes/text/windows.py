"""Where to look for a quote's attribution: the text around it, outside every quote.

A window is the stretch of the quote's paragraph between it and the next quote
(or the paragraph's edge), cut at the nearest sentence end, so that a cue
always belongs to the quote it stands beside.
"""
from __future__ import annotations

import re
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .lines import title_case_line
from .marks import ScannedQuote
from .paragraphs import ParagraphIndex

_SENT_END_TOKENS = {".", "!", "?", "…", "...", "?!", "!!"}
SECTION_CHARS = 4_000  # a paragraph longer than this is read as sections (PolNeAR's longest is 2,573)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
# page furniture that names nobody who speaks: "By Jo Park", "WASHINGTON --", "FLINT, Mich., Oct. 4 (AP) -"
# "By Jo Park", "By Jo Park and Ann Smith, Associated Press": read in pieces between commas, so that no
# pattern can try the ways of splitting "and ... and ..." between its parts (that took minutes on a long line)
_BYLINE_HEAD = re.compile(r"\s*(?:by|BY|By)\s+")
_BYLINE_FIRST = re.compile(r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*and\s+[A-Z][\w.'’ -]*)?\s*")
_BYLINE_MORE = re.compile(r"\s+[A-Z][\w.'’ -]*")
_DATELINE = re.compile(r"^\s*[A-Z][A-Z.'’ -]{2,}(?:,\s*[A-Z][\w.]*)*(?:,\s*[A-Z][a-z]{2}\.?\s+\d{1,2})?\s*(?:\([A-Za-z]+\))?\s*(?:--|[—–―-])\s*")


_PARAGRAPHS: "weakref.WeakKeyDictionary[Doc, ParagraphIndex]" = weakref.WeakKeyDictionary()


def doc_paragraphs(doc: Doc) -> ParagraphIndex:
    """The paragraphs of a parsed document, worked out once per Doc (held only as long as the Doc lives)."""
    index = _PARAGRAPHS.get(doc)
    if index is None:
        index = _PARAGRAPHS[doc] = ParagraphIndex(doc.text)
    return index


def set_doc_paragraphs(doc: Doc, index: ParagraphIndex) -> None:
    """Give a Doc the paragraphs of the text it belongs to: a piece of a long document is no document of
    its own (whether its lines are hard-wrapped is a question about the whole text)."""
    _PARAGRAPHS[doc] = index


def is_byline(line: str) -> bool:
    head = _BYLINE_HEAD.match(line)
    if head is None:
        return False
    rest = line[head.end():].rstrip()
    rest = rest[:-1].rstrip() if rest.endswith(".") else rest
    first, *more = rest.split(",")
    return bool(_BYLINE_FIRST.fullmatch(first)) and all(_BYLINE_MORE.fullmatch(part) for part in more)


@dataclass(frozen=True)
class Window:
    start: int  # char offsets
    end: int
    tokens: tuple[Token, ...]
    text: str = ""

    def stripped(self) -> str:
        return self.text.strip()


class DocLayout:
    """Paragraphs, quote spans and token lookup of one parsed document."""

    def __init__(self, doc: Doc, quotes: list[ScannedQuote]):
        self.doc = doc
        self.text = doc.text  # Doc.text is rebuilt from the tokens at every access: read it once
        # outer spans, marks included, used to keep cue search outside quotes
        self.outer = sorted((q.start - len(q.open_mark), q.end + len(q.close_mark)) for q in quotes if q.depth == 0)
        self._outer_starts = [s for s, _ in self.outer]
        self._outer_ends = sorted(e for _, e in self.outer)
        self.paras = self._sections(doc_paragraphs(doc).spans)
        self._para_starts = [p[0] for p in self.paras]
        self._tok_starts = [t.idx for t in doc]
        self.furniture = self._furniture()

    def _sections(self, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The paragraphs, a paragraph of more than SECTION_CHARS cut into sections at sentence ends outside
        quotes. What looks back "a few paragraphs" (antecedents, continuations) then looks back a bounded
        stretch of text even in a document that is one endless paragraph; news paragraphs are never so long."""
        out: list[tuple[int, int]] = []
        for ps, pe in paras:
            pos = ps
            while pe - pos > SECTION_CHARS:
                cut = next((m for m in _SENTENCE_END.finditer(self.text, pos + SECTION_CHARS, pe)
                            if not self.in_quote(m.start())), None)
                if cut is None:
                    break
                out.append((pos, cut.start() + len(cut.group().rstrip())))
                pos = cut.end()
            out.append((pos, pe))
        return out

    def _last_end(self, after: int, upto: int) -> int:
        """The end of the last quote ending in (after, upto], else `after`."""
        k = bisect_right(self._outer_ends, upto) - 1
        return self._outer_ends[k] if k >= 0 and self._outer_ends[k] > after else after

    def _outside_quotes(self, start: int, end: int) -> str:
        parts, pos = [], start
        k = max(0, bisect_left(self._outer_starts, start) - 1)
        for s, e in self.outer[k:]:
            if s >= end:
                break
            if e <= start:
                continue
            parts.append(self.text[pos:max(pos, s)])
            pos = max(pos, e)
        parts.append(self.text[pos:end])
        return " ".join(parts)

    def _furniture(self) -> list[tuple[int, int]]:
        """Character ranges of headlines, section titles, bylines and datelines: no speaker is named there.

        A headline is told by its capitals ("Obama Says Museum Will Tell..."):
        the parse of such a line makes names of its verbs ("Obama Says").
        """
        out = []
        for k, (ps, pe) in enumerate(self.paras):
            line = self.text[ps:pe]
            # names and titles are capitalised in prose too: only a first line may have a lowercase word
            share = 0.85 if k == 0 and len(self.paras) > 2 else 1.0
            if title_case_line(self._outside_quotes(ps, pe), share=share) or is_byline(line):
                out.append((ps, pe))
                continue
            m = _DATELINE.match(line)
            if m and m.end() < len(line):
                out.append((ps, ps + m.end()))
        return out

    def is_furniture(self, char: int) -> bool:
        return any(s <= char < e for s, e in self.furniture)

    def paragraph_of(self, char: int) -> tuple[int, int]:
        k = max(0, bisect_left(self._para_starts, char + 1) - 1)
        return self.paras[k] if self.paras else (0, len(self.text))

    def paragraph_index(self, char: int) -> int:
        return max(0, bisect_left(self._para_starts, char + 1) - 1)

    def quote_ends_after(self, char: int, before: int) -> bool:
        """Whether a quote opening before `before` ends after `char` (quotes never overlap: the last one decides)."""
        k = bisect_left(self._outer_starts, before) - 1
        return k >= 0 and self._outer_ends[k] > char

    def in_quote(self, char: int) -> bool:
        k = bisect_left(self._outer_starts, char + 1) - 1
        return k >= 0 and self.outer[k][0] <= char < self.outer[k][1]

    def first_token(self, char: int) -> int:
        """Index of the first token starting at or after a character offset."""
        return bisect_left(self._tok_starts, char)

    def tokens(self, start: int, end: int) -> tuple[Token, ...]:
        """Tokens lying inside [start, end) and outside every quote."""
        i = bisect_left(self._tok_starts, start)
        out = []
        while i < len(self.doc) and self.doc[i].idx < end:
            t = self.doc[i]
            if not t.is_space and t.idx + len(t) <= end and not self.in_quote(t.idx):
                out.append(t)
            i += 1
        return tuple(out)

    def tokens_back(self, start: int, end: int, limit: int):
        """The tokens of `tokens(start, end)`, last first, at most `limit` of them: work bounded per call."""
        i = bisect_left(self._tok_starts, end) - 1
        while i >= 0 and limit > 0 and self.doc[i].idx >= start:
            t = self.doc[i]
            if not t.is_space and t.idx + len(t) <= end and not self.in_quote(t.idx):
                yield t
                limit -= 1
            i -= 1

    def span(self, start: int, end: int):
        """The tokens covering a character range (expanded to token edges), or None."""
        return self.doc.char_span(start, end, alignment_mode="expand")

    def left_window(self, q: ScannedQuote, full_sentence: bool = False) -> Window:
        """From the sentence start (or the previous quote) to the opening mark."""
        open_at = q.start - len(q.open_mark)
        start = self._last_end(self.paragraph_of(open_at)[0], open_at)
        toks = self.tokens(start, open_at)
        if not full_sentence:
            ends = [k for k, t in enumerate(toks) if t.text in _SENT_END_TOKENS]
            if ends:
                # a quote after a full stop starts a sentence of its own: nothing before it introduces it
                toks = toks[ends[-1] + 1:]
                start = toks[0].idx if toks else open_at
        return Window(start, open_at, toks, self.text[start:open_at])

    def intro_window(self, q: ScannedQuote) -> Window | None:
        """A paragraph ending in a colon introduces the block quote that opens the next one."""
        open_at = q.start - len(q.open_mark)
        k = self.paragraph_index(open_at)
        if k == 0 or self.text[self.paras[k][0]:open_at].strip():
            return None
        ps, pe = self.paras[k - 1]
        if not self.text[ps:pe].rstrip().endswith(":"):
            return None
        start = self._last_end(ps, pe)
        toks = self.tokens(start, pe)
        ends = [i for i, t in enumerate(toks) if t.text in _SENT_END_TOKENS and i < len(toks) - 1]
        if ends:
            toks = toks[ends[-1] + 1:]
        return Window(toks[0].idx, pe, toks, self.text[toks[0].idx:pe]) if toks else None

    def right_window(self, q: ScannedQuote) -> Window:
        """From the closing mark to the sentence end (or the next quote)."""
        close_end = q.end + len(q.close_mark)
        end = self.paragraph_of(max(q.end - 1, q.start))[1]
        k = bisect_left(self._outer_starts, close_end)
        if k < len(self._outer_starts) and self._outer_starts[k] < end:
            end = self._outer_starts[k]  # the next quote's opening mark
        toks = self.tokens(close_end, end)
        for k, t in enumerate(toks):
            if t.text in _SENT_END_TOKENS:
                toks = toks[:k + 1]
                end = t.idx + len(t)
                break
        return Window(close_end, end, toks, self.text[close_end:end])
