"""Specification of `quotes extract`: inputs, the quote table, the summary, messages and exit codes."""
from __future__ import annotations

import csv
import errno
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from quotes.cli import main
from quotes.records import COLUMNS

ANN = '"The pier is finally open," said Ann Smith.\n'
JO = 'Jo Park spoke on Monday.\n"We will finish the bridge by spring," she said.\n'


def read_csv(path: Path, extra: tuple[str, ...] = ()) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS + list(extra)
        return list(reader)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


REPO = Path(__file__).resolve().parents[1]


def script_env(**extra: str) -> dict[str, str]:
    """The environment for the console script: it imports this tree's package, not the one installed in editable
    mode from another checkout (a git worktree shares the virtualenv)."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


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
    summary = lines(captured.out)
    assert summary[:5] == [
        f"2 quotes from 2 documents written to {out}",
        "Quotes per speaker:",
        "      1  Ann Smith",
        "      1  Jo Park",
        "Quotes per stance:",
    ]
    # the stance lines count the rows' labels (which label is the stance model's business, tested elsewhere)
    stances = [line.split() for line in summary[5:]]
    assert sorted((label, int(n)) for n, label in stances) == sorted(
        (label, n) for label, n in Counter(r["stance"] for r in rows).items())


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
    assert all(list(r) == COLUMNS + ["outlet"] for r in rows)  # a record's other fields: columns after ours
    assert [(r["doc_id"], r["speaker"], r["outlet"]) for r in rows] == [("n-1", "Ann Smith", "Courier"),
                                                                         ("n-2", "Jo Park", None)]
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
    assert [(r["doc_id"], r["speaker"], r["outlet"]) for r in read_csv(out, ("outlet",))] == [
        ("c-1", "Ann Smith", "Courier"), ("c-2", "Jo Park", "Gazette")]


# -- runs that skip some inputs: exit 3, one warning line each, the rest written ----

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
    assert main(["extract", str(folder), str(bad), "-o", str(out)]) == 3
    assert [r["doc_id"] for r in read_csv(out)] == ["ann", "jo"]
    captured = capsys.readouterr()
    assert lines(captured.err) == [f"Warning: skipped {bad}: {reason}"]
    assert lines(captured.out)[0] == f"2 quotes from 2 documents written to {out} (1 skipped, see warnings)"


@pytest.mark.model
def test_bad_files_inside_a_folder(folder: Path, tmp_path: Path, capsys) -> None:
    for kind in ("empty", "binary", "latin1"):
        _bad_input(kind, folder)
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 3
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
    assert main(["extract", str(corpus), "-o", str(out), "-q"]) == 3
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
    assert _error_line(capsys) == (f"Error: {out}: unknown output format; name the file .csv, .jsonl or .parquet "
                                   "(or give --format)")
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


def test_no_command_prints_help_and_is_a_usage_error(capsys) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "extract" in captured.err


# -- the installed console script -------------------------------------------------

@pytest.mark.model
def test_console_script(folder: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("quotes")
    assert script.exists(), "the package installs a `quotes` console script"
    out = tmp_path / "quotes.csv"
    missing = tmp_path / "missing.txt"
    done = subprocess.run([str(script), "extract", str(folder), str(missing), "-o", str(out)],
                          capture_output=True, text=True, timeout=300, env=script_env())
    assert done.returncode == 3, done.stderr
    assert lines(done.stderr) == [f"Warning: skipped {missing}: no such file or folder; check the path"]
    assert lines(done.stdout)[0] == f"2 quotes from 2 documents written to {out} (1 skipped, see warnings)"
    assert [r["speaker"] for r in read_csv(out)] == ["Ann Smith", "Jo Park"]


def test_every_command_is_documented_in_the_readme():
    from quotes.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    missing = [name for name in sub.choices if f"quotes {name}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


# -- output failures: checked before the work, exit 1, one line, nothing left behind ----

def _nothing_written(tmp_path: Path, out: Path, before: set[Path]) -> None:
    assert not out.is_file() or out in before
    assert not list(tmp_path.rglob(".*.part")), "a part file was left behind"


def _output(kind: str, folder: Path, tmp_path: Path) -> tuple[Path, list[str], str]:
    """An output path of `kind`, the inputs of the run, and the error it gets."""
    if kind == "is-a-folder":
        out = tmp_path / "out.csv"
        out.mkdir()
        return out, [str(folder)], f"{out}: is a folder; name a file to write, e.g. {out / 'quotes.csv'}"
    if kind == "folder-is-a-file":
        out = folder / "ann.txt" / "out.csv"
        return out, [str(folder)], f"{out.parent}: is a file, not a folder; choose another output path"
    if kind == "is-an-input":
        corpus = tmp_path / "c.csv"
        corpus.write_text("id,text\nann,One.\n", encoding="utf-8")
        return corpus, [str(corpus)], f"{corpus}: is also an input; write the output to another file, the input " \
                                      "stays as it is"
    if kind == "is-a-file-of-an-input-folder":
        corpus = folder / "more.csv"
        corpus.write_text("id,text\nann2,One.\n", encoding="utf-8")
        return corpus, [str(folder)], f"{corpus}: is also an input; write the output to another file, the input " \
                                      "stays as it is"
    raise ValueError(kind)


OUTPUTS = ["is-a-folder", "folder-is-a-file", "is-an-input", "is-a-file-of-an-input-folder"]


@pytest.mark.parametrize("kind", OUTPUTS)
def test_an_unusable_output_fails_before_any_work(kind: str, folder: Path, tmp_path: Path, capsys) -> None:
    out, inputs, message = _output(kind, folder, tmp_path)
    before = set(tmp_path.rglob("*"))
    content = out.read_bytes() if out.is_file() else None
    assert main(["extract", *inputs, "-o", str(out)]) == 1
    assert _error_line(capsys) == f"Error: {message}"
    assert set(tmp_path.rglob("*")) == before
    if content is not None:
        assert out.read_bytes() == content  # the input is untouched


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES], ids=["read-only-file-system", "no-permission"])
def test_an_output_that_cannot_be_created_fails_before_any_work(code: int, folder: Path, tmp_path: Path,
                                                                monkeypatch, capsys) -> None:
    """Simulated (the tests may run as root, whom permissions do not stop); the model is never loaded."""
    from quotes.pipeline import annotator as pipeline
    from quotes.tables import output

    monkeypatch.setattr(output.os, "open", lambda *a, **k: (_ for _ in ()).throw(OSError(code, os.strerror(code))))
    monkeypatch.setattr(pipeline, "load_pipeline", lambda *a, **k: pytest.fail("the model was loaded"))
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out)]) == 1
    assert _error_line(capsys).startswith(f"Error: {out}: cannot be written ({os.strerror(code)}; ")
    _nothing_written(tmp_path, out, set())


@pytest.mark.model
def test_a_full_disk_while_writing_leaves_nothing(folder: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from quotes.tables import output

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def write(self, text):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    real_open = open
    monkeypatch.setattr(output, "open", lambda *a, **k: Full(real_open(*a, **k)), raising=False)
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out)]) == 1
    assert _error_line(capsys) == (f"Error: {out}: writing failed (No space left on device; the disk is full; free "
                                   "some space and run again); nothing was written")
    _nothing_written(tmp_path, out, set())


@pytest.mark.model
def test_a_file_size_limit_stops_the_run_cleanly(folder: Path, tmp_path: Path) -> None:
    """A real failing write: RLIMIT_FSIZE lets no file grow past 300 bytes (the header's 212 fit), so the row
    spool fails."""
    import resource

    script = Path(sys.executable).with_name("quotes")
    out = tmp_path / "quotes.csv"
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))  # noqa: E731
    env = script_env(TMPDIR=str(tmp_path))
    done = subprocess.run([str(script), "extract", str(folder), "-o", str(out)], capture_output=True, text=True,
                          timeout=300, preexec_fn=limit, env=env)
    assert done.returncode == 1, done.stderr
    assert lines(done.stderr) == [f"Error: {tmp_path}: the temporary spool of rows cannot be written (File too "
                                  "large); free some space there or point TMPDIR to another folder; nothing was "
                                  "written"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles"]


# -- outputs are never read back, inputs never overwritten ----------------------------

@pytest.mark.model
def test_an_output_inside_the_input_folder_is_never_read_back(folder: Path, capsys) -> None:
    out = folder / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 0
    first = out.read_bytes()
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 0  # its own output: silently left out
    assert out.read_bytes() == first
    other = folder / "quotes-v2.jsonl"
    assert main(["extract", str(folder), "-o", str(other), "-q"]) == 3  # another output of ours: named
    assert lines(capsys.readouterr().err) == [f"Warning: skipped {out}: a quote table written by `quotes`, not a "
                                              "corpus; keep outputs out of input folders"]
    assert {json.loads(line)["doc_id"] for line in other.read_text(encoding="utf-8").splitlines()} == {"ann", "jo"}


# -- the corpora careless exports make -------------------------------------------------

@pytest.mark.model
def test_corpus_cases_get_one_warning_each(tmp_path: Path, capsys) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text("\n".join([
        json.dumps({"id": "n-1", "text": "Jo Park spoke.\u2028" + ANN}, ensure_ascii=False),  # U+2028 inside: kept
        json.dumps({"id": "n-2", "text": 42}),
        json.dumps({"id": "n-1", "text": JO}),  # another text under an id already used: renamed
        json.dumps({"id": "n-4", "text": ANN}),
        json.dumps({"id": "n-4", "text": ANN}),  # the same document twice: read once
        "{broken",
    ]) + "\n", encoding="utf-8")
    good = ANN.strip().replace('"', '""')
    (d / "b.csv").write_text(f'id,text\nc-1,"He said hi\nc-2,"{good}"\n', encoding="utf-8")  # c-1 never closes
    (d / "late.txt").write_bytes(ANN.encode() * 300 + b"\x00")
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(d), "-o", str(out), "-q"]) == 3
    assert sorted(lines(capsys.readouterr().err)) == sorted([
        f"Warning: skipped {d / 'a.jsonl'}:2: record's 'text' is a number, not text; fix the record or name the text "
        "field with --text-field",
        f"Warning: {d / 'a.jsonl'}:3: id 'n-1' is already {d / 'a.jsonl'}:1's; its rows are under 'n-1~2'",
        f"Warning: skipped {d / 'a.jsonl'}:5: same id 'n-4' and text as {d / 'a.jsonl'}:4; annotated once",
        f"Warning: skipped {d / 'a.jsonl'}:6: not valid JSON (Expecting property name enclosed in double quotes); "
        "fix or remove the line",
        f"Warning: skipped {d / 'b.csv'}:row 1: broken quoting from line 2 (',' expected after '\"'): a field opened "
        "with \" is never closed, or a \" inside a field is not doubled; fix the record",
        f"Warning: skipped {d / 'late.txt'}: binary file, not text; pass .txt, .jsonl or .csv files",
    ])
    rows = read_csv(out)
    assert [(r["doc_id"], r["speaker"]) for r in rows] == [
        ("n-1", "Ann Smith"), ("n-1~2", "Jo Park"), ("n-4", "Ann Smith"), ("c-2", "Ann Smith")]
    assert len({(r["doc_id"], r["quote_id"]) for r in rows}) == len(rows)


@pytest.mark.model
def test_csv_cells_are_safe_in_a_spreadsheet_and_jsonl_is_true(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    text = '"=HYPERLINK(1)," Jo Park said.\n"-5 degrees tonight," said Ann Smith.\n'
    corpus.write_text(json.dumps({"id": "@doc", "text": text}) + "\n", encoding="utf-8")
    table, stream = tmp_path / "q.csv", tmp_path / "q.jsonl"
    assert main(["extract", str(corpus), "-o", str(table), "-q"]) == 0
    assert main(["extract", str(corpus), "-o", str(stream), "-q"]) == 0
    cells = read_csv(table)
    true = [json.loads(line) for line in stream.read_text(encoding="utf-8").splitlines()]
    assert [(r["doc_id"], r["text"]) for r in cells] == [("'@doc", "'" + t["text"]) for t in true]
    assert [t["text"][0] for t in true] == ["=", "-"]


@pytest.mark.model
def test_a_document_past_the_model_limit_is_skipped_and_named(folder: Path, tmp_path: Path, capsys) -> None:
    import quotes

    huge = "A word. " * 125_000 + "x"  # 1,000,001 characters: one past the model's limit
    (folder / "huge.txt").write_text(huge, encoding="utf-8")
    out = tmp_path / "quotes.csv"
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 3
    assert lines(capsys.readouterr().err) == [
        f"Warning: skipped {folder / 'huge.txt'}: longer than 1,000,000 characters; split it into parts"]
    assert [r["doc_id"] for r in read_csv(out)] == ["ann", "jo"]
    with pytest.raises(quotes.QuotesError, match="longer than 1,000,000 characters; split it into parts"):
        quotes.extract(huge)


# -- the command line explains itself; its statuses do not collide ----------------------

def _actions(parser, path: str = "quotes"):
    """Every action of the parser and of its subcommands, with where it is."""
    import argparse

    for action in parser._actions:
        yield path, action
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"{path} {choice.dest}", choice
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{path} {name}")


def test_every_command_and_option_has_help() -> None:
    from quotes.cli import build_parser

    actions = list(_actions(build_parser()))
    assert len(actions) > 80  # every command's options were walked, not only the top level's
    missing = [f"{where}: {'/'.join(a.option_strings) or a.dest}" for where, a in actions
               if not (a.help or "").strip()]
    assert not missing, f"actions without help text: {missing}"


def test_exit_statuses_do_not_collide(folder: Path, tmp_path: Path, capsys) -> None:
    """0 done, 1 error, 2 usage (argparse's own and options that do not go together), 3 done with warnings."""
    from quotes.cli.status import EXIT_ERROR, EXIT_OK, EXIT_USAGE, EXIT_WARNINGS

    assert len({EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_WARNINGS}) == 4
    with pytest.raises(SystemExit) as usage:
        main(["extract", str(folder)])  # no -o
    assert usage.value.code == EXIT_USAGE == 2
    assert "the following arguments are required: -o/--output" in capsys.readouterr().err
    assert main(["learn", str(tmp_path / "c.json"), "--curve", "-o", str(tmp_path / "r.yaml")]) == EXIT_USAGE
    assert _error_line(capsys) == "Error: --curve writes no rules: drop -o, or drop --curve to learn the rules"
