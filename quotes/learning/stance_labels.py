"""The learned stance model's labels on the rows `quotes learn` scores, so that its figures are what `quotes
extract` will give.

A rules file with a `stance_model` labels stance with it, not with the cue model `analyse` applies; the
workbench annotates the same documents under many rules versions, so each quote's encoder features are computed
once (they depend on the encoder and the span, not on the rules being tried) and each version's head is applied
to them. Without the encoder package the rows keep the cue model's labels, as `--stance rules` would give.
"""
from __future__ import annotations

import numpy as np

from ..records import Quote
from ..rules import Rules
from ..stance.encoder.weights import EncoderMissing
from ..stance.learned import LearnedStance, give_labels, predictions


class StanceLabels:
    """Learned stance labels for the rows of corrected documents, features kept per (document, span)."""

    def __init__(self) -> None:
        self._models: dict[tuple, LearnedStance | None] = {}
        self._features: dict[tuple, np.ndarray] = {}

    def model(self, rules: Rules) -> LearnedStance | None:
        """The rules' learned model, loaded once per encoder and kept (None: no model, or no encoder package)."""
        return self._model(rules)[1] if rules.stance_model is not None else None

    def _model(self, rules: Rules) -> tuple[tuple, LearnedStance | None]:
        spec = rules.stance_model
        key = (spec.deltas_sha256, spec.input, spec.max_length)
        if key not in self._models:
            try:
                self._models[key] = LearnedStance(spec, rules.stance_model_directory())
            except EncoderMissing:
                self._models[key] = None  # the cue model's labels stay, as without the model
        return key, self._models[key]

    def apply(self, rules: Rules, doc_id: str, text: str, quotes: list[Quote]) -> None:
        """Give each row the label, score and probabilities the rules' learned model gives it (in place)."""
        if rules.stance_model is None or not quotes:
            return
        key, model = self._model(rules)
        if model is None:
            return
        spans = [(q.start, q.end) for q in quotes]
        todo = [s for s in dict.fromkeys(spans) if (key, doc_id, s) not in self._features]
        if todo:
            for span, row in zip(todo, model.features(text, todo)):
                self._features[(key, doc_id, span)] = row
        features = np.vstack([self._features[(key, doc_id, s)] for s in spans])
        give_labels(quotes, predictions(rules.stance_model.head, features))
