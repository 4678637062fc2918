"""textacy's direct_quotations as a baseline, turned into quote rows on the same texts.

textacy raises for a whole document when its quote marks are unbalanced; as in
the published peer comparison, it then runs paragraph by paragraph so that one
odd mark costs only its paragraph.
"""
from __future__ import annotations

from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc
from textacy.extract.triples import direct_quotations

from ..records import Quote
from ..text.paragraphs import paragraphs


def _rows(doc: Doc, doc_id: str, offset: int) -> Iterator[Quote]:
    for triple in direct_quotations(doc):
        content = triple.content
        inner = content[1:-1] if len(content) > 2 else content  # the marks are tokens of the content
        speaker = " ".join(t.text for t in triple.speaker)
        yield Quote(doc_id=doc_id, quote_id="", start=offset + inner.start_char, end=offset + inner.end_char,
                    text=inner.text, speaker=speaker, speaker_mention=speaker,
                    cue=" ".join(t.text for t in triple.cue), rules_version="textacy")


def textacy_quotes(nlp: Language, doc_id: str, text: str) -> list[Quote]:
    """textacy's quotes of one text; per paragraph when the whole document makes it give up."""
    try:
        rows = list(_rows(nlp(text), doc_id, 0))
    except ValueError:
        rows = []
        for start, end in paragraphs(text):
            try:
                rows.extend(_rows(nlp(text[start:end]), doc_id, start))
            except ValueError:
                continue
    for n, q in enumerate(rows, 1):
        q.quote_id = f"q{n}"
    return rows
