"""Specification of `quotes learn` (issue 5) on the real model, without a server.

Corrections are Label Studio full-JSON exports built here from "gold" rows (the
human's annotation as Label Studio results, the machine's rows as the task's
prediction), or gold JSONL with its texts. Three corrected documents teach

- an alias: the text misspells "Jo Park" as "Jo Parke" and the annotator gives the right name
  (and a pronoun mention, "she", shows her gender);
- a cue verb: "intone" is no cue of the rules (it is not in quotes/data/rules.yaml), so the machine
  finds the quotes it introduces but no speaker; the annotator names the speaker and links the mention;
- a stance cue: "shoddy" is in no stance cue; quotes with it are neutral to the machine, critical to
  the annotators of all three documents (three different quotes);

and a held-out document shows the old rules' errors there (a misspelt speaker, a quote given to the
previous speaker because its cue is unknown, a neutral stance) and the learned rules fixing them.
The documents are invented.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from quotes.cli import main
from quotes.cli.learn import next_version
from quotes.evaluation.evaluate import GoldQuote
from quotes.learning.corrections import CorrectedDoc, load_corrections
from quotes.learning.crossval import FIGURES, Scores
from quotes.learning.learner import learn
from quotes.learning.workbench import Workbench
from quotes.pipeline.annotator import Annotator
from quotes.records import Quote
from quotes import rules as rules_module
from quotes.rules import default_rules_path, load_rules, parse_rules
from quotes.studio.convert import prediction, prediction_result, task_data

pytestmark = pytest.mark.model


@pytest.fixture(scope="module", autouse=True)
def cue_model_rules(tmp_path_factory):
    """The shipped rules without their learned stance model, standing in for the packaged rules here.

    The stance these corrections teach is a cue ("shoddy"), which labels stance when the rules name no learned
    model (as with `--stance rules`). With the shipped model the label comes from the encoder, whose head a
    default `quotes learn` refits only from 200 stance corrections in 10 documents
    (tests/test_stance_head_learning.py), so four corrected quotes would teach the label nothing."""
    data = {k: v for k, v in load_rules().data.items() if k != "stance_model"}
    path = tmp_path_factory.mktemp("cue-rules") / "rules.yaml"
    parse_rules(data, str(path)).save(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rules_module, "default_rules_path", lambda: path)
        yield path

# doc_id -> text; and the human's quotes: (quoted words, speaker, the words naming the speaker, stance)
CURRENT = load_rules().version  # the shipped rules, which `make rules` learns
NEXT = next_version(CURRENT)

TRAIN = {
    "harbour": ('The harbour board met in Dunmore on Monday to review the repairs.\n\n'
                '"The repairs were shoddy from the first day," Jo Parke said.\n\n'
                'The board will vote on the contract next week.\n\n'
                '"We expect a decision soon," she added.\n'),
    "roads": ('Residents of Eastfield gathered outside the town hall on Thursday.\n\n'
              '"The new road surface is shoddy and it is cracking already," Lena Ortiz intoned.\n'),
    "museum": ('The museum reopened its west wing after a long closure.\n\n'
               '"The lighting in the galleries was shoddy for years," Sam Reyes intoned.\n'),
}
HUMAN = {
    "harbour": [("The repairs were shoddy from the first day,", "Jo Park", "Jo Parke", "critical"),
                ("We expect a decision soon,", "Jo Park", "she", "neutral")],
    "roads": [("The new road surface is shoddy and it is cracking already,", "Lena Ortiz", "Lena Ortiz", "critical")],
    "museum": [("The lighting in the galleries was shoddy for years,", "Sam Reyes", "Sam Reyes", "critical")],
}
HELD_OUT = ('The ferry company faced questions at a public meeting on Friday.\n\n'
            '"Fares will stay the same this year," Jo Parke said.\n\n'
            '"The timetable has been shoddy all winter," Ravi Menon intoned.\n')

# inconsistent annotators: two call "shoddy" critical, the third calls a quote with it neutral
GATE = {
    "roads": ('Residents of Eastfield gathered outside the town hall on Thursday.\n\n'
              '"The new road surface is shoddy and it is cracking already," Lena Ortiz said.\n', "critical"),
    "museum": ('The museum reopened its west wing after a long closure.\n\n'
               '"The lighting in the galleries was shoddy for years," Sam Reyes said.\n', "critical"),
    "depot": ('The bus depot on Mill Lane will close for a week in June.\n\n'
              '"The old shoddy roof comes off on the first day of the works," Ann Smith said.\n', "neutral"),
}

CHANGES = [
    "new speaker 'Jo Park': person, female (shown by a correction)",
    "alias 'Jo Parke' -> 'Jo Park' (evidence 1 document(s))",
    "new cue verb 'intone' weight 0.80 (quotes added or given a speaker in 2 doc(s))",
]
STANCE_CHANGE = re.compile(r"new stance cue 'shoddy' \(critical\) (\d\.\d\d), learned from 3 quotes")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def human_rows(doc_id: str) -> list[Quote]:
    text, rows = TRAIN[doc_id], []
    for n, (words, speaker, mention, stance) in enumerate(HUMAN[doc_id], 1):
        start = text.index(words)
        at = text.index(mention, start + len(words))
        rows.append(Quote(doc_id, f"h{n}", start, start + len(words), words, "direct", speaker, mention, at,
                          at + len(mention), stance=stance))
    return rows


def task(n: int, doc_id: str, text: str, human: list[Quote], machine: list[Quote]) -> dict:
    """A task as the full JSON export holds it: data, the machine's prediction, one submitted annotation."""
    return {"id": n, "data": task_data(doc_id, text),
            "predictions": [{"id": n, **prediction(machine, "1"), "created_at": "2026-01-01T00:00:00Z"}],
            "annotations": [{"id": 100 + n, "result": prediction_result(human), "was_cancelled": False,
                             "updated_at": "2026-01-02T00:00:00Z"}]}


