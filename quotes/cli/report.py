"""`quotes report QUOTES -o report.html`: the quote table as one self-contained HTML page with charts."""
from __future__ import annotations

import argparse

from .arguments import positive
from .status import EXIT_OK, EXIT_SKIPPED, warn



def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", metavar="QUOTES", help="the quote table `quotes extract` wrote (.csv, .jsonl or .parquet)")
    p.add_argument("--texts", nargs="+", metavar="PATH", default=[],
                   help="the articles the table came from (files, folders, JSONL/CSV corpora, as for `quotes "
                        "extract`): shown with their quotes highlighted; without, each article's quotes as a list")
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="the report to write, a .html file")
    p.add_argument("--png", metavar="PNG", help="also write the main chart (quotes per speaker and stance) as a "
                                                 ".png image for slides")
    p.add_argument("--top", type=positive("speakers"), default=25, metavar="N",
                   help="speakers (and outlets) in the charts, the rest as one 'others' bar (default: 25)")
    p.add_argument("--id-field", help="id column of JSONL/CSV corpora in --texts (default: id or doc_id)")
    p.add_argument("--text-field", help="text column of JSONL/CSV corpora in --texts (default: text)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line (warnings still go to stderr)")


def run(args: argparse.Namespace) -> int:
    from ..report import build_report  # Altair and vl-convert load only for this command

    report = build_report(args.table, args.output, texts=args.texts, png=args.png, top=args.top,
                          id_field=args.id_field, text_field=args.text_field)
    for message in report.warnings:
        warn(message)
    if not args.quiet:
        png = f"; main chart in {args.png}" if args.png and report.quotes else ""
        size = f"{report.size / 1e6:.1f} MB" if report.size >= 1e6 else f"{report.size / 1e3:.0f} kB"
        print(f"Wrote {args.output} ({size}): {report.quotes} quotes, {report.articles} "
              f"articles, {report.speakers} speakers{png}")
    return EXIT_SKIPPED if report.warnings else EXIT_OK


COMMANDS = [("report", "write the quote table as one self-contained HTML page: charts of who is quoted with what "
                       "stance, and the articles with their quotes highlighted", add_arguments, run)]
