"""The round trip against a real Label Studio server: push, correct through the API, pull, export.

Needs the session's server (conftest.py); every test works in its own project.
"""
from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import httpx
import pytest

from quotes.cli import main
from quotes.pipeline.annotator import Annotator, annotate_corpus
from quotes.records import COLUMNS, Quote
from quotes.studio import convert, sync
from quotes.studio.adapter import Studio
from quotes.studio.labelconfig import label_config
from quotes.studio.server import LocalServer, free_port
from quotes.studio.settings import Connection
from quotes.tables.corpus import Document, read_corpus

pytestmark = pytest.mark.studio

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
CONFIG = REPO / "annotations" / "label_config.xml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return {(r["doc_id"], r["quote_id"]): r for r in reader}


def studio_for(server: LocalServer, **kw) -> Studio:
    return Studio(Connection(server.url, server.credentials.token), **kw)


@pytest.fixture(scope="module")
def seed_items() -> tuple[list[Document], list[Quote]]:
    items = list(read_corpus([SEEDS]))
    rows, skipped = annotate_corpus(Annotator(), items)
    assert not skipped
    return [i for i in items if isinstance(i, Document)], rows


def keys(studio: Studio, project_id: int) -> list[tuple[str, str]]:
    return [convert.task_key(t.data) for t in studio.tasks(project_id)]


# -- the correction loop ------------------------------------------------------------

def region_of(result: list[dict], words: str) -> str | None:
    """The id of the QUOTE region whose text starts with `words`."""
    for r in result:
        value = r.get("value") or {}
        if r.get("from_name") == "label" and "QUOTE" in value.get("labels", []) \
                and str(value.get("text", "")).startswith(words):
            return r["id"]
    return None


def set_control(result: list[dict], rid: str, name: str, key: str, value: list[str]) -> None:
    item = next((r for r in result if r.get("id") == rid and r.get("from_name") == name), None)
    if item is None:
        span = next(r for r in result if r.get("id") == rid and r.get("from_name") == "label")["value"]
        kind = "textarea" if name == "speaker" else "choices"
        item = {"id": rid, "from_name": name, "to_name": "text", "type": kind,
                "value": {"start": span["start"], "end": span["end"]}}
        result.append(item)
    item["value"][key] = value


def delete_region(result: list[dict], rid: str) -> list[dict]:
    kept = [r for r in result if r.get("id") != rid and rid not in (r.get("from_id"), r.get("to_id"))]
    linked = {r["to_id"] for r in kept if r.get("type") == "relation"}
    return [r for r in kept if not (str(r.get("id", "")).startswith("m") and r["id"] not in linked)]


def add_quote(result: list[dict], text: str, rid: str, start: int, end: int, speaker: str, mention: tuple[int, int],
              stance: str, kind: str) -> None:
    span = {"start": start, "end": end}
    mid = f"{rid}-who"
    result += [
        {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
         "value": {**span, "text": text[start:end], "labels": ["QUOTE"]}},
        {"id": rid, "from_name": "speaker", "to_name": "text", "type": "textarea", "value": {**span, "text": [speaker]}},
        {"id": rid, "from_name": "stance", "to_name": "text", "type": "choices", "value": {**span, "choices": [stance]}},
        {"id": rid, "from_name": "type", "to_name": "text", "type": "choices", "value": {**span, "choices": [kind]}},
        {"id": mid, "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": mention[0], "end": mention[1], "text": text[mention[0]:mention[1]], "labels": ["SPEAKER"]}},
        {"type": "relation", "from_id": rid, "to_id": mid, "direction": "right", "labels": ["said_by"]},
    ]


def diff_figure(before: dict, after: dict) -> str:
    lines = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b == a:
            continue
        label = f"{key[0][:3]} {key[1]}"
        if b is None:
            lines.append(f"+ {label}: added \"{a['text']}\" ({a['type']}) speaker={a['speaker']!r} "
                         f"mention={a['speaker_mention']!r} stance={a['stance']}")
        elif a is None:
            lines.append(f"- {label}: deleted \"{b['text'][:60]}\" speaker={b['speaker']!r}")
        else:
            cols = [c for c in COLUMNS if a[c] != b[c]]
            lines.append(f"~ {label}: " + "; ".join(f"{c} {b[c]!r} -> {a[c]!r}" for c in cols))
    return "\n".join(lines)


