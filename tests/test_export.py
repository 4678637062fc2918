"""The quote table's files (`quotes.export`): every CSV cell safe in a spreadsheet, the true text elsewhere."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from quotes.records import COLUMNS, Quote
from quotes.tables.export import read_quotes, spreadsheet_safe, spreadsheet_text, to_dataframe, write_quotes

P = pytest.param

CELLS = [
    # a formula a spreadsheet would run: an apostrophe makes it text
    P("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")", id="equals"),
    P("+1 555 0100", "'+1 555 0100", id="plus"),
    P("-2 points", "'-2 points", id="minus"),
    P("@SUM(A1)", "'@SUM(A1)", id="at"),
    P("\t=1+1", "'\t=1+1", id="after-a-tab"),
    P("\r=1+1", "'\r=1+1", id="after-a-carriage-return"),
    P(" \n@x", "' \n@x", id="after-spaces-and-a-line-break"),
    # a cell that already starts with apostrophes before a formula keeps them all, plus one
    P("'=1+1", "''=1+1", id="apostrophe-before-a-formula"),
    # everything else as it is
    P("We will win,", "We will win,", id="prose"),
    P("'Tis the season", "'Tis the season", id="leading-apostrophe-prose"),
    P("x = 1", "x = 1", id="formula-sign-inside"),
    P("—We will", "—We will", id="a-dash-is-no-minus"),
    P("", "", id="empty"),
]


@pytest.mark.parametrize("text, cell", CELLS)
def test_spreadsheet_safe_cells(text: str, cell: str) -> None:
    assert spreadsheet_safe(text) == cell
    assert spreadsheet_text(cell) == text


ROW = Quote("=cmd|' /C calc'!A0", "q1", 1, 14, "-2 points, not", speaker="@jopark", speaker_mention="+Park",
            mention_start=20, mention_end=25, cue="said", stance="critical", stance_score=-0.5,
            stance_cues="=bad", confidence=0.9, rules_version="3")


def test_csv_cells_are_safe_and_come_back_true(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    write_quotes([ROW], out)
    with out.open(encoding="utf-8", newline="") as fh:
        (cells,) = list(csv.DictReader(fh))
    assert {k: cells[k] for k in ("doc_id", "text", "speaker", "speaker_mention", "stance_cues")} == {
        "doc_id": "'=cmd|' /C calc'!A0", "text": "'-2 points, not", "speaker": "'@jopark",
        "speaker_mention": "'+Park", "stance_cues": "'=bad"}
    assert cells["stance_score"] == "-0.5"  # a number is a number
    assert read_quotes(out) == [ROW]


def test_jsonl_and_the_dataframe_keep_the_true_text(tmp_path: Path) -> None:
    out = tmp_path / "q.jsonl"
    write_quotes([ROW], out)
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (row["doc_id"], row["text"], row["speaker"]) == (ROW.doc_id, ROW.text, ROW.speaker)
    frame = to_dataframe([ROW])
    assert (frame.loc[0, "text"], frame.loc[0, "speaker"]) == (ROW.text, ROW.speaker)


def test_parquet_keeps_the_true_text_typed_and_nulls(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "q.parquet"
    bare = Quote("d2", "q1", 0, 4, "Yes.")  # no speaker, no mention: null offsets
    assert write_quotes([ROW, bare], out) == 2
    assert read_quotes(out) == [ROW, bare]
    table = pq.read_table(out)
    assert table.column_names == COLUMNS
    assert {c: str(table.schema.field(c).type) for c in ("doc_id", "start", "mention_start", "confidence")} == {
        "doc_id": "string", "start": "int64", "mention_start": "int64", "confidence": "double"}
    assert table.column("text").to_pylist() == [ROW.text, "Yes."]
    assert table.column("mention_start").to_pylist()[1] is None
    assert not list(tmp_path.glob(".*.part"))


def _with_corpus_columns(fmt: str, path: Path) -> None:
    from quotes.tables.export import QuoteWriter

    with path.open("wb" if fmt == "parquet" else "w", **({} if fmt == "parquet" else
                                                         {"encoding": "utf-8", "newline": ""})) as fh:
        writer = QuoteWriter(fh, fmt, ["outlet", "corpus_text"])
        writer.write({**ROW.to_row(), "outlet": "=Courier", "corpus_text": "[1, 2]"})
        writer.write({**Quote("d2", "q1", 0, 4, "Yes.").to_row(), "outlet": None})  # a document without the fields
        writer.close()


def _table(fmt: str, path: Path) -> list[dict]:
    """The rows as the file holds them (no pandas: it would turn nulls into NaN)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh)) if fmt == "csv" else [json.loads(line) for line in fh]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_corpus_columns_come_after_the_standard_ones(fmt: str, tmp_path: Path) -> None:
    """Strings, in the order given; null (an empty CSV cell) where a row has none; read_quotes ignores them."""
    out = tmp_path / f"q.{fmt}"
    _with_corpus_columns(fmt, out)
    rows = _table(fmt, out)
    assert all(list(r) == COLUMNS + ["outlet", "corpus_text"] for r in rows)
    empty = "" if fmt == "csv" else None
    outlet = "'=Courier" if fmt == "csv" else "=Courier"  # a spreadsheet-safe cell in CSV, as every text cell
    assert [(r["outlet"], r["corpus_text"]) for r in rows] == [(outlet, "[1, 2]"), (empty, empty)]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert {str(pq.read_schema(out).field(c).type) for c in ("outlet", "corpus_text")} == {"string"}
    assert read_quotes(out) == [ROW, Quote("d2", "q1", 0, 4, "Yes.")]


