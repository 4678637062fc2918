"""Push documents with their predictions into a project, and pull the project's full export.

Push is idempotent and resumable: a task is keyed by its document id and the
hash of its text, the keys on the server are read before anything is added,
tasks go in batches, and a failed call is retried only after reading the keys
again. So a second push adds nothing, a changed document becomes a new task, a
push cut off halfway completes when run again, and a retry never adds a task
twice. Tasks that were already there get the prediction of a new rules version,
and the project's model version follows, so annotators see the newest predictions (unless the project is
connected to the live backend, whose title it keeps: `connect`).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import StudioError
from ..records import Quote
from ..tables.corpus import Document
from ..tables.output import atomic_write
from . import convert
from .adapter import Project, Studio, TaskInfo, Unavailable
from .labelconfig import check_label_config

RETRIES = 3
BACKOFF = 1.0  # seconds, doubled at each retry


@dataclass
class PushReport:
    project: Project
    created: bool = False
    config_updated: bool = False
    imported: int = 0
    present: int = 0
    predictions_added: int = 0
    duplicates_removed: int = 0

    def summary(self, url: str) -> str:
        parts = [f"{self.imported} task(s) imported", f"{self.present} already there"]
        if self.predictions_added:
            parts.append(f"{self.predictions_added} given the new prediction")
        if self.duplicates_removed:
            parts.append(f"{self.duplicates_removed} duplicate(s) from an earlier interrupted push removed")
        head = f"{'Created' if self.created else 'Project'} '{self.project.title}' (id {self.project.id}) at {url}"
        return f"{head}: " + ", ".join(parts) + f"; model version {self.project.model_version}"


@dataclass
class DocumentTask:
    """A document to push, with the task Label Studio will hold for it."""

    document: Document
    task: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return convert.task_key(self.task["data"])  # type: ignore[return-value]


def build_items(documents: Iterable[Document], quotes: Iterable[Quote], model_version: str) -> list[DocumentTask]:
    """One task per distinct document (same id and text only once), predictions attached.

    Two texts under one id would each get the other's quotes (regions past the end of a text) and an export
    would keep only one of them: refused (`corpus.read_corpus` makes ids unique before this)."""
    by_doc: dict[str, list[Quote]] = {}
    for q in quotes:
        by_doc.setdefault(q.doc_id, []).append(q)
    items: dict[tuple[str, str], DocumentTask] = {}
    first: dict[str, DocumentTask] = {}  # doc id -> its first task
    for doc in documents:
        task = {"data": convert.task_data(doc.doc_id, doc.text),
                "predictions": [convert.prediction(by_doc.get(doc.doc_id, []), model_version)]}
        item = DocumentTask(doc, task)
        earlier = first.setdefault(doc.doc_id, item)
        if earlier.key != item.key:
            raise StudioError(f"{doc.origin}: id '{doc.doc_id}' is also {earlier.document.origin}'s, with another "
                              "text; give every document its own id")
        items.setdefault(item.key, item)
    return list(items.values())


def _retrying(what: Callable[[], Any], recheck: Callable[[], bool] | None = None, retries: int = RETRIES) -> Any:
    """Run `what`; after a failure that may have reached the server, ask `recheck` whether it is done already."""
    delay = BACKOFF
    for attempt in range(retries + 1):
        try:
            return what()
        except Unavailable:
            if attempt == retries:
                raise
            time.sleep(delay)
            delay *= 2
            if recheck is not None and recheck():
                return None
    return None


def ensure_project(studio: Studio, title: str, label_config: str, model_version: str) -> tuple[Project, bool]:
    """The project named `title`, created with `label_config` when there is none."""
    def find() -> Project | None:
        found = studio.find_projects(title)
        if len(found) > 1:
            ids = ", ".join(str(p.id) for p in found)
            raise StudioError(f"{len(found)} projects are named '{title}' at {studio.url} (ids {ids}); "
                              "rename all but one in Label Studio")
        return found[0] if found else None

    project = _retrying(find)
    if project is not None:
        return project, False
    _retrying(lambda: studio.create_project(title, label_config, model_version), recheck=lambda: find() is not None)
    project = find()
    if project is None:
        raise StudioError(f"Label Studio at {studio.url} did not keep the new project '{title}'; try again")
    return project, True


def validate(studio: Studio, project: Project, items: Sequence[DocumentTask]) -> None:
    """Check every prediction against the project's labeling interface before anything is imported."""
    for item in items:
        for pred in item.task["predictions"]:
            errors = studio.prediction_errors(project.label_config, pred)
            if errors:
                raise StudioError(f"{item.document.origin}: the predictions do not fit the labeling interface of "
                                  f"project '{project.title}' at {studio.url} ({errors[0]}); update its labeling "
                                  "config from annotations/label_config.xml (`quotes studio config`)")


