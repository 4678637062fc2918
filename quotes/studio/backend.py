"""`quotes studio serve-model`: a Label Studio ML backend, speaking the protocol of Label Studio 1.23.

What Label Studio sends (read in its `ml/api_connector.py` and `ml/models.py`, and seen from a real server):

- `GET /health` (1 s timeout) before every /setup; any 2xx JSON is "up";
- `POST /setup` (3 s) with `{"project": "ID.CREATED", "schema", "hostname", "access_token", "extra_params"}`
  before every prediction and on every Data Manager page load; the answer's `model_version` becomes the
  backend's version in Label Studio;
- `POST /predict` (100 s) with `{"tasks": [...], "project", "label_config", "params"}`; the answer is
  `{"results": [one per task, in order: {"result", "score", "model_version"}]}`; an entry without `result`
  is skipped;
- `POST /webhook`: Label Studio's "Start training" as `{"action": "START_TRAINING", "project": {...}}` (never
  /train in 1.23), and the project webhook it creates for the backend: `ANNOTATION_CREATED`,
  `ANNOTATION_UPDATED`, `ANNOTATIONS_DELETED`, ... with the task, the annotation and the whole project (its
  secrets too: bodies are never logged). Those are sent with a 1 s timeout and no retry, in the annotator's
  request: the backend answers at once and learns in the background;
- `GET /versions` for Settings > Model.

HTTP Basic auth is all Label Studio sends to a backend (`basic_auth_user`/`basic_auth_pass`); the project
webhook carries only the headers it was given, which `connect` sets to the same credentials.

The standard library's threading HTTP server is enough for five JSON endpoints that Label Studio calls one
request at a time per user, and adds no dependency (no web framework is installed; tornado comes only with
dask's distributed): each request has its own thread, so /health answers while a prediction runs, and a
prediction never waits for learning, which happens elsewhere (the `Learner` the backend is given: `quotes
studio serve-model` gives it `learning.live`; this package must not import learning).
"""
from __future__ import annotations

import base64
import hmac
import json
import logging
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping, Protocol

from ..errors import StudioError
from . import convert
from .labelconfig import TEXT
from .model import LiveModel, task_doc_id
from .settings import BasicAuth

log = logging.getLogger("quotes.studio.backend")

MAX_BODY = 64 * 1024 * 1024  # a /predict of many long articles fits; a runaway upload does not
ANNOTATION_EVENTS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED")


class Learner(Protocol):
    """Learning on submit, as the backend asks for it; every call must return at once."""

    def setup(self, project: int, hostname: str | None, access_token: str | None) -> None: ...

    def submitted(self, project: int, task: dict, annotation: dict) -> None: ...

    def deleted(self, project: int, annotation_ids: list[int]) -> None: ...

    def train(self, project: int) -> str: ...


class NoLearning:
    """A backend that only predicts."""

    def setup(self, project: int, hostname: str | None, access_token: str | None) -> None:
        pass

    def submitted(self, project: int, task: dict, annotation: dict) -> None:
        pass

    def deleted(self, project: int, annotation_ids: list[int]) -> None:
        pass

    def train(self, project: int) -> str:
        return ""


class BadRequest(Exception):
    """A request the backend cannot use: 400 with this message, and nothing done."""


@dataclass
class Event:
    action: str
    project: int | None = None
    task: dict | None = None
    annotation: dict | None = None
    deleted: list[int] | None = None


def project_id(value: Any) -> int | None:
    """The project of a request: "7.1718000000" (/setup, /predict), 7, or {"id": 7} (webhooks)."""
    if isinstance(value, Mapping):
        value = value.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        head = value.split(".", 1)[0]
        return int(head) if head.isdigit() else None
    return None


def _id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{what} is not a number")
    return value


def parse_webhook(body: Any) -> Event:
    """A webhook body, checked as far as learning needs it; BadRequest says what is wrong."""
    if not isinstance(body, dict):
        raise BadRequest("the body is not a JSON object with an 'action'")
    action = body.get("action")
    if not isinstance(action, str) or not action:
        raise BadRequest("the body has no 'action'")
    if action in ANNOTATION_EVENTS:
        annotation, task = body.get("annotation"), body.get("task")
        if not isinstance(annotation, dict) or not isinstance(task, dict):
            raise BadRequest(f"{action} needs an 'annotation' and a 'task' object")
        _id(annotation.get("id"), "annotation.id")
        task_id = _id(task.get("id"), "task.id")
        project = project_id(body.get("project")) or project_id(annotation.get("project")) \
            or project_id(task.get("project"))
        if project is None:
            raise BadRequest(f"{action} names no project")
        data = task.get("data")
        if not isinstance(data, dict) or not isinstance(data.get(TEXT), str):
            raise BadRequest(f"task {task_id} has no '{TEXT}' in its data")
        result = annotation.get("result")
        if not isinstance(result, list):
            raise BadRequest(f"annotation {annotation.get('id')} has no 'result' list")
        if not annotation.get("was_cancelled"):
            try:  # what learning will read: regions on the text, offsets inside it
                convert.rows_from_result(result, task_doc_id(task, project), data[TEXT],
                                         where=f"annotation {annotation.get('id')}")
            except (StudioError, TypeError, ValueError, AttributeError) as exc:
                raise BadRequest(f"annotation {annotation.get('id')} cannot be read: {exc}") from None
        return Event(action, project, task, annotation)
    if action == "ANNOTATIONS_DELETED":
        items = body.get("annotations")
        if not isinstance(items, list) or not all(isinstance(a, dict) for a in items):
            raise BadRequest("ANNOTATIONS_DELETED needs an 'annotations' list of objects")
        project = project_id(body.get("project"))
        if project is None:
            raise BadRequest("ANNOTATIONS_DELETED names no project")
        return Event(action, project, deleted=[_id(a.get("id"), "annotations[].id") for a in items])
    if action == "START_TRAINING":
        project = project_id(body.get("project"))
        if project is None:
            raise BadRequest("START_TRAINING names no project")
        return Event(action, project)
    return Event(action, project_id(body.get("project")))


