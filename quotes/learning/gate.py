"""What `quotes learn` does with corrections, as one call: learn, cross-validate, and decide.

`relearn` learns every part of the rules (`learner.PARTS`, or those asked for) from all the corrected
documents, scores old and new rules by document-level cross-validation (`crossval`) and on the corrected
documents together, and says which figures the new rules score worse in cross-validation: the gate. A
caller keeps the new rules only when that list is empty (or it is told to force them). `quotes learn` and
the live backend's learning (`live`) both call it, so whatever part of the rules learning gains, both learn.
`stamp` gives learned rules their next version and a provenance entry.

The stance head (`stance-head`, `stance_head`) is learned beside the parts that need the corrected documents
annotated: on the encoder's cached features of the human's quotes, with its own cross-validation by document,
so it needs no parse (`relearn` without a workbench when it is the only part asked for). Its gate figure joins
the others: one figure worse, head or rules, and nothing is written, as before.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Sequence

from ..rules import Rules, _plain, parse_rules
from .corrections import CorrectedDoc, CorrectionFile
from .crossval import Scores, cross_validate, score_together
from .learner import PARTS as ANNOTATED_PARTS
from .learner import learn
from .stance_head import HeadRelearned, refit_from_corrections, write_head
from .workbench import Workbench

HEAD = "stance-head"
PARTS = (*ANNOTATED_PARTS, HEAD)  # what `quotes learn --only` may name; all of them by default


@dataclass
class Relearned:
    parent: Rules
    rules: Rules  # learned from every corrected document, not stamped yet
    changes: list[str]
    old_cv: Scores | None  # cross-validation by document: old rules, and rules learned from the other folds
    new_cv: Scores | None  # (None: no part that needs annotating was learned)
    old_all: Scores | None  # on the corrected documents together: old rules, and the final ones
    new_all: Scores | None
    head: HeadRelearned | None = None  # the stance head, when it was refitted
    notes: list[str] = field(default_factory=list)  # why a part asked for by default was not learned

    @property
    def worse(self) -> list[str]:
        """The figures the new rules score worse in cross-validation: the gate is shut when there is any."""
        rules = self.new_cv.worse_than(self.old_cv) if self.new_cv is not None and self.old_cv is not None else []
        return rules + (self.head.worse if self.head is not None else [])

    @property
    def unchanged(self) -> bool:
        return _plain(self.rules.data) == _plain(self.parent.data)


def relearn(rules: Rules, bench: Workbench | None, folds: int = 5, parts: tuple[str, ...] = PARTS,
            docs: Sequence[CorrectedDoc] | None = None, head_required: bool = False) -> Relearned:
    """Learn `parts` and cross-validate them. `bench` may be None when the stance head is the only part (then
    `docs` are the corrections). The head is refitted when asked for and the rules have a stance model and the
    corrections stance labels; `head_required` (it was asked for by name) makes its absence an error."""
    annotated = tuple(p for p in parts if p in ANNOTATED_PARTS)
    docs = list(bench.docs.values()) if docs is None and bench is not None else list(docs or [])
    learned, changes = rules, []
    old_cv = new_cv = old_all = new_all = None
    if annotated:
        if bench is None:
            raise ValueError(f"learning {', '.join(annotated)} needs the corrected documents annotated")
        final = learn(rules, bench, sorted(bench.docs), annotated)
        learned, changes = final.rules, list(final.changes)
        old_cv, new_cv = cross_validate(rules, bench, folds, annotated)
    head, notes = None, []
    if HEAD in parts:
        # the workbench's encoder, when it has loaded one: the same model, not a second copy in memory
        model = bench.stance_model(rules) if bench is not None else None
        head, note = refit_from_corrections(rules, docs, folds, required=head_required, model=model)
        notes += [note] if note else []
        if head is not None and not head.unchanged:
            data = copy.deepcopy(learned.data)
            write_head(data, head.new)
            learned = parse_rules(data, learned.source)
            changes += head.changes()
    if annotated:
        old_all, new_all = score_together(bench, rules), score_together(bench, learned)
    return Relearned(rules, learned, changes, old_cv, new_cv, old_all, new_all, head, notes)


def next_version(version: str) -> str:
    m = re.match(r"^(.*?)(\d+)$", version)
    return f"{m.group(1)}{int(m.group(2)) + 1}" if m else f"{version}.1"


def stamp(rules: Rules, parent: Rules, files: list[CorrectionFile], documents: int, changes: int,
          parts: tuple[str, ...] = PARTS, version: str | None = None, head: HeadRelearned | None = None) -> dict:
    """The learned data with its new version (the parent's next, unless given) and provenance (no clock: the
    same input gives the same file); a refitted stance head says from how many quotes and how it scored."""
    data = rules.data
    data["version"] = version or next_version(parent.version)
    data.setdefault("provenance", []).append({
        "version": data["version"], "from": "learned", "parent": parent.version,
        "corrections": [{"file": f.path, "sha256": f.sha256} for f in files],
        "documents": documents, "changes": changes,
        **({} if set(parts) == set(PARTS) else {"learned": list(parts)}),
        **({} if head is None or head.unchanged else {"stance_head": {
            "quotes": head.quotes, "l2": head.l2, "temperature": head.temperature, "folds": head.folds,
            "accuracy_cv": {"old": round(head.old_cv["accuracy"], 4), "new": round(head.new_cv["accuracy"], 4)}}}),
    })
    return data
