"""`quotes extract`'s table and messages: corpus columns in every format, `-o -`, `--format`, the progress bar,
warnings summed up by kind, and a run with nothing to annotate. The real model, inputs of a line or two."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quotes.cli import main
from quotes.records import COLUMNS

ANN = '"The pier is finally open," said Ann Smith.\n'
JO = 'Jo Park spoke on Monday.\n"We will finish the bridge by spring," she said.\n'
REPO = Path(__file__).resolve().parents[1]


def script(*args: str, **kw) -> subprocess.CompletedProcess:
    """`python -m quotes.cli` of this tree, as a user's shell runs it (real pipes, no capture tricks)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kw}
    return subprocess.run([sys.executable, "-m", "quotes.cli", *args], timeout=300, env=env, **pipes)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A JSONL corpus whose records carry other fields (one named like a standard column), and a text file."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
        {"id": "n-1", "text": ANN, "outlet": "Courier", "tags": ["pier", "town"], "speaker": "desk"},
        {"id": "n-2", "text": JO, "date": "2024-01-02", "page": 3, "outlet": None},
    ]), encoding="utf-8")
    (d / "wire.txt").write_text(ANN.replace("Ann Smith", "Tom Reed"), encoding="utf-8")
    return d


EXTRA = ["outlet", "tags", "corpus_speaker", "date", "page"]  # first-seen order; `speaker` prefixed
EXPECTED = {  # doc_id -> the corpus columns of its row; a text file has none, a record lacks some
    "n-1": {"outlet": "Courier", "tags": '["pier", "town"]', "corpus_speaker": "desk", "date": None, "page": None},
    "n-2": {"outlet": None, "tags": None, "corpus_speaker": None, "date": "2024-01-02", "page": "3"},
    "wire": dict.fromkeys(EXTRA),
}


def _rows(path: Path, fmt: str) -> list[dict]:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh)) if fmt == "csv" else [json.loads(line) for line in fh]


@pytest.mark.model
def test_corpus_fields_are_columns_in_every_format(corpus: Path, tmp_path: Path) -> None:
    tables = {}
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / f"quotes.{fmt}"
        assert main(["extract", str(corpus), "-o", str(out), "-q"]) == 0
        tables[fmt] = _rows(out, fmt)
        assert all(list(r) == COLUMNS + EXTRA for r in tables[fmt])
    for fmt, rows in tables.items():
        got = {r["doc_id"]: {c: r[c] for c in EXTRA} for r in rows}
        if fmt == "csv":  # CSV has no null: an empty cell
            assert got == {d: {c: v or "" for c, v in cells.items()} for d, cells in EXPECTED.items()}
        else:
            assert got == EXPECTED
    assert [r["speaker"] for r in tables["jsonl"]] == ["Ann Smith", "Jo Park", "Tom Reed"]  # the quote's own


