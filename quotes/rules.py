"""The rules file: loaded, validated and written back in one place.

The rules are plain YAML a person can read and diff (see quotes/data/rules.yaml).
`Rules` keeps the raw mapping as ruamel.yaml reads it in round-trip mode, so
that a file `quotes learn` writes keeps its parent's comments and layout and
differs from it only where learning changed something; it exposes typed,
ready-to-use views of the mapping.
"""
from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import YAMLError

from .errors import RulesError
from .rules_shape import check_shape

DEFAULT_RULES = "rules.yaml"
SEED_RULES = "rules-seed.yaml"  # the hand-made rules `make rules` learns the shipped ones from


@dataclass(frozen=True)
class SpeakerEntry:
    """A registry entry: one canonical speaker and the names it is known by."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"  # person | organisation
    gender: str | None = None  # male | female | None (unknown or not a person)


@dataclass
class Rules:
    """Validated rules with typed views; `data` is the raw mapping written back by learn."""

    data: dict[str, Any]
    source: str = "<defaults>"
    cue_verbs: dict[str, float] = field(default_factory=dict)
    cue_phrases: dict[str, float] = field(default_factory=dict)
    speakers: list[SpeakerEntry] = field(default_factory=list)
    stance: Any = None  # quotes.stance.schema.StanceRules
    stance_model: Any = None  # quotes.stance.model_schema.StanceModelSpec, or None: the cue model only

    @property
    def version(self) -> str:
        return str(self.data.get("version", ""))

    def words(self, key: str) -> frozenset[str]:
        """A lowercased word list of the rules (intro_nouns, title_nouns, ...), built once per key."""
        cache = self.__dict__.setdefault("_words", {})
        if key not in cache:
            cache[key] = frozenset(str(w).lower() for w in self.data.get(key) or [])
        return cache[key]

    @property
    def boilerplate(self) -> tuple[str, ...]:
        return tuple(str(w).lower() for w in self.data.get("boilerplate") or [])

    @property
    def kinship(self) -> dict[str, str]:
        return {str(k).lower(): str(v) for k, v in (self.data.get("gender", {}).get("kinship") or {}).items()}

    @property
    def gender_titles(self) -> dict[str, str]:
        return {str(k).lower(): str(v) for k, v in (self.data.get("gender", {}).get("titles") or {}).items()}

    @property
    def first_names(self) -> dict[str, str]:
        g = self.data.get("gender", {})
        names = {str(n).lower(): "male" for n in g.get("male_names") or []}
        # a name on both lists (Kelly, Jo) tells nothing: drop it
        for n in g.get("female_names") or []:
            n = str(n).lower()
            names[n] = None if names.get(n) == "male" else "female"
        return {k: v for k, v in names.items() if v}

    @property
    def speaker_nouns(self) -> frozenset[str]:
        """Common nouns that can say something: roles, groups, organisations' voices, documents."""
        return (self.words("person_roles") | self.words("group_nouns") | self.words("org_roles")
                | self.words("document_nouns") | frozenset(self.kinship))

    @property
    def role_titles(self) -> dict[str, str]:
        """Title or synonym -> role noun ("gov" -> governor, "congressman" -> representative); roles map to themselves."""
        roles = self.data.get("roles") or {}
        out = {str(w).lower(): str(w).lower() for w in self.data.get("person_roles") or []}
        out.update({str(k).lower().rstrip("."): str(v).lower() for k, v in (roles.get("titles") or {}).items()})
        return out

    def role_genders(self, noun: str) -> str | None:
        """The gender a role noun tells: "congresswoman", "first lady" female, "businessman" male."""
        noun = noun.lower()
        explicit = {str(k).lower(): str(v) for k, v in ((self.data.get("roles") or {}).get("genders") or {}).items()}
        if noun in explicit:
            return explicit[noun]
        if noun in self.kinship:
            return self.kinship[noun]
        if noun.endswith("woman") or noun.endswith("women"):
            return "female"
        if (noun.endswith("man") or noun.endswith("men")) and noun not in ("human", "humans"):
            return "male"
        return None

    @property
    def ranking(self) -> dict[str, dict[str, float]]:
        return ranking_weights(self.data.get("ranking"))

    @property
    def org_types(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """Kinds of organisation: kind -> (the nouns that name one, "the newspaper"; the words of such names,
        "Times", "Post")."""
        cache = self.__dict__.setdefault("_org_types", {})
        if not cache:
            for kind, entry in (self.data.get("org_types") or {}).items():
                entry = entry or {}
                cache[str(kind)] = (frozenset(str(w).lower() for w in entry.get("nouns") or []),
                                    frozenset(str(w).lower() for w in entry.get("names") or []))
        return cache

    def confidence(self, pattern: str, resolved_by: str) -> float:
        """How often an attribution made this way is right: the pattern's rate times the resolution's."""
        table = self.data.get("confidence") or {}
        patterns, resolutions = table.get("patterns") or {}, table.get("resolutions") or {}
        return float(patterns.get(pattern, patterns.get("other", 0.5))) * float(
            resolutions.get(resolved_by, resolutions.get("other", 0.5)))

    def threshold(self, name: str, default: float) -> float:
        return float((self.data.get("thresholds") or {}).get(name, default))

    def stance_model_directory(self) -> Path:
        """Where the stance model's deltas file lies: beside this rules file, else with the packaged rules (the
        file is named and checked by its hash, so a copied rules file still finds the shipped one)."""
        spec = self.stance_model
        beside = Path(self.source).parent
        if spec is not None and spec.deltas_file and (beside / spec.deltas_file).is_file():
            return beside
        return default_rules_path().parent

    def copy(self) -> "Rules":
        return parse_rules(copy.deepcopy(self.data), self.source)

    def to_yaml(self) -> str:
        out = io.StringIO()
        _yaml().dump(self.data, out)
        return out.getvalue()

    def save(self, path: str | Path) -> None:
        """Write the rules whole or not at all (a failed write is a one-line OutputError), after checking
        that the text reads back as the same rules."""
        from .tables.output import atomic_write

        text = self.to_yaml()
        try:
            again = _yaml().load(text)
        except YAMLError as exc:
            raise RulesError(f"{path}: the rules would not load again ({str(exc).splitlines()[0]}); "
                             "not written") from None
        if _plain(again) != _plain(self.data):
            raise RulesError(f"{path}: the rules would read back differently; not written")
        with atomic_write(path, newline=None) as fh:
            fh.write(text)


def ranking_weights(raw: Any) -> dict[str, dict[str, float]]:
    """The weights of each kind of linking decision (`speakers.antecedents.DECISIONS`): kind -> feature ->
    weight. A flat mapping of features (rules from before the kinds) weighs the pronoun decisions."""
    raw = raw or {}
    if raw and all(not isinstance(v, dict) for v in raw.values()):
        return {"pronoun": {str(k): float(v) for k, v in raw.items()}}
    return {str(kind): {str(k): float(v) for k, v in (weights or {}).items()}
            for kind, weights in raw.items() if isinstance(weights, dict)}


def _plain(value: Any) -> Any:
    """A mapping as plain dicts, lists and scalars, to compare what was written with what is read."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


class _SafeEmitter(RoundTripEmitter):
    """ruamel's emitter without two faults that write files it cannot read back.

    It gives a word that would cross the width a line of its own even inside a simple key, which
    cuts the key in two ("Brian Fallon of\\n  Washington: ...") and the file with it: long learned
    names and phrases, or any name late on a line of a flow mapping (`evidence: {...}`). It
    writes "? x" or ": x" unquoted in a flow collection, where they are indicators. And it may fold a
    quoted scalar between two escapes, which changes it: quoted scalars are not folded.
    """

    def write_double_quoted(self, text: Any, split: Any = True) -> None:
        super().write_double_quoted(text, False)

    def write_single_quoted(self, text: Any, split: Any = True) -> None:
        super().write_single_quoted(text, False)

    def analyze_scalar(self, scalar: Any) -> Any:
        analysis = super().analyze_scalar(scalar)
        if scalar[:1] in "?:-" and scalar[1:2] in ("", " "):
            analysis.allow_flow_plain = analysis.allow_block_plain = False
        return analysis

    def write_plain(self, text: Any, split: Any = True) -> None:
        if split or not text or self.root_context:
            return super().write_plain(text, split)
        if not self.whitespace:  # the space before the key, as ruamel writes it
            self.stream.write(" ".encode(self.encoding) if self.encoding else " ")
            self.column += 1
            self.whitespace = True
        first = text.split(" ", 1)[0]
        if self.indent is not None and self.column > self.indent and self.column + len(first) > self.best_width:
            self.write_indent()  # a key may start a new line, as ruamel would start it, but not be cut
        width, self.best_width = self.best_width, 1 << 30
        try:
            super().write_plain(text, split)
        finally:
            self.best_width = width


def _yaml() -> YAML:
    """Round-trip YAML: comments, key order and flow style survive a load and a dump."""
    y = YAML(typ="rt")
    y.Emitter = _SafeEmitter
    y.width = 100  # the rules file is written in this layout, so a dump re-wraps nothing
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    y.default_flow_style = None  # a new entry of plain values is written on one line, like the others
    return y


def default_rules_path() -> Path:
    return Path(str(resources.files("quotes") / "data" / DEFAULT_RULES))


def seed_rules_path() -> Path:
    return default_rules_path().with_name(SEED_RULES)


def load_rules(path: str | Path | None = None) -> Rules:
    """Load and validate a rules file (the packaged defaults when path is None)."""
    p = Path(path) if path else default_rules_path()
    if not p.exists():
        raise RulesError(f"{p}: rules file not found; pass an existing file to --rules")
    try:
        data = _yaml().load(p.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RulesError(f"{p}: not valid YAML ({first}); fix the file or pass another to --rules") from None
    return parse_rules(data, str(p))


def _weights(data: dict, key: str, source: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, entry in (data.get(key) or {}).items():
        weight = entry.get("weight", 1.0) if isinstance(entry, dict) else entry
        try:
            out[str(name).lower()] = float(weight)
        except (TypeError, ValueError):
            raise RulesError(f"{source}: {key}.{name} has weight {weight!r}, expected a number") from None
    return out


def _speakers(data: dict, source: str) -> list[SpeakerEntry]:
    out = []
    for name, entry in (data.get("speakers") or {}).items():
        entry = entry or {}
        if not isinstance(entry, dict):
            raise RulesError(f"{source}: speakers.{name} must be a mapping with aliases, kind, gender")
        kind = entry.get("kind", "person")
        if kind not in ("person", "organisation"):
            raise RulesError(f"{source}: speakers.{name}.kind is {kind!r}, expected person or organisation")
        gender = entry.get("gender")
        if gender not in (None, "male", "female"):
            raise RulesError(f"{source}: speakers.{name}.gender is {gender!r}, expected male or female")
        out.append(SpeakerEntry(str(name), tuple(str(a) for a in entry.get("aliases") or ()), kind, gender))
    return out


def parse_rules(data: Any, source: str = "<defaults>") -> Rules:
    """Validate a raw rules mapping and build its typed views."""
    if not isinstance(data, dict):
        raise RulesError(f"{source}: a rules file is a YAML mapping with version, cue_verbs, speakers, stance")
    if "version" not in data:
        raise RulesError(f"{source}: missing 'version'; every rules file carries its version")
    check_shape(data, source)
    if not data.get("cue_verbs"):
        raise RulesError(f"{source}: 'cue_verbs' is empty; the annotator needs at least one reporting verb")
    # a cue whose weight learning has brought under the threshold no longer counts as a cue
    floor = float((data.get("thresholds") or {}).get("min_cue_weight", 0.0))
    rules = Rules(
        data=data,
        source=source,
        cue_verbs={k: w for k, w in _weights(data, "cue_verbs", source).items() if w >= floor},
        cue_phrases={k: w for k, w in _weights(data, "cue_phrases", source).items() if w >= floor},
        speakers=_speakers(data, source),
    )
    from .stance.schema import parse_stance_rules  # the stance section's schema lives with the stance code

    from .stance.model_schema import parse_stance_model

    rules.stance = parse_stance_rules(data.get("stance") or {}, data.get("labels"), source)
    rules.stance_model = parse_stance_model(data.get("stance_model"), list(rules.stance.labels), source)
    return rules
