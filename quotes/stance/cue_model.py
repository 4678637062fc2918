"""Stance of a quote: one label of the rules' label set, a score and the cues that decided it.

The rules are data (the `labels:` and `stance:` sections of the rules file): per label,
weighted cue words and patterns matched on lemmas, some only in a syntactic frame
(`when: [future, other_party]` for "it will ruin their plans"); negators that cancel a cue
(or turn it into another label: "not worried" leans reassuring); intensifiers and
diminishers that scale it; a prior from the cue verb; a margin under which the quote is
the neutral label. A label's score is the sum of its cues' weights, which keeps the model
linear: `quotes learn` can refit the weights as a logistic regression over `cue_hits`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

# the rules' schema lives in stance_rules; re-exported here for callers of the stance module
from .schema import CONDITIONS, DEFAULT_LABELS, FEATURE_NAMES, StanceCue, StanceRules, parse_stance_rules  # noqa: F401

_SECOND_PERSON = {"you", "your", "yours", "yourself", "yourselves"}
_OTHER_PARTY = _SECOND_PERSON | {"they", "them", "their", "theirs", "he", "him", "his", "she", "her", "hers"}
_FUTURE = {"will", "'ll", "shall", "gonna"}
_CLAUSE_DEPS = {"ccomp", "advcl", "relcl", "acl", "parataxis"}


@dataclass(frozen=True)
class CueHit:
    """A cue found in a quote: what it adds to which label, and why (the readable text)."""

    label: str
    weight: float  # the contribution to `label`, after modifiers and negation
    text: str
    cue: StanceCue | None = None  # None for the cue verb's prior and for a whole-quote feature
    factor: float = 1.0  # the multiplier applied to the cue's weight (a learner's feature value)
    feature: str | None = None  # the whole-quote feature (stance.features) this hit weighs


@dataclass(frozen=True)
class StanceResult:
    label: str
    score: float
    cues: tuple[str, ...] = ()

    @property
    def readable_cues(self) -> str:
        return "; ".join(self.cues)


# -- syntactic frames -------------------------------------------------------


def _norm(tok: Token) -> tuple[str, str]:
    return tok.lower_.replace("’", "'"), tok.lemma_.lower().replace("’", "'")


def _is(tok: Token, word: str) -> bool:
    return word in _norm(tok)


class _Quote:
    """The tokens of a quote with the helpers the frames need, kept within the quote."""

    def __init__(self, span: Span):
        self.span = span
        self.lo, self.hi = span.start, span.end
        self.has_deps = span.doc.has_annotation("DEP")

    def inside(self, tok: Token) -> bool:
        return self.lo <= tok.i < self.hi

    def sentence(self, tok: Token) -> list[Token]:
        if not self.has_deps:
            return list(self.span)
        sent = tok.sent
        return [t for t in sent if self.inside(t)]

    def clause_head(self, tok: Token) -> Token:
        """The verb that governs `tok`'s clause, without leaving the quote."""
        seen = 0
        while self.has_deps and tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i \
                and self.inside(tok.head) and seen < 8:
            tok, seen = tok.head, seen + 1
        return tok

    def clause(self, head: Token) -> list[Token]:
        """`head`'s clause: its subtree less the clauses embedded in it."""
        out, stack = [], [head]
        while stack:
            t = stack.pop()
            if self.inside(t):
                out.append(t)
                stack.extend(c for c in t.children if c.dep_ not in _CLAUSE_DEPS)
        return out


def _future(q: _Quote, tok: Token) -> bool:
    head = q.clause_head(tok)
    if any(c.dep_ in ("aux", "auxpass") and not _FUTURE.isdisjoint(_norm(c)) for c in head.children):
        return True
    before = [t for t in q.sentence(tok) if t.i < tok.i][-4:]
    return any(not _FUTURE.isdisjoint(_norm(t)) for t in before) or \
        any(_is(a, "go") and _is(b, "to") for a, b in zip(before, before[1:]))


def _addressed(q: _Quote, tok: Token) -> bool:
    return any(_norm(t)[0] in _SECOND_PERSON for t in q.sentence(tok))


