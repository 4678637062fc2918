"""Annotate on a Dask cluster: a `LocalCluster` of our own, or the workers of a running scheduler.

The corpus is read here and cut into the same small tasks as for local worker
processes (`parallel.tasks`); each Dask worker keeps one supervised worker
process that loads the model once (`supervised.annotate_task_supervised`): a
document over its budget ends that process, comes back Skipped, and the Dask
worker starts another. The results come back in input order, a few tasks per
worker in flight. The speaker merge is a
reduce over the documents' name sets: they come back with the rows and are
added up by the caller, who maps the spellings once at the end, as for a run in
one process, so the rows are the same. The workers write no Parquet parts of
their own: the merge may respell a speaker in any row, and is known only once
every document's names are in, so the caller writes the rows after it.

Workers of an existing cluster need this package, the spaCy model and, with
--rules, the rules file at the same path.
"""
from __future__ import annotations

import logging
from typing import Iterable, Iterator

from ..errors import QuotesError
from ..tables.corpus import Item, Skipped
from .annotator import Annotated
from .budget import Budget
from .parallel import IN_FLIGHT, Settings, in_order, tasks
from .supervised import annotate_task_supervised

LOCAL = "local"
CONNECT_TIMEOUT = "10s"


def _local_config() -> dict:
    """Our own cluster's workers without Dask's MALLOC_TRIM_THRESHOLD_: set at all, it turns off glibc's
    adaptive thresholds, and every array spaCy allocates is mapped and unmapped again (on PolNeAR dev, ten
    times the page faults and a fifth more CPU time); and without the statistical profiler no one reads."""
    return {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,  # None: not set (Dask's way)
            "distributed.worker.profile.enabled": False}


def _client(address: str, workers: int):
    try:
        import dask
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise QuotesError("Dask is not installed; pip install 'dask[distributed]'") from None
    if address == LOCAL:
        with dask.config.set(_local_config()):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
        return Client(cluster), cluster
    try:
        return Client(address, timeout=CONNECT_TIMEOUT), None
    except (OSError, TimeoutError) as exc:
        raise QuotesError(f"--dask {address}: no Dask scheduler answers there ({type(exc).__name__}); start one "
                          "with `dask scheduler` and workers with `dask worker ADDRESS`, or leave out the address "
                          "for a local cluster") from None


def annotate_on_dask(items: Iterable[Item], settings: Settings, address: str, workers: int,
                     budget: Budget | None = None) -> Iterator[Annotated | Skipped]:
    """Each document's annotation, in input order, computed on the cluster at `address` (or a local one)."""
    from dask.distributed import KilledWorker

    client, cluster = _client(address, workers)
    try:
        size = len(client.scheduler_info().get("workers", {})) or workers
        budget = budget or Budget()
        yield from in_order(tasks(items), lambda task: client.submit(annotate_task_supervised, task, settings, budget,
                                                                     pure=False), size * IN_FLIGHT)
    except KilledWorker:
        raise QuotesError("Dask workers kept dying on a task (killed, or out of memory?); give the workers more "
                          "memory or run with fewer --workers; nothing was written") from None
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
