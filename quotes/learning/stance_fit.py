"""Refit the stance rules from corrected quotes: the stance part of `quotes learn`.

The model is the one `quotes.stance.cue_model.classify` already applies: each label scores its bias
plus the weights of its cues found in the quote (and the cue verb's prior); the neutral
label scores the margin. With a handful of corrections, refitting every weight from scratch
would wreck the hand-seeded lexicon, so only *changes* are fitted, starting from the current
rules:

    score[label] = current score[label] + sum_j A[label, j] * delta_j

and the deltas minimise the multinomial logistic loss (softmax over all labels, neutral
included at its fixed score) summed over the quotes, plus `l1 * |delta|` (`l1_bias` for the
biases). The L1 penalty keeps most deltas at exactly zero: a weight moves only when the
corrected quotes push it harder than `l1` (the gradient of the summed loss: a quote the rules
miss outright pushes with nearly 1, one they merely tie with about 0.3), and stops moving
once the pull of the penalty balances the push of the quotes. The parameters are

- one per existing cue that fires in `min_evidence` corrected quotes: its weight, kept
  within [0, max_weight] (a locked cue keeps at least `locked_floor`); an unlocked cue
  brought to 0 is removed;
- one per (content lemma, label) found in `min_evidence` corrected quotes of that label and
  not yet a cue of that label: a candidate cue within [0, max_weight], written as a learned
  cue if its weight is positive;
- one per (cue verb, label) already in `cue_verb_prior`, or seen `min_evidence` times;
- one bias per non-neutral label.

The same quote corrected in several documents (syndicated copies) counts once.

A feature's value is what `cue_hits` reports (`factor`: modifiers, negation and its flip),
so the written rules classify the corrected quotes as the fitted model does, up to rounding.
The fit is FISTA (proximal gradient) with numpy, a fixed step and a bounded number of
iterations from zero, with every collection ordered: learning twice gives the same rules.
"""
from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span, Token

from ..rules import parse_rules
from ..stance.cue_model import cue_hits, feature_values, label_scores
from ..stance.schema import FEATURE_NAMES, StanceCue, StanceRules, parse_stance_rules

CANDIDATE_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "INTJ"})  # not names, numbers or function words
MIN_CUE_LETTERS = 3


@dataclass(frozen=True)
class StanceExample:
    span: Span  # the quote's text, parsed by en_core_web_sm (lemmas, deps)
    cue_lemma: str | None  # the reporting verb's lemma, or None
    label: str  # the label the human gave
    doc_id: str


@dataclass
class _Param:
    """One fitted delta: its bounds, its L1 penalty and how to write it back."""

    kind: str  # cue | new | prior | feature | bias
    label: str
    name: str  # the cue's pattern, the verb, or the label for a bias
    old: float
    low: float
    high: float
    penalty: float
    evidence: int
    cue: StanceCue | None = None
    locked: bool = False


class _Design:
    """The sparse design: entry (quote i, label k, param j) -> d score[i, k] / d delta_j."""

    def __init__(self, n: int, n_labels: int):
        self.n, self.k = n, n_labels
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []

    def add(self, i: int, k: int, j: int, value: float) -> None:
        if value:
            self.rows.append(i * self.k + k)
            self.cols.append(j)
            self.vals.append(value)

    def operators(self, n_params: int) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
        rows, cols, vals = np.array(self.rows, int), np.array(self.cols, int), np.array(self.vals, float)
        size = self.n * self.k

        def forward(theta: np.ndarray) -> np.ndarray:
            return np.bincount(rows, vals * theta[cols], minlength=size).reshape(self.n, self.k)

        def backward(grad: np.ndarray) -> np.ndarray:
            return np.bincount(cols, vals * grad.ravel()[rows], minlength=n_params)

        return forward, backward


PRIOR_MAX = 1.0
PRIOR_L1_FACTOR = 2.0
NEW_PRIOR_EVIDENCE = 3  # documents: "said" or "added" leaning one way in two articles is chance


def _raw_cues(data: dict, labels: dict[str, str]) -> dict[StanceCue, list[tuple[str, int]]]:
    """Where each parsed cue sits in the raw mapping: (label, index in stance.cues[label])."""
    where: dict[StanceCue, list[tuple[str, int]]] = {}
    for lab, entries in ((data.get("stance") or {}).get("cues") or {}).items():
        for i, entry in enumerate(entries or []):
            cue = parse_stance_rules({"cues": {lab: [entry]}}, labels, "<rules>").cues[0]
            where.setdefault(cue, []).append((str(lab), i))
    return where


