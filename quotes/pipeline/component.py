"""spaCy components: `quote_attributor` (results on doc._.quotes and doc.spans["quotes"])
and `paragraph_breaks` (keeps the parser from joining sentences across paragraphs).

After install, `nlp.add_pipe("quote_attributor")` works through the package's
entry point; the component is thin over `attribution.find_quotes`.
"""
from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ..attribution.analysis import UNITS, Analysis, analyse
from ..rules import Rules, load_rules
from ..speakers.registry import Registry
from ..text.windows import doc_paragraphs

SPANS_KEY = "quotes"

if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)
if not Doc.has_extension("quote_analysis"):
    # the names the document mentions (for merging spellings) and its broken quote marks
    Doc.set_extension("quote_analysis", default=None)


@Language.component(
    "paragraph_breaks",
    assigns=["token.is_sent_start"],
)
def paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph break ends a sentence: news paragraphs never share one. The break of a hard-wrapped
    line is no paragraph break (`paragraphs`), so the parser decides there as anywhere in a paragraph."""
    starts = [t.idx for t in doc]
    for start, _ in doc_paragraphs(doc).spans[1:]:
        i = bisect_left(starts, start)
        if i < len(doc):
            doc[i].is_sent_start = True
    return doc


class QuoteAttributor:
    """Finds quotes, cues, canonical speakers and stance in a parsed Doc."""

    def __init__(self, nlp: Language, name: str, rules: str | None = None, spans_key: str = SPANS_KEY,
                 unit: str = "segment"):
        if unit not in UNITS:
            raise ValueError(f"quote_attributor: unit must be one of {', '.join(UNITS)}, not {unit!r}")
        self.name = name
        self.spans_key = spans_key
        self.unit = unit
        self.rules_path = rules
        self._rules: Rules | None = None
        self._registry: Registry | None = None
        self.keep_going = False
        if rules is not None:
            self.set_rules(load_rules(rules))  # a file named in the config is checked at once
        # the packaged defaults load on first use: a pipeline that sets its own rules never reads them

    @property
    def rules(self) -> Rules:
        if self._rules is None:
            self.set_rules(load_rules(self.rules_path))
        return self._rules

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = Registry.from_rules(self.rules)
        return self._registry

    def set_rules(self, rules: Rules) -> None:
        self._rules = rules
        self._registry = Registry.from_rules(rules)

    def __call__(self, doc: Doc) -> Doc:
        try:
            analysis = analyse(doc, self.rules, self.registry, self.unit)
        except Exception as exc:  # noqa: BLE001 - one bad document must not cost the others their rows
            if not self.keep_going:
                raise
            doc.user_data["quotes_error"] = f"annotation failed ({type(exc).__name__}: {exc}); please report it"
            analysis = Analysis([], {})
        doc._.quotes = analysis.quotes
        doc._.quote_analysis = analysis
        spans = []
        for q in analysis.quotes:
            span = doc.char_span(q.start, q.end, label=q.type, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def to_disk(self, path: str | Path, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.rules.save(path / "rules.yaml")

    def from_disk(self, path: str | Path, exclude=()) -> "QuoteAttributor":
        self.set_rules(load_rules(Path(path) / "rules.yaml"))
        return self


@Language.factory(
    "quote_attributor",
    default_config={"rules": None, "spans_key": SPANS_KEY, "unit": "segment"},
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents", "doc.sents"],
    assigns=["doc._.quotes", "doc.spans"],
)
def make_quote_attributor(nlp: Language, name: str, rules: str | None, spans_key: str, unit: str) -> QuoteAttributor:
    return QuoteAttributor(nlp, name, rules, spans_key, unit)