def push(studio: Studio, title: str, items: Sequence[DocumentTask], model_version: str, label_config: str,
         batch_size: int = 50, on_batch: Callable[[int], None] | None = None,
         stance_labels: Sequence[str] | None = None) -> PushReport:
    """Create the project if needed, import the tasks it lacks, give old tasks the new prediction.

    An existing project keeps its labeling config while it can carry our quotes
    (with `stance_labels` given: the rules' labels); otherwise `label_config` replaces it.
    """
    studio.whoami()
    project, created = ensure_project(studio, title, label_config, model_version)
    report = PushReport(project, created=created)
    if stance_labels is not None and not _carries(project.label_config, stance_labels):
        # the project's interface cannot hold our quotes (an older label set, a hand-made config): ours replaces it
        studio.update_project(project.id, label_config=label_config)
        project = studio.project(project.id)
        report.config_updated = True
    validate(studio, project, items)

    report.duplicates_removed = _remove_duplicates(studio, _retrying(lambda: studio.tasks(project.id)))
    present = _retrying(lambda: _keys(studio, project.id))
    todo = [it for it in items if it.key not in present]
    report.present = len(items) - len(todo)
    size = max(1, batch_size)
    for start in range(0, len(todo), size):
        batch = todo[start:start + size]
        _import_batch(studio, project.id, batch)
        report.imported += len(batch)
        if on_batch is not None:
            on_batch(report.imported)

    report.predictions_added = _add_new_predictions(studio, project.id, items, model_version)
    # a project connected to the live backend keeps its title as model version: the label stream asks the
    # backend only then (`quotes studio connect`)
    live = project.model_version and any(m.title == project.model_version for m in studio.ml_backends(project.id))
    if project.model_version != model_version and not live:
        _retrying(lambda: studio.update_project(project.id, model_version=model_version))
    report.project = studio.project(project.id)
    return report


def _import_batch(studio: Studio, project_id: int, batch: Sequence[DocumentTask]) -> None:
    """Import `batch`; after a failure, import only what the server does not hold yet."""
    pending = list(batch)
    for attempt in range(RETRIES + 1):
        try:
            studio.import_tasks(project_id, [it.task for it in pending])
            return
        except Unavailable:
            if attempt == RETRIES:
                raise
            time.sleep(BACKOFF * 2 ** attempt)
            keys = _retrying(lambda: _keys(studio, project_id))
            pending = [it for it in pending if it.key not in keys]
            if not pending:
                return


def _carries(xml: str, stance_labels: Sequence[str]) -> bool:
    try:
        check_label_config(xml, stance_labels, "project")
    except StudioError:
        return False
    return True


def _keys(studio: Studio, project_id: int) -> dict[tuple[str, str], int]:
    """Task key -> task id (the oldest, when an earlier interrupted push left two)."""
    keys: dict[tuple[str, str], int] = {}
    for t in sorted(studio.tasks(project_id), key=lambda t: t.id):
        key = convert.task_key(t.data)
        if key is not None:
            keys.setdefault(key, t.id)
    return keys


def _remove_duplicates(studio: Studio, tasks: Sequence[TaskInfo]) -> int:
    """Delete later copies of a task that nobody has touched (left by a retry the server had carried out)."""
    seen: set[tuple[str, str]] = set()
    removed = 0
    for t in sorted(tasks, key=lambda t: t.id):
        key = convert.task_key(t.data)
        if key is None:
            continue
        if key in seen and t.annotations == 0:
            _retrying(lambda t=t: studio.delete_task(t.id))
            removed += 1
        seen.add(key)
    return removed


def _add_new_predictions(studio: Studio, project_id: int, items: Sequence[DocumentTask], model_version: str) -> int:
    """Give tasks that predate this rules version its prediction (once: versions are read again on retry)."""
    keys = _retrying(lambda: _keys(studio, project_id))
    versions = _retrying(lambda: studio.prediction_versions(project_id))
    added = 0
    for item in items:
        task_id = keys.get(item.key)
        if task_id is None or model_version in versions.get(task_id, set()):
            continue
        pred = item.task["predictions"][0]
        _retrying(lambda: studio.add_prediction(task_id, pred),
                  recheck=lambda: model_version in studio.prediction_versions(project_id).get(task_id, set()))
        added += 1
    return added


def find_project(studio: Studio, title: str) -> Project:
    found = studio.find_projects(title)
    if not found:
        raise StudioError(f"no project named '{title}' at {studio.url}; check --project, or create it with "
                          f"`quotes push PATH --project '{title}'`")
    if len(found) > 1:
        raise StudioError(f"{len(found)} projects are named '{title}' at {studio.url}; rename all but one")
    return found[0]


def pull(studio: Studio, title: str, out: Path) -> tuple[int, int]:
    """Write the project's full JSON export to `out`; return (tasks, tasks with a completed annotation)."""
    studio.whoami()
    project = find_project(studio, title)
    tasks = studio.export_full(project.id)
    with atomic_write(out, newline=None) as fh:
        fh.write(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    done = sum(1 for t in tasks if convert.latest_completed(t.get("annotations") or []) is not None)
    return len(tasks), done
