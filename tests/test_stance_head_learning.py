"""`quotes learn --only stance-head`: the learned stance model's head refitted from stance corrections.

The fit, the cross-validation gate and the determinism are checked on made-up features (no model); the whole
command on a dozen hand-written quotes through the real encoder (skipped without the encoder package): the
head is written, read back and predicts what it was taught, twice the same file, and the second run reads the
features from the cache instead of encoding them.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from quotes.cli.main import main
from quotes.learning import stance_head
from quotes.learning.stance_head import HeadExample, fit_head, relearn_head
from quotes.rules import load_rules, parse_rules, seed_rules_path
from quotes.stance.model_schema import StanceHead

LABELS = ("hostile", "critical", "concerned", "reassuring", "supportive", "neutral")

# two quotes of each stance, in plain words (no real person or outlet)
TABLE = [
    ("hostile", "He is a liar and a crook who should be ashamed of himself"),
    ("hostile", "These people are vicious thugs and frauds"),
    ("critical", "The plan is badly designed and will waste money"),
    ("critical", "The council failed to do its job on the new road"),
    ("concerned", "I am worried that families will be hurt by the delays"),
    ("concerned", "We fear the water supply may not last the summer"),
    ("reassuring", "There is no cause for alarm and everything is under control"),
    ("reassuring", "Residents can rest assured the bridge is perfectly safe"),
    ("supportive", "This is a wonderful plan and I am proud to back it"),
    ("supportive", "She has done a terrific job and deserves our thanks"),
    ("neutral", "The meeting will take place on Tuesday at noon"),
    ("neutral", "The report has forty pages and three chapters"),
]


def _synthetic_head(d: int = 8) -> StanceHead:
    rng = np.random.RandomState(0)
    return StanceHead(LABELS, rng.normal(0, 0.5, (len(LABELS), d)), np.zeros(len(LABELS)), 1.5)


def test_the_fit_is_the_same_bits_every_time_and_few_quotes_move_the_head_little() -> None:
    head = _synthetic_head()
    rng = np.random.RandomState(1)
    x, y = rng.normal(0, 1, (200, 8)), rng.randint(0, len(LABELS), 200)
    a, b = fit_head(x, y, head, 3.0), fit_head(x, y, head, 3.0)
    assert a.weights.tobytes() == b.weights.tobytes() and a.bias.tobytes() == b.bias.tobytes()
    few = fit_head(x[:5], y[:5], head, 3.0)
    moved = lambda h: np.linalg.norm(h.weights - head.weights)  # noqa: E731
    assert 0 < moved(few) < moved(a)
    assert fit_head(x[:0], y[:0], head, 3.0) is head


def test_the_gate_refuses_a_head_that_scores_worse_in_cross_validation() -> None:
    """The same features, labelled one way in half the documents and another way in the others: the current
    head gets the first half right, a head refitted on the other documents gets every held-out quote wrong."""
    d = 4
    weights = np.zeros((len(LABELS), d))
    weights[LABELS.index("critical"), 0] = 1.0
    current = StanceHead(LABELS, weights, np.zeros(len(LABELS)), 1.0)
    examples, rows = [], []
    for n in range(10):
        label = "critical" if n % 2 == 0 else "supportive"
        for i in range(6):
            examples.append(HeadExample(f"doc{n:02d}", i * 10, i * 10 + 5, label))
            rows.append([1.0, 0.0, 0.0, 0.0])
    result = relearn_head(current, examples, np.array(rows), k=2, l2=0.01)  # folds: even and odd documents
    assert result.old_cv["accuracy"] == pytest.approx(0.5)
    assert result.new_cv["accuracy"] == pytest.approx(0.0)
    assert result.worse == ["stance head accuracy"]


def test_the_gate_lets_through_a_head_that_learns_what_every_document_says() -> None:
    d = 4
    current = StanceHead(LABELS, np.zeros((len(LABELS), d)), np.zeros(len(LABELS)), 1.0)
    examples, rows = [], []
    for n in range(10):
        for i, label in enumerate(("critical", "supportive")):
            examples.append(HeadExample(f"doc{n:02d}", i * 10, i * 10 + 5, label))
            rows.append([1.0, 0.0, 0.0, 0.0] if label == "critical" else [0.0, 1.0, 0.0, 0.0])
    result = relearn_head(current, examples, np.array(rows), k=5, l2=0.1)
    assert result.new_cv["accuracy"] == 1.0 and result.worse == []
    assert result.temperature == "kept" and result.new.temperature == 1.0  # too few quotes to refit it
    assert result.changes() and not result.unchanged


def test_stance_head_asked_of_rules_without_a_stance_model_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    _corrections(tmp_path)
    rules = tmp_path / "plain.yaml"
    data = load_rules(seed_rules_path()).data
    del data["stance_model"]
    parse_rules(data, str(rules)).save(rules)
    code = main(["learn", str(tmp_path / "stance.jsonl"), "--texts", str(tmp_path), "--only", "stance-head",
                 "--rules", str(rules), "-o", str(tmp_path / "new.yaml")])
    err = capsys.readouterr().err
    assert code != 0 and "no stance_model section" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "new.yaml").exists()


# -- the whole command, through the encoder ------------------------------------------------------------


@pytest.fixture(scope="module")
def encoder_present() -> None:
    from quotes.stance.encoder.weights import EncoderMissing, locate_model

    try:
        locate_model("small")
    except EncoderMissing as exc:
        pytest.skip(f"the encoder package is not installed: {exc}")


def _corrections(folder: Path) -> list[tuple[str, int, int, str]]:
    rows, out = [], []
    for n, (label, words) in enumerate(TABLE):
        text = f"The town council met on Monday.\n\n\"{words},\" the spokesperson said.\n"
        start = text.index('"') + 1
        end = text.index('"', start) - 1  # the comma stays outside
        (folder / f"d{n:02d}.txt").write_text(text, encoding="utf-8")
        rows.append({"doc_id": f"d{n:02d}", "start": start, "end": end, "text": text[start:end], "stance": label})
        out.append((text, start, end, label))
    (folder / "stance.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return out


@pytest.fixture
def setup(tmp_path: Path, monkeypatch, encoder_present) -> dict:
    """A dozen corrections, rules that let them move the head (a small l2), and a feature cache of the test's
    own; every call of the encoder counted."""
    from quotes.stance.learned import LearnedStance

    quotes = _corrections(tmp_path)
    data = load_rules(seed_rules_path()).data
    data["thresholds"]["stance_head_l2"] = 0.1
    rules = tmp_path / "rules.yaml"  # the deltas file is found with the packaged rules, by its hash
    parse_rules(data, str(rules)).save(rules)
    monkeypatch.setattr(stance_head, "features_dir", lambda: tmp_path / "cache")
    calls: list[int] = []
    real = LearnedStance.features

    def counted(self, text, spans):
        calls.append(len(spans))
        return real(self, text, spans)

    monkeypatch.setattr(LearnedStance, "features", counted)
    return {"dir": tmp_path, "rules": rules, "quotes": quotes, "calls": calls}


def _learn(s: dict, out: str, capsys) -> str:
    code = main(["learn", str(s["dir"] / "stance.jsonl"), "--texts", str(s["dir"]), "--only", "stance-head",
                 "--rules", str(s["rules"]), "-o", str(s["dir"] / out), "--force"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    return stdout


def test_a_head_learned_from_a_dozen_quotes_is_written_read_back_and_predicts_them(setup: dict, capsys) -> None:
    from quotes.stance.learned import LearnedStance

    stdout = _learn(setup, "new.yaml", capsys)
    assert "stance head: refitted on the encoder features of 12 corrected quotes" in stdout
    assert "Stance head: 12 corrected quotes in 12 documents (encoder features: 12 encoded, 0 from the cache)" \
        in stdout
    old, new = load_rules(setup["rules"]), load_rules(setup["dir"] / "new.yaml")
    assert new.stance_model is not None
    assert new.stance_model.deltas_sha256 == old.stance_model.deltas_sha256
    assert new.stance_model.deltas_file == old.stance_model.deltas_file
    assert not np.array_equal(new.stance_model.head.weights, old.stance_model.head.weights)
    assert new.data["provenance"][-1]["learned"] == ["stance-head"]
    assert new.data["provenance"][-1]["stance_head"]["quotes"] == 12
    rest = {k: v for k, v in new.data.items() if k not in ("stance_model", "version", "provenance")}
    assert rest == {k: v for k, v in old.data.items() if k not in ("stance_model", "version", "provenance")}
    model = LearnedStance(new.stance_model, new.stance_model_directory())
    for text, start, end, label in setup["quotes"]:
        assert model.predict(text, [(start, end)])[0].label == label


def test_the_same_corrections_give_the_same_file_and_the_second_run_encodes_nothing(setup: dict,
                                                                                    capsys) -> None:
    _learn(setup, "one.yaml", capsys)
    assert sum(setup["calls"]) == 12
    setup["calls"].clear()
    stdout = _learn(setup, "two.yaml", capsys)
    assert setup["calls"] == []  # every feature from the cache
    assert "(encoder features: 0 encoded, 12 from the cache)" in stdout
    assert (setup["dir"] / "one.yaml").read_bytes() == (setup["dir"] / "two.yaml").read_bytes()
    assert len(list((setup["dir"] / "cache").glob("stance-features-*.npz"))) == 1


def test_a_default_run_waits_for_enough_corrections_and_an_explicit_one_does_not(tmp_path: Path) -> None:
    """A cross-validation over a handful of quotes decides by chance: the default run (and the live loop) leaves
    the head alone below `stance_head_min_quotes` in `stance_head_min_documents`; `--only stance-head` asks now."""
    from quotes.evaluation.evaluate import GoldQuote
    from quotes.learning.corrections import CorrectedDoc

    rules = load_rules(seed_rules_path())
    docs = [CorrectedDoc(f"d{k}", text, [GoldQuote(f"d{k}", 0, len(text), text, stance=label)], "test")
            for k, (label, text) in enumerate(TABLE)]

    from types import SimpleNamespace

    class Model:  # the features of a quote: its length and its first letter, enough for a fit
        calls = 0
        encoder = SimpleNamespace(backend_name="numpy", identity="stub")
        spec = SimpleNamespace(input="quote+sentence", max_length=128)

        def features(self, text, spans):
            Model.calls += 1
            return np.array([[e - s, ord(text[s]), 1.0] + [0.0] * 381 for s, e in spans])

    result, note = stance_head.refit_from_corrections(rules, docs, model=Model(), cache_dir=tmp_path)
    assert result is None and Model.calls == 0
    assert "12 stance-labelled quotes in 12 documents" in note and "--only stance-head" in note
    lowered = parse_rules({**rules.data, "thresholds": {**rules.data["thresholds"], "stance_head_min_quotes": 10,
                                                         "stance_head_min_documents": 10}}, "lowered.yaml")
    result, note = stance_head.refit_from_corrections(lowered, docs, k=2, model=Model(), cache_dir=tmp_path)
    assert result is not None and Model.calls > 0
