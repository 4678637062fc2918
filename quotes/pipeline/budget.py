"""What one document may cost a worker: CPU seconds and growth of resident memory, read from outside.

A process cannot safely go on after a MemoryError, and a thread cannot stop a
computation inside spaCy, so the budget is watched by the process that started
the worker (`supervised`), from the kernel's own counts in /proc: the worker's
CPU time (user + system, all its threads) and its resident set. A document
over either is stopped by ending its worker.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

CPU_SECONDS = 60.0  # a news article takes well under a second; a hostile one is stopped a minute in
MEMORY_MB = 1024  # the model and rules take about 400 MB; a worker stays under 1.5 GB whatever the text

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Budget:
    """The most one document may take: `cpu_seconds` of CPU, `memory_mb` more resident memory than the
    worker held when the document began."""

    cpu_seconds: float = CPU_SECONDS
    memory_mb: float = MEMORY_MB

    def describe(self) -> str:
        return f"{self.cpu_seconds:g} s of CPU and {self.memory_mb:,.0f} MB of memory"


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    resident_mb: float


def usage(pid: int) -> Usage | None:
    """A process's CPU time and resident memory now; None when it is gone (or this is not Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        with open(f"/proc/{pid}/statm", "rb") as fh:
            statm = fh.read()
    except OSError:
        return None
    # the command name (2nd field) is in parentheses and may hold spaces: count fields after its end
    fields = stat[stat.rindex(b")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])
    return Usage((utime + stime) / _TICKS, int(statm.split()[1]) * _PAGE / 2**20)


def watchable() -> bool:
    """Whether budgets can be watched here: the kernel's per-process counts are readable."""
    return usage(os.getpid()) is not None