def _distinct(examples: list[StanceExample]) -> list[StanceExample]:
    """The same quote corrected in several documents (syndicated copies) counts once, whatever its cue verb."""
    seen: set[tuple[str, str]] = set()
    out = []
    for ex in examples:
        key = (" ".join(re.findall(r"\w+", ex.span.text.lower())), ex.label)
        if key not in seen:
            seen.add(key)
            out.append(ex)
    return out


def _candidate_lemma(tok: Token, rules: StanceRules) -> str | None:
    lemma = tok.lemma_.lower()
    if tok.pos_ not in CANDIDATE_POS or not lemma.isalpha() or len(lemma) < MIN_CUE_LETTERS:
        return None
    # a word of a named entity (a nationality, a place, a date) says nothing of a stance
    if tok.ent_type_ or tok.is_stop or lemma in STOP_WORDS or tok.lower_ in STOP_WORDS:
        return None
    if lemma in rules.negators or any(lemma in words for words in rules.modifiers):
        return None
    if tok.text[:1].isupper() and tok.i > tok.sent.start:
        return None  # a name the NER missed ("Trump") is a topic, not a stance
    return lemma


def _has_tone(tok: Token) -> bool:
    from ..stance.cue_model import _vader

    lexicon = _vader().lexicon
    return tok.lower_ in lexicon or tok.lemma_.lower() in lexicon


def _candidates(examples: list[StanceExample], rules: StanceRules, min_evidence: int) -> list[StanceCue]:
    """Candidate new cues: (lemma, label) seen in enough quotes of that label and not already a cue
    of that label in any form (a new cue must not shadow an existing one on the same word).

    A word with a tone (VADER's lexicon) needs only that; another word must also keep to its label: in at
    least PURITY (60%) of the quotes it occurs in, and not be a noun. So "shoddy", critical wherever it occurs,
    can become a cue, while a topic ("court", "technology"), whose side is the news of the day, cannot."""
    existing: dict[str, set[str]] = {}
    for cue in rules.cues:
        if len(cue.words) == 1:
            existing.setdefault(cue.label, set()).add(cue.words[0])
    seen: dict[tuple[str, str], set[str]] = {}
    quotes_with: dict[str, Counter] = {}
    toned: set[str] = set()
    shadowing: set[tuple[str, str]] = set()
    for ex in examples:
        lemmas = set()
        for tok in ex.span:
            lemma = _candidate_lemma(tok, rules)
            if lemma is None:
                continue
            lemmas.add(lemma)
            if _has_tone(tok):
                toned.add(lemma)
            elif tok.pos_ == "NOUN":
                continue  # a noun with no tone is a topic ("court", "technology"): which side it is on is the news
            if ex.label != rules.neutral:
                seen.setdefault((ex.label, lemma), set()).add(ex.doc_id)
                if {tok.lower_, lemma} & existing.get(ex.label, set()):
                    shadowing.add((ex.label, lemma))
        for lemma in lemmas:
            quotes_with.setdefault(lemma, Counter())[ex.label] += 1

    def keeps_to(lab: str, lemma: str) -> bool:
        counts = quotes_with[lemma]
        return lemma in toned or counts[lab] >= PURITY * sum(counts.values())

    return [StanceCue(lab, (lemma,), 1.0, source="learned", locked=False)
            for (lab, lemma), docs in sorted(seen.items())
            if len(docs) >= min_evidence and (lab, lemma) not in shadowing and keeps_to(lab, lemma)]


PURITY = 0.6


