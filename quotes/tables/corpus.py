"""Read documents from files, folders and JSONL/CSV corpora, one at a time.

A bad file or record never stops the run: it comes out as a `Skipped` with a
one-line reason naming the file and what to do, and reading goes on. Document
ids are unique in a run: a second document with an id already used gets the id
with `~2` (`~3`, ...) added and says so in its `note`; the same id with the
same text is read once. A quote table this package wrote is never read back as
a corpus. A corpus record's other fields (all but its id and text) travel with
its document as `fields`, as text: they become columns of the quote table.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Collection, Iterable, Iterator, Mapping, Union

# a folder's walk reads exactly these (the README lists them); a file named on the command line is read whatever
# its name: as JSONL, as JSON records (.json), as CSV, or else as text
FOLDER_SUFFIXES = (".txt", ".jsonl", ".csv")
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CORPUS_SUFFIXES = JSONL_SUFFIXES | {".csv"}
ID_FIELDS = ("id", "doc_id", "document_id")
# a path of "-" is standard input (a file named "-" is ./-), read as one of these; "text" is one document
STDIN = "-"
STDIN_FORMATS = {"text": ".txt", "jsonl": ".jsonl", "json": ".json", "csv": ".csv"}
TEXT_FIELDS = ("text", "body", "content")


# the first columns of the quote table (`records.COLUMNS`): a file that starts so is our own output
QUOTE_TABLE_KEYS = ("doc_id", "quote_id", "start", "end", "text")


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    origin: str  # where it came from: a file, or file:line for a corpus record
    note: str = ""  # what the reader changed (a renamed id), for a warning
    # a corpus record's other fields, as text (JSON text for lists and objects; None for null): not hashed
    fields: Mapping[str, str | None] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Skipped:
    origin: str
    reason: str
    kind: str = ""  # what was skipped, in the plural ("empty files"), so that a run can count them by kind

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


Item = Union[Document, Skipped]


Keep = Union[Collection[str], None]  # the record fields a document keeps: None for all


def read_corpus(paths: Iterable[str | Path], id_field: str | None = None,
                text_field: str | None = None, exclude: Iterable[str | Path] = (), keep: Keep = None,
                stdin_format: str = "text") -> Iterator[Item]:
    """Yield every document under `paths` (files or folders; "-" is standard input), or why it was skipped.

    `exclude`: files never to read (the run's own output, when it lies in an input folder). `keep`: the fields
    of corpus records that documents keep (None: all but the id and the text; empty: none). `stdin_format`:
    how standard input is read, one of `STDIN_FORMATS` (text: one document, `stdin`).
    """
    if stdin_format not in STDIN_FORMATS:
        raise ValueError(f"stdin_format must be one of {', '.join(STDIN_FORMATS)}, not {stdin_format!r}")
    return unique_ids(_read_paths(paths, _Fields(id_field, text_field, keep), {_key(p) for p in exclude},
                                  stdin_format))


def read_records(records: Iterable[object], id_field: str | None = None, text_field: str | None = None,
                 keep: Keep = None) -> Iterator[Item]:
    """The documents of records in memory (mappings with an id and a text field, as a JSONL corpus holds them),
    or why each is skipped; a record without an id is known by its index."""
    names = _Fields(id_field, text_field, keep)
    return unique_ids(_record_document(f"records[{n}]", r, str(n), names) for n, r in enumerate(records))


@dataclass(frozen=True)
class _Fields:
    """Which fields of a record are its id, its text, and what else it keeps."""

    id: str | None
    text: str | None
    keep: Keep


def _key(path: str | Path) -> str:
    return str(Path(path).resolve())


def files_under(folder: Path) -> list[Path]:
    """The files a folder's walk reads, in order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES)


def _read_paths(paths: Iterable[str | Path], names: _Fields, exclude: set[str], stdin_format: str = "text"
                ) -> Iterator[Item]:
    stdin_read = False
    for raw in paths:
        path = Path(raw)
        if isinstance(raw, str) and raw == STDIN:
            if stdin_read:
                yield Skipped("-", "standard input is named twice; it is read once", "repeated standard inputs")
            else:
                stdin_read = True
                yield from _read_stdin(names, stdin_format)
        elif not path.exists():
            yield Skipped(str(path), "no such file or folder; check the path", "missing paths")
        elif path.is_dir():
            files = [f for f in files_under(path) if _key(f) not in exclude]
            if not files:
                yield Skipped(str(path), "folder holds no .txt, .jsonl or .csv files", "folders with nothing to read")
            for f in files:
                yield from _read_file(f, names)
        elif _key(path) not in exclude:
            yield from _read_file(path, names)


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
            yield Skipped(item.origin, f"same id '{item.doc_id}' and text as {first[1]}; annotated once",
                          "repeated documents (same id and text)")
            continue
        n = 2
        while f"{item.doc_id}~{n}" in seen:
            n += 1
        new_id = f"{item.doc_id}~{n}"
        seen[new_id] = (digest, item.origin)
        yield replace(item, doc_id=new_id,
                      note=f"id '{item.doc_id}' is already {first[1]}'s; its rows are under '{new_id}'")


# a byte-order mark says the encoding: Windows' "Unicode" text is UTF-16, and its NULs are no sign of binary
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode(path: Path, data: bytes) -> str | Skipped:
    if not data.strip():
        return Skipped(str(path), "empty file; nothing to annotate", "empty files")
    encoding = next((enc for bom, enc in _WIDE_BOMS if data.startswith(bom)), None)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            return Skipped(str(path), f"not {encoding.upper()} text after its byte-order mark (byte {exc.start}); "
                           "re-save it as UTF-8", "files not in UTF-8")
        if "\x00" in text:
            return Skipped(str(path), "binary file, not text; pass .txt, .jsonl or .csv files", "binary files")
        return text.lstrip("\ufeff")
    # a NUL anywhere in a text file, or near the start of a corpus: binary data (a corpus's records are
    # checked one by one, so that one bad record costs only itself)
    if b"\x00" in (data if path.suffix.lower() not in CORPUS_SUFFIXES else data[:8192]):
        return Skipped(str(path), "binary file, not text; pass .txt, .jsonl or .csv files", "binary files")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(str(path), f"not UTF-8 text (byte {exc.start}); re-save it as UTF-8", "files not in UTF-8")


def is_quote_table(path: Path, text: str) -> bool:
    """Whether a .csv or .jsonl file is a quote table written by `quotes extract` or `quotes export` (in either
    format, whatever its name: `--format` may have written JSONL to a .csv)."""
    head = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if tuple(c.strip() for c in head.split(",")[:len(QUOTE_TABLE_KEYS)]) == QUOTE_TABLE_KEYS:
        return True
    try:
        first = json.loads(head)
    except ValueError:
        return False
    return isinstance(first, dict) and tuple(first)[:len(QUOTE_TABLE_KEYS)] == QUOTE_TABLE_KEYS


def _read_stdin(names: _Fields, stdin_format: str) -> Iterator[Item]:
    """Standard input, read whole, as a file named `stdin` of the format's suffix (one document `stdin`, or
    records `stdin:N` whose ids default to `stdin-N`)."""
    try:
        data = sys.stdin.buffer.read()
    except (OSError, AttributeError, ValueError) as exc:  # closed, or no byte stream under it
        yield Skipped("-", f"standard input cannot be read ({exc}); pipe the text in or name a file",
                      "unreadable files")
        return
    yield from _read_data(Path("stdin" + STDIN_FORMATS[stdin_format]), data, names)


def _read_file(path: Path, names: _Fields) -> Iterator[Item]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot be read ({exc.strerror}); check its permissions", "unreadable files")
        return
    yield from _read_data(path, data, names)


def _read_data(path: Path, data: bytes, names: _Fields) -> Iterator[Item]:
    text = _decode(path, data)
    if isinstance(text, Skipped):
        yield text
        return
    suffix = path.suffix.lower()
    if suffix in CORPUS_SUFFIXES and is_quote_table(path, text):
        yield Skipped(str(path), "a quote table written by `quotes`, not a corpus; keep outputs out of input folders",
                      "quote tables of ours")
        return
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, text, names)
    elif suffix == ".json":  # named on the command line: an array of records, one record, or JSON lines
        yield from _read_json(path, text, names)
    elif suffix == ".csv":
        yield from _read_csv(path, text, names)
    else:
        yield Document(path.stem, text, str(path))


