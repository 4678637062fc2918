"""The ONNX files onnxruntime runs (fp32, or int8 after smoothing), cached on disk, and a session on them.

int8 is the recommended default: 15.1 ms per "quote + context" input (96 tokens) against 28.2 for fp32, flat
180 MB of memory, at a cosine of 0.993-0.999 to fp32 (mean 0.9964 on the 631 dev quotes). A stance head must
therefore be trained and evaluated on features from this same int8 path. Building a file costs 1.7 (fp32) or
4.5 (int8) CPU s and peaks near 650 MB, so it is built once at set-up (`python -m quotes.stance.encoder build
--variant int8`), not in every worker. `onnx` is needed only to build; running needs only `onnxruntime`.
"""
from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .numpy_forward import NumpyBackend
from .onnx_graph import INPUTS, LAYOUT, OUTPUT, build_onnx
from .tokenizer import Tokenizer
from .weights import DEFAULT_MAX_LENGTH

if TYPE_CHECKING:
    import onnx

#: Bump when the graph changes: it is part of every cache file's name.
BUILDER_VERSION = "2"
VARIANTS = ("fp32", "int8")

#: The int8 smoothing's calibration: generic news-style English. 13 sentences were enough (200 quotes of the
#: stance training data did no better), and they keep the build free of any data file.
CALIBRATION_TEXTS = (
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
    "The cat sits outside",
    "A man is playing guitar",
    "The new movie is awesome",
    "“We will not be lectured by a man who has never run a business,” the senator said.",
    "The president said the economy was stronger than ever, but critics disagreed.",
    "She called the proposal “a disgrace to this country” and vowed to fight it.",
    "Officials said the investigation was ongoing and declined to comment further.",
    "I love pasta",
    "Do you like pizza?",
    "A woman watches TV",
)
SMOOTH_ALPHA = 0.7


