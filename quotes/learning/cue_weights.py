"""Cues from corrections: new cue verbs and phrases from quotes people added (or gave the speaker the machine
could not find, or gave another speaker than the one a continuation took), lower weights for cues whose quotes
they deleted.

The cue a person saw is the verb beside the quote whose subject names the speaker ("Jo Park intoned"), or,
with no such verb, the few words between a boundary (the quote, a comma, the sentence's start) and a mention
that is their last preposition's object ("in the view of Jo Park"): a phrase, as `cue_phrases` holds them.

A new cue verb or phrase needs `thresholds.min_cue_documents` distinct documents (one document's
"wear" or "include" is chance, not a cue), and is a word: letters only, never punctuation; a phrasal
verb ("he points out") is not learned as its bare lemma. A verb also needs `min_cue_share` of the
documents where it stands beside a person's quote with a subject to be documents where that subject is the
speaker: "run", "like" or "end" introduce a speaker now and then, and stand beside others' quotes far more.

A deleted quote counts against the cue that produced it, a kept one for it:
weight x (kept + 2) / (kept + deleted + 2), two virtual keeps so that one
deletion never sinks a cue; quotes deleted in fewer than `min_cue_documents`
documents leave a weight alone. A document a person left with no quote counts
too: every quote the machine found there was deleted. Under the rules'
`min_cue_weight` a cue no longer counts; locked cues keep their entry whatever
their weight.

Evidence is gathered one document at a time (`CueEvidence.add`) and turned into
rules once (`learn_cues`), so that no document's parse is kept.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..attribution.cues import subject_of
from ..rules import Rules
from ..speakers.merge import is_respelling
from ..speakers.registry import Registry
from .workbench import Aligned

PRIOR_KEEPS = 2
NEW_CUE_WEIGHT = 0.8
MIN_CUE_LETTERS = 2
_NOT_CUES = {"be", "have", "do", "get", "make", "go", "come", "take", "give", "see", "know", "want", "use", "find"}


def _speaker_words(name: str) -> set[str]:
    return {w.casefold() for w in name.replace("’", "'").split() if w[:1].isupper() and len(w) > 1}


def _sentences(span: Span) -> list[Span]:
    """The sentences a quote starts and ends in (one, or two when it runs on)."""
    first, last = span[0].sent, span[-1].sent
    return [first] if first.start == last.start else [first, last]


def _verbs_beside(doc: Doc, start: int, end: int, speaker: str, mention: tuple[int | None, int | None]
                  ) -> list[tuple[Token, bool]]:
    """The verbs with a subject in the sentences of a quote, outside it, and whether that subject names the
    quote's speaker. Not a verb that describes a noun ("a supporter who runs the account"): it tells who
    someone is, not that they speak."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    inside = lambda t: start <= t.idx < end  # noqa: E731
    in_mention = lambda t: mention[0] is not None and mention[0] <= t.idx < (mention[1] or 0)  # noqa: E731
    names = _speaker_words(speaker)
    out = []
    for sent in _sentences(span):
        for tok in sent:
            if tok.pos_ != "VERB" or inside(tok) or in_mention(tok) or tok.dep_ in ("relcl", "acl"):
                continue
            subj = subject_of(tok, lambda t: not inside(t))
            if subj is not None:
                out.append((tok, in_mention(subj) or bool(names & {t.text.casefold() for t in subj.subtree})))
    return out


def _verb_for(doc: Doc, start: int, end: int, speaker: str, mention: tuple[int | None, int | None],
              rules: Rules) -> Token | None:
    """The verb beside a quote whose subject names its speaker: the cue a person saw there."""
    best = None
    for tok, speaks in _verbs_beside(doc, start, end, speaker, mention):
        if speaks and tok.lemma_.lower() not in _NOT_CUES and (best is None or abs(tok.idx - start) < abs(best.idx - start)):
            best = tok
    return best


MIN_PHRASE_WORDS, MAX_PHRASE_WORDS = 2, 4