def _imperative(q: _Quote, tok: Token) -> bool:
    words = [t for t in q.sentence(tok) if not t.is_punct and t.pos_ not in ("INTJ",)]
    while words and _norm(words[0])[0] in ("please", "just", "now", "so", "and", "or", "then"):
        words = words[1:]
    if not words or q.sentence(tok)[-1].text == "?":
        return False
    first = words[0]
    if first.tag_ == "VB" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in first.children):
        return True
    return _is(first, "do") and len(words) > 1 and _is(words[1], "not")  # "Don't ..."


def _conditional(q: _Quote, tok: Token) -> bool:
    sent = q.sentence(tok)
    text = [_norm(t)[0] for t in sent]
    return any(w in ("if", "unless", "otherwise") for w in text) or \
        any(a == "or" and b == "else" for a, b in zip(text, text[1:]))


def _other_party(q: _Quote, tok: Token) -> bool:
    """The clause acts on someone else: an object or possessor that is not the speaker's side."""
    for t in q.clause(q.clause_head(tok)):
        if t.dep_ in ("dobj", "dative", "pobj", "poss", "nsubjpass", "attr") and t.i != tok.i:
            if _norm(t)[0] in _OTHER_PARTY or t.pos_ == "PROPN":
                return True
    return False


_FRAMES = {
    "future": _future,  # the clause is in the future: "will", "'ll", "shall", "going to"
    "addressed": _addressed,  # the sentence speaks to someone: "you", "your"
    "imperative": _imperative,  # the sentence is a command: "Stop it."
    "conditional": _conditional,  # the sentence sets a condition: "if", "unless", "otherwise", "or else"
    "other_party": _other_party,  # the clause acts on another party: "their plans", "them", "you"
}


# -- whole-quote features ------------------------------------------------------
#
# Each measures one thing about the quote as a whole, 0 to 1, and says what it saw; the rules'
# `features:` weigh it for each label. The tone comes from VADER (vaderSentiment, MIT licence):
# a valence lexicon of 7,500 words with its own rules for negation and emphasis, which reads the
# tone of words the hand lexicon never listed ("disaster", "thrilled").

_VADER = None


def _vader():
    global _VADER
    if _VADER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _VADER = SentimentIntensityAnalyzer()
    return _VADER


TONE_PIECE = 1000  # tokens: VADER's cost grows with the square of a text's length ("but" looks back over all of it)


def _tone(span: Span, known: set[int]) -> tuple[float, str]:
    """VADER's compound tone of the quote's words that no hand-made cue already counts.

    A quote longer than `TONE_PIECE` tokens (no news quote: a whole document left open by a missing mark)
    gets the mean tone of its pieces of that length, so that its cost stays linear in its length."""
    vader = _vader()
    rest = [t for t in span if t.i not in known]
    pieces = [rest[k:k + TONE_PIECE] for k in range(0, len(rest), TONE_PIECE)]
    tones = [vader.polarity_scores("".join(t.text_with_ws for t in piece))["compound"] for piece in pieces]
    compound = tones[0] if len(tones) == 1 else sum(c * len(p) for c, p in zip(tones, pieces)) / len(rest) if rest \
        else 0.0
    words = [t.text for t in rest if t.lower_ in vader.lexicon and vader.lexicon[t.lower_] * compound > 0]
    return compound, ", ".join(dict.fromkeys(words[:4]))


def _tone_negative(span: Span, known: set[int]) -> tuple[float, str]:
    compound, words = _tone(span, known)
    return (-compound, f"negative tone {compound:.2f}" + (f": {words}" if words else "")) if compound < 0 else (0.0, "")


def _tone_positive(span: Span, known: set[int]) -> tuple[float, str]:
    compound, words = _tone(span, known)
    return (compound, f"positive tone {compound:.2f}" + (f": {words}" if words else "")) if compound > 0 else (0.0, "")


