"""The quote table: one row per quote, shared by CSV, JSONL and the DataFrame."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

# Column order of every export (CSV, JSONL, DataFrame); the README documents it.
COLUMNS = [
    "doc_id", "quote_id", "start", "end", "text", "type",
    "speaker", "speaker_kind", "speaker_mention", "mention_start", "mention_end",
    "cue", "stance", "stance_score", "stance_cues", "confidence", "rules_version",
]


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
        for key in ("speaker", "speaker_kind", "speaker_mention", "cue", "stance_cues", "rules_version", "type", "stance"):
            value = data.get(key)
            if value is None or value != value:  # None or NaN from pandas
                data[key] = "" if key not in ("type", "stance") else ("direct" if key == "type" else "neutral")
            else:
                data[key] = str(value)
        data["doc_id"] = str(data["doc_id"])
        data["quote_id"] = str(data["quote_id"])
        return cls(**data)
