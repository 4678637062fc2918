"""The stance section of the rules file: its schema, validated in one place.

`labels:` names the label set (its order breaks ties); `stance:` holds, per label,
weighted cue words and patterns, negators, reversers, intensifiers and
diminishers, the cue-verb prior and the neutral margin. Every cue records its
source (seed | learned), whether it is locked, and learned cues their evidence.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import RulesError

DEFAULT_LABELS = {
    "hostile": "threatens, intimidates, insults or announces harm to another party",
    "critical": "condemns, blames or disapproves, without threatening",
    "concerned": "voices worry, fear, distress or uncertainty",
    "reassuring": "voices confidence or calm, says things are under control",
    "supportive": "approves of, trusts, or wishes for cooperation, partnership or peace",
    "neutral": "states facts or describes, with no position",
}
# the syntactic frames a cue may require (`when:`); see _FRAMES for their meaning
CONDITIONS = ("future", "addressed", "imperative", "conditional", "other_party")
# whole-quote features a label may weigh (`features:`); see stance.FEATURES for what each measures
FEATURE_NAMES = ("tone_negative", "tone_positive", "question", "exclamation", "second_person", "first_plural",
                 "obligation", "negation", "future", "conditional")
SOURCES = ("seed", "learned")
_ENTRY_KEYS = {"pattern", "weight", "source", "locked", "evidence", "pos", "when"}
_SECTION_KEYS = {"neutral", "margin", "negators", "reversers", "negation_window", "negation_flip", "negation_weight",
                 "intensifiers", "diminishers", "modifier_window", "cue_verb_prior", "bias", "features", "cues"}


@dataclass(frozen=True)
class StanceCue:
    """One weighted cue of the rules: words (lemmas or forms) that count for a label."""

    label: str
    words: tuple[str, ...]
    weight: float
    pos: frozenset[str] = frozenset()
    when: tuple[str, ...] = ()
    source: str = "seed"
    locked: bool = True
    evidence: int | None = None

    @property
    def pattern(self) -> str:
        return " ".join(self.words)


@dataclass
class StanceRules:
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    neutral: str = "neutral"
    margin: float = 1.0
    negators: frozenset[str] = frozenset()
    reversers: frozenset[str] = frozenset()
    negation_window: int = 3
    negation_flip: dict[str, str] = field(default_factory=dict)
    negation_weight: float = 0.5
    intensifiers: dict[tuple[str, ...], float] = field(default_factory=dict)
    diminishers: dict[tuple[str, ...], float] = field(default_factory=dict)
    modifier_window: int = 3
    cue_verb_prior: dict[str, dict[str, float]] = field(default_factory=dict)
    bias: dict[str, float] = field(default_factory=dict)
    features: dict[str, dict[str, float]] = field(default_factory=dict)  # feature -> label -> weight per unit
    cues: list[StanceCue] = field(default_factory=list)  # longest patterns first, then heaviest

    @property
    def modifiers(self) -> dict[tuple[str, ...], float]:
        return {**self.intensifiers, **self.diminishers}


# -- the rules section ----------------------------------------------------


def _fail(source: str, where: str, what: str) -> RulesError:
    return RulesError(f"{source}: {where} {what}")


def _number(value: Any, source: str, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise _fail(source, where, f"is {value!r}, expected a number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _fail(source, where, f"is {value}, expected a number between {low} and {high}")
    return float(value)


def _words(text: Any, source: str, where: str) -> tuple[str, ...]:
    if not isinstance(text, str) or not text.split():
        raise _fail(source, where, f"is {text!r}, expected one or more words")
    return tuple(text.lower().replace("’", "'").split())


def _labels(labels: Any, source: str) -> dict[str, str]:
    if labels is None:
        return dict(DEFAULT_LABELS)
    if not isinstance(labels, dict) or len(labels) < 2:
        raise _fail(source, "labels", "must map at least two stance labels to their definitions")
    return {str(k): str(v or "") for k, v in labels.items()}


def _label(name: Any, labels: dict[str, str], source: str, where: str) -> str:
    if name not in labels:
        raise _fail(source, where, f"names the label {name!r}, not one of the labels: {', '.join(labels)}; "
                                   "add it under 'labels' or fix the name")
    return str(name)


def _modifiers(section: dict, key: str, source: str, stronger: bool) -> dict[tuple[str, ...], float]:
    raw = section.get(key) or {}
    if not isinstance(raw, dict):
        raise _fail(source, f"stance.{key}", "must map words to multipliers, e.g. {very: 1.5}")
    low, high = (1.0, 10.0) if stronger else (0.0, 1.0)
    return {_words(w, source, f"stance.{key}"): _number(m, source, f"stance.{key}.{w}", low, high)
            for w, m in raw.items()}


def _cue(label: str, entry: Any, source: str, where: str) -> StanceCue:
    if not isinstance(entry, dict) or "pattern" not in entry:
        raise _fail(source, where, "must be a mapping with pattern, weight, source, locked")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise _fail(source, where, f"has unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                                   f"allowed: {', '.join(sorted(_ENTRY_KEYS))}")
    words = _words(entry["pattern"], source, f"{where}.pattern")
    if entry.get("source", "seed") not in SOURCES:
        raise _fail(source, f"{where}.source", f"is {entry.get('source')!r}, expected seed or learned")
    if not isinstance(entry.get("locked", False), bool):
        raise _fail(source, f"{where}.locked", "must be true or false")
    evidence = entry.get("evidence")
    if evidence is not None and (isinstance(evidence, bool) or not isinstance(evidence, int) or evidence < 0):
        raise _fail(source, f"{where}.evidence", f"is {evidence!r}, expected a count (0 or more)")
    when = entry.get("when") or []
    if not isinstance(when, list) or any(w not in CONDITIONS for w in when):
        raise _fail(source, f"{where}.when", f"is {when!r}, expected a list of: {', '.join(CONDITIONS)}")
    pos = entry.get("pos") or []
    if not isinstance(pos, list) or (pos and len(words) > 1):
        raise _fail(source, f"{where}.pos", "must be a list of POS tags (NOUN, VERB, ADJ...) on a one-word pattern")
    return StanceCue(label, words, _number(entry.get("weight"), source, f"{where}.weight"),
                     frozenset(str(p).upper() for p in pos), tuple(when), entry.get("source", "seed"),
                     bool(entry.get("locked", False)), evidence)


def parse_stance_rules(section: dict[str, Any], labels: dict[str, str] | None, source: str) -> StanceRules:
    """Validate the `stance:` section (and the `labels:` set) of a rules file."""
    labels = _labels(labels, source)
    section = section or {}
    if not isinstance(section, dict):
        raise _fail(source, "stance", "must be a mapping with neutral, margin, negators, cues...")
    unknown = set(section) - _SECTION_KEYS
    if unknown:
        raise _fail(source, "stance", f"has unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                                      f"allowed: {', '.join(sorted(_SECTION_KEYS))}")
    rules = StanceRules(labels=labels)
    rules.neutral = _label(section.get("neutral", "neutral"), labels, source, "stance.neutral")
    rules.margin = _number(section.get("margin", 1.0), source, "stance.margin", 0.0, 100.0)
    negators = section.get("negators") or []
    if not isinstance(negators, list):
        raise _fail(source, "stance.negators", "must be a list of words (not, never, no...)")
    rules.negators = frozenset(str(w).lower().replace("’", "'") for w in negators)
    reversers = section.get("reversers") or []
    if not isinstance(reversers, list):
        raise _fail(source, "stance.reversers", "must be a list of verb or noun lemmas (destroy, end, lack...)")
    rules.reversers = frozenset(str(w).lower() for w in reversers)
    rules.negation_window = int(_number(section.get("negation_window", 3), source, "stance.negation_window", 0, 10))
    rules.modifier_window = int(_number(section.get("modifier_window", 3), source, "stance.modifier_window", 0, 10))
    rules.negation_weight = _number(section.get("negation_weight", 0.5), source, "stance.negation_weight", 0.0, 1.0)
    flip = section.get("negation_flip") or {}
    if not isinstance(flip, dict):
        raise _fail(source, "stance.negation_flip", "must map a label to the label its negation counts for")
    rules.negation_flip = {_label(a, labels, source, "stance.negation_flip"):
                           _label(b, labels, source, f"stance.negation_flip.{a}") for a, b in flip.items()}
    rules.intensifiers = _modifiers(section, "intensifiers", source, stronger=True)
    rules.diminishers = _modifiers(section, "diminishers", source, stronger=False)
    prior = section.get("cue_verb_prior") or {}
    if not isinstance(prior, dict) or not all(isinstance(v, dict) for v in prior.values()):
        raise _fail(source, "stance.cue_verb_prior",
                    "must map a verb lemma to {label: weight}, e.g. warn: {hostile: 0.5}")
    rules.cue_verb_prior = {str(verb).lower(): {_label(lab, labels, source, f"stance.cue_verb_prior.{verb}"):
                                                _number(w, source, f"stance.cue_verb_prior.{verb}.{lab}")
                                                for lab, w in by_label.items()} for verb, by_label in prior.items()}
    bias = section.get("bias") or {}
    if not isinstance(bias, dict):
        raise _fail(source, "stance.bias", "must map a label to a number")
    rules.bias = {_label(lab, labels, source, "stance.bias"): _number(w, source, f"stance.bias.{lab}")
                  for lab, w in bias.items()}
    features = section.get("features") or {}
    if not isinstance(features, dict) or not all(isinstance(v, dict) for v in features.values()):
        raise _fail(source, "stance.features", "must map a feature to {label: weight}, e.g. tone_negative: {critical: 1.2}")
    for name in features:
        if name not in FEATURE_NAMES:
            raise _fail(source, f"stance.features.{name}", f"is not a feature; the features are {', '.join(FEATURE_NAMES)}")
    rules.features = {str(name): {_label(lab, labels, source, f"stance.features.{name}"):
                                  _number(w, source, f"stance.features.{name}.{lab}") for lab, w in by_label.items()}
                      for name, by_label in features.items()}
    cues = section.get("cues") or {}
    if not isinstance(cues, dict):
        raise _fail(source, "stance.cues", "must map each label to a list of cue entries")
    for lab, entries in cues.items():
        _label(lab, labels, source, "stance.cues")
        if not isinstance(entries or [], list):
            raise _fail(source, f"stance.cues.{lab}", "must be a list of {pattern, weight, source, locked} entries")
        rules.cues.extend(_cue(str(lab), e, source, f"stance.cues.{lab}[{i}]") for i, e in enumerate(entries or []))
    rules.cues.sort(key=lambda c: (-len(c.words), -c.weight))
    return rules
