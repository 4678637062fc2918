"""Learning on submit, for the live backend (`quotes studio serve-model`): the `Learner` it is given.

The backend hands every event over at once (Label Studio waits at most a second for a webhook) and this
module does the work in one background thread, in order:

- a submitted or updated annotation joins its project's corrections (`MODEL_DIR/corrections/ID.json`, in the
  format `quotes pull` writes); a skipped one is kept but teaches nothing; a deleted one goes;
- when `every` corrected tasks (10 by default) are new or changed since the last learning, or on Label
  Studio's "Start training" (which sends no annotations: the project's export is fetched first), the rules
  are learned again: the same call as `quotes learn` (`gate.relearn`: every part of the rules, from all the
  corrections, gated by cross-validation by document), from the base rules the folder started with, so that
  a version is what `quotes learn MODEL_DIR/corrections/*.json --rules MODEL_DIR/rules/BASE.yaml` writes, and
  evidence is never counted twice. Learning runs in a child process (`python -m quotes.learning.live`):
  predictions go on meanwhile with the version in use, and a learning that crashes or is killed leaves it in
  use (`studio.versions` writes a version whole before it is put in use). A new version is put in use only
  when the gate finds it no worse, as `quotes learn` decides; every attempt is kept with its figures;
- Label Studio does not resend a webhook the backend missed: when the backend starts, and when Label Studio
  first calls /setup for a project after that, the project's export is fetched through the SDK and its
  corrections taken from there;
- the Data Manager's score counts only predictions of the backend's version: after a new version is put in
  use (and when a project is first seen), the tasks nobody annotated are predicted again, a few at a time,
  through Label Studio's "Retrieve predictions" (`rescore`), so that least certain first stays true.
"""
from __future__ import annotations

import argparse
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from typing import Any

from ..errors import QuotesError, StudioError
from ..studio.adapter import Studio
from ..studio.convert import latest_completed
from ..studio.model import task_doc_id
from ..studio.server import process_alive
from ..studio.settings import ENV_URL, Connection, client_connection
from ..studio.versions import ModelStore, now
from .corrections import load_corrections
from .gate import relearn, stamp
from .workbench import Workbench

log = logging.getLogger("quotes.learning.live")

EVERY = 10  # corrected tasks between two learnings
RESCORE_BATCH = 10  # tasks per "Retrieve predictions": one /predict each, well inside Label Studio's 100 s
KEEP = ("id", "result", "was_cancelled", "ground_truth", "created_at", "updated_at", "completed_by", "prediction",
        "parent_prediction", "lead_time")  # what a correction keeps of an annotation


def signature(task: dict) -> str | None:
    """Which submitted annotation a task's correction is: its id and when it was last saved."""
    done = latest_completed(task.get("annotations") or [])
    if done is None:
        return None
    return f"{done.get('id')}@{done.get('updated_at') or done.get('created_at') or ''}"


def _correction(task: dict, project: int) -> dict:
    """A task as the corrections keep it: its data with a document id, its annotations and predictions."""
    data = dict(task.get("data") or {})
    data["doc_id"] = task_doc_id(task, project)
    return {"id": task.get("id"), "data": data,
            "annotations": [{k: a[k] for k in KEEP if k in a} for a in task.get("annotations") or []
                            if isinstance(a, dict)],
            "predictions": [p for p in task.get("predictions") or [] if isinstance(p, dict)]}


