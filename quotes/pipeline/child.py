"""A worker process that annotates documents for a supervisor watching its budget (`supervised`).

Started as `python -m quotes.pipeline.child FD`, FD being its end of a socket
pair: it reads the run's `Settings`, loads the model once, says it is ready,
then annotates each task it is sent and sends back each document's result as
soon as it has it, so that the supervisor knows which documents are still
running when a budget breaks. It ends when the socket closes. Any error that
escapes the annotator (a MemoryError above all: no process can safely go on
after one) is reported in one line and ends the worker; the supervisor names
the document and starts another.
"""
from __future__ import annotations

import os
import signal
import sys
from multiprocessing.connection import Connection

WARM_UP = "“We will win,” Jo Park said."


def serve(conn: Connection) -> int:
    settings = conn.recv()
    try:
        from .annotator import Annotator
        from .parallel import light

        annotator = Annotator(settings.rules, settings.model, settings.batch_size, settings.unit,
                              full_parse=settings.full_parse, stance=settings.stance)
        annotator.annotate_text(WARM_UP)  # the model, the rules and their caches, loaded before any budget
    except Exception as exc:  # noqa: BLE001 - the supervisor turns it into the run's one-line error
        conn.send(("error", str(exc) or type(exc).__name__))
        return 1
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return 0
        if task is None:
            return 0
        try:
            for result in annotator.annotate(task):
                conn.send(("result", light(result)))
        except BaseException as exc:  # noqa: BLE001 - MemoryError above all: end, and be replaced
            conn.send(("fatal", type(exc).__name__ + (f": {exc}" if str(exc) else "")))
            return 3
        conn.send(("done", None))


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle: it stops us
    conn = Connection(int(argv[1]))
    try:
        return serve(conn)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        return 0  # the supervisor is gone: nothing to report to
    finally:
        conn.close()


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stdout.flush()
    os._exit(code)  # no interpreter teardown: spaCy's and BLAS's threads need not be joined
