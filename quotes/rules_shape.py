"""The shape a rules file must have, checked before anything reads it.

A malformed file (a list where a mapping belongs, a word where a number
belongs, a YAML tag) is a one-line `RulesError` naming the file and the key,
never a traceback from the code that reads the value later. The stance
section's own entries are checked where the stance rules are read
(`stance_rules`); here only that it is a mapping.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from .errors import RulesError

Check = Callable[[Any, str, str], None]


def _fail(source: str, key: str, value: Any, expected: str) -> None:
    shown = repr(value) if not isinstance(value, (dict, list)) else ("a mapping" if isinstance(value, dict) else "a list")
    raise RulesError(f"{source}: {key} is {shown}, expected {expected}; fix it or pass another file to --rules")


def scalar(value: Any, key: str, source: str) -> None:
    if isinstance(value, (dict, list)):
        _fail(source, key, value, "a single value")


def number(value: Any, key: str, source: str) -> None:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        _fail(source, key, value, "a number")
    try:
        float(value)
    except (TypeError, ValueError):
        _fail(source, key, value, "a number")


def anything(value: Any, key: str, source: str) -> None:
    return None


def list_of(item: Check, what: str = "a list") -> Check:
    def check(value: Any, key: str, source: str) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            _fail(source, key, value, what)
        for k, v in enumerate(value):
            item(v, f"{key}[{k}]", source)
    return check


def map_of(item: Check, what: str = "a mapping") -> Check:
    def check(value: Any, key: str, source: str) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            _fail(source, key, value, what)
        for k, v in value.items():
            item(v, f"{key}.{k}", source)
    return check


def fields(what: str = "a mapping", **known: Check) -> Check:
    """A mapping whose known keys have their own shape (other keys are left alone)."""
    def check(value: Any, key: str, source: str) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            _fail(source, key, value, what)
        for k, item in known.items():
            if k in value:
                item(value[k], f"{key}.{k}", source)
    return check


WORDS = list_of(scalar, "a list of words")
WEIGHTS = map_of(anything, "a mapping of words to weights (say: 1.0)")  # each weight: `rules._weights`
NUMBERS = map_of(number, "a mapping of names to numbers")
TABLE = map_of(scalar, "a mapping of words to words")

SHAPE: dict[str, Check] = {
    "version": scalar,
    "provenance": list_of(anything),
    "cue_verbs": WEIGHTS,
    "cue_phrases": WEIGHTS,
    "speakers": map_of(fields("a mapping with aliases, kind, gender", aliases=list_of(scalar, "a list of names"),
                              kind=scalar, gender=scalar)),
    "roles": fields(titles=TABLE, genders=TABLE),
    "gender": fields(kinship=TABLE, titles=TABLE, female_names=WORDS, male_names=WORDS),
    "ranking": map_of(anything, "a mapping of kinds of decision to weights"),  # each kind: `_ranking`
    "org_types": map_of(fields("a mapping with nouns and names", nouns=WORDS, names=WORDS)),
    "confidence": fields(patterns=NUMBERS, resolutions=NUMBERS),
    "thresholds": NUMBERS,
    "labels": TABLE,
    "stance": fields(),
    "stance_model": fields(),  # its entries: `stance.model_schema`
}
WORD_LISTS = ("intro_nouns", "relay_markers", "title_nouns", "naming_verbs", "boilerplate", "name_titles",
              "org_roles", "person_roles", "role_qualifiers_ignored", "document_nouns", "speech_nouns",
              "person_org_nouns", "quantity_nouns", "org_generic_words", "group_nouns")


def _plain(value: Any, key: str, source: str) -> None:
    """No YAML tags and nothing but mappings, lists, strings, numbers, booleans, dates and nulls."""
    tag = getattr(getattr(value, "tag", None), "value", None) if isinstance(value, (dict, list)) else None
    if tag is None and not isinstance(value, (dict, list, str, int, float, bool, date, type(None))):
        tag = getattr(value, "tag", None)
        tag = getattr(tag, "value", tag) or type(value).__name__
    if tag is not None:
        raise RulesError(f"{source}: {key or 'the file'} has the YAML tag {tag}; a rules file is plain YAML: "
                         "remove the tag")
    if isinstance(value, dict):
        for k, v in value.items():
            _plain(k, key, source)
            _plain(v, f"{key}.{k}" if key else str(k), source)
    elif isinstance(value, list):
        for k, v in enumerate(value):
            _plain(v, f"{key}[{k}]", source)


def _ranking(value: Any, key: str, source: str) -> None:
    """The linking weights: kind -> feature -> number, or (older files) feature -> number."""
    if not isinstance(value, dict):
        return
    for kind, weights in value.items():
        (NUMBERS if isinstance(weights, dict) else number)(weights, f"{key}.{kind}", source)


def check_shape(data: dict, source: str) -> None:
    """Raise a RulesError naming the first key whose value has the wrong shape."""
    _plain(data, "", source)
    if "ranking" in data:
        _ranking(data["ranking"], "ranking", source)
    for key, check in SHAPE.items():
        if key in data:
            check(data[key], key, source)
    for key in WORD_LISTS:
        if key in data:
            WORDS(data[key], key, source)
