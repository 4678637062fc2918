"""Read documents from files, folders and JSONL/CSV corpora, one at a time.

A bad file or record never stops the run: it comes out as a `Skipped` with a
one-line reason naming the file and what to do, and reading goes on.
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Union

TEXT_SUFFIXES = {".txt", ".text", ".md"}
CORPUS_SUFFIXES = {".jsonl", ".ndjson", ".csv"}
ID_FIELDS = ("id", "doc_id", "document_id")
TEXT_FIELDS = ("text", "body", "content")


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    origin: str  # where it came from: a file, or file:line for a corpus record


@dataclass(frozen=True)
class Skipped:
    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


Item = Union[Document, Skipped]


def read_corpus(paths: Iterable[str | Path], id_field: str | None = None,
                text_field: str | None = None) -> Iterator[Item]:
    """Yield every document under `paths` (files or folders), or why it was skipped."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Skipped(str(path), "no such file or folder; check the path")
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file()
                           and p.suffix.lower() in TEXT_SUFFIXES | CORPUS_SUFFIXES)
            if not files:
                yield Skipped(str(path), "folder holds no .txt, .jsonl or .csv files")
            for f in files:
                yield from _read_file(f, id_field, text_field)
        else:
            yield from _read_file(path, id_field, text_field)


def _decode(path: Path, data: bytes) -> str | Skipped:
    if not data.strip():
        return Skipped(str(path), "empty file; nothing to annotate")
    if b"\x00" in data[:8192]:
        return Skipped(str(path), "binary file, not text; pass .txt, .jsonl or .csv files")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(str(path), f"not UTF-8 text (byte {exc.start}); re-save it as UTF-8")


def _read_file(path: Path, id_field: str | None, text_field: str | None) -> Iterator[Item]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot be read ({exc.strerror}); check its permissions")
        return
    text = _decode(path, data)
    if isinstance(text, Skipped):
        yield text
        return
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path, text, id_field, text_field)
    elif suffix == ".csv":
        yield from _read_csv(path, text, id_field, text_field)
    else:
        yield Document(path.stem, text, str(path))


def _pick(record: dict, wanted: str | None, choices: tuple[str, ...]) -> str | None:
    for key in ((wanted,) if wanted else choices):
        if key in record and record[key] not in (None, ""):
            return str(record[key])
    return None


def _record(path: Path, where: str, record: object, n: int, id_field: str | None,
            text_field: str | None) -> Item:
    origin = f"{path}:{where}"
    if not isinstance(record, dict):
        return Skipped(origin, "record is not an object with id and text fields")
    text = _pick(record, text_field, TEXT_FIELDS)
    if text is None or not text.strip():
        name = text_field or "text"
        return Skipped(origin, f"record has no '{name}' field with text; name it with --text-field")
    doc_id = _pick(record, id_field, ID_FIELDS) or f"{path.stem}-{n}"
    return Document(doc_id, text, origin)


def _read_jsonl(path: Path, text: str, id_field: str | None, text_field: str | None) -> Iterator[Item]:
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(f"{path}:{lineno}", f"not valid JSON ({exc.msg}); fix or remove the line")
            continue
        yield _record(path, str(lineno), record, lineno, id_field, text_field)


def _read_csv(path: Path, text: str, id_field: str | None, text_field: str | None) -> Iterator[Item]:
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames or not any(f in reader.fieldnames for f in ((text_field,) if text_field else TEXT_FIELDS)):
        yield Skipped(str(path), f"CSV has no '{text_field or 'text'}' column; name it with --text-field")
        return
    for n, row in enumerate(reader, 1):
        yield _record(path, f"row {n}", row, n, id_field, text_field)