def _named_object(doc: Doc, start: int, end: int, speaker: str) -> tuple[int | None, int | None]:
    """With no mention linked (a gold file has none): a preposition's object beside the quote that names the
    speaker, as a character range from its noun phrase's first word."""
    span = doc.char_span(start, end, alignment_mode="expand")
    names = _speaker_words(speaker)
    if span is None or not names:
        return None, None
    for sent in _sentences(span):
        for tok in sent:
            if tok.dep_ == "pobj" and not start <= tok.idx < end and tok.text.casefold() in names:
                return tok.left_edge.idx, tok.idx + len(tok)
    return None, None


def _phrase_for(doc: Doc, start: int, end: int, speaker: str, mention: tuple[int | None, int | None],
                rules: Rules) -> str | None:
    """The words that introduce a speaker as their object, right before the mention, from a boundary on."""
    if mention[0] is None or mention[1] is None:
        mention = _named_object(doc, start, end, speaker)
        if mention[0] is None:
            return None
    named = doc.char_span(mention[0], mention[1], alignment_mode="expand")
    if named is None or named.start == 0:
        return None
    prep = doc[named.start - 1]
    if named.root.dep_ != "pobj" or prep.pos_ != "ADP" or named.root.head.i != prep.i:
        return None
    words = [prep]
    k = prep.i - 1
    while k >= 0 and len(words) <= MAX_PHRASE_WORDS:
        tok = doc[k]
        if tok.is_sent_start and tok.is_alpha and not start <= tok.idx < end:
            words.insert(0, tok)
            break  # the sentence starts with the phrase
        if tok.is_punct or tok.is_space or start <= tok.idx < end:
            break  # a comma, a quote mark, the quote itself
        if not tok.is_alpha or tok.lemma_.lower() in rules.cue_verbs:
            return None  # a verb cue's clause, not a phrase
        words.insert(0, tok)
        k -= 1
    if not MIN_PHRASE_WORDS <= len(words) <= MAX_PHRASE_WORDS:
        return None
    return " ".join(t.lower_ for t in words)


def _continuation(a: Aligned, quote_id: str) -> bool:
    detail = a.analysis.details.get(quote_id)
    return detail is not None and detail.pattern == "continuation"


def _same_speaker(registry: Registry, a: str, b: str) -> bool:
    return registry.canonical(a).casefold() == registry.canonical(b).casefold() or is_respelling(a, b, registry)


def _add_learned(data: dict, section: str, what: str, found: dict[str, set[str]], need: int) -> list[str]:
    """New learned cues of `section`, or back over the threshold when they had sunk under it."""
    entries = data.setdefault(section, {}) if found else {}
    changes = []
    for name, docs in sorted(found.items()):
        if len(docs) < need:
            continue
        entry = entries.get(name)
        if isinstance(entry, dict):
            entry["weight"] = max(float(entry.get("weight", 0)), NEW_CUE_WEIGHT)
            entry["evidence"] = {**(entry.get("evidence") or {}), "added": len(docs)}
            changes.append(f"{what} '{name}' weight back to {entry['weight']:.2f} (quotes added or given a speaker "
                           f"in {len(docs)} doc(s))")
        else:
            entries[name] = {"weight": NEW_CUE_WEIGHT, "source": "learned", "locked": False, "evidence": len(docs)}
            changes.append(f"new {what} '{name}' weight {NEW_CUE_WEIGHT:.2f} (quotes added or given a speaker in "
                           f"{len(docs)} doc(s))")
    return changes


def _is_word(lemma: str) -> bool:
    return len(lemma) >= MIN_CUE_LETTERS and lemma.isalpha()


def _particle(verb: Token) -> bool:
    """A phrasal verb ("points out", "sums up"): its sense is in the particle, which a lemma cue cannot hold
    ("point" alone would take "pointing to the figures" for a cue)."""
    return any(c.dep_ == "prt" for c in verb.children)