class Backend:
    """The endpoints over a model and a learner; `server` binds them to an address."""

    def __init__(self, model: LiveModel, learner: Learner | None = None, auth: BasicAuth | None = None):
        self.model = model
        self.learner = learner or NoLearning()
        self._auth = "Basic " + base64.b64encode(f"{auth.user}:{auth.password}".encode()).decode() if auth else None

    def authorised(self, header: str | None) -> bool:
        return self._auth is None or (header is not None and hmac.compare_digest(header.encode(), self._auth.encode()))

    # -- endpoints: (status, JSON) --------------------------------------------

    def health(self) -> tuple[int, dict]:
        return 200, {"status": "UP", "model_class": "quotes", "v2": True}

    def setup(self, body: Any) -> tuple[int, dict]:
        if not isinstance(body, dict):
            raise BadRequest("the body is not a JSON object")
        project = project_id(body.get("project"))
        if project is not None:
            hostname, token = body.get("hostname"), body.get("access_token")
            self.learner.setup(project, hostname if isinstance(hostname, str) else None,
                               token if isinstance(token, str) else None)
        return 200, {"model_version": self.model.version()}

    def predict(self, body: Any) -> tuple[int, dict]:
        if not isinstance(body, dict) or not isinstance(body.get("tasks"), list) \
                or not all(isinstance(t, dict) for t in body["tasks"]):
            raise BadRequest("the body needs a 'tasks' list of objects")
        config = body.get("label_config")
        results = self.model.predict(body["tasks"], config if isinstance(config, str) else "",
                                     project_id(body.get("project")))
        for task, result in zip(body["tasks"], results):
            if "error" in result:
                log.warning("task %s: no prediction (%s)", task.get("id"), result["error"])
        return 200, {"results": results, "model_version": self.model.version()}

    def webhook(self, body: Any) -> tuple[int, dict]:
        event = parse_webhook(body)
        if event.action in ANNOTATION_EVENTS:
            self.learner.submitted(event.project, event.task, event.annotation)
            return 200, {"status": "queued", "action": event.action}
        if event.action == "ANNOTATIONS_DELETED":
            self.learner.deleted(event.project, event.deleted or [])
            return 200, {"status": "queued", "action": event.action}
        if event.action == "START_TRAINING":
            return 200, {"job": self.learner.train(event.project), "action": event.action}
        return 200, {"status": "ignored", "action": event.action}

    def versions(self) -> tuple[int, dict]:
        return 200, {"versions": self.model.store.versions()}

    def server(self, host: str, port: int) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer((host, port), _handler(self))
        server.daemon_threads = True
        return server


def _handler(backend: Backend) -> type[BaseHTTPRequestHandler]:
    routes = {("GET", "/"): backend.health, ("GET", "/health"): backend.health,
              ("GET", "/versions"): backend.versions,
              ("POST", "/setup"): backend.setup, ("POST", "/predict"): backend.predict,
              ("POST", "/webhook"): backend.webhook}

    class Handler(BaseHTTPRequestHandler):
        server_version = "quotes-ml"

        def log_message(self, format: str, *args: Any) -> None:  # the request line only: never bodies or headers
            log.debug("%s %s", self.address_string(), format % args)

        def _send(self, status: int, payload: Mapping[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="quotes"')
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                raise BadRequest("the request has no Content-Length")
            if int(length) > MAX_BODY:
                raise _TooLarge(f"the body is larger than {MAX_BODY // 2**20} MB")
            raw = self.rfile.read(int(length))
            try:
                return json.loads(raw.decode("utf-8")) if raw.strip() else None
            except (UnicodeDecodeError, ValueError) as exc:
                raise BadRequest(f"the body is not JSON ({type(exc).__name__})") from None

        def _serve(self, method: str) -> None:
            started = time.monotonic()
            path = self.path.split("?", 1)[0].rstrip("/") or "/"
            status = 500
            try:
                if not backend.authorised(self.headers.get("Authorization")):
                    status, payload = 401, {"error": "authentication required (HTTP Basic)"}
                elif (method, path) not in routes:
                    known = sorted({p for _, p in routes})
                    status, payload = (405 if any(p == path for _, p in routes) else 404), {
                        "error": f"{method} {path}: not an endpoint of this backend ({', '.join(known)})"}
                else:
                    call = routes[(method, path)]
                    status, payload = call(self._body()) if method == "POST" else call()
            except BadRequest as exc:
                status, payload = 400, {"error": str(exc)}
            except _TooLarge as exc:
                status, payload = 413, {"error": str(exc)}
            except Exception as exc:  # noqa: BLE001 - one failed request must not stop the backend
                log.exception("%s %s failed", method, path)
                status, payload = 500, {"error": f"{type(exc).__name__}: the backend failed; see its log"}
            try:
                self._send(status, payload)
            except (BrokenPipeError, ConnectionResetError):  # Label Studio gave up waiting (its timeout)
                pass
            level = logging.INFO if path not in ("/", "/health", "/setup") or status >= 400 else logging.DEBUG
            log.log(level, "%s %s %d (%.2f s)", method, path, status, time.monotonic() - started)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


class _TooLarge(Exception):
    pass