def _any_word(words: set[str], what: str):
    def feature(span: Span, known: set[int]) -> tuple[float, str]:
        seen = [t.text for t in span if _norm(t)[0] in words]
        return (1.0, f"{what} '{seen[0]}'") if seen else (0.0, "")
    return feature


def _char(ch: str, what: str):
    def feature(span: Span, known: set[int]) -> tuple[float, str]:
        return (1.0, what) if ch in span.text else (0.0, "")
    return feature


def _negation(span: Span, known: set[int]) -> tuple[float, str]:
    """A sentence's main verb denied ("He is not fit", "They never listen"); a negation inside a relative
    or adverbial clause ("without which it cannot exist") describes rather than denies."""
    def main(t: Token) -> bool:
        head = t.head
        return head.dep_ in ("ROOT", "ccomp", "conj") or head.i == t.i
    neg = next((t for t in span if (t.dep_ == "neg" or _norm(t)[0] in ("never", "nobody", "nothing")) and main(t)
                and t.i not in known), None)  # not one that negated a cue: "nothing wrong" is no denial
    return (1.0, f"negation '{neg.text}'") if neg is not None else (0.0, "")


_NO_OBLIGATION = frozenset({"no", "not", "n't", "never"})


def _obligation(span: Span, known: set[int]) -> tuple[float, str]:
    toks = list(span)
    for k, t in enumerate(toks):
        w = _norm(t)[0]
        nxt = _norm(toks[k + 1])[0] if k + 1 < len(toks) else ""
        prev = _norm(toks[k - 1])[0] if k else ""
        if prev in _NO_OBLIGATION:
            continue  # "no need to worry", "you don't have to": the absence of an obligation
        if w in ("should", "must", "ought") or (w in ("need", "needs", "have", "has") and nxt == "to"):
            return 1.0, f"obligation '{t.text}'"
    return 0.0, ""


FEATURES = {
    "tone_negative": _tone_negative,  # VADER's compound score when below 0, as a positive number
    "tone_positive": _tone_positive,  # VADER's compound score when above 0
    "question": _char("?", "a question"),
    "exclamation": _char("!", "an exclamation"),
    "second_person": _any_word({"you", "your", "yours", "yourself"}, "addressed"),
    "first_plural": _any_word({"we", "our", "us", "ours", "ourselves"}, "first person plural"),
    "obligation": _obligation,  # should, must, ought, need to, have to
    "negation": _negation,
    "future": _any_word({"will", "'ll", "shall", "gonna"}, "future"),
    "conditional": _any_word({"if", "unless"}, "condition"),
}
assert set(FEATURES) == set(FEATURE_NAMES)


def feature_values(span: Span | None, rules: StanceRules, names=FEATURE_NAMES) -> dict[str, tuple[float, str]]:
    """The whole-quote features of a quote (all, or those `names`): name -> (value, what was seen).

    The tone reads only the words no hand-made cue of the rules already counts: the lexicon speaks for
    its own words, VADER for the rest. A word that negated a cue is no denial of the whole quote."""
    if span is None or not len(span):
        return {}
    span = span[:] if isinstance(span, Doc) else span
    matcher = _Matcher(span, rules)
    matcher.hits()
    return {name: FEATURES[name](span, matcher.known) for name in names}


# -- matching --------------------------------------------------------------


def _num(w: float) -> str:
    return f"{w:+.2f}".rstrip("0").rstrip(".")


def _matches(norms: list[tuple[str, str]], i: int, words: tuple[str, ...]) -> bool:
    if i < 0 or i + len(words) > len(norms):
        return False
    return all(w == "*" or w in norms[i + k] for k, w in enumerate(words))


def _anchor(toks: list[Token]) -> Token:
    """The syntactic head of matched tokens (the one whose head lies outside them)."""
    ids = {t.i for t in toks}
    for t in toks:
        if t.head.i not in ids or t.head.i == t.i:
            return t
    return toks[0]


