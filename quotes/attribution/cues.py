"""Find the cue of a quote (the reporting verb or phrase) and the token that names its speaker.

Patterns, all generic: `"...," Smith said.` and `"...," said Smith.` after the
quote; `Smith told the Times: "..."`, `According to Smith: "..."` and colon or
comma introductions before it; `said the plan was "illegal"` by climbing the
parse from a partial quote to the verb that reports it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from spacy.tokens import Token

from ..rules import Rules
from ..text.windows import Window, doc_paragraphs

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
NOT_SPEAKER_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
# from a verb, climbing to its head stays within one piece of reported speech only along these
COMPLEMENT_DEPS = {"ccomp", "xcomp", "pcomp", "acomp", "oprd", "attr", "dobj", "pobj", "prep", "conj", "dep"}
# verbs whose object is the addressee ("told the Times"), never the speaker
ADDRESSEE_VERBS = {"tell", "ask", "warn", "urge", "assure", "reassure", "advise", "inform", "remind", "caution", "beg", "order", "thank"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
# a verb without its own subject takes the subject of the verb it hangs from
CLIMB_DEPS = {"advcl", "xcomp", "conj", "pcomp", "acl", "dep", "parataxis"}


@dataclass
class Cue:
    """The words that attribute a quote: the cue and the head token of the speaker mention."""

    text: str
    token: Token | None
    speaker: Token | None
    pattern: str  # after | before | colon | phrase | tree
    weight: float = 1.0
    relay: bool = False  # a medium relaying someone else's words ("according to a translation")

    @property
    def lemma(self) -> str:
        return self.token.lemma_.lower() if self.token is not None else ""


def is_cue_verb(tok: Token, rules: Rules) -> bool:
    """A reporting verb of the rules, used as one: "continue to", "threaten to" report no words."""
    return (tok.lemma_.lower() in rules.cue_verbs and (tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"))
            and not _controls_infinitive(tok))


def _controls_infinitive(tok: Token) -> bool:
    """ "continued to support", "threatened to leave": the verb takes an action, not words."""
    doc = tok.doc
    for child in tok.children:
        if child.dep_ == "xcomp" and 0 < child.i - tok.i <= 4:
            between = doc[tok.i + 1:child.i]
            if any(t.lower_ == "to" for t in between) and not any(t.is_quote for t in between):
                return True
    return False


def same_paragraph(a: Token, b: Token) -> bool:
    """Whether two tokens share a paragraph (a hard-wrapped line's break is no paragraph break)."""
    return doc_paragraphs(a.doc).same(a.idx, b.idx)


def subject_of(verb: Token, outside: Callable[[Token], bool], max_climb: int = 3, rules: Rules | None = None) -> Token | None:
    """The speaker of a cue verb: its subject, or that of the verb it depends on."""
    v = verb
    near = outside
    outside = lambda t: near(t) and same_paragraph(t, verb)  # noqa: E731 - parses cross paragraph breaks
    for _ in range(max_climb + 1):
        for child in v.children:
            if child.dep_ in SUBJECT_DEPS and outside(child) and any(ch.isalnum() for ch in child.text):
                if child.lower_ in RELATIVE_PRONOUNS and v.dep_ == "relcl":
                    return v.head
                if child.dep_ == "nsubjpass" and v.lemma_ not in ("quote",):
                    continue
                return child
        if v.dep_ == "agent" or any(c.dep_ == "agent" for c in v.children):
            for c in v.children:
                if c.dep_ == "agent":
                    for p in c.children:
                        if p.dep_ == "pobj" and outside(p):
                            return p
        # "said Smith" sometimes comes out as an object or attribute of the verb
        if v.i == verb.i and v.lemma_.lower() not in ADDRESSEE_VERBS:
            for child in v.rights:
                if (child.dep_ in ("dobj", "attr", "npadvmod", "oprd") and child.pos_ == "PROPN" and outside(child)
                        and child.ent_type_ not in NOT_SPEAKER_ENTS):
                    return child
        if v.dep_ == "acl" and v.head.pos_ in ("PROPN", "NOUN") and outside(v.head) and v.i == verb.i \
                and rules is not None and plausible_speaker(v.head, rules):
            return v.head  # "footage of Jo Park asking, '...'": the participle's noun speaks
        if v.dep_ in CLIMB_DEPS and v.head.i != v.i:
            head = v.head
            # "despite admitting ...": climb over the preposition to the clause's verb
            while head.pos_ in ("ADP", "SCONJ") and head.head.i != head.i:
                head = head.head
            if head.pos_ in ("VERB", "AUX"):
                v = head
                continue
        break
    return None


def nearest_name(tokens: tuple[Token, ...], verb: Token, outside: Callable[[Token], bool]) -> Token | None:
    """When the parse lost the subject: the person (else organisation) named next to the verb, before it
    rather than after ("Flynn, a surrogate, said on Fox News"), never the object of a preposition."""
    best, best_key = None, None
    for t in tokens:
        if t.dep_ == "pobj" and t.head.lower_ != "by":
            continue
        if (t.dep_ in ("compound", "poss") and t.head.pos_ == "NOUN" and t.head.i != t.i) or t.pos_ in ("PART", "PUNCT"):
            continue  # "a Trump surrogate", "Trump's lawyer": the name qualifies someone else
        if t.ent_type_ in ("PERSON", "ORG") and t.ent_iob_ in ("B", "I") and outside(t) and same_paragraph(t, verb):
            # the last word of the entity is its head
            nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
            if nxt is not None and nxt.ent_iob_ == "I" and nxt.pos_ not in ("PART", "PUNCT"):
                continue
            key = (t.ent_type_ != "PERSON", t.i > verb.i, abs(t.i - verb.i))
            if best_key is None or key < best_key:
                best, best_key = t, key
    return best


def _phrase_at(tokens: tuple[Token, ...], k: int, phrases: Iterable[str]) -> str | None:
    for phrase in phrases:
        words = phrase.split()
        if tuple(t.lower_ for t in tokens[k:k + len(words)]) == tuple(words):
            return phrase
    return None


def _object_after(tokens: tuple[Token, ...], k: int) -> Token | None:
    """The head of the noun phrase a cue phrase introduces ("according to [Smith]")."""
    last = tokens[k]
    for child in last.children:
        if child.dep_ == "pobj":
            return child
    for t in tokens[k + 1:]:
        if t.pos_ in ("PROPN", "NOUN", "PRON"):
            # climb to the head of its noun phrase
            while t.dep_ in ("compound", "amod", "det", "poss") and t.head.i != t.i and t.head.i > t.i:
                t = t.head
            return t
        if t.pos_ in ("VERB", "PUNCT") and t.text not in ("'s", "’s"):
            break
    return None


def _is_relay(tok: Token | None, rules: Rules) -> bool:
    if tok is None:
        return False
    relay = rules.words("relay_markers")
    return tok.lemma_.lower() in relay or tok.lower_ in relay


def phrase_cues(window: Window, rules: Rules) -> list[Cue]:
    """Multiword cues of the rules ("according to", "in the words of")."""
    out = []
    toks = window.tokens
    for k in range(len(toks)):
        phrase = _phrase_at(toks, k, rules.cue_phrases)
        if phrase is None:
            continue
        end = k + len(phrase.split()) - 1
        obj = _object_after(toks, end)
        relay = _is_relay(obj, rules)
        out.append(Cue(phrase, toks[k], None if relay else obj, "phrase", rules.cue_phrases[phrase], relay))
    return out


# "..., when Smith blasted him": a clause of circumstance after a quote is not its cue ("as Smith put it" is)
CIRCUMSTANCE_MARKS = {"when", "after", "before", "because", "while", "if", "since", "until", "although", "though",
                      "whereas", "once", "unless"}


def verb_cues(window: Window, rules: Rules, outside: Callable[[Token], bool]) -> list[Cue]:
    out = []
    for tok in window.tokens:
        if is_cue_verb(tok, rules) and not any(c.dep_ in ("mark", "advmod") and c.lower_ in CIRCUMSTANCE_MARKS
                                               for c in tok.children):
            speaker = subject_of(tok, outside, rules=rules) or nearest_name(window.tokens, tok, outside)
            relay = any(_is_relay(t, rules) for t in tok.subtree if window.start <= t.idx < window.end)
            out.append(Cue(tok.text, tok, speaker, "verb", rules.cue_verbs[tok.lemma_.lower()], relay))
    return out


def intro_cue(window: Window, rules: Rules, outside: Callable[[Token], bool]) -> Cue | None:
    """A colon introduction without a reporting verb: `X captioned it:`, `with the caption:`."""
    toks = window.tokens
    if not toks or toks[-1].text not in (":", ",", "—", "–"):
        return None
    nouns = rules.words("intro_nouns")
    for tok in reversed(toks):
        if tok.lemma_.lower() in nouns and tok.pos_ == "NOUN":
            # "Smith's message:" and "a quote from X:" name the speaker; "with the caption:" leaves
            # it to the clause's subject
            for child in tok.children:
                if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN") and outside(child):
                    return Cue(tok.text, tok, child, "colon", 0.9)
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
                    for p in child.children:
                        if p.dep_ == "pobj" and p.pos_ in ("PROPN", "NOUN"):
                            return Cue(tok.text, tok, p, "colon", 0.9)
            head = tok
            while head.dep_ in ("pobj", "prep", "dobj", "compound") and head.head.i != head.i:
                head = head.head
            if head.pos_ in ("VERB", "AUX"):
                return Cue(tok.text, head, subject_of(head, outside, rules=rules), "colon", 0.8)
    if toks[-1].text != ":":
        return None
    verbs = [t for t in toks if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    for verb in reversed(verbs):
        speaker = subject_of(verb, outside, rules=rules)
        if speaker is not None:
            return Cue(verb.text, verb, speaker, "colon", 0.7)
    # a bare name and a colon: "Smith on the vote: ...", the name nearest the colon
    for tok in reversed(toks):
        if tok.pos_ == "PROPN" and tok.ent_type_ in ("PERSON", "ORG"):
            return Cue(":", None, tok, "colon", 0.5)
    return None


PEOPLE_PRONOUNS = {"he", "she", "they", "we", "i", "you", "who"}
SPEAKER_ENTS = {"PERSON", "ORG", "NORP"}


def plausible_speaker(tok: Token, rules: Rules) -> bool:
    """Could this subject have said something: a person, an organisation, a pronoun for people,
    or a noun the rules list as a source of words ("officials", "the report")?"""
    if tok.pos_ == "PRON":
        return tok.lower_ in PEOPLE_PRONOUNS
    if tok.ent_type_ in SPEAKER_ENTS or (tok.pos_ == "PROPN" and not tok.ent_type_):
        return True
    if any(t.ent_type_ in ("PERSON", "ORG") for t in tok.subtree):
        return True  # "the Clinton campaign", "officials at the Pentagon"
    nouns = rules.speaker_nouns
    return tok.lemma_.lower() in nouns or tok.lower_ in nouns


def _climbs(node: Token, rules: Rules | None = None) -> bool:
    """May the climb go on from this node to its head without leaving the reported clause?"""
    if node.pos_ not in ("VERB", "AUX"):
        return True
    if node.dep_ in ("acl", "ccomp") and rules is not None and node.head.lemma_.lower() in rules.words("speech_nouns"):
        return True  # "Trump's claim that there were 'thousands of shootings'"
    if node.dep_ == "conj":
        # "said that X and that Y": coordinated complements stay in the same report
        return node.head.dep_ in ("ccomp", "xcomp", "conj")
    return node.dep_ in COMPLEMENT_DEPS


def tree_cue(quote_tokens: list[Token], rules: Rules, outside: Callable[[Token], bool], max_up: int = 8) -> Cue | None:
    """Climb the parse from a quote embedded in a clause to the verb that reports it.

    The climb stops at a clause boundary (a relative or adverbial clause is not
    reported speech). Without a reporting verb on the way, the nearest verb with
    a subject stands in ("pounded Trump as a 'con artist'"), as a weaker cue.
    """
    inside = {t.i for t in quote_tokens}
    roots = [t for t in quote_tokens if t.head.i not in inside and not t.is_punct]
    fallback: Cue | None = None
    for root in roots[:3]:
        node = root
        found: Cue | None = None
        for _ in range(max_up):
            if node.head.i == node.i or not _climbs(node, rules):
                break
            via_clause = node.pos_ in ("VERB", "AUX") and node.dep_ in ("acl", "ccomp")
            node = node.head
            if node.i in inside:
                continue
            if found is None and via_clause and node.pos_ == "NOUN" and node.lemma_.lower() in rules.words("speech_nouns") \
                    and outside(node):
                owner = next((c for c in node.children if c.dep_ == "poss" and outside(c)
                              and (c.pos_ == "PROPN" or c.lower_ in ("his", "her"))), None)
                if owner is not None:
                    found = Cue(node.text, node, owner, "tree", 0.8)  # "Smith's claim that ..."
                    continue
            if is_cue_verb(node, rules) and outside(node):
                cue = Cue(node.text, node, subject_of(node, outside, rules=rules), "tree", rules.cue_verbs[node.lemma_.lower()])
                if cue.speaker is None and _agentless_passive(node):
                    return cue  # "what is being criticised as 'X'": the text does not say who, nor does the clause above
                # a report inside a report belongs to the outer source: "Smith said Jones called it 'reckless'"
                if found is None or cue.speaker is not None:
                    found = cue
                continue
            if node.lower_ == "according" and found is None:
                for child in node.children:
                    for p in child.children:
                        if p.dep_ == "pobj":
                            return Cue("according to", node, p, "tree", rules.cue_phrases.get("according to", 1.0))
            if fallback is None and found is None and node.pos_ == "VERB" and outside(node):
                subj = subject_of(node, outside, rules=rules)
                if subj is not None and plausible_speaker(subj, rules):
                    fallback = Cue(node.text, node, subj, "clause", 0.5)
        if found is not None:
            return _parenthetical(node, found, rules, outside)
    return fallback


def _agentless_passive(verb: Token) -> bool:
    return any(c.dep_ == "auxpass" for c in verb.children) and not any(c.dep_ == "agent" for c in verb.children)


def _parenthetical(top: Token, found: Cue, rules: Rules, outside: Callable[[Token], bool]) -> Cue:
    """ "X, Mr. Obama said, believe 'Y'": a reporting clause hung on the sentence's root speaks for all of it."""
    root = top
    while root.head.i != root.i:
        root = root.head
    for child in root.children:
        if child.dep_ == "parataxis" and is_cue_verb(child, rules) and outside(child):
            subj = subject_of(child, outside, rules=rules)
            if subj is not None and subj.pos_ in ("PROPN", "PRON"):
                return Cue(child.text, child, subj, "tree", rules.cue_verbs[child.lemma_.lower()])
    return found
