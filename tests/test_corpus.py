"""Specification of reading corpora (`quotes.corpus.read_corpus`): what each broken file or record gets.

No model needed. Each table row is an input and what the reader yields for it:
("doc", id, text) for a document, ("skip", origin suffix, words of the reason).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotes.corpus import Document, Skipped, read_corpus

P = pytest.param


def _read(path: Path, **kw) -> list[tuple]:
    out = []
    for item in read_corpus([path], **kw):
        if isinstance(item, Document):
            out.append(("doc", item.doc_id, item.text) + ((item.note,) if item.note else ()))
        else:
            out.append(("skip", item.origin[len(str(path)):], item.reason))
    return out


def _jsonl(*records) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"


JSONL = [
    P(_jsonl({"id": "a", "text": "One\u2028two\u0085three"}, "{bad", {"id": "c", "text": "Four"}),
      [("doc", "a", "One\u2028two\u0085three"), ("skip", ":2", "not valid JSON (Expecting property name enclosed in "
                                                              "double quotes); fix or remove the line"),
       ("doc", "c", "Four")], id="unicode-line-separators-stay-inside-a-record"),
    P(_jsonl({"id": "a", "text": 5}, {"id": "b", "text": ["x"]}, {"id": "c", "text": {"x": 1}},
             {"id": "d", "text": True}, {"id": "e", "text": "ok"}),
      [("skip", ":1", "record's 'text' is a number, not text; fix the record or name the text field with --text-field"),
       ("skip", ":2", "record's 'text' is a list, not text; fix the record or name the text field with --text-field"),
       ("skip", ":3", "record's 'text' is an object, not text; fix the record or name the text field with --text-field"),
       ("skip", ":4", "record's 'text' is true or false, not text; fix the record or name the text field with "
                      "--text-field"),
       ("doc", "e", "ok")], id="text-that-is-no-string"),
    P(_jsonl({"id": 7, "text": "a"}, {"id": [7], "text": "b"}, {"id": {"n": 7}, "text": "c"}),
      [("doc", "7", "a"),
       ("skip", ":2", "record's 'id' is a list, not an id; give it a string or a number, or name the id field with "
                      "--id-field"),
       ("skip", ":3", "record's 'id' is an object, not an id; give it a string or a number, or name the id field with "
                      "--id-field")], id="ids-that-are-no-string"),
    P(_jsonl({"id": "a", "text": "nul\u0000here"}, '{"id": "b", "text": "\\ud800 lone"}', {"id": "c", "text": "ok"}),
      [("skip", ":1", "record's text holds NUL characters: binary data, not text; fix or remove it"),
       ("skip", ":2", "record's text holds an unpaired surrogate (a \\ud800-\\udfff escape): not Unicode text; fix "
                      "the record"),
       ("doc", "c", "ok")], id="nul-and-lone-surrogate-records"),
    P("\r\n".join(json.dumps({"id": k, "text": k.upper()}) for k in "ab") + "\r\n",
      [("doc", "a", "A"), ("doc", "b", "B")], id="crlf-lines"),
]


@pytest.mark.parametrize("content, expected", JSONL)
def test_jsonl_records(content: str, expected: list, tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(content, encoding="utf-8", newline="")
    assert _read(path) == expected


CSVS = [
    P('id,text\na,"He said hi\nb,Hello she said\nc,fine\n',
      [("skip", ":row 1", "broken quoting from line 2 (unexpected end of data): a field opened with \" is never "
                          "closed, or a \" inside a field is not doubled; fix the record"),
       ("doc", "b", "Hello she said"), ("doc", "c", "fine")], id="unclosed-quote-swallows-no-record"),
    P('id,text\na,fine\nb,"He said hi\n',
      [("doc", "a", "fine"),
       ("skip", ":row 2", "broken quoting from line 3 (unexpected end of data): a field opened with \" is never "
                          "closed, or a \" inside a field is not doubled; fix the record")], id="unclosed-quote-at-the-end"),
    P('id,text\na,"Line one\nline two ""quoted"" here"\nb,fine\n',
      [("doc", "a", 'Line one\nline two "quoted" here'), ("doc", "b", "fine")], id="multi-line-field-is-fine"),
    P('id,text\na,"one\u2028two"\nb,fine\n', [("doc", "a", "one\u2028two"), ("doc", "b", "fine")],
      id="unicode-line-separator-inside-a-field"),
    P('id,text\na,fine,extra\nb,fine\n',
      [("skip", ":row 1", "line 2 has 3 fields, the header 2; check the record's quoting and commas"),
       ("doc", "b", "fine")], id="a-record-with-an-extra-field"),
]


@pytest.mark.parametrize("content, expected", CSVS)
def test_csv_records(content: str, expected: list, tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text(content, encoding="utf-8", newline="")
    assert _read(path) == expected


def test_a_nul_anywhere_in_a_text_file_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_bytes(b"A long text. " * 1000 + b"\x00 and then binary")
    assert _read(path) == [("skip", "", "binary file, not text; pass .txt, .jsonl or .csv files")]


IDS = [
    P([("a", "One."), ("a", "One.")], [("doc", "a", "One."), ("skip", ":2", "same id 'a' and text as {p}:1; annotated once")],
      id="same-id-same-text-read-once"),
    P([("a", "One."), ("a", "Two."), ("a", "Three."), ("a~2", "Four.")],
      [("doc", "a", "One."), ("doc", "a~2", "Two.", "id 'a' is already {p}:1's; its rows are under 'a~2'"),
       ("doc", "a~3", "Three.", "id 'a' is already {p}:1's; its rows are under 'a~3'"),
       ("doc", "a~2~2", "Four.", "id 'a~2' is already {p}:2's; its rows are under 'a~2~2'")],
      id="same-id-other-text-renamed"),
]


@pytest.mark.parametrize("records, expected", IDS)
def test_document_ids_are_unique(records: list, expected: list, tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(_jsonl(*({"id": i, "text": t} for i, t in records)), encoding="utf-8")
    assert _read(path) == [tuple(str(x).format(p=path) for x in row) for row in expected]


def test_same_file_name_in_two_folders(tmp_path: Path) -> None:
    for sub, text in (("a", "One."), ("b", "Two.")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "001.txt").write_text(text, encoding="utf-8")
    docs = [d for d in read_corpus([tmp_path]) if isinstance(d, Document)]
    assert [(d.doc_id, d.text) for d in docs] == [("001", "One."), ("001~2", "Two.")]
    assert docs[1].note == f"id '001' is already {tmp_path / 'a' / '001.txt'}'s; its rows are under '001~2'"


def test_quote_tables_are_never_read_as_corpora(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text('"We will win," Jo Park said.', encoding="utf-8")
    (tmp_path / "quotes.csv").write_text("doc_id,quote_id,start,end,text,type\nstory,q1,1,13,\"We will win,\",direct\n",
                                         encoding="utf-8")
    (tmp_path / "quotes.jsonl").write_text(json.dumps({"doc_id": "story", "quote_id": "q1", "start": 1, "end": 13,
                                                       "text": "We will win,"}) + "\n", encoding="utf-8")
    reasons = [(type(i).__name__, Path(i.origin).name) for i in read_corpus([tmp_path])]
    assert reasons == [("Skipped", "quotes.csv"), ("Skipped", "quotes.jsonl"), ("Document", "story.txt")]
    skipped = [i for i in read_corpus([tmp_path]) if isinstance(i, Skipped)]
    assert {s.reason for s in skipped} == {"a quote table written by `quotes`, not a corpus; keep outputs out of "
                                           "input folders"}
    assert [Path(i.origin).name for i in read_corpus([tmp_path], exclude=[tmp_path / "quotes.csv"])] == [
        "quotes.jsonl", "story.txt"]