_SURROGATE = re.compile("[\ud800-\udfff]")
_TYPE_NAMES = {bool: "true or false", int: "a number", float: "a number", list: "a list", dict: "an object"}


def _pick(record: dict, wanted: str | None, choices: tuple[str, ...]) -> tuple[str | None, object]:
    """The first of the keys present with a value: (key, value); (None, None) when there is none."""
    for key in ((wanted,) if wanted else choices):
        if key in record and record[key] not in (None, ""):
            return key, record[key]
    return None, None


def _record_document(origin: str, record: object, default_id: str, names: _Fields) -> Item:
    """The document of one corpus record (a JSON object, a CSV row as a dict), or why it is skipped."""
    if not isinstance(record, dict):
        return Skipped(origin, "record is not an object with id and text fields", "records that are not objects")
    text_key, text = _pick(record, names.text, TEXT_FIELDS)
    if text_key is not None and not isinstance(text, str):
        return Skipped(origin, f"record's '{text_key}' is {_TYPE_NAMES.get(type(text), 'not a string')}, not text; "
                               "fix the record or name the text field with --text-field", "records whose text is no text")
    if text is None or not text.strip():
        return Skipped(origin, f"record has no '{names.text or 'text'}' field with text; name it with --text-field",
                       "records without text")
    if "\x00" in text:
        return Skipped(origin, "record's text holds NUL characters: binary data, not text; fix or remove it",
                       "records of binary data")
    if not _encodable(text):
        return Skipped(origin, "record's text holds an unpaired surrogate (a \\ud800-\\udfff escape): not Unicode "
                               "text; fix the record", "records that are not Unicode")
    id_key, doc_id = _pick(record, names.id, ID_FIELDS)
    if isinstance(doc_id, (bool, list, dict)):
        return Skipped(origin, f"record's '{id_key}' is {_TYPE_NAMES[type(doc_id)]}, not an id; give it a string "
                               "or a number, or name the id field with --id-field", "records whose id is no id")
    doc_id = str(doc_id) if doc_id is not None else default_id
    if not _encodable(doc_id):
        return Skipped(origin, "record's id holds an unpaired surrogate: not Unicode text; fix the record",
                       "records that are not Unicode")
    # a field with no name (a CSV's unnamed index column, a short row's extra values) is no column
    kept = {_unicode(k): _as_text(v) for k, v in record.items()
            if isinstance(k, str) and k.strip() and k not in (id_key, text_key)
            and (names.keep is None or k in names.keep)}
    return Document(doc_id, text, origin, fields=kept)


