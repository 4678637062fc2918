"""Write the quote table as CSV, JSONL or Parquet, or hand it over as a pandas DataFrame.

Every CSV cell is safe to open in a spreadsheet: a text cell that a
spreadsheet would run as a formula (it starts with =, +, - or @, also after
leading spaces, tabs or line breaks) is written with a leading apostrophe, the
convention spreadsheets show as plain text; `read_quotes` takes it off again.
JSONL, Parquet and the DataFrame keep the true text. Parquet (pyarrow, imported
only for it) has the CSV's columns, typed: offsets int64 (null for no mention),
scores float64, the rest strings; rows go out in row groups, so memory stays
bounded however long the table. A table may have more columns than the
standard ones (`extra`: a corpus's fields), all strings, null where a row has
none.

A folder (a name ending in `/`, or an existing folder; with no suffix or
`.parquet`; or no suffix and the Parquet format asked for) is a table in
Parquet parts: `part-00000.parquet`, ... of `PART_ROWS` rows each, all with
one schema, so that `pandas.read_parquet(folder)` and `pyarrow.dataset` read
them as one table. Parts go by rows, not by worker: the rows are written after
the cross-document speaker merge, which may respell any row's speaker, in one
process and in input order. The folder is written whole or not at all
(`output.atomic_folder`).
"""
from __future__ import annotations

import csv
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from ..errors import InputError
from ..records import COLUMNS, Quote
from .output import PART_NAME, atomic_folder, atomic_write, part_name

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
BINARY = {"parquet"}
ROW_GROUP = 50_000  # Parquet rows buffered before they are written
PART_ROWS = 250_000  # rows of a part of a folder table (five row groups; a part a reader can hold in memory)
_INTEGERS = {"start", "end", "mention_start", "mention_end"}
_FLOATS = {"stance_score", "confidence"}
# a cell a spreadsheet reads as a formula; apostrophes first, so that escaping can be undone exactly
_FORMULA = re.compile(r"'*\s*[=+\-@]")


def spreadsheet_safe(value: str) -> str:
    """The cell as written to CSV: an apostrophe before anything a spreadsheet would run as a formula."""
    return "'" + value if _FORMULA.match(value) else value


