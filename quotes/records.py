"""The quote table: one row per quote, shared by CSV, JSONL, Parquet and the DataFrame; after its standard
columns come the fields of corpus records (`corpus_columns`)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterable, Mapping

# Column order of every export (CSV, JSONL, DataFrame); the README documents it.
COLUMNS = [
    "doc_id", "quote_id", "start", "end", "text", "type",
    "speaker", "speaker_kind", "speaker_gender", "speaker_gender_evidence", "speaker_mention", "mention_start",
    "mention_end",
    "cue", "stance", "stance_score", "stance_cues", "stance_probs", "confidence", "rules_version",
]
# a corpus field named like one of the columns above (or like a field already placed) gets this before its name
CORPUS_PREFIX = "corpus_"


def corpus_columns(names: Iterable[str], taken: Iterable[str] = COLUMNS) -> dict[str, str]:
    """Each corpus field's column in the quote table, in the order given: the field's own name, or, for a
    field named like a standard column, that name with `CORPUS_PREFIX` before it as often as it takes to be
    unlike every column and every other field (so `speaker` is `corpus_speaker`, or `corpus_corpus_speaker`
    when the corpus has a `corpus_speaker` of its own, whatever the order of the fields)."""
    names = list(dict.fromkeys(names))
    standard = set(taken)
    used = standard | set(names)
    out: dict[str, str] = {}
    for name in names:
        column = name
        if name in standard:
            column = CORPUS_PREFIX + name
            while column in used:
                column = CORPUS_PREFIX + column
            used.add(column)
        out[name] = column
    return out


def stance_probs(value: Any) -> dict[str, float]:
    """The label probabilities of a row as read back: a mapping (JSONL), its JSON text (CSV, Parquet) or empty."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            return {}
    if not isinstance(value, Mapping):
        return {}
    out = {}
    for k, v in value.items():
        try:
            out[str(k)] = float(v)
        except (TypeError, ValueError):
            continue
    return out


def with_fields(row: dict[str, Any], fields: Mapping[str, str | None], columns: Mapping[str, str]) -> dict[str, Any]:
    """A quote's row with its document's corpus fields under their `columns` (None where the document has none)."""
    return {**row, **{column: fields.get(name) for name, column in columns.items()}}


@dataclass
class Quote:
    """A quote found in a document, with its attribution and stance.

    Offsets are character offsets into the document text, end exclusive, so
    that ``text == document[start:end]``; the quote marks lie outside the span.
    """

    doc_id: str
    quote_id: str
    start: int
    end: int
    text: str
    type: str = "direct"  # "direct" or "partial"
    speaker: str = ""
    speaker_mention: str = ""
    mention_start: int | None = None
    mention_end: int | None = None
    cue: str = ""
    stance: str = "neutral"
    stance_score: float = 0.0
    stance_cues: str = ""
    confidence: float = 0.0
    rules_version: str = ""
    # last, so that positional construction keeps working; its column stands after `speaker`
    speaker_kind: str = ""  # person | organisation | group | unnamed; empty when there is no speaker
    speaker_gender: str = "unknown"  # female | male | unknown
    speaker_gender_evidence: str = "none"  # article | registry | name | none: what says the gender
    # every label's probability from the learned stance model ({} from the cue model alone); JSONL writes the
    # mapping, CSV and Parquet its JSON text
    stance_probs: dict[str, float] = field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        row = asdict(self)
        return {name: row[name] for name in COLUMNS}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Quote":
        """Build a Quote from a CSV/JSONL row (strings accepted for numbers)."""
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in row.items() if k in known}
        for key in ("start", "end"):
            data[key] = int(data[key])
        for key in ("mention_start", "mention_end"):
            value = data.get(key)
            data[key] = None if value in (None, "") or value != value else int(value)
        for key in ("stance_score", "confidence"):
            value = data.get(key)
            data[key] = 0.0 if value in (None, "") or value != value else float(value)
        defaults = {"type": "direct", "stance": "neutral", "speaker_gender": "unknown", "speaker_gender_evidence": "none"}
        for key in ("speaker", "speaker_kind", "speaker_mention", "cue", "stance_cues", "rules_version", "type", "stance",
                    "speaker_gender", "speaker_gender_evidence"):
            value = data.get(key)
            if value is None or value != value or (key in defaults and value == ""):  # None or NaN from pandas
                data[key] = defaults.get(key, "")
            else:
                data[key] = str(value)
        data["stance_probs"] = stance_probs(data.get("stance_probs"))
        data["doc_id"] = str(data["doc_id"])
        data["quote_id"] = str(data["quote_id"])
        return cls(**data)