def test_the_dataframe_takes_corpus_columns() -> None:
    frame = to_dataframe([{**ROW.to_row(), "outlet": "Courier"}, Quote("d2", "q1", 0, 4, "Yes.")], ["outlet"])
    assert list(frame.columns) == COLUMNS + ["outlet"]
    assert frame.loc[0, "outlet"] == "Courier" and frame["outlet"].isna().tolist() == [False, True]


# -- a table in Parquet parts: a folder written whole or not at all ----

def _quotes(n: int) -> list[Quote]:
    return [Quote(f"d{k // 3}", f"q{k % 3 + 1}", k, k + 5, f"quote {k}", speaker=f"Ann {k}" if k % 2 else "",
                  stance_score=k / 10) for k in range(n)]


def test_a_folder_gets_parts_of_the_same_schema_read_back_as_one_table(tmp_path: Path) -> None:
    import pandas as pd
    import pyarrow.dataset as ds

    from quotes.tables.export import parquet_schema, table_writer

    out = tmp_path / "parts"
    quotes = _quotes(7)
    with table_writer(f"{out}/", rows_per_part=3) as writer:
        for q in quotes:
            writer.write(q)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert [p.name for p in tmp_path.iterdir()] == ["parts"]  # no temporary sibling left
    assert read_quotes(out) == read_quotes(f"{out}/") == quotes
    assert {str(ds.dataset(p).schema) for p in out.iterdir()} == {str(parquet_schema())}
    frame = pd.read_parquet(out)
    assert list(frame.columns) == COLUMNS and list(frame["text"]) == [q.text for q in quotes]
    assert ds.dataset(out).to_table().num_rows == 7


def test_parts_carry_the_corpus_columns(tmp_path: Path) -> None:
    import pyarrow.dataset as ds

    from quotes.tables.export import parquet_schema, table_writer

    out = tmp_path / "parts"
    with table_writer(out, "parquet", extra=["outlet"], rows_per_part=2) as writer:  # no suffix, --format parquet
        for k, q in enumerate(_quotes(3)):
            writer.write({**q.to_row(), "outlet": "Courier" if k else None})
    assert len(list(out.iterdir())) == 2
    table = ds.dataset(out).to_table()
    assert table.schema == parquet_schema(["outlet"])
    assert table.column("outlet").to_pylist() == [None, "Courier", "Courier"]
    assert read_quotes(out) == _quotes(3)  # a Quote keeps the standard columns


def test_an_empty_table_is_one_part_with_the_columns(tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "empty.parquet"
    out.mkdir()  # an existing, empty folder is written into as a table in parts
    assert write_quotes([], out) == 0
    assert [p.name for p in out.iterdir()] == ["part-00000.parquet"]
    assert read_quotes(out) == []
    assert list(pd.read_parquet(out).columns) == COLUMNS


def test_a_failure_mid_way_leaves_nothing_and_keeps_the_old_parts(tmp_path: Path) -> None:
    import errno
    import os

    from quotes.errors import OutputError
    from quotes.tables.export import table_writer

    out = tmp_path / "parts"
    old = _quotes(2)
    write_quotes(old, f"{out}/")

    def rows_then_a_full_disk():
        yield from _quotes(5)
        (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith(".parts.")]
        assert len(list(aside.iterdir())) == 3  # parts written beside the folder, not in it
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OutputError) as err:
        with table_writer(out, rows_per_part=2) as writer:
            for q in rows_then_a_full_disk():
                writer.write(q)
    assert str(err.value) == (f"{out}: writing failed (No space left on device; the disk is full; free some space "
                              "and run again); nothing was written")
    assert [p.name for p in tmp_path.iterdir()] == ["parts"]  # the parts aside are gone
    assert read_quotes(out) == old
    with pytest.raises(KeyboardInterrupt):
        with table_writer(f"{tmp_path}/new/") as writer:
            writer.write(old[0])
            raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == ["parts"]


def test_a_folder_of_other_files_is_refused_and_kept(tmp_path: Path) -> None:
    from quotes.errors import OutputError
    from quotes.tables.output import check_output_folder

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    message = (f"{out}: is a folder with other files in it; name a new or empty folder (only a folder of part-NNNNN "
               "files written by quotes is replaced)")
    with pytest.raises(OutputError) as err:
        check_output_folder(out)
    assert str(err.value) == message
    with pytest.raises(OutputError) as err:
        write_quotes(_quotes(1), out)
    assert str(err.value) == message
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


