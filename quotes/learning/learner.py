"""One learning pass: corrected documents + current rules -> new rules data and what changed.

A map over documents and a reduce: each document is annotated and lined up on
its own, each learner takes what it needs from it (`*Evidence.add`), and the
document's parse is dropped before the next; the evidence becomes rules once.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from spacy.tokens import Doc

from ..rules import Rules, parse_rules
from .aliases import AliasEvidence, learn_aliases
from .cue_weights import CueEvidence, learn_cues
from .ranking import RankingEvidence, learn_ranking
from .stance_fit import StanceExample, refit_stance
from .workbench import Aligned, Workbench


PARTS = ("aliases", "cues", "ranking", "stance")  # what `quotes learn --only` may restrict learning to


@dataclass
class Learned:
    rules: Rules
    changes: list[str]


def _detached(doc: Doc, start: int, end: int):
    """The span of a quote on a copy of the sentences that hold it, so the document's parse can go."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    first, last = span[0].sent, span[-1].sent
    piece = doc[first.start:last.end].as_doc()
    offset = doc[first.start].idx
    return piece.char_span(start - offset, end - offset, alignment_mode="expand")


def stance_examples(a: Aligned) -> list[StanceExample]:
    """The human's stance for each corrected quote, on the human's span, with the machine's cue verb."""
    out = []
    cue_of = {id(h): a.analysis.details.get(m.quote_id) for h, m in a.pairs}
    for human in [h for h, _ in a.pairs] + list(a.added):
        if not human.stance or a.parsed is None:
            continue
        span = _detached(a.parsed, human.start, human.end)
        if span is None:
            continue
        detail = cue_of.get(id(human))
        out.append(StanceExample(span, detail.cue_lemma or None if detail else None, human.stance, a.doc.doc_id))
    return out


def learn(rules: Rules, bench: Workbench, doc_ids: list[str], parts: tuple[str, ...] = PARTS) -> Learned:
    """New rules learned from the corrections of `doc_ids` (the version is stamped by the caller), in the
    `parts` of the rules named (stance-only gold, with no speakers, must teach nothing about speakers)."""
    if not doc_ids:
        return Learned(rules, [])
    aliases, cues, ranking = AliasEvidence.of(rules), CueEvidence.of(rules), RankingEvidence.of(rules)
    stance: list[StanceExample] = []
    for a in bench.aligned(rules, doc_ids):
        aliases.add(a)
        cues.add(a)
        ranking.add(a)
        stance.extend(stance_examples(a))
    data = copy.deepcopy(rules.data)
    changes = learn_aliases(aliases, data, bench.nlp) if "aliases" in parts else []
    changes += learn_cues(cues, data) if "cues" in parts else []
    changes += learn_ranking(ranking, data) if "ranking" in parts else []
    if "stance" in parts:
        data, stance_changes = refit_stance(data, stance, balance=rules.threshold("stance_balance", 0.0),
                                            max_bias=rules.threshold("stance_max_bias", 0.3))
        changes += stance_changes
    return Learned(parse_rules(data, f"{rules.source} (learned)"), changes)
