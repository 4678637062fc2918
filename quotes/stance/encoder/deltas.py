"""A fine-tuned stance model as a small file of changes on top of the frozen encoder's weights.

Shipping the whole 90 MB encoder again for a few tuned layers would be waste: a delta `.npz` holds whole
replacement tensors, differences added to the base tensors (`name.delta`: the fine-tuned top layers, stored as
float16, whose rounding moves no dev prediction), or LoRA updates (`W += scale * B @ A`, PEFT's layout), and
`__base_sha256__`, the hash of the base weights it was trained on. A file for other weights, or naming a
weight the model has not, is refused rather than loaded silently.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...errors import QuotesError
from .weights import EXPECTED_SHA256, WEIGHTS_FILE, sha256_file


class DeltasMismatch(QuotesError):
    """A delta file does not fit the encoder's weights (other base weights, unknown names, other shapes)."""


def top_layer_names(params: dict[str, np.ndarray], n: int, num_layers: int = 6) -> list[str]:
    """The names of every weight of the top `n` encoder layers (what a fine-tuned model replaces)."""
    prefixes = tuple(f"encoder.layer.{i}." for i in range(num_layers - n, num_layers))
    return sorted(k for k in params if k.startswith(prefixes))


def save_deltas(path: str | os.PathLike, replace: dict[str, np.ndarray] | None = None,
                lora: dict[str, tuple[np.ndarray, np.ndarray, float]] | None = None,
                base_sha256: str | None = EXPECTED_SHA256[WEIGHTS_FILE],
                add: dict[str, np.ndarray] | None = None, add_dtype: type = np.float16) -> None:
    """Write a delta file for `apply_deltas`.

    `replace`: name -> the whole new tensor. `lora`: name -> (A, B, scale) with A (r, in) and B (out, r) in
    PyTorch's (out, in) layout, so `W += scale * B @ A` (PEFT's lora_A, lora_B and lora_alpha / r).
    `add`: name -> the difference to add to the base tensor, stored as `add_dtype`.
    `base_sha256` binds the file to the weights it was trained on."""
    arrays: dict[str, np.ndarray] = {}
    for name, w in (replace or {}).items():
        arrays[name] = np.asarray(w, dtype=np.float32)
    for name, w in (add or {}).items():
        arrays[f"{name}.delta"] = np.asarray(w, dtype=add_dtype)
    for name, (a, b, scale) in (lora or {}).items():
        arrays[f"{name}.lora_A"] = np.asarray(a, dtype=np.float32)
        arrays[f"{name}.lora_B"] = np.asarray(b, dtype=np.float32)
        arrays[f"{name}.lora_scale"] = np.asarray(scale, dtype=np.float32)
    if base_sha256:
        arrays["__base_sha256__"] = np.asarray(base_sha256)
    np.savez_compressed(path, **arrays)


def apply_deltas(params: dict[str, np.ndarray], path: str | os.PathLike, base_sha256: str | None = None) -> str:
    """Apply a delta file to `params` in place; returns the file's sha256 (part of the weights' identity)."""
    path = Path(path)
    sha = sha256_file(path)
    with np.load(path, allow_pickle=False) as z:  # no pickles: a delta file is data, never code
        data = {k: z[k] for k in z.files}
    bound = data.pop("__base_sha256__", None)
    if bound is not None and base_sha256 is not None and str(bound) != base_sha256:
        raise DeltasMismatch(f"{path} was made for the base weights {str(bound)[:12]}..., not {base_sha256[:12]}...")
    lora_names = {k.rsplit(".lora_", 1)[0] for k in data if ".lora_" in k}
    for key, new in data.items():
        if ".lora_" in key:
            continue
        added = key.endswith(".delta")
        name = key[:-len(".delta")] if added else key
        if name not in params:
            raise DeltasMismatch(f"{path}: the encoder has no weight {name}")
        if new.shape != params[name].shape:
            raise DeltasMismatch(f"{path}: {name} has the shape {new.shape}, the encoder's is {params[name].shape}")
        if added:
            params[name] = (params[name].astype(np.float32) + new.astype(np.float32)).astype(np.float32)
        else:
            params[name] = np.ascontiguousarray(new, dtype=np.float32)
    for name in sorted(lora_names):
        if name not in params:
            raise DeltasMismatch(f"{path}: the encoder has no weight {name}")
        a = data[f"{name}.lora_A"].astype(np.float32)
        b = data[f"{name}.lora_B"].astype(np.float32)
        scale = float(data.get(f"{name}.lora_scale", np.float32(1.0)))
        w = params[name]
        if b.shape[0] != w.shape[0] or a.shape[1] != w.shape[1] or a.shape[0] != b.shape[1]:
            raise DeltasMismatch(f"{path}: the LoRA shapes A{a.shape} B{b.shape} do not fit {name}{w.shape}")
        params[name] = (w.astype(np.float32) + np.float32(scale) * (b @ a)).astype(np.float32)
    return sha