def _features(rules: StanceRules, examples: list[StanceExample], *, l1: float, l1_bias: float, min_evidence: int,
              locked_floor: float, max_weight: float, max_bias: float = np.inf
              ) -> tuple[np.ndarray, np.ndarray, list[_Param], _Design]:
    """The current scores, the human labels (one-hot), the parameters and the design of the fit."""
    labels = list(rules.labels)
    index = {lab: k for k, lab in enumerate(labels)}
    candidates = _candidates(examples, rules, min_evidence)
    candidate_set = set(candidates)
    # candidates come last and are one word: they never take a token from an existing cue
    probe = dataclasses.replace(rules, cues=[*rules.cues, *candidates])
    hits = [cue_hits(ex.span, ex.cue_lemma, probe) for ex in examples]
    n = len(examples)
    base, y = np.zeros((n, len(labels))), np.zeros((n, len(labels)))
    for i, (ex, found) in enumerate(zip(examples, hits)):
        scores = label_scores([h for h in found if h.cue not in candidate_set], rules)
        base[i] = [scores[lab] for lab in labels]
        y[i, index[ex.label]] = 1.0

    params: list[_Param] = []
    column: dict[Any, int] = {}
    design = _Design(n, len(labels))

    def param(key: Any, p: _Param) -> int:
        if key not in column:
            column[key] = len(params)
            params.append(p)
        return column[key]

    # (a) existing cues and (b) candidate cues: a hit's |factor| is d(weight it adds) / d(cue weight).
    # Evidence: the quotes an existing cue fires in; the quotes of its label a candidate counts for.
    evidence: dict[StanceCue, set[str]] = {}
    for i, found in enumerate(hits):
        for h in found:
            if h.cue is not None and h.factor and (h.cue not in candidate_set or
                                                   (h.factor > 0 and h.label == examples[i].label)):
                evidence.setdefault(h.cue, set()).add(examples[i].doc_id)
    for i, found in enumerate(hits):
        for h in found:
            cue = h.cue
            if cue is None or not h.factor or len(evidence.get(cue, ())) < min_evidence:
                continue
            if cue in candidate_set:
                p = _Param("new", cue.label, cue.pattern, 0.0, 0.0, max_weight, l1, len(evidence[cue]), cue)
            else:
                low = -max(0.0, cue.weight - locked_floor) if cue.locked else -cue.weight
                p = _Param("cue", cue.label, cue.pattern, cue.weight, low, max(0.0, max_weight - cue.weight), l1,
                           len(evidence[cue]), cue, cue.locked)
            design.add(i, index[h.label], param(("cue", cue), p), abs(h.factor))

    # (c) cue verb priors
    verbs: dict[str, list[int]] = {}
    for i, ex in enumerate(examples):
        if ex.cue_lemma:
            verbs.setdefault(ex.cue_lemma.lower(), []).append(i)
    for verb in sorted(verbs):
        for lab in labels:
            if lab == rules.neutral:
                continue
            old = rules.cue_verb_prior.get(verb, {}).get(lab)
            docs = {examples[i].doc_id for i in verbs[verb] if old is not None or examples[i].label == lab}
            support = len(docs)
            if support < (min_evidence if old is not None else max(min_evidence, NEW_PRIOR_EVIDENCE)):
                continue
            old = old or 0.0
            # a reporting verb says little of a stance by itself: a stiffer penalty and a lower cap
            j = param(("prior", verb, lab), _Param("prior", lab, verb, old, -old, max(0.0, PRIOR_MAX - old),
                                                   PRIOR_L1_FACTOR * l1, support))
            for i in verbs[verb]:
                design.add(i, index[lab], j, 1.0)

    # (d) whole-quote features (tone, question, ...): a weight per (feature, label), of either sign
    values = [feature_values(ex.span, rules) for ex in examples]
    for name in FEATURE_NAMES:
        firing = [i for i, v in enumerate(values) if v.get(name, (0.0, ""))[0]]
        support = len({examples[i].doc_id for i in firing})
        if support < min_evidence:
            continue
        for lab in labels:
            if lab == rules.neutral:
                continue
            old = rules.features.get(name, {}).get(lab, 0.0)
            j = param(("feature", name, lab), _Param("feature", lab, name, old, -max_weight - old, max_weight - old,
                                                     l1, support))
            for i in firing:
                design.add(i, index[lab], j, values[i][name][0])

    # (e) a bias per label; the neutral label stays at the margin, as in classify. A bias is the label's
    # prior in the corrected corpus, which need not hold in the next one: it stays within +-max_bias.
    for lab in labels:
        if lab != rules.neutral:
            old = rules.bias.get(lab, 0.0)
            j = param(("bias", lab), _Param("bias", lab, lab, old, -max_bias - old, max_bias - old, l1_bias, n))
            for i in range(n):
                design.add(i, index[lab], j, 1.0)
    return base, y, params, design


