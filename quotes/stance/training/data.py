"""Labelled quotes from a stance JSONL, folds by article, the figures a stance model is judged by, calibration.

numpy only: what the fine-tune (`finetune`, torch) is given and what is measured on its outputs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ...errors import QuotesError
from ..calibration import expected_calibration_error, fit_temperature, softmax  # noqa: F401 - re-exported


class TrainingError(QuotesError):
    """A training input cannot be read or the training extra is missing (one line, exit 1)."""


@dataclass(frozen=True)
class StanceRow:
    """One labelled quote: its span in its article and its gold stance (plus the stances also accepted)."""

    doc_id: str
    start: int
    end: int
    stance: str
    alternates: tuple[str, ...] = ()


def load_rows(jsonl: str | Path, texts: str | Path, labels: Sequence[str]) -> tuple[list[StanceRow], dict[str, str]]:
    """The rows of a stance JSONL and the text of every article they name (`texts/DOC_ID.txt`)."""
    jsonl, texts = Path(jsonl), Path(texts)
    if not jsonl.is_file():
        raise TrainingError(f"{jsonl}: no such file; pass a stance JSONL (doc_id, start, end, stance per line)")
    if not texts.is_dir():
        raise TrainingError(f"{texts}: no such folder; pass the folder of DOC_ID.txt article texts with --texts")
    rows: list[StanceRow] = []
    docs: dict[str, str] = {}
    try:
        lines = jsonl.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise TrainingError(f"{jsonl}: not UTF-8 text; pass a stance JSONL") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            row = StanceRow(str(r["doc_id"]), int(r["start"]), int(r["end"]), str(r["stance"]),
                            tuple(str(a) for a in (r.get("stance_alternates") or ())))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise TrainingError(f"{jsonl}:{n}: not a stance row ({type(exc).__name__}: {exc}); each line needs "
                                "doc_id, start, end and stance") from None
        if row.stance not in labels:
            raise TrainingError(f"{jsonl}:{n}: stance {row.stance!r} is not one of the rules' labels "
                                f"({', '.join(labels)})")
        if row.doc_id not in docs:
            path = texts / f"{row.doc_id}.txt"
            if not path.is_file():
                raise TrainingError(f"{jsonl}:{n}: the article text {path} is missing")
            docs[row.doc_id] = path.read_text(encoding="utf-8")
        if not 0 <= row.start < row.end <= len(docs[row.doc_id]):
            raise TrainingError(f"{jsonl}:{n}: the span {row.start}-{row.end} is outside {row.doc_id}.txt "
                                f"({len(docs[row.doc_id])} characters)")
        rows.append(row)
    if not rows:
        raise TrainingError(f"{jsonl}: no labelled quotes in it")
    return rows, docs


def article_folds(rows: Sequence[StanceRow], k: int = 5, seed: int = 0) -> np.ndarray:
    """The fold of each row: the articles (doc_ids, sorted) shuffled with the seed and dealt round-robin, so a
    quote is never judged by a model trained on another quote of its article."""
    docs = sorted({r.doc_id for r in rows})
    perm = np.random.RandomState(seed).permutation(len(docs))
    fold = {docs[j]: i % k for i, j in enumerate(perm)}
    return np.array([fold[r.doc_id] for r in rows])


def stance_metrics(rows: Sequence[StanceRow], probs: np.ndarray, labels: Sequence[str]) -> dict[str, float]:
    """On gold spans: strict accuracy, accuracy counting the alternates, macro-F1 over the gold labels, ECE."""
    index = {label: k for k, label in enumerate(labels)}
    gold = np.array([index[r.stance] for r in rows])
    pred = np.asarray(probs).argmax(axis=1)
    ok = pred == gold
    alt = np.array([ok[i] or labels[pred[i]] in r.alternates for i, r in enumerate(rows)])
    f1 = []
    for j in sorted(set(gold.tolist())):
        tp = int(((gold == j) & (pred == j)).sum())
        fp = int(((gold != j) & (pred == j)).sum())
        fn = int(((gold == j) & (pred != j)).sum())
        f1.append(2 * tp / max(1, 2 * tp + fp + fn))
    return {"n": len(rows), "strict": float(ok.mean()), "alternates": float(alt.mean()),
            "macro_f1": float(np.mean(f1)), "ece": expected_calibration_error(np.asarray(probs), gold)}


def format_metrics(m: dict[str, float]) -> str:
    return (f"strict {m['strict']:.3f}  alternates {m['alternates']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
            f"ECE {m['ece']:.3f}  (n={m['n']})")
