"""The learned stance model: the quote and its sentence through the fine-tuned encoder, then a calibrated head.

`LearnedStance` joins the parts: `model_input` lays out each quote, the `encoder` (all-MiniLM-L6-v2 from the
registry package, with the shipped fine-tuned top layers applied as deltas) gives its mean-pooled features,
and the rules file's `StanceHead` turns them into one probability per label. The label is the most probable
one and `stance_score` its probability, calibrated by the head's temperature. The cue model still runs beside
it: its cues (`stance_cues`) say which words of the quote carry a stance, so a reader sees why.

Make one per process (it loads the encoder once; under `--workers` and `--dask` each worker makes its own after
the fork). Pure: text and spans in, probabilities out; where the deltas file lies is the caller's to say.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .encoder.weights import EncoderMissing, sha256_file
from .model_input import model_inputs, with_quote_marks
from .model_schema import StanceHead, StanceModelSpec

MODES = ("model", "rules")  # --stance: the learned model (default) or the cue model alone


@dataclass(frozen=True)
class StancePrediction:
    label: str
    score: float  # the label's calibrated probability
    probabilities: dict[str, float]  # every label's, in the rules' label order


def deltas_path(spec: StanceModelSpec, directory: Path) -> Path | None:
    """The spec's deltas file in `directory`, checked against the hash the rules name (None: no deltas)."""
    if not spec.deltas_file:
        return None
    path = directory / spec.deltas_file
    if not path.is_file():
        raise EncoderMissing(f"{path}: the stance model's deltas file is missing; reinstall quotes (pip install -e .) "
                             "or run with --stance rules")
    got = sha256_file(path)
    if got != spec.deltas_sha256:
        raise EncoderMissing(f"{path} has sha256 {got[:12]}..., the rules name {str(spec.deltas_sha256)[:12]}...; "
                             "reinstall quotes or pass the rules file made with it")
    return path


class LearnedStance:
    """Stance probabilities for quotes of a text, from the encoder and the head a rules file names."""

    def __init__(self, spec: StanceModelSpec, directory: Path, backend: str = "auto", verify: str = "full"):
        from .encoder.runtime import Encoder  # numpy and the model files only when the model is asked for

        self.spec = spec
        self.head: StanceHead = spec.head
        self.encoder = Encoder(backend, max_length=spec.max_length, normalize=False,
                               deltas=deltas_path(spec, directory), verify=verify)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.head.labels

    def features(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """(n, 384) mean-pooled features of each quote span of `text` (what the head reads). A span inside its
        quote marks, as the annotator and Label Studio give it, is read with its marks, as the model learned."""
        spans = [with_quote_marks(text, s, e) for s, e in spans]
        enc = model_inputs(self.encoder.tokenizer, text, spans, self.spec.max_length)
        return self.encoder.encode_ids(enc)

    def predict(self, text: str, spans: Sequence[tuple[int, int]]) -> list[StancePrediction]:
        if not spans:
            return []
        return predictions(self.head, self.features(text, spans))


def give_labels(quotes: Sequence, found: Sequence[StancePrediction]) -> None:
    """Each quote row's stance, stance_score (to 3 decimals, as every export writes it) and every label's
    probability from its prediction, in place; stance_cues, the cue model's evidence, stays."""
    for q, p in zip(quotes, found):
        q.stance, q.stance_score, q.stance_probs = p.label, round(p.score, 3), p.probabilities


def predictions(head: StanceHead, features: np.ndarray) -> list[StancePrediction]:
    """The label, its probability and every label's probability, per row of `features`."""
    probs = head.probabilities(features)
    out = []
    for row in probs:
        k = int(np.argmax(row))  # ties go to the label listed first, as in the cue model
        out.append(StancePrediction(head.labels[k], float(row[k]),
                                    {label: round(float(p), 4) for label, p in zip(head.labels, row)}))
    return out