def _fista(forward: Callable, backward: Callable, base: np.ndarray, y: np.ndarray, params: list[_Param],
           max_iter: int, tol: float, weights: np.ndarray | None = None) -> np.ndarray:
    """Minimise sum_i w_i logloss(softmax(base_i + A theta)) + sum_j penalty_j |theta_j| within bounds."""
    sw = np.ones((len(y), 1)) if weights is None else weights.reshape(-1, 1)
    m = len(params)
    low = np.array([p.low for p in params])
    high = np.array([p.high for p in params])
    pen = np.array([p.penalty for p in params])

    def grad(theta: np.ndarray) -> np.ndarray:
        z = base + forward(theta)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return backward(sw * (p - y))

    # step 1/L: the softmax loss's Hessian is at most 1/2 (A^T A); ||A||^2 by power iteration
    v = np.ones(m) / np.sqrt(m)
    norm2 = 1.0
    for _ in range(100):
        w = backward(forward(v))
        norm2 = float(np.linalg.norm(w)) or 1.0
        v = w / norm2
    step = 1.0 / (0.5 * norm2 * float(sw.max()) * 1.05 + 1e-12)

    theta = np.zeros(m)
    ahead, t = theta.copy(), 1.0
    for _ in range(max_iter):
        moved = ahead - step * grad(ahead)
        shrunk = np.sign(moved) * np.maximum(np.abs(moved) - step * pen, 0.0)
        new = np.clip(shrunk, low, high)
        t_next = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
        ahead = new + ((t - 1.0) / t_next) * (new - theta)
        done = float(np.max(np.abs(new - theta))) < tol
        theta, t = new, t_next
        if done:
            break
    return theta


def _label_weights(y: np.ndarray, balance: float) -> np.ndarray | None:
    """Per-quote weights that lift rare labels: (share of the label)^-balance, averaging 1 (0: all equal)."""
    if not balance:
        return None
    share = y.mean(axis=0)
    per_label = np.where(share > 0, np.power(np.maximum(share, 1e-9), -balance), 0.0)
    w = y @ per_label
    return w / w.mean()


def _w(x: float) -> str:
    return f"{x:.2f}"


def _write(stance: dict, where: dict[StanceCue, list[tuple[str, int]]], params: list[_Param], theta: np.ndarray,
           labels: list[str], locked_floor: float) -> list[tuple[tuple, str]]:
    """Write the fitted deltas into the raw `stance:` section; return (sort key, change line) pairs."""
    order = {lab: k for k, lab in enumerate(labels)}
    changes: list[tuple[tuple, str]] = []
    removed: list[tuple[str, int]] = []
    new_cues: list[tuple[_Param, float]] = []
    for p, delta in zip(params, map(float, theta)):
        if p.kind == "new":
            if round(delta, 2) > 0 and p.name.isalpha():
                new_cues.append((p, round(delta, 2)))
            continue
        weight = round(p.old + delta, 2)
        if abs(delta) < 0.005 or weight == p.old:
            continue
        what = f"'{p.name}' ({p.label}) {_w(p.old)} -> {_w(weight) if weight > 0 else 'removed'}"
        if p.kind == "cue":
            assert p.cue is not None
            if weight <= 0 and not p.locked:
                removed.extend(where[p.cue])
            else:
                for lab, i in where[p.cue]:
                    stance["cues"][lab][i].update(weight=weight, evidence=p.evidence)
            if p.locked and p.low < 0 and delta <= p.low + 1e-9:
                what += f", kept at the floor {locked_floor:g} because it is locked"
            changes.append(((1, order[p.label], p.name, 0), f"stance cue {what}, evidence {p.evidence}"))
        elif p.kind == "feature":
            by_label = stance.setdefault("features", {}).setdefault(p.name, {})
            if weight:
                by_label[p.label] = weight
            else:
                by_label.pop(p.label, None)
            changes.append(((2, p.name, order[p.label]), f"feature '{p.name}' ({p.label}) {_w(p.old)} -> {_w(weight)}, "
                                                          f"evidence {p.evidence}"))
        elif p.kind == "prior":
            priors = stance.setdefault("cue_verb_prior", {})
            verb = next((v for v in priors if str(v).lower() == p.name), p.name)
            by_label = priors.setdefault(verb, {})
            if not p.old:
                what = f"'{p.name}' ({p.label}) +{_w(weight)}"
            if weight > 0:
                by_label[p.label] = weight
            else:
                by_label.pop(p.label, None)
                if not by_label:
                    del priors[verb]
            changes.append(((2, p.name, order[p.label]), f"cue verb prior {what}, evidence {p.evidence}"))
        else:
            bias = stance.setdefault("bias", {})
            if weight:
                bias[p.label] = weight
            else:
                bias.pop(p.label, None)
            changes.append(((3, order[p.label]), f"bias {p.label} {_w(p.old)} -> {_w(weight)}, evidence {p.evidence}"))

    for lab, i in sorted(removed, reverse=True):  # from the end, so the other indices stay valid
        del stance["cues"][lab][i]
    for p, weight in sorted(new_cues, key=lambda c: (order[c[0].label], -c[1], c[0].name)):
        cues = stance.setdefault("cues", {})
        if cues.get(p.label) is None:
            cues[p.label] = []
        cues[p.label].append({"pattern": p.name, "weight": weight, "source": "learned", "locked": False,
                              "evidence": p.evidence})
        changes.append(((1, order[p.label], p.name, 1),
                        f"new stance cue '{p.name}' ({p.label}) {_w(weight)}, learned from {p.evidence} quotes"))
    return changes


