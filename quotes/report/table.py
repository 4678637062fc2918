"""Read a quote table (CSV, JSONL or Parquet) with every column it has, for the report.

`export.read_quotes` gives `Quote` records and drops what the record does not
know; the report also needs the corpus columns a table may carry (`date`,
`outlet`, `url`, ...), so it reads rows as they are and checks only the
columns it uses. A file that is not a quote table is one `InputError` naming
it and what to pass instead.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..records import COLUMNS, stance_probs
from ..tables.export import parquet_parts, spreadsheet_text

# without these a row cannot be drawn or placed in its article
REQUIRED = ("doc_id", "quote_id", "start", "end", "text", "speaker", "stance")
_INTEGERS = ("start", "end")
_FLOATS = ("stance_score", "confidence")
_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_WHAT = "pass the table `quotes extract` wrote (.csv, .jsonl, .parquet or a folder of Parquet parts)"


def read_table(path: str | Path) -> pd.DataFrame:
    """The table's rows: the quote columns typed (offsets int, scores float, NaN when empty; text ""), corpus
    columns as strings."""
    p = Path(path)
    fmt = "parquet" if p.is_dir() else _FORMATS.get(p.suffix.lower())  # a folder of parts from `-o FOLDER/`
    if fmt is None:
        raise InputError(f"{p}: not a quote table file; {_WHAT}")
    if not p.exists():
        raise InputError(f"{p}: no such file; run `quotes extract` first, or check the path")
    rows, columns = _parquet(p) if fmt == "parquet" else _text_rows(p, fmt)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        hint = "; a corpus of texts goes to --texts" if "text" in columns and "start" not in columns else ""
        raise InputError(f"{p}: not a quote table (no column {', '.join(missing)}); {_WHAT}{hint}")
    return _typed(p, rows, columns)


def _text_rows(p: Path, fmt: str) -> tuple[list[dict], list[str]]:
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start}); {_WHAT}") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror}); check its permissions") from None
    if not text.strip():
        raise InputError(f"{p}: empty file, not a quote table; {_WHAT}")
    return _csv_rows(p, text) if fmt == "csv" else _jsonl_rows(p, text)


def _csv_rows(p: Path, text: str) -> tuple[list[dict], list[str]]:
    csv.field_size_limit(sys.maxsize)
    try:
        # lines end at LF, CRLF or CR only, never inside a field at U+2028 (as `corpus` reads CSV)
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        columns = list(reader.fieldnames or [])
        rows = []
        for row in reader:
            if None in row or None in row.values():
                raise InputError(f"{p}: line {reader.line_num} has another number of fields than the header "
                                 f"({len(columns)}); {_WHAT}")
            rows.append({k: spreadsheet_text(v) for k, v in row.items()})
    except csv.Error as exc:
        raise InputError(f"{p}: broken CSV ({exc}); {_WHAT}") from None
    return rows, columns


def _jsonl_rows(p: Path, text: str) -> tuple[list[dict], list[str]]:
    rows, columns = [], {}
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{p}:{lineno}: not valid JSON ({exc.msg}); {_WHAT}") from None
        if not isinstance(row, dict):
            raise InputError(f"{p}:{lineno}: not a JSON object; {_WHAT}")
        columns.update(dict.fromkeys(row))
        rows.append(row)
    return rows, list(columns)


def _parquet(p: Path) -> tuple[list[dict], list[str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pa.concat_tables([pq.read_table(part) for part in parquet_parts(p)]) if p.is_dir() else \
            pq.read_table(p)
    except (pa.ArrowException, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{p}: not a Parquet file ({first}); {_WHAT}") from None
    return table.to_pylist(), table.column_names


def _typed(p: Path, rows: list[dict], columns: list[str]) -> pd.DataFrame:
    # the quote columns first, in their usual order, then the corpus columns as the file has them
    order = [c for c in COLUMNS if c in columns] + [c for c in columns if c not in COLUMNS]
    data: dict[str, list] = {c: [] for c in order}
    for n, row in enumerate(rows, 1):
        for c in order:
            value = row.get(c)
            if c in _INTEGERS:
                value = _integer(p, n, c, value)
            elif c in _FLOATS:
                value = _number(p, n, c, value)
            elif c == "stance_probs":  # a mapping (JSONL) or its JSON text (CSV, Parquet): JSON text, or ""
                probs = stance_probs(value)
                value = json.dumps(probs) if probs else ""
            else:
                value = "" if value is None or value != value else str(value)  # None, or NaN from a writer
            data[c].append(value)
    frame = pd.DataFrame(data, columns=order)
    for c in ("speaker_kind", "speaker_gender", "speaker_gender_evidence", "cue", "type", "stance_cues"):
        if c not in frame:
            frame[c] = ""  # an older table, without the column
    for c in _FLOATS:
        if c not in frame:
            frame[c] = float("nan")
    return frame


def _integer(p: Path, n: int, column: str, value: object) -> int:
    try:
        number = int(value)  # type: ignore[arg-type]
        if number < 0 or isinstance(value, bool) or (isinstance(value, float) and value != number):
            raise ValueError
    except (TypeError, ValueError):
        raise InputError(f"{p}: row {n}: {column} is {value!r}, not a character offset; {_WHAT}") from None
    return number


def _number(p: Path, n: int, column: str, value: object) -> float:
    if value is None or value == "":
        return float("nan")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{p}: row {n}: {column} is {value!r}, not a number; {_WHAT}") from None
