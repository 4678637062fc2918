"""`quotes bench` runs and prints its figures; what the figures are is never asserted (no timed tests)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from quotes.cli import main
from quotes.cli.bench import MERGE_SIZES, synthetic_names


def test_synthetic_names_are_deterministic_and_distinct() -> None:
    firsts = ["ann", "tom", "mary"]
    names = synthetic_names(300, firsts)
    assert names == synthetic_names(300, firsts)
    assert len(names) == 300 and all(n >= 1 for n in names.values())
    assert any(len(name.split()) == 1 for name in names)  # single surnames too


@pytest.mark.model
def test_bench_prints_the_merge_time_and_its_scaling(tmp_path: Path, capsys) -> None:
    (tmp_path / "ann.txt").write_text('"The pier is finally open," said Ann Smith.\n', encoding="utf-8")
    assert main(["bench", str(tmp_path), "--stream", "4"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(re.fullmatch(r"Speaker merge of that run: \d+ names, [\d.]+ s CPU", line) for line in out)
    table = out[out.index("Speaker merge on synthetic names (CPU time):") + 2:]
    assert [int(row.split()[0]) for row in table] == list(MERGE_SIZES)
    assert all(len(row.split()) == 3 for row in table)


@pytest.mark.model
def test_bench_stress_prints_time_and_memory_per_character(capsys) -> None:
    from quotes.hostile import PATHOLOGICAL

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
    assert main(["bench", str(tmp_path), "--stream", "2", "--scale", "2,4", "--repeat", "2"]) == 0
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