class _Matcher:
    """Finds the cues of one quote: patterns, frames, negation and modifiers."""

    def __init__(self, span: Span, rules: StanceRules):
        self.q, self.rules = _Quote(span), rules
        self.toks = list(span)
        self.norms = [_norm(t) for t in self.toks]
        self.mods = sorted(rules.modifiers.items(), key=lambda m: -len(m[0]))
        self.seed_covered: set[int] = set()  # doc token indices a hand-made cue matched
        self.negators_used: set[int] = set()  # doc token indices of the words that negated a hand-made cue

    @property
    def known(self) -> set[int]:
        """The words the whole-quote features leave to the hand-made cues: those cues' words and negators."""
        return self.seed_covered | self.negators_used

    def text(self, first: Token, last: Token) -> str:
        return first.doc[first.i:last.i + 1].text

    def modifiers_before(self, i: int) -> tuple[float, list[tuple[str, float]]]:
        """Intensifiers and diminishers right before token i, over adverbs and determiners."""
        factor, found, j = 1.0, [], i
        for _ in range(self.rules.modifier_window):
            hit = next(((w, m) for w, m in self.mods if _matches(self.norms, j - len(w), w)), None)
            if hit is not None:
                factor *= hit[1]
                found.append((" ".join(hit[0]), hit[1]))
                j -= len(hit[0])
            elif j > 0 and self.toks[j - 1].pos_ in ("ADV", "DET", "PART") \
                    and self.rules.negators.isdisjoint(self.norms[j - 1]):
                j -= 1
            else:
                break
        return factor, found

    def negator(self, i: int, matched: list[Token]) -> Token | None:
        """The word that negates the cue at token i (in the window before it, or a `neg` on its clause)."""
        toks, sent_start = self.toks, self.toks[i].sent.start if self.q.has_deps else 0
        intensified = False
        for k in range(i - 1, max(-1, i - 1 - self.rules.negation_window), -1):
            t = toks[k]
            if t.is_punct or t.pos_ in ("CCONJ", "SCONJ") or (self.q.has_deps and t.sent.start != sent_start):
                break
            if not self.rules.negators.isdisjoint(self.norms[k]):
                # "never been so worried" stresses the worry rather than denying it
                return None if intensified and self.norms[k][0] == "never" else t
            intensified = intensified or (self.norms[k][0],) in self.rules.intensifiers
        if not self.q.has_deps:
            return None
        ids, t = {m.i for m in matched}, _anchor(matched)
        undone = self.reverser(t)
        if undone is not None:
            return undone
        for _ in range(4):
            neg = next((c for c in t.children if c.dep_ == "neg" and c.i not in ids and c.i < matched[0].i), None)
            if neg is not None:
                return neg
            if t.pos_ in ("VERB", "AUX") or t.head.i == t.i or not self.q.inside(t.head):
                return None
            t = t.head
        return None

    def reverser(self, tok: Token) -> Token | None:
        """The word that undoes `tok` as its object: "destroy our cooperation", "the end of the peace"."""
        head = tok.head
        if tok.dep_ == "pobj" and head.dep_ == "prep" and _is(head, "of"):
            head = head.head
        elif tok.dep_ not in ("dobj", "nsubjpass"):
            return None
        return head if self.q.inside(head) and not self.rules.reversers.isdisjoint(_norm(head)) else None

    def hit(self, cue: StanceCue, i: int) -> CueHit | None:
        matched = self.toks[i:i + len(cue.words)]
        anchor = _anchor(matched)
        if cue.pos and anchor.pos_ not in cue.pos:
            return None
        if any(not _FRAMES[w](self.q, anchor) for w in cue.when):
            return None
        rules = self.rules
        negated_inside = any(not rules.negators.isdisjoint(n) for n in self.norms[i:i + len(cue.words)])
        neg = None if negated_inside else self.negator(i, matched)
        if neg is not None:
            if cue.source == "seed":  # as `seed_covered`: the same words whether or not cues were learned
                self.negators_used.add(neg.i)
            first, last = (neg, matched[-1]) if neg.i < matched[0].i else (matched[0], neg)
            shown = self.text(first, last)
            flip = rules.negation_flip.get(cue.label)
            if flip is None:
                return CueHit(cue.label, 0.0, f"{shown} (negated)", cue, 0.0)
            w = cue.weight * rules.negation_weight
            return CueHit(flip, w, f"{shown} (negated, {flip} {_num(w)})", cue, -rules.negation_weight)
        factor, mods = self.modifiers_before(i)
        w = cue.weight * factor
        why = [f"{cue.label} {_num(w)}", *(f.replace("_", " ") for f in cue.when),
               *(f"x{m:g} '{mw}'" for mw, m in mods)]
        return CueHit(cue.label, w, f"{self.text(matched[0], matched[-1])} ({', '.join(why)})", cue, factor)

    def hits(self) -> list[CueHit]:
        out: list[CueHit] = []
        taken: set[int] = set()  # a multiword pattern's tokens count once, for every label
        counted: set[tuple[str, int]] = set()  # a word counts once per label ("enraged": enrage, enraged)
        at: dict[str, list[int]] = {}
        for i, forms in enumerate(self.norms):
            for form in set(forms):
                at.setdefault(form, []).append(i)
        for cue in self.rules.cues:  # longest first
            n = len(cue.words)
            starts = range(len(self.toks)) if cue.words[0] == "*" else at.get(cue.words[0], ())
            for i in starts:
                if not _matches(self.norms, i, cue.words) or not taken.isdisjoint(range(i, i + n)) \
                        or (cue.label, i) in counted:
                    continue
                found = self.hit(cue, i)
                if found is not None:
                    if cue.source == "seed":
                        self.seed_covered.update(t.i for t in self.toks[i:i + n])
                    out.append(found)
                    counted.add((cue.label, i))
                    if n > 1:
                        taken.update(range(i, i + n))
        return out


