"""The `stance_model` section of a rules file, rewritten in place: every byte outside the section stays as it was.

A rules file is hand-edited (rules-seed.yaml), so it is not loaded and dumped whole, which would re-wrap it: the
section (its `# -- stance model` header comment, the `stance_model:` key and its indented lines) is cut out
and the new one written where it was, or appended at the end when the file has none.
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

from ...rules import _yaml
from ..model_schema import StanceModelSpec

SECTION_HEADER = (
    "# -- stance model --------------------------------------------------------------\n"
    "# The learned stance model (quotes/stance/learned.py): the registry encoder with the fine-tuned top two\n"
    "# layers of the deltas file named here (by its hash), and a linear head over its mean-pooled features;\n"
    "# probabilities are softmax(logits / temperature). Written by `make stance-model` (the fine-tune, README\n"
    "# \"Stance\"); `quotes learn --only stance-head` refits the head from corrections.\n")
_HEADER_LINE = re.compile(r"^# -- stance model\b.*$", re.M)
_KEY_LINE = re.compile(r"^stance_model:", re.M)


def stance_section_text(spec: StanceModelSpec) -> str:
    """The section as it is written: the header comment, then `stance_model:` and its mapping."""
    out = io.StringIO()
    _yaml().dump({"stance_model": spec.section()}, out)
    return SECTION_HEADER + out.getvalue()


def _section_span(text: str) -> tuple[int, int] | None:
    """(start, end) of the existing section: from its header comment (or its key) to the next top-level entry,
    the blank lines and comments just before that entry left with it."""
    key = _KEY_LINE.search(text)
    if key is None:
        return None
    header = None
    for m in _HEADER_LINE.finditer(text, 0, key.start()):
        header = m
    start = key.start()
    if header is not None and not re.search(r"^[^#\s]", text[header.end():key.start()], re.M):
        start = header.start()  # the header and the key with only comments and blank lines between
    lines = text[key.start():].splitlines(keepends=True)
    pos = key.start() + len(lines[0])
    end = len(text)
    tail_start = None  # where the blank/comment lines before the next entry begin
    for line in lines[1:]:
        if line.strip() and not line[0].isspace() and not line.startswith("#"):
            end = tail_start if tail_start is not None else pos
            break
        if not line.strip() or line.startswith("#"):
            tail_start = pos if tail_start is None else tail_start
        else:
            tail_start = None
        pos += len(line)
    return start, end


def write_stance_section(rules_path: str | Path, spec: StanceModelSpec) -> None:
    """Put `spec` into the rules file as its `stance_model` section, replacing the one it has."""
    path = Path(rules_path)
    text = path.read_text(encoding="utf-8")
    new = stance_section_text(spec)
    span = _section_span(text)
    if span is None:
        if text and not text.endswith("\n"):
            text += "\n"
        text += "\n" + new
    else:
        start, end = span
        rest = text[end:]
        if rest and not rest.startswith("\n"):
            new += "\n"  # a blank line before the entry that follows
        text = text[:start] + new + rest
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # a reader never sees half a rules file
