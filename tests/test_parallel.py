"""Worker processes, a Dask cluster and Parquet output give the rows of one process, byte for byte."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quotes.cli import main
from quotes.pipeline.annotator import Annotated, Annotator
from quotes.pipeline.parallel import Settings, annotate_in_pool
from quotes.records import COLUMNS
from quotes.tables.corpus import Document, read_corpus
from quotes.tables.export import read_quotes

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The five seed articles (two tasks of workers) and two files that are skipped."""
    d = tmp_path_factory.mktemp("corpus")
    for f in sorted(SEEDS.glob("*.txt")):
        shutil.copy(f, d / f.name)
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return d


def _extract(corpus: Path, out: Path, capsys, *flags: str) -> tuple[int, bytes, list[str]]:
    code = main(["extract", str(corpus), "-o", str(out), "-q", *flags])
    warnings = sorted(line for line in capsys.readouterr().err.splitlines() if line.strip())
    return code, out.read_bytes(), warnings


@pytest.fixture(scope="module")
def one_worker(corpus: Path, tmp_path_factory) -> tuple[int, bytes, list[str]]:
    out = tmp_path_factory.mktemp("one") / "quotes.csv"
    code = main(["extract", str(corpus), "-o", str(out), "-q", "--workers", "1"])
    return code, out.read_bytes(), []


@pytest.mark.model
def test_two_workers_write_the_rows_and_warnings_of_one(corpus: Path, tmp_path: Path, capsys) -> None:
    one = _extract(corpus, tmp_path / "one.csv", capsys, "--workers", "1")
    two = _extract(corpus, tmp_path / "two.csv", capsys, "--workers", "2")
    assert one[0] == two[0] == 3  # the two bad files are skipped, named, and cost nobody their rows
    assert two[1] == one[1]
    assert two[2] == one[2]
    assert [w for w in one[2] if "skipped" in w] == [
        f"Warning: skipped {corpus / 'binary.txt'}: binary file, not text; pass .txt, .jsonl or .csv files",
        f"Warning: skipped {corpus / 'empty.txt'}: empty file; nothing to annotate"]
    assert one[1].count(b"\n") > 20


@pytest.mark.model
def test_the_pool_annotates_in_workers_in_input_order(corpus: Path) -> None:
    """Results of workers come without the text (it never travels back), in the order of the corpus."""
    here = Annotator()
    results = list(annotate_in_pool(read_corpus([corpus]), Settings(None, None, 16, "segment"), 2))
    docs = [r for r in results if isinstance(r, Annotated)]
    assert [r.document.doc_id for r in docs] == [d.doc_id for d in read_corpus([corpus]) if isinstance(d, Document)]
    assert all(r.document.text == "" for r in docs)
    assert here._nlp is None  # the main process never loaded the model
    single = [r for r in here.annotate(read_corpus([corpus])) if isinstance(r, Annotated)]
    assert [[q.to_row() for q in r.quotes] for r in docs] == [[q.to_row() for q in r.quotes] for r in single]
    assert [r.names for r in docs] == [r.names for r in single]


@pytest.mark.model
def test_one_document_with_one_worker_runs_in_a_worker() -> None:
    """Even a corpus of one document is annotated in a worker process, under the budget watched from outside:
    its result comes back without the text, which only travels to the worker."""
    doc = Document("d", "“We will win,” Jo Park said.", "d")
    (result,) = annotate_in_pool([doc], Settings(None, None, 16, "segment"), 1)
    assert isinstance(result, Annotated) and result.document.text == ""
    assert [q.speaker for q in result.quotes] == ["Jo Park"]


@pytest.mark.model
def test_a_local_dask_cluster_writes_the_rows_of_one_process(corpus: Path, one_worker, tmp_path: Path,
                                                             capsys) -> None:
    code, rows, warnings = _extract(corpus, tmp_path / "dask.csv", capsys, "--workers", "2", "--dask")
    assert code == one_worker[0] == 3
    assert rows == one_worker[1]
    assert [w for w in warnings if "skipped" in w] == [
        f"Warning: skipped {corpus / 'binary.txt'}: binary file, not text; pass .txt, .jsonl or .csv files",
        f"Warning: skipped {corpus / 'empty.txt'}: empty file; nothing to annotate"]


@pytest.mark.model
def test_parquet_holds_the_csv_table(corpus: Path, one_worker, tmp_path: Path) -> None:
    import pandas as pd

    table, csv_out = tmp_path / "quotes.parquet", tmp_path / "quotes.csv"
    csv_out.write_bytes(one_worker[1])
    assert main(["extract", str(corpus), "-o", str(table), "-q", "--workers", "1"]) == 3
    assert read_quotes(table) == read_quotes(csv_out)
    frame = pd.read_parquet(table)
    assert list(frame.columns) == COLUMNS
    assert {c: str(frame[c].dtype) for c in ("start", "confidence", "stance_score")} == {
        "start": "int64", "confidence": "float64", "stance_score": "float64"}
    assert frame["mention_start"].isna().sum() == sum(q.mention_start is None for q in read_quotes(csv_out))


