"""CPU time per pipeline component, for `quotes bench`.

spaCy chains its components as generators: the time inside one component's
`pipe` includes pulling documents through the ones before it. Each component
is wrapped so that it is charged only its own time (its total minus what the
components it pulled from took), in CPU seconds (user + system, all threads),
which a busy shared machine disturbs far less than wall time.

The stance models are timed apart: the learned one (`time_learned_stance`) runs after the pipeline, in
`Annotator.annotate`, and the cue model (`timed_cue_model`) inside the quote attributor.
"""
from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager
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


# The stance models, which run outside spaCy's components or inside one: each charged on its own.
STANCE_ENCODER = "stance encoder"  # the learned model's encoder (tokenising, the transformer, pooling)
STANCE_HEAD = "stance head"  # the rest of the learned model's predict: the calibrated head, the probabilities
CUE_MODEL = "stance cue model"  # `cue_model.classify`, inside the quote attributor (taken out of its share)


def time_learned_stance(model, timer: ComponentTimer) -> None:
    """Charge a `LearnedStance`'s work (from `Annotator.annotate`'s `relabel`) to `timer`: the encoder to
    STANCE_ENCODER, the rest of `predict` to STANCE_HEAD. Wraps the instance's methods for good."""
    predict, features = model.predict, model.features
    model.features = lambda text, spans: timer.frame(STANCE_ENCODER, lambda: features(text, spans))
    model.predict = lambda text, spans: timer.frame(STANCE_HEAD, lambda: predict(text, spans))


@contextmanager
def timed_cue_model(timer: ComponentTimer):
    """While open, `cue_model.classify` (which the quote attributor calls for every quote) is charged to
    CUE_MODEL; the attributor's own figure then leaves it out."""
    from ..stance import cue_model

    classify = cue_model.classify
    cue_model.classify = lambda *args, **kwargs: timer.frame(CUE_MODEL, lambda: classify(*args, **kwargs))
    try:
        yield
    finally:
        cue_model.classify = classify
