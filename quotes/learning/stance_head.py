"""Refit the learned stance model's head from stance corrections: the `stance-head` part of `quotes learn`.

The learned model (`quotes.stance.learned`) is a frozen encoder and a linear head; only the head is refitted,
on the encoder's features of each corrected quote (the document's text and the human's span, laid out as
annotation lays it out), so no parse, no re-annotation and no torch:

- features: `LearnedStance.features` of every corrected quote, kept on disk (`FeatureCache`, in the user cache
  dir) under the encoder's identity (base weights + deltas), its backend (and onnxruntime's version, which
  quantises the int8 graph), the input layout and max_length; a quote is keyed by the SHA-256 of its document's
  text and its offsets. A second run encodes nothing.
- the fit: multinomial logistic regression on the calibrated logits (logits / the current temperature), with
  the penalty `l2/2 * (||W - W_current||^2 + ||b - b_current||^2)` and the data term a sum over quotes, so a
  few corrections move the shipped head a little and thousands move it more. L-BFGS-B from scipy, started at
  the current head, with fixed options: no randomness, the same inputs give the same head.
- the temperature: kept, unless there are `TEMPERATURE_MIN_QUOTES` corrected quotes or more; then refitted
  (one number, by log loss) on the cross-validation's out-of-fold logits, where it calibrates what the head says
  of quotes it was not fitted on.
- the gate: k folds of documents (`crossval.folds`); each fold's quotes are scored by the current head and by a
  head refitted on the other folds; strict accuracy decides (the refitted head must not score lower), accuracy
  with alternates, macro-F1 and log loss are reported.

A quote whose label is not one of the rules' labels, or that two documents give at the same offsets of the same
text (a syndicated copy), counts once or not at all.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, Sequence

import numpy as np

from ..stance.calibration import fit_temperature, log_softmax, softmax
from ..stance.metrics import stance_report
from ..stance.model_schema import StanceHead
from .corrections import CorrectedDoc
from .crossval import folds as document_folds

#: the penalty pulling the refitted head toward the current one (per weight, against a data term summed over
#: quotes). Measured without dev: a head fitted on PolNeAR train's first round of labels, refitted from 300 quotes
#: (by article) of the second round, scored on the third: strict 0.6505 unrefitted; 0.646, 0.648, 0.653, 0.654,
#: 0.651, 0.653 with l2 1, 3, 10, 30, 100, 300 (mean of 5 draws; log loss lowest at 30 too). A rules file may
#: set its own (`thresholds: stance_head_l2`).
L2 = 30.0
#: fewer corrected quotes than this keep the current temperature: one number fitted on a few hundred
#: out-of-fold predictions moves more by chance than by calibration
TEMPERATURE_MIN_QUOTES = 500
TEMPERATURE_BOUNDS = (0.25, 8.0)
#: the corrections a default `quotes learn` run (and the live loop) needs before it refits the head
MIN_QUOTES = 200
MIN_DOCUMENTS = 10
#: L-BFGS-B's options: fixed, so a fit is the same computation every time
FIT_OPTIONS = {"maxiter": 1000, "maxcor": 20, "ftol": 1e-12, "gtol": 1e-7}
CACHE_VERSION = 1
DIGITS = 6  # decimals of the written head, as `StanceHead.to_data` writes them


class FeatureModel(Protocol):
    """What the features come from: `LearnedStance` (tests may wrap it to count its calls)."""

    def features(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray: ...


@dataclass(frozen=True)
class HeadExample:
    """One corrected quote: where it is and the label (and the labels also accepted) the human gave."""

    doc_id: str
    start: int
    end: int
    label: str
    alternates: tuple[str, ...] = ()


def head_examples(docs: Iterable[CorrectedDoc], labels: Sequence[str]) -> list[HeadExample]:
    """Every corrected quote with a stance label the rules know, in document and offset order; one of the same
    text at the same offsets (a copy of an article) counts once."""
    known, seen, out = set(labels), set(), []
    for doc in sorted(docs, key=lambda d: d.doc_id):
        for q in sorted(doc.human, key=lambda g: (g.start, g.end)):
            if q.stance not in known or not 0 <= q.start < q.end <= len(doc.text):
                continue
            key = quote_key(doc.text, q.start, q.end)
            if key in seen:
                continue
            seen.add(key)
            out.append(HeadExample(doc.doc_id, q.start, q.end, q.stance,
                                   tuple(a for a in q.stance_alternates if a in known and a != q.stance)))
    return out


# -- features, cached -------------------------------------------------------------------------------------


def quote_key(text: str, start: int, end: int) -> bytes:
    """The SHA-256 of a quote's document text and offsets: what its features are filed under."""
    return hashlib.sha256(f"{start}:{end}:".encode() + text.encode("utf-8")).digest()


