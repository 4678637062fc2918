"""quotes: every direct quote in news text, its canonical speaker and its stance.

    >>> import quotes
    >>> rows = quotes.extract('"We will win," Jo Park said.')
    >>> rows[0].speaker
    'Jo Park'
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from .corpus import Document
from .errors import QuotesError
from .export import to_dataframe
from .pipeline import Annotator, annotate_corpus
from .records import COLUMNS, Quote
from .rules import Rules, load_rules

__all__ = ["Annotator", "COLUMNS", "Quote", "QuotesError", "Rules", "extract", "extract_dataframe", "load_rules"]
__version__ = "0.1.0"


@lru_cache(maxsize=4)
def _annotator(rules: str | None, model: str | None) -> Annotator:
    return Annotator(rules, model)


def extract(text: str, rules: str | Path | None = None, model: str | None = None, doc_id: str = "") -> list[Quote]:
    """The quotes of one text, attributed and labelled (the model is loaded once and cached)."""
    return _annotator(str(rules) if rules else None, model).annotate_text(text, doc_id)


def extract_dataframe(texts: Iterable[str] | Mapping[str, str], rules: str | Path | None = None,
                      model: str | None = None):
    """The quote table of several texts as a pandas DataFrame (ids are the mapping's keys or 0, 1, ...).

    Speaker spellings are merged across the texts, as `quotes extract` does.
    """
    annotator = _annotator(str(rules) if rules else None, model)
    pairs = texts.items() if isinstance(texts, Mapping) else enumerate(texts)
    rows, _ = annotate_corpus(annotator, [Document(str(k), t, str(k)) for k, t in pairs])
    return to_dataframe(rows)
