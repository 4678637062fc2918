"""Documents annotated in other processes, results handed back in the order the documents were read.

The corpus is cut into small tasks of consecutive items (`TASK_DOCUMENTS`
documents each, with the skipped items between them); each worker process
loads the model once (a supervised `child`, or `annotate_task`, which keeps one
`Annotator` per process, for the bench's pools) and sends back every document's
quotes and names, never its text. At most a few
tasks per worker are in flight, and results are yielded task by task in input
order, so memory stays bounded however long the corpus and the rows come out
as one process writes them. The cross-document speaker merge is not done
here: the caller adds each document's names, as for a run in one process.

The same ordered, bounded loop serves local supervised workers
(`annotate_in_pool`, `supervised`) and a Dask cluster (`dask_run`): both hand
back futures with `.result()`.
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Protocol

from ..tables.corpus import Document, Item, Skipped
from .annotator import Annotated, Annotator
from .budget import Budget
from .supervised import SupervisedPool

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
    stance: str = "model"


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
                                                          settings.unit, full_parse=settings.full_parse,
                                                          stance=settings.stance)
            annotator.nlp  # noqa: B018 - load it now, once
        docs = [item for item in items if isinstance(item, Document)]
        done: dict[str, deque[Annotated | Skipped]] = {}  # by origin: `annotate` may name a skip early
        for result in annotator.annotate(docs):
            done.setdefault(result.origin if isinstance(result, Skipped) else result.document.origin,
                            deque()).append(result)
    return [item if isinstance(item, Skipped) else light(done[item.origin].popleft()) for item in items]


def light(result: Annotated | Skipped) -> Annotated | Skipped:
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


def annotate_in_pool(items: Iterable[Item], settings: Settings, workers: int,
                     budget: Budget | None = None) -> Iterator[Annotated | Skipped]:
    """Annotate on `workers` supervised worker processes, results in input order.

    Every document runs in a worker, also with one worker: a document over its `budget` (CPU, memory) ends
    its worker, comes back Skipped with the budget it broke, and a fresh worker takes the next task
    (`supervised`). Workers are fresh interpreters (no copy of a parent's threads or model state, as spaCy
    and its BLAS want).
    """
    pool = SupervisedPool(settings, budget or Budget(), workers)
    try:
        yield from in_order(tasks(items), pool.submit, workers * IN_FLIGHT)
    finally:
        pool.close()
