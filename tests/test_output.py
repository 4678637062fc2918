"""Output files (`quotes.tables.output`): checked before the work, written whole or not at all. No model needed."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from quotes.errors import OutputError
from quotes.tables import output
from quotes.tables.output import atomic_write, check_output

P = pytest.param


def _make(kind: str, tmp_path: Path) -> tuple[Path, list[Path]]:
    if kind == "folder":
        (tmp_path / "out.csv").mkdir()
        return tmp_path / "out.csv", []
    if kind == "missing-folder":
        return tmp_path / "nowhere" / "out.csv", []
    if kind == "under-a-file":
        (tmp_path / "file.txt").write_text("x", encoding="utf-8")
        return tmp_path / "file.txt" / "out.csv", []
    if kind == "an-input":
        (tmp_path / "corpus.csv").write_text("id,text\na,b\n", encoding="utf-8")
        return tmp_path / "corpus.csv", [tmp_path / "corpus.csv"]
    raise ValueError(kind)


CHECKS = [
    P("folder", "{out}: is a folder; name a file to write, e.g. {out}/quotes.csv", id="output-is-a-folder"),
    P("missing-folder", "{parent}: output folder does not exist; create it first", id="missing-folder"),
    P("under-a-file", "{parent}: is a file, not a folder; choose another output path", id="folder-is-a-file"),
    P("an-input", "{out}: is also an input; write the output to another file, the input stays as it is",
      id="output-is-an-input"),
]


@pytest.mark.parametrize("kind, message", CHECKS)
def test_check_output(kind: str, message: str, tmp_path: Path) -> None:
    out, inputs = _make(kind, tmp_path)
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(OutputError) as err:
        check_output(out, inputs)
    assert str(err.value) == message.format(out=out, parent=out.parent)
    assert sorted(tmp_path.rglob("*")) == before  # nothing created


REFUSED = [
    P(errno.EROFS, "Read-only file system; the file system is read-only; write somewhere else", id="read-only"),
    P(errno.EACCES, "Permission denied; no permission to write there; check the folder's permissions or write "
                    "somewhere else", id="no-permission"),
]


@pytest.mark.parametrize("code, why", REFUSED)
def test_an_output_that_cannot_be_created(code: int, why: str, tmp_path: Path, monkeypatch) -> None:
    """A read-only file system and a folder without permission (simulated: the tests may run as root)."""
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(output.os, "open", refuse)
    with pytest.raises(OutputError) as err:
        check_output(tmp_path / "out.csv")
    assert str(err.value) == f"{tmp_path / 'out.csv'}: cannot be written ({why})"
    assert list(tmp_path.iterdir()) == []


class _FullDisk:
    """A file whose writes fail with ENOSPC once `room` characters are in."""

    def __init__(self, fh, room: int):
        self.fh, self.room = fh, room

    def write(self, text: str) -> int:
        self.room -= len(text)
        if self.room < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.fh.write(text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


def test_a_full_disk_leaves_nothing_and_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out.csv"
    out.write_text("the previous run's table\n", encoding="utf-8")
    real_open = open
    monkeypatch.setattr(output, "open", lambda *a, **k: _FullDisk(real_open(*a, **k), 10), raising=False)
    with pytest.raises(OutputError) as err:
        with atomic_write(out) as fh:
            for _ in range(100):
                fh.write("a row of the table\n")
    assert str(err.value) == (f"{out}: writing failed (No space left on device; the disk is full; free some space "
                              "and run again); nothing was written")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no part file
    assert out.read_text(encoding="utf-8") == "the previous run's table\n"


def test_an_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(out) as fh:
            fh.write("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_whole_write_replaces_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    check_output(out)
    with atomic_write(out) as fh:
        fh.write("new\n")
    assert out.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_files_written_together_appear_together_or_not_at_all(tmp_path: Path) -> None:
    # a report's page and its chart: when the chart cannot be written, the page is not replaced either
    from quotes.errors import OutputError
    from quotes.tables.output import write_together

    page = tmp_path / "report.html"
    page.write_text("the older page", encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OutputError) as err:
        write_together({page: b"<html>new</html>", blocker / "chart.png": b"PNG"})
    assert str(err.value).startswith(f"{blocker / 'chart.png'}: writing failed (")
    assert page.read_text(encoding="utf-8") == "the older page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder", "report.html"]  # no part left
    write_together({page: b"<html>new</html>", tmp_path / "chart.png": b"PNG"})
    assert page.read_bytes() == b"<html>new</html>" and (tmp_path / "chart.png").read_bytes() == b"PNG"