def machine_rows(annotator: Annotator, doc_id: str, text: str) -> list[Quote]:
    return annotator.annotate_text(text, doc_id)


@pytest.fixture(scope="module")
def old() -> Annotator:
    return Annotator()


@pytest.fixture(scope="module")
def export(tmp_path_factory, old: Annotator) -> Path:
    path = tmp_path_factory.mktemp("corrections") / "corrections.json"
    tasks = [task(n, d, TRAIN[d], human_rows(d), machine_rows(old, d, TRAIN[d])) for n, d in enumerate(TRAIN, 1)]
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    return path


def test_the_machine_makes_the_errors_the_corrections_are_about(old: Annotator) -> None:
    rules = load_rules()
    assert "intone" not in rules.cue_verbs and "Jo Park" not in {s.name for s in rules.speakers}
    assert not [c for c in rules.stance.cues if "shoddy" in c.words]
    rows = {d: machine_rows(old, d, TRAIN[d]) for d in TRAIN}
    assert [(q.speaker, q.stance) for q in rows["harbour"]] == [("Jo Parke", "neutral"), ("Jo Parke", "neutral")]
    assert [(q.speaker, q.stance) for q in rows["roads"] + rows["museum"]] == [("", "neutral"), ("", "neutral")]


def test_corrections_teach_an_alias_a_cue_and_a_stance_cue_that_fix_another_document(
        tmp_path: Path, export: Path, old: Annotator, capsys) -> None:
    out = tmp_path / "rules.yaml"
    code, stdout, err = run(capsys, "learn", export, "-o", out)
    assert code == 0, err
    changes = stdout.split("Changes:\n", 1)[1].split("Cross-validation", 1)[0].splitlines()
    assert [c.strip() for c in changes[:3]] == CHANGES
    assert STANCE_CHANGE.fullmatch(changes[3].strip()), changes
    assert len(changes) == 4

    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["speakers"]["Jo Park"] == {"aliases": ["Jo Parke"], "kind": "person", "source": "learned",
                                           "evidence": {"Jo Parke": 1}, "gender": "female"}
    assert data["cue_verbs"]["intone"] == {"weight": 0.8, "source": "learned", "locked": False, "evidence": 2}
    shoddy = [e for e in data["stance"]["cues"]["critical"] if e["pattern"] == "shoddy"]
    assert len(shoddy) == 1 and shoddy[0]["source"] == "learned" and shoddy[0]["evidence"] == 3
    assert shoddy[0]["locked"] is False and 0.75 <= shoddy[0]["weight"] <= 2.0

    # the held-out document: the old rules' errors, and the learned rules' fixes
    before = machine_rows(old, "ferry", HELD_OUT)
    after = machine_rows(Annotator(out), "ferry", HELD_OUT)
    assert [q.text for q in before] == [q.text for q in after] == [
        "Fares will stay the same this year,", "The timetable has been shoddy all winter,"]
    assert (before[0].speaker, before[0].speaker_mention) == ("Jo Parke", "Jo Parke")  # misspelt
    # with no cue it knows, the machine takes the second quote for a continuation of the first
    assert (before[1].speaker, before[1].cue, before[1].stance) == ("Jo Parke", "", "neutral")
    assert (after[0].speaker, after[0].speaker_mention) == ("Jo Park", "Jo Parke")
    assert (after[1].speaker, after[1].speaker_mention, after[1].cue) == ("Ravi Menon", "Ravi Menon", "intoned")
    assert after[1].stance == "critical" and "shoddy" in after[1].stance_cues
    assert after[0].stance == before[0].stance  # what was not corrected stays
    assert after[0].rules_version == NEXT and before[0].rules_version == CURRENT


