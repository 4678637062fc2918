"""`quotes export` and `quotes studio config` need no server: exact output, exit codes, one-line errors."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from quotes.cli import main
from quotes.records import COLUMNS, Quote
from quotes.studio import convert

TEXT = '"We will finish by spring," Jo Park said.'
ROW = Quote("jo", "q1", 1, 25, TEXT[1:25], speaker="Jo Park", speaker_mention="Jo Park", mention_start=28,
            mention_end=35, cue="said", stance="reassuring", stance_score=0.5, stance_cues="will finish",
            confidence=0.9, rules_version="3")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_writes_the_quote_table(tmp_path: Path, capsys) -> None:
    pulled = tmp_path / "pulled.json"
    task = {"id": 1, "data": convert.task_data("jo", TEXT), "annotations": [],
            "predictions": [{"id": 1, **convert.prediction([ROW], "3")}]}
    pulled.write_text(json.dumps([task]), encoding="utf-8")
    code, out, err = run(capsys, "export", pulled, "-o", tmp_path / "corrected.csv")
    assert (code, err) == (0, "")
    assert out == f"1 quotes from 1 documents (0 task(s) with a completed annotation) written to {tmp_path / 'corrected.csv'}\n"
    with (tmp_path / "corrected.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == COLUMNS
    # an empty mapping (no label probabilities: a row of the cue model) is an empty cell, as None is
    assert rows[0] == {k: "" if v is None or v == {} else str(v) for k, v in ROW.to_row().items()}


@pytest.mark.parametrize("content, message", [
    (None, "no such file; pull one with `quotes pull --project NAME -o"),
    ("{not json", "not JSON (Expecting property name enclosed in double quotes, line 1)"),
    ('{"tasks": []}', "not a Label Studio JSON export"),
])
def test_export_of_a_bad_file(content: str | None, message: str, tmp_path: Path, capsys) -> None:
    pulled = tmp_path / "pulled.json"
    if content is not None:
        pulled.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "export", pulled, "-o", tmp_path / "corrected.csv")
    assert code == 1 and out == ""
    assert err.startswith(f"Error: {pulled}: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "corrected.csv").exists()


def test_studio_config_prints_the_interface(capsys) -> None:
    code, out, _ = run(capsys, "studio", "config", "-o", "-")
    assert code == 0
    assert '<Labels name="label" toName="text">' in out and '<Choice value="neutral"' in out


def test_push_without_a_token_says_what_to_do(tmp_path: Path, monkeypatch, capsys) -> None:
    for name in ("LABEL_STUDIO_API_KEY", "QUOTES_STUDIO_TOKEN", "LABEL_STUDIO_URL", "QUOTES_STUDIO_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUOTES_STUDIO_DIR", str(tmp_path / ".studio"))
    code, out, err = run(capsys, "pull", "--project", "Seeds", "-o", tmp_path / "x.json")
    assert code == 1
    assert err == ("Error: no API token for http://127.0.0.1:8080: set LABEL_STUDIO_API_KEY to your Label Studio "
                   "token (Account & Settings > Legacy Token), or start the local server with `quotes studio start`\n")


def test_export_to_an_unusable_output_writes_nothing(tmp_path: Path, capsys) -> None:
    pulled = tmp_path / "pulled.json"
    task = {"id": 1, "data": convert.task_data("jo", TEXT), "annotations": [],
            "predictions": [{"id": 1, **convert.prediction([ROW], "3")}]}
    pulled.write_text(json.dumps([task]), encoding="utf-8")
    out = tmp_path / "corrected.csv"
    out.mkdir()
    code, stdout, err = run(capsys, "export", pulled, "-o", out)
    assert (code, stdout) == (1, "")
    assert err == f"Error: {out}: is a folder; name a file to write, e.g. {out / 'quotes.csv'}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corrected.csv", "pulled.json"]


def test_export_cells_are_safe_in_a_spreadsheet(tmp_path: Path, capsys) -> None:
    text = '"=SUM(A1:A9) is wrong," Jo Park said.'
    row = Quote("jo", "q1", 1, 22, text[1:22], speaker="Jo Park", speaker_mention="Jo Park", mention_start=24,
                mention_end=31, cue="said", rules_version="3")
    pulled = tmp_path / "pulled.json"
    task = {"id": 1, "data": convert.task_data("jo", text), "annotations": [],
            "predictions": [{"id": 1, **convert.prediction([row], "3")}]}
    pulled.write_text(json.dumps([task]), encoding="utf-8")
    assert run(capsys, "export", pulled, "-o", tmp_path / "c.csv")[0] == 0
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as fh:
        assert [r["text"] for r in csv.DictReader(fh)] == ["'=SUM(A1:A9) is wrong,"]


@pytest.mark.parametrize("command", ["push", "pull"])
@pytest.mark.parametrize("title", ["p", "  ab ", "x" * 51])
def test_a_project_title_label_studio_refuses_is_a_usage_error(command: str, title: str, tmp_path: Path,
                                                               capsys) -> None:
    # checked before anything is annotated or any server is asked (it was the server's raw HTTP 400, at the end)
    from quotes.cli import main

    where = [str(tmp_path / "none.txt")] if command == "push" else ["-o", str(tmp_path / "x.json")]
    with pytest.raises(SystemExit) as stop:
        main([command, *where, "--project", title])
    assert stop.value.code == 2
    assert "a Label Studio project title has 3 to 50 characters" in capsys.readouterr().err


def test_a_project_title_is_taken_without_the_spaces_at_its_ends() -> None:
    from quotes.cli.arguments import project_title

    assert project_title("  Seeds round trip ") == "Seeds round trip"
    assert project_title("abc") == "abc" and project_title("x" * 50) == "x" * 50
