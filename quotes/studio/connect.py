"""`quotes studio connect PROJECT`: a project's tasks predicted, and learned from, by the live backend.

Over the adapter, each step idempotent (connecting again changes nothing, or puts back what was changed):

- the ML backend at URL is added to the project (or the one there with that URL updated), interactive, its
  model version following the backend's /setup; Label Studio checks /health and /setup on the spot, so the
  backend must run (`quotes studio serve-model`);
- the project: `model_version` = the backend's title, so that the label stream asks the backend for tasks
  that lack its current version; "show predictions to annotators" and "retrieve predictions when loading a
  task automatically" on, so that a task imported from the UI, the API or cloud storage gets its quotes,
  speakers and stances when it is opened or listed;
- the webhook Label Studio made for the backend (URL/webhook: ANNOTATION_CREATED, ANNOTATION_UPDATED, ...)
  carries the backend's HTTP Basic credentials, which Label Studio sends to the ML endpoints but not to
  webhooks;
- a Data Manager tab, "Least certain first", sorted by the prediction score ascending: the task whose least
  certain quote is least certain first (`convert.prediction`), tasks without a prediction last.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Sequence

from ..errors import StudioError
from .adapter import MLBackend, Project, Studio
from .labelconfig import check_label_config
from .settings import BasicAuth
from .sync import find_project

TITLE = "quotes-model"
VIEW = "Least certain first"
ORDERING = ("tasks:predictions_score",)  # ascending: the lowest score first (Label Studio puts nulls last)


@dataclass
class Connected:
    project: Project
    ml: MLBackend
    added: bool
    webhook: str
    view: int


def basic_header(auth: BasicAuth) -> str:
    return "Basic " + base64.b64encode(f"{auth.user}:{auth.password}".encode()).decode()


def connect(studio: Studio, title: str, url: str, stance_labels: Sequence[str], auth: BasicAuth | None = None,
            ml_title: str = TITLE, view: str = VIEW) -> Connected:
    studio.whoami()
    project = find_project(studio, title)
    check_label_config(project.label_config, stance_labels, f"project '{title}'s labeling config")
    url = url.rstrip("/")
    existing = next((m for m in studio.ml_backends(project.id) if m.url.rstrip("/") == url), None)
    ml = studio.connect_ml(project.id, url, ml_title, auth.user if auth else None, auth.password if auth else None,
                           existing.id if existing else None)
    if ml.state not in ("CO", "TR"):
        state = {"DI": "down", "ER": "in error"}.get(ml.state, ml.state)
        raise StudioError(f"Label Studio at {studio.url} connected the backend at {url} but finds it {state}"
                          f"{': ' + ml.error if ml.error else ''}; check `quotes studio serve-model`'s log")
    hook_url = f"{url}/webhook"
    headers = {"Authorization": basic_header(auth)} if auth else {}
    hook = next((w for w in studio.webhooks(project.id) if w.url.rstrip("/") == hook_url), None)
    if hook is None:  # Label Studio makes it with the backend; not when one with that URL was there already
        studio.add_webhook(project.id, hook_url, headers)
    elif dict(hook.headers) != headers:
        studio.set_webhook_headers(hook, headers)
    # after the webhook has its credentials: this update is the first event it sends
    studio.update_project(project.id, model_version=ml_title, show_collab_predictions=True,
                          evaluate_predictions_automatically=True)
    view_id = studio.save_view(project.id, view, ORDERING, studio.views(project.id).get(view))
    return Connected(studio.project(project.id), ml, existing is None, hook_url, view_id)
