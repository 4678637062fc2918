"""Throughput per worker count and time over growing corpora of distinct documents, for `quotes bench`.

Both run the documents as `quotes extract --workers N` does (`parallel.tasks`,
`parallel.in_order`, the model loaded once per worker process, the speaker
merge a final step in this process), in a pool started afresh for each
measurement, so that each worker's peak resident memory is its own for that
run and not the largest any earlier process reached. The workers first load
the model and annotate one short text (start-up, timed apart); each task then
reports the CPU time it took and its process's peak memory, so that the figures
are the workers' own: with `spawn`, a worker's CPU time only reaches
`RUSAGE_CHILDREN` when it exits, and no one could tell its start-up from its work.

Distinct documents: a corpus repeated is not a larger corpus (the model's
caches and the string store see nothing new, and the merge gets no new names),
so `distinct_documents` cuts each article at paragraph breaks into quarters of
about equal length, keeps one of any quarters with the same text, and shuffles them.
"""
from __future__ import annotations

import multiprocessing
import os
import random
import resource
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from ..errors import InputError
from ..pipeline.parallel import IN_FLIGHT, Settings, annotate_task, in_order, tasks
from ..tables.corpus import Document
from ..text.paragraphs import paragraphs

PARTS = 4  # pieces per article: the 924 PolNeAR articles give 3,661 distinct ones, enough for 3,360
WARM_UP = Document("warm-up", '"The pier is finally open," said Ann Smith, the mayor.\n\nShe smiled.', "warm-up")


def quarters(doc: Document, parts: int = PARTS) -> list[Document]:
    """The document cut into `parts` pieces (fewer when it has fewer paragraphs), each at the paragraph break
    nearest a quarter of its length, so that every piece keeps its paragraphs whole."""
    spans = list(paragraphs(doc.text))
    pieces = min(parts, len(spans))
    if not pieces:
        return []
    begin, size = spans[0][0], spans[-1][1] - spans[0][0]
    firsts = [0]  # each piece's first paragraph
    for k in range(1, pieces):
        mark = begin + size * k / parts
        # after the last cut, leaving one paragraph at least for each piece to come
        firsts.append(min(range(firsts[-1] + 1, len(spans) - pieces + k + 1), key=lambda i: abs(spans[i][0] - mark)))
    bounds = firsts + [len(spans)]
    return [Document(f"{doc.doc_id}#{k + 1}", doc.text[spans[a][0]:spans[b - 1][1]], f"{doc.origin}#{k + 1}")
            for k, (a, b) in enumerate(zip(bounds, bounds[1:]))]


def distinct_documents(docs: list[Document], n: int, seed: int = 0) -> list[Document]:
    """`n` documents no two of which are the same text: quarters of the articles (a quarter that repeats
    another, such as a sign-off line, counts once), shuffled the same way for the same articles, so that the
    first n of a larger corpus are a smaller one drawn alike."""
    seen: set[str] = set()
    pieces = [q for d in docs for q in quarters(d) if not (q.text in seen or seen.add(q.text))]
    if len(pieces) < n:
        raise InputError(f"only {len(pieces)} distinct documents (quarters) can be cut from {len(docs)} articles; "
                         f"give more articles or a size up to {len(pieces)}")
    random.Random(seed).shuffle(pieces)
    return pieces[:n]


def _peak_mb() -> float:
    """This process's peak resident memory (MB). Linux's VmHWM, not `ru_maxrss`: a spawned worker is forked
    before it runs a new interpreter, and `ru_maxrss` keeps the resident memory of the parent it was forked from
    (1.5 GB beside the speed table's three pipelines), where VmHWM starts again with the new program."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux, elsewhere the best there is


def warm_worker(settings: Settings) -> tuple[int, float]:
    """In a worker: load the model and annotate a short text; the worker's process id and peak memory (MB)."""
    annotate_task([WARM_UP], settings)
    time.sleep(0.2)  # let the other workers take their own warm-up task
    return os.getpid(), _peak_mb()


def timed_task(items: list, settings: Settings) -> tuple[list, float, int, float]:
    """In a worker: `parallel.annotate_task`, its CPU seconds, the process id and its peak memory (MB)."""
    start = time.process_time()
    results = annotate_task(items, settings)
    return results, time.process_time() - start, os.getpid(), _peak_mb()


@dataclass
class PoolRun:
    """What one run on a fresh pool measured. CPU seconds are user+sys; the merge's are part of `main_cpu`."""

    workers: int
    documents: int = 0
    characters: int = 0
    rows: int = 0
    start_up: float = 0.0  # wall seconds to start the workers and load their models
    wall: float = 0.0  # wall seconds from the first task to the merged rows
    worker_cpu: float = 0.0
    main_cpu: float = 0.0  # this process meanwhile: sending, receiving, the merge
    merge: float = 0.0
    peak_mb: dict[int, float] = field(default_factory=dict)  # per worker process

    @property
    def cpu(self) -> float:
        return self.worker_cpu + self.main_cpu