def test_corrections_come_back_as_exactly_those_four_changes(studio_env: LocalServer, tmp_path: Path,
                                                            capsys) -> None:
    token = studio_env.credentials.token
    outputs: list[str] = []

    code, out, err = run(capsys, "push", SEEDS, "--project", "Seeds round trip", "--label-config", CONFIG)
    outputs += [out, err]
    assert code == 0, err
    assert "5 task(s) imported, 0 already there" in out
    studio = studio_for(studio_env)
    project = sync.find_project(studio, "Seeds round trip")
    assert len(studio.tasks(project.id)) == 5
    assert project.model_version == Annotator().rules.version

    code, out, err = run(capsys, "extract", SEEDS, "-o", tmp_path / "machine.csv", "-q")
    assert code == 0, err
    machine = read_csv(tmp_path / "machine.csv")

    # -- annotators at work: each correction is an annotation made through the API
    tasks = {t["data"]["doc_id"]: t for t in studio.export_full(project.id)}
    results = {d: copy.deepcopy(t["predictions"][0]["result"]) for d, t in tasks.items()}
    doc = {k[:3]: k for k in tasks}

    # 1. a speaker: the canonical name of the father, spelled as the registry spells the family
    r = results[doc["004"]]
    rid = region_of(r, "These threats come from just one person")
    assert rid, "the machine no longer finds Tom's quote in seed 004"
    old = machine[(doc["004"], rid)]["speaker"]
    new_speaker = "Tom Vande Hei" if old != "Tom Vande Hei" else "Thomas Vande Hei"
    set_control(r, rid, "speaker", "text", [new_speaker])
    changed_speaker = (doc["004"], rid)

    # 2. a stance: the Roscosmos video announcement reads as hostile (the gold says so)
    r = results[doc["001"]]
    rid = region_of(r, "The Roscosmos television studio jokingly")
    assert rid, "the machine no longer finds RIA's quote in seed 001"
    new_stance = "hostile" if machine[(doc["001"], rid)]["stance"] != "hostile" else "critical"
    set_control(r, rid, "stance", "choices", [new_stance])
    changed_stance = (doc["001"], rid)

    # 3. a missed quote: 'one retired astronaut saying it had "crossed the line"' (seed 003)
    text = tasks[doc["003"]]["data"]["text"]
    start = text.index("crossed the line")
    assert not any(int(m["start"]) < start + 16 and start < int(m["end"])
                   for k, m in machine.items() if k[0] == doc["003"]), "the machine found it: pick another"
    who = text.index("one retired astronaut")
    add_quote(results[doc["003"]], text, "added01", start, start + len("crossed the line"), "Scott Kelly",
              (who, who + len("one retired astronaut")), "critical", "partial")
    added = (doc["003"], "added01")

    # 4. a false quote: a historical quotation shared in a post is nobody's utterance in this story
    r = results[doc["004"]]
    rid = region_of(r, "I was called by my country")
    assert rid, "the machine no longer finds the George Washington quotation in seed 004"
    results[doc["004"]] = delete_region(r, rid)
    deleted = (doc["004"], rid)

    # completed annotations for 001, 003, 004; in 001 an older one disagrees and the latest wins
    decoy = copy.deepcopy(tasks[doc["001"]]["predictions"][0]["result"])
    set_control(decoy, changed_stance[1], "stance", "choices", ["supportive"])
    studio.annotate(tasks[doc["001"]]["id"], decoy)
    for d in ("001", "003", "004"):
        studio.annotate(tasks[doc[d]]["id"], results[doc[d]])
    # 000 accepted as predicted; then a skipped (cancelled) one with a change that must not count
    studio.annotate(tasks[doc["000"]]["id"], tasks[doc["000"]]["predictions"][0]["result"])
    skipped = copy.deepcopy(tasks[doc["000"]]["predictions"][0]["result"])
    set_control(skipped, skipped[0]["id"], "stance", "choices", ["hostile"])
    studio.annotate(tasks[doc["000"]]["id"], skipped, cancelled=True)
    # 002: nobody looked at it, the prediction stands

    pulled = tmp_path / "annotations" / "seeds.json"
    pulled.parent.mkdir()
    code, out, err = run(capsys, "pull", "--project", "Seeds round trip", "-o", pulled)
    outputs += [out, err]
    assert code == 0, err
    assert "5 task(s) of 'Seeds round trip' (4 with a completed annotation)" in out
    code, out, err = run(capsys, "export", pulled, "-o", tmp_path / "corrected.csv")
    outputs += [out, err]
    assert code == 0, err
    corrected = read_csv(tmp_path / "corrected.csv")

    figure = diff_figure(machine, corrected)
    print("\n" + figure)
    (tmp_path / "diff.txt").write_text(figure + "\n", encoding="utf-8")

    assert set(machine) - set(corrected) == {deleted}
    assert set(corrected) - set(machine) == {added}
    changed = {k for k in set(machine) & set(corrected) if machine[k] != corrected[k]}
    assert changed == {changed_speaker, changed_stance}
    before, after = machine[changed_speaker], corrected[changed_speaker]
    # the machine's gender was the machine's speaker's: nobody has said the corrected one's
    assert {c for c in COLUMNS if before[c] != after[c]} <= {"speaker", "confidence", "speaker_gender",
                                                             "speaker_gender_evidence"}
    assert after["speaker"] == new_speaker and after["speaker_mention"] == before["speaker_mention"]
    assert (after["speaker_gender"], after["speaker_gender_evidence"]) == ("unknown", "none")
    before, after = machine[changed_stance], corrected[changed_stance]
    assert {c for c in COLUMNS if before[c] != after[c]} <= {"stance", "stance_score", "stance_cues", "stance_probs"}
    # a person's label: no model's probabilities
    assert after["stance"] == new_stance and after["stance_cues"] == "annotator" and after["stance_probs"] == ""
    row = corrected[added]
    assert (row["text"], row["type"], row["speaker"], row["speaker_mention"], row["stance"]) == \
        ("crossed the line", "partial", "Scott Kelly", "one retired astronaut", "critical")
    assert text[int(row["start"]):int(row["end"])] == row["text"]

    # a second push adds no task and leaves the annotations alone
    code, out, err = run(capsys, "push", SEEDS, "--project", "Seeds round trip", "--label-config", CONFIG)
    outputs += [out, err]
    assert code == 0, err
    assert "0 task(s) imported, 5 already there" in out
    assert len(studio.tasks(project.id)) == 5
    assert sum(t.annotations for t in studio.tasks(project.id)) == 6

    # the token is in none of the outputs, the export or the server's log
    assert all(token not in o for o in outputs)
    assert token not in pulled.read_text(encoding="utf-8")
    assert token not in studio_env.log_file.read_text(encoding="utf-8", errors="replace")


