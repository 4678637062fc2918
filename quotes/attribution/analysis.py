"""Extraction as a pure function of a parsed Doc and the rules: quotes, cues, speakers, stance."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..records import Quote
from ..rules import Rules
from ..speakers.canonical import DocSpeakers, Entity, Resolution
from ..speakers.registry import Registry
from ..speakers.speaker_gender import speaker_gender
from ..stance import cue_model as stance_mod
from ..text.marks import ScannedQuote, scan
from ..text.windows import DocLayout, Window
from .cues import ADDRESSEE_VERBS, Cue, intro_cue, is_cue_verb, phrase_cues, subject_of, tree_cue, verb_cues

# a dash, then a capitalised name of up to five words, then the paragraph's end or a new quote
_BYLINE = re.compile(r"[^\S\n]*([―—–-])[^\S\n]*((?:[A-Z][\w.'’-]*[^\S\n]*){1,5}?)[.,]?[^\S\n]*(?=$|\n|[\"“”«])", re.M)
_FOLLOW_PUNCT = set(",?!—–-…")
SUBJECT_LOOKBACK = 400  # tokens before a cue-less quote searched for its paragraph's subject
STANCE_REACH = 150  # tokens either side of a partial quote that its sentence lends its stance
# how a quoted word or title that opens a sentence hangs on the words after it: '"Succession" won',
# "'Uneasy' residents fear", '"Game of Thrones" returns'
_EMBEDDED_DEPS = {"nsubj", "nsubjpass", "amod", "compound", "nmod", "poss", "appos", "det", "npadvmod"}
_WORD_NEXT = re.compile(r"[^\S\n]*\w")
_SENTENCE_ENDS = {".", "!", "?", "…", "...", "?!", "!!"}


@dataclass(frozen=True)
class QuoteDetail:
    """How a row was attributed, for learning from corrections (not a column of the table)."""

    cue_lemma: str
    pattern: str
    speaker_token: int | None  # index of the head token of the speaker mention
    resolved_by: str = ""  # how the mention became a speaker (speakers.Resolution.how)


@dataclass
class _Attribution:
    cue: Cue | None
    pattern: str
    resolution: Resolution | None = None
    entity: Entity | None = None


_MINOR_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from", "vs", "vs."}


def looks_like_title(text: str, max_words: int = 6) -> bool:
    """A short fragment whose every major word is capitalised: "Face the Nation", "War On Drugs"."""
    words = [w.strip(".,;:!?'’\"“”()") for w in text.split()]
    words = [w for w in words if w]
    if not words or len(words) > max_words:
        return False
    major = [w for w in words if w.lower() not in _MINOR_WORDS]
    return bool(major) and all(w[:1].isupper() or w[:1].isdigit() for w in major)


def _starts_upper(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.isupper()
        if ch.isdigit():
            return True
    return False


class _DocExtractor:
    def __init__(self, doc: Doc, rules: Rules, registry: Registry):
        self.doc = doc
        self.rules = rules
        self.text = doc.text  # Doc.text is rebuilt from the tokens at every access: read it once
        self.scanned = scan(self.text, rules.boilerplate)
        self.layout = DocLayout(doc, self.scanned)
        self.speakers = DocSpeakers(doc, self.layout, rules, registry)
        self.outside = lambda t: not self.layout.in_quote(t.idx)
        self.events: list[tuple[int, _Attribution]] = []  # (char offset, attribution) of speech so far
        self._event_pos: list[int] = []
        self.reported = self._reported_speech()
        self._reported_pos = [pos for pos, _ in self.reported]
        self.details: dict[str, QuoteDetail] = {}  # filled by run(): how each row was attributed

    # -- quote type ------------------------------------------------------

    def quote_type(self, q: ScannedQuote) -> str:
        """direct, partial, or other (a title, a lyric, a nickname): what the words before it say."""
        if q.style == "dash":
            return "direct"
        window = self.layout.left_window(q)
        left = window.text.rstrip() if window.tokens else ""
        words = left.split()
        last = words[-1].lower().strip(",:;") if words else ""
        text = self.text[q.start:q.end]
        if last in self.rules.words("title_nouns") and len(text.split()) <= 8 and not left.endswith(":"):
            return "other"
        if self._inside_name(q):
            return "other"  # a nickname inside a name: Robert "Bobby" Smith
        if not left and self._embedded(q):
            return "partial"  # a title or a scare quote opening the sentence: what the sentence says decides
        if not left or left.endswith(":"):
            return "direct"
        if left[-1] in ",—–-(":
            prev_quote = self.layout.quote_ends_after(self.layout.paragraph_of(q.start)[0], before=q.start)
            return "direct" if _starts_upper(text) or prev_quote else "partial"
        if (_starts_upper(text) and text.rstrip()[-1:] in ".!?" and len(text.split()) >= 4
                and window.tokens and is_cue_verb(window.tokens[-1], self.rules)):
            return "direct"  # Smith said "We will win."
        if self._whole_sentences(q):
            return "direct"  # 'he wrote "We will win. Nobody can stop us." in a letter': no fragment
        return "partial"

    def _whole_sentences(self, q: ScannedQuote) -> bool:
        """Quoted paragraphs, or sentences: a quote that opens with a capital and runs over paragraphs, or holds a
        sentence's end followed by another sentence, is somebody's utterance, whatever stands around it; a title or
        a scare quote never is, nor a fragment left open ('is "really a vague idea.\n\n"We vote," he said')."""
        text = self.text[q.start:q.end]
        if not _starts_upper(text) or looks_like_title(text):
            return False
        if q.paragraphs > 1:
            return True
        span = self.layout.span(q.start, q.end)
        if span is None:
            return False
        words = [t for t in span if not (t.is_space or t.is_quote or t.is_punct and t.text in "([{")]
        return any(t.text in _SENTENCE_ENDS and _starts_upper(n.text) for t, n in zip(words, words[1:]))

    def _embedded(self, q: ScannedQuote, max_words: int = 6) -> bool:
        """A short quote with no closing punctuation that is a noun or modifier of the words after it."""
        text = self.text[q.start:q.end]
        if text[-1:] in ".,;:!?…—–-" or len(text.split()) > max_words \
                or not _WORD_NEXT.match(self.text, q.end + len(q.close_mark)):
            return False
        span = self.layout.span(q.start, q.end)
        if span is None:
            return False
        root = next((t for t in span if not span.start <= t.head.i < span.end), None)
        return root is not None and root.head.i >= span.end and root.dep_ in _EMBEDDED_DEPS

    def _inside_name(self, q: ScannedQuote) -> bool:
        text = self.text
        before = text[max(0, q.start - len(q.open_mark) - 25):q.start - len(q.open_mark)].split()
        after = text[q.end + len(q.close_mark):q.end + len(q.close_mark) + 25].split()
        name_like = lambda w: w[:1].isupper() and w.rstrip(".,").isalpha()  # noqa: E731
        return (len(self.text[q.start:q.end].split()) <= 2 and bool(before) and bool(after)
                and name_like(before[-1]) and name_like(after[0]) and not before[-1].endswith((",", ":")))

    # -- cues ------------------------------------------------------------

    def _pick(self, cues: list[Cue], nearest_last: bool) -> Cue | None:
        usable = [c for c in cues if not c.relay]
        with_speaker = [c for c in usable if c.speaker is not None]
        pool = with_speaker or usable
        if not pool:
            return None
        return pool[-1] if nearest_last else pool[0]

    def _window_cue(self, w: Window, nearest_last: bool) -> Cue | None:
        cues = verb_cues(w, self.rules, self.outside) + phrase_cues(w, self.rules)
        cues.sort(key=lambda c: c.token.i if c.token is not None else 0)
        return self._pick(cues, nearest_last)

    def attribute_direct(self, q: ScannedQuote) -> _Attribution:
        text = self.text[q.start:q.end].rstrip()
        right = self.layout.right_window(q)
        left = self.layout.left_window(q)
        if not left.tokens:
            left = self.layout.intro_window(q) or left
        right_text = right.stripped()
        rc = self._window_cue(right, nearest_last=False)
        # a right-hand clause ending in a colon introduces the next quote, not this one
        if rc is not None and right_text.endswith(":") and text[-1:] in ".!?":
            rc = None
        left_text = left.stripped()
        lc = self._window_cue(left, nearest_last=True) if left.tokens else None
        intro = intro_cue(left, self.rules, self.outside) if left.tokens else None
        follows = text[-1:] in _FOLLOW_PUNCT or right_text[:1] in _FOLLOW_PUNCT
        left_intro = left_text.endswith((":", ","))
        if rc is not None and rc.speaker is not None and (follows or not left_intro):
            return _Attribution(rc, "after")
        byline = self._byline(q)
        if byline is not None:
            return _Attribution(byline, "byline")
        if lc is not None and lc.speaker is not None and left_intro:
            return _Attribution(lc, "before")
        if intro is not None and intro.speaker is not None:
            return _Attribution(intro, "colon")
        if rc is not None and rc.speaker is not None:
            return _Attribution(rc, "after")
        if lc is not None and lc.speaker is not None:
            return _Attribution(lc, "before")
        return self._fallback(q, rc or lc)

    def _byline(self, q: ScannedQuote) -> Cue | None:
        """`"..." ― Jo Park`: a dash and a name right after the quote sign it."""
        text = self.text
        after = q.end + len(q.close_mark)
        m = _BYLINE.match(text, after)
        if m is None:
            return None
        name = self.layout.span(m.start(2), m.end(2))
        if name is None:
            return None
        heads = [t for t in name if t.pos_ == "PROPN" or t.text[:1].isupper()]
        return Cue(m.group(1), None, heads[-1], "byline", 0.9) if heads else None

    def _names_a_thing(self, q: ScannedQuote, span) -> bool:
        """A title-case quote used as a name ("told MSNBC's 'Morning Joe'", "his 'Contract with America'",
        "during a 'Commander-in-Chief Forum'"), not as words someone said ("called her 'Miss Piggy'")."""
        if span is None or not looks_like_title(self.text[q.start:q.end]):
            return False
        inside = {t.i for t in span}
        root = next((t for t in span if t.head.i not in inside), None)
        if root is None or root.head.i == root.i:
            return False
        head = root.head
        if head.lemma_.lower() in self.rules.words("naming_verbs"):
            return False
        if root.dep_ in ("dobj", "ccomp", "xcomp", "oprd", "nsubjpass") and is_cue_verb(head, self.rules) \
                and head.lemma_.lower() not in ADDRESSEE_VERBS:
            return False  # 'he said "Merry Christmas"', '"American Skin" was written by Springsteen'
        if root.dep_ == "attr" and head.lemma_ == "be":
            # 'his favorite book is "One Hundred Years of Solitude"': what a title noun is called
            titles = self.rules.words("title_nouns")
            return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in titles for c in head.children)
        return root.dep_ in ("pobj", "dobj", "poss", "compound", "appos", "nsubj", "nsubjpass", "conj", "npadvmod")

    def attribute_partial(self, q: ScannedQuote) -> _Attribution:
        span = self.layout.span(q.start, q.end)
        if self._names_a_thing(q, span):
            return _Attribution(None, "none")
        tc = tree_cue(list(span), self.rules, self.outside) if span is not None else None
        if tc is not None and tc.speaker is not None and tc.pattern == "tree":
            return _Attribution(tc, "tree")
        left = self.layout.left_window(q)
        lc = self._window_cue(left, nearest_last=True)
        if lc is not None and lc.speaker is not None:
            return _Attribution(lc, "sentence")
        rc = self._window_cue(self.layout.right_window(q), nearest_last=False)
        if rc is not None and rc.speaker is not None:
            return _Attribution(rc, "sentence")
        if looks_like_title(self.text[q.start:q.end]):
            return _Attribution(None, "none")  # "Face the Nation": a title, unless a reporting verb quotes it
        if tc is not None and tc.speaker is not None:
            return _Attribution(tc, "clause")
        return self._fallback(q, tc or lc or rc, partial=True)

    def _fallback(self, q: ScannedQuote, cue: Cue | None, partial: bool = False) -> _Attribution:
        """No cue of its own: a continuation keeps the previous speaker, unless the sentences before the quote
        in its own paragraph are about someone else ("Sanders said on Sunday that ... . 'The younger...'")."""
        prev, prev_pos = self._previous_event(q)
        para = self.layout.paragraph_index(q.start)
        if not partial and (prev is None or self.layout.paragraph_index(prev_pos) < para):
            topic = self._paragraph_subject(q)
            if topic is not None:
                return _Attribution(Cue("", topic.head, topic, "sentence", 0.7), "topic")
        if prev is not None and not partial:
            return _Attribution(prev.cue, "continuation", prev.resolution, prev.entity)
        return _Attribution(cue, "none")

    def _paragraph_subject(self, q: ScannedQuote) -> Token | None:
        """The last named subject of the sentences before a quote in its paragraph, if it can speak."""
        ps, _ = self.layout.paragraph_of(q.start)
        open_at = q.start - len(q.open_mark)
        for tok in self.layout.tokens_back(ps, open_at, SUBJECT_LOOKBACK):
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ in ("ROOT", "conj") and tok.i in self.speakers.token_entity \
                    and self.speakers.token_entity[tok.i].kind in ("person", "organisation"):
                return tok
        return None

    def _previous_event(self, q: ScannedQuote) -> tuple[_Attribution | None, int]:
        """The speech a cue-less quote may continue, and where it was."""
        para = self.layout.paragraph_index(q.start)
        back = int(self.rules.threshold("continuation_paragraphs", 1))
        # the latest speech before the quote, by bisection (both lists are in text order); a quote's own
        # event outranks reported speech at the same offset
        best = None
        for events, positions in ((self.events, self._event_pos), (self.reported, self._reported_pos)):
            k = bisect_left(positions, q.start) - 1
            if k >= 0 and (best is None or positions[k] > best[0]):
                best = events[k]
        if best is None or para - self.layout.paragraph_index(best[0]) > back:
            return None, -1
        return best[1], best[0]

    def _reported_speech(self) -> list[tuple[int, _Attribution]]:
        """Cue verbs with a subject outside quotes ("Park said she hopes..."): speech a quote may continue."""
        out = []
        for tok in self.doc:
            if is_cue_verb(tok, self.rules) and self.outside(tok):
                subj = subject_of(tok, self.outside, rules=self.rules)
                if subj is not None:
                    if subj.i in self.speakers.token_entity:
                        self.speakers.note_speaker(subj.i, self.speakers.token_entity[subj.i])
                    att = _Attribution(Cue(tok.text, tok, subj, "reported", self.rules.cue_verbs[tok.lemma_.lower()]), "reported")
                    out.append((tok.idx, att))
        return out

    @staticmethod
    def _named_inside(q: ScannedQuote, att: _Attribution) -> bool:
        res = att.resolution
        if res is None or res.mention_start is None or res.mention_end is None:
            return False
        return res.mention_start < q.end + len(q.close_mark) and res.mention_end > q.start - len(q.open_mark)

    def _resolve(self, att: _Attribution, q: ScannedQuote) -> None:
        if att.resolution is not None or att.cue is None or att.cue.speaker is None:
            return
        tok: Token = att.cue.speaker
        att.resolution = self.speakers.resolve(tok, (q.start, q.end))
        att.entity = self.speakers.entity(att.resolution.speaker) if att.resolution.speaker else None

    # -- rows ------------------------------------------------------------

    def run(self, unit: str = "segment") -> list[Quote]:
        found = []
        for q in (q for q in self.scanned if q.depth == 0):
            kind = self.quote_type(q)
            if kind == "other":
                continue
            att = self.attribute_direct(q) if kind == "direct" else self.attribute_partial(q)
            if kind == "partial" and att.pattern == "none":
                continue  # a scare quote or a title: nobody's utterance
            # a continuation of reported speech resolves that speech's subject only now it is needed
            self._resolve(att, q)
            if self._named_inside(q, att):
                # "'Uneasy' residents fear...": words of the quote never name its speaker
                if kind == "partial":
                    continue
                att = self._fallback(q, None)
                self._resolve(att, q)
                if self._named_inside(q, att):
                    att = _Attribution(None, "none")
            if att.entity is not None:
                self.speakers.note_speaker(att.cue.speaker.i if att.cue and att.cue.speaker is not None else 0, att.entity)
            if att.resolution is not None and att.pattern != "none":
                self.events.append((q.start, att))
                self._event_pos.append(q.start)
            found.append((q.start, q.end, kind, att))
        if unit == "utterance":
            found = self._utterances(found)
        rows = [self._row(start, end, kind, att, n) for n, (start, end, kind, att) in enumerate(found, 1)]
        self.details = {
            row.quote_id: QuoteDetail(att.cue.lemma if att.cue else "", att.pattern,
                                      att.cue.speaker.i if att.cue and att.cue.speaker is not None else None,
                                      att.resolution.how if att.resolution else "")
            for row, (_, _, _, att) in zip(rows, found)}
        return rows

    def _utterances(self, found: list) -> list:
        """Join the parts of one quotation: neighbours in a paragraph that share one cue."""
        out: list = []
        for start, end, kind, att in found:
            if out:
                pstart, pend, pkind, patt = out[-1]
                same_cue = att.cue is not None and patt.cue is not None and att.cue.token is not None \
                    and patt.cue.token is not None and att.cue.token.i == patt.cue.token.i
                if same_cue and self.layout.paragraph_index(start) == self.layout.paragraph_index(pend - 1):
                    out[-1] = (pstart, end, "direct" if "direct" in (kind, pkind) else "partial", patt)
                    continue
            out.append((start, end, kind, att))
        return out

    def _row(self, start: int, end: int, kind: str, att: _Attribution, n: int) -> Quote:
        res = att.resolution
        span = self.layout.doc.char_span(start, end, alignment_mode="expand")
        if kind == "partial" and span is not None:
            # a fragment's stance is the sentence's: 'called the plan "a disaster"' is critical of the plan;
            # a run-on "sentence" of a whole document is read only near the quote, so each row costs its share
            doc = self.layout.doc
            span = doc[max(span[0].sent.start, span.start - STANCE_REACH):min(span[-1].sent.end, span.end + STANCE_REACH)]
        cue_lemma = att.cue.lemma if att.cue is not None else None
        st = stance_mod.classify(span, cue_lemma, self.rules.stance)
        confidence = self.rules.confidence(att.pattern, res.how if res else "none") * (res.certainty if res else 1.0)
        if att.cue is not None and att.pattern not in ("continuation", "topic", "clause"):
            confidence *= min(1.0, att.cue.weight)  # a cue learning has weakened
        cue_text = att.cue.text if att.cue is not None and att.pattern != "continuation" else ""
        gender, evidence = speaker_gender(self.speakers, res if res and res.speaker else None)
        return Quote(
            doc_id="", quote_id=f"q{n}", start=start, end=end, text=self.text[start:end],
            type=kind, speaker=res.speaker if res else "", speaker_kind=res.kind if res and res.speaker else "",
            speaker_mention=res.mention if res else "",
            mention_start=res.mention_start if res else None, mention_end=res.mention_end if res else None,
            cue=cue_text, stance=st.label, stance_score=round(st.score, 3), stance_cues=st.readable_cues,
            confidence=round(confidence, 3), rules_version=self.rules.version,
            speaker_gender=gender, speaker_gender_evidence=evidence,
        )


UNITS = ("segment", "utterance")


def find_quotes(doc: Doc, rules: Rules, registry: Registry | None = None, unit: str = "segment") -> list[Quote]:
    """Every quote of a parsed document with its cue, canonical speaker and stance.

    unit: "segment" gives one row per quoted stretch (a multi-paragraph quote is
    one row); "utterance" joins the parts of an interrupted quote that share
    one cue ("A," she said, "B.") into one row whose span covers them.
    """
    return analyse(doc, rules, registry, unit).quotes


@dataclass
class Analysis:
    """A document's quotes, the names of everyone it mentions, and how many quotes needed recovery."""

    quotes: list[Quote]
    names: dict[str, str]
    recovered: int = 0
    details: dict[str, QuoteDetail] = field(default_factory=dict)  # quote_id -> how it was attributed
    speakers: DocSpeakers | None = None  # the document's speaker inventory, for learning


def analyse(doc: Doc, rules: Rules, registry: Registry | None = None, unit: str = "segment") -> Analysis:
    """Quotes, mentioned names (canonical name -> kind) and broken-mark count of a parsed document."""
    extractor = _DocExtractor(doc, rules, registry or Registry.from_rules(rules))
    quotes = extractor.run(unit)
    recovered = sum(1 for q in extractor.scanned if q.recovered)
    return Analysis(quotes, extractor.speakers.names(), recovered, extractor.details, extractor.speakers)
