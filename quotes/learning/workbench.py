"""Corrected documents parsed once, then annotated under any rules and lined up with the human's quotes.

Cross-validation annotates the same documents with many rule versions. The
parse is the slow part (some 15 times the annotation), so it is done once; but
a parsed Doc holds hundreds of kilobytes, and keeping every one made memory grow
with the number of corrected documents (3 GB at 300). Each parse is kept as
compressed `DocBin` bytes (some 14 kB a document, three times its text) and a
Doc is rebuilt when a document is annotated, then dropped: one document's Doc
and analysis live at a time (rebuilding costs a fifth of annotating).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from ..attribution.analysis import Analysis, analyse
from ..evaluation.evaluate import Gold, GoldQuote, evaluate
from ..pipeline import component  # noqa: F401 - registers paragraph_breaks
from ..pipeline.annotator import DEFAULT_MODEL
from ..records import Quote
from ..rules import Rules
from ..speakers.merge import SpeakerMerger
from ..speakers.registry import Registry
from .corrections import CorrectedDoc, as_gold
from .stance_labels import StanceLabels

BATCH = 4  # documents parsed together: as fast as 16 here, with a third less memory at the peak


@dataclass
class Aligned:
    """A document's human and machine quotes lined up, with its parse and analysis."""

    doc: CorrectedDoc
    analysis: Analysis
    pairs: list[tuple[GoldQuote, Quote]]  # the human's quote and the machine's row for it
    added: list[GoldQuote]  # quotes the machine missed
    deleted: list[Quote]  # machine rows the human removed
    parsed: Doc | None = None


@lru_cache(maxsize=2)
def load_parser(model: str | None = None) -> Language:
    """The spaCy model with paragraph breaks before its parser (loaded once per model)."""
    nlp = spacy.load(model or DEFAULT_MODEL)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


class Workbench:
    def __init__(self, docs: Iterable[CorrectedDoc], model: str | None = None):
        docs = list(docs)
        self.docs = {d.doc_id: d for d in docs}
        self.nlp = load_parser(model)
        self._parses: dict[str, bytes] = {}
        self._stance = StanceLabels()  # the learned model's labels, as extract gives them
        # small batches: spaCy's default (1000) parses a whole corpus of corrections at once
        for d, doc in zip(docs, self.nlp.pipe((d.text for d in docs), batch_size=BATCH)):
            self._parses[d.doc_id] = DocBin(docs=[doc], store_user_data=True).to_bytes()

    def stance_model(self, rules: Rules):
        """The rules' learned stance model as this workbench labels with it (loaded once, shared with the head's
        refit); None without one."""
        return self._stance.model(rules)

    def parsed(self, doc_id: str) -> Doc:
        """The document's parse, rebuilt from its bytes (a new Doc each time)."""
        return next(DocBin().from_bytes(self._parses[doc_id]).get_docs(self.nlp.vocab))

    def _analyses(self, rules: Rules, registry: Registry, doc_ids: list[str]) -> Iterator[tuple[str, Doc, Analysis]]:
        for doc_id in doc_ids:
            doc = self.parsed(doc_id)
            analysis = analyse(doc, rules, registry, self.docs[doc_id].unit)
            for q in analysis.quotes:
                q.doc_id = doc_id
            self._stance.apply(rules, doc_id, self.docs[doc_id].text, analysis.quotes)
            yield doc_id, doc, analysis

    def _merger(self, rules: Rules, registry: Registry, doc_ids: list[str]
                ) -> tuple[SpeakerMerger, dict[str, list[Quote]]]:
        """Speaker spellings merged across the documents, as extract merges them; and each one's rows."""
        merger = SpeakerMerger(registry)
        rows = {}
        for doc_id, _, analysis in self._analyses(rules, registry, doc_ids):
            merger.add(set(analysis.names) | {q.speaker for q in analysis.quotes if q.speaker})
            rows[doc_id] = analysis.quotes
        return merger, rows

    def annotate(self, rules: Rules, doc_ids: list[str]) -> dict[str, list[Quote]]:
        """Each document's rows under `rules`, speaker spellings merged across them as extract does."""
        merger, rows = self._merger(rules, Registry.from_rules(rules), doc_ids)
        for quotes in rows.values():
            merger.apply(quotes)
        return rows

    def gold(self, doc_ids: list[str]) -> Gold:
        return as_gold(self.docs[d] for d in doc_ids)

    def aligned(self, rules: Rules, doc_ids: list[str]) -> Iterator[Aligned]:
        """Each document lined up, one at a time: a second annotation pass, once the merge has seen them all."""
        registry = Registry.from_rules(rules)
        merger, _ = self._merger(rules, registry, doc_ids)
        for doc_id, doc, analysis in self._analyses(rules, registry, doc_ids):
            merger.apply(analysis.quotes)
            yield align(self.docs[doc_id], analysis, doc)


def align(doc: CorrectedDoc, analysis: Analysis, parsed: Doc | None = None) -> Aligned:
    """The machine's rows of one document lined up with the human's quotes."""
    machine = analysis.quotes
    ev = evaluate(as_gold([doc]), machine)
    by_id = {q.quote_id: q for q in machine}
    pairs = [(m.gold, by_id[m.pred.quote_id]) for m in ev.matches]
    matched = {q.quote_id for _, q in pairs}
    near = {m.quote_id for m in machine if any(g.start < m.end and m.start < g.end for g in doc.human)}
    deleted = [q for q in machine if q.quote_id not in matched and q.quote_id not in near]
    return Aligned(doc, analysis, pairs, ev.missed, deleted, parsed)