def default_cache_dir() -> Path:
    """$QUOTES_CACHE_DIR, else $XDG_CACHE_HOME/quotes, else ~/.cache/quotes."""
    env = os.environ.get("QUOTES_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "quotes"


def activation_absmax(params: dict[str, np.ndarray], config: dict, tokenizer: Tokenizer,
                      texts: Sequence[str] = CALIBRATION_TEXTS) -> dict[tuple[int, str], np.ndarray]:
    """The largest |activation| per input channel of every QKV and FFN-up matmul, over the tokens of `texts`
    (run one at a time, so no padding row counts)."""
    backend = NumpyBackend(params, config)
    stats: dict[tuple[int, str], np.ndarray] = {}

    def observe(layer: int, kind: str, x: np.ndarray) -> None:
        m = np.abs(x).max(axis=0)
        stats[(layer, kind)] = np.maximum(stats.get((layer, kind), m), m)

    backend.observe = observe
    for ids, type_ids in tokenizer.encode(texts, None, DEFAULT_MAX_LENGTH):
        a = np.asarray([ids], dtype=np.int64)
        backend(a, np.asarray([type_ids], dtype=np.int64), np.ones_like(a))
    return stats


def smooth_for_int8(model: onnx.ModelProto, absmax: dict[tuple[int, str], np.ndarray],
                    alpha: float = SMOOTH_ALPHA) -> onnx.ModelProto:
    """SmoothQuant rescaling, in place, of the two matmuls fed by a LayerNorm (fused QKV and FFN-up).

    Y = X W becomes (X / s)(diag(s) W) with s_j = max|X_j|^alpha / max|W_j|^(1 - alpha): exact in float, but
    it moves BERT's few outlier activation channels into the weights, which are quantised per output channel,
    so the one uint8 scale per activation tensor keeps more resolution. On the 631 dev quotes: cosine to fp32
    mean 0.9934 -> 0.9964, min 0.986 -> 0.993, at no speed cost. Smoothing the other two matmuls as well was
    less robust."""
    from onnx import helper, numpy_helper

    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    nodes = []
    for n in graph.node:
        w = n.input[1] if n.op_type == "MatMul" and len(n.input) == 2 else ""
        kind = w.split("_", 1)[1] if w.startswith("l") and "_" in w else ""
        if w in inits and kind in ("wqkv", "w1"):
            layer = int(w.split("_", 1)[0][1:])
            weight = numpy_helper.to_array(inits[w]).astype(np.float32)  # (in, out)
            amax = np.maximum(absmax[(layer, "qkv" if kind == "wqkv" else "w1")], 1e-5)
            wmax = np.maximum(np.abs(weight).max(axis=1), 1e-5)
            s = np.clip(amax**alpha / wmax ** (1 - alpha), 1e-2, 1e2).astype(np.float32)
            inits[w].CopyFrom(numpy_helper.from_array(weight * s[:, None], w))
            graph.initializer.append(numpy_helper.from_array((1.0 / s).astype(np.float32), w + "_inv_s"))
            nodes.append(helper.make_node("Mul", [n.input[0], w + "_inv_s"], [w + "_xs"]))
            n.input[0] = w + "_xs"
        nodes.append(n)
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600
        os.replace(tmp, path)  # atomic: a concurrent worker never reads half a file
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def onnx_model_path(params: dict[str, np.ndarray] | None, config: dict, identity: str, variant: str = "fp32",
                    cache_dir: str | os.PathLike | None = None, tokenizer: Tokenizer | None = None) -> Path:
    """The cached ONNX file for these weights, built if it is missing.

    "fp32" is the graph of `build_onnx`; "int8" is that graph after `smooth_for_int8` and `quantize_dynamic`
    (int8 weights per output channel, uint8 activations with one scale per tensor computed at run time; the
    scale spans the whole batch, so run it one input at a time for reproducible embeddings). The file name
    carries the weights' identity (base + deltas), the builder version, the layout and, for int8, the
    onnxruntime version (its quantiser may change), so a stale file is never loaded. `params` may be None
    when the file is known to exist; `tokenizer` is needed to build int8 (calibration).
    """
    import onnxruntime as ort

    if variant not in VARIANTS:
        raise ValueError(f"the ONNX variant must be one of {', '.join(VARIANTS)}, not {variant!r}")
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    tag = f"{identity[:16]}-b{BUILDER_VERSION}-{LAYOUT}"
    fp32 = cache / f"minilm-l6-{tag}-fp32.onnx"
    target = fp32 if variant == "fp32" else cache / f"minilm-l6-{tag}-ort{ort.__version__}-{variant}.onnx"
    if target.exists():
        return target
    if params is None:
        raise FileNotFoundError(target)
    try:
        import onnx
    except ImportError as e:  # running needs only onnxruntime; building needs onnx as well
        raise ImportError(f"building {target.name} needs onnx: pip install -e '.[stance]'", name="onnx") from e
    if variant == "fp32":
        _atomic_write(fp32, build_onnx(params, config).SerializeToString())
        return fp32
    if tokenizer is None:
        raise ValueError("building the int8 graph needs the tokenizer (to calibrate the smoothing)")
    from onnxruntime.quantization import QuantType, quantize_dynamic

    cache.mkdir(parents=True, exist_ok=True)
    # built from a float graph in a temporary directory: the 90 MB fp32 file is left behind only if asked for
    with tempfile.TemporaryDirectory(dir=cache) as td:
        src, tmp = Path(td) / "float.onnx", Path(td) / "q.onnx"
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)  # the quantiser logs "consider pre-processing" advice on the root logger
        try:
            absmax = activation_absmax(params, config, tokenizer)
            onnx.save(smooth_for_int8(build_onnx(params, config), absmax), str(src))
            quantize_dynamic(
                str(src), str(tmp),
                weight_type=QuantType.QInt8,  # signed weights: the U8S8 kernels (VNNI where the CPU has it)
                per_channel=True,  # per-tensor weights cost about 0.03 of cosine
                op_types_to_quantize=["MatMul"],  # not the embedding Gathers
                # attention's activation x activation matmuls stay in float
                extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        finally:
            logging.disable(previous)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # atomic
    return target


class OnnxBackend:
    """An onnxruntime session on a cached graph: (B, L) ids, type ids and mask -> (B, hidden), not normalised.

    One thread, no spinning: onnxruntime's default pool uses every core and spin-waits, which on the shared
    cores cost 69% more CPU time for no gain in wall time. Give each worker process its own session, made
    after any fork (sessions must not cross a fork once their thread pools exist)."""

    def __init__(self, model_path: Path, threads: int = 1):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        so.add_session_config_entry("session.inter_op.allow_spinning", "0")
        so.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_path), sess_options=so, providers=["CPUExecutionProvider"])

    def __call__(self, ids: np.ndarray, type_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run([OUTPUT], dict(zip(INPUTS, (ids, type_ids, mask))))[0]