@dataclass
class CueEvidence:
    """What the corrected documents say about cues, gathered one document at a time."""

    rules: Rules
    registry: Registry
    kept: Counter = field(default_factory=Counter)  # cue -> quotes kept
    deleted: Counter = field(default_factory=Counter)  # cue -> quotes deleted
    deleted_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # cue -> documents
    verbs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # new verb -> documents
    # verbs that are no cue yet, beside a person's quote with a subject: documents where that subject is
    # the quote's speaker, and documents where it is someone else
    beside_speaker: Counter = field(default_factory=Counter)
    beside_other: Counter = field(default_factory=Counter)
    phrases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # new phrase -> documents

    @classmethod
    def of(cls, rules: Rules) -> "CueEvidence":
        return cls(rules, Registry.from_rules(rules))

    def add(self, a: Aligned) -> None:
        rules, doc = self.rules, a.parsed
        for _, machine in a.pairs:
            detail = a.analysis.details.get(machine.quote_id)
            if detail and detail.cue_lemma and detail.pattern != "continuation":
                self.kept[detail.cue_lemma] += 1
        for machine in a.deleted:
            detail = a.analysis.details.get(machine.quote_id)
            if detail and detail.cue_lemma and detail.pattern != "continuation":
                self.deleted[detail.cue_lemma] += 1
                self.deleted_in[detail.cue_lemma].add(a.doc.doc_id)
        if doc is None:
            return
        self._beside(a, doc)
        # direct quotes the machine missed, found without anyone to say them, or handed to the previous speaker
        # for want of a cue of their own (a continuation) when a person named someone else: a cue it did not know.
        # Not partial quotes: the verb of reported speech around a quoted fragment is often no cue of quotes.
        unattributed = [h for h, m in a.pairs if not m.speaker or (
            _continuation(a, m.quote_id) and not _same_speaker(self.registry, h.speaker, m.speaker))]
        for human in list(a.added) + unattributed:
            if not human.speaker or human.type != "direct":
                continue
            mention = (human.mention_start, human.mention_end)
            verb = _verb_for(doc, human.start, human.end, human.speaker, mention, rules)
            if verb is not None:
                lemma = verb.lemma_.lower()
                if lemma not in rules.cue_verbs and _is_word(lemma) and not _particle(verb):
                    self.verbs[lemma].add(a.doc.doc_id)
            else:
                phrase = _phrase_for(doc, human.start, human.end, human.speaker, mention, rules)
                if phrase is not None and phrase not in rules.cue_phrases:
                    self.phrases[phrase].add(a.doc.doc_id)


    def _beside(self, a: Aligned, doc: Doc) -> None:
        """Count, once per document, the verbs (not yet cues) beside a person's quotes whose subject is, or is
        not, the quote's speaker."""
        speaker, other = set(), set()
        for human in a.doc.human:
            if not human.speaker:
                continue
            for tok, speaks in _verbs_beside(doc, human.start, human.end, human.speaker,
                                             (human.mention_start, human.mention_end)):
                lemma = tok.lemma_.lower()
                if lemma not in self.rules.cue_verbs:
                    (speaker if speaks else other).add(lemma)
        self.beside_speaker.update(speaker)
        self.beside_other.update(other)

    def share(self, lemma: str) -> float:
        """Of the documents where the verb stands beside a person's quote, the share where its subject speaks."""
        right, wrong = self.beside_speaker[lemma], self.beside_other[lemma]
        return right / (right + wrong) if right + wrong else 1.0


def learn_cues(evidence: CueEvidence, data: dict) -> list[str]:
    rules = evidence.rules
    need = int(rules.threshold("min_cue_documents", 2))
    kept, deleted = evidence.kept, evidence.deleted
    changes = []
    for section in ("cue_verbs", "cue_phrases"):
        entries = data.get(section) or {}
        for lemma in sorted(deleted):
            entry = entries.get(lemma)
            if not isinstance(entry, dict) or len(evidence.deleted_in[lemma]) < need:
                continue
            old = float(entry.get("weight", 1.0))
            new = round(old * (kept[lemma] + PRIOR_KEEPS) / (kept[lemma] + deleted[lemma] + PRIOR_KEEPS), 2)
            if new != old:
                entry["weight"] = new
                entry["evidence"] = {"kept": kept[lemma], "deleted": deleted[lemma]}
                changes.append(f"cue '{lemma}' weight {old:.2f} -> {new:.2f} (kept {kept[lemma]}, "
                               f"deleted {deleted[lemma]} in {len(evidence.deleted_in[lemma])} doc(s))")
    share = rules.threshold("min_cue_share", 0.5)
    verbs = {v: d for v, d in evidence.verbs.items() if evidence.share(v) >= share}
    changes += _add_learned(data, "cue_verbs", "cue verb", verbs, need)
    changes += _add_learned(data, "cue_phrases", "cue phrase", evidence.phrases, need)
    return changes
