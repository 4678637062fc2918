"""Fuzz tests with a fixed seed: generated hostile documents never raise, every offset is valid, and the good
documents among them keep exactly their own rows. The real model; the same documents on every run."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from quotes.bench.hostile import hostile_document
from quotes.cli import main
from quotes.cli.status import EXIT_OK, EXIT_SKIPPED
from quotes.pipeline.annotator import Annotated, Annotator
from quotes.tables.corpus import Document, Skipped
from quotes.tables.export import read_quotes

pytestmark = pytest.mark.model

SEED = 20261122
GOOD = [
    '"We will finish the bridge by spring," Jo Park said on Monday.\n"Nobody will lose a job," she added.\n',
    "“The harbor will close in May,” said Ann Smith, who runs the port.\n",
    "Tom Reed called the plan “a waste of money” and left.\n",
]


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator()


def _check_rows(text: str, rows) -> None:
    for q in rows:
        assert 0 <= q.start < q.end <= len(text) and text[q.start:q.end] == q.text, (text, q)
        if q.mention_start is not None:
            assert 0 <= q.mention_start < q.mention_end <= len(text)
            assert text[q.mention_start:q.mention_end] == q.speaker_mention
            assert q.mention_end <= q.start or q.mention_start >= q.end  # never inside its own quote
        else:
            assert q.speaker_mention == "" and q.mention_end is None


def test_hostile_documents_cost_no_good_document_its_rows(annotator: Annotator) -> None:
    rng = random.Random(SEED)
    items: list[Document] = []
    for k in range(160):
        items.append(Document(f"h{k}", hostile_document(rng), f"h{k}"))
        if k % 50 == 0:
            items.append(Document(f"g{k}", GOOD[(k // 50) % len(GOOD)], f"g{k}"))
    texts = {d.doc_id: d.text for d in items}
    results = list(annotator.annotate(items))
    assert [r.origin for r in results if isinstance(r, Skipped)] == []  # nothing failed
    assert len(results) == len(items)
    for r in results:
        assert isinstance(r, Annotated)
        _check_rows(texts[r.document.doc_id], r.quotes)
    alone = {d.doc_id: annotator.annotate_text(d.text, d.doc_id) for d in items if d.doc_id.startswith("g")}
    together = {r.document.doc_id: r.quotes for r in results if r.document.doc_id in alone}
    assert all(alone[k] for k in alone)
    assert {k: [q.to_row() for q in v] for k, v in together.items()} == {
        k: [q.to_row() for q in v] for k, v in alone.items()}


def test_hostile_files_through_the_command(tmp_path: Path, capsys) -> None:
    """Random bytes, hostile text in every encoding trouble, and good files: warnings only, valid rows."""
    rng = random.Random(SEED + 1)
    folder = tmp_path / "in"
    folder.mkdir()
    texts: dict[str, str] = {}
    for k in range(40):
        path = folder / f"f{k:02d}.txt"
        roll = rng.random()
        if roll < 0.25:
            path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))))
        elif roll < 0.35:
            path.write_bytes(b"\xef\xbb\xbf" + GOOD[k % len(GOOD)].replace("\n", "\r\n").encode())  # BOM and CRLF
        else:
            text = hostile_document(rng)
            path.write_text(text, encoding="utf-8", errors="replace")
    for k, text in enumerate(GOOD):
        (folder / f"good{k}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "quotes.csv"
    code = main(["extract", str(folder), "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert code in (EXIT_OK, EXIT_SKIPPED)
    assert all(line.startswith("Warning: ") for line in captured.err.splitlines()), captured.err
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        try:
            texts[path.stem] = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    rows = read_quotes(out)
    for doc_id in {q.doc_id for q in rows}:
        _check_rows(texts[doc_id], [q for q in rows if q.doc_id == doc_id])
    assert {f"good{k}" for k in range(len(GOOD))} <= {q.doc_id for q in rows}