def test_the_cli_prints_changes_and_both_tables_and_writes_a_new_version(tmp_path: Path, export: Path,
                                                                          capsys) -> None:
    out = tmp_path / "rules.yaml"
    code, stdout, err = run(capsys, "learn", export, "-o", out)
    assert code == 0 and err == ""
    assert stdout.startswith(f"Learned from 3 corrected documents (4 quotes) against rules version {CURRENT}.\nChanges:\n")
    cv = stdout.index("Cross-validation by document (3 folds; each document scored with rules learned from the "
                      "others):")
    final = stdout.index("On the corrected documents with the final rules (what `quotes eval` measures against "
                         "these corrections):")
    assert cv < final
    for start in (cv, final):
        table = stdout[start:].splitlines()[1:2 + len(FIGURES)]
        assert table[0].split() == ["old", "new"]
        assert [row.split()[:-2] if not row.endswith(("+", "-")) else row.split()[:-3] for row in table[1:]] == \
            [label.split() for label, _ in FIGURES]
    # in cross-validation neither the alias (taught by one document) nor the cue (by two: with one of them held
    # out, the other is under min_cue_documents) can help its own document; the stance cue (three) can
    assert "  speaker accuracy         0.000   0.000\n" in stdout[cv:final]
    assert "  stance accuracy          0.250   1.000  +" in stdout[cv:final]
    assert "  speaker accuracy         0.000   1.000  +" in stdout[final:]
    assert stdout.rstrip().endswith(f"Wrote {out}: rules version {NEXT} (from {CURRENT}).")

    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["version"] == NEXT
    parent = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    assert data["provenance"][:-1] == parent["provenance"]
    assert data["provenance"][-1] == {
        "version": NEXT, "from": "learned", "parent": CURRENT,
        "corrections": [{"file": "corrections.json", "sha256": hashlib.sha256(export.read_bytes()).hexdigest()}],
        "documents": 3, "changes": 4}  # no clock: no date, no time


def test_learning_twice_gives_the_same_file(tmp_path: Path, export: Path, capsys) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert run(capsys, "learn", export, "-o", first)[0] == 0
    assert run(capsys, "learn", export, "-o", second)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    # and in the library: one workbench, two passes
    docs, _ = load_corrections([export])
    bench = Workbench(docs)
    rules = load_rules()
    a, b = learn(rules, bench, sorted(bench.docs)), learn(rules, bench, sorted(bench.docs))
    assert a.changes == b.changes and a.rules.to_yaml() == b.rules.to_yaml()
    assert rules.to_yaml() == load_rules().to_yaml()  # the current rules are left alone


