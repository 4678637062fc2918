"""What the live backend predicts with: the model loaded once, the rules version in use, predictions checked.

The spaCy pipeline loads when the backend starts (Label Studio calls /health and /setup before nearly every
request, with timeouts of 1 and 3 seconds: nothing slow may happen there). The rules are those the model
folder (`versions`) has in use; when learning puts another version in use, the next request swaps them into
the loaded pipeline, which is cheap. One document at a time goes through the pipeline (a lock): spaCy's
objects are not made for threads, and each request is short.

A task becomes one prediction, `convert.prediction` as `quotes push` makes it: the same regions, the same
`model_version` (the rules version) and the same task score (the least certain quote's confidence). Every
prediction is checked against the project's labeling interface first, with the SDK's own validator (through
the adapter): Label Studio refuses to open a task whose stored prediction does not validate, so a task whose
prediction would not fit gets none (an entry without `result`, which Label Studio skips), with the reason.
"""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any, Mapping, Sequence

from ..errors import StudioError
from ..pipeline.annotator import ATTRIBUTOR, Annotated, Annotator
from ..rules import Rules
from ..tables.corpus import Document
from . import convert
from .adapter import Studio
from .labelconfig import TEXT, check_label_config, stance_labels
from .versions import InUse, ModelStore

log = logging.getLogger("quotes.studio.model")


def task_doc_id(task: Mapping[str, Any], project: int | None = None) -> str:
    """The document id of a task: the one `quotes push` gave it, else `task-ID` (`p-PROJECT-task-ID` when the
    project is known, so that tasks of two projects never share one)."""
    data = task.get("data") or {}
    if data.get("doc_id") not in (None, ""):
        return str(data["doc_id"])
    return f"p{project}-task-{task.get('id')}" if project is not None else f"task-{task.get('id')}"


@lru_cache(maxsize=8)
def _config_problem(label_config: str, labels: tuple[str, ...]) -> str | None:
    try:
        check_label_config(label_config, labels, "the project")
    except StudioError as exc:
        return str(exc)
    return None


class LiveModel:
    def __init__(self, store: ModelStore, model: str | None = None, unit: str = "segment"):
        self.store = store
        self._lock = threading.Lock()
        self._in_use: InUse = store.in_use()
        self.annotator = Annotator(store.load_current(), model, unit=unit)
        self.annotator.nlp  # noqa: B018 - load the pipeline now, not in the first request

    @property
    def rules(self) -> Rules:
        return self.annotator.rules

    def version(self) -> str:
        """The rules version in use (swapped in first if learning put another in use)."""
        self._refresh()
        return self.rules.version

    def _refresh(self) -> None:
        try:
            now = self.store.in_use()
        except StudioError as exc:  # a folder someone broke: go on with what is loaded, and say so
            log.warning("%s", exc)
            return
        if now.stamp == self._in_use.stamp and now.version == self._in_use.version:
            return
        rules = self.store.load_current()
        with self._lock:
            self.annotator.rules = rules
            self.annotator.nlp.get_pipe(ATTRIBUTOR).set_rules(rules)
            self._in_use = now
        log.info("rules version %s in use", rules.version)

    def predict(self, tasks: Sequence[Mapping[str, Any]], label_config: str, project: int | None = None
                ) -> list[dict[str, Any]]:
        """One entry per task, in order: a prediction, or {"error": why} (no `result`: Label Studio skips it)."""
        self._refresh()
        labels = tuple(stance_labels(self.rules))
        problem = _config_problem(label_config, labels) if label_config else None
        if problem:
            return [{"error": problem} for _ in tasks]
        docs: list[Document | None] = []
        out: list[dict[str, Any] | None] = []
        for task in tasks:
            text = (task.get("data") or {}).get(TEXT) if isinstance(task, Mapping) else None
            if not isinstance(text, str) or not text.strip():
                docs.append(None)
                out.append({"error": f"task {task.get('id') if isinstance(task, Mapping) else '?'} has no "
                                     f"'{TEXT}' to annotate"})
                continue
            docs.append(Document(task_doc_id(task, project), text, f"task {len(docs)}"))  # origin: its place
            out.append(None)
        with self._lock:
            version = self.rules.version
            # a document skipped (too long, an error) may come out before one read earlier: placed by origin
            for result in self.annotator.annotate([d for d in docs if d is not None]):
                if isinstance(result, Annotated):
                    out[int(result.document.origin.split()[1])] = convert.prediction(result.quotes, version)
                else:
                    out[int(result.origin.split()[1])] = {"error": result.reason}
        for i, pred in enumerate(out):
            if pred is not None and "result" in pred and label_config:
                errors = Studio.prediction_errors(label_config, pred)
                if errors:
                    out[i] = {"error": f"the prediction does not fit the labeling interface: {errors[0]}"}
        return [p or {"error": "not annotated"} for p in out]
