"""`quotes convert-gold BRAT_DIR -o GOLD.jsonl`: an attribution corpus as gold JSONL for `quotes learn` and `quotes eval`."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import InputError
from ..evaluation.convert_gold import convert
from ..tables.output import atomic_write, check_output
from .arguments import positive
from .status import EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("brat", metavar="BRAT_DIR", help="brat standoff: text/ and attributions/ (PolNeAR), or .txt and "
                                                    ".ann side by side")
    p.add_argument("-o", "--output", required=True, metavar="GOLD", help="the gold JSONL to write")
    p.add_argument("--limit", type=positive("documents"), metavar="N", help="only the first N documents, in sorted order")


def run(args: argparse.Namespace) -> int:

    folder, out = Path(args.brat), Path(args.output)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; pass a brat folder (text/ and attributions/, e.g. polnear/train)")
    check_output(out)
    docs, empty, kinds = set(), 0, {"direct": 0, "partial": 0}
    with atomic_write(out, newline=None) as fh:  # whole or not at all, as every output
        for row in convert(folder, args.limit):
            docs.add(row["doc_id"])
            if "start" in row:
                kinds[row["type"]] += 1
            else:
                empty += 1
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        if not docs:
            raise InputError(f"{folder}: no .ann files with matching .txt texts; pass a brat folder "
                             "(e.g. polnear/train)")
    texts = folder / "text" if (folder / "text").is_dir() else folder
    print(f"Wrote {out}: {len(docs)} documents ({empty} without a quote), {kinds['direct']} direct and "
          f"{kinds['partial']} partial quote rows, speakers as the articles name them.\n"
          f"Learn from it: quotes learn {out} --texts {texts} -o NEW_RULES.yaml")
    return EXIT_OK


COMMANDS = [("convert-gold", "turn an attribution corpus in brat standoff (PolNeAR) into gold JSONL",
             add_arguments, run)]
