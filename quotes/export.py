"""Write the quote table as CSV or JSONL, or hand it over as a pandas DataFrame.

Every CSV cell is safe to open in a spreadsheet: a text cell that a
spreadsheet would run as a formula (it starts with =, +, - or @, also after
leading spaces, tabs or line breaks) is written with a leading apostrophe, the
convention spreadsheets show as plain text; `read_quotes` takes it off again.
JSONL and the DataFrame keep the true text.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import IO, Iterable

from .errors import InputError
from .output import atomic_write
from .records import COLUMNS, Quote

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# a cell a spreadsheet reads as a formula; apostrophes first, so that escaping can be undone exactly
_FORMULA = re.compile(r"'*\s*[=+\-@]")


def spreadsheet_safe(value: str) -> str:
    """The cell as written to CSV: an apostrophe before anything a spreadsheet would run as a formula."""
    return "'" + value if _FORMULA.match(value) else value


def spreadsheet_text(cell: str) -> str:
    """The true text of a CSV cell `spreadsheet_safe` wrote (its inverse)."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell


def output_format(path: str | Path) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown output format; name the file .csv or .jsonl")
    return fmt


class QuoteWriter:
    """Streams quote rows to a CSV or JSONL file, header first."""

    def __init__(self, stream: IO[str], fmt: str):
        self.fmt = fmt
        self.stream = stream
        self.count = 0
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, fieldnames=COLUMNS, extrasaction="ignore")
            self._csv.writeheader()

    def write(self, quote: Quote | dict) -> None:
        row = quote.to_row() if isinstance(quote, Quote) else quote
        if self.fmt == "csv":
            self._csv.writerow({k: _cell(row.get(k)) for k in COLUMNS})
        else:
            self.stream.write(json.dumps({k: row.get(k) for k in COLUMNS}, ensure_ascii=False) + "\n")
        self.count += 1


def _cell(value: object) -> object:
    if value is None:
        return ""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def write_quotes(quotes: Iterable[Quote], path: str | Path) -> int:
    """Write the table whole or not at all (see `output.atomic_write`)."""
    fmt = output_format(path)
    with atomic_write(path) as fh:
        writer = QuoteWriter(fh, fmt)
        for q in quotes:
            writer.write(q)
    return writer.count


def read_quotes(path: str | Path) -> list[Quote]:
    """Read a quote table written by `quotes extract` or `quotes export`."""
    p = Path(path)
    fmt = output_format(p)
    if not p.exists():
        raise InputError(f"{p}: no such file; run `quotes extract` first")
    with p.open(encoding="utf-8", newline="") as fh:
        if fmt == "csv":
            rows = [{k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in r.items()}
                    for r in csv.DictReader(fh)]
        else:
            rows = [json.loads(line) for line in fh if line.strip()]
    try:
        return [Quote.from_row(r) for r in rows]
    except (KeyError, ValueError) as exc:
        raise InputError(f"{p}: not a quote table ({exc}); expected the columns of `quotes extract`") from None


def to_dataframe(quotes: Iterable[Quote]):
    """The quote table as a pandas DataFrame with the export's columns."""
    import pandas as pd

    return pd.DataFrame([q.to_row() for q in quotes], columns=COLUMNS)