def spreadsheet_text(cell: str) -> str:
    """The true text of a CSV cell `spreadsheet_safe` wrote (its inverse)."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell


def is_partitioned(path: str | Path, fmt: str | None = None) -> bool:
    """A table in Parquet parts: a name ending in a slash (as typed: `Path` drops it) or an existing folder,
    with no suffix or `.parquet`; or no suffix and the format asked for is Parquet."""
    suffix = Path(path).suffix.lower()
    if suffix not in ("", ".parquet") or fmt not in (None, "parquet"):
        return False  # out.csv as a folder stays what it was: a folder where a file was meant
    return str(path).endswith(("/", os.sep)) or Path(path).is_dir() or (suffix == "" and fmt == "parquet")


def output_format(path: str | Path, fmt: str | None = None) -> str:
    """The format of an output: `fmt` when given (csv, jsonl, parquet), else the one its name ends in; Parquet
    for a folder of parts."""
    if fmt is not None and fmt not in FORMATS.values():
        raise InputError(f"--format {fmt}: unknown output format; give csv, jsonl or parquet")
    if is_partitioned(path, fmt):
        return "parquet"
    if str(path).endswith(("/", os.sep)):
        change = f"leave out --format {fmt}" if fmt else f"name the folder without {Path(path).suffix}"
        raise InputError(f"{path}: a folder of parts is Parquet; {change}, or name a file")
    if fmt is not None:
        return fmt
    found = FORMATS.get(Path(path).suffix.lower())
    if found is None:
        raise InputError(f"{path}: unknown output format; name the file .csv, .jsonl or .parquet (or give --format)")
    return found


def parquet_schema(extra: Sequence[str] = ()):
    import pyarrow as pa

    def kind(column: str):
        return pa.int64() if column in _INTEGERS else pa.float64() if column in _FLOATS else pa.string()

    return pa.schema([(c, kind(c)) for c in COLUMNS] + [(c, pa.string()) for c in extra])


class QuoteWriter:
    """Streams quote rows to a CSV or JSONL file (a text stream), header first, or to a Parquet file (a byte
    stream); `close` writes what is buffered (Parquet). `extra`: columns after the standard ones (strings)."""

    def __init__(self, stream: IO, fmt: str, extra: Sequence[str] = ()):
        self.fmt = fmt
        self.stream = stream
        self.count = 0
        self.columns = COLUMNS + [c for c in extra if c not in COLUMNS]
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, fieldnames=self.columns, extrasaction="ignore")
            self._csv.writeheader()
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            self._schema = parquet_schema(self.columns[len(COLUMNS):])
            self._parquet = pq.ParquetWriter(stream, self._schema)
            self._rows: list[dict] = []

    def write(self, quote: Quote | dict) -> None:
        row = quote.to_row() if isinstance(quote, Quote) else quote
        if self.fmt == "csv":
            self._csv.writerow({k: _cell(row.get(k)) for k in self.columns})
        elif self.fmt == "parquet":
            self._rows.append({k: _flat(row.get(k)) if k == "stance_probs" else row.get(k) for k in self.columns})
            if len(self._rows) >= ROW_GROUP:
                self._flush()
        else:
            self.stream.write(json.dumps({k: row.get(k) for k in self.columns}, ensure_ascii=False) + "\n")
        self.count += 1

    def _flush(self) -> None:
        import pyarrow as pa

        if self._rows:
            self._parquet.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def close(self) -> None:
        if self.fmt == "parquet":
            self._flush()
            self._parquet.close()


class PartitionWriter:
    """Streams quote rows to Parquet parts in `folder`, `rows_per_part` each, all with the schema of `extra`;
    the first part is written even for no rows, so that the folder reads as an empty table with its columns.
    `close` ends the last part."""

    def __init__(self, folder: Path, extra: Sequence[str] = (), rows_per_part: int | None = None):
        self.folder, self.extra, self.rows_per_part = folder, extra, rows_per_part or PART_ROWS
        self.count = self.parts = 0
        self._open()

    def _open(self) -> None:
        self._fh = open(self.folder / part_name(self.parts, ".parquet"), "wb")
        self._part = QuoteWriter(self._fh, "parquet", self.extra)
        self.parts += 1

    def write(self, quote: Quote | dict) -> None:
        if self._part.count >= self.rows_per_part:
            self.close()
            self._open()
        self._part.write(quote)
        self.count += 1

    def close(self) -> None:
        try:
            self._part.close()
        finally:
            self._fh.close()


@contextmanager
def partition_writer(path: str | Path, extra: Sequence[str] = (),
                     rows_per_part: int | None = None) -> Iterator[PartitionWriter]:
    """A writer of the table in parts at the folder `path`, which gets them only when the block ends without
    an error; nothing is left of a failed one."""
    with atomic_folder(path) as folder:
        writer = PartitionWriter(folder, extra, rows_per_part)
        try:
            yield writer
        finally:
            writer.close()  # on failure too: the file is closed before its folder is removed


@contextmanager
def table_writer(path: str | Path, fmt: str | None = None, extra: Sequence[str] = (),
                 rows_per_part: int | None = None) -> Iterator[QuoteWriter | PartitionWriter]:
    """A writer of the quote table at `path` (a file, or a folder of parts) whose rows become that file or
    folder only when the block ends without an error; nothing is left of a failed one."""
    fmt = output_format(path, fmt)
    if is_partitioned(path, fmt):
        with partition_writer(path, extra, rows_per_part) as writer:
            yield writer
        return
    with atomic_write(path, binary=fmt in BINARY) as fh:
        writer = QuoteWriter(fh, fmt, extra)
        yield writer
        writer.close()


def _flat(value: object) -> object:
    """A mapping cell (stance_probs) as its JSON text, for the formats whose cells are flat."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False) if value else ""
    return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    value = _flat(value)
    return spreadsheet_safe(value) if isinstance(value, str) else value


def write_quotes(quotes: Iterable[Quote], path: str | Path) -> int:
    """Write the table, a file or a folder of Parquet parts, whole or not at all."""
    with table_writer(path) as writer:
        for q in quotes:
            writer.write(q)
    return writer.count


def read_quotes(path: str | Path) -> list[Quote]:
    """Read a quote table written by `quotes extract` or `quotes export`: a file, or a folder of parts."""
    p = Path(path)
    fmt = output_format(path)
    if not p.exists():
        raise InputError(f"{p}: no such {'folder' if is_partitioned(path) else 'file'}; run `quotes extract` first")
    if p.is_dir():
        rows = [row for part in parquet_parts(p) for row in _parquet_rows(part)]
    elif fmt == "parquet":
        rows = _parquet_rows(p)
    else:
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


def parquet_parts(folder: Path) -> list[Path]:
    """The Parquet parts of a folder table, in order."""
    parts = sorted(p for p in folder.iterdir() if PART_NAME.fullmatch(p.name) and p.suffix == ".parquet")
    if not parts:
        raise InputError(f"{folder}: no Parquet parts (part-00000.parquet, ...) in this folder; name a quote table "
                         "or a folder written by `quotes extract -o FOLDER/`")
    return parts


def _parquet_rows(path: Path) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path).to_pylist()
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a Parquet file ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}); "
                         "expected a quote table written by `quotes extract -o FILE.parquet`") from None


def to_dataframe(quotes: Iterable[Quote | dict], extra: Sequence[str] = ()):
    """The quote table as a pandas DataFrame with the export's columns (and `extra` ones, strings or None)."""
    import pandas as pd

    columns = COLUMNS + [c for c in extra if c not in COLUMNS]
    rows = [q.to_row() if isinstance(q, Quote) else q for q in quotes]
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
