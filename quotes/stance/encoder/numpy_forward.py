"""The encoder's forward pass in float32 NumPy: exact, and needing nothing beyond numpy and the weights.

It is the fallback when onnxruntime is not installed and the reference the ONNX graphs are checked against
(the published similarity figures match to 4 decimals; onnxruntime fp32 agrees to 1e-6). It costs about
0.37 ms per token (ORT fp32 0.29, ORT int8 0.16), so it fits the ~15 ms per quote budget only for inputs up
to about 40 tokens. BLAS threads are the process's: limit them with OPENBLAS_NUM_THREADS=1 or threadpoolctl.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: callback(layer, "qkv" | "w1", the activations entering that matmul), for int8 calibration
Observer = Callable[[int, str, np.ndarray], None]

# The erf of the exact GELU as a float32 rational function (Eigen's and XLA's, |error| < 1e-6): NumPy has
# no erf ufunc, and the tanh form of GELU would move the embeddings by far more than round-off.
_ERF_NUMERATOR = (2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05, -7.34990630326855e-04,
                  -2.95459980854025e-03)
_ERF_DENOMINATOR = (-2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03)


def gelu_(x: np.ndarray, z: np.ndarray, z2: np.ndarray, p: np.ndarray) -> np.ndarray:
    """x <- 0.5 x (1 + erf(x / sqrt 2)) in place; `z`, `z2`, `p` are scratch arrays shaped like `x`.

    No allocation: on cache-sized blocks the ~25 element-wise passes stay in cache (with fresh temporaries
    on bigger blocks the GELU took 15% of the whole forward pass)."""
    np.multiply(x, np.float32(1.0 / math.sqrt(2.0)), out=z)
    np.clip(z, -4.0, 4.0, out=z)
    np.multiply(z, z, out=z2)
    np.multiply(z2, np.float32(-2.72614225801306e-10), out=p)
    for c in _ERF_NUMERATOR:
        p += np.float32(c)
        p *= z2
    p += np.float32(-1.60960333262415e-02)
    p *= z
    q = np.multiply(z2, np.float32(-1.45660718464996e-05), out=z)  # the denominator reuses z
    for c in _ERF_DENOMINATOR:
        q += np.float32(c)
        q *= z2
    q += np.float32(-1.42647390514189e-02)
    p /= q
    p += np.float32(1.0)
    p *= np.float32(0.5)
    x *= p
    return x


def layer_norm_(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the last axis, in place on a 2-D float32 array."""
    x -= x.mean(axis=1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x)[:, None]
    var *= np.float32(1.0 / x.shape[1])
    var += np.float32(eps)
    np.sqrt(var, out=var)
    x /= var
    x *= gamma
    x += beta
    return x


def _f32(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32)


