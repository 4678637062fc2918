"""The progress bar of a run over a corpus: documents done out of a total counted before the run.

The total is counted cheaply, without decoding records: a text file is one
document, a JSONL file its non-blank lines, a CSV file its records (the csv
module, in C); a missing path, an empty folder or a quote table of ours is one
item (the warning it gets). It can be off by the few records a broken file
splits or joins; the bar only estimates. Counting reads the corpus once more
(on PolNeAR train's 840 files it costs a directory walk; see the README), so
it is done only when a bar is shown: on a terminal, or with `--progress`.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Iterable

from ..tables.corpus import JSONL_SUFFIXES, files_under, is_quote_table


def count_documents(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> int:
    """About how many items (documents and skipped inputs) `read_corpus(paths, exclude=exclude)` yields."""
    skip = {Path(p).resolve() for p in exclude}
    total = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = [f for f in files_under(path) if not skip or f.resolve() not in skip]
            total += sum(_count_file(f) for f in files) or 1
        elif not path.exists() or path.resolve() not in skip:
            total += _count_file(path)
    return total


def _count_file(path: Path) -> int:
    suffix = path.suffix.lower()
    if suffix not in JSONL_SUFFIXES and suffix != ".csv":
        return 1
    records = 0
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            head = fh.readline()
            if is_quote_table(path, head):
                return 1
            if suffix == ".csv":
                csv.field_size_limit(sys.maxsize)
                for _ in csv.reader(fh):  # the header is read already
                    records += 1
            else:
                records = bool(head.strip()) + sum(1 for line in fh if line.strip())
    except csv.Error:
        records += 1  # a quote never closed: the rest is one skipped record
    except OSError:
        return 1
    return max(records, 1)


def progress_bar(paths: list[str], exclude: Iterable[str | Path] = (), force: bool = False, quiet: bool = False):
    """A tqdm bar on stderr with the corpus's total, or None: never when `quiet`; on a terminal only, unless
    `force`. On a terminal it shows once a run has taken two seconds, so short runs stay quiet."""
    if quiet or not (force or sys.stderr.isatty()):
        return None
    from tqdm import tqdm

    return tqdm(total=count_documents(paths, exclude), desc="documents", unit="doc", file=sys.stderr,
                delay=0 if force else 2.0, leave=False, dynamic_ncols=True)
