"""Selective parsing: which stretches of a document need the whole model, and what the rest gets.

The attributor reads dependencies, tags and lemmas only around quotes: the
windows of a quote's paragraph, the paragraph before it (a colon that
introduces it, reported speech a cue-less quote continues) and the few
paragraphs where a pronoun's antecedent is ranked. Names, though, are read in
the whole document: "Smith said" six paragraphs after "Mary Smith" is Mary
Smith, and a person's mentions anywhere make them salient. So every paragraph
gets the named-entity recogniser (which in the English models has its own
embedding layer), and only the paragraphs near a quote, or that hold a
reporting verb (speech the pronoun ranker remembers), also get tok2vec, the
tagger, the parser, the attribute ruler and the lemmatizer. The other
paragraphs are given sentences by punctuation and a flat tree (`flat_parse`),
so that the joined Doc of the document has sentences everywhere.

`plan` is pure text: it cuts a document into (start, end, full) regions.
"""
from __future__ import annotations

import re
from typing import Iterable

import numpy
from spacy.attrs import DEP, HEAD, POS
from spacy.pipeline import Sentencizer
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc

from ..text.marks import ScannedQuote
from ..text.paragraphs import ParagraphIndex

PARAGRAPHS_BEFORE = 1  # an introducing colon, reported speech a quote continues, the last subject
PARAGRAPHS_AFTER = 0  # nothing after a quote's paragraph is read for it (windows stop at the paragraph)
PRONOUN_BEFORE = 3  # the paragraphs `antecedents.AntecedentRanker` reads before a pronoun (its paragraphs_back)
VERB_REACH = 0  # a reporting verb this many paragraphs before a quote: speech the pronoun ranker remembers
_WORD = re.compile(r"[A-Za-z]+")
# a speaker a quote's paragraph names by a pronoun is ranked among the
# people and organisations of the paragraphs before: their subjects and speech count
_PRONOUN = re.compile(r"\b(?:he|she|it|they|his|her|its|their|him|them)\b", re.I)
# inflections no suffix rule gives, of the cue verbs the default rules know
_IRREGULAR = {"say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "think": ("thought",),
              "speak": ("spoke", "spoken"), "tweet": ("tweeted",), "cry": ("cried", "cries"), "deny": ("denied", "denies"),
              "reply": ("replied", "replies"), "testify": ("testified", "testifies"), "forecast": ("forecast",)}


def verb_forms(lemmas: Iterable[str]) -> frozenset[str]:
    """Every surface form a reporting verb may take, over-generated (a form too many only parses a
    paragraph more): lemma, -s, -es, -d, -ed, -ing, with a final e dropped or a consonant doubled."""
    out: set[str] = set()
    for lemma in lemmas:
        lemma = lemma.lower()
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        double = lemma + lemma[-1:]
        out.update((lemma, lemma + "s", lemma + "es", lemma + "d", lemma + "ed", stem + "ed", stem + "ing",
                    double + "ed", double + "ing", lemma + "ing"))
        if lemma.endswith("y"):
            out.update((lemma[:-1] + "ied", lemma[:-1] + "ies"))
        out.update(_IRREGULAR.get(lemma, ()))
    return frozenset(out)


def plan(text: str, index: ParagraphIndex, quotes: list[ScannedQuote], cue_forms: frozenset[str],
         before: int | None = None, after: int | None = None, verb_reach: int | None = None,
         pronoun_before: int | None = None) -> list[tuple[int, int, bool]]:
    """(start, end, full) regions covering `text` in order: `full` where the whole model must run.

    A paragraph is full when it holds (part of) a quote or lies within `before` paragraphs before one or
    `after` paragraphs after one, or when it holds a reporting verb. Consecutive paragraphs of one kind
    make one region; the text between paragraphs goes with the region before it."""
    before = PARAGRAPHS_BEFORE if before is None else before
    after = PARAGRAPHS_AFTER if after is None else after
    verb_reach = VERB_REACH if verb_reach is None else verb_reach
    pronoun_before = PRONOUN_BEFORE if pronoun_before is None else pronoun_before
    spans = index.spans
    if not spans:
        return [(0, len(text), False)]  # an empty text too: every document comes out of the model
    n = len(spans)
    full = [False] * n
    near = [False] * n  # within verb_reach paragraphs before a quote
    outer = [(q.start - len(q.open_mark), q.end + len(q.close_mark)) for q in quotes if q.depth == 0]
    for qs, qe in outer:
        first, last = index.index(qs), index.index(max(qs, qe - 1))
        reach = before
        if pronoun_before > before and _PRONOUN.search(_outside(text, spans[first][0], spans[last][1], outer)):
            reach = pronoun_before
        for k in range(max(0, first - reach), min(n, last + after + 1)):
            full[k] = True
        for k in range(max(0, first - verb_reach), first):
            near[k] = True
    for k, (ps, pe) in enumerate(spans):
        if near[k] and not full[k] and any(m.group().lower() in cue_forms for m in _WORD.finditer(text, ps, pe)):
            full[k] = True
    regions: list[tuple[int, int, bool]] = []
    start = 0
    for k in range(1, n + 1):
        end = spans[k][0] if k < n else len(text)
        if k == n or full[k] != full[k - 1]:
            regions.append((start, end, full[k - 1]))
            start = end
    return regions


