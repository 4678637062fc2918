"""The live backend without Label Studio and without a model: its protocol over real HTTP (a stub model and a
recording learner), the webhook checks, the model folder's crash-safe order, what counts as new corrections,
and the least-certain-first measure. tests/studio/test_live.py runs the real thing against a real server."""
from __future__ import annotations

import json
import subprocess
import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from quotes.cli import main
from quotes.evaluation.triage import first_share, least_certain_first, random_shares
from quotes.learning.live import LiveLearner, signature
from quotes.rules import load_rules
from quotes.studio.backend import Backend, BadRequest, parse_webhook, project_id
from quotes.studio.settings import BasicAuth, ml_auth
from quotes.studio.versions import ModelStore

TEXT = '"We will win," Jo Park said.'
RESULT = [{"id": "q1", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": 1, "end": 13, "text": "We will win,", "labels": ["QUOTE"]}},
          {"id": "q1", "from_name": "speaker", "to_name": "text", "type": "textarea",
           "value": {"start": 1, "end": 13, "text": ["Jo Park"]}}]


def created(**over) -> dict:
    body = {"action": "ANNOTATION_CREATED", "project": {"id": 3, "token": "secret-invite"},
            "task": {"id": 7, "data": {"text": TEXT}, "project": 3},
            "annotation": {"id": 11, "result": RESULT, "was_cancelled": False, "updated_at": "2025-01-01T00:00:00Z"}}
    body.update(over)
    return body


class StubModel:
    def __init__(self, store: ModelStore):
        self.store = store
        self.asked: list = []

    def version(self) -> str:
        return "v-test"

    def predict(self, tasks, label_config, project):
        self.asked.append((len(tasks), project))
        return [{"result": [], "score": 0.5, "model_version": "v-test"} for _ in tasks]


class Recorder:
    def __init__(self):
        self.calls: list = []

    def setup(self, project, hostname, access_token):
        self.calls.append(("setup", project, hostname))

    def submitted(self, project, task, annotation):
        self.calls.append(("submitted", project, task["id"], annotation["id"]))

    def deleted(self, project, ids):
        self.calls.append(("deleted", project, ids))

    def train(self, project):
        self.calls.append(("train", project))
        return "job-1"


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    s = ModelStore(tmp_path / "model")
    s.initialise(None)
    return s


@pytest.fixture
def served(store: ModelStore):
    learner, model = Recorder(), StubModel(store)
    server = Backend(model, learner, BasicAuth("ls", "pw")).server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield url, learner, model
    finally:
        server.shutdown()
        server.server_close()


def call(url: str, method: str, path: str, body=None, auth=("ls", "pw")) -> httpx.Response:
    content = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    return httpx.request(method, url + path, content=content, auth=auth, timeout=10)


def test_the_protocol_over_http(served) -> None:
    url, learner, model = served
    assert call(url, "GET", "/health").json()["status"] == "UP"
    assert call(url, "GET", "/").status_code == 200
    setup = call(url, "POST", "/setup", {"project": "3.1718000000", "schema": "<View/>", "hostname": "http://ls",
                                         "access_token": "tok"})
    assert setup.json() == {"model_version": "v-test"} and learner.calls == [("setup", 3, "http://ls")]
    answer = call(url, "POST", "/predict", {"tasks": [{"id": 1, "data": {"text": TEXT}}, {"id": 2, "data": {}}],
                                            "project": "3.1", "label_config": "<View/>"}).json()
    assert len(answer["results"]) == 2 and model.asked == [(2, 3)]
    assert call(url, "GET", "/versions").json() == {"versions": [load_rules().version]}
    assert call(url, "POST", "/webhook", created()).json()["status"] == "queued"
    assert call(url, "POST", "/webhook", {"action": "START_TRAINING", "project": {"id": 3}}).json()["job"] == "job-1"
    assert call(url, "POST", "/webhook", {"action": "ANNOTATIONS_DELETED", "project": {"id": 3},
                                          "annotations": [{"id": 11}]}).status_code == 200
    ignored = call(url, "POST", "/webhook", {"action": "TASKS_CREATED", "project": {"id": 3}})
    assert ignored.json()["status"] == "ignored"
    assert learner.calls[1:] == [("submitted", 3, 7, 11), ("train", 3), ("deleted", 3, [11])]


def test_auth_and_bad_requests(served) -> None:
    url, learner, _ = served
    assert call(url, "GET", "/health", auth=None).status_code == 401
    assert call(url, "GET", "/health", auth=("ls", "wrong")).status_code == 401
    assert call(url, "POST", "/webhook", created(), auth=None).status_code == 401
    assert call(url, "GET", "/nowhere").status_code == 404
    assert call(url, "GET", "/predict").status_code == 405
    bad = call(url, "POST", "/predict", b"{oops")
    assert bad.status_code == 400 and "not JSON" in bad.json()["error"]
    assert call(url, "POST", "/predict", {"tasks": [1, 2]}).status_code == 400
    assert call(url, "POST", "/setup", [1]).status_code == 400
    wrong = call(url, "POST", "/webhook", created(annotation={"id": 11, "result": [{"id": "a", "from_name": "label",
                 "type": "labels", "value": {"start": 0, "end": 99, "labels": ["QUOTE"]}}]}))
    assert wrong.status_code == 400 and "lies outside the document's" in wrong.json()["error"]
    assert "secret-invite" not in wrong.text
    assert learner.calls == []  # nothing reached learning


@pytest.mark.parametrize("body, message", [
    (None, "not a JSON object"), ({"nothing": 1}, "no 'action'"),
    (created(task=None), "needs an 'annotation' and a 'task'"),
    (created(task={"id": "7", "data": {"text": TEXT}}), "task.id is not a number"),
    (created(task={"id": 7, "data": {}}), "has no 'text'"),
    (created(project=None, task={"id": 7, "data": {"text": TEXT}}), "names no project"),
    (created(annotation={"id": 11, "result": {"q": 1}}), "no 'result' list"),
    ({"action": "ANNOTATIONS_DELETED", "project": {"id": 3}, "annotations": [{"id": "x"}]}, "is not a number"),
    ({"action": "START_TRAINING", "project": {}}, "names no project"),
])
def test_a_malformed_webhook_says_what_is_wrong(body, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        parse_webhook(body)


def test_what_a_webhook_is_read_as() -> None:
    event = parse_webhook(created(project=None))  # the project from the annotation or the task
    assert (event.action, event.project, event.task["id"]) == ("ANNOTATION_CREATED", 3, 7)
    skipped = parse_webhook(created(annotation={"id": 12, "result": [{"broken": True}], "was_cancelled": True}))
    assert skipped.annotation["was_cancelled"]  # a skipped task's result is never read
    assert [project_id(v) for v in ("12.1718", 12, {"id": 12}, "x", True, None)] == [12, 12, 12, None, None, None]


def test_the_model_folder_puts_a_version_in_use_only_when_it_is_whole(store: ModelStore) -> None:
    base = store.in_use().version
    assert store.versions() == [base] and store.base()["status"] == "base"
    assert store.next_version() == f"{base}-live.1"
    # a learning killed after writing its rules file but before the switch: the old version stays in use
    learned = load_rules()
    learned.data["version"] = store.next_version()
    learned.save(store.rules_file(learned.version))
    assert store.in_use().version == base and store.next_version() == f"{base}-live.1"
    store.put_in_use(learned, {"status": "accepted", "version": learned.version})
    assert store.in_use().version == learned.version and store.versions() == [learned.version, base]
    assert store.load_current().version == learned.version
    # a history line cut short by a kill is skipped; the version in use keeps its record in current.json
    history = store.root / "history.jsonl"
    lines = history.read_text().splitlines()
    history.write_text("\n".join(lines[:-1]) + '\n{"status": "acc')
    assert [r["version"] for r in store.history()] == [base, learned.version]
    assert store.next_version() == f"{base}-live.2"


def test_the_model_folder_keeps_to_the_rules_it_started_from(store: ModelStore, tmp_path: Path) -> None:
    other = load_rules()
    other.data["version"] = "other-1"
    other.save(tmp_path / "other.yaml")
    with pytest.raises(Exception, match="was started from other rules"):
        store.initialise(tmp_path / "other.yaml")
    assert store.initialise(None).version == store.in_use().version  # no --rules: go on


def _task(tid: int, ann: int, when: str, cancelled: bool = False) -> dict:
    return {"id": tid, "data": {"text": TEXT},
            "annotations": [{"id": ann, "result": RESULT, "was_cancelled": cancelled, "updated_at": when}]}


def test_what_counts_as_new_corrections(store: ModelStore) -> None:
    learner = LiveLearner(store, every=2)
    learner._add(3, {"id": 7, "data": {"text": TEXT}}, _task(7, 11, "t1")["annotations"][0])
    learner._add(3, {"id": 8, "data": {"text": TEXT}}, _task(8, 12, "t1", cancelled=True)["annotations"][0])
    assert learner.pending() == 1  # a skipped task teaches nothing
    store.save_seen(learner.signatures())
    assert learner.pending() == 0
    learner._add(3, {"id": 7, "data": {"text": TEXT}}, _task(7, 11, "t2")["annotations"][0])  # updated
    learner._add(4, {"id": 1, "data": {"text": TEXT, "doc_id": "pushed"}}, _task(1, 1, "t1")["annotations"][0])
    assert learner.pending() == 2
    (kept,) = [t for t in store.corrections(3) if t["id"] == 7]
    assert kept["data"]["doc_id"] == "p3-task-7" and signature(kept) == "11@t2"
    assert store.corrections(4)[0]["data"]["doc_id"] == "pushed"
    learner._remove(3, {11})
    assert [t["id"] for t in store.corrections(3)] == [8] and learner.pending() == 2  # 7 no longer corrected


def test_a_learning_cut_off_is_noted_as_failed(store: ModelStore) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    store.start_job({"pid": gone.pid, "id": "auto-1", "trigger": "10 corrected task(s)", "started": "then"})
    LiveLearner(store)._recover()
    assert store.job() is None
    assert store.history()[-1]["status"] == "failed" and "cut off" in store.history()[-1]["error"]


def test_least_certain_first_measures_a_share_of_errors() -> None:
    errors = {d: Counter(speaker=n, stance=0) for d, n in zip("abcdefgh", [4, 0, 0, 0, 0, 0, 0, 0])}
    quotes = {d: 1 for d in errors}
    order = least_certain_first({"a": 0.1, "b": 0.9}, sorted(errors))
    assert order[0] == "a" and first_share(order, errors, quotes).errors == 1.0
    assert first_share(order, errors, quotes).documents == 2 and first_share(order, errors, quotes).quotes == 0.25
    shares = random_shares(sorted(errors), errors, quotes, runs=2000)
    assert abs(sum(shares) / len(shares) - 0.25) < 0.03


def test_credentials_for_the_backend(monkeypatch, capsys) -> None:
    monkeypatch.delenv("QUOTES_ML_PASSWORD", raising=False)
    monkeypatch.setenv("QUOTES_ML_USER", "ls")
    with pytest.raises(Exception, match="set both QUOTES_ML_USER and QUOTES_ML_PASSWORD"):
        ml_auth()
    assert main(["studio", "serve-model", "--port", "1"]) == 1
    assert "set both QUOTES_ML_USER" in capsys.readouterr().err
    monkeypatch.setenv("QUOTES_ML_PASSWORD", "pw")
    assert ml_auth() == BasicAuth("ls", "pw") and "pw" not in repr(ml_auth())


def test_versions_of_a_folder_that_is_not_there(tmp_path: Path, capsys) -> None:
    assert main(["studio", "versions", "--state", str(tmp_path / "none")]) == 1
    assert "no versions; start `quotes studio serve-model`" in capsys.readouterr().err


def test_versions_lists_the_attempts(store: ModelStore, capsys) -> None:
    store.append_history({"status": "rejected", "job": "auto-1", "trigger": "10 corrected task(s)", "documents": 10,
                          "changes": ["x"], "worse": ["stance accuracy"], "finished": "2025-01-01T00:00:00",
                          "figures": {"cross_validation": {"old": {"f1": 0.9, "stance_accuracy": 0.5},
                                                           "new": {"f1": 0.9, "stance_accuracy": 0.4}}}})
    assert main(["studio", "versions", "--state", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert f"* {store.in_use().version}" in out and "rejected" in out and "worse: stance accuracy" in out
    assert main(["studio", "versions", "--state", str(store.root), "--json"]) == 0
    assert [json.loads(line)["status"] for line in capsys.readouterr().out.splitlines()] == ["base", "rejected"]


@pytest.mark.model
def test_every_n_corrected_tasks_learning_runs_by_itself(store: ModelStore) -> None:
    """With --every 1, one submitted correction starts a learning (in a child process, no Label Studio needed):
    the alias it teaches is put in use, with its figures and what triggered it."""
    text = ('"The talks have failed," the Russian news agency reported.\n\nOfficials in Kyiv did not comment.')
    start, end = 1, text.index(',"') + 1
    mention = text.index("the Russian")
    result = [
        {"id": "q1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": end, "text": text[start:end], "labels": ["QUOTE"]}},
        {"id": "q1", "from_name": "speaker", "to_name": "text", "type": "textarea",
         "value": {"start": start, "end": end, "text": ["RIA Novosti"]}},
        {"id": "q1", "from_name": "speaker_kind", "to_name": "text", "type": "choices",
         "value": {"start": start, "end": end, "choices": ["organisation"]}},
        {"id": "m", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": mention, "end": mention + 23, "text": text[mention:mention + 23], "labels": ["SPEAKER"]}},
        {"type": "relation", "from_id": "q1", "to_id": "m", "direction": "right", "labels": ["said_by"]}]
    learner = LiveLearner(store, every=1, folds=2, rescore=False)
    base = store.in_use().version
    learner._handle(("submitted", 5, {"id": 1, "data": {"text": text}},
                     {"id": 1, "result": result, "updated_at": "t1"}))
    record = store.history()[-1]
    assert record["status"] == "accepted" and record["trigger"] == "1 corrected task(s) since the last learning"
    assert store.in_use().version == f"{base}-live.1" and learner.pending() == 0
    assert any("'Russian news agency' -> 'RIA Novosti'" in c for c in record["changes"])
    assert store.load_current().data["provenance"][-1]["corrections"] == [
        {"file": "5.json", "sha256": record_sha(store, 5)}]


def record_sha(store: ModelStore, project: int) -> str:
    import hashlib

    return hashlib.sha256(store.corrections_file(project).read_bytes()).hexdigest()
