"""Documents annotated in other processes, results handed back in the order the documents were read.

The corpus is cut into small tasks of consecutive items (`TASK_DOCUMENTS`
documents each, with the skipped items between them); each worker process
loads the model once (`annotate_task` keeps one `Annotator` per process) and
sends back every document's quotes and names, never its text. At most a few
tasks per worker are in flight, and results are yielded task by task in input
order, so memory stays bounded however long the corpus and the rows come out
as one process writes them. The cross-document speaker merge is not done
here: the caller adds each document's names, as for a run in one process.

The same ordered, bounded loop serves a local process pool (`annotate_in_pool`)
and a Dask cluster (`dask_run`): both hand back futures with `.result()`.
"""
from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from itertools import chain
from typing import Callable, Iterable, Iterator, Protocol

from ..errors import QuotesError
from ..tables.corpus import Document, Item, Skipped
from .annotator import Annotated, Annotator

TASK_DOCUMENTS = 4  # small enough to keep every worker busy to the end, large enough that sending costs nothing
IN_FLIGHT = 2  # tasks queued per worker: one running, one ready


@dataclass(frozen=True)
class Settings:
    """What a worker needs to build the run's annotator: a rules file path (not the loaded rules), the model."""

    rules: str | None
    model: str | None
    batch_size: int
    unit: str
    full_parse: bool = True


class Pending(Protocol):
    def result(self) -> list[Annotated | Skipped]: ...


_annotators: dict[Settings, Annotator] = {}
_lock = threading.Lock()  # a Dask worker may run tasks on several threads: one model per process all the same


def annotate_task(items: list[Item], settings: Settings) -> list[Annotated | Skipped]:
    """One task, in a worker: each item's annotation (or why it was skipped), in the order given.

    The model is loaded on the first task a process runs and kept for the others.
    """
    with _lock:
        annotator = _annotators.get(settings)
        if annotator is None:
            annotator = _annotators[settings] = Annotator(settings.rules, settings.model, settings.batch_size,
                                                          settings.unit, full_parse=settings.full_parse)
            annotator.nlp  # noqa: B018 - load it now, once
        docs = [item for item in items if isinstance(item, Document)]
        done: dict[str, deque[Annotated | Skipped]] = {}  # by origin: `annotate` may name a skip early
        for result in annotator.annotate(docs):
            done.setdefault(result.origin if isinstance(result, Skipped) else result.document.origin,
                            deque()).append(result)
    return [item if isinstance(item, Skipped) else _light(done[item.origin].popleft()) for item in items]


def _light(result: Annotated | Skipped) -> Annotated | Skipped:
    """The result without the document's text, which the caller already has and never needs back."""
    if isinstance(result, Skipped):
        return result
    return replace(result, document=replace(result.document, text=""))


def tasks(items: Iterable[Item], size: int = TASK_DOCUMENTS) -> Iterator[list[Item]]:
    """Consecutive items, `size` documents a task (with the skipped items read among them)."""
    task: list[Item] = []
    documents = 0
    for item in items:
        task.append(item)
        if isinstance(item, Document):
            documents += 1
            if documents == size:
                yield task
                task, documents = [], 0
    if task:
        yield task


def in_order(task_list: Iterable[list[Item]], submit: Callable[[list[Item]], Pending],
             in_flight: int) -> Iterator[Annotated | Skipped]:
    """Submit tasks with at most `in_flight` unfinished, and yield their results in input order."""
    pending: deque[Pending] = deque()
    for task in task_list:
        if all(isinstance(item, Skipped) for item in task):
            pending.append(_Done(task))  # nothing for a worker to do
        else:
            pending.append(submit(task))
        while len(pending) > in_flight:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


class _Done:
    def __init__(self, results: list):
        self.results = results

    def result(self) -> list:
        return self.results


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the main process, which stops them: one message, not one traceback each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def annotate_in_pool(items: Iterable[Item], settings: Settings, workers: int,
                     here: Annotator) -> Iterator[Annotated | Skipped]:
    """Annotate on `workers` local processes, results in input order.

    A corpus that fits in one task is annotated by `here`, in this process: starting workers would cost
    more than they save. Processes are started with `spawn` (a fresh interpreter: no copy of a parent's threads
    or model state, as spaCy and its BLAS want).
    """
    task_list = tasks(items)
    first = next(task_list, None)
    if first is None:
        return
    second = next(task_list, None)
    if second is None:
        yield from here.annotate(first)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_ignore_interrupt)
    try:
        yield from in_order(chain([first, second], task_list),
                            lambda task: pool.submit(annotate_task, task, settings), workers * IN_FLIGHT)
    except BrokenProcessPool:
        raise QuotesError(f"a worker process died while annotating (killed, or out of memory?); run again with "
                          f"fewer --workers than {workers}; nothing was written") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
