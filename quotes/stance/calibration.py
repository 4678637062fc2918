"""Calibration of the learned stance model: softmax, the temperature that makes its probabilities honest, and the
expected calibration error. One implementation for the fine-tune (`training`) and for `quotes learn`'s head refit,
so that both fit the temperature the same way. Pure NumPy."""
from __future__ import annotations

import numpy as np

#: the range a temperature is searched in (log-scale golden-section search)
TEMPERATURE_RANGE = (0.05, 20.0)


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    return np.exp(log_softmax(np.asarray(z)))


def fit_temperature(logits: np.ndarray, gold: np.ndarray, bounds: tuple[float, float] = TEMPERATURE_RANGE,
                    steps: int = 80) -> float:
    """The temperature minimising the negative log-likelihood of `gold` under softmax(logits / T): golden-section
    search on log T, `steps` steps, deterministic. Fit it on held-out logits, never on the rows a model learned."""
    logits = np.asarray(logits)  # float32 logits stay float32, as in the research fit that gave the shipped 1.475
    rows = np.arange(len(gold))

    def nll(t: float) -> float:
        return float(-log_softmax(logits / t)[rows, gold].mean())

    lo, hi = np.log(bounds[0]), np.log(bounds[1])
    g = (np.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    for _ in range(steps):
        if nll(np.exp(a)) < nll(np.exp(b)):
            hi = b
        else:
            lo = a
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    return float(np.exp((lo + hi) / 2))


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 15) -> float:
    """ECE over `bins` equal-width bins of the top probability: each bin's |accuracy - mean probability|, weighted
    by its share of the rows."""
    probs = np.asarray(probs)
    conf, ok = probs.max(axis=1), probs.argmax(axis=1) == gold
    edges = np.linspace(0, 1, bins + 1)
    out = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            out += m.mean() * abs(ok[m].mean() - conf[m].mean())
    return float(out)
