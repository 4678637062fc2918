"""One learning pass: corrected documents + current rules -> new rules data and what changed."""
from __future__ import annotations

import copy
from dataclasses import dataclass

from ..rules import Rules, parse_rules
from .aliases import learn_aliases
from .cue_weights import learn_cues
from .ranking import learn_ranking
from .stance_fit import StanceExample, refit_stance
from .workbench import Aligned, Workbench


@dataclass
class Learned:
    rules: Rules
    changes: list[str]


def stance_examples(aligned: list[Aligned], bench: Workbench) -> list[StanceExample]:
    """The human's stance for each corrected quote, on the human's span, with the machine's cue verb."""
    out = []
    for a in aligned:
        doc = bench.parsed[a.doc.doc_id]
        cue_of = {id(h): a.analysis.details.get(m.quote_id) for h, m in a.pairs}
        for human in [h for h, _ in a.pairs] + list(a.added):
            span = doc.char_span(human.start, human.end, alignment_mode="expand")
            if span is None or not human.stance:
                continue
            detail = cue_of.get(id(human))
            out.append(StanceExample(span, detail.cue_lemma or None if detail else None, human.stance, a.doc.doc_id))
    return out


def learn(rules: Rules, bench: Workbench, doc_ids: list[str]) -> Learned:
    """New rules learned from the corrections of `doc_ids` (the version is stamped by the caller)."""
    if not doc_ids:
        return Learned(rules, [])
    aligned = bench.align(rules, doc_ids)
    data = copy.deepcopy(rules.data)
    parsed = {a.doc.doc_id: bench.parsed[a.doc.doc_id] for a in aligned}  # only the documents learned from
    changes = learn_aliases(aligned, data, rules, parsed, bench.nlp)
    changes += learn_cues(aligned, data, rules, bench.parsed)
    changes += learn_ranking(aligned, data, rules, bench.parsed)
    data, stance_changes = refit_stance(data, stance_examples(aligned, bench),
                                        balance=rules.threshold("stance_balance", 0.0),
                                        max_bias=rules.threshold("stance_max_bias", 0.3))
    changes += stance_changes
    return Learned(parse_rules(data, f"{rules.source} (learned)"), changes)
