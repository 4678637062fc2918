"""`-` as an input path: standard input, one plain-text document or records (`--input-format`), so that
`curl ... | quotes extract - -o -` works. The reader without a model; the command through real pipes."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quotes.tables.corpus import Document, Skipped, read_corpus

ANN = '"The pier is finally open," said Ann Smith.\n'
REPO = Path(__file__).resolve().parents[1]


def script(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m quotes.cli` of this tree, its standard input a pipe holding `stdin`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
    return subprocess.run([sys.executable, "-m", "quotes.cli", *args], input=stdin, capture_output=True,
                          timeout=300, env=env, cwd=cwd)


class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


def _read(monkeypatch, data: bytes, paths=("-",), **kw) -> list:
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    return list(read_corpus(list(paths), **kw))


def test_standard_input_is_one_text_document(monkeypatch) -> None:
    (doc,) = _read(monkeypatch, ANN.encode())
    assert isinstance(doc, Document) and (doc.doc_id, doc.text) == ("stdin", ANN)


@pytest.mark.parametrize("fmt, data", [
    ("jsonl", b'{"id": "a", "text": "one", "outlet": "X"}\n{"text": "two"}\n'),
    ("json", b'[{"id": "a", "text": "one", "outlet": "X"}, {"text": "two"}]'),
    ("csv", b'id,text,outlet\na,one,X\n,two,\n'),
])
def test_standard_input_as_records(monkeypatch, fmt: str, data: bytes) -> None:
    docs = _read(monkeypatch, data, stdin_format=fmt)
    assert [(d.doc_id, d.text) for d in docs] == [("a", "one"), ("stdin-2", "two")]
    assert docs[0].fields["outlet"] == "X"


def test_standard_input_is_read_once_and_may_be_bad(monkeypatch, tmp_path: Path) -> None:
    items = _read(monkeypatch, b"\xff bad", paths=["-", "-"])  # (\xff\xfe would be a UTF-16 byte-order mark)
    assert all(isinstance(i, Skipped) for i in items) and len(items) == 2
    assert "not UTF-8" in items[0].reason and "named twice" in items[1].reason
    (empty,) = _read(monkeypatch, b"  \n")
    assert isinstance(empty, Skipped) and "empty" in empty.reason
    with pytest.raises(ValueError, match="stdin_format"):
        read_corpus(["-"], stdin_format="yaml")


@pytest.mark.model
def test_a_pipe_in_and_a_pipe_out() -> None:
    """`curl ... | quotes extract - -o -`: the quotes of the text on standard input, as CSV on standard output."""
    done = script("extract", "-", "-o", "-", "-q", stdin=ANN.encode())
    assert done.returncode == 0, done.stderr.decode()
    (row,) = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert (row["doc_id"], row["text"], row["speaker"]) == ("stdin", "The pier is finally open,", "Ann Smith")


@pytest.mark.model
def test_records_on_standard_input_keep_their_ids_and_fields() -> None:
    records = b"".join(json.dumps(r).encode() + b"\n" for r in [
        {"id": "n-1", "text": ANN, "outlet": "Courier"}, {"id": "n-2", "text": ANN.replace("Ann", "Jo")}])
    done = script("extract", "-", "--input-format", "jsonl", "-o", "-", "--format", "jsonl", "-q", stdin=records)
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [(r["doc_id"], r["speaker"], r["outlet"]) for r in rows] == [
        ("n-1", "Ann Smith", "Courier"), ("n-2", "Jo Smith", None)]


def test_input_format_without_standard_input_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ANN, encoding="utf-8")
    done = script("extract", str(tmp_path / "a.txt"), "--input-format", "jsonl", "-o", "-")
    assert done.returncode == 2
    assert b"--input-format jsonl says how standard input is read" in done.stderr and not done.stdout


@pytest.mark.model
def test_empty_standard_input_writes_nothing(tmp_path: Path) -> None:
    done = script("extract", "-", "-o", str(tmp_path / "out.csv"), stdin=b"")
    assert done.returncode == 1 and not (tmp_path / "out.csv").exists()
    assert b"stdin.txt: empty file" in done.stderr


@pytest.mark.model
def test_a_file_named_dash_is_dot_slash_dash(tmp_path: Path) -> None:
    (tmp_path / "-").write_text(ANN, encoding="utf-8")
    done = script("extract", "./-", "-o", "-", "--format", "jsonl", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode().splitlines()[0])["doc_id"] == "-"  # CSV would guard it: '-
