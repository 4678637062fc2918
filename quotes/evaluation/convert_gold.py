"""Attribution corpora in brat standoff (PolNeAR) as the gold JSONL `quotes learn` and `quotes eval` read.

An attribution's content is cut into the quoted stretches it holds (at least
half of each inside it), one row each (one per paragraph for a quote that runs
over several), marks outside, as annotations/GOLD_FORMAT.md describes; a
stretch inside several contents belongs to the smallest. A content that is all
quote gives direct rows, one with words outside its marks partial ones. A quote
in no attribution's content is nobody's words to the corpus (a title, a scare
quote): a quote found there is a false one. Every mark style counts, single
marks too, so that a quote the machine finds in single marks inside an
attribution is not taken for a false one (the PolNeAR scorer looks at double
marks only, and so ignores them either way).

The speaker is the source as the article names it ("Trump", "he", "the
senator"), with its offsets, marked `speaker_is_mention`: a mention, not a
canonical name, so a speaker is judged by the words it shares with it and
`quotes learn` takes no alias from it. A document with no quote is a row with
only its id: it was annotated, and a quote found there is a false one.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..text.marks import MARK_CHARS, scan
from .evaluate import brat_documents, parse_ann

_EDGE = MARK_CHARS + " \t"


def _pieces_overlap(pieces: list[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(b, end) - max(a, start)) for a, b in pieces)


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The paragraphs of a stretch, each without the marks news style reopens them with."""
    for m in re.finditer(r"[^\n]+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        while a < b and text[a] in _EDGE:
            a += 1
        while b > a and text[b - 1] in _EDGE:
            b -= 1
        if a < b and re.search(r"\w", text[a:b]):
            yield a, b


def document_rows(doc_id: str, text: str, ann: str) -> list[dict]:
    """The gold rows of one document from its .ann text (a row with only the id when it has no quote)."""
    spans, events = parse_ann(ann)
    contents = []
    for e in events:
        if "Cue" not in e or e.get("Content") not in spans:
            continue
        pieces = sorted(spans[e["Content"]][1])
        source = sorted(spans[e["Source"]][1]) if e.get("Source") in spans else []
        contents.append((pieces, source))
    stretches = [q for q in scan(text) if q.style != "dash"]
    owner: dict[int, int] = {}
    for i, q in enumerate(stretches):
        fits = [c for c, (pieces, _) in enumerate(contents)
                if 2 * _pieces_overlap(pieces, q.start, q.end) >= q.end - q.start > 0]
        if fits:
            owner[i] = min(fits, key=lambda c: sum(b - a for a, b in contents[c][0]))
    rows = []
    taken: list[tuple[int, int]] = []
    for i, q in enumerate(stretches):  # in text order, outermost first
        if i not in owner or any(a <= q.start and q.end <= b for a, b in taken):
            continue  # a quote inside a quote of the same content is part of it
        taken.append((q.start, q.end))
        pieces, source = contents[owner[i]]
        inside = [(s.start, s.end) for j, s in enumerate(stretches) if owner.get(j) == owner[i]]
        rest = "".join(ch for a, b in pieces for k, ch in enumerate(text[a:b], a)
                       if not any(s <= k < e for s, e in inside))
        kind = "partial" if re.search(r"\w", rest) else "direct"
        row_source = {}
        if source:
            mention = " ".join(text[a:b] for a, b in source)
            row_source = {"speaker": mention, "speaker_is_mention": True, "speaker_mention": mention,
                          "mention_start": source[0][0], "mention_end": source[-1][1]}
        for a, b in _lines(text, q.start, q.end):
            rows.append({"doc_id": doc_id, "start": a, "end": b, "text": text[a:b], "type": kind, **row_source})
    return rows or [{"doc_id": doc_id}]


def convert(folder: str | Path, limit: int | None = None) -> Iterator[dict]:
    """Gold rows of the first `limit` documents of a brat folder, in sorted order (first annotator per text)."""
    for n, (doc_id, text, ann) in enumerate(brat_documents(Path(folder))):
        if limit is not None and n >= limit:
            return
        yield from document_rows(doc_id, text, ann.read_text(encoding="utf-8"))