# -- pushing again, changed documents, interruptions, retries ----------------------

def test_a_changed_document_becomes_a_new_task(studio_env: LocalServer, tmp_path: Path, capsys) -> None:
    doc = tmp_path / "docs" / "pier.txt"
    doc.parent.mkdir()
    doc.write_text('"The pier is finally open," said Ann Smith.\n', encoding="utf-8")
    assert run(capsys, "push", doc.parent, "--project", "changed", "--label-config", CONFIG)[0] == 0
    doc.write_text('"The pier is finally open," said Ann Smith.\n"We waited years," said Jo Park.\n', encoding="utf-8")
    code, out, err = run(capsys, "push", doc.parent, "--project", "changed", "--label-config", CONFIG)
    assert code == 0, err
    assert "1 task(s) imported, 0 already there" in out
    studio = studio_for(studio_env)
    project = sync.find_project(studio, "changed")
    assert sorted(k[0] for k in keys(studio, project.id)) == ["pier", "pier"]

    pulled, table = tmp_path / "changed.json", tmp_path / "changed.csv"
    assert run(capsys, "pull", "--project", "changed", "-o", pulled)[0] == 0
    assert run(capsys, "export", pulled, "-o", table)[0] == 0
    assert [r["speaker"] for r in read_csv(table).values()] == ["Ann Smith", "Jo Park"]  # the newest text


