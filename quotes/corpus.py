"""Read documents from files, folders and JSONL/CSV corpora, one at a time.

A bad file or record never stops the run: it comes out as a `Skipped` with a
one-line reason naming the file and what to do, and reading goes on. Document
ids are unique in a run: a second document with an id already used gets the id
with `~2` (`~3`, ...) added and says so in its `note`; the same id with the
same text is read once. A quote table this package wrote is never read back as
a corpus.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Union

TEXT_SUFFIXES = {".txt", ".text", ".md"}
CORPUS_SUFFIXES = {".jsonl", ".ndjson", ".csv"}
ID_FIELDS = ("id", "doc_id", "document_id")
TEXT_FIELDS = ("text", "body", "content")


# the first columns of the quote table (`records.COLUMNS`): a file that starts so is our own output
QUOTE_TABLE_KEYS = ("doc_id", "quote_id", "start", "end", "text")


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    origin: str  # where it came from: a file, or file:line for a corpus record
    note: str = ""  # what the reader changed (a renamed id), for a warning


@dataclass(frozen=True)
class Skipped:
    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


Item = Union[Document, Skipped]


def read_corpus(paths: Iterable[str | Path], id_field: str | None = None,
                text_field: str | None = None, exclude: Iterable[str | Path] = ()) -> Iterator[Item]:
    """Yield every document under `paths` (files or folders), or why it was skipped.

    `exclude`: files never to read (the run's own output, when it lies in an input folder).
    """
    return unique_ids(_read_paths(paths, id_field, text_field, {_key(p) for p in exclude}))


def _key(path: str | Path) -> str:
    return str(Path(path).resolve())


def files_under(folder: Path) -> list[Path]:
    """The files a folder's walk reads, in order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | CORPUS_SUFFIXES)


def _read_paths(paths: Iterable[str | Path], id_field: str | None, text_field: str | None,
                exclude: set[str]) -> Iterator[Item]:
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Skipped(str(path), "no such file or folder; check the path")
        elif path.is_dir():
            files = [f for f in files_under(path) if _key(f) not in exclude]
            if not files:
                yield Skipped(str(path), "folder holds no .txt, .jsonl or .csv files")
            for f in files:
                yield from _read_file(f, id_field, text_field)
        elif _key(path) not in exclude:
            yield from _read_file(path, id_field, text_field)


def unique_ids(items: Iterable[Item]) -> Iterator[Item]:
    """Each document once, under an id no other document of the run has.

    A repeated id with the same text is a duplicate (skipped); with another text it is another document,
    renamed `id~2`, `id~3`, ... (two files named alike in different folders, a corpus with a careless id).
    Only a short digest of each text is kept, so memory stays small however long the corpus.
    """
    seen: dict[str, tuple[bytes, str]] = {}
    for item in items:
        if isinstance(item, Skipped):
            yield item
            continue
        digest = hashlib.blake2b(item.text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        first = seen.get(item.doc_id)
        if first is None:
            seen[item.doc_id] = (digest, item.origin)
            yield item
            continue
        if first[0] == digest:
            yield Skipped(item.origin, f"same id '{item.doc_id}' and text as {first[1]}; annotated once")
            continue
        n = 2
        while f"{item.doc_id}~{n}" in seen:
            n += 1
        new_id = f"{item.doc_id}~{n}"
        seen[new_id] = (digest, item.origin)
        yield Document(new_id, item.text, item.origin,
                       f"id '{item.doc_id}' is already {first[1]}'s; its rows are under '{new_id}'")


def _decode(path: Path, data: bytes) -> str | Skipped:
    if not data.strip():
        return Skipped(str(path), "empty file; nothing to annotate")
    # a NUL anywhere in a text file, or near the start of a corpus: binary data (a corpus's records are
    # checked one by one, so that one bad record costs only itself)
    if b"\x00" in (data if path.suffix.lower() not in CORPUS_SUFFIXES else data[:8192]):
        return Skipped(str(path), "binary file, not text; pass .txt, .jsonl or .csv files")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(str(path), f"not UTF-8 text (byte {exc.start}); re-save it as UTF-8")


def is_quote_table(path: Path, text: str) -> bool:
    """Whether a .csv or .jsonl file is a quote table written by `quotes extract` or `quotes export`."""
    head = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if path.suffix.lower() == ".csv":
        return tuple(c.strip() for c in head.split(",")[:len(QUOTE_TABLE_KEYS)]) == QUOTE_TABLE_KEYS
    try:
        first = json.loads(head)
    except ValueError:
        return False
    return isinstance(first, dict) and tuple(first)[:len(QUOTE_TABLE_KEYS)] == QUOTE_TABLE_KEYS


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
    if suffix in CORPUS_SUFFIXES and is_quote_table(path, text):
        yield Skipped(str(path), "a quote table written by `quotes`, not a corpus; keep outputs out of input folders")
        return
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path, text, id_field, text_field)
    elif suffix == ".csv":
        yield from _read_csv(path, text, id_field, text_field)
    else:
        yield Document(path.stem, text, str(path))


_TYPE_NAMES = {bool: "true or false", int: "a number", float: "a number", list: "a list", dict: "an object"}


def _pick(record: dict, wanted: str | None, choices: tuple[str, ...]) -> tuple[str | None, object]:
    """The first of the keys present with a value: (key, value); (None, None) when there is none."""
    for key in ((wanted,) if wanted else choices):
        if key in record and record[key] not in (None, ""):
            return key, record[key]
    return None, None


def _record(path: Path, where: str, record: object, n: int, id_field: str | None,
            text_field: str | None) -> Item:
    origin = f"{path}:{where}"
    if not isinstance(record, dict):
        return Skipped(origin, "record is not an object with id and text fields")
    key, text = _pick(record, text_field, TEXT_FIELDS)
    if key is not None and not isinstance(text, str):
        return Skipped(origin, f"record's '{key}' is {_TYPE_NAMES.get(type(text), 'not a string')}, not text; "
                               "fix the record or name the text field with --text-field")
    if text is None or not text.strip():
        name = text_field or "text"
        return Skipped(origin, f"record has no '{name}' field with text; name it with --text-field")
    if "\x00" in text:
        return Skipped(origin, "record's text holds NUL characters: binary data, not text; fix or remove it")
    if not _encodable(text):
        return Skipped(origin, "record's text holds an unpaired surrogate (a \\ud800-\\udfff escape): not Unicode "
                               "text; fix the record")
    key, doc_id = _pick(record, id_field, ID_FIELDS)
    if isinstance(doc_id, (bool, list, dict)):
        return Skipped(origin, f"record's '{key}' is {_TYPE_NAMES[type(doc_id)]}, not an id; give it a string "
                               "or a number, or name the id field with --id-field")
    doc_id = str(doc_id) if doc_id is not None else f"{path.stem}-{n}"
    if not _encodable(doc_id):
        return Skipped(origin, "record's id holds an unpaired surrogate: not Unicode text; fix the record")
    return Document(doc_id, text, origin)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_jsonl(path: Path, text: str, id_field: str | None, text_field: str | None) -> Iterator[Item]:
    # records end at "\n" only: JSON strings may hold U+2028, U+0085 and the like, which str.splitlines splits
    for lineno, line in enumerate(text.split("\n"), 1):
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
    # lines end at LF, CRLF or CR only (as the csv module reads them), never inside a field at U+2028
    lines = list(io.StringIO(text, newline=""))
    fields = next(csv.reader(lines[:1]), None)
    wanted = (text_field,) if text_field else TEXT_FIELDS
    if not fields or not any(f in fields for f in wanted):
        yield Skipped(str(path), f"CSV has no '{text_field or 'text'}' column; name it with --text-field")
        return
    for n, (lineno, row) in enumerate(_csv_rows(lines, 1), 1):
        if isinstance(row, str):
            yield Skipped(f"{path}:row {n}", row)
        elif len(row) != len(fields):
            yield Skipped(f"{path}:row {n}", f"line {lineno} has {len(row)} fields, the header {len(fields)}; "
                                             "check the record's quoting and commas")
        else:
            yield _record(path, f"row {n}", dict(zip(fields, row)), n, id_field, text_field)


def _csv_rows(lines: list[str], pos: int) -> Iterator[tuple[int, list[str] | str]]:
    """(line number, fields) of each record from line index `pos` on; for a record whose quoting is broken
    (a field opened with " and never closed swallows every record after it), (line number, why), and
    reading resumes on the line after the one it began on."""
    while pos < len(lines):
        reader = csv.reader((lines[i] for i in range(pos, len(lines))), strict=True)
        done = 0  # lines of `lines[pos:]` read so far
        try:
            for row in reader:
                start, done = pos + done + 1, reader.line_num
                if row:
                    yield start, row
            return
        except csv.Error as exc:
            start = pos + done + 1
            yield start, (f"broken quoting from line {start} ({exc}): a field opened with \" is never closed, "
                          "or a \" inside a field is not doubled; fix the record")
            pos = start
