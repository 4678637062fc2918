"""Cue and subject finding on hand-built parses (no model): the shapes a real parser sometimes gives."""
from __future__ import annotations

import spacy
from spacy.tokens import Doc

from quotes.attribution.cues import same_paragraph, subject_of

VOCAB = spacy.blank("en").vocab


def parsed(words, heads, deps, pos, spaces=None) -> Doc:
    return Doc(VOCAB, words=words, heads=heads, deps=deps, pos=pos, spaces=spaces)


def test_a_preposition_at_the_root_ends_the_climb():
    # "Despite adding more": a cue verb under a preposition that the parser made the root.
    # Token objects are made afresh on every access, so identity tests never saw the root,
    # and climbing over prepositions looped for ever on long PolNeAR articles.
    doc = parsed(["Despite", "adding", "more"], [0, 0, 1], ["ROOT", "pcomp", "dobj"], ["ADP", "VERB", "ADJ"])
    assert subject_of(doc[1], lambda t: True) is None


def test_a_subject_is_found_over_a_preposition():
    # "Smith spoke despite adding ...": the verb under the preposition takes the clause's subject
    doc = parsed(["Smith", "spoke", "despite", "adding", "more"], [1, 1, 1, 2, 3],
                 ["nsubj", "ROOT", "prep", "pcomp", "dobj"], ["PROPN", "VERB", "ADP", "VERB", "ADJ"])
    assert subject_of(doc[3], lambda t: True).text == "Smith"


def test_a_subject_across_a_paragraph_break_is_not_taken():
    # the parser attached "Getty" (a photo credit above) as the subject of the next paragraph's verb
    doc = parsed(["Getty", "\n\n", "Ann", "told", "us"], [3, 0, 3, 3, 3], ["nsubj", "dep", "npadvmod", "ROOT", "dobj"],
                 ["PROPN", "SPACE", "PROPN", "VERB", "PRON"], spaces=[False, False, True, True, False])
    assert not same_paragraph(doc[0], doc[3])
    assert subject_of(doc[3], lambda t: True) is None