# The L1 penalty grows with the square root of the number of corrected quotes: the summed loss grows
# with their number, and a penalty that stood still would let every word of a large set of corrections
# become a cue. 0.75 for a handful of corrections; 3.0 for the 1,231 quotes of PolNeAR train, which is
# what document-level cross-validation on those quotes chose among 1, 2, 3 and 5.
L1_MIN = 0.75
L1_PER_ROOT_QUOTE = 0.085


def l1_for(n_quotes: int) -> float:
    return round(max(L1_MIN, L1_PER_ROOT_QUOTE * math.sqrt(n_quotes)), 2)


def refit_stance(data: dict, examples: list[StanceExample], *, l1: float | None = None, l1_bias: float = 3.0,
                 min_evidence: int = 2, locked_floor: float = 0.1, max_weight: float = 2.0, max_iter: int = 5000,
                 tol: float = 1e-9, balance: float = 0.0, max_bias: float = math.inf) -> tuple[dict, list[str]]:
    """Return a NEW raw rules mapping (deep copy of `data`, the whole rules file as loaded by yaml) whose
    `stance:` section is refitted, and readable change lines ("stance cue 'threat' (concerned) 1.00 -> 1.40,
    evidence 3", "new stance cue 'withdraw' (hostile) 0.80, learned from 2 quotes", "cue verb prior 'caption'
    (hostile) +0.50, evidence 2", "bias hostile 0.00 -> 0.30, evidence 15"). Must not mutate `data`.

    `l1`: the L1 penalty on the cue, new-cue, feature and cue-verb-prior deltas, in units of the summed log
    loss (by default `l1_for` the number of distinct quotes);
    `l1_bias`: the same for the biases, higher, so that a word explains a correction before a whole label
    shifts; `min_evidence`: the distinct corrected documents a weight needs to move at all (of its label, for
    a new cue or prior); `locked_floor`: the least weight a locked cue is brought down to; `max_weight`:
    the most a learned weight reaches (the seeds' strongest cue); `max_iter`, `tol`: when the fit stops.
    """
    new_data = copy.deepcopy(data)
    if not examples:
        return new_data, []
    rules = parse_rules(copy.deepcopy(data), "<rules>").stance
    changes: list[tuple[tuple, str]] = []
    for lab in sorted({ex.label for ex in examples} - set(rules.labels)):
        n = sum(ex.label == lab for ex in examples)
        changes.append(((0, lab), f"ignored {n} corrected quote(s) labelled '{lab}', not a label of the rules"))
    examples = _distinct([ex for ex in examples if ex.label in rules.labels])
    if examples:
        l1 = l1_for(len(examples)) if l1 is None else l1
        l1_bias = max(l1_bias, l1)
        base, y, params, design = _features(rules, examples, l1=l1, l1_bias=l1_bias, min_evidence=min_evidence,
                                            locked_floor=locked_floor, max_weight=max_weight, max_bias=max_bias)
        forward, backward = design.operators(len(params))
        theta = _fista(forward, backward, base, y, params, max_iter, tol, _label_weights(y, balance))
        changes += _write(new_data.setdefault("stance", {}), _raw_cues(data, rules.labels), params, theta,
                          list(rules.labels), locked_floor)
    parse_rules(new_data, "<learned>")
    return new_data, [text for _, text in sorted(changes)]