def _as_text(value: object) -> str | None:
    """A field's value as a table cell: text as it is, null as None, anything else as its JSON text."""
    if value is None:
        return None
    return _unicode(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _unicode(text: str) -> str:
    """Text any output can encode: an unpaired surrogate (a JSON escape) in a field, which costs no record its
    text, becomes U+FFFD."""
    return text if _encodable(text) else _SURROGATE.sub("\ufffd", text)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_jsonl(path: Path, text: str, names: _Fields) -> Iterator[Item]:
    # records end at "\n" only: JSON strings may hold U+2028, U+0085 and the like, which str.splitlines splits
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(f"{path}:{lineno}", f"not valid JSON ({exc.msg}); fix or remove the line",
                          "lines that are not JSON")
            continue
        yield _record_document(f"{path}:{lineno}", record, f"{path.stem}-{lineno}", names)


def _read_json(path: Path, text: str, names: _Fields) -> Iterator[Item]:
    """A `.json` corpus: a JSON array of records (`file:N` is the Nth), a single record, or, when the file is
    not one JSON value, JSON lines. Never the JSON text as one document's prose."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        yield from _read_jsonl(path, text, names)
        return
    records = value if isinstance(value, list) else [value]
    for n, record in enumerate(records, 1):
        yield _record_document(f"{path}:{n}", record, f"{path.stem}-{n}", names)


def _read_csv(path: Path, text: str, names: _Fields) -> Iterator[Item]:
    csv.field_size_limit(sys.maxsize)
    # lines end at LF, CRLF or CR only (as the csv module reads them), never inside a field at U+2028
    lines = list(io.StringIO(text, newline=""))
    fields = next(csv.reader(lines[:1]), None)
    wanted = (names.text,) if names.text else TEXT_FIELDS
    if not fields or not any(f in fields for f in wanted):
        yield Skipped(str(path), f"CSV has no '{names.text or 'text'}' column; name it with --text-field",
                      "CSV files without a text column")
        return
    for n, (lineno, row) in enumerate(_csv_rows(lines, 1), 1):
        if isinstance(row, str):
            yield Skipped(f"{path}:row {n}", row, "CSV records with broken quoting")
        elif len(row) != len(fields):
            yield Skipped(f"{path}:row {n}", f"line {lineno} has {len(row)} fields, the header {len(fields)}; "
                                             "check the record's quoting and commas", "CSV records of the wrong length")
        else:
            yield _record_document(f"{path}:row {n}", dict(zip(fields, row)), f"{path.stem}-{n}", names)


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