@pytest.mark.model
def test_keep_chooses_the_columns(corpus: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "quotes.jsonl"
    assert main(["extract", str(corpus), "-o", str(out), "-q", "--keep", "date,speaker,nowhere"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "Warning: --keep nowhere: no document has a field 'nowhere' besides its id and text; its column is empty"]
    rows = _rows(out, "jsonl")
    assert list(rows[0]) == COLUMNS + ["date", "corpus_speaker", "nowhere"]  # in the order asked
    assert [(r["date"], r["corpus_speaker"], r["nowhere"]) for r in rows] == [
        (None, "desk", None), ("2024-01-02", None, None), (None, None, None)]
    assert main(["extract", str(corpus), "-o", str(out), "-q", "--keep", "none"]) == 0
    assert all(list(r) == COLUMNS for r in _rows(out, "jsonl"))


@pytest.mark.model
def test_the_dataframe_of_records_has_the_tables_columns(corpus: Path, tmp_path: Path) -> None:
    import quotes

    records = [json.loads(line) for line in (corpus / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    frame = quotes.extract_dataframe(records)
    out = tmp_path / "quotes.jsonl"
    assert main(["extract", str(corpus / "news.jsonl"), "-o", str(out), "-q"]) == 0
    table = _rows(out, "jsonl")
    assert list(frame.columns) == list(table[0])
    assert [{c: (None if frame.isna().loc[i, c] else frame.loc[i, c]) for c in frame.columns[len(COLUMNS):]}
            for i in frame.index] == [{c: r[c] for c in list(r)[len(COLUMNS):]} for r in table]
    assert list(quotes.extract_dataframe(records, keep=["date"]).columns) == COLUMNS + ["date"]
    with pytest.raises(quotes.QuotesError, match=r"^records\[1\]: record has no 'text' field with text"):
        quotes.extract_dataframe([records[0], {"id": "x"}])


# -- -o -: the table on standard output, everything else on stderr --------------------------

@pytest.mark.model
def test_the_table_on_standard_output(corpus: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    done = script("extract", str(corpus), str(missing), "-o", "-")
    assert done.returncode == 3, done.stderr
    file_out = tmp_path / "quotes.csv"
    assert main(["extract", str(corpus), "-o", str(file_out), "-q"]) == 0
    assert done.stdout == file_out.read_bytes()  # the same bytes as the file: CSV, UTF-8, CRLF rows
    err = done.stderr.decode().splitlines()
    assert err[0] == f"Warning: skipped {missing}: no such file or folder; check the path"
    assert err[1] == "3 quotes from 3 documents written to standard output (1 skipped, see warnings)"
    jsonl = script("extract", str(corpus), "-o", "-", "--format", "jsonl", "-q")
    assert jsonl.returncode == 0 and jsonl.stderr == b""
    assert [json.loads(line)["doc_id"] for line in jsonl.stdout.decode().splitlines()] == ["n-1", "n-2", "wire"]


@pytest.mark.model
def test_parquet_goes_down_a_pipe_but_never_to_a_terminal(corpus: Path, tmp_path: Path) -> None:
    import pty

    import pyarrow.parquet as pq

    piped = script("extract", str(corpus), "-o", "-", "--format", "parquet", "-q")
    assert piped.returncode == 0, piped.stderr
    table = pq.read_table(io.BytesIO(piped.stdout)).to_pylist()
    assert [r["doc_id"] for r in table] == ["n-1", "n-2", "wire"] and list(table[0]) == COLUMNS + EXTRA
    leader, follower = pty.openpty()
    try:
        refused = script("extract", str(corpus), "-o", "-", "--format", "parquet", stdout=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert refused.returncode == 1
    assert refused.stderr.decode().splitlines() == [
        "Error: -o -: Parquet is binary and standard output is a terminal; redirect it (-o - --format parquet > "
        "FILE.parquet) or choose --format csv or jsonl"]


@pytest.mark.model
def test_format_overrides_the_extension(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "quotes.txt"
    assert main(["extract", str(corpus), "-o", str(out), "-q", "--format", "jsonl"]) == 0
    assert [json.loads(line)["doc_id"] for line in out.read_text(encoding="utf-8").splitlines()] == [
        "n-1", "n-2", "wire"]


# -- progress and warnings --------------------------------------------------------------------

@pytest.mark.model
def test_the_progress_bar_counts_to_a_total_on_stderr_only(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "quotes.csv"
    forced = script("extract", str(corpus), "-o", str(out), "--progress")
    assert forced.returncode == 0, forced.stderr
    err = forced.stderr.decode()
    assert "documents:" in err and "0/3" in err  # two records and a text file, counted before the run
    assert forced.stdout.decode().startswith("3 quotes from 3 documents written to")
    for flags in ([], ["--progress", "-q"]):  # not a terminal; or quiet, which wins
        done = script("extract", str(corpus), "-o", str(out), *flags)
        assert done.returncode == 0 and "documents:" not in done.stderr.decode()


@pytest.mark.model
def test_warnings_of_one_kind_are_one_line(tmp_path: Path, capsys) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "ann.txt").write_text(ANN, encoding="utf-8")
    for n in range(5):
        (d / f"e{n}.txt").write_bytes(b"")
    (d / "bin.txt").write_bytes(b"\x00\x01")
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(d), "-o", str(out), "-q"]) == 3
    assert capsys.readouterr().err.splitlines() == [
        f"Warning: skipped {d / 'bin.txt'}: binary file, not text; pass .txt, .jsonl or .csv files",
        f"Warning: skipped 5 empty files: {d / 'e0.txt'}, {d / 'e1.txt'}, {d / 'e2.txt'} and 2 more "
        "(--verbose lists all)"]
    assert main(["extract", str(d), "-o", str(out), "-q", "--verbose"]) == 3
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 6 and all(f"Warning: skipped {d / f'e{n}.txt'}: empty file; nothing to annotate" in err
                                 for n in range(5))


@pytest.mark.model
@pytest.mark.parametrize("output", ["quotes.csv", "-"])
def test_nothing_to_annotate_fails_and_writes_nothing(output: str, tmp_path: Path, capfd) -> None:
    out = str(tmp_path / output) if output != "-" else output
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["extract", str(tmp_path / "gone.txt"), str(empty), "-o", out]) == 1
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"Warning: skipped {tmp_path / 'gone.txt'}: no such file or folder; check the path",
        f"Warning: skipped {empty}: empty file; nothing to annotate",
        "Error: nothing to annotate: all 2 input(s) were skipped (see the warnings); nothing was written"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt"]
