"""Exit statuses and warnings shared by every command (imports nothing of the CLI, so no cycles).

Distinct statuses, so that a script can tell them apart: 0 done; 1 an error (nothing written, an older output
of that name kept); 2 a usage error (argparse's own, or options that do not go together); 3 done, but not
all of it: some inputs skipped or renamed, or `learn` kept the old rules. Warnings that cost no input its rows
(quote marks recovered) leave the status 0.
"""
from __future__ import annotations

import sys

from ..errors import QuotesError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_WARNINGS = 0, 1, 2, 3
EXIT_SKIPPED = EXIT_WARNINGS  # its older name


class UsageError(QuotesError):
    """The command line itself is wrong (a missing PATH, options that do not go together): exit 2, as argparse."""


def warn(message: str) -> None:
    print(f"Warning: {message}", file=sys.stderr, flush=True)
