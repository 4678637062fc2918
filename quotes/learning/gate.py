"""What `quotes learn` does with corrections, as one call: learn, cross-validate, and decide.

`relearn` learns every part of the rules (`learner.PARTS`, or those asked for) from all the corrected
documents, scores old and new rules by document-level cross-validation (`crossval`) and on the corrected
documents together, and says which figures the new rules score worse in cross-validation: the gate. A
caller keeps the new rules only when that list is empty (or it is told to force them). `quotes learn` and
the live backend's learning (`live`) both call it, so whatever part of the rules learning gains, both learn.
`stamp` gives learned rules their next version and a provenance entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..rules import Rules, _plain
from .corrections import CorrectionFile
from .crossval import Scores, cross_validate, score_together
from .learner import PARTS, learn
from .workbench import Workbench


@dataclass
class Relearned:
    parent: Rules
    rules: Rules  # learned from every corrected document, not stamped yet
    changes: list[str]
    old_cv: Scores  # cross-validation by document: old rules, and rules learned from the other folds
    new_cv: Scores
    old_all: Scores  # on the corrected documents together: old rules, and the final ones
    new_all: Scores

    @property
    def worse(self) -> list[str]:
        """The figures the new rules score worse in cross-validation: the gate is shut when there is any."""
        return self.new_cv.worse_than(self.old_cv)

    @property
    def unchanged(self) -> bool:
        return _plain(self.rules.data) == _plain(self.parent.data)


def relearn(rules: Rules, bench: Workbench, folds: int = 5, parts: tuple[str, ...] = PARTS) -> Relearned:
    final = learn(rules, bench, sorted(bench.docs), parts)
    old_cv, new_cv = cross_validate(rules, bench, folds, parts)
    old_all, new_all = score_together(bench, rules), score_together(bench, final.rules)
    return Relearned(rules, final.rules, final.changes, old_cv, new_cv, old_all, new_all)


def next_version(version: str) -> str:
    m = re.match(r"^(.*?)(\d+)$", version)
    return f"{m.group(1)}{int(m.group(2)) + 1}" if m else f"{version}.1"


def stamp(rules: Rules, parent: Rules, files: list[CorrectionFile], documents: int, changes: int,
          parts: tuple[str, ...] = PARTS, version: str | None = None) -> dict:
    """The learned data with its new version (the parent's next, unless given) and provenance (no clock: the
    same input gives the same file)."""
    data = rules.data
    data["version"] = version or next_version(parent.version)
    data.setdefault("provenance", []).append({
        "version": data["version"], "from": "learned", "parent": parent.version,
        "corrections": [{"file": f.path, "sha256": f.sha256} for f in files],
        "documents": documents, "changes": changes,
        **({} if set(parts) == set(PARTS) else {"learned": list(parts)}),
    })
    return data