class LiveLearner:
    def __init__(self, store: ModelStore, model: str | None = None, every: int = EVERY, folds: int = 5,
                 rescore: bool = True):
        self.store = store
        self.model = model
        self.every = every
        self.folds = folds
        self.rescore_after = rescore
        self._queue: queue.Queue = queue.Queue()
        self._hosts: dict[int, tuple[str, str]] = {}  # project -> (hostname, access token) from /setup
        self._fetched: set[int] = set()  # projects whose export was read since the backend started
        self._asked: set[int] = set()  # projects whose fetch is queued
        self._lock = threading.Lock()
        self._jobs = 0
        self._child: subprocess.Popen | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="quotes-learning", daemon=True)
        self.idle = threading.Event()  # set while nothing is queued or running (for tests and shutdown)
        self.idle.set()

    # -- the Learner the backend calls: each returns at once -------------------

    def setup(self, project: int, hostname: str | None, access_token: str | None) -> None:
        if hostname and access_token:
            self._hosts[project] = (hostname.rstrip("/"), access_token)
        self._ask_fetch(project)

    def submitted(self, project: int, task: dict, annotation: dict) -> None:
        self._put(("submitted", project, task, annotation))

    def deleted(self, project: int, annotation_ids: list[int]) -> None:
        self._put(("deleted", project, annotation_ids))

    def train(self, project: int) -> str:
        self._jobs += 1
        job = f"train-{int(time.time())}-{self._jobs}"
        self._put(("train", project, job))
        return job

    def _ask_fetch(self, project: int) -> None:
        """Fetch the project's export once after the backend starts: again at the next /setup if it failed
        (Label Studio was down)."""
        with self._lock:
            if project in self._fetched or project in self._asked:
                return
            self._asked.add(project)
        self._put(("fetch", project))

    # -- life cycle ------------------------------------------------------------

    def start(self) -> None:
        """Note a learning a crash cut off, fetch the projects the folder knows, and start working."""
        self._recover()
        for project in self.store.projects():
            self._ask_fetch(project)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the event at hand (what is queued behind it is dropped: the corrections it would have
        added are fetched from Label Studio at the next start); a learning under way is ended."""
        self._stopping = True
        self._queue.put(None)
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()  # its attempt is noted as failed; the version in use stays
        self._thread.join(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Whether everything queued was done within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle.wait(0.2) and self._queue.unfinished_tasks == 0:
                return True
        return False

    def _put(self, item: tuple) -> None:
        self.idle.clear()
        self._queue.put(item)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                if not self._stopping:
                    self._handle(item)
            except Exception:  # noqa: BLE001 - the loop outlives any one event
                log.exception("learning: %s failed", item[0])
            finally:
                self._queue.task_done()
                if self._queue.unfinished_tasks == 0:
                    self.idle.set()

    def _handle(self, item: tuple) -> None:
        kind, project = item[0], item[1]
        if kind == "submitted":
            self._add(project, item[2], item[3])
            self._learn_if_due()
        elif kind == "deleted":
            self._remove(project, set(item[2]))
        elif kind == "fetch":
            with self._lock:
                self._asked.discard(project)
            tasks = self._fetch(project)
            if tasks is not None:
                self._learn_if_due()
                if self.rescore_after:
                    self._rescore(project, tasks)
        elif kind == "train":
            self._fetch(project)  # Label Studio sends no annotations with START_TRAINING
            self._learn(f"Start training in Label Studio (project {project})", item[2])

    # -- corrections -------------------------------------------------------------

    def _add(self, project: int, task: dict, annotation: dict) -> None:
        tasks = {int(t["id"]): t for t in self.store.corrections(project)}
        entry = tasks.get(int(task["id"])) or _correction({**task, "annotations": []}, project)
        entry["data"] = _correction(task, project)["data"]
        kept = {a.get("id"): a for a in entry.get("annotations") or []}
        kept[annotation["id"]] = {k: annotation[k] for k in KEEP if k in annotation}
        entry["annotations"] = sorted(kept.values(), key=lambda a: int(a.get("id") or 0))
        tasks[int(task["id"])] = entry
        self.store.save_corrections(project, tasks.values())

    def _remove(self, project: int, ids: set[int]) -> None:
        tasks = []
        for t in self.store.corrections(project):
            t["annotations"] = [a for a in t.get("annotations") or [] if a.get("id") not in ids]
            if t["annotations"]:
                tasks.append(t)
        self.store.save_corrections(project, tasks)

    def _studio(self, project: int) -> Studio | None:
        """Label Studio as LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY say, else as its /setup said, else the
        local server; None when there is no token (the reason is logged, never the token)."""
        try:
            if not os.environ.get(ENV_URL) and project in self._hosts:
                host, token = self._hosts[project]
                return Studio(Connection(host, token))
            return Studio(client_connection())
        except StudioError as exc:
            log.warning("cannot reach Label Studio for project %s: %s", project, exc)
            return None

    def _fetch(self, project: int) -> list[dict] | None:
        """The project's export; its annotated tasks become the project's corrections (Label Studio's word
        wins over the webhooks seen, which may have missed some)."""
        studio = self._studio(project)
        if studio is None:
            return None
        try:
            tasks = studio.export_full(project)
        except StudioError as exc:
            log.warning("could not fetch project %s's annotations: %s", project, exc)
            return None
        with self._lock:
            self._fetched.add(project)
        annotated = [_correction(t, project) for t in tasks if isinstance(t, dict) and t.get("annotations")]
        before = {int(t["id"]): signature(t) for t in self.store.corrections(project)}
        self.store.save_corrections(project, annotated)
        missed = sum(1 for t in annotated if signature(t) and before.get(int(t["id"])) != signature(t))
        log.info("project %s: %d corrected task(s) in Label Studio, %d not seen by webhook", project,
                 sum(1 for t in annotated if signature(t)), missed)
        return tasks

    def signatures(self) -> dict[str, dict[str, str]]:
        return {str(p): {str(t["id"]): s for t in self.store.corrections(p) if (s := signature(t))}
                for p in self.store.projects()}

    def pending(self) -> int:
        """Corrected tasks new or changed (or no longer corrected) since the last learning read them."""
        now_, seen = self.signatures(), self.store.seen()
        return sum(1 for p in set(now_) | set(seen)
                   for t in set(now_.get(p, {})) | set(seen.get(p, {}))
                   if now_.get(p, {}).get(t) != seen.get(p, {}).get(t))

    # -- learning ------------------------------------------------------------------

    def _learn_if_due(self) -> None:
        pending = self.pending()
        if pending >= self.every:
            self._jobs += 1
            self._learn(f"{pending} corrected task(s) since the last learning", f"auto-{self._jobs}")

    def _learn(self, trigger: str, job: str) -> None:
        self._wait_for_orphan()
        snapshot = self.signatures()
        before = self.store.in_use().version
        cmd = [sys.executable, "-m", "quotes.learning.live", str(self.store.root), "--folds", str(self.folds),
               "--trigger", trigger, "--job", job] + (["--model", self.model] if self.model else [])
        log.info("learning (%s); version in use %s", trigger, before)
        started = time.monotonic()
        self._child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        code = self._child.wait()
        self._child = None
        self.store.save_seen(snapshot)  # these corrections were read, whatever came of it
        if code not in (0, 2):  # 2: the job noted its own failure
            self.store.end_job()
            why = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
            self.store.append_history({"status": "failed", "job": job, "trigger": trigger, "error": why,
                                       "replaces": before, "finished": now()})
        after = self.store.in_use().version
        log.info("learning %s: %s in %.0f s; version in use %s", job, "done" if code == 0 else "failed",
                 time.monotonic() - started, after)
        if after != before and self.rescore_after:
            for project in sorted(set(self.store.projects()) | self._fetched):
                self._rescore(project)

    def _recover(self) -> None:
        job = self.store.job()
        if job and not process_alive(int(job.get("pid") or 0)):
            self.store.end_job()
            self.store.append_history({"status": "failed", "job": job.get("id"), "trigger": job.get("trigger"),
                                       "error": "cut off: its process is gone (the backend or it was killed)",
                                       "finished": now()})

    def _wait_for_orphan(self) -> None:
        """A learning started by an earlier backend that is still running: wait for it, then note its end."""
        while (job := self.store.job()) and process_alive(int(job.get("pid") or 0)):
            time.sleep(1)
        self._recover()

    # -- keeping the Data Manager's score current ---------------------------------

    def _rescore(self, project: int, tasks: list[dict] | None = None) -> None:
        """Ask Label Studio to predict, with the version in use, the tasks nobody annotated that lack its
        prediction, a few at a time."""
        studio = self._studio(project)
        if studio is None:
            return
        try:
            tasks = tasks if tasks is not None else studio.export_full(project)
            version = self.store.in_use().version
            todo = [int(t["id"]) for t in tasks if isinstance(t, dict) and not t.get("annotations")
                    and version not in {p.get("model_version") for p in t.get("predictions") or []
                                        if isinstance(p, dict)}]
            for start in range(0, len(todo), RESCORE_BATCH):
                if self.store.in_use().version != version:
                    return  # a newer version: its own rescoring follows
                studio.retrieve_predictions(project, todo[start:start + RESCORE_BATCH])
            if todo:
                log.info("project %s: %d task(s) predicted again with version %s", project, len(todo), version)
        except StudioError as exc:
            log.warning("could not ask Label Studio to predict project %s's tasks again: %s", project, exc)


# -- the learning job (a child process) ---------------------------------------------------


def learn_once(store: ModelStore, model: str | None, folds: int, trigger: str, job: str) -> dict:
    """Learn from every project's corrections, from the base rules, gated as `quotes learn` gates; put the new
    version in use when the gate lets it through. Returns the attempt's record (also in the history)."""
    base, current = store.base_rules(), store.in_use().version
    files = [store.corrections_file(p) for p in store.projects()]
    docs, sources = load_corrections(files) if files else ([], [])
    record: dict[str, Any] = {"job": job, "trigger": trigger, "started": now(), "parent": base.version,
                              "replaces": current, "documents": len(docs),
                              "quotes": sum(len(d.human) for d in docs)}
    if not docs:
        record.update(status="nothing", note="no corrected task yet", finished=now())
        store.append_history(record)
        return record
    result = relearn(base, Workbench(docs, model), folds)
    record.update(changes=result.changes, worse=result.worse, figures={
        "cross_validation": {"old": result.old_cv.figures, "new": result.new_cv.figures},
        "corrected": {"old": result.old_all.figures, "new": result.new_all.figures}})
    if result.worse:
        record.update(status="rejected", finished=now())
        store.append_history(record)
    elif result.unchanged and current == base.version:
        record.update(status="unchanged", finished=now())
        store.append_history(record)
    elif result.unchanged:  # the corrections no longer teach what the version in use learned
        record.update(status="accepted", version=base.version, note="the base rules again", finished=now())
        store.put_in_use(base, record)
    else:
        version = store.next_version()
        stamp(result.rules, base, sources, len(docs), len(result.changes), version=version)
        record.update(status="accepted", version=version, finished=now())
        store.put_in_use(result.rules, record)
    return record


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotes.learning.live",
                                description="one learning of the live backend (started by it)")
    p.add_argument("state")
    p.add_argument("--model")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--trigger", default="by hand")
    p.add_argument("--job", default="job")
    args = p.parse_args(argv)
    store = ModelStore(args.state)
    store.start_job({"pid": os.getpid(), "id": args.job, "trigger": args.trigger, "started": now()})
    try:
        record = learn_once(store, args.model, args.folds, args.trigger, args.job)
    except (QuotesError, Exception) as exc:  # noqa: BLE001 - noted in the history; the version in use stays
        store.append_history({"status": "failed", "job": args.job, "trigger": args.trigger,
                              "error": f"{type(exc).__name__}: {exc}", "finished": now()})
        store.end_job()
        print(f"learning failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    store.end_job()
    print(f"learning {args.job}: {record['status']}" + (f", version {record['version']}" if "version" in record
                                                          else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
