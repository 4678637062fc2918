"""Names as a document writes them: cut from a token span, cleaned of titles and punctuation.

Pure string and token logic, no knowledge of people: "Sen. Tim Kaine's" is the
name "Tim Kaine" with the title "sen."; "Ban Ki-moon" keeps its hyphen because
the name is read from the text, not re-joined from tokens.
"""
from __future__ import annotations

import re
from typing import Sequence

from spacy.tokens import Token

from ..text.lines import MINOR_WORDS as _MINOR

_POSSESSIVE = {"'s", "’s", "'", "’"}
_EDGE_PUNCT = set("\"'“”‘’«»‹›()[]{}<>,.;:!?*―—–-_/|#@")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_INITIAL = re.compile(r"^[A-Z]\.?$")

# A name is a name: the longest the gold of 404 news articles holds is 11 words and 75 characters (an unnamed
# source's description); the longest speaker mention, a list of five people, 15 words and 93 characters.
# Longer "names" are junk (a 500,000-letter token, a paragraph of capitals), and every name is compared,
# keyed and respelled: bounding them keeps that work linear in the text whatever a document holds.
MAX_NAME_CHARS = 100
MAX_NAME_WORDS = 12
MAX_MENTION_CHARS = 200  # a mention may list several names ("Smith, Park, Reed and Lee")
MAX_MENTION_WORDS = 30


def is_name_sized(name: str) -> bool:
    """Whether a person's, an organisation's or an unnamed source's name is short enough to be one."""
    return len(name) <= MAX_NAME_CHARS and len(name.split(None, MAX_NAME_WORDS)) <= MAX_NAME_WORDS


def is_mention_sized(mention: str) -> bool:
    """Whether the words that name a speaker in the text are few enough to be a mention."""
    return len(mention) <= MAX_MENTION_CHARS and len(mention.split(None, MAX_MENTION_WORDS)) <= MAX_MENTION_WORDS


def is_initial(word: str) -> bool:
    return bool(_INITIAL.match(word))


def name_tokens(tokens: Sequence[Token], titles: frozenset[str], person: bool = False) -> tuple[list[Token], list[str]]:
    """The tokens of the name in a mention span, and the titles and qualifiers stripped before it.

    "Ava DuVernay's" is Ava DuVernay, "Cook Political Report's David Wasserman"
    is David Wasserman; leading titles ("Sen.", "President"), determiners and
    punctuation go, and so does a name suffix ("Jr."); in a person's span a
    title inside it ends what came before ("White House Press Secretary Josh
    Earnest"). A lone title stays: "Mayor" with nothing after it is no name.
    """
    toks = list(tokens)
    stripped: list[str] = []
    for k, t in enumerate(toks):
        if t.text in _POSSESSIVE and k > 0:
            after = [u for u in toks[k + 1:] if u.text[:1].isupper()]
            if after:
                stripped.extend(u.lower_ for u in toks[:k + 1])
                toks = toks[k + 1:]
            else:
                toks = toks[:k]
            break
    if person:
        inner = [k for k, t in enumerate(toks[:-1]) if t.lower_ in titles and t.lower_ not in ("the", "a", "an")]
        if inner:
            stripped.extend(t.lower_ for t in toks[:inner[-1] + 1])
            toks = toks[inner[-1] + 1:]
    while toks and (toks[0].is_punct or toks[0].text in _EDGE_PUNCT or toks[0].is_space
                    or (toks[0].lower_ in titles and len(toks) > 1)):
        if not toks[0].is_punct and not toks[0].is_space:
            stripped.append(toks[0].lower_)
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].text in _EDGE_PUNCT or toks[-1].is_space
                    or (toks[-1].lower_ in _SUFFIXES and len(toks) > 1)):
        toks = toks[:-1]
    return toks, stripped


def span_text(tokens: Sequence[Token]) -> str:
    """The words of consecutive tokens as the text writes them, on one line."""
    if not tokens:
        return ""
    # Doc.text is rebuilt from every token at each access: join the span's own tokens instead
    text = "".join(t.text_with_ws for t in tokens)
    return " ".join(text.split())


def drop_middle_initials(name: str) -> str:
    """'Donald J. Trump' -> 'Donald Trump'; a first or last initial stays."""
    words = name.split()
    if len(words) < 3 or is_initial(words[0]):
        return name  # "J. K. Rowling" goes by her initials
    kept = [w for k, w in enumerate(words) if k in (0, len(words) - 1) or not is_initial(w)]
    return " ".join(kept)


def acronym(name: str) -> str | None:
    """'International Monetary Fund' -> 'IMF'; None for a name of fewer than two major words."""
    words = [w for w in re.split(r"[\s-]+", name) if w]
    major = [w for w in words if w.lower() not in _MINOR]
    if len(major) < 2 or not all(w[:1].isupper() for w in major):
        return None
    return "".join(w[0] for w in major).upper()


def looks_like_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()