class NumpyBackend:
    """The 6-layer BERT encoder and mean pooling: (B, L) ids, type ids and mask -> (B, hidden), not normalised."""

    #: FFN rows at once: 128 x 1536 float32 is 768 KB per buffer, so the GELU's passes run mostly in L2 cache
    #: while the matmuls stay large enough for BLAS (the best of 32..640, measured)
    FFN_CHUNK = 128

    def __init__(self, params: dict[str, np.ndarray], config: dict):
        self.hidden = config["hidden_size"]
        self.heads = config["num_attention_heads"]
        self.head_dim = self.hidden // self.heads
        self.eps = float(config["layer_norm_eps"])
        # The word-embedding table stays a view on the memory map (only the rows gathered are paged in);
        # everything else is copied into contiguous float32.
        self.word = params["embeddings.word_embeddings.weight"]
        self.pos = _f32(params["embeddings.position_embeddings.weight"])
        self.type = _f32(params["embeddings.token_type_embeddings.weight"])
        self.emb_ln = (_f32(params["embeddings.LayerNorm.weight"]), _f32(params["embeddings.LayerNorm.bias"]))
        scale = np.float32(1.0 / math.sqrt(self.head_dim))
        self.layers = []
        for i in range(config["num_hidden_layers"]):
            def p(name: str, i: int = i) -> np.ndarray:
                return params[f"encoder.layer.{i}.{name}"]

            # PyTorch's Linear stores W as (out, in) and we compute x @ W.T, so W.T is kept contiguous. Q, K
            # and V are one (384, 1152) matmul, with the attention's 1/sqrt(d) folded into Q's weight and bias.
            wqkv = np.concatenate([p("attention.self.query.weight").T * scale, p("attention.self.key.weight").T,
                                   p("attention.self.value.weight").T], axis=1)
            bqkv = np.concatenate([p("attention.self.query.bias") * scale, p("attention.self.key.bias"),
                                   p("attention.self.value.bias")])
            self.layers.append({
                "wqkv": _f32(wqkv), "bqkv": _f32(bqkv),
                "wo": _f32(p("attention.output.dense.weight").T), "bo": _f32(p("attention.output.dense.bias")),
                "ln1": (_f32(p("attention.output.LayerNorm.weight")), _f32(p("attention.output.LayerNorm.bias"))),
                "w1": _f32(p("intermediate.dense.weight").T), "b1": _f32(p("intermediate.dense.bias")),
                "w2": _f32(p("output.dense.weight").T), "b2": _f32(p("output.dense.bias")),
                "ln2": (_f32(p("output.LayerNorm.weight")), _f32(p("output.LayerNorm.bias"))),
            })
        self.observe: Observer | None = None  # set only while calibrating the int8 graph

    def __call__(self, ids: np.ndarray, type_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        B, L = ids.shape
        D, H, dh = self.hidden, self.heads, self.head_dim
        x = self.word[ids.ravel()].reshape(B, L, D)  # the gather makes a fresh array: safe to add into
        x += self.pos[:L]
        x += self.type[type_ids]
        x = x.reshape(B * L, D)
        layer_norm_(x, *self.emb_ln, self.eps)
        # additive key mask (B, 1, 1, L): 0 on tokens, a huge negative on padding
        bias = ((mask == 0).astype(np.float32) * np.float32(-1e30))[:, None, None, :]
        C = self.FFN_CHUNK
        h = np.empty((min(C, B * L), self.layers[0]["w1"].shape[1]), dtype=np.float32)
        scratch = [np.empty_like(h) for _ in range(3)]
        obs = self.observe
        for li, ly in enumerate(self.layers):
            if obs:
                obs(li, "qkv", x)
            qkv = x @ ly["wqkv"]
            qkv += ly["bqkv"]
            qkv = qkv.reshape(B, L, 3, H, dh)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)  # (B, H, L, dh) strided views: BLAS reads them as they are,
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)  # so no copy is made
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            s = q @ k  # (B, H, L, L), already scaled
            s += bias
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(B * L, D)
            a = ctx @ ly["wo"]
            a += ly["bo"]
            a += x
            x = layer_norm_(a, *ly["ln1"], self.eps)
            out = np.empty_like(x)
            for r0 in range(0, B * L, C):  # the FFN in cache-sized row blocks
                xr = x[r0:r0 + C]
                n = xr.shape[0]
                hr = h[:n]
                if obs:
                    obs(li, "w1", xr)
                np.matmul(xr, ly["w1"], out=hr)
                hr += ly["b1"]
                gelu_(hr, *(t[:n] for t in scratch))
                o = out[r0:r0 + n]
                np.matmul(hr, ly["w2"], out=o)
                o += ly["b2"]
                o += xr
                layer_norm_(o, *ly["ln2"], self.eps)
            x = out
        # mean over the real tokens (padding has mask 0): (B, 1, L) @ (B, L, D)
        m = mask.astype(np.float32)
        summed = (m[:, None, :] @ x.reshape(B, L, D))[:, 0, :]
        summed /= np.maximum(m.sum(axis=1, keepdims=True), np.float32(1e-9))
        return summed
