"""The `quotes` command: a thin layer over the library.

Library errors are one-line `QuotesError`s; here they become `Error: ...` on
stderr and exit status 1. The statuses are in `status`: 2 is a usage error,
3 a run that finished with warnings (some inputs skipped, each named).
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from ..errors import QuotesError
from .status import EXIT_ERROR, EXIT_OK, EXIT_USAGE, UsageError

# each command module registers (name, help, add_arguments, run)
Command = tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _commands() -> list[Command]:
    from . import bench, convert, evaluate, extract, learn, report, studio
    return [*extract.COMMANDS, *evaluate.COMMANDS, *bench.COMMANDS, *convert.COMMANDS, *studio.COMMANDS,
            *learn.COMMANDS, *report.COMMANDS]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quotes",
        description="Find direct quotes in news text, attribute them to canonical speakers, label their stance.",
    )
    parser.add_argument("--version", action="version", version=f"quotes {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", help="what to do (quotes COMMAND --help)")
    for name, help_text, add_arguments, run in _commands():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(p)
        p.set_defaults(run=run)
    return parser


def _version() -> str:
    from .. import __version__
    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except QuotesError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: not our error
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