def test_two_documents_with_one_id_become_two_tasks_with_their_own_quotes(studio_env: LocalServer, tmp_path: Path,
                                                                          capsys) -> None:
    corpus = tmp_path / "dup.jsonl"
    texts = ('"The pier is finally open," said Ann Smith.\n',
             'Jo Park spoke on Monday.\n"We waited years for this pier," she said.\n')
    corpus.write_text("".join(json.dumps({"id": "pier", "text": t}) + "\n" for t in texts), encoding="utf-8")
    code, out, err = run(capsys, "push", corpus, "--project", "dup-ids", "--label-config", CONFIG)
    assert code == 3, err
    assert err == f"Warning: {corpus}:2: id 'pier' is already {corpus}:1's; its rows are under 'pier~2'\n"
    assert "2 task(s) imported, 0 already there" in out
    studio = studio_for(studio_env)
    assert sorted(k[0] for k in keys(studio, sync.find_project(studio, "dup-ids").id)) == ["pier", "pier~2"]

    pulled, table = tmp_path / "dup.json", tmp_path / "dup.csv"
    assert run(capsys, "pull", "--project", "dup-ids", "-o", pulled)[0] == 0
    assert run(capsys, "export", pulled, "-o", table)[0] == 0
    rows = read_csv(table)
    assert sorted((doc, r["speaker"]) for (doc, _), r in rows.items()) == [("pier", "Ann Smith"), ("pier~2", "Jo Park")]


def test_an_interrupted_push_completes_without_duplicates(studio_env: LocalServer, seed_items) -> None:
    documents, rows = seed_items
    items = sync.build_items(documents, rows, "1")
    studio = studio_for(studio_env)
    xml = CONFIG.read_text(encoding="utf-8")

    def cut(done: int) -> None:
        raise KeyboardInterrupt  # as if ^C arrived after the first batch

    with pytest.raises(KeyboardInterrupt):
        sync.push(studio, "interrupted", items, "1", xml, batch_size=2, on_batch=cut)
    project = sync.find_project(studio, "interrupted")
    assert len(keys(studio, project.id)) == 2

    report = sync.push(studio, "interrupted", items, "1", xml, batch_size=2)
    assert (report.imported, report.present) == (3, 2)
    found = keys(studio, project.id)
    assert len(found) == 5 and len(set(found)) == 5


class TimeoutAfterImport(httpx.HTTPTransport):
    """The real server carries out the first import, but the answer never reaches the client."""

    def __init__(self) -> None:
        super().__init__()
        self.cut = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/import") and not self.cut:
            response.read()
            self.cut += 1
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


def test_a_retry_never_adds_a_task_twice(studio_env: LocalServer, seed_items, monkeypatch) -> None:
    monkeypatch.setattr(sync, "BACKOFF", 0.05)
    documents, rows = seed_items
    items = sync.build_items(documents, rows, "1")
    transport = TimeoutAfterImport()
    studio = studio_for(studio_env, httpx_client=httpx.Client(transport=transport, timeout=60))
    report = sync.push(studio, "retried", items, "1", CONFIG.read_text(encoding="utf-8"), batch_size=3)
    assert transport.cut == 1
    assert report.imported == 5
    found = keys(studio, report.project.id)
    assert len(found) == 5 and len(set(found)) == 5


def test_duplicates_left_behind_are_removed_when_untouched(studio_env: LocalServer, seed_items) -> None:
    documents, rows = seed_items
    items = sync.build_items(documents[:2], rows, "1")
    studio = studio_for(studio_env)
    xml = CONFIG.read_text(encoding="utf-8")
    report = sync.push(studio, "duplicated", items, "1", xml)
    studio.import_tasks(report.project.id, [items[0].task])  # what a lost answer plus a blind retry would leave
    assert len(keys(studio, report.project.id)) == 3
    report = sync.push(studio, "duplicated", items, "1", xml)
    assert (report.duplicates_removed, report.imported) == (1, 0)
    assert len(keys(studio, report.project.id)) == 2