def cue_hits(span: Span | Doc | None, cue_lemma: str | None, rules: StanceRules) -> list[CueHit]:
    """Every cue of the rules found in the quote, plus the cue verb's prior: the features of a quote."""
    span = span[:] if isinstance(span, Doc) else span
    matcher = _Matcher(span, rules) if span is not None and len(span) else None
    hits = matcher.hits() if matcher is not None else []
    for label, w in rules.cue_verb_prior.get((cue_lemma or "").lower(), {}).items():
        hits.append(CueHit(label, w, f"cue verb '{cue_lemma}' ({label} {_num(w)})"))
    if rules.features and matcher is not None:
        known = matcher.known
        for name in rules.features:
            value, seen = FEATURES[name](span, known)
            for label, w in rules.features.get(name, {}).items():
                if value and w:
                    hits.append(CueHit(label, w * value, f"{seen} ({label} {_num(w * value)})", None, value, name))
    return hits


def label_scores(hits: list[CueHit], rules: StanceRules) -> dict[str, float]:
    """Each label's score: its bias plus its cues; the neutral label starts at the margin."""
    scores = {lab: rules.bias.get(lab, 0.0) for lab in rules.labels}
    scores[rules.neutral] += rules.margin
    for h in hits:
        scores[h.label] += h.weight
    return scores


def classify(span: Span | Doc | None, cue_lemma: str | None, rules: StanceRules) -> StanceResult:
    """Label the quote text `span` (a spaCy Span), given the lemma of its cue verb.

    The label is the best-scoring label if it reaches the neutral label's score (the margin),
    ties going to the label listed first; the score is its softmax share over all labels.
    """
    hits = cue_hits(span, cue_lemma, rules)
    scores = label_scores(hits, rules)
    others = [lab for lab in rules.labels if lab != rules.neutral]
    best = max(others, key=lambda lab: scores[lab]) if others else rules.neutral
    label = best if others and scores[best] >= scores[rules.neutral] else rules.neutral
    top = max(scores.values())
    share = math.exp(scores[label] - top) / sum(math.exp(s - top) for s in scores.values())
    ordered = sorted(hits, key=lambda h: (h.label != label, -abs(h.weight)))
    readable = [h.text for h in ordered]
    if label == rules.neutral and any(h.weight for h in hits):
        readable.append(f"no label reached the margin {rules.margin:g}")
    return StanceResult(label, share, tuple(readable))