def gate_export(path: Path, old: Annotator) -> Path:
    tasks = []
    for n, (doc_id, (text, stance)) in enumerate(GATE.items(), 1):
        machine = machine_rows(old, doc_id, text)
        assert [(q.speaker != "", q.stance) for q in machine] == [(True, "neutral")]
        human = [Quote(**{**q.__dict__, "stance": stance}) for q in machine]
        tasks.append(task(n, doc_id, text, human, machine))
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def test_rules_that_score_worse_in_cross_validation_are_not_written(tmp_path: Path, old: Annotator, capsys) -> None:
    """On the documents it learned from, the 'shoddy' cue looks better (1/3 -> 2/3 right); each document scored
    with rules learned from the other two says otherwise (1/3 -> 0/3): the old rules are kept."""
    export = gate_export(tmp_path / "disagree.json", old)
    out = tmp_path / "rules.yaml"
    code, stdout, err = run(capsys, "learn", export, "-o", out)
    assert code == 3  # finished, with a warning: nothing written
    assert not out.exists()
    assert re.search(r"new stance cue 'shoddy' \(critical\) \d\.\d\d, learned from 2 quotes", stdout)
    cv, final = stdout.split("On the corrected documents with the final rules")
    assert "  stance accuracy          0.333   0.000  -" in cv
    assert "  stance accuracy          0.333   0.667  +" in final
    assert err == (f"Warning: the new rules score worse in cross-validation (stance accuracy); kept the old rules, "
                   f"{out} not written (pass --force to write them anyway)\n")
    assert "Wrote" not in stdout

    code, stdout, err = run(capsys, "learn", export, "-o", out, "--force")
    assert code == 0 and out.exists()
    assert err == ("Warning: the new rules score worse in cross-validation (stance accuracy); "
                   "written because of --force\n")
    assert load_rules(out).version == NEXT


def test_worse_than_names_every_figure_that_fell() -> None:
    base = {key: 0.5 for _, key in FIGURES}
    assert Scores(dict(base)).worse_than(Scores(dict(base))) == []
    assert Scores({**base, "f1": 0.6}).worse_than(Scores(base)) == []
    assert Scores({**base, "e2e_f1": 0.4, "stance_accuracy": 0.49}).worse_than(Scores(base)) == \
        ["end-to-end F1", "stance accuracy"]


