"""Exit statuses and warnings shared by every command (imports nothing of the CLI, so no cycles)."""
from __future__ import annotations

import sys

EXIT_OK, EXIT_ERROR, EXIT_SKIPPED = 0, 1, 2


def warn(message: str) -> None:
    print(f"Warning: {message}", file=sys.stderr, flush=True)
