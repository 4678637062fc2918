"""Documents annotated in worker processes watched from outside: one document never costs the run.

Each worker (`child`) loads the model once and annotates tasks of a few
documents, sending each document's result as soon as it has it. Its supervisor,
here, waits for those results and meanwhile reads the worker's CPU time and
resident memory (`budget`): a document that takes more CPU than the budget
since the previous result, or grows the worker's memory by more than it, ends
the worker (SIGKILL: nothing in it can be trusted to stop), and so does a worker
that dies on its own (the operating system's OOM killer, a crash). The
documents of the task that had not come back are then run again one at a time
on a fresh worker, so that the one that breaks the budget is named exactly and
skipped, with the budget it broke, and every other keeps its rows.

`SupervisedPool` runs N supervisors, one thread each (the threads only wait on
sockets; the work is in the workers), behind the `submit(task) -> future`
that `parallel.in_order` hands its results back in input order with.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import QuotesError
from ..tables.corpus import Document, Item, Skipped
from .annotator import Annotated
from .budget import Budget, usage

POLL_SECONDS = 0.05  # how often a running worker's counts are read: 20 reads a second cost nothing


@dataclass(frozen=True)
class _Broken:
    """Why a worker was stopped (or stopped on its own) while documents were running."""

    reason: str
    kind: str  # the documents skipped for it, in the plural, so that a run counts them by kind

    def skip(self, doc: Document) -> Skipped:
        return Skipped(doc.origin, self.reason, self.kind)


class Supervisor:
    """One worker process, started on demand and replaced when a document breaks its budget."""

    def __init__(self, settings, budget: Budget, stopped: threading.Event | None = None):
        self.settings = settings
        self.budget = budget
        self.stopped = stopped or threading.Event()  # set when the run ends early: start no worker then
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self.busy = False

    # -- the worker's life --------------------------------------------------------

    def _start(self) -> None:
        if self.stopped.is_set():
            raise QuotesError("the run was stopped")
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])  # the worker imports this very package
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        try:
            self._proc = subprocess.Popen([sys.executable, "-m", "quotes.pipeline.child", str(theirs.fileno())],
                                          pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL)  # with -o - standard output is the table
        finally:
            theirs.close()
        self._conn = Connection(ours.detach())
        self._conn.send(self.settings)
        message = self._receive_unwatched()
        if message is None or message[0] != "ready":
            detail = message[1] if message else f"it ended with status {self._proc.wait()}"
            self.close()
            raise QuotesError(f"a worker process could not start: {detail}")

    def _receive_unwatched(self) -> tuple | None:
        """The next message of a worker that is loading its model: no budget yet, only whether it lives."""
        assert self._conn is not None and self._proc is not None
        while not self._conn.poll(POLL_SECONDS):
            if self._proc.poll() is not None and not self._conn.poll(0):
                return None
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            return None

    def _kill(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def close(self) -> None:
        """End the worker: politely when it is idle, at once otherwise."""
        if self._conn is not None and self._proc is not None and self._proc.poll() is None:
            try:
                self._conn.send(None)
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()

    # -- tasks --------------------------------------------------------------------

    def run(self, task: list[Item]) -> list[Annotated | Skipped]:
        """Each item's result, in the order given; a document over budget comes back Skipped, naming it."""
        docs = [item for item in task if isinstance(item, Document)]
        done: dict[str, deque] = {}
        unfinished, broken = self._attempt(docs, done)
        if broken is not None:
            if len(docs) > 1:
                # several were running: each again alone, on a fresh worker, to name the one at fault
                for doc in unfinished:
                    rest, alone = self._attempt([doc], done)
                    if alone is not None:
                        done.setdefault(doc.origin, deque()).append(alone.skip(doc))
            else:
                for doc in unfinished:
                    done.setdefault(doc.origin, deque()).append(broken.skip(doc))
        return [item if isinstance(item, Skipped) else _result(done, item) for item in task]

    def _attempt(self, docs: list[Document], done: dict[str, deque]) -> tuple[list[Document], _Broken | None]:
        """Run `docs` on the worker, watching the budget; the documents that did not come back, and why."""
        if not docs:
            return [], None
        if self._proc is None:
            self._start()
        assert self._conn is not None and self._proc is not None
        self.busy = True
        try:
            return self._watch(docs, done)
        finally:
            self.busy = False

    def _watch(self, docs: list[Document], done: dict[str, deque]) -> tuple[list[Document], _Broken | None]:
        assert self._conn is not None and self._proc is not None
        waiting: dict[str, int] = {}
        for doc in docs:
            waiting[doc.origin] = waiting.get(doc.origin, 0) + 1
        self._conn.send(docs)
        start = usage(self._proc.pid)
        while True:
            message, now = self._next(start)
            if isinstance(message, _Broken):
                self._kill()
                left = [d for d in docs if waiting.get(d.origin, 0) > 0]
                return left, message
            kind, payload = message
            if kind == "done":
                return [], None
            if kind == "fatal":
                self._kill()
                left = [d for d in docs if waiting.get(d.origin, 0) > 0]
                return left, _Broken(f"the worker failed on it ({payload})", "documents a worker failed on")
            origin = payload.origin if isinstance(payload, Skipped) else payload.document.origin
            done.setdefault(origin, deque()).append(payload)
            waiting[origin] = waiting.get(origin, 1) - 1
            start = now  # the next document's budget starts here

    def _next(self, start):
        """The worker's next message, or why it was stopped; and its counts when the message came."""
        assert self._conn is not None and self._proc is not None
        pid, budget = self._proc.pid, self.budget
        while not self._conn.poll(POLL_SECONDS):
            now = usage(pid)
            if self._proc.poll() is not None or now is None:
                if self._conn.poll(0):
                    break
                return _death(self._proc.wait(), budget), None
            if start is None:
                continue
            if now.cpu_seconds - start.cpu_seconds > budget.cpu_seconds:
                return _Broken(f"took more than its budget of {budget.cpu_seconds:g} s of CPU (--doc-cpu)",
                               "documents over their CPU budget"), None
            if now.resident_mb - start.resident_mb > budget.memory_mb:
                return _Broken(f"took more than its budget of {budget.memory_mb:,.0f} MB of memory (--doc-memory)",
                               "documents over their memory budget"), None
        try:
            message = self._conn.recv()
        except (EOFError, OSError):
            return _death(self._proc.wait(), budget), None
        return message, usage(pid)


