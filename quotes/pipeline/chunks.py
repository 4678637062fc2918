"""Cut a long document into pieces the model parses in bounded memory.

spaCy's tok2vec and NER layers take 15 to 20 KB per token of the text they
are given at once, so a 160,000-character document needed a gigabyte. The
model is given pieces of at most `PIECE_TOKENS` tokens (counted roughly: words
and punctuation marks) instead, cut where the parse loses nothing: after a
paragraph (the model starts a sentence there anyway); a paragraph longer than
a piece after a sentence end, else after a space. The pieces' Docs are joined
into one Doc of the whole text (`Doc.from_docs`), which the quote attributor
reads as it would the Doc of one parse. Pure text positions here; the
pipeline does the parsing.
"""
from __future__ import annotations

import re
from bisect import bisect_right

PIECE_TOKENS = 400  # about 2,000 characters of news prose; a paragraph is rarely longer
BATCH_TOKENS = 2000  # tokens the model is given at once: several documents, or several pieces
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
_SPACE = re.compile(r"\s+")


def rough_tokens(text: str) -> int:
    """About how many tokens the model will see: words and punctuation marks."""
    return sum(1 for _ in _TOKEN.finditer(text))


def pieces(text: str, starts: list[int], size: int = PIECE_TOKENS) -> list[tuple[int, int, int]]:
    """(start, end, rough tokens) of consecutive pieces covering `text` exactly, each of at most `size`
    tokens where a cut is possible. `starts`: where the document's paragraphs begin (a piece ends just
    before one)."""
    out: list[tuple[int, int, int]] = []
    pos, count = 0, 0
    for m in _TOKEN.finditer(text):
        count += 1
        if count <= size:
            continue
        k = bisect_right(starts, m.start()) - 1
        cut = starts[k] if k >= 0 and starts[k] > pos else _last_end(text, pos, m.start())
        out.append((pos, cut, rough_tokens(text[pos:cut])))
        pos = cut
        count = rough_tokens(text[pos:m.end()])
    out.append((pos, len(text), count))
    return out


def _last_end(text: str, pos: int, limit: int) -> int:
    """Inside a long paragraph: just after its last sentence end before `limit`, else its last space,
    else `limit` (a word of hundreds of characters: junk)."""
    cut = None
    for m in _SENTENCE_END.finditer(text, pos + 1, limit):
        cut = m.end()
    if cut is None:
        for m in _SPACE.finditer(text, pos + 1, limit):
            cut = m.end()
    return cut if cut is not None and pos < cut <= limit else limit
