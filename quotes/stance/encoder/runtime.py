"""`Encoder`: texts (or quote/context pairs) in, one 384-float vector per text out, on CPU and offline.

It ties the other modules together: the checked files (`weights`), an optional stance model's deltas
(`deltas`), the tokenizer, and one backend ("numpy", "onnx" for ORT fp32, "onnx-int8", or "auto": onnx-int8,
the recommended and fastest, when onnxruntime imports, else numpy). Inputs are sorted by length and batched, each batch padded only to its
longest input (padding to 128 would triple the work for a 36-token quote), then put back in order.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence

import numpy as np

from .deltas import apply_deltas
from .numpy_forward import NumpyBackend
from .onnx_backend import OnnxBackend, onnx_model_path
from .tokenizer import Encoded, make_tokenizer
from .weights import DEFAULT_MAX_LENGTH, ModelFiles, locate_model, read_safetensors

Backend = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]

#: backend name -> ONNX variant
ONNX_BACKENDS = {"onnx": "fp32", "onnx-int8": "int8"}
#: the measured best inputs per forward pass; int8 runs one at a time because its activation scale spans the
#: batch, padding included (up to 0.15 on a raw vector between batch sizes 1 and 8), and that costs ~10% only
DEFAULT_BATCH_SIZE = {"numpy": 16, "onnx": 8, "onnx-int8": 1}


def load_weights(files: ModelFiles, deltas: str | os.PathLike | None = None) -> tuple[dict[str, np.ndarray], str]:
    """The base weights with a stance model's delta file applied if given, and a hash naming exactly them.

    The hash (base + deltas) keys the ONNX cache, so a graph built for other weights is never loaded."""
    params = read_safetensors(files.weights)
    params.pop("embeddings.position_ids", None)  # a buffer of the PyTorch module, not a weight
    identity = files.weights_sha256
    if deltas is not None:
        delta_sha = apply_deltas(params, deltas, base_sha256=files.weights_sha256)
        identity = hashlib.sha256(f"{identity}+{delta_sha}".encode()).hexdigest()
    return params, identity


def _onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class Encoder:
    """Sentence embeddings from all-MiniLM-L6-v2.

    `max_length`: tokens per input, [CLS]/[SEP] included (3..512). `normalize`: L2-normalise the pooled
    vectors, the model's own last step. `deltas`: a stance model's delta file. `tokenizer`: "auto", "rust"
    or "python". `verify`: "full", "small" or "none" (see `locate_model`). `model_dir`: the model's files
    if not the installed package's. `threads`: onnxruntime's (NumPy's BLAS threads are the process's).
    `cache_dir`: where ONNX files live (default `default_cache_dir()`).

    Make one per worker process, lazily, after any fork.
    """

    def __init__(self, backend: str = "auto", max_length: int = DEFAULT_MAX_LENGTH, normalize: bool = True,
                 deltas: str | os.PathLike | None = None, tokenizer: str = "auto", verify: str = "full",
                 batch_size: int | None = None, threads: int = 1, cache_dir: str | os.PathLike | None = None,
                 model_dir: str | os.PathLike | None = None):
        if backend == "auto":
            # int8 is what `make stance-model` builds and what a stance head must be trained on (it differs from
            # fp32 by ~0.004 of cosine); the NumPy pass is the exact fallback without onnxruntime
            backend = "onnx-int8" if _onnxruntime_available() else "numpy"
        if backend != "numpy" and backend not in ONNX_BACKENDS:
            raise ValueError(f"backend must be auto, numpy, {', '.join(ONNX_BACKENDS)}, not {backend!r}")
        self.files = locate_model(verify, model_dir)
        cfg = self.files.config
        if not 2 < max_length <= cfg["max_position_embeddings"]:
            raise ValueError(f"max_length must be in 3..{cfg['max_position_embeddings']}, not {max_length}")
        self.max_length = max_length
        self.normalize = normalize
        self.tokenizer = make_tokenizer(self.files, tokenizer)
        self.backend_name = backend
        self.batch_size = batch_size or DEFAULT_BATCH_SIZE[backend]
        params, self.identity = load_weights(self.files, deltas)
        self.backend: Backend
        if backend == "numpy":
            self.backend = NumpyBackend(params, cfg)
        else:
            path = onnx_model_path(params, cfg, self.identity, ONNX_BACKENDS[backend], cache_dir, self.tokenizer)
            self.backend = OnnxBackend(path, threads=threads)
        del params  # the memory map closes once nothing refers to it

    @property
    def dimension(self) -> int:
        return self.files.config["hidden_size"]

    def tokenize(self, texts: Sequence[str], pairs: Sequence[str] | None = None) -> Encoded:
        """(ids, type ids) per text, cut to max_length (a pair: the longer side first)."""
        if pairs is not None and len(pairs) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(pairs)} pairs")
        return self.tokenizer.encode(texts, pairs, self.max_length)

    def encode(self, texts: Sequence[str], pairs: Sequence[str] | None = None, normalize: bool | None = None,
               batch_size: int | None = None) -> np.ndarray:
        """(n, 384) float32: one vector per text, or per `text [SEP] pair` when `pairs` is given."""
        if isinstance(texts, str):  # a lone string would be embedded character by character
            raise TypeError("encode() takes a sequence of strings, not a string")
        return self.encode_ids(self.tokenize(texts, pairs), normalize, batch_size)

    def encode_ids(self, enc: Encoded, normalize: bool | None = None, batch_size: int | None = None) -> np.ndarray:
        """(n, 384) float32 for inputs already laid out as (token ids, type ids), e.g. by `stance.model_input`."""
        n = len(enc)
        out = np.empty((n, self.dimension), dtype=np.float32)
        if n == 0:
            return out
        lengths = np.fromiter((len(e[0]) for e in enc), dtype=np.int64, count=n)
        order = np.argsort(lengths, kind="stable")
        bs = batch_size or self.batch_size
        for b0 in range(0, n, bs):
            idx = order[b0:b0 + bs]
            width = int(lengths[idx[-1]])
            ids = np.zeros((len(idx), width), dtype=np.int64)
            type_ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, j in enumerate(idx):
                t_ids, t_types = enc[j]
                ids[r, :len(t_ids)] = t_ids
                type_ids[r, :len(t_types)] = t_types
                mask[r, :len(t_ids)] = 1
            out[idx] = self.backend(ids, type_ids, mask)
        if self.normalize if normalize is None else normalize:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), np.float32(1e-12))
        return out


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosines of every row of `a` with every row of `b`."""
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T
