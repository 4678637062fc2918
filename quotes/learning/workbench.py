"""Corrected documents parsed once, then annotated under any rules and lined up with the human's quotes.

Cross-validation annotates the same documents with many rule versions; the
parse (the slow part) is done once, and `attribution.analyse` runs on the
cached Docs for each version.
"""
from __future__ import annotations

from dataclasses import dataclass

import spacy
from spacy.tokens import Doc

from ..attribution import Analysis, analyse
from ..evaluate import Gold, GoldQuote, evaluate
from ..merge import SpeakerMerger
from ..pipeline import DEFAULT_MODEL, Annotated
from ..corpus import Document
from ..records import Quote
from ..registry import Registry
from ..rules import Rules
from .corrections import CorrectedDoc, as_gold


@dataclass
class Aligned:
    """A document's human and machine quotes lined up."""

    doc: CorrectedDoc
    analysis: Analysis
    pairs: list[tuple[GoldQuote, Quote]]  # the human's quote and the machine's row for it
    added: list[GoldQuote]  # quotes the machine missed
    deleted: list[Quote]  # machine rows the human removed


class Workbench:
    def __init__(self, docs: list[CorrectedDoc], model: str | None = None):
        self.docs = {d.doc_id: d for d in docs}
        nlp = spacy.load(model or DEFAULT_MODEL)
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("paragraph_breaks", before="parser")
        self.nlp = nlp
        self.parsed: dict[str, Doc] = {d.doc_id: doc for d, doc in zip(docs, nlp.pipe(d.text for d in docs))}

    def annotate(self, rules: Rules, doc_ids: list[str]) -> dict[str, Analysis]:
        """Each document's analysis under `rules`, speaker spellings merged across them as extract does."""
        registry = Registry.from_rules(rules)
        merger = SpeakerMerger(registry)
        out = {}
        for doc_id in doc_ids:
            analysis = analyse(self.parsed[doc_id], rules, registry)
            for q in analysis.quotes:
                q.doc_id = doc_id
            annotated = Annotated(Document(doc_id, self.docs[doc_id].text, doc_id), analysis.quotes, analysis.names)
            merger.add(annotated.used_names())
            out[doc_id] = analysis
        for analysis in out.values():
            merger.apply(analysis.quotes)
        return out

    def gold(self, doc_ids: list[str]) -> Gold:
        return as_gold(self.docs[d] for d in doc_ids)

    def align(self, rules: Rules, doc_ids: list[str]) -> list[Aligned]:
        analyses = self.annotate(rules, doc_ids)
        out = []
        for doc_id in doc_ids:
            doc = self.docs[doc_id]
            machine = analyses[doc_id].quotes
            ev = evaluate(as_gold([doc]), machine)
            by_id = {q.quote_id: q for q in machine}
            pairs = [(m.gold, by_id[m.pred.quote_id]) for m in ev.matches]
            matched = {q.quote_id for _, q in pairs}
            near = {m.quote_id for m in machine if any(g.start < m.end and m.start < g.end for g in doc.human)}
            deleted = [q for q in machine if q.quote_id not in matched and q.quote_id not in near]
            out.append(Aligned(doc, analyses[doc_id], pairs, ev.missed, deleted))
        return out
