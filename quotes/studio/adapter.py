"""The Label Studio adapter: the only module that imports the SDK (label-studio-sdk 2.x).

Every call goes through `_call`, which turns the SDK's and httpx's exceptions
into one-line StudioErrors naming the server and what to do; the API token is
never part of a message. The SDK's own retries are off: a retry that the
server already carried out would add tasks twice, so `sync` retries instead,
after looking at what the server holds (`Unavailable` marks the failures worth
a retry).
"""
from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError
from label_studio_sdk.label_interface import LabelInterface

from ..errors import StudioError
from .settings import ENV_API_KEY, ENV_URL, Connection

PAGE_SIZE = 100


class Unavailable(StudioError):
    """The server did not answer (down, timed out, 5xx): the call may or may not have been carried out."""


@dataclass(frozen=True)
class Project:
    id: int
    title: str
    label_config: str
    model_version: str = ""


@dataclass(frozen=True)
class MLBackend:
    """A project's connection to an ML backend, as Label Studio holds it (its password is write-only)."""

    id: int
    url: str
    title: str
    state: str = ""  # CO connected, DI disconnected, ER error, TR training
    model_version: str = ""
    is_interactive: bool = False
    error: str = ""


@dataclass(frozen=True)
class Webhook:
    id: int
    url: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class TaskInfo:
    id: int
    data: Mapping[str, Any]
    annotations: int  # submitted, cancelled and drafts together: a task someone touched