@pytest.mark.parametrize("name, message", [
    P("q.csv/", "{out}: a folder of parts is Parquet; name the folder without .csv, or name a file", id="csv-folder"),
    P("none/", "{folder}: no such folder; run `quotes extract` first", id="missing"),
])
def test_reading_a_folder_that_is_no_table(name: str, message: str, tmp_path: Path) -> None:
    from quotes.errors import InputError

    with pytest.raises(InputError) as err:
        read_quotes(f"{tmp_path}/{name}")
    assert str(err.value) == message.format(out=f"{tmp_path}/{name}", folder=tmp_path / name)


def test_a_folder_in_another_format_is_one_error(tmp_path: Path) -> None:
    from quotes.errors import InputError
    from quotes.tables.export import output_format

    with pytest.raises(InputError) as err:
        output_format(f"{tmp_path}/out/", "csv")
    assert str(err.value) == f"{tmp_path}/out/: a folder of parts is Parquet; leave out --format csv, or name a file"
    assert output_format(f"{tmp_path}/out/", "parquet") == output_format(tmp_path / "out", "parquet") == "parquet"


def test_a_folder_without_parts_is_one_error(tmp_path: Path) -> None:
    from quotes.errors import InputError

    (tmp_path / "t").mkdir()
    with pytest.raises(InputError) as err:
        read_quotes(tmp_path / "t")
    assert str(err.value).startswith(f"{tmp_path / 't'}: no Parquet parts (part-00000.parquet, ...) in this folder")


@pytest.mark.parametrize("input_is", ["the folder", "a file in it"])
def test_a_parts_folder_that_is_or_holds_an_input_is_refused_and_kept(input_is: str, tmp_path: Path,
                                                                      capsys) -> None:
    # files split as part-00000.jsonl, ... look like parts by name; they are a user's corpus, never replaced
    from quotes.cli import main
    from quotes.cli.status import EXIT_ERROR

    chunks = tmp_path / "chunks"
    chunks.mkdir()
    for k in range(2):
        (chunks / f"part-0000{k}.jsonl").write_text(json.dumps({"id": f"d{k}", "text": "Hi."}) + "\n",
                                                    encoding="utf-8")
    before = {p.name: p.read_bytes() for p in chunks.iterdir()}
    source = chunks if input_is == "the folder" else chunks / "part-00000.jsonl"
    assert main(["extract", str(source), "-o", f"{chunks}/", "-q"]) == EXIT_ERROR
    assert "Error: " in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in chunks.iterdir()} == before


def test_a_folder_of_files_named_like_parts_but_not_parquet_is_not_ours(tmp_path: Path) -> None:
    from quotes.errors import OutputError
    from quotes.tables.output import check_output_folder

    out = tmp_path / "split"
    out.mkdir()
    (out / "part-00000.txt").write_text("a user's text", encoding="utf-8")
    with pytest.raises(OutputError):
        check_output_folder(out)
    assert [p.name for p in out.iterdir()] == ["part-00000.txt"]


def test_eval_reads_a_folder_of_parts_as_predictions(tmp_path: Path, capsys) -> None:
    # a folder table is a quote table like a file: `quotes eval` must not annotate it as texts
    from quotes.cli import main
    from quotes.tables.export import table_writer

    root = Path(__file__).resolve().parents[1]
    gold = root / "annotations" / "gold_seeds_dev.jsonl"
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    quotes = [Quote(doc_id=r["doc_id"], quote_id=f"q{k}", start=r["start"], end=r["end"], text=r["text"],
                    type=r["type"], speaker=r["speaker"], stance=r["stance"], stance_score=0.5 + k / 100)
              for k, r in enumerate(rows)]
    table = tmp_path / "pred.csv"
    write_quotes(quotes, table)
    with table_writer(f"{tmp_path / 'parts'}/", rows_per_part=4) as writer:
        for q in quotes:
            writer.write(q)
    assert len(list((tmp_path / "parts").iterdir())) > 1
    figures = {}
    for pred in (table, tmp_path / "parts"):
        assert main(["eval", str(gold), str(pred), "--texts", str(root / "seeds"), "--json"]) == 0
        figures[pred.name] = json.loads(capsys.readouterr().out)["quotes"]
    assert figures["parts"] == figures["pred.csv"]
    assert figures["parts"]["f1"] == 1.0 and figures["parts"]["speaker_accuracy"] == 1.0
    # every label right: each bin's gap is 1 - its mean score, so the ECE is 1 - the mean score
    stance = figures["parts"]["stance"]
    calibration = stance["calibration"]
    assert calibration["accuracy"] == 1.0 and 0.5 <= calibration["mean_score"] < 1.0
    assert calibration["ece"] == pytest.approx(1 - calibration["mean_score"])
    assert sum(b["n"] for b in calibration["reliability"]) == stance["n"]