def _result(done: dict[str, deque], doc: Document) -> Annotated | Skipped:
    """The document's result; a worker that said it was done without one (never seen) skips it, named."""
    results = done.get(doc.origin)
    if results:
        return results.popleft()
    return Skipped(doc.origin, "its worker sent no result for it", "documents whose worker sent no result")


def _death(status: int, budget: Budget) -> _Broken:
    if status == -signal.SIGKILL:
        return _Broken("its worker was killed while annotating it (out of memory? the system's, since the "
                       f"budget of {budget.memory_mb:,.0f} MB, --doc-memory, was not reached)",
                       "documents whose worker was killed")
    how = f"signal {-status}" if status < 0 else f"status {status}"
    return _Broken(f"its worker died while annotating it ({how})", "documents whose worker died")


class SupervisedPool:
    """`workers` supervised worker processes; `submit(task)` gives a future of the task's results."""

    def __init__(self, settings, budget: Budget, workers: int):
        self.settings = settings
        self.budget = budget
        self._local = threading.local()
        self._stopped = threading.Event()
        self._supervisors: list[Supervisor] = []
        self._lock = threading.Lock()
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="supervisor")

    def _supervisor(self) -> Supervisor:
        sup = getattr(self._local, "supervisor", None)
        if sup is None:
            sup = self._local.supervisor = Supervisor(self.settings, self.budget, self._stopped)
            with self._lock:
                self._supervisors.append(sup)
        return sup

    def submit(self, task: list[Item]) -> Future:
        return self._threads.submit(lambda: self._supervisor().run(task))

    def close(self) -> None:
        """Stop every worker: the idle ones politely, the busy ones (a run that ended early) at once."""
        self._stopped.set()
        self._threads.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            busy = [sup for sup in self._supervisors if sup.busy]
            for sup in busy:
                sup._kill()
        self._threads.shutdown(wait=True)
        for sup in self._supervisors:
            sup.close()


_supervisors: dict[tuple, Supervisor] = {}
_supervisors_lock = threading.Lock()


def annotate_task_supervised(items: list[Item], settings, budget: Budget) -> list:
    """One task in a process that keeps one supervised worker (a Dask worker): the worker is started on
    the first task and replaced whenever a document breaks its budget."""
    with _supervisors_lock:
        sup = _supervisors.get((settings, budget))
        if sup is None:
            sup = _supervisors[(settings, budget)] = Supervisor(settings, budget)
        return sup.run(items)