class _Measured:
    """A future of `timed_task` that hands `in_order` the results and keeps the figures."""

    def __init__(self, future, run: PoolRun):
        self.future, self.run = future, run

    def result(self) -> list:
        results, cpu, pid, peak = self.future.result()
        self.run.worker_cpu += cpu
        self.run.peak_mb[pid] = max(peak, self.run.peak_mb.get(pid, 0.0))
        return results


def _warm(pool: ProcessPoolExecutor, settings: Settings, workers: int) -> dict[int, float]:
    """Every worker started with its model loaded (a worker that took two warm-ups leaves one cold: retry);
    their peak memory so far, by process id (a worker may get no task of a small corpus)."""
    seen: dict[int, float] = {}
    for _ in range(5):
        seen.update(f.result() for f in [pool.submit(warm_worker, settings) for _ in range(workers)])
        if len(seen) >= workers:
            break
    return seen


def pool_run(docs: list[Document], settings: Settings, workers: int, registry) -> PoolRun:
    """Annotate `docs` on a fresh pool of `workers` processes and merge the speakers, as `extract` does."""
    from ..pipeline.annotator import Annotated
    from ..speakers.merge import SpeakerMerger

    run = PoolRun(workers, len(docs), sum(len(d.text) for d in docs))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        wall = time.perf_counter()
        run.peak_mb = _warm(pool, settings, workers)
        run.start_up = time.perf_counter() - wall
        cpu, wall = time.process_time(), time.perf_counter()
        merger, rows = SpeakerMerger(registry), []
        submit: Callable = lambda task: _Measured(pool.submit(timed_task, task, settings), run)  # noqa: E731
        for result in in_order(tasks(docs), submit, workers * IN_FLIGHT):
            if isinstance(result, Annotated):
                merger.add(result.used_names())
                rows.extend(result.quotes)
        merge = time.process_time()
        merger.apply(rows)
        run.merge = time.process_time() - merge
        run.main_cpu, run.wall = time.process_time() - cpu, time.perf_counter() - wall
        run.rows = len(rows)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return run


def worker_counts(value: str) -> tuple[int, ...]:
    counts = tuple(int(v) for v in value.split(",") if v.strip())
    if not counts or min(counts) < 1:
        raise ValueError(value)
    return counts


def default_worker_counts() -> tuple[int, ...]:
    return tuple(range(1, (os.cpu_count() or 1) + 1))


def _peaks(run: PoolRun) -> str:
    return ", ".join(f"{mb:.0f}" for _, mb in sorted(run.peak_mb.items()))


def throughput_lines(docs: list[Document], settings: Settings, counts, registry):
    """Documents per CPU second and per wall second for each number of workers, and each worker's peak
    memory. Yielded as measured."""
    chars = sum(len(d.text) for d in docs)
    yield (f"Throughput per worker count ({len(docs)} documents, {chars:,} characters; a fresh pool each, "
           f"timed once every worker has loaded the model; {os.cpu_count()} cores here, load average "
           f"{os.getloadavg()[0]:.1f} at the start):")
    yield (f"  {'workers':>7s} {'start-up s':>10s} {'wall s':>8s} {'CPU s':>8s} {'docs/CPU-s':>10s} "
           f"{'docs/wall-s':>11s} {'speed-up':>8s}  peak RSS per worker MB")
    first = None
    for n in counts:
        run = pool_run(docs, settings, n, registry)
        first = first or run
        yield (f"  {n:7d} {run.start_up:10.1f} {run.wall:8.2f} {run.cpu:8.2f} {run.documents / run.cpu:10.2f} "
               f"{run.documents / run.wall:11.2f} {first.wall / run.wall:7.2f}x  {_peaks(run)}")


def scale_lines(docs: list[Document], settings: Settings, sizes, registry):
    """Extract's CPU per document, the merge and a worker's peak memory over growing corpora of distinct
    documents: a flat ms/doc column (ratio 1.00x) is linear time, a flat peak column flat memory."""
    largest = distinct_documents(docs, max(sizes))
    parse = "full parse" if settings.full_parse else "selective"
    yield (f"Extract ({parse}) over distinct documents (quarters of {len(docs)} articles, cut at paragraph breaks, "
           "shuffled; one worker process, fresh for each size; CPU of the worker and of the merge):")
    yield (f"  {'documents':>9s} {'characters':>11s} {'rows':>6s} {'CPU s':>8s} {'ms/doc':>7s} {'ratio':>6s} "
           f"{'us/char':>7s} {'merge s':>7s} {'wall s':>8s} {'worker peak MB':>14s}")
    first = None
    for n in sizes:
        run = pool_run(largest[:n], settings, 1, registry)
        per_doc = 1000 * run.cpu / n
        first = first or per_doc
        yield (f"  {n:9d} {run.characters:11,d} {run.rows:6d} {run.cpu:8.2f} {per_doc:7.1f} {per_doc / first:5.2f}x "
               f"{1e6 * run.cpu / run.characters:7.1f} {run.merge:7.3f} {run.wall:8.2f} {_peaks(run):>14s}")
