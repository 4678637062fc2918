"""One document never costs the run: a hostile corpus through `quotes extract`, under a memory cap.

The corpus (`quotes.bench.hostile.hostile_files`, a fixed seed) holds every shape that has cost this project
or could: tokens of 100,000 and 1,000,000 characters, a 5 MB paragraph, 50,000 paragraphs, quotes nested
10,000 deep, a name of 10,000 words, every Unicode line break, mixed encodings, binary, NUL bytes, RTL and
zero-width marks. Beside it, good articles (the seeds). The command runs as a user runs it, in its own process
with its address space capped (what the workers it starts inherit), with small per-document budgets: the run
must finish, each good article keep exactly the rows it has alone, every offset be valid, and every document
that has no rows be either one without quotes or one a warning names.
"""
from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from quotes.bench.hostile import hostile_files, many_paragraphs
from quotes.cli.status import EXIT_WARNINGS
from quotes.tables.corpus import Document, read_corpus

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
GOOD = sorted((ROOT / "seeds").glob("00[012]*.txt"))
ADDRESS_SPACE = 8 * 2**30  # generous: a worker's threads and allocator arenas reserve far more than they use
BUDGET = ["--doc-cpu", "12", "--doc-memory", "600"]
TIMEOUT = 900


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _extract(paths: list[Path], out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "quotes.cli", "extract", *map(str, paths), "-o", str(out),
                           "--verbose", *BUDGET, *extra], capture_output=True, text=True, timeout=TIMEOUT,
                          preexec_fn=_capped, env=env, cwd=ROOT)


def _rows(out: Path) -> dict[str, list[dict]]:
    by_doc: dict[str, list[dict]] = {}
    with out.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            by_doc.setdefault(row["doc_id"], []).append(row)
    return by_doc


def _comparable(rows: list[dict]) -> list[dict]:
    """A row as the article alone would have it: the corpus-wide merge may respell a speaker across documents,
    and no other column depends on the other documents of the run."""
    return [{k: v for k, v in row.items() if k != "speaker"} for row in rows]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in hostile_files(seed=20261207).items():
        (folder / name).write_bytes(data)
    for path in GOOD:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def run(corpus: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "quotes.csv"
    return _extract([corpus], out, "--workers", "2"), out


def test_the_run_finishes_and_names_what_it_skipped(run, corpus: Path) -> None:
    done, out = run
    assert done.returncode == EXIT_WARNINGS, done.stderr[-2000:]
    assert out.is_file()
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith("Warning: ") for line in lines), done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    skipped = {Path(line.split()[2].rstrip(":")).name for line in lines if line.startswith("Warning: skipped ")}
    # over the model's 1,000,000 characters (the others that have no rows hold no quote, or are not text)
    assert {"paragraph-5mb.txt", "paragraphs-50k.txt"} <= skipped
    assert not skipped & {p.name for p in GOOD}
    for line in lines:
        if "budget" in line:
            assert "--doc-cpu" in line or "--doc-memory" in line  # which budget it broke, and how to move it


def test_good_articles_keep_exactly_their_rows(run, tmp_path: Path) -> None:
    _, out = run
    alone = tmp_path / "alone.csv"
    done = _extract(GOOD, alone, "--workers", "1")
    assert done.returncode == 0, done.stderr[-2000:]
    together, by_itself = _rows(out), _rows(alone)
    assert by_itself and set(by_itself) == {p.stem for p in GOOD}
    for doc_id, rows in by_itself.items():
        assert _comparable(together.get(doc_id, [])) == _comparable(rows), doc_id


def test_every_offset_is_valid(run, corpus: Path) -> None:
    _, out = run
    texts = {d.doc_id: d.text for d in read_corpus([corpus]) if isinstance(d, Document)}
    rows = _rows(out)
    assert rows
    for doc_id, doc_rows in rows.items():
        text = texts[doc_id]
        for row in doc_rows:
            start, end = int(row["start"]), int(row["end"])
            assert 0 <= start < end <= len(text), (doc_id, row["quote_id"])
            if not row["text"].startswith(("=", "+", "-", "@")):  # spreadsheet-safe cells carry a leading '
                assert text[start:end] == row["text"].replace("\r\n", "\n") or text[start:end] == row["text"]
            if row["mention_start"]:
                ms, me = int(row["mention_start"]), int(row["mention_end"])
                assert 0 <= ms < me <= len(text) and text[ms:me] == row["speaker_mention"]
            assert len(row["speaker"]) <= 300  # a name is a name, not a 500,000-letter token


@pytest.mark.parametrize("budget, phrase", [
    (["--doc-memory", "60"], "60 MB of memory (--doc-memory)"),  # an article: the name shards it first reads, 3 MB each
    (["--doc-cpu", "2"], "2 s of CPU (--doc-cpu)"),
], ids=["memory", "cpu"])
def test_a_document_over_its_budget_is_skipped_and_named(budget: list[str], phrase: str, tmp_path: Path) -> None:
    """Budgets small enough that a long document breaks them (a news article takes a fraction of either):
    skipped with the budget it broke named, the articles before and after it keep their rows."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in GOOD:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "001_long.txt").write_text(many_paragraphs(300_000), encoding="utf-8")  # between two articles
    out = tmp_path / "quotes.csv"
    done = subprocess.run([sys.executable, "-m", "quotes.cli", "extract", str(folder), "-o", str(out), "--verbose",
                           "--workers", "1", *budget], capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    assert done.returncode == EXIT_WARNINGS, done.stderr[-2000:]
    warned = [line for line in done.stderr.splitlines() if "001_long.txt" in line]
    assert len(warned) == 1 and phrase in warned[0], done.stderr
    assert set(_rows(out)) == {p.stem for p in GOOD}