def test_a_new_rules_version_reaches_existing_tasks(studio_env: LocalServer, seed_items) -> None:
    documents, rows = seed_items
    studio = studio_for(studio_env)
    xml = CONFIG.read_text(encoding="utf-8")
    sync.push(studio, "versions", sync.build_items(documents, rows, "1"), "1", xml)
    newer = sync.build_items(documents, rows, "2")
    report = sync.push(studio, "versions", newer, "2", xml)
    assert (report.imported, report.present, report.predictions_added) == (0, 5, 5)
    assert report.project.model_version == "2"
    versions = studio.prediction_versions(report.project.id)
    assert all(v == {"1", "2"} for v in versions.values()) and len(versions) == 5
    again = sync.push(studio, "versions", newer, "2", xml)
    assert (again.imported, again.predictions_added) == (0, 0)


# -- failures: one line, exit 1, the server or file named, never the token ---------------

def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 1
    assert "Traceback" not in out + err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


def test_a_wrong_token(studio_env: LocalServer, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "notTheToken123")
    line = one_line_error(*run(capsys, "pull", "--project", "Seeds round trip", "-o", tmp_path / "x.json"))
    assert f"Label Studio at {studio_env.url} refused the API token" in line and "LABEL_STUDIO_API_KEY" in line
    assert "notTheToken123" not in line and studio_env.credentials.token not in line


def test_a_server_that_is_down(studio_env: LocalServer, tmp_path: Path, monkeypatch, capsys) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("LABEL_STUDIO_URL", url)
    line = one_line_error(*run(capsys, "push", SEEDS, "--project", "down", "--label-config", CONFIG))
    assert f"Label Studio is not reachable at {url}" in line and "quotes studio start" in line
    assert studio_env.credentials.token not in line


def test_a_missing_project(studio_env: LocalServer, tmp_path: Path, capsys) -> None:
    line = one_line_error(*run(capsys, "pull", "--project", "No such project", "-o", tmp_path / "x.json"))
    assert f"no project named 'No such project' at {studio_env.url}" in line


def test_a_bad_label_config(studio_env: LocalServer, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "label_config.xml"
    bad.write_text(CONFIG.read_text(encoding="utf-8").replace('<Choice value="hostile"', '<Choice value="angry"'),
                   encoding="utf-8")
    line = one_line_error(*run(capsys, "push", SEEDS, "--project", "bad config", "--label-config", bad))
    assert f"{bad}:" in line and "lacks hostile" in line
    assert not sync_find(studio_env, "bad config")


def sync_find(server: LocalServer, title: str) -> list:
    return studio_for(server).find_projects(title)


def test_predictions_that_do_not_fit_the_project_are_refused_before_import(studio_env: LocalServer) -> None:
    studio = studio_for(studio_env)
    narrow = label_config(["critical", "neutral"])
    project = studio.create_project("narrow", narrow, "1")
    doc = Document("d1", '"Back off," Jo Park said.', "d1.txt")
    hostile = Quote("d1", "q1", 1, 9, "Back off", speaker="Jo Park", stance="hostile")
    items = sync.build_items([doc], [hostile], "1")
    with pytest.raises(Exception, match=r"d1.txt: the predictions do not fit the labeling interface of project "
                                        r"'narrow'") as err:
        sync.validate(studio, project, items)
    assert "\n" not in str(err.value)
    assert keys(studio, project.id) == []


def test_a_project_keeps_its_config_while_it_can_hold_our_quotes(studio_env: LocalServer, seed_items) -> None:
    documents, rows = seed_items
    studio = studio_for(studio_env)
    ours = CONFIG.read_text(encoding="utf-8")
    labels = ["hostile", "critical", "concerned", "reassuring", "supportive", "neutral"]
    custom = ours.replace("<View>", '<View>\n  <Header value="Read the annotation guide first"/>', 1)
    studio.create_project("custom config", custom, "1")
    report = sync.push(studio, "custom config", sync.build_items(documents[:1], rows, "1"), "1", ours,
                       stance_labels=labels)
    assert not report.config_updated and "annotation guide" in report.project.label_config

    studio.create_project("old labels", label_config(["critical", "neutral"]), "1")
    report = sync.push(studio, "old labels", sync.build_items(documents[:1], rows, "1"), "1", ours,
                       stance_labels=labels)
    assert report.config_updated and report.imported == 1
    assert 'value="hostile"' in report.project.label_config
