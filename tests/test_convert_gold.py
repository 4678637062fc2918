"""`quotes convert-gold`: an attribution corpus in brat standoff as gold JSONL, on a hand-made folder.

The texts and annotations are invented, in PolNeAR's layout (text/ and attributions/, an annotator
suffix on each .ann, a second annotator's file for one text). No model needed.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotes.cli import main
from quotes.evaluation.evaluate import evaluate, load_jsonl_gold
from quotes.learning.corrections import load_corrections
from quotes.records import Quote

PARK = ('Senator Jo Park spoke in Dunmore on Monday.\n\n'
        '"The repairs were shoddy," she said. "We will vote next week."\n\n'
        'Park called the plan a "disgrace" and left.\n\n'
        '"The first part of a long statement.\n\n'
        '"And its second paragraph," the council said in a statement.\n\n'
        'The show "Harbour Lights" airs on Friday.\n')
QUIET = 'The harbour board met in Dunmore on Monday.\n'
TITLE = 'The film "Harbour Lights" opens on Friday.\n'


def at(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


def ann(text: str, attributions: list[tuple[list[str], str, tuple[str, int]]]) -> str:
    """Brat lines for (content pieces, cue, (source, its occurrence)), pieces and cue at their first occurrence."""
    lines, n = [], 0
    for e, (pieces, cue, (source, nth)) in enumerate(attributions, 1):
        ids = {}
        for label, spans in (("Source", [at(text, source, nth)]), ("Cue", [at(text, cue)]),
                             ("Content", [at(text, p) for p in pieces])):
            n += 1
            words = " ".join(text[a:b] for a, b in spans).replace("\n", " ")
            lines.append(f"T{n}\t{label} {';'.join(f'{a} {b}' for a, b in spans)}\t{words}")
            ids[label] = f"T{n}"
        lines.append(f"E{e}\tAttribution:{ids['Cue']} Content:{ids['Content']} Cue:{ids['Cue']} "
                     f"Source:{ids['Source']}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def brat(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    for doc_id, text in (("a_park", PARK), ("b_quiet", QUIET), ("c_title", TITLE)):
        (root / "text" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (root / "attributions" / "a_park_ab12.ann").write_text(ann(PARK, [
        (['"The repairs were shoddy,"', '"We will vote next week."'], "said", ("she", 0)),
        (['the plan a "disgrace"'], "called", ("Park", 1)),  # "Park called", not "Jo Park"
        (['"The first part of a long statement.\n\n"And its second paragraph,"'], "said in", ("the council", 0)),
    ]), encoding="utf-8")
    (root / "attributions" / "a_park_zz99.ann").write_text("", encoding="utf-8")  # a second annotator: not read
    (root / "attributions" / "b_quiet_ab12.ann").write_text("", encoding="utf-8")
    (root / "attributions" / "c_title_ab12.ann").write_text("", encoding="utf-8")
    return root


def row(text: str, words: str, kind: str, mention: str, nth: int = 0) -> dict:
    start, end = at(text, words)
    m_start, m_end = at(text, mention, nth)
    return {"doc_id": "a_park", "start": start, "end": end, "text": words, "type": kind, "speaker": mention,
            "speaker_is_mention": True, "speaker_mention": mention, "mention_start": m_start, "mention_end": m_end}


EXPECTED = [
    row(PARK, "The repairs were shoddy,", "direct", "she"),
    row(PARK, "We will vote next week.", "direct", "she"),
    row(PARK, "disgrace", "partial", "Park", 1),  # "Park" of "Park called", not of "Jo Park"
    row(PARK, "The first part of a long statement.", "direct", "the council"),  # a quote over two paragraphs
    row(PARK, "And its second paragraph,", "direct", "the council"),
    # "Harbour Lights" is in no attribution: nobody's words
    {"doc_id": "b_quiet"},  # annotated, no quote
    {"doc_id": "c_title"},
]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_brat_folder_becomes_gold_rows_with_speakers_as_the_text_names_them(brat: Path, tmp_path: Path,
                                                                                capsys) -> None:
    out = tmp_path / "gold.jsonl"
    code, stdout, err = run(capsys, "convert-gold", brat, "-o", out)
    assert (code, err) == (0, "")
    assert stdout == (f"Wrote {out}: 3 documents (2 without a quote), 4 direct and 1 partial quote rows, speakers "
                      f"as the articles name them.\nLearn from it: quotes learn {out} --texts {brat / 'text'} "
                      f"-o NEW_RULES.yaml\n")
    rows = read(out)
    assert rows == EXPECTED
    for r in rows[:5]:
        assert PARK[r["start"]:r["end"]] == r["text"]


@pytest.mark.parametrize("limit, documents", [(1, ["a_park"]), (2, ["a_park", "b_quiet"]), (9, ["a_park", "b_quiet",
                                                                                              "c_title"])])
def test_limit_takes_the_first_documents_in_sorted_order(brat: Path, tmp_path: Path, capsys, limit: int,
                                                         documents: list[str]) -> None:
    out = tmp_path / "gold.jsonl"
    assert run(capsys, "convert-gold", brat, "-o", out, "--limit", limit)[0] == 0
    assert sorted({r["doc_id"] for r in read(out)}) == documents


@pytest.mark.parametrize("argv, message", [
    (["missing", "-o", "gold.jsonl"], "no such folder"),
    (["empty", "-o", "gold.jsonl"], "no .ann files with matching .txt texts"),
    (["corpus", "-o", "nowhere/gold.jsonl"], "output folder does not exist"),
])
def test_bad_input_is_a_one_line_error(brat: Path, tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    code, stdout, err = run(capsys, "convert-gold", *[str(tmp_path / a) if i in (0, 2) else a
                                                      for i, a in enumerate(argv)])
    assert code == 1 and stdout == "" and err.count("\n") == 1 and message in err


@pytest.mark.parametrize("value", ["0", "-3", "all"])
def test_limit_must_be_a_positive_number_a_usage_error(value: str, brat: Path, tmp_path: Path, capsys) -> None:
    from quotes.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["convert-gold", str(brat), "-o", str(tmp_path / "gold.jsonl"), "--limit", value])
    assert stop.value.code == 2
    assert "is not a number of documents; give 1 or more" in capsys.readouterr().err
    assert not (tmp_path / "gold.jsonl").exists()


def test_the_gold_counts_documents_without_quotes_and_judges_mention_speakers_by_their_words(
        brat: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "gold.jsonl"
    run(capsys, "convert-gold", brat, "-o", out)
    docs, _ = load_corrections([out], brat / "text")
    assert [(d.doc_id, len(d.human)) for d in docs] == [("a_park", 5), ("b_quiet", 0), ("c_title", 0)]
    assert all(h.speaker_is_mention for h in docs[0].human)

    texts = {d.doc_id: d.text for d in docs}
    gold = load_jsonl_gold(out, texts)
    first, title = EXPECTED[0], at(TITLE, "Harbour Lights")
    pred = [Quote("a_park", "q1", first["start"], first["end"], first["text"], speaker="Jo Park",
                  speaker_mention="she", mention_start=first["mention_start"], mention_end=first["mention_end"]),
            Quote("c_title", "q1", *title, "Harbour Lights", speaker="")]
    figures = evaluate(gold, pred).figures()
    assert figures["found"] == 1 and figures["predicted"] == 2  # the title in a document with no quote is false
    assert figures["speaker_accuracy"] == 1.0  # "she", the words of the gold's mention
