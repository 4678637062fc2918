"""`quotes bench` runs and prints its figures; what the figures are is never asserted (no timed tests)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from quotes.bench.scale import distinct_documents, quarters
from quotes.cli import main
from quotes.cli.bench import MERGE_SIZES, synthetic_names
from quotes.errors import InputError
from quotes.tables.corpus import Document


def test_synthetic_names_are_deterministic_and_distinct() -> None:
    firsts = ["ann", "tom", "mary"]
    names = synthetic_names(300, firsts)
    assert names == synthetic_names(300, firsts)
    assert len(names) == 300 and all(n >= 1 for n in names.values())
    assert any(len(name.split()) == 1 for name in names)  # single surnames too


@pytest.mark.model
def test_bench_prints_the_merge_time_and_its_scaling(tmp_path: Path, capsys) -> None:
    (tmp_path / "ann.txt").write_text('"The pier is finally open," said Ann Smith.\n', encoding="utf-8")
    assert main(["bench", str(tmp_path), "--stream", "4", "--workers-list", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(re.fullmatch(r"Speaker merge of that run: \d+ names, [\d.]+ s CPU", line) for line in out)
    table = out[out.index("Speaker merge on synthetic names (CPU time):") + 2:]
    assert [int(row.split()[0]) for row in table] == list(MERGE_SIZES)
    assert all(len(row.split()) == 3 for row in table)


@pytest.mark.model
def test_bench_stress_prints_time_and_memory_per_character(capsys) -> None:
    from quotes.bench.hostile import PATHOLOGICAL

    assert main(["bench", "--stress", "--sizes", "400,800"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Pathological documents (CPU time; peak memory allocated while annotating):"
    assert out[1].split() == ["document", "chars", "seconds", "us/char", "peak", "MB", "B/char", "rows"]
    for name in PATHOLOGICAL:
        rows = [line for line in out if line.strip().startswith(name)]
        assert [int(r[len(name) + 2:].split()[0]) for r in rows] == [400, 800]
    growth = [line for line in out if "from 400 to 800 characters: time per character x" in line]
    assert len(growth) == len(PATHOLOGICAL)


def test_bench_refuses_bad_sizes(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "--stress", "--sizes", "20k"])
    assert "not a comma-separated list of lengths" in capsys.readouterr().err


@pytest.mark.model
def test_bench_prints_cpu_ratios_per_component_and_scale(tmp_path: Path, capsys) -> None:
    (tmp_path / "ann.txt").write_text('"The pier is finally open," said Ann Smith.\n', encoding="utf-8")
    (tmp_path / "jo.txt").write_text("Jo Park runs the harbour.\n\nIt rained.\n\n\"We won,\" Park said.\n", encoding="utf-8")
    assert main(["bench", str(tmp_path), "--stream", "2", "--scale", "2,4", "--repeat", "2",
                 "--workers-list", "1,2"]) == 0
    out = capsys.readouterr().out.splitlines()
    ratio = r"\s+[\d.]+\s+[\d.]+\s+[\d.]+x"
    head = next(line for line in out if line.startswith("CPU (user+sys) and wall time; ratio of CPU to the raw parse"))
    table = out[out.index(head) + 2:][:3]
    assert re.fullmatch(r"  raw parse list\(nlp\.pipe\(texts\)\)" + ratio + r"\s*", table[0])
    assert re.fullmatch(r"  extract \(selective\)" + ratio + r"\s+\d+", table[1])
    assert re.fullmatch(r"  extract \(full parse\)" + ratio + r"\s+\d+", table[2])
    components = {line.split()[0] for line in out[out.index("CPU per component (s; share of the run's CPU):") + 2:]
                  if line.startswith("  ") and "%" in line}
    assert {"tok2vec", "parser", "ner", "quote_attributor"} <= components
    assert any(re.fullmatch(r"  speaker merge, extract \(selective\): [\d.]+ s", line) for line in out)
    assert any(re.fullmatch(r"Peak resident memory so far: \d+ MB .*", line) for line in out)
    scale = out[out.index(next(line for line in out if line.startswith("Extract (full parse) over growing"))) + 2:][:2]
    assert [int(row.split()[0]) for row in scale] == [2, 4]
    head = next(line for line in out if line.startswith("Throughput per worker count (2 documents,"))
    rows = out[out.index(head) + 2:][:2]
    number = r"\s+[\d.]+"
    for workers, row in zip((1, 2), rows):
        # workers, start-up, wall, CPU, docs per CPU second and per wall second, speed-up, a peak per worker
        peaks = r"\d+" + r", \d+" * (workers - 1)
        assert re.fullmatch(rf"\s+{workers}" + number * 5 + r"\s+[\d.]+x\s+" + peaks, row), row


SHARE = r"  stance model, extract \((selective|full parse)\): ([\d.]+) CPU s, ([\d.]+)% of extract \(encoder ([\d.]+) s, " \
        r"head ([\d.]+) s; adds ([\d.]+)% to extract without it\)"
CUE_SHARE = r"  stance cue model, extract \((selective|full parse)\): ([\d.]+) CPU s, ([\d.]+)% of extract"


@pytest.mark.model
def test_bench_prints_the_stance_models_share_of_extract(tmp_path: Path, capsys) -> None:
    root = Path(__file__).resolve().parents[1]
    (tmp_path / "ann.txt").write_text('"The pier is finally open," said Ann Smith.\n', encoding="utf-8")
    (tmp_path / "jo.txt").write_text('Jo Park runs the harbour.\n\n"We lost it all," Park said angrily.\n',
                                     encoding="utf-8")
    assert main(["bench", str(tmp_path), "--rules", str(root / "quotes" / "data" / "rules-seed.yaml"),
                 "--stream", "2", "--workers-list", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Stance models' CPU (s; share of extract's CPU in the same run):" in out
    shares = [m.groups() for m in map(lambda line: re.fullmatch(SHARE, line), out) if m]
    assert [s[0] for s in shares] == ["selective", "full parse"]
    for _, cpu, share, encoder, head, adds in shares:
        assert 0 < float(share) < 100 and float(adds) >= float(share)  # a share of a whole that holds it
        assert float(encoder) + float(head) == pytest.approx(float(cpu), abs=0.011)  # rounded to 0.01 s
    cues = [m.groups() for m in map(lambda line: re.fullmatch(CUE_SHARE, line), out) if m]
    assert [c[0] for c in cues] == ["selective", "full parse"] and all(0 <= float(c[2]) < 100 for c in cues)
    components = {line.split("  ")[1].strip() for line in out if line.startswith("  stance ") and "%)" in line}
    assert components == {"stance encoder", "stance head", "stance cue model"}
    assert any(re.fullmatch(r"Peak resident memory so far: \d+ MB \(three pipelines and 2 stance models loaded\)",
                            line) for line in out)


@pytest.mark.model
def test_bench_without_the_learned_model_says_so(tmp_path: Path, capsys) -> None:
    (tmp_path / "ann.txt").write_text('"The pier is finally open," said Ann Smith.\n', encoding="utf-8")
    assert main(["bench", str(tmp_path), "--stance", "rules", "--stream", "1", "--workers-list", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert ("  stance model, extract (full parse): not loaded (--stance rules, or rules without a stance_model "
            "section)") in out
    assert sum(bool(re.fullmatch(CUE_SHARE, line)) for line in out) == 2


def test_the_stance_timers_charge_their_own_time_and_put_things_back() -> None:
    from quotes.bench.timing import CUE_MODEL, STANCE_ENCODER, STANCE_HEAD, ComponentTimer, time_learned_stance, \
        timed_cue_model
    from quotes.stance import cue_model

    class Model:
        def features(self, text, spans):
            return [len(text)] * len(spans)

        def predict(self, text, spans):
            return self.features(text, spans)

    timer, model = ComponentTimer(), Model()
    time_learned_stance(model, timer)
    assert model.predict("abc", [(0, 1), (1, 2)]) == [3, 3]
    assert set(timer.seconds) == {STANCE_ENCODER, STANCE_HEAD}
    classify = cue_model.classify
    with timed_cue_model(timer):
        assert cue_model.classify is not classify
        cue_model.classify(None, None, _stance_rules())
    assert cue_model.classify is classify and CUE_MODEL in timer.seconds


def _stance_rules():
    from quotes.rules import load_rules

    return load_rules().stance


def _article(name: str, paragraphs: int) -> Document:
    # paragraphs of equal length that end a sentence: lowercase lines that end mid-sentence, a blank line
    # apart, are one double-spaced paragraph to the paragraph reader
    text = "\n\n".join(f"{name} paragraph {k}: " + "words " * 7 + "words." for k in range(paragraphs))
    return Document(name, text, f"{name}.txt")


@pytest.mark.parametrize("paragraphs, pieces", [(1, 1), (3, 3), (4, 4), (9, 4)])
def test_quarters_keep_paragraphs_whole_and_in_order(paragraphs: int, pieces: int) -> None:
    doc = _article("ann", paragraphs)
    parts = quarters(doc)
    assert len(parts) == pieces
    assert "\n\n".join(p.text for p in parts) == doc.text  # cut at paragraph breaks only, nothing lost
    assert all(p.text.startswith("ann paragraph") for p in parts)
    assert [p.doc_id for p in parts] == [f"ann#{k + 1}" for k in range(pieces)]


def test_distinct_documents_are_distinct_and_nested() -> None:
    docs = [_article(f"a{k}", 8) for k in range(5)] + [_article("a0", 8)]  # the last repeats the first's text
    largest = distinct_documents(docs, 20)
    assert len({d.text for d in largest}) == 20
    assert distinct_documents(docs, 7) == largest[:7]  # a smaller corpus is drawn as the larger one
    assert {d.doc_id.split("#")[0] for d in largest[:10]} != {"a0"}  # shuffled, not article by article
    with pytest.raises(InputError) as err:
        distinct_documents(docs, 21)
    assert str(err.value) == ("only 20 distinct documents (quarters) can be cut from 6 articles; give more articles "
                              "or a size up to 20")


@pytest.mark.model
def test_bench_scale_docs_prints_cpu_per_document_merge_and_worker_memory(tmp_path: Path, capsys) -> None:
    (tmp_path / "ann.txt").write_text('"The pier is finally open," said Ann Smith.\n\nIt rained.\n\n'
                                      '"We won," Jo Park said.\n\nThe end.\n', encoding="utf-8")
    assert main(["bench", str(tmp_path), "--scale-docs", "2,4"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Extract (full parse) over distinct documents (quarters of 1 articles")
    assert out[1].split() == ["documents", "characters", "rows", "CPU", "s", "ms/doc", "ratio", "us/char", "merge",
                              "s", "wall", "s", "worker", "peak", "MB"]
    rows = [line.split() for line in out[2:]]
    assert [int(r[0]) for r in rows] == [2, 4] and rows[0][5] == "1.00x"
    assert all(len(r) == 10 and r[9].isdigit() for r in rows)  # one worker, its peak
    assert int(rows[1][2]) >= 2  # the two quotes of the article, each in its own quarter
    assert not any(line.startswith("CPU (user+sys)") for line in out)  # instead of the speed table


def test_bench_scale_docs_needs_enough_articles(tmp_path: Path, capsys) -> None:
    (tmp_path / "ann.txt").write_text("One.\n\nTwo.\n", encoding="utf-8")
    assert main(["bench", str(tmp_path), "--scale-docs", "3"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "Error: only 2 distinct documents (quarters) can be cut from 1 articles; give more articles or a size up to 2"]
