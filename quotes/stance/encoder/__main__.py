"""Set-up commands: `python -m quotes.stance.encoder verify` checks the installed files against their hashes;
`python -m quotes.stance.encoder build --variant int8` also builds the ONNX cache of the packaged rules' stance
model (its deltas baked in; `make setup` runs it), so that no annotation run pays the 4.5 CPU s and 650 MB of a
first-use build. Errors print as one line with exit code 1, as the CLI's do.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ...errors import QuotesError
from .onnx_backend import VARIANTS, onnx_model_path
from .runtime import load_weights
from .tokenizer import make_tokenizer
from .weights import locate_model


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m quotes.stance.encoder",
                                 description="Check the sentence encoder's files; build its ONNX cache.")
    ap.add_argument("command", choices=["build", "verify"])
    ap.add_argument("--variant", action="append", choices=VARIANTS, help="ONNX variant(s) to build (default int8)")
    ap.add_argument("--deltas", help="a stance model's delta file to bake in (default: the one the packaged rules "
                                     "name; 'none' for the plain encoder)")
    ap.add_argument("--cache-dir", help="default: $QUOTES_CACHE_DIR, $XDG_CACHE_HOME/quotes or ~/.cache/quotes")
    args = ap.parse_args(argv)
    try:
        files = locate_model("full")
        if args.command == "verify":
            print(f"ok: {files.directory}")
            return 0
        params, identity = load_weights(files, _deltas(args.deltas))
        tokenizer = make_tokenizer(files)
        for variant in args.variant or ["int8"]:
            print(onnx_model_path(params, files.config, identity, variant, args.cache_dir, tokenizer))
    except QuotesError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    except ImportError as e:  # onnxruntime or onnx: only this branch's optional extra brings them
        print(f"Error: building the ONNX cache needs {e.name}: pip install -e '.[stance]'", file=sys.stderr)
        return 1
    return 0


def _deltas(given: str | None) -> str | None:
    """The delta file to bake in: the given one, none, or the packaged rules' (checked against its hash)."""
    if given is not None:
        return None if given == "none" else given
    from ...rules import load_rules
    from ..learned import deltas_path

    rules = load_rules()
    if rules.stance_model is None:
        return None
    path = deltas_path(rules.stance_model, rules.stance_model_directory())
    return str(path) if path is not None else None


if __name__ == "__main__":
    raise SystemExit(main())
