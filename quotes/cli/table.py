"""Where `quotes extract` writes its table: a file or a folder of Parquet parts (whole or not at all), or
standard output (`-o -`).

Rows wait in a temporary spool, each with its document's corpus fields, until
the annotation pass is over: by then the speaker merge is known, and so are
the corpus columns, which the CSV header needs before the first row. Memory
stays flat: the spool is a file and only the fields' names are kept.
"""
from __future__ import annotations

import io
import json
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Mapping

from ..errors import OutputError
from ..records import Quote, with_fields
from ..speakers.merge import SpeakerMerger
from ..tables.export import BINARY, PartitionWriter, QuoteWriter, is_partitioned, output_format, partition_writer
from ..tables.output import atomic_write

STDOUT = "-"


@dataclass(frozen=True)
class Target:
    """A file or a folder of parts (`path`) or standard output (`path` None), and the format to write there."""

    path: Path | None
    fmt: str
    parts: bool = False  # `path` is a folder of Parquet parts (`export.is_partitioned`)

    @classmethod
    def of(cls, output: str, fmt: str | None = None) -> "Target":
        """`-o OUT` and `--format`: the format given, else the file's extension; CSV on standard output."""
        if output != STDOUT:
            return cls(Path(output), output_format(output, fmt), is_partitioned(output, fmt))
        fmt = output_format(STDOUT, fmt or "csv")
        if fmt in BINARY and sys.stdout.isatty():
            raise OutputError("-o -: Parquet is binary and standard output is a terminal; redirect it "
                              "(-o - --format parquet > FILE.parquet) or choose --format csv or jsonl")
        return cls(None, fmt)

    def __str__(self) -> str:
        return "standard output" if self.path is None else str(self.path)

    @contextmanager
    def writer(self, extra: list[str]) -> Iterator[QuoteWriter | PartitionWriter]:
        """A writer of the table here: Parquet parts into a folder (whole or not at all), or rows into `open`."""
        if self.parts:
            with partition_writer(self.path, extra) as writer:
                yield writer
            return
        with self.open() as fh:
            writer = QuoteWriter(fh, self.fmt, extra)
            yield writer
            writer.close()

    @contextmanager
    def open(self) -> Iterator[IO]:
        """A stream to write the table to: a file's part file, moved into place when complete, or stdout."""
        binary = self.fmt in BINARY
        if self.path is not None:
            with atomic_write(self.path, binary=binary) as fh:
                yield fh
            return
        sys.stdout.flush()  # whatever was printed before goes first
        if binary:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
            return
        # UTF-8 and the CSV's own line ends, whatever the locale makes of sys.stdout
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()  # leave sys.stdout's buffer open


class Spool:
    """Rows and their documents' fields kept in a temporary file until the speaker merge is known; any failure
    of it (a full disk, a file size limit) is one OutputError naming the folder, and the file goes with it."""

    def __init__(self):
        try:
            self.fh = tempfile.TemporaryFile("w+", encoding="utf-8")
        except OSError as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: OSError) -> OutputError:
        self.close()
        return OutputError(f"{tempfile.gettempdir()}: the temporary spool of rows cannot be written "
                           f"({exc.strerror or exc}); free some space there or point TMPDIR to another folder; "
                           "nothing was written")

    def write(self, row: dict, fields: Mapping[str, str | None]) -> None:
        try:
            self.fh.write(json.dumps([row, fields], ensure_ascii=False) + "\n")
        except OSError as exc:
            raise self._failed(exc) from None

    def rows(self) -> Iterator[tuple[dict, dict]]:
        try:
            self.fh.seek(0)  # the last buffer is written here
            for line in self.fh:
                row, fields = json.loads(line)
                yield row, fields
        except OSError as exc:
            raise self._failed(exc) from None

    def close(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass  # a file nobody will read again; it is gone once closed


def write_table(target: Target, spool: Spool, columns: Mapping[str, str],
                merger: SpeakerMerger) -> tuple[int, Counter, Counter]:
    """The spooled rows with merged speaker spellings and the corpus `columns` (field -> column), written to
    `target`: the number of rows, and the quotes per speaker and per stance."""
    speakers, stances = Counter(), Counter()
    with target.writer(list(columns.values())) as writer:
        for row, fields in spool.rows():
            q = Quote.from_row(row)
            merger.apply([q])
            writer.write(with_fields(q.to_row(), fields, columns))
            speakers[q.speaker or "(unknown)"] += 1
            stances[q.stance] += 1
    return writer.count, speakers, stances
