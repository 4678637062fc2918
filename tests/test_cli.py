"""Specification of `quotes extract`: inputs, the quote table, the summary, messages and exit codes."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from quotes.cli import main
from quotes.records import COLUMNS

ANN = '"The pier is finally open," said Ann Smith.\n'
JO = 'Jo Park spoke on Monday.\n"We will finish the bridge by spring," she said.\n'


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    (d / "ann.txt").write_text(ANN, encoding="utf-8")
    (d / "jo.txt").write_text(JO, encoding="utf-8")
    return d


# -- runs that succeed ------------------------------------------------------------

@pytest.mark.model
def test_extract_folder(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out)]) == 0
    rows = read_csv(out)
    assert [(r["doc_id"], r["quote_id"], r["text"], r["speaker"], r["type"]) for r in rows] == [
        ("ann", "q1", "The pier is finally open,", "Ann Smith", "direct"),
        ("jo", "q1", "We will finish the bridge by spring,", "Jo Park", "direct"),
    ]
    texts = {"ann": ANN, "jo": JO}
    for r in rows:
        assert texts[r["doc_id"]][int(r["start"]):int(r["end"])] == r["text"]
    captured = capsys.readouterr()
    assert captured.err == ""
    assert lines(captured.out) == [
        f"2 quotes from 2 documents written to {out}",
        "Quotes per speaker:",
        "      1  Ann Smith",
        "      1  Jo Park",
        "Quotes per stance:",
        "      2  neutral",
    ]


@pytest.mark.model
def test_extract_jsonl_corpus(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in [
        {"id": "n-1", "text": ANN, "outlet": "Courier"},
        {"id": "n-2", "text": JO},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "quotes.jsonl"
    assert main(["extract", str(corpus), "-o", str(out), "-q"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(list(r) == COLUMNS for r in rows)
    assert [(r["doc_id"], r["speaker"]) for r in rows] == [("n-1", "Ann Smith"), ("n-2", "Jo Park")]
    assert isinstance(rows[0]["start"], int)
    assert capsys.readouterr().out == ""  # --quiet: no summary


@pytest.mark.model
def test_extract_csv_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.csv"
    with corpus.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "outlet", "text"])
        writer.writerow(["c-1", "Courier", ANN])
        writer.writerow(["c-2", "Gazette", JO])
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(corpus), "-o", str(out), "-q"]) == 0
    assert [(r["doc_id"], r["speaker"]) for r in read_csv(out)] == [("c-1", "Ann Smith"), ("c-2", "Jo Park")]


# -- runs that skip some inputs: exit 2, one warning line each, the rest written ----

def _bad_input(kind: str, d: Path) -> Path:
    path = d / f"{kind}.txt"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    elif kind == "latin1":
        path.write_bytes('"Très bien," dit Jo Park.'.encode("latin-1"))
    # "missing": never created
    return path


SKIPPED = [
    ("empty", "empty file; nothing to annotate"),
    ("binary", "binary file, not text; pass .txt, .jsonl or .csv files"),
    ("latin1", "not UTF-8 text (byte 3); re-save it as UTF-8"),  # the offset of "è", counted from 0
    ("missing", "no such file or folder; check the path"),
]


@pytest.mark.model
@pytest.mark.parametrize("kind, reason", SKIPPED, ids=[k for k, _ in SKIPPED])
def test_bad_input_is_skipped_and_named(kind: str, reason: str, folder: Path, tmp_path: Path, capsys) -> None:
    bad = _bad_input(kind, tmp_path)
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(folder), str(bad), "-o", str(out)]) == 2
    assert [r["doc_id"] for r in read_csv(out)] == ["ann", "jo"]
    captured = capsys.readouterr()
    assert lines(captured.err) == [f"Warning: skipped {bad}: {reason}"]
    assert lines(captured.out)[0] == f"2 quotes from 2 documents written to {out} (1 skipped, see warnings)"


@pytest.mark.model
def test_bad_files_inside_a_folder(folder: Path, tmp_path: Path, capsys) -> None:
    for kind in ("empty", "binary", "latin1"):
        _bad_input(kind, folder)
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 2
    assert sorted({r["doc_id"] for r in read_csv(out)}) == ["ann", "jo"]
    warnings = lines(capsys.readouterr().err)
    assert len(warnings) == 3
    for kind in ("empty", "binary", "latin1"):
        assert sum(str(folder / f"{kind}.txt") in w for w in warnings) == 1
    assert all(w.startswith("Warning: skipped ") for w in warnings)


@pytest.mark.model
def test_bad_records_of_a_corpus_are_skipped(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join([
        json.dumps({"id": "n-1", "text": ANN}),
        "{not json",
        json.dumps({"id": "n-3", "body_html": "<p>no text field</p>"}),
        json.dumps({"id": "n-4", "text": JO}),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(corpus), "-o", str(out), "-q"]) == 2
    assert [r["doc_id"] for r in read_csv(out)] == ["n-1", "n-4"]
    warnings = lines(capsys.readouterr().err)
    assert len(warnings) == 2
    assert warnings[0].startswith(f"Warning: skipped {corpus}:2: not valid JSON (")
    assert warnings[1] == (f"Warning: skipped {corpus}:3: record has no 'text' field with text; "
                           "name it with --text-field")


# -- runs that fail: exit 1, one `Error:` line, no output -------------------------

def _error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    err = lines(captured.err)
    assert len(err) == 1, err
    return err[0]


def test_bad_output_suffix(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "quotes.xlsx"
    assert main(["extract", str(folder), "-o", str(out)]) == 1
    assert _error_line(capsys) == f"Error: {out}: unknown output format; name the file .csv or .jsonl"
    assert not out.exists()


def test_missing_output_folder(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "nowhere" / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out)]) == 1
    assert _error_line(capsys) == f"Error: {out.parent}: output folder does not exist; create it first"


RULES_ERRORS = [
    ("version: [\n", "not valid YAML ("),
    ("- just\n- a list\n", "a rules file is a YAML mapping with version, cue_verbs, speakers, stance"),
    ("cue_verbs: {say: 1.0}\n", "missing 'version'; every rules file carries its version"),
    ("version: '2'\n", "'cue_verbs' is empty; the annotator needs at least one reporting verb"),
    ("version: '2'\ncue_verbs: {say: loud}\n", "cue_verbs.say has weight 'loud', expected a number"),
    ("version: '2'\ncue_verbs: {say: 1}\nspeakers: {Jo Park: {kind: robot}}\n",
     "speakers.Jo Park.kind is 'robot', expected person or organisation"),
    ("version: '2'\ncue_verbs: {say: 1}\nthresholds: {min_cue_weight: abc}\n",
     "thresholds.min_cue_weight is 'abc', expected a number; fix it or pass another file to --rules"),
    ("version: '2'\ncue_verbs: {say: 1}\nthresholds: [1, 2]\n",
     "thresholds is a list, expected a mapping of names to numbers; fix it or pass another file to --rules"),
    ("version: '2'\ncue_verbs: [said]\n",
     "cue_verbs is a list, expected a mapping of words to weights (say: 1.0); fix it or pass another file to --rules"),
    ("version: '2'\ncue_verbs: {say: !!python/object/apply:os.system [echo hi]}\n",
     "cue_verbs.say has the YAML tag tag:yaml.org,2002:python/object/apply:os.system; a rules file is plain YAML: "
     "remove the tag"),
    ("version: '2'\ncue_verbs: {say: 1}\nspeakers: {Jo Park: {aliases: 5}}\n",
     "speakers.Jo Park.aliases is 5, expected a list of names; fix it or pass another file to --rules"),
    ("version: '2'\ncue_verbs: {say: 1}\nboilerplate: read more\n",
     "boilerplate is 'read more', expected a list of words; fix it or pass another file to --rules"),
]


@pytest.mark.parametrize("content, message", RULES_ERRORS, ids=[
    "yaml-syntax", "not-a-mapping", "no-version", "no-cue-verbs", "bad-weight", "bad-speaker-kind",
    "threshold-not-a-number", "thresholds-a-list", "cue-verbs-a-list", "tagged-value", "aliases-not-a-list",
    "word-list-a-word"])
def test_invalid_rules_file(content: str, message: str, folder: Path, tmp_path: Path, capsys) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(content, encoding="utf-8")
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out), "--rules", str(rules)]) == 1
    assert _error_line(capsys).startswith(f"Error: {rules}: {message}")
    assert not out.exists()


def test_missing_rules_file(folder: Path, tmp_path: Path, capsys) -> None:
    rules = tmp_path / "nope.yaml"
    assert main(["extract", str(folder), "-o", str(tmp_path / "q.csv"), "--rules", str(rules)]) == 1
    assert _error_line(capsys) == f"Error: {rules}: rules file not found; pass an existing file to --rules"


def test_no_command_prints_help_and_fails(capsys) -> None:
    assert main([]) == 1
    assert "extract" in capsys.readouterr().out


# -- the installed console script -------------------------------------------------

@pytest.mark.model
def test_console_script(folder: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("quotes")
    assert script.exists(), "the package installs a `quotes` console script"
    out = tmp_path / "quotes.csv"
    missing = tmp_path / "missing.txt"
    done = subprocess.run([str(script), "extract", str(folder), str(missing), "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert lines(done.stderr) == [f"Warning: skipped {missing}: no such file or folder; check the path"]
    assert lines(done.stdout)[0] == f"2 quotes from 2 documents written to {out} (1 skipped, see warnings)"
    assert [r["speaker"] for r in read_csv(out)] == ["Ann Smith", "Jo Park"]


def test_every_command_is_documented_in_the_readme():
    from quotes.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    missing = [name for name in sub.choices if f"quotes {name}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"