def encoder_key(model: Any) -> str:
    """What the features depend on besides the quote: the encoder's weights, backend, layout and length."""
    encoder = model.encoder
    backend = encoder.backend_name
    if backend != "numpy":
        import onnxruntime

        backend += f"-ort{onnxruntime.__version__}"  # it quantises and runs the int8 graph
    spec = model.spec
    ident = {"cache": CACHE_VERSION, "weights": encoder.identity, "backend": backend, "input": spec.input,
             "max_length": spec.max_length}
    return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()


def features_dir() -> Path:
    """Where quotes' features are kept: beside the encoder's ONNX files, in the user's cache dir."""
    from ..stance.encoder import default_cache_dir

    return default_cache_dir() / "stance-features"


class FeatureCache:
    """Features of quotes for one encoder key: one `.npz` file of (keys, features), rewritten whole when new
    quotes are added (written beside and moved into place, so a reader never sees half a file)."""

    def __init__(self, directory: str | os.PathLike, key: str):
        self.path = Path(directory) / f"stance-features-{key[:32]}.npz"
        self.rows: dict[bytes, np.ndarray] = {}
        if self.path.is_file():
            try:
                with np.load(self.path) as data:
                    keys, feats = data["keys"], data["features"]
                self.rows = {bytes(k): f for k, f in zip(keys, feats)}
            except (OSError, KeyError, ValueError):
                self.rows = {}  # unreadable: encoded again, and written anew

    def get(self, key: bytes) -> np.ndarray | None:
        return self.rows.get(key)

    def add(self, items: dict[bytes, np.ndarray]) -> None:
        if not items:
            return
        self.rows.update(items)
        keys = sorted(self.rows)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".stance-features-", suffix=".npz", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32),
                         features=np.stack([self.rows[k] for k in keys]).astype(np.float32))
            os.chmod(tmp, 0o644)  # mkstemp's 0600: the cache is the user's, readable as the ONNX files are
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@dataclass
class FeatureStats:
    encoded: int = 0
    cached: int = 0


def quote_features(model: FeatureModel, cache: FeatureCache | None, texts: dict[str, str],
                   examples: Sequence[HeadExample], stats: FeatureStats | None = None) -> np.ndarray:
    """(n, dims) float64 features of the examples: from the cache, else encoded (one call per document, only
    its quotes the cache lacks) and added to it."""
    stats = stats if stats is not None else FeatureStats()
    keys = [quote_key(texts[e.doc_id], e.start, e.end) for e in examples]
    found: dict[bytes, np.ndarray] = {}
    missing: dict[str, list[int]] = {}
    for i, (e, k) in enumerate(zip(examples, keys)):
        row = cache.get(k) if cache is not None else None
        if row is None:
            missing.setdefault(e.doc_id, []).append(i)
        else:
            found[k] = row
    new: dict[bytes, np.ndarray] = {}
    for doc_id in sorted(missing):
        idx = missing[doc_id]
        feats = np.asarray(model.features(texts[doc_id], [(examples[i].start, examples[i].end) for i in idx]),
                           dtype=np.float32)
        for i, f in zip(idx, feats):
            new[keys[i]] = f
    stats.encoded += len(new)
    stats.cached += len(examples) - sum(len(v) for v in missing.values())
    if cache is not None:
        cache.add(new)
    found.update(new)
    return np.stack([found[k] for k in keys]).astype(np.float64) if keys else np.zeros((0, 0))


# -- the fit ----------------------------------------------------------------------------------------------


