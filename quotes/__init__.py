"""quotes: every direct quote in news text, its canonical speaker and its stance.

    >>> import quotes
    >>> rows = quotes.extract('"We will win," Jo Park said.')
    >>> rows[0].speaker
    'Jo Park'
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Collection, Iterable, Mapping

from .errors import InputError, QuotesError
from .pipeline.annotator import Annotator, annotate_corpus
from .records import COLUMNS, Quote, corpus_columns, with_fields
from .rules import Rules, load_rules
from .tables.corpus import Document, Skipped, read_records
from .tables.export import to_dataframe

__all__ = ["Annotator", "COLUMNS", "Quote", "QuotesError", "Rules", "extract", "extract_dataframe", "load_rules"]
__version__ = "0.1.0"


@lru_cache(maxsize=4)
def _annotator(rules: str | None, model: str | None) -> Annotator:
    return Annotator(rules, model)


def extract(text: str, rules: str | Path | None = None, model: str | None = None, doc_id: str = "") -> list[Quote]:
    """The quotes of one text, attributed and labelled (the model is loaded once and cached)."""
    return _annotator(str(rules) if rules else None, model).annotate_text(text, doc_id)


def extract_dataframe(texts: Iterable[str] | Iterable[Mapping] | Mapping[str, str], rules: str | Path | None = None,
                      model: str | None = None, id_field: str | None = None, text_field: str | None = None,
                      keep: Collection[str] | None = None):
    """The quote table of several texts as a pandas DataFrame.

    `texts`: strings (ids 0, 1, ...), a mapping of ids to texts, or records: mappings with an id and a text field
    (`id_field`, `text_field`; by default id/doc_id and text), as a JSONL corpus holds them, whose other fields
    (all, or those in `keep`) become columns after the standard ones, as `quotes extract` writes them. A record
    that cannot be read raises a QuotesError naming it. Speaker spellings are merged across the texts.
    """
    annotator = _annotator(str(rules) if rules else None, model)
    if isinstance(texts, Mapping):
        docs = [Document(str(k), t, str(k)) for k, t in texts.items()]
    else:
        items = list(texts)
        if all(isinstance(t, str) for t in items):
            docs = [Document(str(k), t, str(k)) for k, t in enumerate(items)]
        else:
            docs = []
            for item in read_records(items, id_field, text_field, keep):
                if isinstance(item, Skipped):
                    raise InputError(str(item))
                docs.append(item)
    rows, _ = annotate_corpus(annotator, docs)
    names = list(keep) if keep is not None else list(dict.fromkeys(f for d in docs for f in d.fields))
    columns = corpus_columns(names)
    fields = {d.doc_id: d.fields for d in docs}
    return to_dataframe([with_fields(q.to_row(), fields[q.doc_id], columns) for q in rows], list(columns.values()))