class Studio:
    """A Label Studio server, as push and pull need it."""

    def __init__(self, connection: Connection, timeout: float = 120.0, httpx_client: httpx.Client | None = None):
        self.url = connection.url
        try:
            self._ls = LabelStudio(base_url=connection.url, api_key=connection.api_key, timeout=timeout,
                                   max_retries=0, httpx_client=httpx_client)
        except Exception as exc:  # the SDK checks a JWT's expiry when it is built
            raise StudioError(f"the API key for {self.url} cannot be used ({type(exc).__name__}); "
                              f"set {ENV_API_KEY} to a current token") from None

    @contextlib.contextmanager
    def _call(self, what: str, missing: str | None = None) -> Iterator[None]:
        try:
            yield
        except ApiError as exc:
            status = exc.status_code or 0
            if status in (401, 403):
                body = str(exc.body)
                if "legacy token authentication has been disabled" in body:
                    raise StudioError(f"Label Studio at {self.url} has legacy API tokens turned off; turn them on "
                                      "under Organization > Settings > Access Token Settings, or use a personal "
                                      f"access token in {ENV_API_KEY}") from None
                raise StudioError(f"Label Studio at {self.url} refused the API token while {what}; set {ENV_API_KEY} "
                                  "to your token (Account & Settings), or for the local server unset it to use "
                                  ".studio/token") from None
            if status == 404 and missing:
                raise StudioError(missing) from None
            if status >= 500 or status == 429:
                raise Unavailable(f"Label Studio at {self.url} failed while {what} (HTTP {status}); "
                                  "try again, and see its log (.studio/server.log for the local one)") from None
            if isinstance(exc.body, str) and exc.body.lstrip().startswith("<"):
                raise StudioError(f"{self.url} answered HTTP {status} with a web page while {what}; check that "
                                  f"{ENV_URL} points at a Label Studio server") from None
            raise StudioError(f"Label Studio at {self.url} answered HTTP {status} while {what}: {_brief(exc.body)}") \
                from None
        except httpx.ConnectError:
            raise Unavailable(f"Label Studio is not reachable at {self.url}; start it with `quotes studio start`, "
                              f"or set {ENV_URL} to where it runs") from None
        except httpx.TimeoutException:
            raise Unavailable(f"Label Studio at {self.url} did not answer in time while {what}; try again") from None
        except httpx.HTTPError as exc:
            raise Unavailable(f"Label Studio at {self.url} broke off while {what} ({type(exc).__name__}); "
                              "try again") from None
        except (ValueError, TypeError, KeyError) as exc:  # an answer the SDK could not read
            raise StudioError(f"{self.url} gave an answer the Label Studio SDK cannot read while {what} "
                              f"({type(exc).__name__}); check that {ENV_URL} points at Label Studio 1.x") from None

    # -- checks -------------------------------------------------------------

    def whoami(self) -> str:
        """The user the token belongs to (fails clearly when the server is down or refuses the token)."""
        with self._call("checking the token"):
            return self._ls.users.whoami().email or ""

    @staticmethod
    def prediction_errors(label_config: str, prediction: Mapping[str, Any]) -> list[str]:
        """What in `prediction` does not fit the labeling interface (the SDK's own validator)."""
        return [str(e) for e in LabelInterface(label_config).validate_prediction(dict(prediction), return_errors=True)]

    @staticmethod
    def config_errors(label_config: str) -> str | None:
        try:
            LabelInterface(label_config).validate()
        except Exception as exc:  # the SDK raises its own validation error type
            return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None

    # -- projects -----------------------------------------------------------

    def find_projects(self, title: str) -> list[Project]:
        with self._call(f"looking up project '{title}'"):
            found = [p for p in self._ls.projects.list(title=title, page_size=PAGE_SIZE) if p.title == title]
        return [self.project(p.id) for p in found]

    def project(self, project_id: int) -> Project:
        with self._call(f"reading project {project_id}", missing=f"no project {project_id} at {self.url}"):
            p = self._ls.projects.get(id=project_id)
        return Project(p.id, p.title or "", p.label_config or "", p.model_version or "")

    def create_project(self, title: str, label_config: str, model_version: str) -> Project:
        with self._call(f"creating project '{title}'"):
            p = self._ls.projects.create(title=title, label_config=label_config, model_version=model_version,
                                         show_collab_predictions=True)
        return Project(p.id, title, label_config, model_version)

    def update_project(self, project_id: int, **fields: Any) -> None:
        with self._call(f"updating project {project_id} ({', '.join(fields)})"):
            self._ls.projects.update(id=project_id, **fields)

    # -- tasks and predictions ----------------------------------------------

    def tasks(self, project_id: int) -> list[TaskInfo]:
        with self._call(f"listing the tasks of project {project_id}"):
            return [TaskInfo(t.id, dict(t.data or {}),
                             (t.total_annotations or 0) + (t.cancelled_annotations or 0) + len(t.drafts or []))
                    for t in self._ls.tasks.list(project=project_id, fields="task_only", page_size=PAGE_SIZE)]

    def prediction_versions(self, project_id: int) -> dict[int, set[str]]:
        """Each task's prediction model versions."""
        out: dict[int, set[str]] = {}
        with self._call(f"listing the predictions of project {project_id}"):
            for p in self._ls.predictions.list(project=project_id):
                out.setdefault(int(p.task), set()).add(p.model_version or "")
        return out

    def import_tasks(self, project_id: int, tasks: Sequence[Mapping[str, Any]]) -> int:
        with self._call(f"importing {len(tasks)} tasks into project {project_id}"):
            response = self._ls.projects.import_tasks(id=project_id, request=[dict(t) for t in tasks],
                                                      commit_to_project=True)
        return int(response.task_count or 0)

    def add_prediction(self, task_id: int, prediction: Mapping[str, Any]) -> None:
        with self._call(f"adding a prediction to task {task_id}"):
            self._ls.predictions.create(task=task_id, result=list(prediction["result"]),
                                        score=prediction.get("score"), model_version=prediction.get("model_version"))

    def delete_task(self, task_id: int) -> None:
        with self._call(f"deleting task {task_id}"):
            self._ls.tasks.delete(id=task_id)

    def annotate(self, task_id: int, result: Sequence[Mapping[str, Any]], cancelled: bool = False) -> int:
        """Submit an annotation, as an annotator would; returns its id."""
        with self._call(f"annotating task {task_id}"):
            return self._ls.annotations.create(id=task_id, result=[dict(r) for r in result],
                                               was_cancelled=cancelled).id

    def open_task(self, task_id: int) -> dict[str, Any]:
        """A task as the Data Manager opens it: Label Studio asks the project's ML backend for a prediction
        first when the task has none."""
        with self._call(f"opening task {task_id}", missing=f"no task {task_id} at {self.url}"):
            task = self._ls.tasks.get(id=str(task_id))
        return task.dict()

    def retrieve_predictions(self, project_id: int, task_ids: Sequence[int]) -> None:
        """The Data Manager's "Retrieve predictions" for these tasks: the ML backend predicts those that lack
        a prediction of its current version, and Label Studio stores them."""
        with self._call(f"asking project {project_id}'s ML backend for predictions of {len(task_ids)} task(s)"):
            self._ls.actions.create(id="retrieve_tasks_predictions", project=project_id,
                                    selected_items={"all": False, "included": [int(t) for t in task_ids]})

    # -- ML backends, webhooks, views ---------------------------------------

    def ml_backends(self, project_id: int) -> list[MLBackend]:
        with self._call(f"listing the ML backends of project {project_id}"):
            return [_ml(m) for m in self._ls.ml.list(project=project_id)]

    def connect_ml(self, project_id: int, url: str, title: str, user: str | None = None,
                   password: str | None = None, existing: int | None = None) -> MLBackend:
        """Add the ML backend at `url` to the project (or update `existing`), interactive, its model version
        following what the backend's /setup answers; with HTTP Basic auth when `user` and `password` are given.
        Label Studio checks /health and /setup before it answers."""
        auth: dict[str, Any] = {"auth_method": "NONE"}
        if user and password:
            auth = {"auth_method": "BASIC_AUTH", "basic_auth_user": user, "basic_auth_pass": password}
        fields = dict(url=url, title=title, is_interactive=True, auto_update=True, **auth)
        what = f"connecting the ML backend at {url} to project {project_id}"
        try:
            with self._call(what):
                if existing is None:
                    return _ml(self._ls.ml.create(project=project_id, **fields))
                return _ml(self._ls.ml.update(id=existing, project=project_id, **fields))
        except StudioError as exc:
            if "reserved network address" in str(exc):
                raise StudioError(f"Label Studio at {self.url} refuses an ML backend at {url}, a local address; "
                                  "start it with `quotes studio start` (which allows one), or set "
                                  "LABEL_STUDIO_ML_BLOCK_LOCAL_IP=false and LABEL_STUDIO_SSRF_PROTECTION_ENABLED=false "
                                  "where it runs") from None
            if "HTTP 400" in str(exc):
                raise StudioError(f"Label Studio at {self.url} cannot use the ML backend at {url}: {exc}; start it "
                                  "with `quotes studio serve-model` (with the same QUOTES_ML_USER and "
                                  "QUOTES_ML_PASSWORD) and connect again") from None
            raise

    def train(self, ml_id: int) -> None:
        """Label Studio's "Start training": it posts START_TRAINING to the backend's /webhook."""
        with self._call(f"starting the training of ML backend {ml_id}"):
            self._ls.ml.train(id=ml_id)

    def webhooks(self, project_id: int) -> list[Webhook]:
        with self._call(f"listing the webhooks of project {project_id}"):
            return [Webhook(w.id, w.url or "", dict(w.headers or {}))
                    for w in self._ls.webhooks.list(project=str(project_id))]

    def add_webhook(self, project_id: int, url: str, headers: Mapping[str, str]) -> None:
        with self._call(f"adding a webhook to project {project_id}"):
            self._ls.webhooks.create(url=url, project=project_id, send_payload=True, send_for_all_actions=True,
                                     headers=dict(headers), is_active=True)

    def set_webhook_headers(self, webhook: Webhook, headers: Mapping[str, str]) -> None:
        with self._call(f"updating webhook {webhook.id}"):
            self._ls.webhooks.update(id=webhook.id, url=webhook.url, headers=dict(headers), is_active=True)

    def views(self, project_id: int) -> dict[str, int]:
        """The Data Manager's tabs of the project: title -> id."""
        with self._call(f"listing the views of project {project_id}"):
            return {str((v.data or {}).get("title") or ""): int(v.id) for v in self._ls.views.list(project=project_id)}

    def save_view(self, project_id: int, title: str, ordering: Sequence[str], view_id: int | None = None) -> int:
        data = {"title": title, "ordering": list(ordering)}
        with self._call(f"saving the view '{title}' of project {project_id}"):
            if view_id is None:
                return int(self._ls.views.create(project=project_id, data=data).id)
            return int(self._ls.views.update(id=str(view_id), project=project_id, data=data).id)

    def view_task_ids(self, project_id: int, view_id: int) -> list[int]:
        """The tasks in the order the view shows them."""
        with self._call(f"listing the tasks of view {view_id}"):
            return [int(t.id) for t in self._ls.tasks.list(project=project_id, view=view_id, fields="task_only",
                                                          page_size=PAGE_SIZE)]

    # -- export -------------------------------------------------------------

    def export_full(self, project_id: int, timeout: float = 300.0) -> list[dict[str, Any]]:
        """Every task with its annotations, drafts and full predictions (a JSON snapshot export)."""
        missing = f"no project {project_id} at {self.url}"
        with self._call(f"exporting project {project_id}", missing=missing):
            snapshot = self._ls.projects.exports.create(
                id=project_id, title="quotes pull",
                serialization_options={"predictions": {"only_id": False}, "drafts": {"only_id": False}},
                annotation_filter_options={"usual": True, "ground_truth": True, "skipped": True})
            deadline = time.monotonic() + timeout
            while snapshot.status != "completed":
                if snapshot.status == "failed" or time.monotonic() > deadline:
                    raise StudioError(f"Label Studio at {self.url} could not export project {project_id} "
                                      f"(export {snapshot.id} {snapshot.status}); see its log")
                time.sleep(0.5)
                snapshot = self._ls.projects.exports.get(id=project_id, export_pk=snapshot.id)
            body = b"".join(self._ls.projects.exports.download(id=project_id, export_pk=snapshot.id,
                                                               export_type="JSON"))
            self._ls.projects.exports.delete(id=project_id, export_pk=snapshot.id)
        try:
            tasks = json.loads(body)
        except ValueError:
            raise StudioError(f"Label Studio at {self.url} sent an export of project {project_id} that is not JSON; "
                              "try again") from None
        if not isinstance(tasks, list):
            raise StudioError(f"Label Studio at {self.url} sent an unexpected export of project {project_id}")
        return tasks


def _ml(m: Any) -> MLBackend:
    return MLBackend(int(m.id), m.url or "", m.title or "", str(m.state or ""), m.model_version or "",
                     bool(m.is_interactive), m.error_message or "")


def _brief(body: Any) -> str:
    text = json.dumps(body, ensure_ascii=False) if isinstance(body, (dict, list)) else str(body)
    text = " ".join(text.split())
    return text[:240] + ("..." if len(text) > 240 else "")