@pytest.mark.model
def test_parts_from_two_workers_hold_the_csv_table(corpus: Path, one_worker, tmp_path: Path, monkeypatch) -> None:
    """`-o FOLDER/`: parts of the same schema, in order, that read back as the one worker's table."""
    import pandas as pd

    from quotes.tables import export

    csv_out, folder = tmp_path / "quotes.csv", tmp_path / "parts"
    csv_out.write_bytes(one_worker[1])
    expected = read_quotes(csv_out)
    monkeypatch.setattr(export, "PART_ROWS", 10)  # several parts from five articles
    assert main(["extract", str(corpus), "-o", f"{folder}/", "-q", "--workers", "2"]) == 3
    parts = sorted(p.name for p in folder.iterdir())
    assert parts == [f"part-{k:05d}.parquet" for k in range((len(expected) + 9) // 10)] and len(parts) > 2
    assert read_quotes(folder) == expected
    frame = pd.read_parquet(folder)
    assert list(frame.columns) == COLUMNS
    assert list(frame["quote_id"]) == [q.quote_id for q in expected]
    assert list(frame["speaker"]) == [q.speaker for q in expected]
    assert main(["extract", str(corpus), "-o", str(folder), "-q", "--workers", "1"]) == 3  # its own parts: replaced
    assert read_quotes(folder) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts", "quotes.csv"]


def test_a_folder_of_other_files_is_refused_before_any_work(corpus: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["extract", str(corpus), "-o", str(folder), "-q"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"Error: {folder}: is a folder with other files in it; name a new or empty folder (only a folder of "
        "part-NNNNN files written by quotes is replaced)"]
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_file_that_is_not_parquet_is_one_error(tmp_path: Path, capsys) -> None:
    junk = tmp_path / "quotes.parquet"
    junk.write_text("doc_id,quote_id\n", encoding="utf-8")
    with pytest.raises(Exception) as caught:
        read_quotes(junk)
    assert type(caught.value).__name__ == "InputError"
    assert str(caught.value).startswith(f"{junk}: not a Parquet file (")


def test_a_path_after_dask_is_no_address(corpus: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "quotes.csv"
    assert main(["extract", "-o", str(out), "--dask", str(corpus)]) == 2  # a usage error
    assert capsys.readouterr().err.splitlines() == [
        f"Error: --dask {corpus}: not a scheduler address (tcp://host:8786); write the paths before --dask, or "
        "--dask=local for a local cluster"]
    assert not out.exists()


def test_no_scheduler_at_the_address_is_one_error(corpus: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(corpus), "-o", str(out), "--dask", "tcp://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("Error: --dask tcp://127.0.0.1:9: no Dask scheduler answers there")
    assert not out.exists()


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_workers_must_be_a_positive_number(value: str, corpus: Path, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["extract", str(corpus), "-o", str(tmp_path / "q.csv"), "--workers", value])
    assert "is not a number of processes; give 1 or more" in capsys.readouterr().err


def test_no_path_is_one_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["extract", "-o", str(tmp_path / "q.csv")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "Error: no PATH to annotate; name text files, folders or JSONL/CSV corpora: quotes extract PATH... -o OUT"]


@pytest.mark.model
def test_corpus_fields_travel_through_workers_and_dask(tmp_path: Path, capsys) -> None:
    """A record's other fields go with its document to a worker and back: the rows of one process, byte for byte."""
    import csv
    import json

    corpus = tmp_path / "seeds.jsonl"
    corpus.write_text("".join(json.dumps({"id": f.stem, "text": f.read_text(encoding="utf-8"), "outlet": f"o{n}",
                                          **({"tags": [n, "x"]} if n % 2 else {})}) + "\n"
                              for n, f in enumerate(sorted(SEEDS.glob("*.txt")))), encoding="utf-8")
    tables = {}
    for name, flags in (("one", ["--workers", "1"]), ("two", ["--workers", "2"]), ("dask", ["--workers", "2", "--dask"])):
        out = tmp_path / f"{name}.csv"
        assert main(["extract", str(corpus), "-o", str(out), "-q", *flags]) == 0, capsys.readouterr().err
        tables[name] = out.read_bytes()
    assert tables["two"] == tables["one"] and tables["dask"] == tables["one"]
    with (tmp_path / "one.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == COLUMNS + ["outlet", "tags"]
    outlets = {f.stem: f"o{n}" for n, f in enumerate(sorted(SEEDS.glob("*.txt")))}
    assert all(r["outlet"] == outlets[r["doc_id"]] for r in rows) and len({r["doc_id"] for r in rows}) > 2
    assert {r["tags"] for r in rows} >= {"", '[1, "x"]'}