def test_gold_jsonl_with_its_texts_teaches_the_same(tmp_path: Path, capsys) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    lines = []
    for doc_id, text in TRAIN.items():
        (texts / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        for q in human_rows(doc_id):
            lines.append(json.dumps({"doc_id": doc_id, "start": q.start, "end": q.end, "text": q.text,
                                     "type": q.type, "speaker": q.speaker, "stance": q.stance}))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "rules.yaml"
    code, stdout, err = run(capsys, "learn", gold, "--texts", texts, "-o", out)
    assert code == 0, err
    # gold has no mentions: no "she" shows Jo Park's gender, her first name does
    expected = ["new speaker 'Jo Park': person, female (from the first name)", *CHANGES[1:]]
    assert all(f"  {c}\n" in stdout for c in expected)
    assert STANCE_CHANGE.search(stdout)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["speakers"]["Jo Park"]["aliases"] == ["Jo Parke"]
    assert data["provenance"][-1]["corrections"][0]["file"] == "gold.jsonl"


def _no_annotation(tmp_path: Path) -> Path:
    p = tmp_path / "untouched.json"
    p.write_text(json.dumps([{"id": 1, "data": task_data("roads", TRAIN["roads"]), "annotations": [],
                              "predictions": []}]), encoding="utf-8")
    return p


BAD = [
    ("broken.json", "[{not json", "not a Label Studio JSON export"),
    ("object.json", '{"id": 1}', "not a Label Studio JSON export (expected a list of tasks)"),
    ("missing.json", None, "no such corrections file"),
    ("gold.jsonl", '{"doc_id": "roads", "start": 0, "end": 5}\n',
     "gold JSONL needs its texts; pass the folder with --texts"),
    ("untouched.json", _no_annotation, "no corrected document (no completed annotation)"),
]


@pytest.mark.parametrize("name, content, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_corrections_file_is_a_one_line_error(tmp_path: Path, capsys, name, content, message) -> None:
    path = tmp_path / name
    if callable(content):
        path = content(tmp_path)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "rules.yaml"
    code, stdout, err = run(capsys, "learn", path, "-o", out)
    assert code == 1 and stdout == ""
    assert err.startswith(f"Error: {path}") and err.count("\n") == 1 and message in err
    assert not out.exists()


def _unusable_output(kind: str, export: Path, tmp_path: Path) -> tuple[Path, str]:
    if kind == "is-a-folder":
        out = tmp_path / "rules.yaml"
        out.mkdir()
        return out, f"{out}: is a folder; name a file to write, e.g. {out / 'quotes.csv'}"
    if kind == "missing-folder":
        out = tmp_path / "nowhere" / "rules.yaml"
        return out, f"{out.parent}: output folder does not exist; create it first"
    if kind == "is-the-corrections":
        return export, f"{export}: is also an input; write the output to another file, the input stays as it is"
    rules = tmp_path / "current.yaml"
    rules.write_bytes(default_rules_path().read_bytes())
    return rules, f"{rules}: is also an input; write the output to another file, the input stays as it is"


@pytest.mark.parametrize("kind", ["is-a-folder", "missing-folder", "is-the-corrections", "is-the-rules"])
def test_an_unusable_output_fails_before_the_learning(kind: str, tmp_path: Path, export: Path, capsys) -> None:
    out, message = _unusable_output(kind, export, tmp_path)
    before = {p: p.read_bytes() for p in (export, out) if p.is_file()}
    argv = ["learn", export, "-o", out] + (["--rules", out] if kind == "is-the-rules" else [])
    code, stdout, err = run(capsys, *argv)
    assert (code, stdout, err) == (1, "", f"Error: {message}\n")  # no table printed: nothing was learned
    assert {p: p.read_bytes() for p in before} == before


CONTINUED = {  # with no cue it knows, the machine gives the second quote to the previous speaker
    "ferry": ('The ferry company faced questions at a public meeting on Friday.\n\n'
              '"Fares will stay the same this year," Jo Park said.\n\n'
              '"The timetable has been poor all winter," Ravi Menon intoned.\n', "Jo Park", "Ravi Menon"),
    "depot": ('The bus depot on Mill Lane will close for a week in June.\n\n'
              '"The works start on Monday," Ann Smith said.\n\n'
              '"The drivers were never asked," Lena Ortiz intoned.\n', "Ann Smith", "Lena Ortiz"),
}


def continued(doc_id: str, annotator: Annotator) -> CorrectedDoc:
    """The machine's quotes with the speaker a person gave the second one (and the mention linked)."""
    text, first, second = CONTINUED[doc_id]
    machine = annotator.annotate_text(text, doc_id)
    assert [(q.speaker, q.cue) for q in machine] == [(first, "said"), (first, "")]
    at = text.index(second)
    human = [Quote(**{**q.__dict__, "speaker": second, "speaker_mention": second, "mention_start": at,
                      "mention_end": at + len(second)}) if q.quote_id == "q2" else q for q in machine]
    return CorrectedDoc(doc_id, text, [GoldQuote(q.doc_id, q.start, q.end, q.text, q.type, q.speaker, [], q.stance,
                                                 [], q.speaker_mention, q.mention_start, q.mention_end)
                                       for q in human], "test")


@pytest.mark.parametrize("doc_ids, need, changes", [
    (["ferry", "depot"], None, ["new cue verb 'intone' weight 0.80 (quotes added or given a speaker in 2 doc(s))"]),
    (["ferry"], None, []),  # one document's verb is chance: min_cue_documents is 2
    (["ferry"], 1, ["new cue verb 'intone' weight 0.80 (quotes added or given a speaker in 1 doc(s))"]),
], ids=["two documents", "one document", "one document, threshold 1"])
def test_a_quote_taken_for_a_continuation_teaches_its_cue_when_a_person_names_its_speaker(
        old: Annotator, doc_ids: list[str], need: int | None, changes: list[str]) -> None:
    """The person's speaker is the subject of a verb beside the quote, which becomes a cue, in enough documents."""
    rules = load_rules()
    if need is not None:
        rules.data["thresholds"]["min_cue_documents"] = need
    assert learn(rules, Workbench([continued(d, old) for d in doc_ids]), doc_ids).changes == changes


# -- descriptions: "the food charity", which no name in its document resolves
PARCELS = ('Volunteers handed out food parcels in the town on Saturday.\n\n'
           '"Demand has doubled since the spring," the food charity said.\n')
UNNAMED = ('A food charity opened a second warehouse in Westbury this week.\n\n'
           '"We need more drivers for the winter," the food charity said.\n')
NAMED = ('Hope Kitchen, a food charity, opened a second warehouse in Westbury this week.\n\n'
         '"We need more drivers for the winter," the food charity said.\n')


def described(doc_id: str, text: str, speaker: str, machine: list[Quote]) -> CorrectedDoc:
    """The machine's quotes with the speaker a person typed over the description, mention kept."""
    return CorrectedDoc(doc_id, text, [GoldQuote(q.doc_id, q.start, q.end, q.text, q.type, speaker, [], q.stance, [],
                                                 q.speaker_mention, q.mention_start, q.mention_end)
                                       for q in machine], "test")


def test_a_description_a_person_names_becomes_an_alias_but_a_name_in_the_text_still_wins(old: Annotator) -> None:
    machine = old.annotate_text(PARCELS, "parcels")
    assert [(q.speaker, q.speaker_mention) for q in machine] == [("food charity", "the food charity")]
    learned = learn(load_rules(), Workbench([described("parcels", PARCELS, "Eastfield Food Bank", machine)]),
                    ["parcels"])
    assert learned.changes == ["new speaker 'Eastfield Food Bank': organisation (the model's reading of the name)",
                               "alias 'food charity' -> 'Eastfield Food Bank' (evidence 1 document(s))"]
    new = Annotator(learned.rules)
    assert [q.speaker for q in old.annotate_text(UNNAMED)] == ["food charity"]
    assert [q.speaker for q in new.annotate_text(UNNAMED)] == ["Eastfield Food Bank"]
    # where the document names the charity, its name is the speaker under either rules
    assert [q.speaker for q in old.annotate_text(NAMED)] == [q.speaker for q in new.annotate_text(NAMED)] \
        == ["Hope Kitchen"]


def test_a_description_given_two_names_is_not_learned_and_a_contradicted_alias_is_dropped(old: Annotator) -> None:
    first = described("parcels", PARCELS, "Eastfield Food Bank", old.annotate_text(PARCELS, "parcels"))
    second = described("warehouse", UNNAMED, "Westbury Pantry", old.annotate_text(UNNAMED, "warehouse"))
    both = learn(load_rules(), Workbench([first, second]), ["parcels", "warehouse"])
    assert both.changes == ["alias 'food charity' not learned: the corrections give it 'Eastfield Food Bank' "
                            "(1 document(s)) and 'Westbury Pantry' (1 document(s))"]
    assert "food charity" not in [a for s in both.rules.speakers for a in s.aliases]

    taught = learn(load_rules(), Workbench([first]), ["parcels"]).rules
    assert [q.speaker for q in Annotator(taught).annotate_text(UNNAMED)] == ["Eastfield Food Bank"]
    second = described("warehouse", UNNAMED, "Westbury Pantry", Annotator(taught).annotate_text(UNNAMED, "warehouse"))
    undone = learn(taught, Workbench([second]), ["warehouse"])
    assert undone.changes == [
        "alias 'food charity' -> 'Eastfield Food Bank' dropped: a correction names 'Westbury Pantry'",
        "alias 'food charity' not learned: the corrections give it 'Westbury Pantry' (1 document(s)) "
        "and the rules 'Eastfield Food Bank'"]
    assert [q.speaker for q in Annotator(undone.rules).annotate_text(UNNAMED)] == ["food charity"]


def test_quotes_eval_on_the_corrections_measures_what_learn_printed(tmp_path: Path, export: Path, capsys) -> None:
    out = tmp_path / "rules.yaml"
    code, stdout, err = run(capsys, "learn", export, "-o", out)
    assert code == 0, err
    final = stdout.split("On the corrected documents with the final rules", 1)[1].splitlines()[2:2 + len(FIGURES)]
    printed = {key: tuple(row.split()[-3:-1] if row.endswith(("+", "-")) else row.split()[-2:])
               for row, (_, key) in zip(final, FIGURES)}
    texts = tmp_path / "texts"
    texts.mkdir()
    for doc_id, text in TRAIN.items():
        (texts / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    measured = {}
    for name, rules in (("old", rules_module.default_rules_path()), ("new", out)):
        pred = tmp_path / f"{name}.csv"
        assert run(capsys, "extract", texts, "--rules", rules, "-o", pred, "-q")[0] == 0
        code, report, err = run(capsys, "eval", export, pred, "--json")
        assert code == 0, err
        measured[name] = json.loads(report)["quotes"]
    for figures in measured.values():
        figures["stance_accuracy"] = figures["stance"]["accuracy"]
    assert printed == {key: (f"{measured['old'][key]:.3f}", f"{measured['new'][key]:.3f}") for _, key in FIGURES}
    assert printed["speaker_accuracy"] == ("0.000", "1.000")  # the figures rose, and eval agrees


# -- cue phrases: "in the view of" is no cue of the rules; the machine finds the quotes but no speaker
VIEWS = {
    "bridge": ('The bridge has been closed since March.\n\n'
               '"It will reopen in May," in the view of Ann Smith, the chief engineer.\n', "Ann Smith"),
    "budget": ('The council met on Monday.\n\n'
               '"The budget is far too small," in the view of Lena Ortiz.\n', "Lena Ortiz"),
}
VIEW_HELD_OUT = ('The ferry runs twice a day.\n\n'
                 'In the view of the harbour master, Tom Reid, "fares will have to rise in June."\n')


def test_a_phrase_that_introduces_the_speaker_becomes_a_cue_phrase(old: Annotator) -> None:
    assert "in the view of" not in load_rules().cue_phrases
    docs = []
    for doc_id, (text, speaker) in VIEWS.items():
        machine = old.annotate_text(text, doc_id)
        assert [q.speaker for q in machine] == [""]
        at = text.index(speaker)
        docs.append(CorrectedDoc(doc_id, text, [GoldQuote(doc_id, q.start, q.end, q.text, q.type, speaker, [], q.stance,
                                                          [], speaker, at, at + len(speaker)) for q in machine], "test"))
    learned = learn(load_rules(), Workbench(docs), list(VIEWS))
    assert learned.changes == ["new cue phrase 'in the view of' weight 0.80 (quotes added or given a speaker in "
                               "2 doc(s))"]
    assert [(q.speaker, q.cue) for q in old.annotate_text(VIEW_HELD_OUT)] == [("", "")]
    assert [(q.speaker, q.cue) for q in Annotator(learned.rules).annotate_text(VIEW_HELD_OUT)] == \
        [("Tom Reid", "in the view of")]


def test_a_gold_file_without_mentions_teaches_the_phrase_too(tmp_path: Path, capsys) -> None:
    rows = []
    for doc_id, (text, speaker) in VIEWS.items():
        (tmp_path / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        start = text.index('"') + 1
        end = text.index('"', start)
        rows.append(json.dumps({"doc_id": doc_id, "start": start, "end": end, "text": text[start:end],
                                "type": "direct", "speaker": speaker, "stance": "neutral"}))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "rules.yaml"
    code, stdout, err = run(capsys, "learn", gold, "--texts", tmp_path, "-o", out)
    assert code == 0, err
    assert "  new cue phrase 'in the view of' weight 0.80 (quotes added or given a speaker in 2 doc(s))" in stdout
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["cue_phrases"]["in the view of"] == {"weight": 0.8, "source": "learned", "locked": False, "evidence": 2}
