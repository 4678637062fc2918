"""Lines of raw text as a reader sees them: is this line a headline or a section title?

Pure string logic, shared by the paragraph reader (a hard-wrapped headline is its own paragraph) and the
windows (a title-case line is page furniture, not attribution), and by names (an acronym skips the same
minor words).
"""
from __future__ import annotations

# words a title leaves in lower case ("Court of Appeals for the Sixth Circuit")
MINOR_WORDS = {"of", "the", "and", "for", "on", "in", "at", "to", "a", "an", "&", "de", "du", "la", "von", "van", "der",
               "or", "nor", "but", "if", "as", "so", "by", "from", "with", "into", "over", "via", "vs", "vs.", "up"}


def title_case_line(text: str, min_words: int = 3, share: float = 1.0) -> bool:
    """A headline or section title: (a `share` of) its major words start with a capital."""
    words = [w.strip("\"'“”‘’()[],.:;!?-—–") for w in text.split()]
    words = [w for w in words if w and w[:1].isalpha()]
    major = [w for w in words if w.lower() not in MINOR_WORDS]
    if len(major) < min_words or len(words) > 30:
        return False
    upper = sum(1 for w in major if w[:1].isupper())
    return upper / len(major) >= share
