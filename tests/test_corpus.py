"""Specification of reading corpora (`quotes.corpus.read_corpus`): what each broken file or record gets.

No model needed. Each table row is an input and what the reader yields for it:
("doc", id, text) for a document, ("skip", origin suffix, words of the reason).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotes.tables.corpus import Document, Skipped, read_corpus

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


# -- a record's other fields travel with its document ------------------------------------

def _fields(path: Path, **kw) -> list[tuple[str, dict]]:
    return [(d.doc_id, dict(d.fields)) for d in read_corpus([path], **kw) if isinstance(d, Document)]


def test_jsonl_fields_are_kept_as_text(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(_jsonl(
        {"id": "a", "text": "One.", "date": "2024-01-02", "tags": ["x", "ü"], "meta": {"n": 1}, "page": 3,
         "score": 0.5, "paid": True, "editor": None},
        {"doc_id": "b", "body": "Two.", "text": "", "url": "http://b"},
    ), encoding="utf-8")
    assert _fields(path) == [
        ("a", {"date": "2024-01-02", "tags": '["x", "ü"]', "meta": '{"n": 1}', "page": "3", "score": "0.5",
               "paid": "true", "editor": None}),
        # the id and text are the fields that gave them (doc_id, body); an empty `text` is just another field
        ("b", {"text": "", "url": "http://b"}),
    ]


def test_csv_fields_are_kept_and_text_files_have_none(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("outlet,id,text,date\nCourier,a,One.,\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text("Two.", encoding="utf-8")
    assert _fields(tmp_path) == [("a", {"outlet": "Courier", "date": ""}), ("d", {})]


@pytest.mark.parametrize("keep, expected", [
    (None, {"date": "d1", "outlet": "o1", "url": "u1"}),
    (("url", "date", "absent"), {"date": "d1", "url": "u1"}),
    ((), {}),
], ids=["all-by-default", "chosen", "none"])
def test_keep_chooses_the_fields(keep, expected: dict, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(_jsonl({"id": "a", "text": "One.", "date": "d1", "outlet": "o1", "url": "u1"}), encoding="utf-8")
    assert _fields(path, keep=keep) == [("a", expected)]


def test_a_renamed_document_keeps_its_fields_and_a_broken_field_costs_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(_jsonl({"id": "a", "text": "One.", "n": "1"}, {"id": "a", "text": "Two.", "n": "2"},
                           '{"id": "c", "text": "Three.", "by": "Jo \\ud800 Park"}'), encoding="utf-8")
    assert _fields(path) == [("a", {"n": "1"}), ("a~2", {"n": "2"}), ("c", {"by": "Jo \ufffd Park"})]


def test_records_in_memory_read_like_a_corpus() -> None:
    from quotes.tables.corpus import read_records

    items = list(read_records([{"id": "a", "text": "One.", "outlet": "o"}, {"text": "Two."}, {"id": "c"}]))
    assert [(i.doc_id, i.origin, dict(i.fields)) for i in items[:2]] == [("a", "records[0]", {"outlet": "o"}),
                                                                        ("1", "records[1]", {})]
    assert str(items[2]) == "records[2]: record has no 'text' field with text; name it with --text-field"


def test_a_folder_is_searched_for_txt_jsonl_and_csv_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(_jsonl({"id": "b", "text": "Two."}), encoding="utf-8")
    (tmp_path / "c.CSV").write_text("id,text\nc,Three.\n", encoding="utf-8")
    for name in ("notes.md", "meta.json", "quotes.parquet", "old.text", "more.ndjson", "README"):
        (tmp_path / name).write_text('{"id": "x", "text": "Never read."}\n', encoding="utf-8")
    assert [(i.doc_id, Path(i.origin).name) for i in read_corpus([tmp_path])] == [
        ("a", "a.txt"), ("b", "b.jsonl:1"), ("c", "c.CSV:row 1")]
    # a file named on the command line is read whatever its name: as JSONL, CSV, or else as text
    named = [(i.doc_id, i.text) for i in read_corpus([tmp_path / "notes.md", tmp_path / "more.ndjson"])]
    assert named == [("notes", '{"id": "x", "text": "Never read."}\n'), ("x", "Never read.")]


def test_skipped_inputs_say_what_kind_they_are(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "c.jsonl").write_text(_jsonl("{bad", {"id": "n", "text": 5}), encoding="utf-8")
    kinds = [(Path(i.origin).name, i.kind) for i in read_corpus([tmp_path, tmp_path / "missing"])]
    assert kinds == [("c.jsonl:1", "lines that are not JSON"), ("c.jsonl:2", "records whose text is no text"),
                     ("e.txt", "empty files"), ("missing", "missing paths")]


COLUMN_NAMES = [
    P(["date", "url"], {"date": "date", "url": "url"}, id="their-own-names"),
    P(["speaker", "text", "date"], {"speaker": "corpus_speaker", "text": "corpus_text", "date": "date"},
      id="standard-names-prefixed"),
    P(["corpus_speaker", "speaker"], {"corpus_speaker": "corpus_speaker", "speaker": "corpus_corpus_speaker"},
      id="prefixed-until-free"),
    P(["speaker", "corpus_speaker"], {"speaker": "corpus_corpus_speaker", "corpus_speaker": "corpus_speaker"},
      id="a-field-keeps-its-own-name-whatever-the-order"),
]


@pytest.mark.parametrize("fields, columns", COLUMN_NAMES)
def test_corpus_columns(fields: list[str], columns: dict) -> None:
    from quotes.records import corpus_columns

    assert corpus_columns(fields) == columns
    assert list(corpus_columns(fields)) == fields  # in the order given


@pytest.mark.parametrize("content", [
    P(json.dumps([{"id": "a", "text": "One.", "date": "2024"}, {"id": "b", "text": "Two."}]), id="array"),
    P(json.dumps({"id": "a", "text": "One.", "date": "2024"}) + "\n" + json.dumps({"id": "b", "text": "Two."}),
      id="json-lines"),
])
def test_a_json_file_named_on_the_command_line_is_records_not_prose(content: str, tmp_path: Path) -> None:
    path = tmp_path / "corpus.json"
    path.write_text(content, encoding="utf-8")
    docs = list(read_corpus([path]))
    assert [(d.doc_id, d.text) for d in docs] == [("a", "One."), ("b", "Two.")]
    assert docs[0].fields == {"date": "2024"}


def test_an_unnamed_csv_column_is_no_field(tmp_path: Path) -> None:
    path = tmp_path / "frame.csv"  # as pandas.to_csv writes it with its index
    path.write_text(",id,text,date\n0,a,One.,2024\n", encoding="utf-8")
    (doc,) = read_corpus([path])
    assert doc.doc_id == "a" and doc.fields == {"date": "2024"}
