"""Canonical-speaker gold: one JSON file per article (PolNeAR's `canonical/` folders), read and judged.

Each file holds the article's `items`: a quote's content offsets (`content_start`, `content_end`), the
source mention PolNeAR gives (`source`, `source_start`, `source_end`), the speaker's `kind` (person,
organisation, group, unnamed, none), its `canonical` name and `alternates`. The texts are the split's
`text/<doc_id>.txt`. A speaker is judged as the strict canonical scorer of that gold judges it: a person,
organisation or group by its name (case, a leading "the", a possessive, curly apostrophes, spacing and
middle initials aside; an alternate counts), an unnamed source right when the prediction is empty or shares a
content word with the description, no speaker right when the prediction is empty.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

from ..errors import InputError

_STOP = set("the a an of to and in on for said says say told he she they it i we you his her their its this "
            "that is was be by with at as from mr ms mrs".split())
KINDS = ("person", "organisation", "group", "unnamed", "none")


def is_canonical_folder(path: Path) -> bool:
    """A folder of canonical-speaker files (JSON with `items`), not a brat folder or a folder of texts."""
    if not path.is_dir():
        return False
    first = next(iter(sorted(path.glob("*.json"))), None)
    if first is None:
        return False
    try:
        return isinstance(json.loads(first.read_text(encoding="utf-8")).get("items"), list)
    except (ValueError, AttributeError, UnicodeDecodeError):
        return False


def texts_folder(folder: Path, texts: Path | None) -> Path:
    """Where the articles' texts are: `texts`, else PolNeAR's layout (canonical/SPLIT -> SPLIT/text)."""
    if texts is not None:
        return texts
    guess = folder.resolve().parent.parent / folder.resolve().name / "text"
    if guess.is_dir():
        return guess
    raise InputError(f"{folder}: canonical gold needs its articles' texts; pass the folder with --texts "
                     f"(PolNeAR: SPLIT/text)")


def read_canonical(folder: Path, texts: Path | None = None) -> Iterator[tuple[str, str, list[dict]]]:
    """(doc_id, text, items) of each article, in sorted order."""
    text_dir = texts_folder(folder, texts)
    for f in sorted(folder.glob("*.json")):
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            doc_id = str(data.get("doc_id") or f.stem)
            items = list(data["items"])
            for it in items:
                int(it["content_start"]), int(it["content_end"])
                if it.get("kind") not in KINDS:
                    raise ValueError(f"kind {it.get('kind')!r}")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{f}: not a canonical-speaker file ({exc}); see the gold's README") from None
        text = text_dir / f"{doc_id}.txt"
        if not text.is_file():
            raise InputError(f"{f}: no text for {doc_id} in {text_dir}; pass the right --texts folder")
        yield doc_id, text.read_text(encoding="utf-8"), items


def norm_name(name: str) -> str:
    """How two canonical names compare: "Donald J. Trump" is "donald trump", "The FBI's" is "fbi"."""
    s = (name or "").casefold().replace("’", "'").replace("‘", "'").strip()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"'s$", "", s)
    w = s.split()
    w = [x for i, x in enumerate(w) if not (0 < i < len(w) - 1 and re.fullmatch(r"[a-z]\.?", x))]
    return " ".join(w)


def content_words(s: str) -> set[str]:
    return {w for w in re.findall(r"[\w']+", (s or "").lower()) if w not in _STOP}


def speaker_right(predicted: str, names: list[str], kind: str) -> bool:
    """Whether a predicted speaker is the gold's (`names`: the canonical name and its alternates)."""
    p = norm_name(predicted)
    if kind in ("person", "organisation", "group"):
        return p in {norm_name(n) for n in names if n}
    if kind == "unnamed":
        return not p or bool(content_words(p) & content_words(names[0] if names else ""))
    return not p