def _outside(text: str, start: int, end: int, outer: list[tuple[int, int]]) -> str:
    """text[start:end] without the quotes in it (words inside a quote never name its speaker)."""
    parts, pos = [], start
    for qs, qe in outer:
        if qe <= pos or qs >= end:
            continue
        parts.append(text[pos:max(pos, qs)])
        pos = max(pos, qe)
    parts.append(text[pos:end])
    return " ".join(parts)


_SENTENCES = Sentencizer()


def flat_parse(doc: Doc, first_names: Iterable[str] = ()) -> Doc:
    """Sentences by punctuation for a stretch the parser skipped, as a flat tree: each sentence's last
    word is its root, a name's words hang on its last word (so a name's root is where the parser puts
    it: "Mary Smith" on Smith), every other token on the root, with the label "dep" that no rule reads.
    Without a tree, joining it to parsed stretches (`Doc.from_docs`) would make every token a sentence.

    Capitalised words are proper nouns (PROPN) where the tagger would say so too: inside a name the NER
    found, inside a sentence, or a known first name opening one. The entity table reads names the NER
    missed from runs of proper nouns that start with a first name ("Mark Vande Hei", whom the NER gives as
    "Vande Hei"), and surnames from proper nouns: those must be found far from quotes too."""
    if not len(doc):
        return doc
    starts = [t.is_sent_start for t in doc]  # the paragraph breaks already set
    _SENTENCES(doc)
    for t, was in zip(doc, starts):
        if was:
            t.is_sent_start = True
    heads = numpy.zeros(len(doc), dtype="int32")
    name_end = {}
    for ent in doc.ents:
        for i in range(ent.start, ent.end - 1):
            name_end[i] = ent.end - 1
    sent_starts = [t.i for t in doc if t.is_sent_start] or [0]
    if sent_starts[0] != 0:
        sent_starts.insert(0, 0)
    bounds = list(zip(sent_starts, sent_starts[1:] + [len(doc)]))
    root_dep, other_dep = doc.vocab.strings.add("ROOT"), doc.vocab.strings.add("dep")
    amod = doc.vocab.strings.add("amod")
    deps = numpy.full(len(doc), other_dep, dtype="uint64")
    pos = numpy.zeros(len(doc), dtype="uint64")
    # a one-word name before a lowercase word qualifies it, as the parser reads "American officials": the
    # entity table takes no speaker from it, in a parsed stretch or not
    qualifies = {ent.start: ent.start + 1 for ent in doc.ents
                 if len(ent) == 1 and ent.end < len(doc) and doc[ent.end].is_lower and doc[ent.end].is_alpha
                 and not doc[ent.end].is_stop
                 and not doc[ent.end].is_sent_start}
    for s, e in bounds:
        words = [i for i in range(s, e) if not (doc[i].is_punct or doc[i].is_space)]
        root = words[-1] if words else e - 1
        deps[root] = root_dep
        for i in range(s, e):
            if i in qualifies and qualifies[i] < e:
                heads[i], deps[i], pos[qualifies[i]] = 1, amod, NOUN
            elif i != root:
                head = name_end.get(i, root)
                heads[i] = (head if s <= head < e else root) - i
    in_name = set(name_end) | {ent.end - 1 for ent in doc.ents}
    firsts = set(first_names)
    for t in doc:
        if t.text[:1].isupper() and any(c.isalpha() for c in t.text) and (
                t.i in in_name or not t.is_sent_start or t.lower_ in firsts):
            pos[t.i] = PROPN
    array = numpy.stack([heads.astype("uint64"), deps, pos], axis=1)
    doc.from_array([HEAD, DEP, POS], array)
    return doc
