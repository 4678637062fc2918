"""python -m quotes.stance.training TRAIN.jsonl --texts DIR [--dev DEV.jsonl --dev-texts DIR] [--folds 5]
[--rules quotes/data/rules-seed.yaml] [--out-dir DIR]: fine-tune the stance model and install it in a rules file.

With --folds K it first trains K models by article fold and fits the temperature on their held-out logits
(printing the cross-validated figures); without, the rules file's temperature is kept. The final model is
trained on every row; its float16 deltas go to OUT-DIR/stance-deltas-<sha12>.npz (other stance-deltas files
there are removed) and its head into the rules file's `stance_model` section. With --dev the written model is
run as annotation runs it (NumPy backend) on the dev quotes' gold spans.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ...errors import QuotesError
from ...rules import load_rules, seed_rules_path
from .data import TrainingError, article_folds, fit_temperature, format_metrics, load_rows, softmax, stance_metrics

TRAIN_EXTRA = "pip install -e '.[train]'"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m quotes.stance.training", description=__doc__.split("\n\n")[0])
    p.add_argument("train", type=Path, help="stance JSONL: doc_id, start, end, stance, stance_alternates per line")
    p.add_argument("--texts", type=Path, required=True, help="folder of the train articles' DOC_ID.txt")
    p.add_argument("--dev", type=Path, help="stance JSONL to score the written model on (gold spans)")
    p.add_argument("--dev-texts", type=Path, help="folder of the dev articles' texts")
    p.add_argument("--folds", type=int, default=0,
                   help="cross-validate by article with this many folds first and fit the temperature on the "
                        "held-out logits (5 for the shipped model); 0 keeps the rules file's temperature")
    p.add_argument("--rules", type=Path, default=None,
                   help="the rules file whose stance_model section is replaced (default: the packaged "
                        "rules-seed.yaml; then `make rules`)")
    p.add_argument("--out-dir", type=Path, default=None,
                   help="where the deltas file goes (default: the rules file's folder, quotes/data for the seed)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=float, default=4)
    p.add_argument("--max-length", type=int, default=128)
    a = p.parse_args(argv)
    if (a.dev is None) != (a.dev_texts is None):
        p.error("--dev and --dev-texts go together")
    if a.folds == 1 or a.folds < 0:
        p.error("--folds is 0 (no cross-validation) or at least 2")
    return a


def _torch_or_fail() -> None:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise TrainingError(f"the fine-tune needs torch and transformers ({exc.name} is missing): {TRAIN_EXTRA}") \
            from None


def run(a: argparse.Namespace, log=print) -> dict:
    from ..encoder.deltas import save_deltas
    from ..encoder.tokenizer import make_tokenizer
    from ..encoder.weights import VERSION, DISTRIBUTION, locate_model, sha256_file
    from ..model_input import model_inputs
    from ..model_schema import StanceHead, StanceModelSpec
    from .section import write_stance_section

    rules_path = a.rules or seed_rules_path()
    rules = load_rules(rules_path)
    labels = tuple(rules.stance.labels)
    out_dir = a.out_dir or Path(rules_path).parent
    if not Path(out_dir).is_dir():
        raise TrainingError(f"{out_dir}: no such folder for the deltas file; create it or pass another --out-dir")
    rows, docs = load_rows(a.train, a.texts, labels)
    dev = load_rows(a.dev, a.dev_texts, labels) if a.dev else None
    _torch_or_fail()
    from .finetune import FineTuneConfig, deterministic, fine_tune, lower_states

    t_start = time.process_time()
    deterministic()
    cfg = FineTuneConfig(max_length=a.max_length, epochs=a.epochs, seed=a.seed)
    files = locate_model()
    tok = make_tokenizer(files)
    enc = []
    for r in rows:
        enc += model_inputs(tok, docs[r.doc_id], [(r.start, r.end)], cfg.max_length)
    index = {label: k for k, label in enumerate(labels)}
    gold = np.array([index[r.stance] for r in rows])
    log(f"{len(rows)} quotes of {len(docs)} articles; frozen layers computed once")
    states = lower_states(files.directory, enc, cfg.top_layers)
    report: dict = {}
    old = rules.stance_model
    temperature = old.head.temperature if old is not None else 1.0
    if a.folds:
        fold = article_folds(rows, a.folds, a.seed)
        oof = np.zeros((len(rows), len(labels)), np.float32)
        for k in range(a.folds):
            tr, te = np.where(fold != k)[0], np.where(fold == k)[0]
            log(f"fold {k + 1}/{a.folds}: training on {len(tr)} quotes, holding out {len(te)}")
            ft = fine_tune(files.directory, [enc[i] for i in tr], gold[tr], [states[i] for i in tr], len(labels),
                           cfg, seed=a.seed + 17 * k, log=log)
            oof[te] = ft.logits([enc[i] for i in te], [states[i] for i in te])
            del ft
        temperature = fit_temperature(oof, gold)
        report["cv"] = stance_metrics(rows, softmax(oof / temperature), labels)
        report["cv_uncalibrated_ece"] = stance_metrics(rows, softmax(oof), labels)["ece"]
        log(f"cross-validated by article ({a.folds} folds): {format_metrics(report['cv'])}")
        log(f"temperature {temperature:.4f} (fitted on the held-out logits; ECE {report['cv_uncalibrated_ece']:.3f}"
            " at 1)")
    elif old is None:
        log("the rules file has no stance_model section: temperature 1 (pass --folds 5 to fit one)")
    log(f"final model: training on all {len(rows)} quotes")
    ft = fine_tune(files.directory, enc, gold, states, len(labels), cfg, seed=a.seed, log=log)
    tmp = Path(out_dir) / "stance-deltas.tmp.npz"  # np.savez adds .npz to any other name
    save_deltas(tmp, add=ft.deltas())
    sha = sha256_file(tmp)
    name = f"stance-deltas-{sha[:12]}.npz"
    for stale in Path(out_dir).glob("stance-deltas-*.npz"):
        if stale.name != name:
            stale.unlink()
    tmp.replace(Path(out_dir) / name)
    W, b = ft.head()
    spec = StanceModelSpec(StanceHead(labels, W.astype(np.float64), b.astype(np.float64), temperature), name, sha,
                           f"{DISTRIBUTION} {VERSION}", max_length=cfg.max_length)
    write_stance_section(rules_path, spec)
    report.update(deltas=Path(out_dir) / name, rules=Path(rules_path), temperature=temperature,
                  train_cpu=ft.train_cpu, total_cpu=time.process_time() - t_start)
    log(f"wrote {Path(out_dir) / name} and the stance_model section of {rules_path} "
        f"(final training {ft.train_cpu:.0f} CPU s)")
    if dev is not None:
        from ..learned import LearnedStance

        dev_rows, dev_docs = dev
        spec = load_rules(rules_path).stance_model  # what annotation will read, rounding and all
        model = LearnedStance(spec, Path(out_dir), backend="numpy")
        feats = np.vstack([model.features(dev_docs[r.doc_id], [(r.start, r.end)]) for r in dev_rows])
        report["dev"] = stance_metrics(dev_rows, spec.head.probabilities(feats), labels)
        log(f"dev, gold spans, the written model (NumPy): {format_metrics(report['dev'])}")
    return report


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    try:
        run(a, log=lambda s: print(s, flush=True))
    except QuotesError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