def _one_blas_thread():
    """BLAS on one thread for the fit: its products are small (quotes x 385 by 385 x labels), threads only
    contend on a busy machine (five times slower on two shared cores), and one thread sums in one order."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn's dependency; without it BLAS keeps its threads
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def fit_head(x: np.ndarray, y: np.ndarray, current: StanceHead, l2: float = L2) -> StanceHead:
    """The head minimising the summed log loss of softmax((x W^T + b) / T) over the quotes (T: the current
    temperature) plus l2/2 times the squared distance of (W, b) from the current head; from the current head."""
    from scipy.optimize import minimize

    k, d = current.weights.shape
    if len(y) == 0:
        return current
    w0 = np.concatenate([current.weights, current.bias[:, None]], axis=1).ravel()  # (k, d + 1)
    xb = np.concatenate([x, np.ones((len(x), 1))], axis=1)
    onehot = np.zeros((len(y), k))
    onehot[np.arange(len(y)), y] = 1.0
    t = float(current.temperature)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta.reshape(k, d + 1)
        logp = log_softmax(xb @ w.T / t)
        diff = theta - w0
        value = -float((onehot * logp).sum()) + 0.5 * l2 * float(diff @ diff)
        grad = ((np.exp(logp) - onehot).T @ xb / t).ravel() + l2 * diff
        return value, grad

    with _one_blas_thread():
        res = minimize(loss, w0.copy(), jac=True, method="L-BFGS-B", options=FIT_OPTIONS)
    w = res.x.reshape(k, d + 1)
    return StanceHead(current.labels, w[:, :d].copy(), w[:, d].copy(), t)


def rounded(head: StanceHead, digits: int = DIGITS) -> StanceHead:
    """The head as the rules file will hold it (what is written is what is scored)."""
    return StanceHead(head.labels, np.round(head.weights, digits), np.round(head.bias, digits),
                      round(float(head.temperature), digits))


# -- figures and the gate ---------------------------------------------------------------------------------

HEAD_FIGURES = [("strict accuracy", "accuracy"), ("with alternates", "accuracy_alternates"),
                ("macro-F1", "macro_f1"), ("log loss (lower is better)", "log_loss")]
GATE_FIGURE = ("stance head accuracy", "accuracy")  # the figure that decides


def head_figures(probs: np.ndarray, examples: Sequence[HeadExample], labels: Sequence[str]) -> dict[str, float]:
    pred = [labels[int(k)] for k in np.argmax(probs, axis=1)]
    report = stance_report([(e.label, e.alternates, p) for e, p in zip(examples, pred)], labels)
    index = {lab: i for i, lab in enumerate(labels)}
    truth = np.array([index[e.label] for e in examples], dtype=int)
    loss = float(-np.log(np.maximum(probs[np.arange(len(truth)), truth], 1e-12)).mean()) if len(truth) else 0.0
    return {"accuracy": report["accuracy"], "accuracy_alternates": report["accuracy_alternates"],
            "macro_f1": report["macro_f1"], "log_loss": loss, "quotes": float(len(examples))}


@dataclass
class HeadRelearned:
    """The stance head refitted from corrections, and how it and the current one did in cross-validation."""

    old: StanceHead
    new: StanceHead  # rounded as written
    quotes: int
    documents: int
    folds: int
    old_cv: dict[str, float]
    new_cv: dict[str, float]
    old_all: dict[str, float]  # on every corrected quote: the current head, and the one written
    new_all: dict[str, float]
    temperature: str  # "kept" or "refitted"
    l2: float
    stats: FeatureStats = field(default_factory=FeatureStats)

    @property
    def worse(self) -> list[str]:
        label, key = GATE_FIGURE
        return [label] if self.quotes and self.new_cv[key] < self.old_cv[key] - 1e-9 else []

    def changes(self) -> list[str]:
        if self.unchanged:
            return []
        moved = float(np.linalg.norm(self.new.weights - self.old.weights) / max(np.linalg.norm(self.old.weights),
                                                                                1e-12))
        out = [f"stance head: refitted on the encoder features of {self.quotes} corrected quotes "
               f"({self.documents} documents; l2 {self.l2:g} toward the current head): weights moved by "
               f"{moved:.1%} of their norm"]
        if self.temperature == "refitted":
            out.append(f"stance head: temperature {self.old.temperature:g} -> {self.new.temperature:g} "
                       "(fitted on the cross-validation's held-out predictions)")
        return out

    @property
    def unchanged(self) -> bool:
        return (np.array_equal(self.new.weights, rounded(self.old).weights)
                and np.array_equal(self.new.bias, rounded(self.old).bias)
                and self.new.temperature == rounded(self.old).temperature)


def relearn_head(current: StanceHead, examples: Sequence[HeadExample], features: np.ndarray, k: int = 5,
                 l2: float = L2, progress: Callable[[str], None] | None = None) -> HeadRelearned:
    """Refit the head on all the examples, after cross-validating current and refitted heads by document."""
    labels = list(current.labels)
    index = {lab: i for i, lab in enumerate(labels)}
    y = np.array([index[e.label] for e in examples], dtype=int)
    doc_ids = sorted({e.doc_id for e in examples})
    parts = document_folds(doc_ids, k)
    fold_of = {d: f for f, ids in enumerate(parts) for d in ids}
    fold = np.array([fold_of[e.doc_id] for e in examples], dtype=int)
    oof_logits = np.zeros((len(examples), len(labels)))
    for f in range(len(parts)):
        held = fold == f
        head = fit_head(features[~held], y[~held], current, l2)
        oof_logits[held] = head.logits(features[held])
        if progress:
            progress(f"fold {f + 1}/{len(parts)}")
    old_probs = current.probabilities(features)
    new_cv = head_figures(softmax(oof_logits / current.temperature), examples, labels)
    temperature, how = current.temperature, "kept"
    if len(examples) >= TEMPERATURE_MIN_QUOTES:
        temperature, how = fit_temperature(oof_logits, y, TEMPERATURE_BOUNDS), "refitted"
    fitted = fit_head(features, y, current, l2)
    new = rounded(StanceHead(current.labels, fitted.weights, fitted.bias, temperature))
    old_figures = head_figures(old_probs, examples, labels)  # the current head learned nothing from them
    return HeadRelearned(old=current, new=new, quotes=len(examples), documents=len(doc_ids), folds=len(parts),
                         old_cv=old_figures, new_cv=new_cv, old_all=old_figures,
                         new_all=head_figures(new.probabilities(features), examples, labels), temperature=how,
                         l2=l2)


def write_head(data: dict, head: StanceHead) -> None:
    """Put the head and its temperature into the rules data's `stance_model` section (the encoder, the
    deltas file and its hash, the input and max_length stay)."""
    section = data["stance_model"]
    section["temperature"] = round(float(head.temperature), DIGITS)
    section["head"] = head.to_data(DIGITS)


def refit_from_corrections(rules: Any, docs: Sequence[CorrectedDoc], k: int = 5, required: bool = False,
                           model: FeatureModel | None = None, cache_dir: str | os.PathLike | None = None
                           ) -> tuple[HeadRelearned | None, str]:
    """The head refitted from the corrections' stance labels, or None and why not.

    Without a `stance_model` section, stance labels or the encoder package there is nothing to refit: a
    `RulesError`/`InputError`/`EncoderMissing` when the head was asked for by name (`required`), else nothing
    (and a note when the encoder is missing: the rules name a model this machine cannot run).
    `model` and `cache_dir`: what gives the features and where they are kept (default: the rules' model, in
    `features_dir()`)."""
    from ..errors import InputError, RulesError
    from ..stance.encoder.weights import EncoderMissing

    if rules.stance_model is None:
        if required:
            raise RulesError(f"{rules.source}: no stance_model section, so no stance head to refit; pass rules "
                             "that have one (quotes/data/rules-seed.yaml) or drop stance-head from --only")
        return None, ""  # rules with the cue model alone: nothing to say
    examples = head_examples(docs, rules.stance.labels)
    if not examples:
        if required:
            raise InputError("no corrected quote has a stance label of these rules, so no stance head to refit")
        return None, ""  # corrections of speakers only
    min_quotes = int(rules.threshold("stance_head_min_quotes", MIN_QUOTES))
    min_docs = int(rules.threshold("stance_head_min_documents", MIN_DOCUMENTS))
    n_docs = len({e.doc_id for e in examples})
    if not required and (len(examples) < min_quotes or n_docs < min_docs):
        # a cross-validation over a few quotes decides by chance (300 dev quotes of 29 articles: the gate's figure
        # fell where the held-out articles' rose); `--only stance-head` refits all the same
        return None, (f"stance head: not refitted ({len(examples)} stance-labelled quotes in {n_docs} documents; "
                      f"the default run waits for {min_quotes} in {min_docs}: `--only stance-head` refits now)")
    try:
        if model is None:
            from ..stance.learned import LearnedStance

            model = LearnedStance(rules.stance_model, rules.stance_model_directory())
        cache = FeatureCache(Path(cache_dir) if cache_dir else features_dir(), encoder_key(model))
    except EncoderMissing as exc:
        if required:
            raise
        return None, f"stance head: not refitted ({exc})"
    stats = FeatureStats()
    features = quote_features(model, cache, {d.doc_id: d.text for d in docs}, examples, stats)
    result = relearn_head(rules.stance_model.head, examples, features, k, rules.threshold("stance_head_l2", L2))
    result.stats = stats
    return result, ""
