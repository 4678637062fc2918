"""A run's warnings about its inputs: each one named, the many of one kind summed up in one line.

A corpus with thousands of empty files or broken records should not bury the
terminal: warnings about inputs (a skipped file or record, a renamed id,
recovered quote marks) are collected by kind and printed at the end, one line
per kind: the warning itself when it happened once, else

    Warning: skipped 12 empty files: a.txt, b.txt, c.txt and 9 more (--verbose lists all)

With `verbose` every warning is printed as it happens. Lines go out through
`tqdm.write`, which clears and redraws a progress bar on the same stream. Per
kind only a count and a few names are kept, so memory stays flat however many
inputs fail.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable

from ..tables.corpus import Skipped

SHOWN = 3  # names listed in a summary line


def write_line(line: str) -> None:
    """A line on stderr that does not tear a progress bar (tqdm clears the bar, writes, and redraws it)."""
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)
    sys.stderr.flush()


@dataclass
class _Kind:
    first: str  # the first warning in full, printed as it is when it stays the only one
    count: int = 0
    names: list[str] = field(default_factory=list)


class Warnings:
    """Collects the warnings of one run; `flush` prints what is collected, `count` is how many there were."""

    def __init__(self, verbose: bool = False, write: Callable[[str], None] = write_line):
        self.verbose = verbose
        self.write = write
        self.count = 0
        self._kinds: dict[tuple[str, str], _Kind] = {}

    def skipped(self, item: Skipped) -> None:
        what = item.kind or f"inputs ({_gist(item.reason)})"
        self.add(("skipped", what), item.origin, f"skipped {item}")

    def renamed(self, origin: str, note: str) -> None:
        self.add(("renamed", "documents whose id another document had"), origin, f"{origin}: {note}")

    def recovered(self, origin: str, quotes: int) -> None:
        self.add(("recovered unbalanced or mismatched quote marks in", "documents"), origin,
                 f"{origin}: {quotes} quote(s) with unbalanced or mismatched marks, recovered at their paragraph's "
                 "end; check those rows")

    def now(self, message: str) -> None:
        """A warning about the run, not about one input: printed at once."""
        self.count += 1
        self.write(f"Warning: {message}")

    def add(self, kind: tuple[str, str], name: str, message: str) -> None:
        """One warning about the input `name`; `kind` is (verb, plural noun): "skipped", "empty files"."""
        self.count += 1
        if self.verbose:
            self.write(f"Warning: {message}")
            return
        entry = self._kinds.setdefault(kind, _Kind(message))
        entry.count += 1
        if len(entry.names) < SHOWN:
            entry.names.append(name)

    def lines(self) -> list[str]:
        """The collected warnings, one line per kind, in the order the kinds first came."""
        out = []
        for (verb, noun), entry in self._kinds.items():
            if entry.count == 1:
                out.append(f"Warning: {entry.first}")
                continue
            more = entry.count - len(entry.names)
            names = ", ".join(entry.names) + (f" and {more} more" if more else "")
            out.append(f"Warning: {verb} {entry.count} {noun}: {names} "
                       + ("(--verbose lists all)" if more else "(--verbose gives each in full)"))
        return out

    def flush(self) -> None:
        for line in self.lines():
            self.write(line)
        self._kinds.clear()


def _gist(reason: str) -> str:
    """What a reason says without its advice: "longer than 1,000 characters; split it" -> "longer than 1,000
    characters"."""
    return reason.split(";", 1)[0].strip()
