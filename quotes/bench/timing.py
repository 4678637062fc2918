"""CPU time per pipeline component, for `quotes bench`.

spaCy chains its components as generators: the time inside one component's
`pipe` includes pulling documents through the ones before it. Each component
is wrapped so that it is charged only its own time (its total minus what the
components it pulled from took), in CPU seconds (user + system, all threads),
which a busy shared machine disturbs far less than wall time.
"""
from __future__ import annotations

import time
from collections import defaultdict
from typing import Iterator

from spacy.language import Language

INPUT = "(tokenizer)"  # making the Docs, when spaCy makes them (`nlp.pipe` of texts)


class ComponentTimer:
    """CPU seconds per component name of a pipeline `wrap_pipeline` has wrapped; `reset` zeroes them."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self._children: list[float] = []  # per open frame: CPU time spent in the frames it opened

    def reset(self) -> None:
        self.seconds.clear()

    def frame(self, name: str, call):
        """call(), its CPU time charged to `name` less the time of the frames it opened."""
        self._children.append(0.0)
        start = time.process_time()
        try:
            return call()
        finally:
            spent = time.process_time() - start
            inner = self._children.pop()
            self.seconds[name] += spent - inner
            if self._children:
                self._children[-1] += spent

    def timed(self, name: str, items) -> Iterator:
        """The items of an iterator, the time of producing each one charged to `name`."""
        items = iter(items)
        while True:
            try:
                item = self.frame(name, lambda: next(items))
            except StopIteration:
                return
            yield item


class _Timed:
    """A component in its pipeline slot, timed; everything else is the component's own."""

    def __init__(self, name: str, proc, timer: ComponentTimer):
        self._name, self._proc, self._timer = name, proc, timer
        if hasattr(proc, "pipe"):
            self.pipe = self._pipe

    def __call__(self, doc):
        return self._timer.frame(self._name, lambda: self._proc(doc))

    def _pipe(self, docs, **kwargs) -> Iterator:
        return self._timer.timed(self._name, self._proc.pipe(self._timer.timed(INPUT, docs), **kwargs))

    def __getattr__(self, attr: str):
        return getattr(self._proc, attr)


def wrap_pipeline(nlp: Language) -> ComponentTimer:
    """Time every component of `nlp` from now on (a pipeline kept for benchmarking: `get_pipe` then
    gives the timed wrapper, which passes everything else through)."""
    timer = ComponentTimer()
    nlp._components = [(name, _Timed(name, proc, timer)) for name, proc in nlp._components]
    return timer
